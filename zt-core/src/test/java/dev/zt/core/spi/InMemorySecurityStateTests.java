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
  void storesWhenTtlNotPositiveThenRefused() {
    Suspensions s = state().suspensions(settings(100));
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> s.suspendSubject("alice", "r", Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
