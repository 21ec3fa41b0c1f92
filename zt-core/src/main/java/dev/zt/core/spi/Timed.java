package dev.zt.core.spi;

import dev.zt.core.internal.Expiring;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** Helpers of the in-memory stores. */
final class Timed {

  private Timed() {}

  static long until(java.time.Clock clock, Duration ttl) {
    if (ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException("a TTL is positive: " + ttl);
    }
    long now = clock.millis();
    long ms = ttl.toMillis();
    return ms > Long.MAX_VALUE - now ? Long.MAX_VALUE : now + ms;
  }

  static <V> List<Entry> entries(Expiring<String, V> store, Function<V, String> rule) {
    List<Entry> out = new ArrayList<>();
    store.snapshot().forEach((k, v) -> out.add(new Entry(k, rule.apply(v.value()),
        Instant.ofEpochMilli(v.untilMillis()))));
    return List.copyOf(out);
  }
}
