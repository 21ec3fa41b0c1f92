/**
 * A policy file's embedded tests in the user's own JUnit 5 run: {@link dev.zt.testkit.policy.PolicyTestFactory}
 * turns them into dynamic tests with real tokens from the in-process {@link dev.zt.testkit.TestIssuer}, plus a
 * coverage test that fails on a rule no test decides.
 *
 * @since 0.3
 */
package dev.zt.testkit.policy;
