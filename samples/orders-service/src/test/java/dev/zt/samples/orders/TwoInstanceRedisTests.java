package dev.zt.samples.orders;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zt.redis.Await;
import dev.zt.redis.RedisServerProcess;
import dev.zt.redis.RedisState;
import dev.zt.testkit.TestIssuer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Two instances of the sample sharing one real redis-server ({@code ZT_REDIS_URL}) behave as one: instance A on Jetty,
 * instance B on Netty, both started from their environment in this JVM (the sample keeps no state in statics: each
 * enforcer opens its own stores, so the only thing A and B share is Redis). Tokens come from {@link TestIssuer}; the
 * client address from {@code X-Forwarded-For}, which the sample trusts from loopback. Each test uses its own subjects
 * and addresses; the outage test runs last.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TwoInstanceRedisTests {

  private static final String SQLI = "/orders?id=1%27%20OR%20%271%27%3D%271";
  /** The bound: reconnect, and a change made meanwhile reaching the other instance, within 10 s. */
  private static final Duration RECOVERY = Duration.ofSeconds(10);
  /** The most a lease takes of the 50-per-10-s limit: 5 % (RedisState's leaseShare), rounded up. */
  private static final int LEASE = 3;

  private RedisServerProcess redis;
  private TestIssuer issuer;
  private OrdersService a;
  private OrdersService b;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  void start() throws Exception {
    redis = RedisServerProcess.start();
    issuer = TestIssuer.start();
    a = OrdersService.startFromEnvironment(env("servlet"), "127.0.0.1");
    b = OrdersService.startFromEnvironment(env("netty"), "127.0.0.1");
  }

  private Map<String, String> env(String server) {
    Map<String, String> env = RedisInstances.env(issuer, redis, server);
    env.put("ZT_REDIS_NAMESPACE", "orders-e2e");
    return env;
  }

  @AfterAll
  void stop() throws Exception {
    RedisInstances.closeAll(a, b, issuer, redis);
  }

  private HttpResponse<String> get(OrdersService service, String path, String token, String... headers)
      throws Exception {
    HttpRequest.Builder r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.port() + path))
        .timeout(Duration.ofSeconds(10)).GET();
    if (token != null) {
      r.header("Authorization", "Bearer " + token);
    }
    for (int i = 0; i + 1 < headers.length; i += 2) {
      r.header(headers[i], headers[i + 1]);
    }
    return http.send(r.build(), HttpResponse.BodyHandlers.ofString());
  }

  private int status(OrdersService service, String path, String token, String... headers) {
    try {
      return get(service, path, token, headers).statusCode();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private String reader(String subject) {
    return issuer.token().subject(subject).scope("orders:read").build();
  }

  /** Three SQL-injection attempts with {@code token} through {@code service}: refused, then the token suspended. */
  private void suspendThrough(OrdersService service, String token) throws Exception {
    for (int i = 0; i < 3; i++) {
      assertThat(get(service, SQLI, token).statusCode()).isEqualTo(403);
    }
    assertThat(get(service, "/orders", token).statusCode()).as("suspended where it was seen").isEqualTo(401);
  }

  @Test
  @Order(1)
  void ordersWhenCredentialSuspendedThroughAThenRefusedByB() throws Exception {
    List<Long> micros = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      String token = reader("e2e-sqli-" + i);
      assertThat(get(b, "/orders", token).statusCode()).isEqualTo(200);
      for (int j = 0; j < 3; j++) {
        assertThat(get(a, SQLI, token).statusCode()).isEqualTo(403);
      }
      // from A's third refusal (the suspension is written before A answers) to B's first 401
      long nanos = Await.until(Duration.ofSeconds(2), () -> status(b, "/orders/none", token) == 401,
          "the suspension reaching B");
      micros.add(nanos / 1000);
      assertThat(get(a, "/orders", token).statusCode()).isEqualTo(401);
      HttpResponse<String> onB = get(b, "/orders", token);
      assertThat(onB.statusCode()).isEqualTo(401);
      assertThat(onB.headers().firstValue("WWW-Authenticate")).contains("Bearer realm=\"orders\", "
          + "error=\"invalid_token\", error_description=\"The access token is no longer accepted.\"");
    }
    List<Long> sorted = micros.stream().sorted().toList();
    System.out.printf("orders-service e2e: suspension through A refused by B after %s µs (median %d µs)%n", micros,
        sorted.get(sorted.size() / 2));
    assertThat(sorted.get(sorted.size() / 2)).as("typical propagation, µs").isLessThan(100_000);
    // another subject's token is untouched on both
    assertThat(get(a, "/orders", reader("e2e-sqli-bystander")).statusCode()).isEqualTo(200);
    assertThat(get(b, "/orders", reader("e2e-sqli-bystander")).statusCode()).isEqualTo(200);
  }

  @Test
  @Order(2)
  void ordersWhenCredentialSuspendedThroughNettyInstanceThenRefusedByJettyInstance() throws Exception {
    String token = reader("e2e-sqli-via-b");
    assertThat(get(a, "/orders", token).statusCode()).isEqualTo(200);
    suspendThrough(b, token);
    long nanos = Await.until(Duration.ofSeconds(2), () -> status(a, "/orders/none", token) == 401,
        "the suspension reaching A");
    System.out.printf("orders-service e2e: suspension through B (Netty) refused by A after %d µs%n", nanos / 1000);
    assertThat(get(a, "/orders", token).statusCode()).isEqualTo(401);
  }

  @Test
  @Order(3)
  void ordersWhenSourceBlockedThroughAThenBlockedOnB() throws Exception {
    // the sample's rule: 20 failed authentications (a token that fails verification) from one address in a minute
    String forged = issuer.token().subject("victim").header("kid", "guessed").build();
    String source = "198.51.100.91";
    assertThat(get(b, "/orders", reader("e2e-block-ok"), "X-Forwarded-For", source).statusCode()).isEqualTo(200);
    // 20 refused 401, then the source is blocked (a few more when the requests straddle the edge of the counters'
    // minute windows, the previous one weighted by its overlap)
    int failures = 0;
    for (int s = get(a, "/orders", forged, "X-Forwarded-For", source).statusCode(); s == 401 && failures < 25;
        s = get(a, "/orders", forged, "X-Forwarded-For", source).statusCode()) {
      failures++;
    }
    assertThat(failures).isBetween(20, 22);
    HttpResponse<String> onA = get(a, "/orders", reader("e2e-block-ok"), "X-Forwarded-For", source);
    assertThat(onA.statusCode()).isEqualTo(403);
    assertThat(onA.body()).contains("source-blocked");

    long nanos = Await.until(Duration.ofSeconds(2),
        () -> status(b, "/orders/none", reader("e2e-block-ok"), "X-Forwarded-For", source) == 403, "the block on B");
    System.out.printf("orders-service e2e: source blocked through A blocked on B after %d µs%n", nanos / 1000);
    HttpResponse<String> onB = get(b, "/orders", reader("e2e-block-ok"), "X-Forwarded-For", source);
    assertThat(onB.statusCode()).isEqualTo(403);
    assertThat(onB.body()).contains("source-blocked");
    // the neighbour and the direct (loopback) caller are not blocked
    assertThat(get(b, "/orders", reader("e2e-block-ok"), "X-Forwarded-For", "198.51.100.92").statusCode())
        .isEqualTo(200);
    assertThat(get(b, "/orders", reader("e2e-block-ok")).statusCode()).isEqualTo(200);
  }

  @Test
  @Order(4)
  void ordersWhenOneIdentityCallsBothInstancesThenFiftyPerTenSecondsHoldsAcrossThem() throws Exception {
    String token = reader("e2e-rate");
    int granted = 0;
    int limited = 0;
    long start = System.nanoTime();
    for (int i = 0; i < 140; i++) {
      int s = get(i % 2 == 0 ? a : b, "/orders", token).statusCode();
      assertThat(s).isIn(200, 429);
      granted += s == 200 ? 1 : 0;
      limited += s == 429 ? 1 : 0;
    }
    long millis = (System.nanoTime() - start) / 1_000_000;
    System.out.printf("orders-service e2e: 140 requests on A and B in %d ms, %d granted, %d refused 429%n", millis,
        granted, limited);
    // all within one window (an interval refill comes 10 s after the bucket's first token), so nothing was refilled
    assertThat(millis).as("the requests fit in one 10 s window").isLessThan(10_000);
    assertThat(granted).as("50 × 1.1 + one lease per instance").isLessThanOrEqualTo(55 + 2 * LEASE)
        .as("the fleet still grants about the limit").isGreaterThanOrEqualTo(50 - 2 * LEASE);
    assertThat(get(a, "/orders", reader("e2e-rate-other")).statusCode()).isEqualTo(200);
  }

  @Test
  @Order(99)
  void ordersWhenRedisStoppedThenKnownStateEnforcedLocallyAndRestartedThenBothCatchUp() throws Exception {
    RedisState stateA = a.redis().orElseThrow();
    RedisState stateB = b.redis().orElseThrow();
    String before = reader("e2e-outage-before");
    suspendThrough(a, before);
    Await.until(Duration.ofSeconds(2), () -> status(b, "/orders/none", before) == 401, "the suspension reaching B");
    String valid = reader("e2e-outage-valid");

    redis.stop();

    // what each instance knew stays enforced; a valid token is served; nothing waits for Redis
    assertThat(get(a, "/orders", before).statusCode()).isEqualTo(401);
    assertThat(get(b, "/orders", before).statusCode()).isEqualTo(401);
    assertThat(get(a, "/orders", valid).statusCode()).isEqualTo(200);
    assertThat(get(b, "/orders", valid).statusCode()).isEqualTo(200);
    Await.until(Duration.ofSeconds(2), () -> stateA.degraded() && stateB.degraded(), "both degraded");
    // the detectors keep counting and suspend locally, on either server
    String during = reader("e2e-outage-during");
    suspendThrough(a, during);
    String duringB = reader("e2e-outage-during-b");
    suspendThrough(b, duringB);
    assertThat(get(b, "/orders", during).statusCode()).as("not shared while Redis is down").isEqualTo(200);
    // rate limits fall back to the local share (1 by default: the whole limit per instance), never unlimited
    String busy = reader("e2e-outage-rate");
    int granted = 0;
    long slowest = 0;
    for (int i = 0; i < 60; i++) {
      long t = System.nanoTime();
      int s = get(a, "/orders", busy).statusCode();
      slowest = Math.max(slowest, System.nanoTime() - t);
      assertThat(s).isIn(200, 429);
      granted += s == 200 ? 1 : 0;
    }
    System.out.printf("orders-service e2e: Redis down, 60 requests of one identity on A: %d granted, slowest %d ms%n",
        granted, slowest / 1_000_000);
    assertThat(granted).isBetween(1, 50);
    assertThat(slowest).as("no request waits out a timeout").isLessThan(Duration.ofSeconds(1).toNanos());

    long restarted = System.nanoTime();
    redis.restart();

    // both reconnect and write back: each one's outage suspension reaches the other
    Await.until(RECOVERY, () -> status(b, "/orders/none", during) == 401, "A's outage suspension reaching B");
    long reachedB = System.nanoTime() - restarted;
    Await.until(RECOVERY.minusNanos(reachedB), () -> status(a, "/orders/none", duringB) == 401,
        "B's outage suspension reaching A");
    long reachedA = System.nanoTime() - restarted;
    System.out.printf("orders-service e2e: Redis restarted (empty): A's outage suspension refused by B after %d ms,"
        + " B's by A after %d ms%n", reachedB / 1_000_000, reachedA / 1_000_000);
    // the suspension both knew before the outage is not forgotten by an empty Redis
    assertThat(get(b, "/orders", before).statusCode()).isEqualTo(401);
    assertThat(get(a, "/orders", valid).statusCode()).isEqualTo(200);
    assertThat(get(b, "/orders", valid).statusCode()).isEqualTo(200);
  }
}
