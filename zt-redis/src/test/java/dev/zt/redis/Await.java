package dev.zt.redis;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Waits for a condition, polling every millisecond up to a deadline: no fixed sleeps. Shipped in the test-jar with
 * {@link RedisServerProcess} for tests of services that share a Redis.
 */
public final class Await {

  private Await() {}

  /** Returns the nanoseconds until {@code condition} held; fails when it did not within {@code atMost}. */
  public static long until(Duration atMost, BooleanSupplier condition, String what) {
    long start = System.nanoTime();
    long end = start + atMost.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError(what + " did not happen within " + atMost);
      }
      LockSupport.parkNanos(1_000_000);
    }
    return System.nanoTime() - start;
  }
}
