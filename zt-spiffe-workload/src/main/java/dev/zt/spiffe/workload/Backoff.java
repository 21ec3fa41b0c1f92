package dev.zt.spiffe.workload;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Exponential backoff with jitter for re-opening Workload API streams (Workload Endpoint §6 asks clients to retry
 * with backoff): attempt n waits a random time in [d/2, d] where d = min(max, initial · 2ⁿ). Reset after a message
 * arrives. Not thread-safe; the client calls it under its lock.
 */
final class Backoff {

  private final Duration initial;
  private final Duration max;
  private final RandomGenerator random;
  private int attempt;

  Backoff(Duration initial, Duration max, RandomGenerator random) {
    this.initial = initial;
    this.max = max;
    this.random = random;
  }

  Duration next() {
    long ceiling = max.toNanos();
    long d = initial.toNanos();
    for (int i = 0; i < attempt && d < ceiling; i++) {
      d = d > ceiling / 2 ? ceiling : d * 2;
    }
    d = Math.min(d, ceiling);
    attempt = Math.min(attempt + 1, 62);
    long half = d / 2;
    return Duration.ofNanos(half + (half > 0 ? random.nextLong(half + 1) : 0));
  }

  void reset() {
    attempt = 0;
  }
}
