package dev.zt.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zt.core.spi.IdentityFlags;
import dev.zt.core.spi.Presence;
import dev.zt.core.spi.SingleUse;
import dev.zt.core.spi.SourceBlocks;
import dev.zt.core.spi.SingleUse.Use;
import dev.zt.core.spi.StoreSettings;
import dev.zt.core.spi.Suspensions;
import dev.zt.core.trust.TrustLevel;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Redis stopped and restarted mid-test (a real redis-server, empty when it returns): the single-use store refuses
 * within the deadline, suspensions known locally stay enforced, and what happened meanwhile is written back.
 */
class RedisOutageTests {

  private static final StoreSettings SETTINGS = new StoreSettings(Clock.systemUTC(), 10_000);
  private static final Duration TTL = Duration.ofMinutes(5);
  private static final Duration RECOVERY = Duration.ofSeconds(10); // the bound for reconnect + write-back

  private RedisServerProcess server;
  private RedisState a;
  private RedisState b;

  @BeforeEach
  void start() {
    server = RedisServerProcess.start();
    a = RedisState.builder(server.uri()).reconcileEvery(Duration.ofMillis(500)).build();
    b = RedisState.builder(server.uri()).reconcileEvery(Duration.ofMillis(500)).build();
  }

  @AfterEach
  void stop() {
    a.close();
    b.close();
    server.close();
  }

  @Test
  void putIfAbsentWhenRedisStoppedThenUnavailableWithinTheDeadlineAndFirstAgainAfterRestart() {
    SingleUse store = a.singleUse("dpop", SETTINGS);
    assertThat(store.putIfAbsent("jti-1", TTL)).isEqualTo(Use.FIRST);

    server.stop();
    long start = System.nanoTime();
    Use during = store.putIfAbsent("jti-2", TTL);
    long millis = (System.nanoTime() - start) / 1_000_000;
    Use replayDuring = store.putIfAbsent("jti-1", TTL);

    assertThat(during).isEqualTo(Use.UNAVAILABLE);
    assertThat(replayDuring).isEqualTo(Use.UNAVAILABLE); // never FIRST: a replay cannot slip through an outage
    assertThat(millis).isLessThan(1000); // the deadline is 100 ms; a disconnected client rejects at once
    assertThat(a.degraded()).isTrue();
    System.out.printf("zt-redis: single-use answer with Redis stopped took %d ms%n", millis);

    server.restart();
    long nanos = Await.until(RECOVERY, () -> store.putIfAbsent("jti-3", TTL) == Use.FIRST, "reconnect");
    System.out.printf("zt-redis: single-use store answered again %d ms after Redis restarted%n", nanos / 1_000_000);
    assertThat(store.putIfAbsent("jti-3", TTL)).isEqualTo(Use.REPLAY);
  }

  @Test
  void checkWhenRedisStoppedThenKnownSuspensionsStayEnforcedAndUnsuspendedServed() {
    Suspensions sa = a.suspensions(SETTINGS);
    Suspensions sb = b.suspensions(SETTINGS);
    sa.suspendToken("jti-known", Optional.of("alice"), "detect.sqli", TTL);
    Await.until(Duration.ofSeconds(2), () -> sb.check("jti-known", Optional.of("alice"), Optional.empty())
        == Presence.PRESENT, "propagation");

    server.stop();

    assertThat(sa.check("jti-known", Optional.of("alice"), Optional.empty())).isEqualTo(Presence.PRESENT);
    assertThat(sb.check("jti-known", Optional.of("alice"), Optional.empty())).isEqualTo(Presence.PRESENT);
    assertThat(sb.check("jti-valid", Optional.of("bob"), Optional.empty())).isEqualTo(Presence.ABSENT);
    // reconciliations during the outage fail and keep the mirror as it is
    assertThat(((RedisSuspensions) sb).reconcile()).isFalse();
    assertThat(sb.check("jti-known", Optional.of("alice"), Optional.empty())).isEqualTo(Presence.PRESENT);
  }

  @Test
  void suspendWhenRedisStoppedThenEnforcedLocallyAndWrittenBackAfterRestart() {
    Suspensions sa = a.suspensions(SETTINGS);
    Suspensions sb = b.suspensions(SETTINGS);
    sa.suspendSubject("known-before", "detect.sqli", TTL);
    Await.until(Duration.ofSeconds(2), () -> !sb.isEmpty(), "propagation");

    server.stop();
    long start = System.nanoTime();
    sa.suspendSubject("mallory", "detect.sqli", TTL); // never throws, never waits
    assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(100);

    assertThat(sa.check("t", Optional.of("mallory"), Optional.empty())).isEqualTo(Presence.PRESENT);
    assertThat(sb.check("t", Optional.of("mallory"), Optional.empty())).isEqualTo(Presence.ABSENT); // not reached
    Await.until(Duration.ofSeconds(1), () -> ((RedisSuspensions) sa).pending() == 1, "buffered");
    assertThat(a.degraded()).isTrue();

    server.restart(); // empty: no persistence
    long nanos = Await.until(RECOVERY, () -> sb.check("t", Optional.of("mallory"), Optional.empty())
        == Presence.PRESENT, "write-back");
    System.out.printf("zt-redis: suspension made during the outage reached the other instance %d ms after Redis "
        + "restarted%n", nanos / 1_000_000);
    // what both knew before the outage survives a server that came back empty: it is re-sent, not forgotten
    Await.until(RECOVERY, () -> !a.degraded() && !b.degraded(), "recovered");
    assertThat(((RedisSuspensions) sb).reconcile()).isTrue();
    assertThat(sb.check("t", Optional.of("known-before"), Optional.empty())).isEqualTo(Presence.PRESENT);
    assertThat(sa.check("t", Optional.of("known-before"), Optional.empty())).isEqualTo(Presence.PRESENT);
    assertThat(sa.check("t", Optional.of("mallory"), Optional.empty())).isEqualTo(Presence.PRESENT);
    assertThat(sb.check("t", Optional.of("bob"), Optional.empty())).isEqualTo(Presence.ABSENT);
    assertThat(((RedisSuspensions) sa).pending()).isZero();
  }

  @Test
  void liftWhenRedisStoppedThenLiftedLocallyAndWrittenBackAfterRestart() {
    Suspensions sa = a.suspensions(SETTINGS);
    Suspensions sb = b.suspensions(SETTINGS);
    sa.suspendSubject("alice", "detect.sqli", TTL);
    Await.until(Duration.ofSeconds(2), () -> !sb.isEmpty(), "propagation");

    server.stop();
    assertThat(sa.lift("alice")).isTrue(); // in force here: lifted here at once, written back later
    assertThat(sa.check("t", Optional.of("alice"), Optional.empty())).isEqualTo(Presence.ABSENT);
    assertThat(sb.check("t", Optional.of("alice"), Optional.empty())).isEqualTo(Presence.PRESENT);

    server.restart();
    Await.until(RECOVERY, () -> !a.degraded() && !b.degraded(), "recovered");
    assertThat(((RedisSuspensions) sa).reconcile()).isTrue();
    assertThat(((RedisSuspensions) sb).reconcile()).isTrue();
    assertThat(sa.check("t", Optional.of("alice"), Optional.empty())).isEqualTo(Presence.ABSENT);
  }

  @Test
  void blockAndFlagWhenRedisStoppedThenKnownOnesStayEnforcedNewOnesLocallyAndWrittenBackAfterRestart() {
    SourceBlocks ba = a.sourceBlocks(SETTINGS);
    SourceBlocks bb = b.sourceBlocks(SETTINGS);
    IdentityFlags fa = a.identityFlags(SETTINGS);
    IdentityFlags fb = b.identityFlags(SETTINGS);
    ba.block("198.51.100.7", SourceBlocks.Scope.ALL, "stuffing.source", TTL);
    fa.set(IdentityFlags.Flag.THROTTLED, "sub:known", "enumeration.identity", TTL);
    Await.until(Duration.ofSeconds(2), () -> !bb.isEmpty() && !fb.isEmpty(IdentityFlags.Flag.THROTTLED),
        "propagation");

    server.stop();
    long start = System.nanoTime();
    ba.block("203.0.113.9", SourceBlocks.Scope.ALL, "stuffing.source", TTL); // never throws, never waits
    fa.set(IdentityFlags.Flag.MONITORED, "sub:mallory", "probing.source", TTL);
    fa.capLevel("mallory", TrustLevel.LOW, TTL);
    assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(100);

    // what each instance knew stays enforced; the new ones here only, until Redis returns
    assertThat(bb.check("198.51.100.7", Optional.empty(), false)).isEqualTo(Presence.PRESENT);
    assertThat(fb.check(IdentityFlags.Flag.THROTTLED, "sub:known")).isEqualTo(Presence.PRESENT);
    assertThat(ba.check("203.0.113.9", Optional.empty(), false)).isEqualTo(Presence.PRESENT);
    assertThat(fa.check(IdentityFlags.Flag.MONITORED, "sub:mallory")).isEqualTo(Presence.PRESENT);
    assertThat(fa.levelCap("mallory")).isEqualTo(TrustLevel.LOW);
    assertThat(bb.check("203.0.113.9", Optional.empty(), false)).isEqualTo(Presence.ABSENT);
    assertThat(bb.check("192.0.2.1", Optional.empty(), false)).isEqualTo(Presence.ABSENT); // others are served
    Await.until(Duration.ofSeconds(1), () -> ((RedisSourceBlocks) ba).engine().pending() == 1
        && ((RedisIdentityFlags) fa).engine().pending() == 2, "buffered");
    assertThat(a.degraded()).isTrue();

    server.restart(); // empty: no persistence
    long nanos = Await.until(RECOVERY, () -> bb.check("203.0.113.9", Optional.empty(), false) == Presence.PRESENT
        && fb.check(IdentityFlags.Flag.MONITORED, "sub:mallory") == Presence.PRESENT
        && fb.levelCap("mallory") == TrustLevel.LOW, "write-back");
    System.out.printf("zt-redis: block and flags made during the outage reached the other instance %d ms after Redis "
        + "restarted%n", nanos / 1_000_000);
    Await.until(RECOVERY, () -> !a.degraded() && !b.degraded(), "recovered");
    // what both knew before the outage survives a server that came back empty: re-sent, not forgotten
    assertThat(((RedisSourceBlocks) bb).engine().reconcile()).isTrue();
    assertThat(((RedisIdentityFlags) fb).engine().reconcile()).isTrue();
    assertThat(bb.check("198.51.100.7", Optional.empty(), false)).isEqualTo(Presence.PRESENT);
    assertThat(fb.check(IdentityFlags.Flag.THROTTLED, "sub:known")).isEqualTo(Presence.PRESENT);
    assertThat(bb.check("192.0.2.1", Optional.empty(), false)).isEqualTo(Presence.ABSENT);
  }

  @Test
  void unblockAndClearWhenRedisStoppedThenLiftedLocallyAndWrittenBackAfterRestart() {
    SourceBlocks ba = a.sourceBlocks(SETTINGS);
    SourceBlocks bb = b.sourceBlocks(SETTINGS);
    IdentityFlags fa = a.identityFlags(SETTINGS);
    IdentityFlags fb = b.identityFlags(SETTINGS);
    ba.block("198.51.100.7", SourceBlocks.Scope.ALL, "stuffing.source", TTL);
    fa.set(IdentityFlags.Flag.CRITICAL, "alice", "stuffing.identifiers", TTL);
    Await.until(Duration.ofSeconds(2), () -> !bb.isEmpty() && !fb.isEmpty(IdentityFlags.Flag.CRITICAL),
        "propagation");

    server.stop();
    assertThat(ba.unblock("198.51.100.7")).isTrue();
    assertThat(fa.clear(IdentityFlags.Flag.CRITICAL, "alice")).isTrue();
    assertThat(ba.check("198.51.100.7", Optional.empty(), false)).isEqualTo(Presence.ABSENT);
    assertThat(bb.check("198.51.100.7", Optional.empty(), false)).isEqualTo(Presence.PRESENT); // not reached yet

    server.restart();
    // b re-sends what it knew to the empty server, a writes back its removals: the later decision wins on both
    Await.until(RECOVERY, () -> !a.degraded() && !b.degraded(), "recovered");
    Await.until(RECOVERY, () -> bb.check("198.51.100.7", Optional.empty(), false) == Presence.ABSENT
        && fb.check(IdentityFlags.Flag.CRITICAL, "alice") == Presence.ABSENT, "write-back");
    assertThat(((RedisSourceBlocks) ba).engine().reconcile()).isTrue();
    assertThat(((RedisSourceBlocks) bb).engine().reconcile()).isTrue();
    assertThat(((RedisIdentityFlags) fb).engine().reconcile()).isTrue();
    assertThat(ba.check("198.51.100.7", Optional.empty(), false)).isEqualTo(Presence.ABSENT);
    assertThat(bb.check("198.51.100.7", Optional.empty(), false)).isEqualTo(Presence.ABSENT);
    assertThat(fb.check(IdentityFlags.Flag.CRITICAL, "alice")).isEqualTo(Presence.ABSENT);
  }
}
