package dev.zt.core.spi;

import dev.zt.core.internal.ClockTimeMeter;
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
  private final TimeMeter time;

  InMemoryRateBuckets(StoreSettings settings) {
    java.time.Clock clock = settings.clock();
    this.time = ClockTimeMeter.of(clock);
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

  /** One bucket: the handle is the bucket. */
  private final class Local implements RateBucket {
    private final Bucket bucket;
    private volatile List<Band> bands;

    Local(List<Band> bands, BucketConfiguration config) {
      this.bands = bands;
      var builder = Bucket.builder().withCustomTimePrecision(time);
      for (var bandwidth : config.getBandwidths()) {
        builder.addLimit(bandwidth);
      }
      this.bucket = builder.build();
    }

    @Override
    public boolean tryConsume() {
      return bucket.tryConsume(1);
    }

    @Override
    public Consumption tryConsumeAndReport() {
      ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
      return new Consumption(probe.isConsumed(), probe.isConsumed() ? 0 : probe.getNanosToWaitForRefill());
    }

    @Override
    public synchronized void reshape(List<Band> next) {
      if (next.equals(bands)) {
        return; // already so shaped (by another holder of this key)
      }
      // consumption carries over proportionally, never reset
      bucket.replaceConfiguration(config(next), TokensInheritanceStrategy.PROPORTIONALLY);
      bands = List.copyOf(next);
    }
  }
}
