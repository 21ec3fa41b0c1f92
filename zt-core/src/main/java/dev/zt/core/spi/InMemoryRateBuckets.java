package dev.zt.core.spi;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.TokensInheritanceStrategy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Lock-free Bucket4j buckets on the enforcer's clock, by key in a Caffeine cache of at most {@code maxEntries} keys
 * (least recently asked for evicted; a key idle for a day forgotten: its bucket would have refilled long before). The
 * handle is the bucket itself, so a held handle costs one {@code tryConsume} and no lookup.
 */
final class InMemoryRateBuckets implements RateBuckets {

  /** Configurations by bands: a handful per limit (one per trust factor), shared by every bucket shaped so. */
  private final Map<List<Band>, BucketConfiguration> configs = new ConcurrentHashMap<>();
  private final Cache<String, Local> buckets;
  private final java.time.Clock clock;

  InMemoryRateBuckets(StoreSettings settings) {
    java.time.Clock clock = settings.clock();
    this.clock = clock;
    this.buckets = Caffeine.newBuilder().maximumSize(settings.maxEntries()).expireAfterAccess(Duration.ofDays(1))
        .ticker(() -> clock.millis() * 1_000_000L).executor(Runnable::run).build();
  }

  @Override
  public RateBucket bucket(String key, List<Band> bands) {
    Local b = buckets.getIfPresent(key);
    return b != null ? b : buckets.get(key, k -> new Local(List.copyOf(bands), config(bands)));
  }

  private BucketConfiguration config(List<Band> bands) {
    if (bands.isEmpty()) {
      throw new IllegalArgumentException("a bucket has at least one band");
    }
    return configs.computeIfAbsent(List.copyOf(bands), k -> {
      var b = BucketConfiguration.builder();
      for (Band band : k) {
        b.addLimit(l -> {
          var capacity = l.capacity(band.capacity());
          return (band.refill() == Refill.GREEDY
              ? capacity.refillGreedy(band.capacity(), band.period())
              : capacity.refillIntervally(band.capacity(), band.period())).id(band.name());
        });
      }
      return b.build();
    });
  }

  /**
   * One bucket: the handle is the bucket. Its time is the one the caller hands it (the request's, read once per
   * request), else the enforcer's clock read then; see {@link HandedTime}.
   */
  private final class Local implements RateBucket {
    private final Bucket bucket;
    private final HandedTime time = new HandedTime();
    private volatile List<Band> bands;

    Local(List<Band> bands, BucketConfiguration config) {
      this.bands = bands;
      // Bucket4j starts the bucket at its time source's now, and interval refills count periods from there: the
      // bucket's birth reads the clock (an unset time would start it at the epoch and align refills to it)
      time.hand(clock.millis());
      var builder = Bucket.builder().withCustomTimePrecision(time);
      for (var bandwidth : config.getBandwidths()) {
        builder.addLimit(bandwidth);
      }
      this.bucket = builder.build();
    }

    @Override
    public boolean tryConsume() {
      return tryConsume(clock.millis());
    }

    @Override
    public boolean tryConsume(long nowMillis) {
      time.hand(nowMillis);
      return bucket.tryConsume(1);
    }

    @Override
    public int tryConsumeLocally(long nowMillis) {
      return tryConsume(nowMillis) ? 1 : 0;
    }

    @Override
    public Consumption tryConsumeAndReport() {
      return tryConsumeAndReport(clock.millis());
    }

    @Override
    public Consumption tryConsumeAndReport(long nowMillis) {
      time.hand(nowMillis);
      ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
      return new Consumption(probe.isConsumed(), probe.isConsumed() ? 0 : probe.getNanosToWaitForRefill());
    }

    @Override
    public void reshape(List<Band> next) {
      reshape(next, clock.millis());
    }

    @Override
    public synchronized void reshape(List<Band> next, long nowMillis) {
      if (next.equals(bands)) {
        return; // already so shaped (by another holder of this key)
      }
      time.hand(nowMillis); // replaceConfiguration refills up to now first
      // consumption carries over proportionally, never reset
      bucket.replaceConfiguration(config(next), TokensInheritanceStrategy.PROPORTIONALLY);
      bands = List.copyOf(next);
    }
  }

  /**
   * Bucket4j's time source for one bucket: the time its last caller handed it, in nanoseconds of the enforcer's
   * clock. Bucket4j reads it inside the call it was handed for, so a caller's own call sees its own time; callers of
   * one bucket on other threads at the same moment may see each other's, milliseconds apart. That never grants a token
   * early: a time at or before the bucket's last refill refills nothing (Bucket4j compares them), and a later one is
   * a concurrent request's real time. Written and read opaquely: no fence on the steady path, never a torn value.
   */
  private static final class HandedTime implements TimeMeter {
    private static final java.lang.invoke.VarHandle NANOS;

    static {
      try {
        NANOS = java.lang.invoke.MethodHandles.lookup().findVarHandle(HandedTime.class, "nanos", long.class);
      } catch (ReflectiveOperationException e) {
        throw new ExceptionInInitializerError(e);
      }
    }

    @SuppressWarnings("unused") // through NANOS
    private long nanos;

    void hand(long nowMillis) {
      NANOS.setOpaque(this, nowMillis * 1_000_000L);
    }

    @Override
    public long currentTimeNanos() {
      return (long) NANOS.getOpaque(this);
    }

    @Override
    public boolean isWallClockBased() {
      return true;
    }
  }
}
