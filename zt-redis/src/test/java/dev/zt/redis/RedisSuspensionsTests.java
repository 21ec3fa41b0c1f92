package dev.zt.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zt.core.spi.Presence;
import dev.zt.core.spi.StoreSettings;
import dev.zt.core.spi.Suspensions;
import dev.zt.statecheck.SecurityStateContract.MovableClock;
import io.lettuce.core.SetArgs;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Suspensions shared by two instances through a real redis-server: propagation, lifts, hashes, reconciliation. */
class RedisSuspensionsTests extends TwoRedisInstances {

  private Suspensions sa;
  private Suspensions sb;

  @BeforeEach
  void stores() {
    sa = a.suspensions(SETTINGS);
    sb = b.suspensions(SETTINGS);
  }

  @Test
  void checkWhenTokenSuspendedOnOneInstanceThenOtherRefusesWithin100Ms() {
    assertPropagatesWithin100Ms("suspension",
        i -> sa.suspendToken("jti-" + i, Optional.of("alice"), "detect.sqli", TTL),
        i -> sb.check("jti-" + i, Optional.of("alice"), Optional.empty()) == Presence.PRESENT);
    assertThat(sb.check("jti-unsuspended", Optional.of("alice"), Optional.empty())).isEqualTo(Presence.ABSENT);
  }

  @Test
  void checkWhenSubjectSuspendedThenEveryTokenOfItRefusedAndOthersServed() {
    sa.suspendSubject("alice", "detect.stuffing", TTL);

    Await.until(PROPAGATION, () -> sb.check("any", Optional.of("alice"), Optional.empty()).presentOrUnknown(), "x");
    assertThat(sb.check("other", Optional.of("alice"), Optional.empty())).isEqualTo(Presence.PRESENT);
    assertThat(sb.check("any", Optional.of("bob"), Optional.empty())).isEqualTo(Presence.ABSENT);
    assertThat(sb.check("any", Optional.empty(), Optional.empty())).isEqualTo(Presence.ABSENT);
  }

  @Test
  void checkWhenRevokedUpToThenOlderTokensRefusedNewerServed() {
    Instant cut = Instant.parse("2026-01-01T00:00:00Z");
    sa.revokeIssuedUpTo("alice", cut, "caep.session-revoked", TTL);

    Await.until(PROPAGATION, () -> !sb.isEmpty(), "propagation");
    assertThat(sb.check("t", Optional.of("alice"), Optional.of(cut.minusSeconds(1)))).isEqualTo(Presence.PRESENT);
    assertThat(sb.check("t", Optional.of("alice"), Optional.of(cut))).isEqualTo(Presence.PRESENT);
    assertThat(sb.check("t", Optional.of("alice"), Optional.empty())).isEqualTo(Presence.PRESENT);
    assertThat(sb.check("t", Optional.of("alice"), Optional.of(cut.plusSeconds(1)))).isEqualTo(Presence.ABSENT);
    assertThat(sb.check("t", Optional.of("bob"), Optional.of(cut.minusSeconds(1)))).isEqualTo(Presence.ABSENT);
  }

  @Test
  void liftWhenSubjectLiftedOnOneInstanceThenServedOnBoth() {
    sa.suspendSubject("alice", "detect.sqli", TTL);
    sa.suspendToken("jti-1", Optional.of("alice"), "detect.sqli", TTL);
    sa.suspendToken("jti-2", Optional.of("bob"), "detect.sqli", TTL);
    Await.until(PROPAGATION, () -> sb.tokens().size() == 2 && sb.subjects().size() == 1, "propagation");

    assertThat(sb.lift("alice")).isTrue();

    Await.until(PROPAGATION, () -> sa.check("jti-1", Optional.of("alice"), Optional.empty()) == Presence.ABSENT,
        "lift propagation");
    assertThat(sb.check("jti-1", Optional.of("alice"), Optional.empty())).isEqualTo(Presence.ABSENT);
    assertThat(sa.check("jti-2", Optional.of("bob"), Optional.empty())).isEqualTo(Presence.PRESENT);
    assertThat(sb.check("jti-2", Optional.of("bob"), Optional.empty())).isEqualTo(Presence.PRESENT);
    assertThat(rawConnection.sync().keys(namespace + ":sus:[sr]:*")).isEmpty();
    assertThat(rawConnection.sync().keys(namespace + ":sus:t:*")).hasSize(1); // bob's token
    assertThat(rawConnection.sync().keys(namespace + ":sus:x:*")).hasSize(1); // bob's index
    assertThat(sa.lift("alice")).isFalse();
  }

  @Test
  void suspendWhenStoredThenKeysAndValuesHoldNoRawTokenOrSubject() {
    sa.suspendToken("secret-jti-value", Optional.of("alice@example.com"), "detect.sqli", TTL);
    sa.suspendSubject("bob@example.com", "detect.stuffing", TTL);
    Await.until(PROPAGATION, () -> ((RedisSuspensions) sa).inFlight() == 0, "sent");

    List<String> keys = rawConnection.sync().keys(namespace + ":*");
    assertThat(keys).hasSize(3).allSatisfy(k -> assertThat(k).startsWith(namespace + ":sus:")
        .doesNotContain("secret").doesNotContain("alice").doesNotContain("bob"));
    for (String k : keys) {
      String value = "set".equals(rawConnection.sync().type(k)) ? String.join(",", rawConnection.sync().smembers(k))
          : rawConnection.sync().get(k);
      assertThat(value).doesNotContain("secret").doesNotContain("alice").doesNotContain("bob");
      assertThat(rawConnection.sync().pttl(k)).isBetween(1L, TTL.toMillis());
    }
  }

  @Test
  void reconcileWhenMessageMissedThenMirrorHeals() {
    Keys keys = new Keys(namespace);
    // written as another instance would, without a message: this instance missed it
    String subject = keys.key("sus", "s", keys.hash("sus.subject", "alice"));
    rawConnection.sync().set(subject, System.currentTimeMillis() + "\ndetect.sqli", SetArgs.Builder.px(60_000));
    assertThat(sb.check("t", Optional.of("alice"), Optional.empty())).isEqualTo(Presence.ABSENT);

    assertThat(((RedisSuspensions) sb).reconcile()).isTrue();
    assertThat(sb.check("t", Optional.of("alice"), Optional.empty())).isEqualTo(Presence.PRESENT);

    // a lift missed the same way heals too
    rawConnection.sync().del(subject);
    ((RedisSuspensions) sb).reconcile();
    assertThat(sb.check("t", Optional.of("alice"), Optional.empty())).isEqualTo(Presence.ABSENT);
  }

  @Test
  void reconcileWhenSubscriptionDroppedThenReconnectHealsWithoutWaitingForTheTick() {
    rawConnection.sync().clientKill(io.lettuce.core.KillArgs.Builder.typePubsub());
    sa.suspendSubject("carol", "detect.sqli", TTL); // published while the other instance's subscription is down

    long nanos = Await.until(Duration.ofSeconds(10),
        () -> sb.check("t", Optional.of("carol"), Optional.empty()) == Presence.PRESENT, "heal after reconnect");
    System.out.printf("zt-redis: suspension known on the other instance %d ms after its subscription dropped%n",
        nanos / 1_000_000);
  }

  @Test
  void receivedWhenLiftOlderThanTheSuspensionArrivesLateThenSuspensionStays() {
    Keys keys = new Keys(namespace);
    String alice = keys.hash("sus.subject", "alice");
    long before = System.currentTimeMillis() - 1000;
    sa.suspendSubject("alice", "detect.sqli", TTL);

    // a lift made before the suspension, its message delivered after it (this instance's own, or another's)
    ((RedisSuspensions) sa).received("l\n" + alice + "\n1\n" + before + "\n");
    assertThat(sa.check("t", Optional.of("alice"), Optional.empty())).isEqualTo(Presence.PRESENT);

    // a lift made after it lifts
    ((RedisSuspensions) sa).received("l\n" + alice + "\n1\n" + (System.currentTimeMillis() + 1000) + "\n");
    assertThat(sa.check("t", Optional.of("alice"), Optional.empty())).isEqualTo(Presence.ABSENT);
  }

  @Test
  void liftWhenRightAfterSuspendingThenLiftedEvenWithinOneMillisecond() {
    for (int i = 0; i < 20; i++) {
      sa.suspendSubject("dave", "detect.sqli", TTL);
      assertThat(sa.lift("dave")).isTrue();
      assertThat(sa.check("t", Optional.of("dave"), Optional.empty())).isEqualTo(Presence.ABSENT);
    }
    Await.until(PROPAGATION, () -> ((RedisSuspensions) sa).inFlight() == 0, "sent");
    // sent is not received: until the last lift's message arrives, the other instance may hold the last suspension
    long last = ((RedisSuspensions) sa).lastSince();
    Await.until(PROPAGATION, () -> ((RedisSuspensions) sb).lastSince() >= last, "received");
    assertThat(sb.check("t", Optional.of("dave"), Optional.empty())).isEqualTo(Presence.ABSENT);
    assertThat(((RedisSuspensions) sb).reconcile()).isTrue();
    assertThat(sb.check("t", Optional.of("dave"), Optional.empty())).isEqualTo(Presence.ABSENT);
    // and a new suspension right after a lift is not taken for an older one
    sa.suspendSubject("dave", "detect.sqli", TTL);
    Await.until(PROPAGATION, () -> ((RedisSuspensions) sa).inFlight() == 0, "sent");
    assertThat(((RedisSuspensions) sb).reconcile()).isTrue();
    assertThat(sb.check("t", Optional.of("dave"), Optional.empty())).isEqualTo(Presence.PRESENT);
  }

  @Test
  void liftWhenRedisHoldsASuspensionMadeAfterTheLiftThenItStays() {
    Keys keys = new Keys(namespace);
    // a suspension another instance made after this lift (a lift written back late is older than it)
    String subject = keys.key("sus", "s", keys.hash("sus.subject", "erin"));
    rawConnection.sync().set(subject, (System.currentTimeMillis() + 60_000) + "\ndetect.sqli",
        SetArgs.Builder.px(60_000));

    sa.lift("erin");
    Await.until(PROPAGATION, () -> ((RedisSuspensions) sa).inFlight() == 0, "sent");

    assertThat(rawConnection.sync().exists(subject)).isEqualTo(1L);
    assertThat(((RedisSuspensions) sb).reconcile()).isTrue();
    assertThat(sb.check("t", Optional.of("erin"), Optional.empty())).isEqualTo(Presence.PRESENT);
  }

  @Test
  void receivedWhenOwnMessageArrivesAfterTimePassedThenTheSuspensionKeepsItsEnd() {
    MovableClock clock = new MovableClock(Instant.now());
    try (RedisState c = RedisState.builder(server.uri()).namespace(namespace + "c")
        .reconcileEvery(Duration.ofHours(1)).build()) {
      Suspensions s = c.suspensions(new StoreSettings(clock, 1000));
      Keys keys = new Keys(namespace + "c");
      s.suspendSubject("frank", "detect.sqli", Duration.ofMinutes(1));
      Await.until(PROPAGATION, () -> ((RedisSuspensions) s).inFlight() == 0, "sent");
      String stored = rawConnection.sync().get(keys.key("sus", "s", keys.hash("sus.subject", "frank")));
      String since = stored.substring(0, stored.indexOf('\n'));

      clock.advance(Duration.ofSeconds(50));
      // the same change seen again (its own message, a re-send) with the TTL it was sent with
      ((RedisSuspensions) s).received("s\n" + keys.hash("sus.subject", "frank") + "\n60000\n" + since
          + "\ndetect.sqli");
      clock.advance(Duration.ofSeconds(10));

      assertThat(s.check("t", Optional.of("frank"), Optional.empty())).isEqualTo(Presence.ABSENT);
    }
  }

  @Test
  void reconcileWhenAKeyOfAnotherTypeIsInTheNamespaceThenIgnoresItAndGoesOn() {
    Keys keys = new Keys(namespace);
    rawConnection.sync().sadd(keys.key("sus", "s", keys.hash("sus.subject", "grace")), "x");
    sa.suspendSubject("heidi", "detect.sqli", TTL);
    Await.until(PROPAGATION, () -> ((RedisSuspensions) sa).inFlight() == 0, "sent");

    assertThat(((RedisSuspensions) sb).reconcile()).isTrue();
    assertThat(sb.check("t", Optional.of("heidi"), Optional.empty())).isEqualTo(Presence.PRESENT);
    assertThat(sb.check("t", Optional.of("grace"), Optional.empty())).isEqualTo(Presence.ABSENT);
  }

  @Test
  void reconcileWhenRedisRefusesABufferedChangeThenDropsItKeepsItEnforcedHereAndGoesOn() {
    Keys keys = new Keys(namespace);
    // a key of another type where the subject's tombstone would be: Redis answers the script with an error
    rawConnection.sync().sadd(keys.key("sus", "l", keys.hash("sus.subject", "ivan")), "x");
    sa.suspendToken("jti-ivan", Optional.of("ivan"), "detect.sqli", TTL);
    Await.until(PROPAGATION, () -> ((RedisSuspensions) sa).pending() == 1, "refused and buffered");

    assertThat(((RedisSuspensions) sa).reconcile()).isTrue();
    assertThat(((RedisSuspensions) sa).pending()).isZero();
    assertThat(sa.check("jti-ivan", Optional.of("ivan"), Optional.empty())).isEqualTo(Presence.PRESENT);
  }

  @Test
  void receivedWhenMalformedThenIgnored() {
    sa.suspendSubject("alice", "detect.sqli", TTL);

    ((RedisSuspensions) sa).received("l\nnot-enough");
    ((RedisSuspensions) sa).received("x\nh\n1\n1\nrule");
    ((RedisSuspensions) sa).received("s\nh\nNaN\n1\nrule");

    assertThat(sa.check("t", Optional.of("alice"), Optional.empty())).isEqualTo(Presence.PRESENT);
    assertThat(sa.subjects()).hasSize(1);
  }

  @Test
  void checkWhenNothingSuspendedThenEmptyAndAbsent() {
    assertThat(sb.isEmpty()).isTrue();
    assertThat(sb.check("t", Optional.of("alice"), Optional.of(Instant.now()))).isEqualTo(Presence.ABSENT);
    assertThat(sb.subjects()).isEmpty();
    assertThat(sb.tokens()).isEmpty();
  }
}
