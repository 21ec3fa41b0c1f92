package dev.zt.core.trust;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/**
 * The behaviour baseline (docs/continuous-verification.md): learning, then each deviation it flags and the normal
 * traffic beside it that it must not flag; and that concurrent requests of one identity lose no counts.
 */
class BehaviourTests {

  private static final long T0 = Instant.parse("2026-03-02T10:00:00Z").toEpochMilli();
  private static final long MINUTE = 60_000;

  /** 10 requests a minute on route 0, from DE, over {@code minutes} minutes starting at T0. */
  private static Behaviour.Baseline learned(int minutes) {
    Behaviour.Baseline b = new Behaviour.Baseline(T0);
    for (int m = 0; m < minutes; m++) {
      for (int i = 0; i < 10; i++) {
        b.observe(0, "DE", T0 + m * MINUTE + i * 1000);
      }
    }
    return b;
  }

  @Test
  void observeWhenFewerThanTwentyRequestsThenAbstainsWhileLearning() {
    Behaviour.Baseline b = new Behaviour.Baseline(T0);
    for (int i = 0; i < Behaviour.LEARNING_REQUESTS; i++) {
      SignalResult r = b.observe(7, "US", T0 + i);
      assertThat(r.abstained()).as("request %d", i).isTrue();
      assertThat(r.reason()).isEqualTo("learning");
    }
    assertThat(b.observe(7, "US", T0 + 100).abstained()).isFalse();
  }

  @Test
  void observeWhenTrafficAsUsualThenScoresOne() {
    Behaviour.Baseline b = learned(5);
    SignalResult r = b.observe(0, "DE", T0 + 5 * MINUTE);
    assertThat(r.score()).isEqualTo(1.0);
    assertThat(r.reason()).isEqualTo("as usual");
  }

  @Test
  void observeWhenMinuteFarAboveUsualRateThenScoresPointFour() {
    Behaviour.Baseline b = learned(5); // usual: 10 per minute → the bar is max(30, 50) = 50
    long minute = T0 + 5 * MINUTE;
    for (int i = 0; i < 50; i++) {
      assertThat(b.observe(0, "DE", minute + i).score()).as("request %d of the minute", i + 1).isEqualTo(1.0);
    }
    SignalResult r = b.observe(0, "DE", minute + 51);
    assertThat(r.score()).isEqualTo(0.4);
    assertThat(r.reason()).isEqualTo("request rate over 50/min against a usual 10");
    assertThat(b.observe(0, "DE", minute + 52)).as("one result per minute, not one per request").isSameAs(r);
  }

  @Test
  void observeWhenNewCountryThenScoresPointFourOnceAndLearnsIt() {
    Behaviour.Baseline b = learned(3);
    SignalResult first = b.observe(0, "FR", T0 + 3 * MINUTE);
    assertThat(first.score()).isEqualTo(0.4);
    assertThat(first.reason()).isEqualTo("new country FR");
    assertThat(b.observe(0, "FR", T0 + 3 * MINUTE + 1).score()).isEqualTo(1.0);
    assertThat(b.observe(0, null, T0 + 3 * MINUTE + 2).score()).as("unknown country").isEqualTo(1.0);
  }

  @Test
  void observeWhenCountriesFullThenANinthIsFlaggedEveryTime() {
    Behaviour.Baseline b = learned(3);
    for (String c : List.of("AT", "BE", "CH", "DK", "ES", "FI", "GR")) {
      b.observe(0, c, T0 + 3 * MINUTE);
    }
    assertThat(b.observe(0, "IT", T0 + 3 * MINUTE + 1).score()).isEqualTo(0.4);
    assertThat(b.observe(0, "IT", T0 + 3 * MINUTE + 2).score()).isEqualTo(0.4);
    assertThat(b.observe(0, "GR", T0 + 3 * MINUTE + 3).score()).as("the eighth was learned").isEqualTo(1.0);
  }

  @Test
  void observeWhenMostAnswersAreErrorsThenScoresPointFive() {
    Behaviour.Baseline b = learned(3);
    for (int i = 0; i < 7; i++) {
      b.outcome(true);
    }
    SignalResult r = b.observe(0, "DE", T0 + 3 * MINUTE);
    assertThat(r.score()).isEqualTo(0.5);
    assertThat(r.reason()).isEqualTo("error ratio 52%");
    for (int i = 0; i < 3; i++) {
      b.outcome(false);
    }
    assertThat(b.observe(0, "DE", T0 + 3 * MINUTE + 1).score()).as("errors fade").isEqualTo(1.0);
  }

  @Test
  void observeWhenHourRarelySeenThenScoresPointSeven() {
    Behaviour.Baseline b = learned(6); // 60 requests, all at 10:00 UTC
    SignalResult r = b.observe(0, "DE", T0 + 17 * 3_600_000L); // 03:00 the next day
    assertThat(r.score()).isEqualTo(0.7);
    assertThat(r.reason()).isEqualTo("unusual hour 3:00 UTC");
  }

  @Test
  void observeWhenRouteNotSeenBeforeThenScoresPointEightOnce() {
    Behaviour.Baseline b = learned(3);
    SignalResult r = b.observe(5, "DE", T0 + 3 * MINUTE);
    assertThat(r.score()).isEqualTo(0.8);
    assertThat(r.reason()).isEqualTo("new route");
    assertThat(b.observe(5, "DE", T0 + 3 * MINUTE + 1).score()).isEqualTo(1.0);
  }

  @Test
  void observeWhenSeveralDeviationsThenTheLowestScoreWins() {
    Behaviour.Baseline b = learned(3);
    SignalResult r = b.observe(9, "BR", T0 + 17 * 3_600_000L);
    assertThat(r.score()).isEqualTo(0.4);
    assertThat(r.reason()).isEqualTo("new country BR");
  }

  @Test
  void observeWhenConcurrentRequestsOfOneIdentityThenNoCountIsLost() throws Exception {
    Behaviour.Baseline b = learned(5);
    int threads = 4;
    int each = 5_000;
    long minute = T0 + 5 * MINUTE;
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> running = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      Thread th = new Thread(() -> {
        try {
          start.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        for (int i = 0; i < each; i++) {
          b.observe(0, "DE", minute + i % 1000);
        }
      });
      th.start();
      running.add(th);
    }
    start.countDown();
    for (Thread th : running) {
      th.join();
    }
    assertThat(b.seen()).isEqualTo(50 + threads * each);
    assertThat(b.inCurrentMinute()).isEqualTo(threads * each);
    SignalResult r = b.observe(0, "DE", minute + 999);
    assertThat(r.score()).isEqualTo(0.4);
    assertThat(r.reason()).startsWith("request rate over ").endsWith("/min against a usual 10");
    assertThat(b.observe(0, "DE", minute + 999)).isSameAs(r);
  }
}
