/**
 * The Policy Enforcement Point, and what every user of zt touches: the {@link dev.zt.core.Enforcer} built once from
 * immutable configuration, the {@link dev.zt.core.RequestContext} an adapter describes each request with, the
 * {@link dev.zt.core.Decision} it answers (allow as a {@link dev.zt.core.Caller}, or deny for a
 * {@link dev.zt.core.DenyReason}), the {@link dev.zt.core.WireResponse} a denial is answered with, and the
 * {@link dev.zt.core.AuditListener} that sees every decision. The checks themselves are configured from the feature
 * packages: {@code credential}, {@code policy}, {@code trust}, {@code rate}, {@code detect} and
 * {@code countermeasure}.
 *
 * <p>The entry point:
 *
 * <pre>{@code
 * Enforcer enforcer = Enforcer.builder()
 *     .bearerJwt(BearerJwt.issuer("https://idp.example.com").audience("orders-api").build())
 *     .routes(RoutePolicy.builder().get("/orders", Requirement.allScopes("orders:read")).build())
 *     .build();
 * Decision decision = enforcer.enforce(RequestContext.builder("GET", "/orders")
 *     .headers(RequestHeaders.of(Map.of("Authorization", List.of("Bearer " + accessToken))))
 *     .build()).toCompletableFuture().join();
 * if (decision instanceof Decision.Deny deny) {
 *   WireResponse answer = enforcer.respond(deny); // status, WWW-Authenticate, problem+json
 * }
 * }</pre>
 *
 * <p>Adapters (zt-servlet, zt-netty) do this for every request; an application calls the enforcer itself only
 * where no adapter fits.
 */
package dev.zt.core;
