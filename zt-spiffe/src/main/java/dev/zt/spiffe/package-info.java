/**
 * SPIFFE workload identity for zt: {@link dev.zt.spiffe.SpiffeId} and {@link dev.zt.spiffe.TrustDomain} (SPIFFE-ID
 * §2), trust bundles (SPIFFE Trust Domain and Bundle §4), X.509-SVID verification (X509-SVID §5), JWT-SVID
 * verification (JWT-SVID §2–§4), and SPIFFE-aware TLS key and trust managers over a rotating
 * {@link dev.zt.spiffe.X509Source}. JDK crypto and Nimbus JOSE only; the Workload API client lives in a separate
 * module (zt-spiffe-workload) so this one needs no gRPC.
 *
 * <p>The entry points: an {@link dev.zt.spiffe.X509Source} holds this workload's SVID and the bundles it trusts (kept
 * current by zt-spiffe-workload's client, or updated by the application); the server's mTLS context and the
 * enforcer's {@link dev.zt.spiffe.SpiffePeerVerifier} read it, so a rotation applies to the next handshake and the
 * next request.
 *
 * <pre>{@code
 * X509Source source = X509Source.of(new SvidSnapshot(svid, bundles));
 * SSLContext tls = SpiffeSslContexts.server(source, PeerAuthorizer.memberOf(TrustDomain.parse("example.org")));
 * Enforcer enforcer = Enforcer.builder()
 *     .bearerJwt(tokens)
 *     .peerVerifier(SpiffePeerVerifier.of(source, Clock.systemUTC()))
 *     .routes(RoutePolicy.builder()
 *         .get("/inventory", Requirement.workload("spiffe://example.org/ns/shop/sa/checkout"))
 *         .build())
 *     .build();
 * }</pre>
 *
 * <p>A peer the verifier accepts is a {@link dev.zt.core.Caller} whose {@code workload()} is its SPIFFE ID, which
 * {@code Requirement.workload(…)} rules match exactly.
 *
 * @since 0.1
 */
package dev.zt.spiffe;
