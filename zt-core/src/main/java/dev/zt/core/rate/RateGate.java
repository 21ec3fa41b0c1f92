package dev.zt.core.rate;

import dev.zt.core.DenyReason;
import dev.zt.core.internal.SourceKey;
import dev.zt.core.internal.pipeline.CountermeasureHooks;
import dev.zt.core.internal.pipeline.Gate;
import dev.zt.core.internal.pipeline.Identities;
import dev.zt.core.internal.pipeline.RequestState;
import dev.zt.core.internal.pipeline.Step;
import dev.zt.core.spi.RateBucket;
import dev.zt.core.spi.RateBuckets;
import dev.zt.core.spi.SecurityState;
import dev.zt.core.spi.StoreSettings;
import dev.zt.core.trust.TrustLevel;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rate gate: Bucket4j token buckets per identity × route × tenant, scaled by the request's trust level and by
 * throttling. The buckets live in the identity's {@link Identities.State}, found with the one lookup the trust gate
 * already made, so an allowed request costs a slot scan and one lock-free {@code tryConsume}. A refused request gets
 * 429 with {@code Retry-After} and the {@code RateLimit-Policy} / {@code RateLimit} fields of the IETF httpapi
 * ratelimit-headers draft; those fields name the route's limits, so a caller the route would not admit (no rule, or
 * a requirement it fails) gets {@code Retry-After} alone.
 *
 * <p>The buckets come from the enforcer's {@link SecurityState} ({@link RateBuckets} store {@code rate}, keyed by the
 * identity's state key and the route): the handle is found once per identity and route and held in the identity's
 * state, so the steady path is one call on the held handle. A store that fails refuses the request
 * ({@link DenyReason#STATE_UNAVAILABLE}, 503), never lets it through unlimited. A client whose address is unknown
 * shares no bucket with anyone (as before: nothing to key it on).
 *
 * <p>A request that may not block (an event loop's) asks the handle {@link RateBucket#tryConsumeLocally()}: a local
 * bucket or a shared store's lease answers at once; when only the shared store can answer, the consumption (and the
 * network's after it) runs on the enforcer's blocking executor and the step is {@link Step#later}; a full executor
 * refuses the request ({@link DenyReason#STATE_UNAVAILABLE}, 503).
 */
final class RateGate implements Gate {

  private static final Logger LOG = LoggerFactory.getLogger(RateGate.class);

  static final String NAME = "rate";

  /** {@link #consume}'s answer when only the shared store can tell and the caller may not wait (never returned). */
  private static final Step ASK_STORE = Step.deny(DenyReason.STATE_UNAVAILABLE);

  private final RatePolicy policy;
  private final CountermeasureHooks countermeasures;
  private final Identities identities;
  private final RateBuckets buckets;
  /** The enforcer's blocking executor: where a shared store is asked for a request that may not block. */
  private final Executor executor;
  /** The limit of each route slot ({@link Identities#slot}), or {@code null} for none. */
  private final RateLimit[] limits;
  private final Map<ConfigKey, List<RateBuckets.Band>> configs = new ConcurrentHashMap<>();
  /** {@link RatePolicy#factor} by trust level ordinal, unthrottled; and the throttle's own factor. */
  private final double[] levelFactors = new double[TrustLevel.values().length];
  private final double throttleFactor;

  private record ConfigKey(RateLimit limit, double factor) {}

  /** A live bucket, the route slot it limits and the factor its configuration was last shaped with. */
  static final class Held implements Identities.PerRoute {
    final int slot;
    final RateBucket bucket;
    volatile double factor;

    Held(int slot, RateBucket bucket, double factor) {
      this.slot = slot;
      this.bucket = bucket;
      this.factor = factor;
    }

    @Override
    public int slot() {
      return slot;
    }
  }

  RateGate(RatePolicy policy, CountermeasureHooks countermeasures, Clock clock, Identities identities,
      SecurityState state, Executor executor) {
    this.policy = policy;
    this.executor = executor;
    this.countermeasures = countermeasures;
    this.identities = identities;
    this.buckets = state.rateBuckets("rate", new StoreSettings(clock, policy.maxBuckets()));
    for (TrustLevel level : TrustLevel.values()) {
      levelFactors[level.ordinal()] = policy.factor(level, false);
    }
    this.throttleFactor = policy.throttleFactor();
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
    boolean mayBlock = exchange.request().mayBlock();
    long now = exchange.now(); // the request's time: no bucket reads the clock again
    Step step = consume(state, slot, limit, factor, throttled, mayBlock, now);
    if (step == ASK_STORE) {
      // only the shared store can answer, and this thread must not wait on it: the identity's bucket (and the
      // network's after it) on the blocking executor
      Identities.State identity = state;
      return later(() -> afterIdentity(exchange, consume(identity, slot, limit, factor, throttled, true, now), slot,
          limit, factor, throttled, true));
    }
    return afterIdentity(exchange, step, slot, limit, factor, throttled, mayBlock);
  }

  private Step afterIdentity(RequestState exchange, Step step, int slot, RateLimit limit, double factor,
      boolean throttled, boolean mayBlock) {
    if (step == Step.Proceed.INSTANCE && !exchange.caller().isAuthenticated() && exchange.clientAddress().isPresent()) {
      // anonymous: the address's network shares a larger bucket, so rotating addresses inside it does not help
      long now = exchange.now();
      Identities.State network =
          identities.get(SourceKey.networkKey(exchange.clientAddress().get()), false, now);
      double f = factor * policy.networkMultiplier();
      step = consume(network, slot, limit, f, throttled, mayBlock, now);
      if (step == ASK_STORE) {
        return later(() -> visible(exchange, consume(network, slot, limit, f, throttled, true, now)));
      }
    }
    return visible(exchange, step);
  }

  private Step later(java.util.function.Supplier<Step> onExecutor) {
    try {
      return Step.later(CompletableFuture.supplyAsync(onExecutor, executor));
    } catch (RejectedExecutionException e) {
      LOG.warn("zt blocking executor full; refusing a request its rate bucket could not answer at once");
      return Step.deny(DenyReason.STATE_UNAVAILABLE);
    }
  }

  private Step visible(RequestState exchange, Step step) {
    if (step instanceof Step.Stop stop && stop.headers().containsKey("Retry-After")
        && !(exchange.routeOrNull() != null && exchange.routeOrNull().requirement().admits(exchange.caller()))) {
      // a caller the route is not for learns that it must slow down, not the names and sizes of the route's limits
      return Step.deny(stop.reason(), Map.of(), Map.of("Retry-After", stop.headers().get("Retry-After")));
    }
    return step;
  }

  /**
   * Takes a token from the identity's bucket: {@link Step#proceed()}, a refusal, or — when the request may not block
   * and only the shared store can answer — {@link #ASK_STORE}.
   */
  private Step consume(Identities.State state, int slot, RateLimit limit, double f, boolean throttled,
      boolean mayBlock, long now) {
    if (state.key() == null) {
      return Step.proceed(); // a client that shares nothing: a bucket of its own would be full for this one request
    }
    try {
      Held held = (Held) state.bucket(slot);
      if (held == null) {
        held = (Held) state.add(create(state.key(), slot, limit, f));
      }
      if (held.factor != f) {
        reshape(held, limit, f, now);
      }
      if (mayBlock) {
        if (held.bucket.tryConsume(now)) {
          return Step.proceed(); // the steady path: no probe object
        }
      } else {
        int local = held.bucket.tryConsumeLocally(now); // a lease or a local bucket answers without waiting
        if (local == 1) {
          return Step.proceed();
        }
        if (local == RateBucket.ASK_STORE) {
          return ASK_STORE;
        }
      }
      RateBuckets.Consumption probe = held.bucket.tryConsumeAndReport(now); // refilled meanwhile? else the wait
      return probe.consumed() ? Step.proceed() : refused(probe, limit, f, throttled);
    } catch (RuntimeException e) {
      LOG.error("zt rate bucket unavailable; refusing the request", e);
      return Step.deny(DenyReason.STATE_UNAVAILABLE);
    }
  }

  private Held create(String key, int slot, RateLimit limit, double f) {
    // the store's bucket may exist already, shaped for another factor: reshaped on first use (NaN equals nothing)
    return new Held(slot, buckets.bucket(key + '\u0000' + identities.routeId(slot), config(limit, f)), Double.NaN);
  }

  private void reshape(Held held, RateLimit limit, double f, long now) {
    synchronized (held) {
      if (held.factor != f) {
        // reshape the live bucket: consumption carries over proportionally, never reset
        held.bucket.reshape(config(limit, f), now);
        held.factor = f;
      }
    }
  }

  private Step refused(RateBuckets.Consumption probe, RateLimit limit, double f, boolean throttled) {
    long retry = Math.max(1, (probe.nanosToWait() + 999_999_999L) / 1_000_000_000L);
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

  private List<RateBuckets.Band> config(RateLimit limit, double factor) {
    return configs.computeIfAbsent(new ConfigKey(limit, factor), k -> {
      List<RateBuckets.Band> bands = new ArrayList<>();
      for (RateLimit.Bandwidth bw : limit.bandwidths()) {
        bands.add(new RateBuckets.Band(bw.name(), scaled(bw.capacity(), factor), bw.period(),
            RateBuckets.Refill.INTERVALLY));
      }
      return List.copyOf(bands);
    });
  }

  private static long scaled(long capacity, double factor) {
    return Math.max(1, (long) Math.floor(capacity * factor));
  }

}
