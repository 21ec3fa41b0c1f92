package dev.zt.redis;

import dev.zt.core.spi.StateUnavailableException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
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

  /**
   * Sends one command without waiting for it: for a caller that must not block (a Netty event loop). The returned
   * stage completes within the deadline, exceptionally with {@link StateUnavailableException} when Redis does not
   * answer; its callbacks run on Lettuce's I/O thread or the JDK's delayer, so they must not block either.
   */
  <T> CompletableFuture<T> send(String what, Function<RedisAsyncCommands<String, String>, RedisFuture<T>> command) {
    CompletableFuture<T> sent;
    try {
      sent = command.apply(connection.async()).toCompletableFuture();
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(unavailable(what, e, null));
    }
    CompletableFuture<T> out = new CompletableFuture<>();
    sent.orTimeout(timeoutMillis, TimeUnit.MILLISECONDS).whenComplete((v, e) -> {
      if (e == null) {
        failing = false;
        out.complete(v);
      } else {
        Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null
            ? e.getCause() : e;
        out.completeExceptionally(unavailable(what, cause instanceof Exception x ? x
            : new RuntimeException(cause), sent));
      }
    });
    return out;
  }

  private StateUnavailableException unavailable(String what, Exception e, java.util.concurrent.Future<?> future) {
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
