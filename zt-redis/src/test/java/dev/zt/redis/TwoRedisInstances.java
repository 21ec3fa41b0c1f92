package dev.zt.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zt.core.spi.StoreSettings;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.function.IntConsumer;
import java.util.function.IntPredicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/**
 * The store tests' fixture: one real redis-server for the class, a raw connection to it (to read keys, or write as
 * another instance would without a message), and two instances {@link #a} and {@link #b} in a fresh namespace per
 * test. Their reconciliation period is an hour: the tests see pub/sub alone, or call reconcile themselves.
 */
abstract class TwoRedisInstances {

  static final StoreSettings SETTINGS = new StoreSettings(Clock.systemUTC(), 10_000);
  static final Duration TTL = Duration.ofMinutes(5);
  static final Duration PROPAGATION = Duration.ofSeconds(2); // the bound the tests wait; the measure is below
  private static final int RUNS = 50;

  static RedisServerProcess server;
  static RedisClient raw;
  static StatefulRedisConnection<String, String> rawConnection;

  String namespace;
  RedisState a;
  RedisState b;

  @BeforeAll
  static void startServer() {
    server = RedisServerProcess.start();
    raw = RedisClient.create(server.uri());
    rawConnection = raw.connect();
  }

  @AfterAll
  static void stopServer() {
    rawConnection.close();
    raw.shutdown();
    server.close();
  }

  @BeforeEach
  void openInstances() {
    namespace = "t" + UUID.randomUUID().toString().substring(0, 8);
    a = RedisState.builder(server.uri()).namespace(namespace).reconcileEvery(Duration.ofHours(1)).build();
    b = RedisState.builder(server.uri()).namespace(namespace).reconcileEvery(Duration.ofHours(1)).build();
  }

  @AfterEach
  void closeInstances() {
    a.close();
    b.close();
  }

  /**
   * Measures propagation: {@value #RUNS} times, {@code change} run {@code i} on one instance, then waits until
   * {@code seen} holds for {@code i} on the other. Prints p50, p99 and max, and checks p50 is under 100 ms.
   */
  static void assertPropagatesWithin100Ms(String what, IntConsumer change, IntPredicate seen) {
    List<Long> micros = new ArrayList<>();
    for (int i = 0; i < RUNS; i++) {
      int run = i;
      long start = System.nanoTime();
      change.accept(run);
      Await.until(PROPAGATION, () -> seen.test(run), "propagation");
      micros.add((System.nanoTime() - start) / 1000);
    }
    Collections.sort(micros);
    long p50 = micros.get(micros.size() / 2);
    long p99 = micros.get(micros.size() * 99 / 100);
    System.out.printf("zt-redis %s propagation (write + publish + mirror on the other instance), "
        + "%d runs: p50 %d µs, p99 %d µs, max %d µs%n", what, RUNS, p50, p99, micros.get(micros.size() - 1));
    assertThat(p50).isLessThan(100_000);
  }
}
