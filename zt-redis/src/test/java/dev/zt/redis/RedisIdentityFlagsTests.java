package dev.zt.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zt.core.spi.Entry;
import dev.zt.core.spi.IdentityFlags;
import dev.zt.core.spi.IdentityFlags.Flag;
import dev.zt.core.spi.Presence;
import dev.zt.core.trust.TrustLevel;
import io.lettuce.core.KillArgs;
import io.lettuce.core.SetArgs;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Identity flags and trust caps shared by two instances through a real redis-server. */
class RedisIdentityFlagsTests extends TwoRedisInstances {

  private IdentityFlags fa;
  private IdentityFlags fb;

  @BeforeEach
  void stores() {
    fa = a.identityFlags(SETTINGS);
    fb = b.identityFlags(SETTINGS);
  }

  private static MirroredEntries engine(IdentityFlags flags) {
    return ((RedisIdentityFlags) flags).engine();
  }

  @Test
  void checkWhenThrottledOnOneInstanceThenOtherSeesItWithin100Ms() {
    assertPropagatesWithin100Ms("identity flag",
        i -> fa.set(Flag.THROTTLED, "sub:user-" + i, "enumeration.identity", TTL),
        i -> fb.check(Flag.THROTTLED, "sub:user-" + i) == Presence.PRESENT);
    assertThat(fb.check(Flag.MONITORED, "sub:user-1")).isEqualTo(Presence.ABSENT);
    assertThat(fb.check(Flag.THROTTLED, "sub:someone-else")).isEqualTo(Presence.ABSENT);
  }

  @Test
  void levelCapWhenCappedOrPinnedOnOneInstanceThenTheOtherCapsAndOthersStayHigh() {
    fa.capLevel("alice", TrustLevel.LOW, TTL);
    fa.set(Flag.CRITICAL, "bob", "caep.credential-change", TTL);
    Await.until(PROPAGATION, () -> fb.levelCap("alice") == TrustLevel.LOW
        && fb.check(Flag.CRITICAL, "bob") == Presence.PRESENT, "propagation");

    assertThat(fb.levelCap("carol")).isEqualTo(TrustLevel.HIGH);
    assertThat(fb.check(Flag.CRITICAL, "alice")).isEqualTo(Presence.ABSENT);
  }

  @Test
  void levelCapWhenTheStoredCapIsUnreadableThenCritical() {
    Keys keys = new Keys(namespace);
    rawConnection.sync().set(keys.key("flg", "p", keys.hash("flg", "alice")),
        System.currentTimeMillis() + "\nNOT-A-LEVEL", SetArgs.Builder.px(60_000));

    assertThat(engine(fb).reconcile()).isTrue();

    assertThat(fb.levelCap("alice")).isEqualTo(TrustLevel.CRITICAL);
    assertThat(fb.levelCap("bob")).isEqualTo(TrustLevel.HIGH);
  }

  @Test
  void clearWhenClearedOnTheOtherInstanceThenClearedOnBothAndALateSetDoesNotBringItBack() {
    fa.set(Flag.MONITORED, "sub:alice", "probing.source", TTL);
    fa.set(Flag.THROTTLED, "sub:alice", "enumeration.identity", TTL);
    Await.until(PROPAGATION, () -> fb.check(Flag.MONITORED, "sub:alice") == Presence.PRESENT
        && fb.check(Flag.THROTTLED, "sub:alice") == Presence.PRESENT, "propagation");
    MirroredEntries.Change old = engine(fa).get('m', engine(fa).hash("sub:alice")).orElseThrow();

    assertThat(fb.clear(Flag.MONITORED, "sub:alice")).isTrue();

    Await.until(PROPAGATION, () -> fa.check(Flag.MONITORED, "sub:alice") == Presence.ABSENT, "clear propagation");
    assertThat(fa.check(Flag.THROTTLED, "sub:alice")).isEqualTo(Presence.PRESENT); // only that flag
    assertThat(fb.clear(Flag.MONITORED, "sub:alice")).isFalse();

    String late = "s\nm\n" + old.hash() + "\n" + TTL.toMillis() + "\n" + old.since() + "\nprobing.source";
    engine(fa).received(late);
    engine(fb).received(late);
    assertThat(fa.check(Flag.MONITORED, "sub:alice")).isEqualTo(Presence.ABSENT);
    assertThat(fb.check(Flag.MONITORED, "sub:alice")).isEqualTo(Presence.ABSENT);
    assertThat(engine(fb).reconcile()).isTrue();
    assertThat(fb.check(Flag.MONITORED, "sub:alice")).isEqualTo(Presence.ABSENT);
    assertThat(fb.check(Flag.THROTTLED, "sub:alice")).isEqualTo(Presence.PRESENT);
  }

  @Test
  void setWhenStoredThenKeysAndValuesHoldNoIdentityOrSubject() {
    fa.set(Flag.THROTTLED, "sub:alice@example.com", "enumeration.identity", TTL);
    fa.set(Flag.CRITICAL, "bob@example.com", "caep.session-revoked", TTL);
    fa.capLevel("carol@example.com", TrustLevel.MEDIUM, TTL);
    Await.until(PROPAGATION, () -> engine(fa).inFlight() == 0, "sent");

    List<String> keys = rawConnection.sync().keys(namespace + ":*");
    assertThat(keys).hasSize(3);
    for (String k : keys) {
      assertThat(k).startsWith(namespace + ":flg:").doesNotContain("alice").doesNotContain("bob")
          .doesNotContain("carol").doesNotContain("example");
      assertThat(rawConnection.sync().get(k)).doesNotContain("alice").doesNotContain("bob").doesNotContain("carol");
    }
  }

  @Test
  void flaggedWhenMadeHereThenListedByKeyAndWhenLearnedThenByHash() {
    fa.set(Flag.THROTTLED, "sub:alice", "enumeration.identity", TTL);
    Await.until(PROPAGATION, () -> !fb.flagged(Flag.THROTTLED).isEmpty(), "propagation");

    assertThat(fa.flagged(Flag.THROTTLED)).extracting(Entry::key).containsExactly("sub:alice");
    assertThat(fb.flagged(Flag.THROTTLED)).extracting(Entry::key).containsExactly(engine(fb).hash("sub:alice"));
    assertThat(fb.flagged(Flag.MONITORED)).isEmpty();
  }

  @Test
  void reconcileWhenSubscriptionDroppedThenReconnectHealsWithoutWaitingForTheTick() {
    rawConnection.sync().clientKill(KillArgs.Builder.typePubsub());
    fa.set(Flag.CRITICAL, "mallory", "stuffing.identifiers", TTL);

    long nanos = Await.until(Duration.ofSeconds(10), () -> fb.check(Flag.CRITICAL, "mallory") == Presence.PRESENT,
        "heal after reconnect");
    System.out.printf("zt-redis: identity flag known on the other instance %d ms after its subscription dropped%n",
        nanos / 1_000_000);
  }
}
