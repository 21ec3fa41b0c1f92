package dev.zt.samples.gateway.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zt.testkit.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

class SessionTests {

  private static final Duration MARGIN = Duration.ofSeconds(30);
  private static final Duration WAIT = Duration.ofSeconds(10);
  private final TestClock clock = TestClock.create();

  private Session expiring() {
    return new Session(new Tokens("a1", clock.instant().plusSeconds(10), Optional.of("r1")), clock.instant());
  }

  private Predicate<Session> stale() {
    return s -> s.needsRenewal(clock.instant(), MARGIN);
  }

  private Tokens fresh(String access, String refresh) {
    return new Tokens(access, clock.instant().plusSeconds(300), Optional.ofNullable(refresh));
  }

  @Test
  void renewWhenManyRequestsAtOnceThenOneRefreshCall() throws Exception {
    Session session = expiring();
    int callers = 8;
    AtomicInteger calls = new AtomicInteger();
    CountDownLatch inCall = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(callers);
    try {
      List<Future<TokenResult>> results = new ArrayList<>();
      for (int i = 0; i < callers; i++) {
        results.add(pool.submit(() -> session.renew(stale(), refresh -> {
          calls.incrementAndGet();
          inCall.countDown();
          try {
            release.await(10, TimeUnit.SECONDS); // the call stays open while the other requests arrive
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return new TokenResult.Issued(fresh("a2", "r2"));
        }, WAIT)));
      }
      assertThat(inCall.await(10, TimeUnit.SECONDS)).isTrue();
      release.countDown();
      for (Future<TokenResult> f : results) {
        assertThat(f.get(10, TimeUnit.SECONDS)).isInstanceOfSatisfying(TokenResult.Issued.class,
            issued -> assertThat(issued.tokens().accessToken()).isEqualTo("a2"));
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(calls).hasValue(1);
  }

  @Test
  void renewWhenRotatedThenNewRefreshTokenReplacesOld() {
    Session session = expiring();
    List<String> used = new ArrayList<>();
    session.renew(stale(), r -> {
      used.add(r);
      return new TokenResult.Issued(fresh("a2", "r2"));
    }, WAIT);
    clock.advance(Duration.ofSeconds(280));
    session.renew(stale(), r -> {
      used.add(r);
      return new TokenResult.Issued(fresh("a3", "r3"));
    }, WAIT);
    assertThat(used).containsExactly("r1", "r2");
    assertThat(session.tokens().refreshToken()).contains("r3");
  }

  @Test
  void renewWhenAnswerHasNoRefreshTokenThenOldOneKept() {
    Session session = expiring();
    session.renew(stale(), r -> new TokenResult.Issued(fresh("a2", null)), WAIT);
    assertThat(session.tokens().accessToken()).isEqualTo("a2");
    assertThat(session.tokens().refreshToken()).contains("r1");
  }

  @Test
  void renewWhenRefusedThenSessionEndsAndNoFurtherCall() {
    Session session = expiring();
    AtomicInteger calls = new AtomicInteger();
    TokenResult first = session.renew(stale(), r -> {
      calls.incrementAndGet();
      return new TokenResult.Refused("invalid_grant");
    }, WAIT);
    TokenResult second = session.renew(stale(), r -> {
      calls.incrementAndGet();
      return new TokenResult.Issued(fresh("a2", "r2"));
    }, WAIT);
    assertThat(first).isInstanceOf(TokenResult.Refused.class);
    assertThat(second).isInstanceOf(TokenResult.Refused.class);
    assertThat(session.ended()).isTrue();
    assertThat(calls).hasValue(1);
  }

  @Test
  void renewWhenUnavailableThenSessionAndTokensKept() {
    Session session = expiring();
    TokenResult result = session.renew(stale(), r -> new TokenResult.Unavailable("503"), WAIT);
    assertThat(result).isInstanceOf(TokenResult.Unavailable.class);
    assertThat(session.ended()).isFalse();
    assertThat(session.tokens().refreshToken()).contains("r1");
    assertThat(session.renew(stale(), r -> new TokenResult.Issued(fresh("a2", "r2")), WAIT))
        .isInstanceOf(TokenResult.Issued.class);
  }

  @Test
  void renewWhenRefreshThrowsThenUnavailableAndNextCallerNotStuck() {
    Session session = expiring();
    TokenResult result = session.renew(stale(), r -> {
      throw new IllegalStateException("boom");
    }, WAIT);
    assertThat(result).isInstanceOf(TokenResult.Unavailable.class);
    assertThat(session.renew(stale(), r -> new TokenResult.Issued(fresh("a2", "r2")), WAIT))
        .isInstanceOf(TokenResult.Issued.class);
  }

  @Test
  void renewWhenNoRefreshTokenThenRefused() {
    Session session = new Session(new Tokens("a1", clock.instant().plusSeconds(10), Optional.empty()),
        clock.instant());
    assertThat(session.renew(stale(), r -> new TokenResult.Issued(fresh("a2", "r2")), WAIT))
        .isInstanceOf(TokenResult.Refused.class);
  }

  @Test
  void needsRenewalWhenMoreThanMarginLeftThenFalse() {
    Instant now = clock.instant();
    Session session = new Session(new Tokens("a", now.plusSeconds(31), Optional.of("r")), now);
    assertThat(session.needsRenewal(now, MARGIN)).isFalse();
    assertThat(session.needsRenewal(now.plusSeconds(1), MARGIN)).isTrue();
  }
}
