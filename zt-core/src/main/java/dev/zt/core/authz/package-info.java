/**
 * Authorization beyond routes: object-level checks from code (OWASP API1, broken object-level authorization) and
 * an external policy decision point (OPA's Data API, the OpenID AuthZEN Authorization API). A route rule decides
 * first; an object rule next; a PDP last; a deny anywhere wins and an unavailable PDP is never an allow.
 *
 * @since 0.3
 */
package dev.zt.core.authz;
