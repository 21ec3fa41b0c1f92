package dev.zt.core.spi;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Token buckets by key, for the rate gate (per identity × route × tenant) and the validation budget (per address and
 * network). {@link #bucket} finds or creates the bucket under a key and returns a {@link RateBucket} handle, which the
 * caller keeps: the hot path is a call on the held handle, never a lookup here. Two handles for one key draw on one
 * budget while the store keeps the key (a bounded in-memory store may forget a key nobody asked for lately; a new
 * bucket then starts full).
 *
 * <p>{@link #bucket} is atomic: concurrent calls for one key get handles to one bucket. It may throw
 * ({@link StateUnavailableException}); the gate then refuses the request.
 *
 * @since 0.1
 */
public interface RateBuckets {

  /** How a band refills. */
  enum Refill {
    /** All {@code capacity} tokens at once, at the end of each period. */
    INTERVALLY,
    /** Token by token, spread over the period. */
    GREEDY
  }

  /**
   * One limit of a bucket: {@code capacity} tokens per {@code period}, refilled as {@code refill} says.
   *
   * @param name the limit's name (the {@code RateLimit-Policy} field names it)
   */
  record Band(String name, long capacity, Duration period, Refill refill) {
    public Band {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(period, "period");
      Objects.requireNonNull(refill, "refill");
      if (capacity < 1 || period.isNegative() || period.isZero()) {
        throw new IllegalArgumentException("a band holds at least one token over a positive period");
      }
    }
  }

  /**
   * What a consumption did.
   *
   * @param consumed whether a token was taken
   * @param nanosToWait when not: how long until one is there (0 when consumed)
   */
  record Consumption(boolean consumed, long nanosToWait) {}

  /** The bucket under {@code key}, created with {@code bands} (full) when there is none. */
  RateBucket bucket(String key, List<Band> bands);
}
