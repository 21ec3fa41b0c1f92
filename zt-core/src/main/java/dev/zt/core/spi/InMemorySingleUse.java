package dev.zt.core.spi;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Single-use keys in a map of at most {@code maxEntries} live keys. A live key is never evicted (forgetting it would
 * let it be replayed): when the map is full, ended keys are swept, and if it is still full the new key is refused
 * ({@link SingleUse.Use#UNAVAILABLE}). A full map is swept at most once a second.
 */
final class InMemorySingleUse implements SingleUse {

  private final Clock clock;
  private final long maxEntries;
  private final ConcurrentHashMap<String, Long> until = new ConcurrentHashMap<>();
  private final AtomicLong size = new AtomicLong();
  /** When a full map may be swept next: at most once a second, so a flood of new keys cannot make every call O(n). */
  private long nextSweep;

  InMemorySingleUse(StoreSettings settings) {
    this.clock = settings.clock();
    this.maxEntries = settings.maxEntries();
  }

  @Override
  public Use putIfAbsent(String key, Duration ttl) {
    long now = clock.millis();
    long end = Timed.until(clock, ttl);
    Use[] out = new Use[1];
    until.compute(key, (k, old) -> {
      if (old != null && old > now) {
        out[0] = Use.REPLAY;
        return old;
      }
      if (old == null) {
        if (size.get() >= maxEntries) {
          out[0] = Use.UNAVAILABLE;
          return null;
        }
        size.incrementAndGet();
      }
      out[0] = Use.FIRST;
      return end;
    });
    if (out[0] == Use.UNAVAILABLE && sweep(now) > 0) {
      return putIfAbsent(key, ttl);
    }
    return out[0];
  }

  /** Drops the keys that have ended; returns how many. */
  private synchronized int sweep(long now) {
    if (now < nextSweep) {
      return 0;
    }
    nextSweep = now + 1000;
    int n = 0;
    for (var e : until.entrySet()) {
      if (e.getValue() <= now && until.remove(e.getKey(), e.getValue())) {
        size.decrementAndGet();
        n++;
      }
    }
    return n;
  }
}
