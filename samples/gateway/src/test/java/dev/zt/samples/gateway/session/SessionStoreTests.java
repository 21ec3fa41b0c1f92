package dev.zt.samples.gateway.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zt.testkit.TestClock;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SessionStoreTests {

  private final TestClock clock = TestClock.create();
  private final SessionStore store = new SessionStore(1000, Duration.ofMinutes(30), Duration.ofHours(8), clock);

  private Session session() {
    return new Session(new Tokens("access", clock.instant().plusSeconds(300), Optional.of("refresh")),
        clock.instant());
  }

  @Test
  void findWhenIdleTimeoutPassedThenEmpty() {
    String id = store.add(session());
    clock.advance(Duration.ofMinutes(30));
    assertThat(store.find(id)).isEmpty();
  }

  @Test
  void findWhenUsedWithinIdleTimeoutThenIdleTimerRestarts() {
    String id = store.add(session());
    for (int i = 0; i < 4; i++) {
      clock.advance(Duration.ofMinutes(29));
      assertThat(store.find(id)).as("after %d × 29 min", i + 1).isPresent();
    }
  }

  @Test
  void findWhenAbsoluteTimeoutPassedDespiteActivityThenEmpty() {
    String id = store.add(session());
    for (int i = 0; i < 16; i++) {
      clock.advance(Duration.ofMinutes(29));
      store.find(id);
    }
    clock.advance(Duration.ofMinutes(28)); // 8 h 12 min after login, 28 min after the last use
    assertThat(store.find(id)).isEmpty();
  }

  @Test
  void findWhenExactlyAtAbsoluteTimeoutThenEmpty() {
    SessionStore shortLived = new SessionStore(1000, Duration.ofMinutes(30), Duration.ofMinutes(45), clock);
    String id = shortLived.add(session());
    clock.advance(Duration.ofMinutes(25));
    assertThat(shortLived.find(id)).isPresent();
    clock.advance(Duration.ofMinutes(20));
    assertThat(shortLived.find(id)).as("used 20 min ago, but logged in 45 min ago").isEmpty();
  }

  @Test
  void findWhenRemovedThenEmptyAndSessionEnded() {
    Session s = session();
    String id = store.add(s);
    store.remove(id);
    assertThat(store.find(id)).isEmpty();
    assertThat(s.ended()).isTrue();
  }

  @Test
  void findWhenUnknownIdThenEmpty() {
    store.add(session());
    assertThat(store.find(Randoms.token())).isEmpty();
  }

  @Test
  void addWhenMoreThanMaximumThenCountStaysBounded() {
    SessionStore small = new SessionStore(50, Duration.ofMinutes(30), Duration.ofHours(8), clock);
    for (int i = 0; i < 5000; i++) {
      small.add(session());
    }
    assertThat(small.size()).isLessThanOrEqualTo(50);
  }
}
