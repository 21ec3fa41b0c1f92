/**
 * Authorization by route, deny by default: a {@link dev.zt.core.policy.RoutePolicy} maps methods and
 * {@link dev.zt.core.policy.PathPattern}s to a {@link dev.zt.core.policy.Requirement} (scopes, roles, claims,
 * SPIFFE workloads, a trust floor); a request no rule matches is refused. Object-level checks and an external
 * policy decision point will live here too.
 *
 * <pre>{@code
 * RoutePolicy routes = RoutePolicy.builder()
 *     .get("/orders/{*}", Requirement.allScopes("orders:read"))
 *     .post("/orders", Requirement.allScopes("orders:write").and(Requirement.anyRole("clerk")))
 *     .get("/inventory", Requirement.workload("spiffe://example.org/ns/shop/sa/checkout"))
 *     .get("/health", Requirement.permitAll())
 *     .build();
 * }</pre>
 */
package dev.zt.core.policy;
