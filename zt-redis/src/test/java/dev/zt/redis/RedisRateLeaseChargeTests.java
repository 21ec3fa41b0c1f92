package dev.zt.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zt.core.spi.RateBucket;
import dev.zt.core.spi.RateBuckets.Band;
import dev.zt.core.spi.RateBuckets.Refill;
import dev.zt.core.spi.StoreSettings;
import dev.zt.statecheck.SecurityStateContract.MovableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;

/**
 * What a lease charges a client that is well under its limit (found by RedisRateBenchmark: a hot identity at 0.08 %
 * of 10⁹ per second was refused). A lease's unused tokens are dropped when it ends, so a client that comes back to an
 * instance after its lease ended pays a whole lease for one request.
 */
class RedisRateLeaseChargeTests {

  private static final String KEY = "sub:alice\u0000GET /orders";
  private static final List<Band> FIFTY_PER_10_S =
      List.of(new Band("orders", 50, Duration.ofSeconds(10), Refill.INTERVALLY));

  private final MovableClock clock = new MovableClock(Instant.parse("2026-03-02T10:00:00Z"));
  private final StoreSettings settings = new StoreSettings(clock, 10_000);
  private RedisServerProcess server;
  private RedisState a;
  private RedisState b;

  @BeforeEach
  void start() {
    server = RedisServerProcess.start();
    a = RedisState.builder(server.uri()).namespace("fleet").build();
    b = RedisState.builder(server.uri()).namespace("fleet").build();
  }

  @AfterEach
  void stop() {
    a.close();
    b.close();
    server.close();
  }

  @Test
  @Disabled("lease charge: fails on h-rate's leases (25 of 30 granted); for the rate helper to fix")
  void tryConsumeWhenClientAtSixtyPercentOfItsLimitAcrossTwoInstancesThenNeverRefused() {
    RateBucket onA = a.rateBuckets("rate", settings).bucket(KEY, FIFTY_PER_10_S);
    RateBucket onB = b.rateBuckets("rate", settings).bucket(KEY, FIFTY_PER_10_S);

    // 30 requests in 10 s (60 % of 50 per 10 s), alternating instances: each instance sees one every 666 ms, after
    // its lease of 2 tokens (5 % of 50) ended (its 400 ms refill time)
    int granted = 0;
    for (int i = 0; i < 30; i++) {
      granted += (i % 2 == 0 ? onA : onB).tryConsume() ? 1 : 0;
      clock.advance(Duration.ofMillis(333));
    }

    assertThat(granted).isEqualTo(30);
  }
}
