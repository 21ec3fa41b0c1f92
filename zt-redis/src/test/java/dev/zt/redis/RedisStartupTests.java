package dev.zt.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.zt.core.spi.Presence;
import dev.zt.core.spi.RateBucket;
import dev.zt.core.spi.RateBuckets;
import dev.zt.core.spi.SingleUse;
import dev.zt.core.spi.SourceBlocks;
import dev.zt.core.spi.SingleUse.Use;
import dev.zt.core.spi.StoreSettings;
import dev.zt.core.spi.Suspensions;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An instance that starts while Redis is down (a fleet restarting during an outage): it starts degraded, refuses what
 * needs Redis, enforces what it learns locally, and heals when Redis comes up; {@code requireConnectionAtStart()}
 * makes the start fail instead. Against a real redis-server, stopped before the state is built.
 */
class RedisStartupTests {

  private static final StoreSettings SETTINGS = new StoreSettings(Clock.systemUTC(), 10_000);
  private static final Duration TTL = Duration.ofMinutes(5);
  private static final long RECOVERY_SECONDS = 10;

  private final BlockingQueue<RedisHealth> events = new LinkedBlockingQueue<>();
  private RedisServerProcess server;
  private RedisState state;
  private RedisState other;

  @BeforeEach
  void start() {
    server = RedisServerProcess.start();
    server.stop(); // down, on a port a restart takes again
  }

  @AfterEach
  void stop() {
    for (RedisState s : new RedisState[] {state, other}) {
      if (s != null) {
        s.close();
      }
    }
    server.close();
  }

  @Test
  void buildWhenRedisDownThenStartsDegradedRefusesSingleUseAndHealsWhenRedisStarts() throws Exception {
    long start = System.nanoTime();
    state = RedisState.builder(server.uri()).reconcileEvery(Duration.ofMillis(500)).onHealthChange(events::add)
        .build();
    assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(2000);
    SingleUse dpop = state.singleUse("dpop", SETTINGS);
    Suspensions suspensions = state.suspensions(SETTINGS);
    // every other store opens too, without Redis: subscribed and reconciled once it answers
    SourceBlocks blocks = state.sourceBlocks(SETTINGS);
    state.identityFlags(SETTINGS);
    assertThat(state.slidingCounters("detect", SETTINGS).add("k", Duration.ofMinutes(1))).isEqualTo(1);

    RedisHealth degraded = events.poll(RECOVERY_SECONDS, TimeUnit.SECONDS);
    assertThat(degraded).isNotNull();
    assertThat(degraded.degraded()).isTrue();
    assertThat(state.health().degraded()).isTrue();
    assertThat(state.degraded()).isTrue();
    assertThat(dpop.putIfAbsent("jti-1", TTL)).isEqualTo(Use.UNAVAILABLE); // fails closed, never FIRST
    assertThat(suspensions.isEmpty()).isTrue(); // empty until the first reconciliation
    suspensions.suspendSubject("mallory", "detect.sqli", TTL); // never waits nor throws: enforced here, buffered
    assertThat(suspensions.check("t", Optional.of("mallory"), Optional.empty())).isEqualTo(Presence.PRESENT);
    blocks.block("198.51.100.7", SourceBlocks.Scope.ALL, "detect.stuffing", TTL);
    assertThat(blocks.check("198.51.100.7", Optional.empty(), false)).isEqualTo(Presence.PRESENT);
    assertThat(state.health().changesWaiting()).isEqualTo(2);

    long up = System.nanoTime();
    server.restart();
    RedisHealth restored = events.poll(RECOVERY_SECONDS, TimeUnit.SECONDS);
    System.out.printf("zt-redis: an instance started with Redis down was in step %d ms after Redis started%n",
        (System.nanoTime() - up) / 1_000_000);
    assertThat(restored).isNotNull();
    assertThat(restored.degraded()).isFalse();
    assertThat(events).isEmpty();
    assertThat(dpop.putIfAbsent("jti-1", TTL)).isEqualTo(Use.FIRST);
    assertThat(dpop.putIfAbsent("jti-1", TTL)).isEqualTo(Use.REPLAY);
    // what it enforced while down was written back: another instance sees it
    other = RedisState.builder(server.uri()).requireConnectionAtStart().build();
    assertThat(other.suspensions(SETTINGS).check("t", Optional.of("mallory"), Optional.empty()))
        .isEqualTo(Presence.PRESENT);
    assertThat(other.sourceBlocks(SETTINGS).check("198.51.100.7", Optional.empty(), false))
        .isEqualTo(Presence.PRESENT);
    // and it receives what others publish (subscribed after the start)
    other.suspensions(SETTINGS).suspendSubject("eve", "detect.sqli", TTL);
    Await.until(Duration.ofSeconds(2), () -> suspensions.check("t", Optional.of("eve"), Optional.empty())
        == Presence.PRESENT, "propagation to the late starter");
  }

  @Test
  void rateBucketsWhenStartedWithRedisDownThenLocalShareOnlyNeverUnlimited() {
    state = RedisState.builder(server.uri()).localShare(0.5).build();
    RateBucket bucket = state.rateBuckets("rate", SETTINGS).bucket("alice\u0000orders",
        List.of(new RateBuckets.Band("orders", 10, Duration.ofMinutes(1), RateBuckets.Refill.INTERVALLY)));

    int taken = 0;
    for (int i = 0; i < 50; i++) {
      taken += bucket.tryConsume() ? 1 : 0;
    }

    assertThat(taken).isEqualTo(5); // half of 10 on this instance, not unlimited
    assertThat(state.health().degraded()).isTrue();
  }

  @Test
  void buildWhenRequireConnectionAtStartAndRedisDownThenThrows() {
    RedisState.Builder b = RedisState.builder(server.uri()).requireConnectionAtStart();
    assertThatThrownBy(b::build).isInstanceOf(RuntimeException.class);
  }

  @Test
  void buildWhenRequireConnectionAtStartAndRedisUpThenConnected() {
    server.restart();
    state = RedisState.builder(server.uri()).requireConnectionAtStart().build();
    assertThat(state.singleUse("dpop", SETTINGS).putIfAbsent("jti", TTL)).isEqualTo(Use.FIRST);
    assertThat(state.health().degraded()).isFalse();
  }

  @Test
  void requireConnectionAtStartWhenSetTwiceThenRefused() {
    RedisState.Builder b = RedisState.builder(server.uri()).requireConnectionAtStart();
    assertThatThrownBy(b::requireConnectionAtStart).isInstanceOf(IllegalStateException.class);
  }
}
