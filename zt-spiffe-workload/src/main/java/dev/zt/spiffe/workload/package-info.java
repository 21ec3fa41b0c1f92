/**
 * A SPIFFE Workload API client ({@link dev.zt.spiffe.workload.WorkloadApiClient}, SPIFFE Workload API §5–§6): fetches
 * this workload's X.509-SVID and bundles from the local Workload Endpoint (a SPIRE agent) over a Unix domain socket,
 * keeps a {@link dev.zt.spiffe.X509Source} current as they rotate, and fetches JWT-SVIDs
 * ({@link dev.zt.spiffe.workload.JwtSvidToken}) and JWT bundles. Generated gRPC stubs live in
 * {@code dev.zt.spiffe.workload.internal.proto} and are not API (the module does not export them).
 *
 * <p>The entry point: one client for the life of the service; its source feeds the server's mTLS context and the
 * enforcer's peer verifier, both of which read it afresh, so a rotated SVID or bundle applies at once.
 *
 * <pre>{@code
 * try (WorkloadApiClient workloadApi = WorkloadApiClient.builder()
 *     .endpoint(endpoint) // "unix:/…"; without it, SPIFFE_ENDPOINT_SOCKET
 *     .build()) {
 *   X509Source source = workloadApi.awaitFirstSnapshot(Duration.ofSeconds(10));
 *   SSLContext tls = SpiffeSslContexts.server(source, PeerAuthorizer.memberOf(TrustDomain.parse("example.org")));
 *   Enforcer enforcer = Enforcer.builder()
 *       .bearerJwt(tokens)
 *       .peerVerifier(SpiffePeerVerifier.of(source, Clock.systemUTC()))
 *       .routes(RoutePolicy.builder()
 *           .get("/inventory", Requirement.workload("spiffe://example.org/ns/shop/sa/checkout"))
 *           .build())
 *       .build();
 *   serve(tls, enforcer); // yours: until shutdown
 * }
 * }</pre>
 *
 * <p>To call another service with a JWT-SVID instead of mTLS:
 *
 * <pre>{@code
 * JwtSvidToken svid = workloadApi.fetchJwtSvid("payments-api");
 * String authorization = "Bearer " + svid.token();
 * }</pre>
 *
 * @since 0.1
 */
package dev.zt.spiffe.workload;
