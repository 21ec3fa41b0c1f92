package dev.zt.redis;

import dev.zt.core.spi.StateUnavailableException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/** One command connection and the deadline every call keeps: a call that does not answer in time fails. */
final class Redis {

  private final StatefulRedisConnection<String, String> connection;
  private final long timeoutMillis;
  private volatile boolean failing;

  Redis(StatefulRedisConnection<String, String> connection, Duration timeout) {
    this.connection = connection;
    this.timeoutMillis = timeout.toMillis();
  }

  /** Runs one command within the deadline; throws {@link StateUnavailableException} when Redis does not answer. */
  <T> T call(String what, Function<RedisAsyncCommands<String, String>, RedisFuture<T>> command) {
    RedisFuture<T> future = null;
    try {
      future = command.apply(connection.async());
      T out = future.get(timeoutMillis, TimeUnit.MILLISECONDS);
      failing = false;
      return out;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw unavailable(what, e, future);
    } catch (TimeoutException | ExecutionException | RuntimeException e) {
      throw unavailable(what, e, future);
    }
  }

  private StateUnavailableException unavailable(String what, Exception e, RedisFuture<?> future) {
    failing = true;
    if (future != null) {
      future.cancel(true);
    }
    Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
    return new StateUnavailableException("Redis did not answer " + what + " within " + timeoutMillis + " ms", cause);
  }

  /** Whether the connection is down or the last call failed. */
  boolean failing() {
    return failing || !connection.isOpen();
  }
}
