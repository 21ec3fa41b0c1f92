/**
 * What a service's own tests need to test the zt in front of it, without a network or an identity provider: a real
 * OAuth 2.0 / OpenID Connect issuer in the test's process ({@link dev.zt.testkit.TestIssuer}, discovery and JWKS on
 * loopback) with a {@link dev.zt.testkit.TokenBuilder} for good and deliberately broken tokens and
 * {@link dev.zt.testkit.TestKey}s to rotate, requests without a server ({@link dev.zt.testkit.TestRequest}), a clock
 * tests move instead of sleeping ({@link dev.zt.testkit.TestClock}), assertions on decisions
 * ({@link dev.zt.testkit.ZtAssertions#assertThatDecision}), and a JUnit 5 extension that injects an issuer and a
 * clock ({@link dev.zt.testkit.ZtExtension}). The SPIFFE test authority is in {@code dev.zt.testkit.spiffe}, the
 * adapter conformance suite in {@code dev.zt.testkit.conformance}.
 *
 * <p>The entry point, a deny path in a few lines:
 *
 * <pre>{@code
 * try (TestIssuer issuer = TestIssuer.start()) {
 *   Enforcer enforcer = Enforcer.builder()
 *       .bearerJwt(issuer.bearerJwt().build())
 *       .routes(RoutePolicy.builder().get("/orders", Requirement.allScopes("orders:read")).build())
 *       .build();
 *   String token = issuer.token().scope("orders:write").build();
 *   assertThatDecision(enforcer.enforce(TestRequest.get("/orders").bearer(token).build()))
 *       .isDeniedWith(DenyReason.INSUFFICIENT_SCOPE).requiringScopes("orders:read").hasStatus(403);
 * }
 * }</pre>
 *
 * @since 0.1
 */
package dev.zt.testkit;
