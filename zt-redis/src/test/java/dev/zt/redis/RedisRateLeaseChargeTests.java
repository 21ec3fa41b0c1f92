package dev.zt.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zt.core.spi.RateBucket;
import dev.zt.core.spi.RateBuckets;
import dev.zt.core.spi.RateBuckets.Band;
import dev.zt.core.spi.RateBuckets.Refill;
import io.lettuce.core.ScanArgs;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * What leases charge a client (found by RedisRateBenchmark: a hot identity at 0.08 % of 10⁹ per second was refused,
 * and a client at 60 % of its limit over two instances lost 5 of 30 requests): a client pays for the tokens it spent,
 * not for those leased. A quiet key takes one token at a time, a hot key's lease gives back what it did not spend, and
 * a refund never lifts the bucket above what it would hold without leases. Against a real redis-server.
 */
class RedisRateLeaseChargeTests extends RateBucketsFixture {

  private static final List<Band> THOUSAND_PER_10_S =
      List.of(new Band("orders", 1000, Duration.ofSeconds(10), Refill.INTERVALLY));

  private RateBucket bucket(List<Band> bands, UnaryOperator<RedisState.Builder> options) {
    return bucket(instance(options), bands);
  }

  private RateBucket bucket(List<Band> bands) {
    return bucket(bands, UnaryOperator.identity());
  }

  private double tokensInRedis() {
    List<String> keys = admin.scan(ScanArgs.Builder.limit(1000)).getKeys();
    assertThat(keys).hasSize(1);
    return Double.parseDouble(admin.hget(keys.get(0), "t1"));
  }

  private static int drain(RateBucket b) {
    int granted = 0;
    while (granted < 100_000 && b.tryConsume()) {
      granted++;
    }
    return granted;
  }

  @Test
  void tryConsumeWhenClientAtSixtyPercentOfItsLimitAcrossTwoInstancesThenNeverRefused() {
    RateBucket onA = bucket(FIFTY_PER_10_S);
    RateBucket onB = bucket(FIFTY_PER_10_S);

    // 30 requests in 10 s (60 % of 50 per 10 s), alternating instances, over three periods: each instance sees one
    // every 666 ms
    int granted = 0;
    for (int i = 0; i < 90; i++) {
      granted += (i % 2 == 0 ? onA : onB).tryConsume() ? 1 : 0;
      clock.advance(Duration.ofMillis(333));
    }

    assertThat(granted).isEqualTo(90);
  }

  @Test
  void tryConsumeWhenThreeInstancesEachBelowAThirdOfTheLimitThenEveryRequestServed() {
    RateBucket[] instances = {bucket(FIFTY_PER_10_S), bucket(FIFTY_PER_10_S), bucket(FIFTY_PER_10_S)};

    // 48 requests per 10 s (16 per instance, each below a third of 50), round robin, over three periods
    int granted = 0;
    for (int i = 0; i < 3 * 48; i++) {
      granted += instances[i % 3].tryConsume() ? 1 : 0;
      clock.advance(Duration.ofMillis(208));
    }

    assertThat(granted).isEqualTo(3 * 48);
  }

  @Test
  void tryConsumeWhenAHotInstanceGoesQuietThenItsLeaseGoesBackAndTheClientGetsItsWholeLimitElsewhere() {
    RateBucket a = bucket(THOUSAND_PER_10_S); // leases of 50, for 500 ms
    RateBucket b = bucket(THOUSAND_PER_10_S);
    for (int i = 0; i < 20; i++) {
      assertThat(a.tryConsume()).isTrue(); // a burst: one token, then a lease of 50 of which 19 are spent
    }
    clock.advance(Duration.ofMillis(500));
    assertThat(a.tryConsume()).isTrue(); // 31 back; hot still: a new lease of 50, one spent
    clock.advance(Duration.ofMillis(500));
    assertThat(a.tryConsume()).isTrue(); // 49 back; one request in 500 ms is quiet: one token, no lease

    // the client spent 22 tokens on a: the other 978 of the period are there, on b (which leases itself)
    assertThat(drain(b)).isEqualTo(978);
    assertThat(drain(a) + 22 + drain(b)).isLessThanOrEqualTo(1000);
  }

  @Test
  void tryConsumeWhenRefusedWhileAnotherInstanceHeldALeaseThenServedOnceItGaveTheLeaseBack() {
    RateBucket a = bucket(THOUSAND_PER_10_S);
    RateBucket b = bucket(THOUSAND_PER_10_S);
    assertThat(a.tryConsume()).isTrue();
    assertThat(a.tryConsume()).isTrue(); // hot: a lease of 50, 49 unused
    assertThat(drain(b)).isEqualTo(1000 - 51); // the rest of the period
    assertThat(b.tryConsume()).isFalse(); // nothing in Redis: the next refill is 10 s away

    clock.advance(Duration.ofSeconds(1));
    assertThat(a.tryConsume()).isTrue(); // a's lease ended: 49 back; quiet now, so one token

    // b asks Redis again a lease's time (500 ms) after its refusal at the latest, not after the 10 s wait
    assertThat(b.tryConsume()).isTrue();
    assertThat(drain(b)).isEqualTo(47);
  }

  @Test
  void tryConsumeWhenTwoInstancesHammerOneKeyOverSeveralPeriodsThenEachPeriodWithinTheLimitPlusOneLeaseEach() {
    RateBucket a = bucket(THOUSAND_PER_10_S); // leases of 50
    RateBucket b = bucket(THOUSAND_PER_10_S);
    java.util.Random random = new java.util.Random(17);
    int[] perPeriod = new int[4];
    // 100 ms steps; each instance sends 0–11 requests a step (about 1.1 × the limit together), unevenly, so leases
    // end unspent and are given back, and some are taken just before a refill
    for (int step = 0; step < 400; step++) {
      int period = step / 100;
      for (int i = random.nextInt(12); i > 0; i--) {
        perPeriod[period] += a.tryConsume() ? 1 : 0;
      }
      for (int i = random.nextInt(12); i > 0; i--) {
        perPeriod[period] += b.tryConsume() ? 1 : 0;
      }
      clock.advance(Duration.ofMillis(100));
    }

    System.out.printf("zt-redis: two instances hammering 1000 per 10 s, granted per period: %s%n",
        java.util.Arrays.toString(perPeriod));
    for (int granted : perPeriod) {
      assertThat(granted).isBetween(1000 - 2 * 50, 1000 + 2 * 50);
    }
  }

  @Test
  void bucketWhenManyQuietKeysThenEachTakesOneTokenNotALease() {
    RedisState state = RedisState.builder(server.uri()).namespace("fleet").build();
    states.add(state);
    RateBuckets store = state.rateBuckets("rate", settings);
    for (int i = 0; i < 100; i++) {
      assertThat(store.bucket("sub:user-" + i, THOUSAND_PER_10_S).tryConsume()).isTrue();
    }

    List<String> keys = admin.scan(ScanArgs.Builder.limit(1000)).getKeys();
    assertThat(keys).hasSize(100);
    for (String k : keys) {
      assertThat(Double.parseDouble(admin.hget(k, "t1"))).isEqualTo(999.0); // charged one token each, not 50
    }
  }

  @Test
  void refundWhenThePeriodPassedBeforeTheLeaseEndedThenNothingGoesBack() {
    RateBucket a = bucket(THOUSAND_PER_10_S);
    RateBucket exact = bucket(THOUSAND_PER_10_S, o -> o.leaseShare(0));
    for (int i = 0; i < 11; i++) {
      assertThat(a.tryConsume()).isTrue(); // one token, then a lease of 50: 40 unused
    }
    clock.advance(Duration.ofSeconds(10)); // refilled: without leases the bucket is full again too
    for (int i = 0; i < 5; i++) {
      assertThat(exact.tryConsume()).isTrue();
    }
    assertThat(tokensInRedis()).isEqualTo(995.0);

    assertThat(a.tryConsume()).isTrue(); // 40 to give back, of the last period: none is added (a token taken)

    assertThat(tokensInRedis()).isEqualTo(994.0); // 10 s since its last call: quiet, one token
  }

  @Test
  void refundWhenAGreedyBucketRefilledMeanwhileThenNeverAboveWhatItWouldHoldWithoutLeases() {
    List<Band> greedy = List.of(new Band("orders", 1000, Duration.ofSeconds(10), Refill.GREEDY));
    RateBucket a = bucket(greedy);
    RateBucket exact = bucket(greedy, o -> o.leaseShare(0));
    for (int i = 0; i < 11; i++) {
      assertThat(a.tryConsume()).isTrue(); // one token, then a lease of 50 from 999: 40 unused
    }
    clock.advance(Duration.ofMillis(600)); // 60 refilled: without leases the bucket was full meanwhile
    for (int i = 0; i < 5; i++) {
      assertThat(exact.tryConsume()).isTrue();
    }
    assertThat(tokensInRedis()).isEqualTo(995.0); // as without leases: 1000 − 5

    assertThat(a.tryConsume()).isTrue(); // gives back 40 − (60 − 1 of room): nothing; hot (10 in 600 ms): a lease

    // a refund up to the capacity would have made 1000 − 50 = 950: 5 tokens more than without leases
    assertThat(tokensInRedis()).isEqualTo(945.0);
  }

  @Test
  void tryConsumeWhenRedisStoppedWhenARefundIsDueThenAnswersFromTheLocalShareWithoutWaiting() {
    RateBucket a = bucket(THOUSAND_PER_10_S, o -> o.localShare(0.5));
    for (int i = 0; i < 11; i++) {
      assertThat(a.tryConsume()).isTrue(); // a lease of 50, 40 unused
    }
    clock.advance(Duration.ofMillis(500));
    server.stop();

    long start = System.nanoTime();
    boolean served = a.tryConsume(); // the refund is due: sent, refused at once by the disconnected client, lost
    long millis = (System.nanoTime() - start) / 1_000_000;

    assertThat(served).isTrue(); // the local share
    assertThat(millis).isLessThan(1000);
    assertThat(a.tryConsumeLocally()).isEqualTo(1); // and answered locally from then on, an event loop's question too

    server.restart();
    long nanos = Await.until(Duration.ofSeconds(10), () -> {
      clock.advance(Duration.ofMillis(1100));
      return a.tryConsume() && !states.get(0).degraded();
    }, "back to the shared bucket");
    System.out.printf("zt-redis: rate buckets shared again %d ms after Redis restarted (a refund lost)%n",
        nanos / 1_000_000);
  }
}
