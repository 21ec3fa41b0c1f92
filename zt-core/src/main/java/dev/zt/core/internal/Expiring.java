package dev.zt.core.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;

/**
 * A bounded map whose entries end at a time of the injected clock. Reads check the end time against the clock, so
 * correctness never depends on when the cache gets round to evicting; eviction only bounds memory.
 */
public final class Expiring<K, V> {

  /** A value and when it ends. */
  public record Timed<V>(V value, long untilMillis) {}

  private final Clock clock;
  private final Cache<K, Timed<V>> cache;
  /** Whether anything was ever put: until then every question is answered by one volatile read. */
  private volatile boolean used;

  public Expiring(Clock clock, long maxEntries) {
    this.clock = clock;
    this.cache = Caffeine.newBuilder()
        .maximumSize(maxEntries)
        .executor(Runnable::run)
        .ticker(() -> clock.millis() * 1_000_000L)
        .expireAfter(new Expiry<K, Timed<V>>() {
          @Override
          public long expireAfterCreate(K key, Timed<V> v, long currentTime) {
            return Math.max(0, v.untilMillis() - clock.millis()) * 1_000_000L;
          }

          @Override
          public long expireAfterUpdate(K key, Timed<V> v, long currentTime, long currentDuration) {
            return expireAfterCreate(key, v, currentTime);
          }

          @Override
          public long expireAfterRead(K key, Timed<V> v, long currentTime, long currentDuration) {
            return currentDuration;
          }
        })
        .build();
  }

  public void put(K key, V value, long untilMillis) {
    used = true;
    cache.put(key, new Timed<>(value, untilMillis));
  }

  public Optional<Timed<V>> get(K key) {
    Timed<V> t = cache.getIfPresent(key);
    return t != null && t.untilMillis() > clock.millis() ? Optional.of(t) : Optional.empty();
  }

  /** Cheap: whether nothing was ever kept or everything has been evicted. */
  public boolean isEmpty() {
    return !used || cache.estimatedSize() == 0;
  }

  public boolean contains(K key) {
    if (isEmpty()) {
      return false;
    }
    return get(key).isPresent();
  }

  public boolean remove(K key) {
    return cache.asMap().remove(key) != null;
  }

  public Map<K, Timed<V>> snapshot() {
    long now = clock.millis();
    Map<K, Timed<V>> out = new java.util.LinkedHashMap<>();
    cache.asMap().forEach((k, v) -> {
      if (v.untilMillis() > now) {
        out.put(k, v);
      }
    });
    return out;
  }
}
