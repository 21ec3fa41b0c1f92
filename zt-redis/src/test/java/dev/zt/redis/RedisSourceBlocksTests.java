package dev.zt.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zt.core.spi.Entry;
import dev.zt.core.spi.Presence;
import dev.zt.core.spi.SourceBlocks;
import dev.zt.core.spi.SourceBlocks.Scope;
import dev.zt.core.spi.StoreSettings;
import dev.zt.statecheck.SecurityStateContract.MovableClock;
import io.lettuce.core.KillArgs;
import io.lettuce.core.SetArgs;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Source blocks shared by two instances through a real redis-server: propagation, unblocks, hashes, reconciliation. */
class RedisSourceBlocksTests extends TwoRedisInstances {

  private static final String ADDRESS = "198.51.100.7";
  private static final Optional<String> NETWORK = Optional.of("net:198.51.100.0/24");
  private SourceBlocks ba;
  private SourceBlocks bb;

  @BeforeEach
  void stores() {
    ba = a.sourceBlocks(SETTINGS);
    bb = b.sourceBlocks(SETTINGS);
  }

  private static MirroredEntries engine(SourceBlocks blocks) {
    return ((RedisSourceBlocks) blocks).engine();
  }

  @Test
  void checkWhenAddressBlockedOnOneInstanceThenOtherBlocksWithin100Ms() {
    assertPropagatesWithin100Ms("source block",
        i -> ba.block("198.51.100." + i, Scope.ALL, "stuffing.source", TTL),
        i -> bb.check("198.51.100." + i, Optional.empty(), false) == Presence.PRESENT);
    assertThat(bb.check("203.0.113.1", Optional.of("net:203.0.113.0/24"), true)).isEqualTo(Presence.ABSENT);
  }

  @Test
  void checkWhenNetworkAndAnonymousBlocksPropagateThenEachRefusesOnlyWhatItCovers() {
    ba.block("net:203.0.113.0/24", Scope.ALL, "stuffing.network", TTL);
    ba.block(ADDRESS, Scope.ANONYMOUS, "probing.source", TTL);
    Await.until(PROPAGATION, () -> !bb.blocks(Scope.ALL).isEmpty() && !bb.blocks(Scope.ANONYMOUS).isEmpty(), "x");

    assertThat(bb.check("203.0.113.9", Optional.of("net:203.0.113.0/24"), false)).isEqualTo(Presence.PRESENT);
    assertThat(bb.check("203.0.113.9", Optional.empty(), false)).isEqualTo(Presence.ABSENT); // not blockable by net
    assertThat(bb.check(ADDRESS, NETWORK, true)).isEqualTo(Presence.PRESENT);
    assertThat(bb.check(ADDRESS, NETWORK, false)).isEqualTo(Presence.ABSENT); // a bearer request goes on
    assertThat(bb.check("198.51.100.8", NETWORK, true)).isEqualTo(Presence.ABSENT);
  }

  @Test
  void unblockWhenLiftedOnTheOtherInstanceThenServedOnBothAndALateBlockMessageDoesNotBringItBack() {
    ba.block(ADDRESS, Scope.ALL, "stuffing.source", TTL);
    ba.block(ADDRESS, Scope.ANONYMOUS, "probing.source", TTL);
    ba.block("198.51.100.8", Scope.ALL, "stuffing.source", TTL);
    Await.until(PROPAGATION, () -> bb.blocks(Scope.ALL).size() == 2 && bb.blocks(Scope.ANONYMOUS).size() == 1, "x");
    MirroredEntries.Change old = engine(ba).get('a', engine(ba).hash(ADDRESS)).orElseThrow();

    assertThat(bb.unblock(ADDRESS)).isTrue();

    Await.until(PROPAGATION, () -> ba.check(ADDRESS, NETWORK, true) == Presence.ABSENT, "unblock propagation");
    assertThat(bb.check(ADDRESS, NETWORK, true)).isEqualTo(Presence.ABSENT);
    assertThat(ba.check("198.51.100.8", Optional.empty(), false)).isEqualTo(Presence.PRESENT);
    assertThat(bb.unblock(ADDRESS)).isFalse();

    // the block's message, delivered again after the unblock (a late delivery, a re-send): it stays lifted
    String late = "s\na\n" + old.hash() + "\n" + TTL.toMillis() + "\n" + old.since() + "\nstuffing.source";
    engine(ba).received(late);
    engine(bb).received(late);
    assertThat(ba.check(ADDRESS, NETWORK, true)).isEqualTo(Presence.ABSENT);
    assertThat(bb.check(ADDRESS, NETWORK, true)).isEqualTo(Presence.ABSENT);
    assertThat(engine(ba).reconcile()).isTrue();
    assertThat(ba.check(ADDRESS, NETWORK, true)).isEqualTo(Presence.ABSENT);
    assertThat(rawConnection.sync().keys(namespace + ":blk:[an]:*")).hasSize(1); // 198.51.100.8
    assertThat(rawConnection.sync().keys(namespace + ":blk:~[an]:*")).hasSize(2); // the tombstones
  }

  @Test
  void blockWhenAfterAnUnblockThenItHoldsOnBothInstances() {
    for (int i = 0; i < 10; i++) {
      ba.block(ADDRESS, Scope.ALL, "stuffing.source", TTL);
      assertThat(ba.unblock(ADDRESS)).isTrue();
      ba.block(ADDRESS, Scope.ALL, "stuffing.source", TTL); // within the same millisecond, still later
    }
    assertThat(ba.check(ADDRESS, Optional.empty(), false)).isEqualTo(Presence.PRESENT);
    Await.until(PROPAGATION, () -> engine(ba).inFlight() == 0, "sent");
    assertThat(engine(bb).reconcile()).isTrue();
    assertThat(bb.check(ADDRESS, Optional.empty(), false)).isEqualTo(Presence.PRESENT);
  }

  @Test
  void blockWhenStoredAndPublishedThenKeysValuesAndMessagesHoldNoAddressOrNetwork() {
    List<String> messages = new CopyOnWriteArrayList<>();
    try (StatefulRedisPubSubConnection<String, String> listen = raw.connectPubSub()) {
      listen.addListener(new RedisPubSubAdapter<>() {
        @Override
        public void message(String channel, String message) {
          messages.add(channel + " " + message);
        }
      });
      listen.sync().subscribe(namespace + ":blk");
      ba.block(ADDRESS, Scope.ALL, "stuffing.source", TTL);
      ba.block("net:2001:db8:1:2::/64", Scope.ANONYMOUS, "probing.network", TTL);
      ba.unblock("198.51.100.9");
      Await.until(PROPAGATION, () -> messages.size() == 3, "messages");
    }

    List<String> keys = rawConnection.sync().keys(namespace + ":*");
    assertThat(keys).hasSize(4); // two blocks, two tombstones of the unblock
    for (String k : keys) {
      assertThat(k).startsWith(namespace + ":blk:").doesNotContain("198.51").doesNotContain("2001")
          .doesNotContain("net");
      assertThat(rawConnection.sync().get(k)).doesNotContain("198.51").doesNotContain("2001").doesNotContain("net:");
      assertThat(rawConnection.sync().pttl(k)).isPositive();
    }
    assertThat(messages).allSatisfy(m -> assertThat(m).doesNotContain("198.51").doesNotContain("2001")
        .doesNotContain("net:"));
  }

  @Test
  void unblockWhenRedisHoldsABlockMadeAfterTheUnblockThenItStays() {
    Keys keys = new Keys(namespace);
    // a block another instance made after this unblock (an unblock written back late is older than it)
    String key = keys.key("blk", "a", keys.hash("blk", ADDRESS));
    rawConnection.sync().set(key, (System.currentTimeMillis() + 60_000) + "\nstuffing.source",
        SetArgs.Builder.px(60_000));

    ba.unblock(ADDRESS);
    Await.until(PROPAGATION, () -> engine(ba).inFlight() == 0, "sent");

    assertThat(rawConnection.sync().exists(key)).isEqualTo(1L);
    assertThat(engine(bb).reconcile()).isTrue();
    assertThat(bb.check(ADDRESS, Optional.empty(), false)).isEqualTo(Presence.PRESENT);
  }

  @Test
  void blockWhenTtlIsEndlessThenSharedAndReconciliationGoesOn() {
    ba.block(ADDRESS, Scope.ALL, "manual", Duration.ofMillis(Long.MAX_VALUE)); // past Redis's expiry range

    Await.until(PROPAGATION, () -> bb.check(ADDRESS, Optional.empty(), false) == Presence.PRESENT, "propagation");
    assertThat(engine(ba).pending()).isZero();
    assertThat(engine(ba).reconcile()).isTrue();
    assertThat(ba.check(ADDRESS, Optional.empty(), false)).isEqualTo(Presence.PRESENT);
  }

  @Test
  void reconcileWhenRedisRefusesABufferedChangeThenDropsItAndGoesOn() {
    Keys keys = new Keys(namespace);
    // a key of another type where the block would go: Redis answers the script with an error (WRONGTYPE)
    rawConnection.sync().sadd(keys.key("blk", "a", keys.hash("blk", ADDRESS)), "x");
    ba.block(ADDRESS, Scope.ALL, "stuffing.source", TTL);
    Await.until(PROPAGATION, () -> engine(ba).pending() == 1, "refused and buffered");
    ba.block("198.51.100.9", Scope.ALL, "stuffing.source", TTL);

    assertThat(engine(ba).reconcile()).isTrue(); // the refused change does not hold up the reconciliation
    assertThat(engine(ba).pending()).isZero();
    assertThat(ba.check(ADDRESS, Optional.empty(), false)).isEqualTo(Presence.PRESENT); // still enforced here
    assertThat(ba.check("198.51.100.9", Optional.empty(), false)).isEqualTo(Presence.PRESENT);
  }

  @Test
  void blocksWhenMadeHereThenListedByKeyAndWhenLearnedThenByHash() {
    ba.block(ADDRESS, Scope.ALL, "stuffing.source", TTL);
    Await.until(PROPAGATION, () -> !bb.blocks(Scope.ALL).isEmpty(), "propagation");

    assertThat(ba.blocks(Scope.ALL)).extracting(Entry::key, Entry::rule)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(ADDRESS, "stuffing.source"));
    assertThat(bb.blocks(Scope.ALL)).extracting(Entry::key, Entry::rule)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(engine(bb).hash(ADDRESS), "stuffing.source"));
    assertThat(ba.blocks(Scope.ANONYMOUS)).isEmpty();
  }

  @Test
  void reconcileWhenMessageMissedThenMirrorHealsAndAMissedUnblockToo() {
    Keys keys = new Keys(namespace);
    // written as another instance would, without a message: this instance missed it
    String key = keys.key("blk", "a", keys.hash("blk", ADDRESS));
    rawConnection.sync().set(key, System.currentTimeMillis() + "\nstuffing.source", SetArgs.Builder.px(60_000));
    assertThat(bb.check(ADDRESS, Optional.empty(), false)).isEqualTo(Presence.ABSENT);

    assertThat(engine(bb).reconcile()).isTrue();
    assertThat(bb.check(ADDRESS, Optional.empty(), false)).isEqualTo(Presence.PRESENT);

    rawConnection.sync().del(key);
    assertThat(engine(bb).reconcile()).isTrue();
    assertThat(bb.check(ADDRESS, Optional.empty(), false)).isEqualTo(Presence.ABSENT);
  }

  @Test
  void reconcileWhenSubscriptionDroppedThenReconnectHealsWithoutWaitingForTheTick() {
    rawConnection.sync().clientKill(KillArgs.Builder.typePubsub());
    ba.block(ADDRESS, Scope.ALL, "stuffing.source", TTL); // published while the other's subscription is down

    long nanos = Await.until(Duration.ofSeconds(10),
        () -> bb.check(ADDRESS, Optional.empty(), false) == Presence.PRESENT, "heal after reconnect");
    System.out.printf("zt-redis: source block known on the other instance %d ms after its subscription dropped%n",
        nanos / 1_000_000);
  }

  @Test
  void receivedWhenOwnMessageArrivesAfterTimePassedThenTheBlockKeepsItsEnd() throws Exception {
    MovableClock clock = new MovableClock(Instant.now());
    try (RedisState c = RedisState.builder(server.uri()).namespace(namespace + "c")
        .reconcileEvery(Duration.ofHours(1)).build()) {
      SourceBlocks blocks = c.sourceBlocks(new StoreSettings(clock, 1000));
      blocks.block(ADDRESS, Scope.ALL, "stuffing.source", Duration.ofMinutes(1));
      MirroredEntries.Change made = engine(blocks).get('a', engine(blocks).hash(ADDRESS)).orElseThrow();
      Await.until(PROPAGATION, () -> engine(blocks).inFlight() == 0, "sent");

      clock.advance(Duration.ofSeconds(50));
      // the same change seen again (its own message, a re-send) with the TTL it was sent with
      engine(blocks).received("s\na\n" + made.hash() + "\n60000\n" + made.since() + "\nstuffing.source");
      clock.advance(Duration.ofSeconds(10));

      assertThat(blocks.check(ADDRESS, Optional.empty(), false)).isEqualTo(Presence.ABSENT);
    }
  }

  @Test
  void receivedWhenMalformedThenIgnored() {
    ba.block(ADDRESS, Scope.ALL, "stuffing.source", TTL);
    String hash = engine(ba).hash(ADDRESS);

    engine(ba).received("d\na\n" + hash); // too short
    engine(ba).received("d\nz\n" + hash + "\n1\n" + Long.MAX_VALUE + "\n"); // an unknown slot
    engine(ba).received("s\nan\n" + hash + "\n1\n1\nrule"); // a set of two slots
    engine(ba).received("d\na\n" + hash + "\nNaN\n" + Long.MAX_VALUE + "\n");
    engine(ba).received("s\na\n" + hash + "\n-5\n" + Long.MAX_VALUE + "\nrule");

    assertThat(ba.check(ADDRESS, Optional.empty(), false)).isEqualTo(Presence.PRESENT);
    assertThat(ba.blocks(Scope.ALL)).hasSize(1);
  }

  @Test
  void checkWhenNothingBlockedThenEmptyAndAbsent() {
    assertThat(bb.isEmpty()).isTrue();
    assertThat(bb.check(ADDRESS, NETWORK, true)).isEqualTo(Presence.ABSENT);
    assertThat(bb.blocks(Scope.ALL)).isEmpty();
  }
}
