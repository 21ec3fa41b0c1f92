package dev.zt.core.spi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zt.statecheck.SecurityStateContract;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The state SPI's contract on the in-memory default, and what only a bounded in-process store promises. */
class InMemorySecurityStateTests extends SecurityStateContract {

  @Override
  protected SecurityState state() {
    return SecurityState.inMemory();
  }

  @Test
  void singleUsePutIfAbsentWhenFullOfLiveKeysThenRefusesNewKeysAndNeverForgetsALiveOne() {
    SingleUse s = state().singleUse("jti", settings(3));
    for (int i = 0; i < 3; i++) {
      assertThat(s.putIfAbsent("k" + i, Duration.ofMinutes(1))).isEqualTo(SingleUse.Use.FIRST);
    }
    assertThat(s.putIfAbsent("k3", Duration.ofMinutes(1))).isEqualTo(SingleUse.Use.UNAVAILABLE);
    assertThat(s.putIfAbsent("k0", Duration.ofMinutes(1))).isEqualTo(SingleUse.Use.REPLAY);
    advance(Duration.ofMinutes(1));
    assertThat(s.putIfAbsent("k3", Duration.ofMinutes(1))).isEqualTo(SingleUse.Use.FIRST);
  }

  @Test
  void slidingCountersAddWhenMoreKeysThanTheBoundThenMemoryStaysBounded() {
    SlidingCounters c = state().slidingCounters("bound", settings(100));
    for (int i = 0; i < 5000; i++) {
      c.add("k" + i, Duration.ofMinutes(1));
      c.addDistinct("d" + i, i, Duration.ofMinutes(1), 4);
    }
    assertThat(StateProbes.size(c)).isLessThanOrEqualTo(100);
  }

  @Test
  void suspensionsIsEmptyWhenNothingWasEverSuspendedThenTrueAndAfterASuspensionFalse() {
    Suspensions s = state().suspensions(settings(100));
    assertThat(s.isEmpty()).isTrue();
    s.suspendSubject("alice", "manual", Duration.ofMinutes(1));
    assertThat(s.isEmpty()).isFalse();
    assertThat(s.check("t", Optional.of("alice"), Optional.empty())).isEqualTo(Presence.PRESENT);
  }

  @Test
  void rateBucketTryConsumeWhenHandedTheRequestTimeThenRefillsByThatTimeNotTheClock() {
    RateBucket b = state().rateBuckets("rate", settings(100)).bucket("k",
        java.util.List.of(new RateBuckets.Band("b", 1, Duration.ofSeconds(1), RateBuckets.Refill.INTERVALLY)));
    long t = clock.millis(); // the clock stays here: only the handed times move

    assertThat(b.tryConsume(t)).isTrue();
    assertThat(b.tryConsume(t + 999)).isFalse();
    assertThat(b.tryConsume(t + 1000)).as("refilled by the handed time").isTrue();
    assertThat(b.tryConsumeLocally(t + 2000)).isEqualTo(1);
    RateBuckets.Consumption refused = b.tryConsumeAndReport(t + 2500);
    assertThat(refused.consumed()).isFalse();
    assertThat(refused.nanosToWait()).isEqualTo(Duration.ofMillis(500).toNanos());
  }

  @Test
  void rateBucketWhenMadeAtATimeOffThePeriodsGridThenItsFirstIntervalIsAWholePeriodFromThen() {
    java.time.Clock offGrid = java.time.Clock.fixed(java.time.Instant.parse("2026-03-02T10:00:03.250Z"),
        java.time.ZoneOffset.UTC);
    RateBucket b = SecurityState.inMemory().rateBuckets("rate", new StoreSettings(offGrid, 100)).bucket("k",
        java.util.List.of(new RateBuckets.Band("b", 1, Duration.ofSeconds(10), RateBuckets.Refill.INTERVALLY)));
    long t = offGrid.millis();

    assertThat(b.tryConsume(t)).isTrue();
    // ten seconds from the bucket's birth, not to the next multiple of ten seconds since the epoch (6.75 s)
    assertThat(b.tryConsumeAndReport(t).nanosToWait()).isEqualTo(Duration.ofSeconds(10).toNanos());
    assertThat(b.tryConsume(t + 9_999)).isFalse();
    assertThat(b.tryConsume(t + 10_000)).isTrue();
  }

  @Test
  void rateBucketTryConsumeWhenHandedATimeBeforeItsLastRefillThenRefillsNothing() {
    RateBucket b = state().rateBuckets("rate", settings(100)).bucket("k",
        java.util.List.of(new RateBuckets.Band("b", 1, Duration.ofSeconds(1), RateBuckets.Refill.INTERVALLY)));
    long t = clock.millis();
    assertThat(b.tryConsume(t + 5000)).isTrue();

    // a concurrent request's earlier time (or a clock stepped back) grants no token early
    assertThat(b.tryConsume(t)).isFalse();
    assertThat(b.tryConsume(t + 5999)).isFalse();
    assertThat(b.tryConsume(t + 6000)).isTrue();
  }

  @Test
  void rateBucketTryConsumeWhenNoTimeHandedThenReadsTheClock() {
    RateBucket b = state().rateBuckets("rate", settings(100)).bucket("k",
        java.util.List.of(new RateBuckets.Band("b", 1, Duration.ofSeconds(1), RateBuckets.Refill.INTERVALLY)));
    assertThat(b.tryConsume()).isTrue();
    assertThat(b.tryConsume()).isFalse();
    advance(Duration.ofSeconds(1));
    assertThat(b.tryConsume()).isTrue();
  }

  @Test
  void storesWhenTtlNotPositiveThenRefused() {
    Suspensions s = state().suspensions(settings(100));
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> s.suspendSubject("alice", "r", Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
