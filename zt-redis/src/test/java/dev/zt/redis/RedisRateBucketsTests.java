package dev.zt.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zt.core.spi.RateBucket;
import dev.zt.core.spi.RateBuckets;
import dev.zt.core.spi.RateBuckets.Band;
import dev.zt.core.spi.RateBuckets.Refill;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The fleet-wide rate limit against a real redis-server: two {@link RedisState}s are two instances sharing one
 * budget of 50 per 10 s, exactly without leases and within one lease each with them; the enforcer's (moved) clock
 * refills it; Redis stopped or paused turns each instance to its local share, never unlimited and never an error.
 */
class RedisRateBucketsTests extends RateBucketsFixture {

  /** Takes tokens alternately from the handles until every one refuses {@code rounds} times in a row. */
  private static int drain(RateBucket... handles) {
    int granted = 0;
    int refusedInARow = 0;
    for (int i = 0; refusedInARow < 2 * handles.length && i < 100_000; i++) {
      if (handles[i % handles.length].tryConsume()) {
        granted++;
        refusedInARow = 0;
      } else {
        refusedInARow++;
      }
    }
    return granted;
  }

  private long scriptCalls() {
    String stats = admin.info("commandstats");
    long calls = 0;
    for (String line : stats.split("\r?\n")) {
      if (line.startsWith("cmdstat_evalsha:") || line.startsWith("cmdstat_eval:")) {
        calls += Long.parseLong(line.replaceAll("^cmdstat_\\w+:calls=(\\d+),.*", "$1"));
      }
    }
    return calls;
  }

  private String onlyKey() {
    List<String> keys = admin.scan(ScanArgs.Builder.limit(1000)).getKeys();
    assertThat(keys).hasSize(1);
    return keys.get(0);
  }

  // ---- sharing

  @Test
  void tryConsumeWhenTwoInstancesShareFiftyPerTenSecondsWithoutLeasesThenExactlyFiftyAcrossBoth() {
    RateBucket a = bucket(instance(b -> b.leaseShare(0)), FIFTY_PER_10_S);
    RateBucket b = bucket(instance(o -> o.leaseShare(0)), FIFTY_PER_10_S);

    assertThat(drain(a, b)).isEqualTo(50);
    RateBuckets.Consumption refused = b.tryConsumeAndReport();
    assertThat(refused.consumed()).isFalse();
    assertThat(refused.nanosToWait()).isPositive().isLessThanOrEqualTo(Duration.ofSeconds(10).toNanos());
  }

  @Test
  void tryConsumeWhenLeasesThenAtMostTheLimitPlusOneLeaseEachAndFewerRoundTrips() {
    List<Band> thousand = List.of(new Band("orders", 1000, Duration.ofSeconds(10), Refill.INTERVALLY));
    RateBucket a = bucket(instance(UnaryOperator.identity()), thousand); // leaseShare 0.05: leases of 50
    RateBucket b = bucket(instance(UnaryOperator.identity()), thousand);
    long callsBefore = scriptCalls();

    int granted = drain(a, b);

    long calls = scriptCalls() - callsBefore;
    assertThat(granted).isBetween(1000 - 2 * 50, 1000 + 2 * 50);
    assertThat(calls).isLessThan(60); // 1000 tokens in leases of 50, and a refusal each (remembered)
    System.out.printf("zt-redis: 1000 tokens in leases of 50 over two instances: %d granted, %d script calls%n",
        granted, calls);
  }

  @Test
  void tryConsumeWhenFiftyPerTenSecondsWithLeasesThenWithinOneLeaseEach() {
    RateBucket a = bucket(instance(UnaryOperator.identity()), FIFTY_PER_10_S); // 0.05 × 50: leases of 2
    RateBucket b = bucket(instance(UnaryOperator.identity()), FIFTY_PER_10_S);

    assertThat(drain(a, b)).isBetween(50 - 2 * 2, 50 + 2 * 2);
  }

  @Test
  void tryConsumeLocallyWhenNoLeaseThenAsksTheStoreAndWhenLeasedThenAnswersAlone() {
    RateBucket unleased = bucket(instance(b -> b.leaseShare(0)), FIFTY_PER_10_S);
    assertThat(unleased.tryConsumeLocally()).isEqualTo(RateBucket.ASK_STORE);

    List<Band> thousand = List.of(new Band("orders", 1000, Duration.ofSeconds(10), Refill.INTERVALLY));
    RateBucket leased = instance(UnaryOperator.identity()).rateBuckets("rate", settings).bucket("other", thousand);
    assertThat(leased.tryConsumeLocally()).isEqualTo(RateBucket.ASK_STORE);
    assertThat(leased.tryConsume()).isTrue(); // the key's first request: one token
    assertThat(leased.tryConsumeLocally()).isEqualTo(RateBucket.ASK_STORE);
    assertThat(leased.tryConsume()).isTrue(); // a second one at once: the key is hot, a lease of 50 from Redis
    long calls = scriptCalls();
    for (int i = 0; i < 49; i++) {
      assertThat(leased.tryConsumeLocally()).isEqualTo(1);
    }
    assertThat(leased.tryConsumeLocally()).isEqualTo(RateBucket.ASK_STORE);
    assertThat(scriptCalls()).isEqualTo(calls);
  }

  @Test
  void tryConsumeLocallyWhenRedisSaidNoneThenRefusesLocallyUntilTheWaitHasPassed() {
    RateBucket a = bucket(instance(b -> b.leaseShare(0)), FIFTY_PER_10_S);
    assertThat(drain(a)).isEqualTo(50);
    long calls = scriptCalls();

    assertThat(a.tryConsumeLocally()).isZero();
    assertThat(a.tryConsume()).isFalse();
    assertThat(a.tryConsumeAndReport().nanosToWait()).isPositive();
    assertThat(scriptCalls()).isEqualTo(calls); // a client over its limit costs no round trip

    clock.advance(Duration.ofSeconds(10));
    assertThat(a.tryConsumeLocally()).isEqualTo(RateBucket.ASK_STORE);
    assertThat(a.tryConsume()).isTrue();
  }

  @Test
  void tryConsumeWhenLeaseEndsThenItsUnusedTokensGoBackBeforeTheNextTake() {
    List<Band> thousand = List.of(new Band("orders", 1000, Duration.ofSeconds(10), Refill.INTERVALLY));
    RedisState state = instance(UnaryOperator.identity());
    RateBucket a = bucket(state, thousand);
    assertThat(a.tryConsume()).isTrue(); // one token (the key's first request)
    assertThat(a.tryConsume()).isTrue(); // hot: a lease of 50, which 50 × 10 ms refill: it lasts 500 ms
    assertThat(a.tryConsumeLocally()).isEqualTo(1);

    clock.advance(Duration.ofMillis(500));

    assertThat(a.tryConsumeLocally()).isEqualTo(RateBucket.ASK_STORE);
    assertThat(a.tryConsume()).isTrue(); // the 48 unused go back, then a new lease of 50 (2 spent in 500 ms: hot)
    String key = onlyKey();
    // taken: 1 + 50 + 50, given back: 48 (the refund reaches Redis before the take: one connection, in order)
    assertThat(Double.parseDouble(admin.hget(key, "t1"))).isEqualTo(947.0);
  }

  // ---- refill, bands, reshape

  @Test
  void tryConsumeWhenThePeriodPassesOnTheEnforcersClockThenRefilled() {
    RateBucket a = bucket(instance(b -> b.leaseShare(0)), FIFTY_PER_10_S);
    RateBucket b = bucket(instance(o -> o.leaseShare(0)), FIFTY_PER_10_S);
    assertThat(drain(a, b)).isEqualTo(50);

    clock.advance(Duration.ofSeconds(9));
    assertThat(a.tryConsume()).isFalse();
    clock.advance(Duration.ofSeconds(1));

    assertThat(drain(a, b)).isEqualTo(50);
  }

  @Test
  void tryConsumeWhenSeveralBandsThenEveryBandLimitsAndTheWaitIsTheLongest() {
    List<Band> bands = List.of(new Band("second", 5, Duration.ofSeconds(1), Refill.GREEDY),
        new Band("minute", 12, Duration.ofMinutes(1), Refill.INTERVALLY));
    RateBucket a = bucket(instance(b -> b.leaseShare(0)), bands);
    RateBucket b = bucket(instance(o -> o.leaseShare(0)), bands);

    assertThat(drain(a, b)).isEqualTo(5);
    RateBuckets.Consumption refused = a.tryConsumeAndReport();
    assertThat(refused.nanosToWait()).isEqualTo(Duration.ofMillis(200).toNanos()); // one token of 5 per second
    clock.advance(Duration.ofMillis(200));
    assertThat(b.tryConsume()).isTrue(); // greedy: one token back after a fifth of a second
    clock.advance(Duration.ofSeconds(1));
    assertThat(drain(a, b)).isEqualTo(5);
    clock.advance(Duration.ofSeconds(1));
    assertThat(drain(a, b)).isEqualTo(1); // the minute's 12 are spent, whatever the second band holds

    RateBuckets.Consumption minute = a.tryConsumeAndReport();
    assertThat(minute.consumed()).isFalse();
    assertThat(minute.nanosToWait()).isGreaterThan(Duration.ofSeconds(50).toNanos());
  }

  @Test
  void reshapeWhenCapacityLoweredThenConsumptionCarriesOverOnEveryInstanceAndIsNeverRefilled() {
    List<Band> ten = List.of(new Band("orders", 10, Duration.ofMinutes(1), Refill.INTERVALLY));
    List<Band> two = List.of(new Band("orders", 2, Duration.ofMinutes(1), Refill.INTERVALLY));
    RateBucket a = bucket(instance(b -> b.leaseShare(0)), ten);
    RateBucket b = bucket(instance(o -> o.leaseShare(0)), ten);
    for (int i = 0; i < 5; i++) {
      assertThat(a.tryConsume()).isTrue();
    }

    a.reshape(two); // half used stays half used: one of two left
    assertThat(a.tryConsume()).isTrue();
    assertThat(a.tryConsume()).isFalse();
    b.reshape(two);
    assertThat(b.tryConsume()).isFalse();

    a.reshape(ten);
    b.reshape(ten);
    assertThat(drain(a, b)).isZero(); // back up: nothing given back beyond the proportion used
  }

  @Test
  void bucketWhenTwoHandlesForOneKeyThenOneBudgetAndOtherKeysAndStoresApart() {
    RedisState state = instance(b -> b.leaseShare(0));
    RateBuckets rate = state.rateBuckets("rate", settings);
    List<Band> two = List.of(new Band("orders", 2, Duration.ofMinutes(1), Refill.INTERVALLY));
    RateBucket first = rate.bucket("k", two);
    RateBucket second = rate.bucket("k", two);
    assertThat(first.tryConsume()).isTrue();
    assertThat(second.tryConsume()).isTrue();
    assertThat(first.tryConsume()).isFalse();
    assertThat(rate.bucket("other", two).tryConsume()).isTrue();
    assertThat(state.rateBuckets("other-store", settings).bucket("k", two).tryConsume()).isTrue();
  }

  @Test
  void keysWhenBucketsUsedThenHoldOnlyHashesOfTheirKeys() {
    RateBucket a = bucket(instance(UnaryOperator.identity()), FIFTY_PER_10_S);
    assertThat(a.tryConsume()).isTrue();

    String key = onlyKey();
    assertThat(key).matches("fleet:rate:rate:[A-Za-z0-9_-]{43}").doesNotContain("alice");
    Map<String, String> fields = admin.hgetall(key);
    assertThat(fields).containsOnlyKeys("t1", "l1", "c1");
    assertThat(String.join(" ", fields.values())).doesNotContain("alice").doesNotContain("orders");
    assertThat(admin.pttl(key)).isBetween(1L, 20_000L); // twice the longest period
  }

  @Test
  void tryConsumeWhenRedisForgotTheScriptThenLoadsItAgain() {
    RedisState state = instance(o -> o.leaseShare(0));
    RateBucket a = bucket(state, FIFTY_PER_10_S);
    RateBucket b = bucket(instance(o -> o.leaseShare(0)), FIFTY_PER_10_S);
    assertThat(a.tryConsume()).isTrue();

    admin.scriptFlush(); // as a restarted Redis

    assertThat(drain(a, b)).isEqualTo(49); // the shared bucket, not a local share each
    assertThat(admin.scriptExists(RateScript.SHA)).containsExactly(true);
    assertThat(state.degraded()).isFalse();
  }

  @Test
  void rateBucketsWhenValidationBudgetThenPerInstanceAndNothingInRedis() {
    RedisState state = instance(UnaryOperator.identity());
    List<Band> one = List.of(new Band("address", 1, Duration.ofMinutes(1), Refill.GREEDY));
    RateBucket a = state.rateBuckets("budget.address", settings).bucket("198.51.100.7", one);
    RateBucket b = instance(UnaryOperator.identity()).rateBuckets("budget.address", settings)
        .bucket("198.51.100.7", one);

    assertThat(a.tryConsumeLocally()).isEqualTo(1); // answered on the caller's thread, an event loop's too
    assertThat(b.tryConsume()).isTrue(); // each instance's own CPU budget
    assertThat(a.tryConsume()).isFalse();
    assertThat(admin.dbsize()).isZero();
  }

  // ---- outages

  @Test
  void tryConsumeWhenRedisStoppedThenEachInstanceServesItsLocalShareAndSharesAgainAfterRestart() {
    RedisState stateA = instance(b -> b.leaseShare(0).localShare(0.5));
    RedisState stateB = instance(o -> o.leaseShare(0).localShare(0.5));
    RedisRateBuckets storeA = (RedisRateBuckets) stateA.rateBuckets("rate", settings);
    RedisRateBuckets storeB = (RedisRateBuckets) stateB.rateBuckets("rate", settings);
    RateBucket a = storeA.bucket(KEY, FIFTY_PER_10_S);
    RateBucket b = storeB.bucket(KEY, FIFTY_PER_10_S);
    assertThat(a.tryConsume()).isTrue();

    server.stop();
    long start = System.nanoTime();
    boolean first = a.tryConsume();
    long millis = (System.nanoTime() - start) / 1_000_000;

    assertThat(first).isTrue(); // the local share, not an error nor a refusal for the outage
    assertThat(millis).isLessThan(1000);
    assertThat(1 + drain(a)).isEqualTo(25);
    assertThat(drain(b)).isEqualTo(25);
    assertThat(a.tryConsumeAndReport().consumed()).isFalse();
    assertThat(stateA.degraded()).isTrue();

    server.restart();
    // each store asks Redis again at most once a second on the enforcer's clock
    long nanos = Await.until(Duration.ofSeconds(10), () -> {
      clock.advance(Duration.ofMillis(1100));
      a.tryConsume();
      b.tryConsume();
      long now = clock.millis();
      return !storeA.down(now) && !storeB.down(now) && !stateA.degraded();
    }, "back to the shared bucket");
    System.out.printf("zt-redis: rate buckets shared again %d ms after Redis restarted%n", nanos / 1_000_000);

    clock.advance(Duration.ofSeconds(10)); // a full shared bucket
    assertThat(drain(a, b)).isEqualTo(50);
  }

  @Test
  void tryConsumeWhenRedisPausedThenAnswersWithinAboutTheDeadlineFromTheLocalShare() {
    RedisState state = instance(b -> b.leaseShare(0).localShare(0.5));
    RateBucket a = bucket(state, FIFTY_PER_10_S);
    assertThat(a.tryConsume()).isTrue();

    admin.clientPause(1500);
    try {
      long start = System.nanoTime();
      RateBuckets.Consumption first = a.tryConsumeAndReport();
      long millis = (System.nanoTime() - start) / 1_000_000;
      long startLocal = System.nanoTime();
      boolean second = a.tryConsume();
      long localMillis = (System.nanoTime() - startLocal) / 1_000_000;

      assertThat(first.consumed()).isTrue();
      assertThat(millis).isBetween(90L, 600L); // the 100 ms deadline, with room for a busy machine
      assertThat(second).isTrue();
      assertThat(localMillis).isLessThan(50); // Redis is not asked again within the second
      assertThat(a.tryConsumeLocally()).isEqualTo(1); // nor by a caller that may not block
      System.out.printf("zt-redis: rate answer with Redis paused took %d ms (deadline 100 ms), then %d ms%n",
          millis, localMillis);
    } finally {
      adminConnection.sync().dispatch(CommandType.CLIENT, new StatusOutput<>(StringCodec.UTF8),
          new CommandArgs<>(StringCodec.UTF8).add("UNPAUSE"));
    }
  }

  @Test
  void tryConsumeAndReportWhenJustRefusedLocallyThenAnswersLocallyEvenIfRedisIsDueToBeAskedAgain() {
    RedisState state = instance(b -> b.leaseShare(0).localShare(0.5));
    RateBucket a = bucket(state, FIFTY_PER_10_S);
    assertThat(a.tryConsume()).isTrue();
    admin.clientPause(3000);
    try {
      assertThat(a.tryConsume()).isTrue(); // fails at the deadline: the local share from now on, Redis again in 1 s
      assertThat(1 + drain(a)).isEqualTo(25);
      clock.advance(Duration.ofMillis(999));
      assertThat(a.tryConsumeLocally()).isZero(); // an event loop's question, answered locally

      clock.advance(Duration.ofMillis(1)); // Redis is due to be asked again just now
      long start = System.nanoTime();
      RateBuckets.Consumption wait = a.tryConsumeAndReport(); // the same caller asks how long to wait
      long millis = (System.nanoTime() - start) / 1_000_000;

      assertThat(wait.consumed()).isFalse();
      assertThat(millis).isLessThan(50); // not the 100 ms deadline of a paused Redis: it was not asked
    } finally {
      adminConnection.sync().dispatch(CommandType.CLIENT, new StatusOutput<>(StringCodec.UTF8),
          new CommandArgs<>(StringCodec.UTF8).add("UNPAUSE"));
    }
  }

  @Test
  void reshapeWhenAnotherCallerWaitsOnRedisForALeaseThenDoesNotWaitBehindIt() throws InterruptedException {
    List<Band> thousand = List.of(new Band("orders", 1000, Duration.ofSeconds(10), Refill.INTERVALLY));
    List<Band> half = List.of(new Band("orders", 500, Duration.ofSeconds(10), Refill.INTERVALLY));
    RateBucket a = bucket(instance(UnaryOperator.identity()), thousand); // leases of 50
    admin.clientPause(2000);
    Thread asking = new Thread(a::tryConsume, "asking-for-a-lease");
    try {
      asking.start();
      Await.until(Duration.ofSeconds(1), () -> asking.getState() == Thread.State.TIMED_WAITING, "the lease call");

      long start = System.nanoTime();
      a.reshape(half); // the rate gate reshapes on the caller's thread, an event loop's too
      long millis = (System.nanoTime() - start) / 1_000_000;

      assertThat(millis).isLessThan(50); // not what is left of the 100 ms deadline
    } finally {
      asking.join();
      adminConnection.sync().dispatch(CommandType.CLIENT, new StatusOutput<>(StringCodec.UTF8),
          new CommandArgs<>(StringCodec.UTF8).add("UNPAUSE"));
    }
  }
}
