/**
 * Policy as code: a {@code zt-policy.yaml} file, validated against its published JSON Schema, that expresses what the
 * builders do and produces the same immutable enforcer; embedded self-tests that must pass before a file is used; hot
 * reload that keeps the last good policy; the audit export and its replay against a new policy.
 *
 * @since 0.3
 */
package dev.zt.policy;
