package dev.zt.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zt.core.spi.SecurityState;
import dev.zt.core.spi.SingleUse;
import dev.zt.core.spi.SourceBlocks;
import dev.zt.core.spi.StoreSettings;
import dev.zt.statecheck.SecurityStateContract;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * zt-core's contract of the state SPI on {@link RedisState} against a real redis-server: a fresh namespace (so a
 * fresh, empty state) per test on one server. The stores read on the contract's clock; reconciliation is left to its
 * first run at opening, and {@link #advance} moves Redis's time as well by shortening every key's TTL.
 */
class RedisSecurityStateContractTests extends SecurityStateContract {

  private static RedisServerProcess server;
  private RedisState state;
  private String namespace;

  @BeforeAll
  static void startServer() {
    server = RedisServerProcess.start();
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  @Override
  protected SecurityState state() {
    if (state == null) {
      namespace = "c" + UUID.randomUUID().toString().substring(0, 8);
      state = RedisState.builder(server.uri()).namespace(namespace)
          .reconcileEvery(Duration.ofHours(1)).build();
    }
    return state;
  }

  /**
   * Time passes for Redis too: every key of the namespace loses {@code d} of its TTL (a key whose TTL ends is deleted),
   * as the contract's clock moves on.
   */
  @Override
  protected void advance(Duration d) {
    super.advance(d);
    if (state == null) {
      return;
    }
    try (RedisClient raw = RedisClient.create(server.uri());
        StatefulRedisConnection<String, String> c = raw.connect()) {
      for (String key : c.sync().keys(namespace + ":*")) {
        long left = c.sync().pttl(key);
        if (left > 0 && left <= d.toMillis()) {
          c.sync().del(key);
        } else if (left > 0) {
          c.sync().pexpire(key, left - d.toMillis());
        }
      }
    }
  }

  /** The contract above runs on Redis, not on a silent in-memory fallback: its entries are keys of the namespace. */
  @Test
  void stateWhenStoresWrittenThenEntriesAreHashedKeysOfTheNamespaceInRedis() {
    StoreSettings settings = settings(100);
    state().suspensions(settings).suspendSubject("alice", "detect.sqli", Duration.ofMinutes(5));
    state().sourceBlocks(settings).block("198.51.100.7", SourceBlocks.Scope.ALL, "detect.stuffing",
        Duration.ofMinutes(5));
    assertThat(state().singleUse("dpop", settings).putIfAbsent("jti-1", Duration.ofMinutes(1)))
        .isEqualTo(SingleUse.Use.FIRST);
    try (RedisClient raw = RedisClient.create(server.uri());
        StatefulRedisConnection<String, String> c = raw.connect()) {
      Await.until(Duration.ofSeconds(2), () -> c.sync().keys(namespace + ":*").size() >= 3, "keys written");
      assertThat(c.sync().keys(namespace + ":*")).allMatch(k -> !k.contains("alice") && !k.contains("198.51.100.7")
          && !k.contains("jti-1"));
    }
  }

  @AfterEach
  void close() {
    if (state != null) {
      state.close();
    }
  }
}
