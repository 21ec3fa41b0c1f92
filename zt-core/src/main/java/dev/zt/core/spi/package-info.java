/**
 * The state SPI: where an enforcer keeps what outlives a request — suspended credentials ({@link
 * dev.zt.core.spi.Suspensions}), blocked sources ({@link dev.zt.core.spi.SourceBlocks}), throttled, monitored and
 * CRITICAL identities and trust caps ({@link dev.zt.core.spi.IdentityFlags}), the detectors' windowed counts ({@link
 * dev.zt.core.spi.SlidingCounters}), rate buckets ({@link dev.zt.core.spi.RateBuckets}) and single-use keys ({@link
 * dev.zt.core.spi.SingleUse}). The entry point is {@link dev.zt.core.spi.SecurityState}, a factory with one method per
 * store; the default is {@link dev.zt.core.spi.SecurityState#inMemory()} (bounded, on the enforcer's clock, nothing
 * shared). A fleet shares its state by giving every enforcer another implementation:
 *
 * <pre>{@code
 * Enforcer enforcer = Enforcer.builder()
 *     .bearerJwt(BearerJwt.issuer("https://idp.example.com").audience("orders-api").build())
 *     .routes(RoutePolicy.builder().get("/orders", Requirement.allScopes("orders:read")).build())
 *     .state(SecurityState.inMemory()) // the default; a shared store (Redis) plugs in here
 *     .build();
 * }</pre>
 *
 * <p>Failure behaviour is part of every store's contract: a read that cannot answer says so ({@link
 * dev.zt.core.spi.Presence#UNAVAILABLE}, {@link dev.zt.core.spi.SingleUse.Use#UNAVAILABLE}) or throws, and the
 * enforcer then takes the strict reading — a suspension or block check that cannot answer denies, never allows.
 *
 * @since 0.1
 */
package dev.zt.core.spi;
