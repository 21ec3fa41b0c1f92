package dev.zt.core.rate;

import dev.zt.core.DenyReason;
import dev.zt.core.internal.SourceKey;
import dev.zt.core.internal.pipeline.CountermeasureHooks;
import dev.zt.core.internal.pipeline.Gate;
import dev.zt.core.internal.pipeline.Identities;
import dev.zt.core.internal.pipeline.RequestState;
import dev.zt.core.internal.pipeline.Step;
import dev.zt.core.internal.ClockTimeMeter;
import dev.zt.core.trust.TrustLevel;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.TokensInheritanceStrategy;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The rate gate: Bucket4j token buckets per identity × route × tenant, scaled by the request's trust level and by
 * throttling. The buckets live in the identity's {@link Identities.State}, found with the one lookup the trust gate
 * already made, so an allowed request costs a slot scan and one lock-free {@code tryConsume}. A refused request gets
 * 429 with {@code Retry-After} and the {@code RateLimit-Policy} / {@code RateLimit} fields of the IETF httpapi
 * ratelimit-headers draft; those fields name the route's limits, so a caller the route would not admit (no rule, or
 * a requirement it fails) gets {@code Retry-After} alone.
 */
final class RateGate implements Gate {

  static final String NAME = "rate";

  private final RatePolicy policy;
  private final CountermeasureHooks countermeasures;
  private final Identities identities;
  private final TimeMeter time;
  /** The limit of each route slot ({@link Identities#slot}), or {@code null} for none. */
  private final RateLimit[] limits;
  private final Map<ConfigKey, BucketConfiguration> configs = new ConcurrentHashMap<>();
  private final Clock clock;
  /** {@link RatePolicy#factor} by trust level ordinal, unthrottled; and the throttle's own factor. */
  private final double[] levelFactors = new double[TrustLevel.values().length];
  private final double throttleFactor;

  private record ConfigKey(RateLimit limit, double factor) {}

  /** A live bucket, the route slot it limits and the factor its configuration was last shaped with. */
  static final class Held implements Identities.PerRoute {
    final int slot;
    final Bucket bucket;
    volatile double factor;

    Held(int slot, Bucket bucket, double factor) {
      this.slot = slot;
      this.bucket = bucket;
      this.factor = factor;
    }

    @Override
    public int slot() {
      return slot;
    }
  }

  RateGate(RatePolicy policy, CountermeasureHooks countermeasures, Clock clock, Identities identities) {
    this.policy = policy;
    this.countermeasures = countermeasures;
    this.identities = identities;
    this.clock = clock;
    for (TrustLevel level : TrustLevel.values()) {
      levelFactors[level.ordinal()] = policy.factor(level, false);
    }
    this.throttleFactor = policy.throttleFactor();
    this.time = ClockTimeMeter.of(clock);
    this.limits = new RateLimit[identities.slotCount()];
    for (int i = 0; i < limits.length; i++) {
      limits[i] = policy.limitFor(identities.routeId(i)).orElse(null);
    }
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Step evaluate(RequestState exchange) {
    int slot = identities.slotOf(exchange);
    RateLimit limit = limits[slot];
    if (limit == null) {
      return Step.proceed();
    }
    boolean throttled = countermeasures.isThrottled(exchange.identity());
    double factor = levelFactors[exchange.trustLevelOrHigh().ordinal()] * (throttled ? throttleFactor : 1.0);
    Identities.State state = exchange.identityState();
    if (state == null) {
      state = identities.of(exchange, exchange.now());
    }
    Step step = consume(state, slot, limit, factor, throttled);
    if (step == Step.Proceed.INSTANCE && !exchange.caller().isAuthenticated() && exchange.clientAddress().isPresent()) {
      // anonymous: the address's network shares a larger bucket, so rotating addresses inside it does not help
      Identities.State network = identities.get(SourceKey.networkKey(exchange.clientAddress().get()), false);
      step = consume(network, slot, limit, factor * policy.networkMultiplier(), throttled);
    }
    if (step instanceof Step.Stop stop && !(exchange.routeOrNull() != null && exchange.routeOrNull().requirement().admits(exchange.caller()))) {
      // a caller the route is not for learns that it must slow down, not the names and sizes of the route's limits
      return Step.deny(stop.reason(), Map.of(), Map.of("Retry-After", stop.headers().get("Retry-After")));
    }
    return step;
  }

  private Step consume(Identities.State state, int slot, RateLimit limit, double f, boolean throttled) {
    Held held = (Held) state.bucket(slot);
    if (held == null) {
      held = (Held) state.add(create(slot, limit, f));
    }
    if (held.factor != f) {
      reshape(held, limit, f);
    }
    if (held.bucket.tryConsume(1)) {
      return Step.proceed(); // the steady path: no probe object
    }
    ConsumptionProbe probe = held.bucket.tryConsumeAndReturnRemaining(1); // refilled meanwhile? else the wait
    return probe.isConsumed() ? Step.proceed() : refused(probe, limit, f, throttled);
  }

  private Held create(int slot, RateLimit limit, double f) {
    var builder = Bucket.builder().withCustomTimePrecision(time);
    for (var bandwidth : config(limit, f).getBandwidths()) {
      builder.addLimit(bandwidth);
    }
    return new Held(slot, builder.build(), f);
  }

  private void reshape(Held held, RateLimit limit, double f) {
    synchronized (held) {
      if (held.factor != f) {
        // reshape the live bucket: consumption carries over proportionally, never reset
        held.bucket.replaceConfiguration(config(limit, f), TokensInheritanceStrategy.PROPORTIONALLY);
        held.factor = f;
      }
    }
  }

  private Step refused(ConsumptionProbe probe, RateLimit limit, double f, boolean throttled) {
    long retry = Math.max(1, (probe.getNanosToWaitForRefill() + 999_999_999L) / 1_000_000_000L);
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Retry-After", Long.toString(retry));
    StringBuilder policyField = new StringBuilder();
    for (RateLimit.Bandwidth b : limit.bandwidths()) {
      if (policyField.length() > 0) {
        policyField.append(", ");
      }
      policyField.append('"').append(b.name()).append("\";q=").append(scaled(b.capacity(), f))
          .append(";w=").append(b.period().toSeconds());
    }
    headers.put("RateLimit-Policy", policyField.toString());
    headers.put("RateLimit", "\"" + limit.name() + "\";r=0;t=" + retry);
    return Step.deny(throttled ? DenyReason.RATE_LIMITED_ABNORMAL : DenyReason.RATE_LIMITED, Map.of(), headers);
  }

  private BucketConfiguration config(RateLimit limit, double factor) {
    return configs.computeIfAbsent(new ConfigKey(limit, factor), k -> {
      var b = BucketConfiguration.builder();
      for (RateLimit.Bandwidth bw : limit.bandwidths()) {
        long cap = scaled(bw.capacity(), factor);
        b.addLimit(l -> l.capacity(cap).refillIntervally(cap, bw.period()).id(bw.name()));
      }
      return b.build();
    });
  }

  private static long scaled(long capacity, double factor) {
    return Math.max(1, (long) Math.floor(capacity * factor));
  }



}
