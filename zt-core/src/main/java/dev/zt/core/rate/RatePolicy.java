package dev.zt.core.rate;

import dev.zt.core.internal.pipeline.Assembly;
import dev.zt.core.internal.pipeline.Features;
import dev.zt.core.trust.TrustLevel;

import java.time.Duration;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Per-identity rate limits. A bucket is kept per identity (subject, else client id, else the client address — and
 * then also its /24 or /64 network, with {@link Builder#networkMultiplier} times the room) × route rule × tenant.
 * The trust level scales the limits (LOW and CRITICAL get less room); a throttled identity gets less still. A change
 * of level reshapes the live bucket proportionally, so consumption is never reset by flapping between levels.
 *
 * @since 0.1
 */
public final class RatePolicy {

  static {
    Features.register(RatePolicy.class, (policy, assembly) -> {
      if (!policy.isEmpty()) {
        assembly.add(Assembly.Stage.RATE, new RateGate(policy, assembly.countermeasures(), assembly.clock(),
            assembly.identities(), assembly.state(), assembly.executor()));
      }
    });
  }

  private final Optional<RateLimit> defaultLimit;
  private final Map<String, Optional<RateLimit>> byRoute;
  private final EnumMap<TrustLevel, Double> levelFactors;
  private final double throttleFactor;
  private final int networkMultiplier;
  private final Optional<String> tenantClaim;
  private final long maxBuckets;

  private RatePolicy(Builder b) {
    this.defaultLimit = Optional.ofNullable(b.defaultLimit);
    Map<String, Optional<RateLimit>> routes = new java.util.HashMap<>();
    b.byRoute.forEach((k, v) -> routes.put(k, Optional.of(v)));
    this.byRoute = Map.copyOf(routes);
    this.levelFactors = new EnumMap<>(b.levelFactors);
    this.throttleFactor = b.throttleFactor;
    this.networkMultiplier = b.networkMultiplier;
    this.tenantClaim = Optional.ofNullable(b.tenantClaim);
    this.maxBuckets = b.maxBuckets;
  }

  /** 1 200 requests per minute (with a burst of 100 per second) per identity and route; LOW ×0.5, CRITICAL ×0.1. */
  public static RatePolicy defaults() {
    return builder().defaultLimit(RateLimit.of("default", 1200, Duration.ofMinutes(1))
        .and("burst", 100, Duration.ofSeconds(1))).build();
  }

  /** No rate limits. */
  public static RatePolicy none() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The limit for the route rule {@code routeId}, else the default. */
  Optional<RateLimit> limitFor(String routeId) {
    Optional<RateLimit> r = byRoute.get(routeId);
    return r != null ? r : defaultLimit;
  }

  public boolean isEmpty() {
    return defaultLimit.isEmpty() && byRoute.isEmpty();
  }

  double factor(TrustLevel level, boolean throttled) {
    return levelFactors.getOrDefault(level, 1.0) * (throttled ? throttleFactor : 1.0);
  }

  double throttleFactor() {
    return throttleFactor;
  }

  int networkMultiplier() {
    return networkMultiplier;
  }

  public Optional<String> tenantClaim() {
    return tenantClaim;
  }

  public long maxBuckets() {
    return maxBuckets;
  }

  /** Builder. */
  public static final class Builder {
    private RateLimit defaultLimit;
    private final Map<String, RateLimit> byRoute = new LinkedHashMap<>();
    private final EnumMap<TrustLevel, Double> levelFactors = new EnumMap<>(Map.of(
        TrustLevel.HIGH, 1.0, TrustLevel.MEDIUM, 1.0, TrustLevel.LOW, 0.5, TrustLevel.CRITICAL, 0.1));
    private double throttleFactor = 0.2;
    private int networkMultiplier = 8;
    private String tenantClaim;
    private long maxBuckets = 100_000;

    private Builder() {}

    /** The limit for routes without their own. */
    public Builder defaultLimit(RateLimit limit) {
      if (defaultLimit != null) {
        throw new IllegalStateException("defaultLimit was already set");
      }
      this.defaultLimit = Objects.requireNonNull(limit, "limit");
      return this;
    }

    /** The limit for the route rule with id {@code routeId} (e.g. {@code "GET /orders"}). */
    public Builder route(String routeId, RateLimit limit) {
      if (byRoute.put(Objects.requireNonNull(routeId, "routeId"), Objects.requireNonNull(limit, "limit")) != null) {
        throw new IllegalStateException("a limit for route '" + routeId + "' was already set");
      }
      return this;
    }

    /** The share of the limits a caller at {@code level} gets (default HIGH/MEDIUM 1, LOW 0.5, CRITICAL 0.1). */
    public Builder levelFactor(TrustLevel level, double factor) {
      if (!(factor > 0 && factor <= 1)) {
        throw new IllegalArgumentException("factor must be within (0, 1]: " + factor);
      }
      levelFactors.put(level, factor);
      return this;
    }

    /** The share a throttled (suspicious) identity gets; default 0.2. */
    public Builder throttleFactor(double factor) {
      if (!(factor > 0 && factor <= 1)) {
        throw new IllegalArgumentException("factor must be within (0, 1]: " + factor);
      }
      this.throttleFactor = factor;
      return this;
    }

    /** How many times an address's room its /24 (IPv4) or /64 (IPv6) network gets; default 8. */
    public Builder networkMultiplier(int multiplier) {
      if (multiplier < 1) {
        throw new IllegalArgumentException("multiplier must be at least 1");
      }
      this.networkMultiplier = multiplier;
      return this;
    }

    /** A claim naming the tenant, so tenants never share buckets. */
    public Builder tenantClaim(String claim) {
      this.tenantClaim = Objects.requireNonNull(claim, "claim");
      return this;
    }

    /**
     * The most identities whose buckets are kept (least recently used go first; an identity's buckets for every
     * route, and its behaviour baseline, are kept and forgotten together); default 100 000.
     */
    public Builder maxBuckets(long max) {
      if (max < 100) {
        throw new IllegalArgumentException("maxBuckets must be at least 100");
      }
      this.maxBuckets = max;
      return this;
    }

    public RatePolicy build() {
      return new RatePolicy(this);
    }
  }
}
