package dev.zt.samples.orders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.zt.core.spi.StoreSettings;
import dev.zt.redis.Await;
import dev.zt.redis.RedisServerProcess;
import dev.zt.redis.RedisState;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code ZT_REDIS_URL}, {@code ZT_REDIS_NAMESPACE} and {@code ZT_REDIS_TIMEOUT_MS}: each accepted value, each refused
 * one with a message naming the variable and never the URL's password, and the start-up refusal (exit 2) of a Redis
 * that cannot be used. What the shared state does to requests is {@link TwoInstanceRedisTests}'.
 */
class RedisSettingsTests {

  private static final String SECRET = "s3cret-Pw";

  private static Map<String, String> env(String... pairs) {
    Map<String, String> env = new HashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      env.put(pairs[i], pairs[i + 1]);
    }
    return env;
  }

  @Test
  void fromEnvironmentWhenUrlUnsetThenStateStaysInMemory() {
    assertThat(RedisSettings.fromEnvironment(env())).isEmpty();
    assertThat(RedisSettings.fromEnvironment(env("ZT_REDIS_URL", "  "))).isEmpty();
  }

  @Test
  void fromEnvironmentWhenOnlyUrlThenDefaultNamespaceAndTimeout() {
    RedisSettings s = RedisSettings.fromEnvironment(env("ZT_REDIS_URL", "redis://127.0.0.1:6379")).orElseThrow();

    assertThat(s.namespace()).isEqualTo("zt");
    assertThat(s.timeout()).isEqualTo(Duration.ofMillis(100));
    assertThat(s.shown()).isEqualTo("redis://127.0.0.1:6379");
  }

  @ParameterizedTest
  @ValueSource(strings = {"redis://127.0.0.1", "redis://localhost:1", "REDIS://127.0.0.1:65535", "redis://[::1]:6379",
      "rediss://redis.example:6380", "rediss://alice:pw@redis.example", "redis://:pw@127.0.0.1:6379/0",
      "redis://127.0.0.1:6379/"})
  void fromEnvironmentWhenUrlIsRedisOrRedissThenAccepted(String url) {
    assertThat(RedisSettings.fromEnvironment(env("ZT_REDIS_URL", url))).isPresent();
  }

  @Test
  void fromEnvironmentWhenNamespaceAndTimeoutSetThenUsed() {
    RedisSettings s = RedisSettings.fromEnvironment(env("ZT_REDIS_URL", "redis://127.0.0.1", "ZT_REDIS_NAMESPACE",
        "orders-prod.eu_1", "ZT_REDIS_TIMEOUT_MS", " 250 ")).orElseThrow();

    assertThat(s.namespace()).isEqualTo("orders-prod.eu_1");
    assertThat(s.timeout()).isEqualTo(Duration.ofMillis(250));
  }

  @ParameterizedTest
  @ValueSource(strings = {"http://127.0.0.1:6379", "redis-sentinel://127.0.0.1:26379", "redis-socket:///tmp/r.sock",
      "tcp://127.0.0.1:6379", "127.0.0.1:6379", "redis:127.0.0.1", "redis:///0", "redis://127.0.0.1:0",
      "redis://127.0.0.1:70000", "redis://127.0.0.1:6379?verifyPeer=NONE", "rediss://r.example?timeout=10s",
      "redis://127.0.0.1:6379#x", "redis://127.0.0.1:6379/zt", "redis://127.0.0.1:6379/0/1", "redis://user:@r.example",
      "redis://127.0.0.1 6379"})
  void fromEnvironmentWhenUrlNotUnderstoodThenRefusedNamingTheVariable(String url) {
    assertThatThrownBy(() -> RedisSettings.fromEnvironment(env("ZT_REDIS_URL", url)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("ZT_REDIS_URL");
  }

  @ParameterizedTest
  @ValueSource(strings = {"redis://alice:" + SECRET + "@127.0.0.1:6379?verifyPeer=NONE",
      "redis://:" + SECRET + "@127.0.0.1:6379/zt", "redis://:" + SECRET + "@127.0.0.1:99999",
      "http://alice:" + SECRET + "@127.0.0.1", "redis://alice:" + SECRET + " x@127.0.0.1",
      "redis://alice:" + SECRET + "@127.0.0.1:6379#frag", "redis://alice:" + SECRET + "#@127.0.0.1"})
  void fromEnvironmentWhenUrlWithPasswordRefusedThenMessageNeverShowsThePassword(String url) {
    assertThatThrownBy(() -> RedisSettings.fromEnvironment(env("ZT_REDIS_URL", url)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("ZT_REDIS_URL")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain(SECRET).doesNotContain("s3cret"));
  }

  @Test
  void toStringWhenUrlHasCredentialsThenPasswordHidden() {
    RedisSettings s = RedisSettings.fromEnvironment(env("ZT_REDIS_URL", "rediss://alice:" + SECRET
        + "@redis.example:6380")).orElseThrow();

    assertThat(s.toString()).doesNotContain(SECRET).doesNotContain("alice")
        .contains("rediss://****@redis.example:6380");
    assertThat(s.shown()).doesNotContain(SECRET);
  }

  @ParameterizedTest
  @ValueSource(strings = {"x", "orders-prod", "A.b_c-9",
      "a234567890123456789012345678901234567890123456789012345678901234"})
  void fromEnvironmentWhenNamespaceValidThenUsed(String namespace) {
    assertThat(RedisSettings.fromEnvironment(env("ZT_REDIS_URL", "redis://127.0.0.1", "ZT_REDIS_NAMESPACE", namespace))
        .orElseThrow().namespace()).isEqualTo(namespace);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "has space", "a:b", "a/b", "a*", "ünïcode",
      "a2345678901234567890123456789012345678901234567890123456789012345"})
  void fromEnvironmentWhenNamespaceInvalidThenRefusedNamingTheVariable(String namespace) {
    Map<String, String> env = env("ZT_REDIS_URL", "redis://127.0.0.1", "ZT_REDIS_NAMESPACE", namespace);
    if (namespace.isBlank()) {
      assertThat(RedisSettings.fromEnvironment(env).orElseThrow().namespace()).isEqualTo("zt"); // blank = unset
      return;
    }
    assertThatThrownBy(() -> RedisSettings.fromEnvironment(env))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("ZT_REDIS_NAMESPACE");
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "-1", "10001", "1.5", "100ms", "PT1S", "99999999999"})
  void fromEnvironmentWhenTimeoutInvalidThenRefusedNamingTheVariable(String timeout) {
    assertThatThrownBy(() -> RedisSettings.fromEnvironment(env("ZT_REDIS_URL", "redis://127.0.0.1",
        "ZT_REDIS_TIMEOUT_MS", timeout)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("ZT_REDIS_TIMEOUT_MS");
  }

  @Test
  void fromEnvironmentWhenTimeoutAtItsBoundsThenAccepted() {
    assertThat(RedisSettings.fromEnvironment(env("ZT_REDIS_URL", "redis://127.0.0.1", "ZT_REDIS_TIMEOUT_MS", "1"))
        .orElseThrow().timeout()).isEqualTo(Duration.ofMillis(1));
    assertThat(RedisSettings.fromEnvironment(env("ZT_REDIS_URL", "redis://127.0.0.1", "ZT_REDIS_TIMEOUT_MS",
        "10000")).orElseThrow().timeout()).isEqualTo(Duration.ofSeconds(10));
  }

  @ParameterizedTest
  @ValueSource(strings = {"ZT_REDIS_NAMESPACE", "ZT_REDIS_TIMEOUT_MS"})
  void fromEnvironmentWhenSettingWithoutUrlThenRefusedNamingBoth(String name) {
    assertThatThrownBy(() -> RedisSettings.fromEnvironment(env(name, "50")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(name).hasMessageContaining("ZT_REDIS_URL");
  }

  @Test
  void connectWhenPasswordWrongThenStartUpErrorWithoutThePassword() {
    try (RedisServerProcess redis = RedisServerProcess.start(List.of("--requirepass", "right-one"))) {
      RedisSettings wrong = RedisSettings.fromEnvironment(env("ZT_REDIS_URL", "redis://:" + SECRET + "@127.0.0.1:"
          + redis.port())).orElseThrow();
      assertThatThrownBy(wrong::connect).isInstanceOf(IllegalStateException.class)
          .hasMessageStartingWith("ZT_REDIS_URL: cannot use Redis at redis://****@127.0.0.1:" + redis.port())
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain(SECRET));

      RedisSettings right = RedisSettings.fromEnvironment(env("ZT_REDIS_URL", "redis://:right-one@127.0.0.1:"
          + redis.port(), "ZT_REDIS_NAMESPACE", "orders-test")).orElseThrow();
      try (RedisState state = right.connect()) {
        assertThat(state.degraded()).isFalse();
      }
    }
  }

  @Test
  void connectWhenRedisDoesNotAnswerThenStartsDegradedAndHealsWhenItComesUp() {
    try (RedisServerProcess redis = RedisServerProcess.start()) {
      redis.stop(); // a Redis outage during a rolling restart: the instance still starts
      RedisSettings settings = RedisSettings.fromEnvironment(env("ZT_REDIS_URL", redis.uri())).orElseThrow();
      try (RedisState state = settings.connect()) {
        assertThat(state.degraded()).isTrue();
        assertThat(state.health().reason()).isPresent();
        redis.restart();
        state.singleUse("dpop", new StoreSettings(Clock.systemUTC(), 10));
        // polls the state's own status; the bound is 10 s
        Await.until(Duration.ofSeconds(10), () -> !state.degraded(), "in step once Redis came up");
      }
    }
  }

  /** The ACL of docs/deployment.md: the namespace's keys and channels, every command but the dangerous ones. */
  static final List<String> DEPLOYMENT_ACL = List.of("--user", "orders", "on", ">" + SECRET, "~orders-prod:*",
      "&orders-prod:*", "+@all", "-@dangerous", "+info", "--user", "default", "off");

  @Test
  void connectWhenAclUserOfTheDeploymentPageThenStoresWorkWithinItsNamespace() {
    try (RedisServerProcess redis = RedisServerProcess.start(DEPLOYMENT_ACL)) {
      String url = "redis://orders:" + SECRET + "@127.0.0.1:" + redis.port();
      RedisSettings settings = RedisSettings.fromEnvironment(env("ZT_REDIS_URL", url, "ZT_REDIS_NAMESPACE",
          "orders-prod")).orElseThrow();
      dev.zt.core.spi.StoreSettings store = new dev.zt.core.spi.StoreSettings(java.time.Clock.systemUTC(), 1000);
      try (RedisState one = settings.connect(); RedisState two = settings.connect()) {
        dev.zt.core.spi.Suspensions a = one.suspensions(store);
        dev.zt.core.spi.Suspensions b = two.suspensions(store);
        a.suspendToken("jti-acl", Optional.of("alice"), "test", Duration.ofMinutes(1));
        Await.until(Duration.ofSeconds(2), () -> b.check("jti-acl", Optional.of("alice"), Optional.empty())
            == dev.zt.core.spi.Presence.PRESENT, "the suspension reaching the other state");
        assertThat(one.singleUse("dpop", store).putIfAbsent("jti-1", Duration.ofSeconds(5)))
            .isEqualTo(dev.zt.core.spi.SingleUse.Use.FIRST);
        assertThat(one.degraded()).isFalse();
      }
      // another namespace is outside the user's keys: its calls are refused, never silently shared
      RedisSettings other = RedisSettings.fromEnvironment(env("ZT_REDIS_URL", url, "ZT_REDIS_NAMESPACE", "other"))
          .orElseThrow();
      dev.zt.core.spi.StoreSettings store2 = new dev.zt.core.spi.StoreSettings(java.time.Clock.systemUTC(), 1000);
      try (RedisState state = other.connect()) {
        assertThat(state.singleUse("dpop", store2).putIfAbsent("jti-1", Duration.ofSeconds(5)))
            .isEqualTo(dev.zt.core.spi.SingleUse.Use.UNAVAILABLE);
      } catch (IllegalStateException refusedAtStart) {
        assertThat(refusedAtStart).hasMessageStartingWith("ZT_REDIS_URL").hasMessageNotContaining(SECRET);
      }
    }
  }

  @Test
  void mainWhenRedisRefusesTheCredentialsThenExitsTwoNamingTheVariableWithoutThePassword(@TempDir Path dir)
      throws Exception {
    String stderr;
    Process p;
    boolean exited;
    int port;
    try (RedisServerProcess redis = RedisServerProcess.start(List.of("--requirepass", "right-one"))) {
      port = redis.port();
      ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-cp", System.getProperty("java.class.path"), OrdersService.class.getName());
      pb.environment().clear();
      pb.environment().putAll(Map.of("ZT_ISSUER", "https://idp.example", "ZT_AUDIENCE", "orders-api", "PORT", "0",
          "ZT_HOST", "127.0.0.1", "ZT_REDIS_URL", "redis://alice:" + SECRET + "@127.0.0.1:" + port));
      pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
      Path err = dir.resolve("stderr.txt");
      pb.redirectError(err.toFile());
      p = pb.start();
      exited = p.waitFor(60, TimeUnit.SECONDS);
      if (!exited) {
        p.destroyForcibly(); // it started after all: never leave it running
        p.waitFor(10, TimeUnit.SECONDS);
      }
      stderr = Files.readString(err, StandardCharsets.UTF_8);
    }

    assertThat(exited).as("exited by itself; stderr: %s", stderr).isTrue();
    assertThat(p.exitValue()).isEqualTo(2);
    assertThat(stderr).contains("orders-service: ZT_REDIS_URL: cannot use Redis at redis://****@127.0.0.1:" + port)
        .doesNotContain(SECRET);
  }

  @Test
  void mainWhenRedisUrlMalformedThenExitsTwo(@TempDir Path dir) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), OrdersService.class.getName());
    pb.environment().clear();
    pb.environment().putAll(Map.of("ZT_ISSUER", "https://idp.example", "ZT_AUDIENCE", "orders-api", "PORT", "0",
        "ZT_HOST", "127.0.0.1", "ZT_REDIS_URL", "redis://:" + SECRET + "@127.0.0.1:6379?verifyPeer=NONE"));
    pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
    Path err = dir.resolve("stderr.txt");
    pb.redirectError(err.toFile());
    Process p = pb.start();
    boolean exited = p.waitFor(60, TimeUnit.SECONDS);
    if (!exited) {
      p.destroyForcibly();
      p.waitFor(10, TimeUnit.SECONDS);
    }
    String stderr = Files.readString(err, StandardCharsets.UTF_8);

    assertThat(exited).as("exited by itself; stderr: %s", stderr).isTrue();
    assertThat(p.exitValue()).isEqualTo(2);
    assertThat(stderr).contains("orders-service: ZT_REDIS_URL must not have a query").doesNotContain(SECRET);
  }

  @Test
  void redisFromEnvironmentWhenPolicyFileModeThenStillRead() {
    // ZT_REDIS_* are not among the variables a policy file replaces: they stay environment variables in both modes
    assertThat(OrdersService.POLICY_FILE_COVERS.keySet()).noneMatch(name -> name.startsWith("ZT_REDIS_"));
    assertThat(OrdersService.redisFromEnvironment(env("ZT_REDIS_URL", "redis://127.0.0.1")))
        .map(RedisSettings::namespace).isEqualTo(Optional.of("zt"));
  }
}
