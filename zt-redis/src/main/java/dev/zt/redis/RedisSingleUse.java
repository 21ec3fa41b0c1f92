package dev.zt.redis;

import dev.zt.core.spi.SingleUse;
import dev.zt.core.spi.StateUnavailableException;
import io.lettuce.core.SetArgs;
import java.time.Duration;

/**
 * Single-use keys as {@code SET <ns>:su:<name>:<hash> 1 NX PX <ttl>}: Redis answers OK to exactly one caller within
 * the key's lifetime, across every instance. Fails closed: no answer within the deadline is {@link Use#UNAVAILABLE}.
 */
final class RedisSingleUse implements SingleUse {

  private final Redis redis;
  private final Keys keys;
  private final String use;

  RedisSingleUse(Redis redis, Keys keys, String name) {
    this.redis = redis;
    this.keys = keys;
    this.use = "su:" + Keys.requireName("store name", name);
  }

  @Override
  public Use putIfAbsent(String key, Duration ttl) {
    if (ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException("a TTL is positive: " + ttl);
    }
    // a sub-millisecond TTL still holds the key for 1 ms: never shorter than asked
    long ms = Math.max(1, ttl.toMillis() + (ttl.toNanosPart() % 1_000_000 == 0 ? 0 : 1));
    String name = keys.key(use, keys.hash(use, key));
    try {
      String ok = redis.call("SET NX", c -> c.set(name, "1", SetArgs.Builder.nx().px(ms)));
      return "OK".equals(ok) ? Use.FIRST : Use.REPLAY;
    } catch (StateUnavailableException e) {
      return Use.UNAVAILABLE;
    }
  }
}
