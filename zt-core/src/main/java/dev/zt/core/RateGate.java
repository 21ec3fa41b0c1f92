package dev.zt.core;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.TokensInheritanceStrategy;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The rate gate: Bucket4j token buckets per identity × route × tenant, in a bounded Caffeine cache, scaled by the
 * request's trust level and by throttling. A refused request gets 429 with {@code Retry-After} and the
 * {@code RateLimit-Policy} / {@code RateLimit} fields of the IETF httpapi ratelimit-headers draft.
 */
final class RateGate implements Gate {

  static final String NAME = "rate";

  private final RatePolicy policy;
  private final Responses responses;
  private final TimeMeter time;
  private final Cache<BucketKey, Held> buckets;
  private final Map<ConfigKey, BucketConfiguration> configs = new ConcurrentHashMap<>();

  private record BucketKey(String identity, String route, String tenant) {}

  private record ConfigKey(RateLimit limit, double factor) {}

  /** A live bucket and the factor its configuration was last shaped with. */
  private static final class Held {
    final Bucket bucket;
    volatile double factor;

    Held(Bucket bucket, double factor) {
      this.bucket = bucket;
      this.factor = factor;
    }
  }

  RateGate(RatePolicy policy, Responses responses, Clock clock) {
    this.policy = policy;
    this.responses = responses;
    this.time = new TimeMeter() {
      @Override
      public long currentTimeNanos() {
        return clock.millis() * 1_000_000L;
      }

      @Override
      public boolean isWallClockBased() {
        return true;
      }
    };
    this.buckets = Caffeine.newBuilder().maximumSize(policy.maxBuckets()).expireAfterAccess(Duration.ofHours(1))
        .executor(Runnable::run).build();
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Step evaluate(Exchange exchange) {
    Route route = exchange.routeOrNull();
    String routeId = route == null ? Route.DEFAULT_DENY : route.id();
    Optional<RateLimit> limit = policy.limitFor(routeId);
    if (limit.isEmpty()) {
      return Step.proceed();
    }
    String identity = exchange.identity();
    boolean throttled = responses.isThrottled(identity);
    TrustLevel level = exchange.trustLevelOrHigh();
    double factor = policy.factor(level, throttled);
    String tenant = tenant(exchange);
    Step step = consume(new BucketKey(identity, routeId, tenant), limit.get(), factor, throttled, 1);
    if (step != Step.Proceed.INSTANCE || exchange.caller().isAuthenticated() || exchange.clientAddress().isEmpty()) {
      return step;
    }
    // anonymous: the address's network shares a larger bucket, so rotating addresses inside it does not help
    String network = "net:" + network(exchange.clientAddress().get());
    return consume(new BucketKey(network, routeId, tenant), limit.get(), factor, throttled,
        policy.networkMultiplier());
  }

  private Step consume(BucketKey key, RateLimit limit, double factor, boolean throttled, int multiplier) {
    double f = factor * multiplier;
    Held held = buckets.getIfPresent(key);
    if (held == null) {
      held = create(key, limit, f);
    }
    if (held.factor != f) {
      reshape(held, limit, f);
    }
    ConsumptionProbe probe = held.bucket.tryConsumeAndReturnRemaining(1);
    if (probe.isConsumed()) {
      return Step.proceed();
    }
    return refused(probe, limit, f, throttled);
  }

  private Held create(BucketKey key, RateLimit limit, double f) {
    return buckets.get(key, k -> {
      var builder = Bucket.builder().withCustomTimePrecision(time);
      for (var bandwidth : config(limit, f).getBandwidths()) {
        builder.addLimit(bandwidth);
      }
      return new Held(builder.build(), f);
    });
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

  private String tenant(Exchange exchange) {
    if (policy.tenantClaim().isEmpty()) {
      return "";
    }
    return exchange.caller().token().flatMap(t -> t.claimAtPath(policy.tenantClaim().get()))
        .map(String::valueOf).orElse("");
  }

  /** The /24 (IPv4) or /64 (IPv6) network of {@code a}. */
  static String network(InetAddress a) {
    byte[] b = a.getAddress();
    int keep = b.length == 4 ? 3 : 8;
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < keep; i++) {
      s.append(b[i] & 0xFF).append('.');
    }
    return s.append(b.length == 4 ? "0/24" : "/64").toString();
  }
}
