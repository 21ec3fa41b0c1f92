package dev.zt.policy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** Time that only the test moves (never a sleep); zt-policy's tests do not depend on zt-testkit. */
final class ManualClock extends Clock {

  private volatile Instant now = Instant.parse("2026-03-01T08:00:00Z");

  void advance(Duration by) {
    now = now.plus(by);
  }

  @Override
  public Instant instant() {
    return now;
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return zone.equals(ZoneOffset.UTC) ? this : Clock.fixed(now, zone);
  }
}
