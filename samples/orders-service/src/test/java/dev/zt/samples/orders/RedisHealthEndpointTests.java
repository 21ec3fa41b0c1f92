package dev.zt.samples.orders;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zt.redis.RedisServerProcess;
import dev.zt.testkit.TestIssuer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The sample's public {@code GET /health} with {@code ZT_REDIS_URL}: 200 and {@code "redis":"in_step"}, 200 and
 * {@code "degraded"} while the real redis-server is stopped (the instance still serves), in step again after it
 * restarts; the same on Jetty (A) and Netty (B), and nothing of Redis's reason, host or port on the wire. The tests
 * poll with a deadline, never sleep.
 */
class RedisHealthEndpointTests {

  /** The bound for reconnecting after Redis returns; an outage is seen at once (the connection drops). */
  private static final Duration WITHIN = Duration.ofSeconds(10);
  private static final String IN_STEP = "{\"status\":\"UP\",\"redis\":\"in_step\"}";
  private static final String DEGRADED = "{\"status\":\"UP\",\"redis\":\"degraded\"}";

  private final HttpClient http = HttpClient.newHttpClient();
  private RedisServerProcess redis;
  private TestIssuer issuer;
  private OrdersService a;
  private OrdersService b;

  @BeforeEach
  void start() throws Exception {
    redis = RedisServerProcess.start();
    issuer = TestIssuer.start();
  }

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable c : new AutoCloseable[] {a, b, issuer, redis}) {
      if (c != null) {
        c.close();
      }
    }
  }

  private Map<String, String> env(String server, boolean withRedis) {
    Map<String, String> env = new HashMap<>();
    env.put("ZT_ISSUER", issuer.issuer());
    env.put("ZT_AUDIENCE", "orders-api");
    env.put("PORT", "0");
    env.put("ZT_SERVER", server);
    if (withRedis) {
      env.put("ZT_REDIS_URL", redis.uri());
      env.put("ZT_REDIS_NAMESPACE", "orders-health");
    }
    return env;
  }

  private HttpResponse<String> get(OrdersService service, String path, String token) {
    HttpRequest.Builder r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.port() + path))
        .timeout(Duration.ofSeconds(10)).GET();
    if (token != null) {
      r.header("Authorization", "Bearer " + token);
    }
    try {
      return http.send(r.build(), HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /** Polls {@code GET /health} every millisecond until its answer passes {@code until}; returns that answer. */
  private HttpResponse<String> health(OrdersService service, Predicate<HttpResponse<String>> until, String what) {
    long end = System.nanoTime() + WITHIN.toNanos();
    while (true) {
      HttpResponse<String> r = get(service, "/health", null);
      if (until.test(r)) {
        return r;
      }
      if (System.nanoTime() > end) {
        throw new AssertionError(what + " did not happen within " + WITHIN + "; last answer " + r.statusCode()
            + " " + r.body());
      }
      LockSupport.parkNanos(1_000_000);
    }
  }

  @Test
  void healthWhenRedisStopsAndRestartsThenStaysPublicAnd200AndSaysDegradedThenInStepOnJettyAndNetty()
      throws Exception {
    a = OrdersService.startFromEnvironment(env("servlet", true), "127.0.0.1");
    b = OrdersService.startFromEnvironment(env("netty", true), "127.0.0.1");
    String token = issuer.token().subject("health-reader").scope("orders:read").build();
    for (OrdersService s : new OrdersService[] {a, b}) {
      // in step once the stores' subscriptions and first reconciliation are done (moments after the start)
      HttpResponse<String> r = health(s, x -> x.body().equals(IN_STEP), "\"in_step\" after the start");
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t)
          .startsWith("application/json"));
    }

    redis.stop();
    for (OrdersService s : new OrdersService[] {a, b}) {
      HttpResponse<String> r = health(s, x -> x.body().equals(DEGRADED), "\"degraded\" on port " + s.port());
      assertThat(r.statusCode()).isEqualTo(200); // a degraded instance is not down: it still serves
      assertThat(r.body()).doesNotContain(Integer.toString(redis.port())).doesNotContain("127.0.0.1")
          .doesNotContain("connection");
      assertThat(get(s, "/orders", token).statusCode()).as("a valid token served while degraded").isEqualTo(200);
      assertThat(get(s, "/health", null).body()).isEqualTo(DEGRADED);
    }

    redis.restart();
    for (OrdersService s : new OrdersService[] {a, b}) {
      HttpResponse<String> r = health(s, x -> x.body().equals(IN_STEP), "\"in_step\" on port " + s.port());
      assertThat(r.statusCode()).isEqualTo(200);
    }
  }

  @Test
  void healthWhenNoRedisIsConfiguredThenSaysUpAndNothingOfRedis() throws Exception {
    a = OrdersService.startFromEnvironment(env("servlet", false), "127.0.0.1");
    b = OrdersService.startFromEnvironment(env("netty", false), "127.0.0.1");
    for (OrdersService s : new OrdersService[] {a, b}) {
      HttpResponse<String> r = get(s, "/health", null);
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).isEqualTo("{\"status\":\"UP\"}");
    }
  }
}
