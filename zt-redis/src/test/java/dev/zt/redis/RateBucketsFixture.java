package dev.zt.redis;

import dev.zt.core.spi.RateBucket;
import dev.zt.core.spi.RateBuckets.Band;
import dev.zt.core.spi.RateBuckets.Refill;
import dev.zt.core.spi.StoreSettings;
import dev.zt.statecheck.SecurityStateContract.MovableClock;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * What the rate-bucket tests share: a real redis-server per test, an admin connection to look into it, the enforcer's
 * (movable) clock, and {@link RedisState}s standing for instances of one fleet (namespace {@code fleet}), closed after
 * the test.
 */
abstract class RateBucketsFixture {

  static final String KEY = "sub:alice\u0000GET /orders";
  static final List<Band> FIFTY_PER_10_S = List.of(new Band("orders", 50, Duration.ofSeconds(10), Refill.INTERVALLY));

  final MovableClock clock = new MovableClock(Instant.parse("2026-03-02T10:00:00Z"));
  final StoreSettings settings = new StoreSettings(clock, 10_000);
  final List<RedisState> states = new ArrayList<>();
  RedisServerProcess server;
  RedisCommands<String, String> admin;
  private RedisClient adminClient;
  StatefulRedisConnection<String, String> adminConnection;

  @BeforeEach
  void startRedis() {
    server = RedisServerProcess.start();
    adminClient = RedisClient.create(server.uri());
    adminConnection = adminClient.connect();
    admin = adminConnection.sync();
  }

  @AfterEach
  void stopRedis() {
    states.forEach(RedisState::close);
    adminConnection.close();
    adminClient.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    server.close();
  }

  /** A new instance of the fleet, built with {@code options}. */
  RedisState instance(UnaryOperator<RedisState.Builder> options) {
    RedisState s = options.apply(RedisState.builder(server.uri()).namespace("fleet")).build();
    states.add(s);
    return s;
  }

  /** The rate gate's bucket {@link #KEY} on {@code state}. */
  RateBucket bucket(RedisState state, List<Band> bands) {
    return state.rateBuckets("rate", settings).bucket(KEY, bands);
  }
}
