package dev.zt.core.credential;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.source.JWKSetCacheRefreshEvaluator;
import com.nimbusds.jose.jwk.source.JWKSetSource;
import com.nimbusds.jose.proc.SecurityContext;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * {@link ClockedKeySource}'s refetch rule with a key source that fetches only when told to and can be held mid-fetch:
 * one refetch per interval, and a token that finds the limit reached while another token's refetch runs waits for it
 * and finds the rotated key, without a fetch of its own. (The rule end to end on a {@code TestClock} against a JWKS over
 * HTTP: zt-testkit's {@code BearerJwtEnforcementTests}.)
 */
class ClockedKeySourceTests {

  private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-06T09:00:00Z"), ZoneOffset.UTC);

  private static JWK key(String kid) {
    return new OctetSequenceKey.Builder(new byte[32]).keyID(kid).build();
  }

  private static JWKSelector kid(String kid) {
    return new JWKSelector(new JWKMatcher.Builder().keyID(kid).build());
  }

  /** Serves {@code current}; a refresh the evaluator asks for is a fetch: counted, held until released, then next. */
  static final class HeldSource implements JWKSetSource<SecurityContext> {
    volatile JWKSet current = new JWKSet(key("a"));
    volatile JWKSet next = new JWKSet(List.of(key("a"), key("b")));
    final AtomicInteger fetches = new AtomicInteger();
    final CountDownLatch fetching = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);

    /** As Nimbus' cache: a read that needs no refresh is never held up by a fetch under way. */
    @Override
    public JWKSet getJWKSet(JWKSetCacheRefreshEvaluator evaluator, long currentTime, SecurityContext context) {
      if (!evaluator.requiresRefresh(current)) {
        return current;
      }
      synchronized (this) {
        if (evaluator.requiresRefresh(current)) {
          fetches.incrementAndGet();
          fetching.countDown();
          try {
            release.await(10, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          current = next;
        }
        return current;
      }
    }

    @Override
    public void close() {}
  }

  @Test
  void getWhenLimitReachedAndNoRefetchRunningThenNoFetchAndNoKey() throws Exception {
    HeldSource source = new HeldSource();
    source.release.countDown();
    ClockedKeySource keys = new ClockedKeySource(source, CLOCK, 30_000, 5_000);

    assertThat(keys.get(kid("b"), null)).extracting(JWK::getKeyID).containsExactly("b");
    source.next = new JWKSet(List.of(key("a"), key("b"), key("c")));
    assertThat(keys.get(kid("c"), null)).isEmpty();
    assertThat(source.fetches).hasValue(1);
  }

  @Test
  void getWhenAnotherTokensRefetchIsRunningThenWaitsForItAndFindsTheKeyWithoutFetching() throws Exception {
    HeldSource source = new HeldSource();
    ClockedKeySource keys = new ClockedKeySource(source, CLOCK, 30_000, 5_000);

    CompletableFuture<List<JWK>> first = CompletableFuture.supplyAsync(() -> get(keys, "b"));
    assertThat(source.fetching.await(10, TimeUnit.SECONDS)).isTrue();
    CompletableFuture<List<JWK>> second = CompletableFuture.supplyAsync(() -> get(keys, "b"));
    for (long spins = 0; !keys.hasWaiters() && !second.isDone(); spins++) {
      Thread.onSpinWait(); // the second token is waiting for the refetch under way
    }
    source.release.countDown();

    assertThat(first.get(10, TimeUnit.SECONDS)).extracting(JWK::getKeyID).containsExactly("b");
    assertThat(second.get(10, TimeUnit.SECONDS)).extracting(JWK::getKeyID).containsExactly("b");
    assertThat(source.fetches).hasValue(1);
  }

  private static List<JWK> get(ClockedKeySource keys, String kid) {
    try {
      return keys.get(kid(kid), null);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
