package dev.zt.samples.orders;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zt.redis.Await;
import dev.zt.redis.RedisServerProcess;
import dev.zt.testkit.TestIssuer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ZT_REDIS_URL} in policy-file mode: two instances configured by the shipped {@code zt-policy.yaml} (A on
 * Jetty, B on Netty) share their state through one redis-server, and a reload keeps the same Redis state and stores
 * (no new connection, a suspension made before it still enforced, one made after it still shared).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PolicyFileRedisTests {

  private static final String SQLI = "/orders?id=1%27%20OR%20%271%27%3D%271";

  private RedisServerProcess redis;
  private TestIssuer issuer;
  private OrdersService a;
  private OrdersService b;
  private Path fileA;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    redis = RedisServerProcess.start();
    issuer = TestIssuer.start();
    String shipped = Files.readString(Path.of("zt-policy.yaml"), StandardCharsets.UTF_8);
    fileA = Files.writeString(dir.resolve("a.yaml"), shipped, StandardCharsets.UTF_8);
    Path fileB = Files.writeString(dir.resolve("b.yaml"), shipped, StandardCharsets.UTF_8);
    a = OrdersService.startFromEnvironment(env("servlet", fileA), "127.0.0.1");
    b = OrdersService.startFromEnvironment(env("netty", fileB), "127.0.0.1");
  }

  private Map<String, String> env(String server, Path file) {
    Map<String, String> env = RedisInstances.env(issuer, redis, server);
    env.put("ZT_POLICY_FILE", file.toString());
    return env;
  }

  @AfterAll
  void stop() throws Exception {
    RedisInstances.closeAll(a, b, issuer, redis);
  }

  private int status(OrdersService service, String path, String token) {
    HttpRequest r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.port() + path))
        .timeout(Duration.ofSeconds(10)).header("Authorization", "Bearer " + token).GET().build();
    try {
      return http.send(r, HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private String reader(String subject) {
    return issuer.token().subject(subject).scope("orders:read").build();
  }

  private void suspendThroughA(String token) {
    for (int i = 0; i < 3; i++) {
      assertThat(status(a, SQLI, token)).isEqualTo(403);
    }
    assertThat(status(a, "/orders", token)).isEqualTo(401);
  }

  /** How many clients Redis has, this probe's own connection included. */
  private long clients() {
    RedisClient client = RedisClient.create(redis.uri());
    try (StatefulRedisConnection<String, String> c = client.connect()) {
      return c.sync().clientList().lines().filter(l -> !l.isBlank()).count();
    } finally {
      client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
  }

  @Test
  void reloadWhenPolicyFileChangesThenSameRedisStateAndSharedSuspensionsKept() throws Exception {
    String before = reader("file-redis-before");
    suspendThroughA(before);
    Await.until(Duration.ofSeconds(2), () -> status(b, "/orders/none", before) == 401, "the suspension reaching B");
    long clients = clients();
    String revision = a.policy().orElseThrow().revision();

    for (int i = 0; i < 3; i++) { // three reloads: a new subscription each would show
      Files.writeString(fileA, "# reload " + i + "\n", StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.APPEND);
      String was = a.policy().orElseThrow().revision();
      Await.until(PolicyFileChecks.APPLIED_WITHIN, () -> !a.policy().orElseThrow().revision().equals(was),
          "reload " + i);
    }

    assertThat(a.policy().orElseThrow().revision()).isNotEqualTo(revision);
    assertThat(clients()).as("Redis clients after three reloads").isEqualTo(clients);
    assertThat(status(a, "/orders", before)).isEqualTo(401);
    String after = reader("file-redis-after");
    assertThat(status(b, "/orders", after)).isEqualTo(200);
    suspendThroughA(after);
    Await.until(Duration.ofSeconds(2), () -> status(b, "/orders/none", after) == 401, "a suspension after the reload");
    assertThat(status(b, "/orders", reader("file-redis-bystander"))).isEqualTo(200);
  }
}
