package dev.zt.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.zt.core.spi.SingleUse;
import dev.zt.core.spi.SingleUse.Use;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** The DPoP single-use store against a real redis-server: one first use fleet-wide, and closed when Redis is down. */
class RedisSingleUseTests extends TwoRedisInstances {

  @Test
  void putIfAbsentWhenFirstUseThenFirstAndAgainThenReplay() {
    SingleUse store = a.singleUse("dpop", SETTINGS);

    assertThat(store.putIfAbsent("jti-1", Duration.ofMinutes(1))).isEqualTo(Use.FIRST);
    assertThat(store.putIfAbsent("jti-1", Duration.ofMinutes(1))).isEqualTo(Use.REPLAY);
    assertThat(store.putIfAbsent("jti-2", Duration.ofMinutes(1))).isEqualTo(Use.FIRST);
  }

  @Test
  void putIfAbsentWhenReplayedOnAnotherInstanceThenReplay() {
    assertThat(a.singleUse("dpop", SETTINGS).putIfAbsent("jti-1", Duration.ofMinutes(1))).isEqualTo(Use.FIRST);

    assertThat(b.singleUse("dpop", SETTINGS).putIfAbsent("jti-1", Duration.ofMinutes(1))).isEqualTo(Use.REPLAY);
  }

  @Test
  void putIfAbsentWhenOtherStoreOrNamespaceThenKeysAreApart() {
    assertThat(a.singleUse("dpop", SETTINGS).putIfAbsent("k", Duration.ofMinutes(1))).isEqualTo(Use.FIRST);

    assertThat(a.singleUse("code", SETTINGS).putIfAbsent("k", Duration.ofMinutes(1))).isEqualTo(Use.FIRST);
    try (RedisState other = RedisState.builder(server.uri()).namespace(namespace + "x").build()) {
      assertThat(other.singleUse("dpop", SETTINGS).putIfAbsent("k", Duration.ofMinutes(1))).isEqualTo(Use.FIRST);
    }
  }

  @Test
  void putIfAbsentWhenConcurrentOnTwoInstancesThenExactlyOneFirst() throws Exception {
    List<SingleUse> stores = List.of(a.singleUse("dpop", SETTINGS), b.singleUse("dpop", SETTINGS));
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      for (int round = 0; round < 20; round++) {
        String jti = "race-" + round;
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Use>> uses = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
          SingleUse store = stores.get(i % 2);
          uses.add(pool.submit(() -> {
            go.await();
            return store.putIfAbsent(jti, Duration.ofMinutes(1));
          }));
        }
        go.countDown();
        List<Use> out = new ArrayList<>();
        for (Future<Use> f : uses) {
          out.add(f.get());
        }
        assertThat(out).filteredOn(u -> u == Use.FIRST).hasSize(1);
        assertThat(out).filteredOn(u -> u == Use.REPLAY).hasSize(7);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void putIfAbsentWhenStoredThenKeyIsNamespacedHashWithTheTtl() {
    String jti = "raw-jti-" + UUID.randomUUID();
    a.singleUse("dpop", SETTINGS).putIfAbsent(jti, Duration.ofSeconds(30));

    List<String> keys = rawConnection.sync().keys(namespace + ":*");
    assertThat(keys).hasSize(1);
    String key = keys.get(0);
    assertThat(key).startsWith(namespace + ":su:dpop:").doesNotContain(jti).doesNotContain("raw-jti");
    assertThat(key).isEqualTo(new Keys(namespace).key("su:dpop", new Keys(namespace).hash("su:dpop", jti)));
    assertThat(rawConnection.sync().pttl(key)).isBetween(25_000L, 30_000L);
  }

  @Test
  void putIfAbsentWhenTtlNotPositiveThenThrows() {
    SingleUse store = a.singleUse("dpop", SETTINGS);

    assertThatThrownBy(() -> store.putIfAbsent("k", Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.putIfAbsent("k", Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void singleUseWhenStoreNameNotAKeyPartThenThrows() {
    assertThatThrownBy(() -> a.singleUse("dpop:x", SETTINGS)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> a.singleUse("", SETTINGS)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void builderWhenSetTwiceOrInvalidThenThrows() {
    assertThatThrownBy(() -> RedisState.builder(server.uri()).namespace("a").namespace("b"))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> RedisState.builder(server.uri()).namespace("a b"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RedisState.builder(server.uri()).timeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
