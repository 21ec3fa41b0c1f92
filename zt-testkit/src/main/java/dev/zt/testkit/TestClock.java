package dev.zt.testkit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A clock that tests move by hand: time never passes on its own, so a test of expiry or rotation never sleeps.
 * Thread-safe.
 *
 * @since 0.1
 */
public final class TestClock extends Clock {

  /** A fixed, recent instant that new clocks start at by default. */
  public static final Instant DEFAULT_START = Instant.parse("2026-01-15T10:00:00Z");

  private volatile Instant now;

  private TestClock(Instant start) {
    this.now = start;
  }

  /** A clock standing at {@link #DEFAULT_START}. */
  public static TestClock create() {
    return new TestClock(DEFAULT_START);
  }

  /** A clock standing at {@code start}. */
  public static TestClock at(Instant start) {
    return new TestClock(start);
  }

  /** Moves the clock forward (or back, with a negative duration). */
  public synchronized TestClock advance(Duration by) {
    now = now.plus(by);
    return this;
  }

  /** Sets the clock to {@code instant}. */
  public TestClock set(Instant instant) {
    now = instant;
    return this;
  }

  @Override
  public Instant instant() {
    return now;
  }

  @Override
  public long millis() {
    return now.toEpochMilli();
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this; // time is what matters here, not the zone
  }
}
