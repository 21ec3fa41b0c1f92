package dev.zt.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zt.core.spi.SlidingCounters;
import dev.zt.core.spi.StoreSettings;
import dev.zt.statecheck.SecurityStateContract.MovableClock;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Sliding counters two instances share through a real redis-server: a run spread over both is seen whole (up to the
 * other instance's events since the last answer), windows slide on the enforcer's moved clock, distinct members and
 * resets cross instances, and the counters' own contract (the counters part of {@code SecurityStateContract}) holds.
 */
class RedisSlidingCountersTests {

  private static final Duration MINUTE = Duration.ofMinutes(1);
  private static final Duration SETTLE = Duration.ofSeconds(2);
  private static RedisServerProcess server;
  private static int run;

  private final MovableClock clock = new MovableClock(Instant.parse("2026-03-02T10:00:00Z"));
  private final StoreSettings settings = new StoreSettings(clock, 1000);
  private RedisState a;
  private RedisState b;
  private RedisSlidingCounters ca;
  private RedisSlidingCounters cb;

  @BeforeAll
  static void startServer() {
    server = RedisServerProcess.start();
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  @BeforeEach
  void open() {
    String namespace = "cnt" + ++run; // a fresh namespace per test: nothing left from the one before
    a = RedisState.builder(server.uri()).namespace(namespace).build();
    b = RedisState.builder(server.uri()).namespace(namespace).build();
    ca = (RedisSlidingCounters) a.slidingCounters("detect.stuffing.source", settings);
    cb = (RedisSlidingCounters) b.slidingCounters("detect.stuffing.source", settings);
  }

  @AfterEach
  void close() {
    a.close();
    b.close();
  }

  private static long settled(RedisSlidingCounters c, long answer) {
    Await.until(SETTLE, c::settled, "Redis's answer");
    return answer;
  }

  private static long fleet(RedisSlidingCounters c, String key) {
    Await.until(SETTLE, c::settled, "Redis's answer");
    return c.fleet(key);
  }

  // ---- the counters contract, on one instance

  @Test
  void addWhenEventsWithinTheWindowThenCountsThemAndResetStartsOver() {
    assertThat(ca.add("k", MINUTE)).isEqualTo(1);
    assertThat(ca.add("k", MINUTE)).isEqualTo(2);
    assertThat(ca.add("other", MINUTE)).isEqualTo(1);
    ca.reset("k");
    assertThat(ca.add("k", MINUTE)).isEqualTo(1);
    assertThat(settled(ca, ca.add("k", MINUTE))).isEqualTo(2);
    assertThat(ca.add("k", MINUTE)).isEqualTo(3); // the reset reached Redis: the fleet's count started over too
  }

  @Test
  void addIfCountedWhenTheKeyIsNotCountedThenCountsNothingAndOnceCountedThenCounts() {
    assertThat(ca.addIfCounted("k", MINUTE)).isZero();
    assertThat(ca.addIfCounted("k", MINUTE)).isZero();
    assertThat(ca.add("k", MINUTE)).isEqualTo(1);
    assertThat(ca.addIfCounted("k", MINUTE)).isEqualTo(2);
    assertThat(ca.addIfCounted("other", MINUTE)).isZero();
    Await.until(SETTLE, ca::settled, "Redis's answer");
    assertThat(ca.fleet("k")).isEqualTo(2); // the probes of an uncounted key counted nothing in Redis
  }

  @Test
  void addWhenTwoWindowsPassedThenEarlierEventsNoLongerCount() {
    for (int i = 0; i < 5; i++) {
      settled(ca, ca.add("k", MINUTE));
    }
    clock.advance(Duration.ofMinutes(2).plusSeconds(1));
    assertThat(ca.add("k", MINUTE)).isEqualTo(1);
    assertThat(fleet(ca, "k")).isEqualTo(1);
  }

  @Test
  void addDistinctWhenMembersRepeatThenCountsThemOnceUpToTheCapacity() {
    assertThat(ca.addDistinct("k", 1, MINUTE, 3)).isEqualTo(1);
    assertThat(ca.addDistinct("k", 1, MINUTE, 3)).isEqualTo(1);
    assertThat(ca.addDistinct("k", 2, MINUTE, 3)).isEqualTo(2);
    assertThat(ca.addDistinct("k", 3, MINUTE, 3)).isEqualTo(3);
    assertThat(ca.addDistinct("k", 4, MINUTE, 3)).isEqualTo(3);
    ca.clearDistinct("k");
    assertThat(ca.addDistinct("k", 4, MINUTE, 3)).isEqualTo(1);
    clock.advance(MINUTE);
    assertThat(ca.addDistinct("k", 5, MINUTE, 3)).isEqualTo(1);
  }

  // ---- two instances

  @Test
  void addWhenAStuffingRunIsSpreadOverTwoInstancesThenItReachesTheThresholdOnEitherInstance() {
    int threshold = 10;
    List<Long> answers = new ArrayList<>();
    for (int i = 0; i < threshold + 1; i++) {
      RedisSlidingCounters on = i % 2 == 0 ? ca : cb;
      answers.add(settled(on, on.add("203.0.113.7", MINUTE)));
    }
    // each answer holds every event but, at most, the other instance's latest one (sent since this one last heard)
    for (int i = 0; i < answers.size(); i++) {
      assertThat(answers.get(i)).as("event %d", i + 1).isGreaterThanOrEqualTo(i);
    }
    assertThat(answers.get(threshold)).isGreaterThanOrEqualTo(threshold); // in memory each would have seen 6
    // b has not heard of a's last event yet; once it has (one round trip), it sees the run whole
    assertThat(settled(cb, cb.add("203.0.113.7", MINUTE))).isEqualTo(threshold + 1);
    assertThat(cb.add("203.0.113.7", MINUTE)).isEqualTo(threshold + 3);
  }

  @Test
  void addWhenTheClockMovesThenTheFleetsWindowSlidesWeightingThePreviousOne() {
    for (int i = 0; i < 4; i++) {
      settled(ca, ca.add("k", MINUTE));
      settled(cb, cb.add("k", MINUTE));
    }
    assertThat(fleet(cb, "k")).isEqualTo(8);
    clock.advance(Duration.ofSeconds(90)); // half way through the next window: the 8 weigh 4
    assertThat(settled(cb, cb.add("k", MINUTE))).isEqualTo(5);
    assertThat(cb.fleet("k")).isEqualTo(5); // Redis agrees
    clock.advance(Duration.ofMinutes(2)); // two windows later: nothing left
    assertThat(settled(ca, ca.add("k", MINUTE))).isEqualTo(1);
    assertThat(ca.fleet("k")).isEqualTo(1);
  }

  @Test
  void addDistinctWhenMembersComeThroughTwoInstancesThenTheFleetsDistinctMembersCountOnceUpToTheCapacity() {
    settled(ca, ca.addDistinct("k", 1, MINUTE, 4));
    settled(ca, ca.addDistinct("k", 2, MINUTE, 4));
    settled(cb, cb.addDistinct("k", 2, MINUTE, 4)); // a member the fleet has: still 2
    assertThat(settled(cb, cb.addDistinct("k", 3, MINUTE, 4))).isEqualTo(3);
    // a last heard of the set before b's member 3: it answers what it knows, and knows 3 once Redis answered
    assertThat(settled(ca, ca.addDistinct("k", 1, MINUTE, 4))).isEqualTo(2);
    assertThat(settled(ca, ca.addDistinct("k", 4, MINUTE, 4))).isEqualTo(4);
    assertThat(settled(cb, cb.addDistinct("k", 5, MINUTE, 4))).isEqualTo(4); // the capacity
    clock.advance(MINUTE.plusSeconds(1)); // every member left the window
    assertThat(settled(cb, cb.addDistinct("k", 6, MINUTE, 4))).isEqualTo(1);
  }

  @Test
  void resetWhenOneInstanceActsOnTheCountThenTheOtherStartsOverToo() {
    for (int i = 0; i < 5; i++) {
      settled(ca, ca.add("k", MINUTE));
      settled(cb, cb.add("k", MINUTE));
    }
    assertThat(cb.fleet("k")).isEqualTo(10);
    ca.reset("k");
    Await.until(SETTLE, () -> cb.fleet("k") == 0, "the reset published to the other instance");
    assertThat(settled(cb, cb.add("k", MINUTE))).isEqualTo(1); // not 6 (its own) nor 11 (the fleet's before)
    settled(ca, ca.add("k", MINUTE));
    assertThat(ca.add("k", MINUTE)).isEqualTo(3);
  }

  @Test
  void clearDistinctWhenOneInstanceActsOnTheSetThenTheOtherStartsOverToo() {
    settled(ca, ca.addDistinct("k", 1, MINUTE, 10));
    settled(cb, cb.addDistinct("k", 2, MINUTE, 10));
    assertThat(settled(cb, cb.addDistinct("k", 3, MINUTE, 10))).isEqualTo(3);
    ca.clearDistinct("k");
    Await.until(SETTLE, () -> cb.fleetDistinct("k") == 0, "the cleared set published to the other instance");
    assertThat(cb.addDistinct("k", 4, MINUTE, 10)).isEqualTo(1);
  }

  @Test
  void addIfCountedWhenAnotherInstanceCountsTheKeyThenThisOneCountsItsEventsTooAfterOneProbe() {
    settled(ca, ca.add("t:alice", MINUTE));
    settled(ca, ca.add("t:alice", MINUTE));
    assertThat(settled(cb, cb.addIfCounted("t:alice", MINUTE))).isZero(); // not known here: asks Redis
    assertThat(cb.fleet("t:alice")).isEqualTo(3); // the probe counted the event in the fleet
    assertThat(settled(cb, cb.addIfCounted("t:alice", MINUTE))).isEqualTo(4);
    assertThat(settled(cb, cb.addIfCounted("t:bob", MINUTE))).isZero();
    assertThat(cb.fleet("t:bob")).isZero();
  }

  @Test
  void addWhenEventsAlternateBetweenInstancesThenEachKnowsTheFleetsCountWithinOneRoundTrip() {
    int n = 400;
    long[] micros = new long[n];
    for (int i = 0; i < n; i++) {
      RedisSlidingCounters on = i % 2 == 0 ? ca : cb;
      long start = System.nanoTime();
      long answer = on.add("k", MINUTE);
      while (!on.settled()) {
        Thread.onSpinWait();
      }
      micros[i] = (System.nanoTime() - start) / 1000;
      assertThat(answer).isGreaterThanOrEqualTo(i); // every event but, at most, the other instance's latest
    }
    assertThat(fleet(cb, "k")).isEqualTo(n); // b sent the last event
    java.util.Arrays.sort(micros);
    System.out.printf("zt-redis: counter event to the fleet's answer (round trip), %d events: p50 %d µs, p99 %d µs%n",
        n, micros[n / 2], micros[n * 99 / 100]);
  }

  @Test
  void addWhenManyThreadsCountOnBothInstancesThenRedisCountsEveryEventOnceAndAnswersNeverGoBelowTheLocalCount()
      throws Exception {
    int threads = 4;
    int each = 250;
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2 * threads);
    try {
      List<java.util.concurrent.Future<Long>> done = new ArrayList<>();
      for (int t = 0; t < 2 * threads; t++) {
        RedisSlidingCounters on = t % 2 == 0 ? ca : cb;
        done.add(pool.submit(() -> {
          long last = 0;
          for (int i = 0; i < each; i++) {
            long n = on.add("k", MINUTE);
            assertThat(n).isPositive();
            last = Math.max(last, n);
          }
          return last;
        }));
      }
      for (var f : done) {
        assertThat(f.get(30, java.util.concurrent.TimeUnit.SECONDS)).isGreaterThanOrEqualTo(each);
      }
    } finally {
      pool.shutdownNow();
    }
    Await.until(SETTLE, () -> ca.settled() && cb.settled(), "Redis's answers");
    assertThat(settled(ca, ca.add("k", MINUTE))).isGreaterThanOrEqualTo(threads * each + 1); // its own, at least
    assertThat(settled(ca, ca.add("k", MINUTE))).isEqualTo(2L * threads * each + 2); // whole, once heard
  }

  // ---- through the enforcer: the detectors count in the shared store

  @Test
  void enforceWhenAStuffingRunIsSpreadOverTwoEnforcersThenTheSourceIsBlockedAtTheThreshold() throws Exception {
    int threshold = 6;
    com.nimbusds.jose.jwk.JWKSet keys = new com.nimbusds.jose.jwk.JWKSet(
        new com.nimbusds.jose.jwk.gen.ECKeyGenerator(com.nimbusds.jose.jwk.Curve.P_256).keyID("k1").generate()
            .toPublicJWK());
    java.util.function.Function<RedisState, dev.zt.core.Enforcer> enforcer = state -> dev.zt.core.Enforcer.builder()
        .clock(clock)
        .state(state)
        .bearerJwt(dev.zt.core.credential.BearerJwt.issuer("https://issuer.example").audience("orders")
            .keySource(new com.nimbusds.jose.jwk.source.ImmutableJWKSet<>(keys))
            .build())
        .routes(dev.zt.core.policy.RoutePolicy.builder()
            .get("/orders", dev.zt.core.policy.Requirement.authenticated()).build())
        .detection(dev.zt.core.detect.Detection.defaults().withStuffing(threshold, MINUTE))
        .countermeasures(dev.zt.core.countermeasure.CountermeasurePolicy.builder()
            .on("stuffing.source", dev.zt.core.countermeasure.Countermeasure.blockSource(Duration.ofMinutes(15)))
            .build())
        .build();
    dev.zt.core.Enforcer[] fleet = {enforcer.apply(a), enforcer.apply(b)};
    java.net.InetAddress attacker = java.net.InetAddress.getByName("203.0.113.7");
    List<dev.zt.core.DenyReason> reasons = new ArrayList<>();
    for (int i = 0; i < threshold + 3; i++) {
      dev.zt.core.RequestContext request = dev.zt.core.RequestContext.builder("GET", "/orders")
          .clientAddress(attacker)
          .headers(dev.zt.core.RequestHeaders.of(java.util.Map.of("Authorization", List.of("Bearer guess-" + i))))
          .build();
      dev.zt.core.Decision d = fleet[i % 2].enforce(request).toCompletableFuture().get();
      reasons.add(((dev.zt.core.Decision.Deny) d).reason());
      Await.until(SETTLE, () -> a.countersSettled() && b.countersSettled(), "Redis's answers"); // a few ms apart
    }
    // the run reaches the threshold on the instance that sees the 6th or 7th malformed token (its count misses at most
    // the other's latest), which blocks the address (source blocks are per instance until their Redis store lands);
    // in memory each instance would have counted 4 of the 9 and let the run go on
    assertThat(reasons.subList(0, threshold)).containsOnly(dev.zt.core.DenyReason.TOKEN_MALFORMED);
    assertThat(reasons.subList(threshold, threshold + 3)).contains(dev.zt.core.DenyReason.SOURCE_BLOCKED);
  }

  // ---- outages

  @Test
  void addWhenRedisStoppedThenCountsLocallyWithoutThrowingAndSharesAgainAfterRestart() {
    settled(ca, ca.add("k", MINUTE));
    server.stop();
    try {
      assertThat(ca.add("k", MINUTE)).isEqualTo(2);
      assertThat(ca.add("k", MINUTE)).isEqualTo(3);
      assertThat(ca.addDistinct("d", 1, MINUTE, 5)).isEqualTo(1);
      ca.reset("other"); // never throws either
      Await.until(SETTLE, ca::settled, "the failures");
      assertThat(a.degraded()).isTrue();
      assertThat(ca.add("k", MINUTE)).isEqualTo(4); // the local count goes on
    } finally {
      server.restart();
    }
    Await.until(Duration.ofSeconds(10), () -> {
      ca.add("probe", MINUTE);
      cb.add("probe", MINUTE);
      return ca.settled() && cb.settled() && !a.degraded() && !b.degraded();
    }, "reconnect");
    settled(ca, ca.add("after", MINUTE));
    settled(cb, cb.add("after", MINUTE));
    assertThat(settled(cb, cb.add("after", MINUTE))).isEqualTo(3); // shared again
  }

  @Test
  void addWhenRedisDoesNotAnswerThenAnswersAtOnceFromTheLocalCount() {
    try (RedisClient raw = RedisClient.create(server.uri());
        StatefulRedisConnection<String, String> admin = raw.connect()) {
      settled(ca, ca.add("k", MINUTE));
      admin.sync().clientPause(2000);
      try {
        long start = System.nanoTime();
        long n = ca.add("k", MINUTE);
        long micros = (System.nanoTime() - start) / 1000;
        assertThat(n).isEqualTo(2);
        assertThat(micros).isLessThan(50_000); // not the 100 ms deadline: the caller never waits on Redis
        System.out.printf("zt-redis: counter add with Redis paused answered in %d µs%n", micros);
        Await.until(SETTLE, ca::settled, "the deadline");
        assertThat(a.degraded()).isTrue();
      } finally {
        admin.sync().dispatch(CommandType.CLIENT, new StatusOutput<>(StringCodec.UTF8),
            new CommandArgs<>(StringCodec.UTF8).add("UNPAUSE"));
      }
    }
  }

  // ---- scripts by digest

  @Test
  void addWhenTheScriptsAreCachedThenEachEventSendsTheDigestNotTheScript() {
    settled(ca, ca.add("k", MINUTE)); // the first event may load the script
    settled(ca, ca.addDistinct("d", 1, MINUTE, 5));
    try (RedisClient raw = RedisClient.create(server.uri());
        StatefulRedisConnection<String, String> admin = raw.connect()) {
      admin.sync().configResetstat();
      for (int i = 0; i < 10; i++) {
        ca.add("k", MINUTE);
        cb.add("k", MINUTE);
        cb.addDistinct("d", i, MINUTE, 5);
      }
      Await.until(SETTLE, () -> ca.settled() && cb.settled(), "Redis's answers");
      String stats = admin.sync().info("commandstats");
      assertThat(calls(stats, "evalsha")).isEqualTo(30);
      assertThat(calls(stats, "eval")).isZero();
    }
    settled(cb, cb.add("k", MINUTE));
    assertThat(cb.fleet("k")).isEqualTo(22); // every event counted once
  }

  @Test
  void addWhenRedisForgetsTheScriptsBetweenEventsOnTwoInstancesThenEveryEventCountsOnce() {
    try (RedisClient raw = RedisClient.create(server.uri());
        StatefulRedisConnection<String, String> admin = raw.connect()) {
      for (int i = 0; i < 10; i++) {
        admin.sync().scriptFlush(); // as a restarted Redis: the next event's EVALSHA answers NOSCRIPT
        settled(i % 2 == 0 ? ca : cb, (i % 2 == 0 ? ca : cb).add("k", MINUTE));
      }
      assertThat(fleet(cb, "k")).isEqualTo(10); // cb counted the last event: Redis's answer to it counts them all

      admin.sync().scriptFlush();
      for (int i = 0; i < 5; i++) { // sent back to back: every one answered NOSCRIPT, each sent again once
        ca.add("k", MINUTE);
        cb.add("k", MINUTE);
      }
      Await.until(SETTLE, () -> ca.settled() && cb.settled(), "Redis's answers");
      settled(ca, ca.add("k", MINUTE));
      assertThat(ca.fleet("k")).isEqualTo(21);

      admin.sync().scriptFlush();
      settled(ca, ca.addDistinct("d", 1, MINUTE, 5));
      admin.sync().scriptFlush();
      settled(cb, cb.addDistinct("d", 2, MINUTE, 5));
      assertThat(cb.fleetDistinct("d")).isEqualTo(2);

      admin.sync().scriptFlush();
      ca.reset("k"); // the reset script runs too: the key starts over in Redis
      Await.until(SETTLE, () -> cb.fleet("k") == 0, "the reset published to the other instance");
      admin.sync().scriptFlush();
      settled(ca, ca.add("k", MINUTE));
      assertThat(ca.fleet("k")).isEqualTo(1);
      assertThat(a.degraded()).isFalse();
      assertThat(b.degraded()).isFalse();
    }
  }

  private static long calls(String commandStats, String command) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^cmdstat_" + command + ":calls=(\\d+),")
        .matcher(commandStats);
    return m.find() ? Long.parseLong(m.group(1)) : 0;
  }

  // ---- what Redis holds

  @Test
  void addWhenCountedThenRedisHoldsOnlyHashesUnderTheNamespaceWithAnExpiry() {
    settled(ca, ca.add("203.0.113.7", MINUTE));
    settled(ca, ca.addDistinct("alice@example.com", 0x0a0b0c0dL, MINUTE, 5));
    try (RedisClient raw = RedisClient.create(server.uri());
        StatefulRedisConnection<String, String> admin = raw.connect()) {
      var r = admin.sync();
      List<String> names = new ArrayList<>();
      ScanCursor cursor = ScanCursor.INITIAL;
      do {
        KeyScanCursor<String> page = r.scan(cursor, ScanArgs.Builder.matches("cnt" + run + ":*"));
        names.addAll(page.getKeys());
        cursor = page;
      } while (!cursor.isFinished());
      assertThat(names).hasSize(2).allMatch(k -> k.matches("cnt" + run
          + ":cnt:detect\\.stuffing\\.source:[cd]:[A-Za-z0-9_-]{43}"));
      for (String k : names) {
        assertThat(k).doesNotContain("203.0.113.7").doesNotContain("alice");
        assertThat(r.pttl(k)).isPositive().isLessThanOrEqualTo(2 * MINUTE.toMillis());
      }
      String set = names.stream().filter(k -> k.contains(":d:")).findFirst().orElseThrow();
      assertThat(r.zrange(set, 0, -1)).singleElement().asString().matches("[A-Za-z0-9_-]{43}")
          .doesNotContain(Long.toString(0x0a0b0c0dL));
    }
  }
}
