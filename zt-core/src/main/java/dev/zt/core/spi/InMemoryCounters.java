package dev.zt.core.spi;

import dev.zt.core.internal.WindowCounter;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import java.time.Clock;
import java.time.Duration;

/**
 * Sliding counts ({@link WindowCounter}: the current fixed window plus the previous one weighted by its overlap) and
 * distinct sets ({@link RecentDistinct}) in one Caffeine cache of at most {@code maxEntries} keys, counts and sets
 * together (least recently used evicted), a count forgotten when idle for twice its window and a set for its window,
 * on the enforcer's clock.
 */
final class InMemoryCounters implements SlidingCounters {

  private final Clock clock;
  /** "c" + key → WindowCounter, "d" + key → RecentDistinct. */
  private final Cache<String, Object> entries;

  InMemoryCounters(StoreSettings settings) {
    this.clock = settings.clock();
    this.entries = Caffeine.newBuilder()
        .maximumSize(settings.maxEntries())
        .executor(Runnable::run)
        .ticker(() -> clock.millis() * 1_000_000L)
        .expireAfter(new Expiry<String, Object>() {
          @Override
          public long expireAfterCreate(String key, Object v, long currentTime) {
            long ms = v instanceof WindowCounter c ? 2 * c.windowMillis() : ((RecentDistinct) v).window();
            return ms > Long.MAX_VALUE / 1_000_000L ? Long.MAX_VALUE : ms * 1_000_000L;
          }

          @Override
          public long expireAfterUpdate(String key, Object v, long currentTime, long currentDuration) {
            return expireAfterCreate(key, v, currentTime);
          }

          @Override
          public long expireAfterRead(String key, Object v, long currentTime, long currentDuration) {
            return expireAfterCreate(key, v, currentTime);
          }
        })
        .build();
  }

  @Override
  public long add(String key, Duration window) {
    long now = clock.millis();
    long w = Math.max(1, window.toMillis());
    String k = "c" + key;
    WindowCounter c = (WindowCounter) entries.get(k, x -> new WindowCounter(w, now));
    if (c.windowMillis() != w) { // another window for the same key: start it over
      c = new WindowCounter(w, now);
      entries.put(k, c);
    }
    return c.add(now);
  }

  @Override
  public long addIfCounted(String key, Duration window) {
    if (entries.getIfPresent("c" + key) instanceof WindowCounter c && c.windowMillis() == Math.max(1,
        window.toMillis())) {
      return c.add(clock.millis());
    }
    return 0;
  }

  @Override
  public void reset(String key) {
    if (entries.getIfPresent("c" + key) instanceof WindowCounter c) {
      c.reset();
    }
  }

  @Override
  public int addDistinct(String key, long member, Duration window, int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1");
    }
    long now = clock.millis();
    long w = Math.max(1, window.toMillis());
    String k = "d" + key;
    RecentDistinct r = (RecentDistinct) entries.get(k, x -> new RecentDistinct(capacity, w));
    if (r.window() != w || r.capacity() != capacity) {
      r = new RecentDistinct(capacity, w);
      entries.put(k, r);
    }
    return r.add(member, now);
  }

  @Override
  public void clearDistinct(String key) {
    if (entries.getIfPresent("d" + key) instanceof RecentDistinct r) {
      r.clear();
    }
  }

  /** How many keys are counted now (tests of the bound). */
  long size() {
    entries.cleanUp();
    return entries.estimatedSize();
  }
}
