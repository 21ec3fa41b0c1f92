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

/**
 * One command connection and the deadline every call keeps: a call that does not answer in time fails. Until the
 * connection is made (an instance that started while Redis was down) every call fails at once.
 */
final class Redis {

  private volatile StatefulRedisConnection<String, String> connection;
  private final long timeoutMillis;
  private volatile boolean failing;
  private volatile Runnable onFailingChange = () -> { };

  Redis(StatefulRedisConnection<String, String> connection, Duration timeout) {
    this.connection = connection;
    this.timeoutMillis = timeout.toMillis();
  }

  /** Not connected yet: every call fails until {@link #connected}. */
  Redis(Duration timeout) {
    this(null, timeout);
    this.failing = true;
  }

  /** The connection, once made (it answered its handshake: calls are not failing). */
  void connected(StatefulRedisConnection<String, String> connection) {
    this.connection = connection;
    this.failing = false;
  }

  /** Called (on the calling thread, so it must be quick) when calls start or stop failing. */
  void onFailingChange(Runnable listener) {
    this.onFailingChange = listener;
  }

  /** Runs one command within the deadline; throws {@link StateUnavailableException} when Redis does not answer. */
  <T> T call(String what, Function<RedisAsyncCommands<String, String>, RedisFuture<T>> command) {
    RedisFuture<T> future = null;
    try {
      StatefulRedisConnection<String, String> c = connection;
      if (c == null) {
        throw new IllegalStateException("not connected to Redis yet");
      }
      future = command.apply(c.async());
      T out = future.get(timeoutMillis, TimeUnit.MILLISECONDS);
      if (failing) {
        failing = false;
        onFailingChange.run();
      }
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
      sent = command.apply(connection().async()).toCompletableFuture();
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(unavailable(what, e, null));
    }
    CompletableFuture<T> out = new CompletableFuture<>();
    sent.orTimeout(timeoutMillis, TimeUnit.MILLISECONDS).whenComplete((v, e) -> {
      if (e == null) {
        if (failing) {
          failing = false;
          onFailingChange.run();
        }
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
    if (LuaScript.noScript(e)) {
      // Redis answered: it does not hold a script (restarted, or flushed); the caller sends it again. Not an outage,
      // so no degraded/in-step pair of health events for the first script call after a restart.
      return new StateUnavailableException("Redis does not hold the script of " + what,
          e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e);
    }
    if (!failing) {
      failing = true;
      onFailingChange.run();
    }
    if (future != null) {
      future.cancel(true);
    }
    Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
    return new StateUnavailableException("Redis did not answer " + what + " within " + timeoutMillis + " ms", cause);
  }

  /** The connection, for a command sent without waiting; throws when none has been made yet. */
  StatefulRedisConnection<String, String> connection() {
    StatefulRedisConnection<String, String> c = connection;
    if (c == null) {
      throw new StateUnavailableException("not connected to Redis yet");
    }
    return c;
  }

    /** Whether the connection is down or the last call failed. */
  boolean failing() {
    StatefulRedisConnection<String, String> c = connection;
    return failing || c == null || !c.isOpen();
  }
}
