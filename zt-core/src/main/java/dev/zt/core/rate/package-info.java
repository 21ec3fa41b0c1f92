/**
 * Adaptive rate limits per identity (subject, client, else address and its network), route and tenant: a
 * {@link dev.zt.core.rate.RatePolicy} of {@link dev.zt.core.rate.RateLimit}s whose room scales with the caller's trust
 * level and shrinks for a throttled identity; a refused request gets 429 with {@code Retry-After} and the draft
 * {@code RateLimit} fields.
 *
 * <pre>{@code
 * RatePolicy rates = RatePolicy.builder()
 *     .defaultLimit(RateLimit.of("default", 100, Duration.ofSeconds(10)))
 *     .route("GET /orders", RateLimit.of("orders", 50, Duration.ofSeconds(10)))
 *     .build();
 * }</pre>
 */
package dev.zt.core.rate;
