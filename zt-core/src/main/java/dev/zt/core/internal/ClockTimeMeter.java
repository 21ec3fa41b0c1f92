package dev.zt.core.internal;

import io.github.bucket4j.TimeMeter;
import java.time.Clock;

/** Bucket4j's time source on the enforcer's clock: the one every bucket of zt uses. */
public final class ClockTimeMeter {

  private ClockTimeMeter() {}

  /** Bucket4j's time source read from zt's clock (millisecond precision), so tests move time instead of sleeping. */
  public static TimeMeter of(Clock clock) {
    return new TimeMeter() {
      @Override
      public long currentTimeNanos() {
        return clock.millis() * 1_000_000L;
      }

      @Override
      public boolean isWallClockBased() {
        return true;
      }
    };
  }
}
