package dev.zt.redis;

import dev.zt.core.spi.StateUnavailableException;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;

/**
 * What the mirrored stores ({@link RedisSuspensions}, {@link MirroredEntries}) do alike in their writes and their
 * reconciliation: an entry's end, the server's {@code run_id}, a write-back Redis refuses.
 */
final class Mirrors {

  /** The longest TTL kept in Redis (100 years): a longer one would overflow Redis's expiry. */
  private static final long MAX_TTL_MILLIS = Duration.ofDays(36_500).toMillis();

  private Mirrors() {}

  /** The end, in epoch milliseconds, of an entry made now for {@code ttl}; throws unless {@code ttl} is positive. */
  static long until(Clock clock, Duration ttl) {
    if (ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException("a TTL is positive: " + ttl);
    }
    long now = clock.millis();
    long ms = Math.min(ttl.toMillis(), MAX_TTL_MILLIS); // Redis refuses an expiry past its clock's range
    return now + ms;
  }

  /**
   * Hands every message of {@code channel} on {@code sub} to {@code received}, and subscribes (waiting at least 1 s);
   * throws {@link StateUnavailableException} when Redis refuses or does not answer.
   */
  static void listen(StatefulRedisPubSubConnection<String, String> sub, String channel, Consumer<String> received,
      Duration timeout) {
    sub.addListener(new RedisPubSubAdapter<>() {
      @Override
      public void message(String from, String message) {
        if (channel.equals(from)) {
          received.accept(message);
        }
      }
    });
    try {
      sub.async().subscribe(channel).get(Math.max(timeout.toMillis(), 1000), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw new StateUnavailableException("cannot subscribe to " + channel, e);
    }
  }

  /** The server's {@code run_id}: a new one is a Redis that came back empty (restarted without persistence). */
  static String runId(Redis redis) {
    String info = redis.call("info", r -> r.info("server"));
    return info.lines().filter(l -> l.startsWith("run_id:")).map(l -> l.substring(7).trim()).findFirst().orElse("");
  }

  /**
   * Writes back a buffered or re-sent change with {@code send}. Returns false, logged on {@code log}, when Redis
   * refuses it (an error reply, not an outage): the caller keeps it here, and it never holds up the changes after it
   * nor the reconciliation. An outage throws {@link StateUnavailableException}.
   */
  static boolean resent(Runnable send, Logger log, String change) {
    try {
      send.run();
      return true;
    } catch (StateUnavailableException e) {
      if (!(e.getCause() instanceof RedisCommandExecutionException refused)) {
        throw e;
      }
      log.warn("zt-redis: Redis refused {} ({}); it stays on this instance only", change, refused.getMessage());
      return false;
    }
  }
}
