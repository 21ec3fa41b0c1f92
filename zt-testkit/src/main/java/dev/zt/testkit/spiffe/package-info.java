/**
 * A SPIFFE test authority: trust domains with root and intermediate CAs
 * ({@link dev.zt.testkit.spiffe.TestTrustDomain}), good and deliberately broken X.509-SVIDs
 * ({@link dev.zt.testkit.spiffe.TestSvid}, {@link dev.zt.testkit.spiffe.LeafBuilder}), JWT-SVIDs
 * ({@link dev.zt.testkit.spiffe.JwtSvidBuilder}), bundles in SPIFFE JSON and PEM
 * ({@link dev.zt.testkit.spiffe.TestBundle}), and {@code SSLContext}s for test clients
 * ({@link dev.zt.testkit.spiffe.TestTrustDomain#sslContextFor}). Certificates are issued with Bouncy Castle, in the
 * test only; zt verifies them with the JDK.
 *
 * <p>The entry point: a trust domain, an SVID from it, and the enforcer's peer verifier trusting its bundle.
 *
 * <pre>{@code
 * TestTrustDomain domain = TestTrustDomain.create("example.org");
 * TestSvid checkout = domain.issueX509Svid("/ns/shop/sa/checkout");
 * Enforcer enforcer = Enforcer.builder()
 *     .bearerJwt(tokens)
 *     .peerVerifier(SpiffePeerVerifier.of(TrustBundleSet.of(domain.bundle().trustBundle()), clock))
 *     .routes(RoutePolicy.builder()
 *         .get("/inventory", Requirement.workload("spiffe://example.org/ns/shop/sa/checkout"))
 *         .build())
 *     .build();
 * assertThatDecision(enforcer.enforce(TestRequest.get("/inventory").peerCertificates(checkout.chain()).build()))
 *     .isAllowed();
 * }</pre>
 *
 * @since 0.1
 */
package dev.zt.testkit.spiffe;
