package dev.zt.samples.gateway.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zt.testkit.TestClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class PendingLoginsTests {

  private final TestClock clock = TestClock.create();

  private static PendingLogins.Pending login() {
    return new PendingLogins.Pending(Randoms.token(), Randoms.token(), Randoms.token());
  }

  @Test
  void startWhenFloodedThenCountStaysBounded() {
    PendingLogins pending = new PendingLogins(100, Duration.ofMinutes(5), clock);
    for (int i = 0; i < 10_000; i++) {
      pending.start(login());
    }
    assertThat(pending.size()).isLessThanOrEqualTo(100);
  }

  @Test
  void takeWhenTakenTwiceThenSecondFindsNothing() {
    PendingLogins pending = new PendingLogins(100, Duration.ofMinutes(5), clock);
    PendingLogins.Pending login = login();
    String id = pending.start(login);
    assertThat(pending.take(id)).contains(login);
    assertThat(pending.take(id)).isEmpty();
  }

  @Test
  void takeWhenLifetimePassedThenFindsNothing() {
    PendingLogins pending = new PendingLogins(100, Duration.ofMinutes(5), clock);
    String id = pending.start(login());
    clock.advance(Duration.ofMinutes(5));
    assertThat(pending.take(id)).isEmpty();
    assertThat(pending.size()).isZero();
  }

  @Test
  void takeWhenUnknownIdThenFindsNothing() {
    PendingLogins pending = new PendingLogins(100, Duration.ofMinutes(5), clock);
    pending.start(login());
    assertThat(pending.take(Randoms.token())).isEmpty();
  }
}
