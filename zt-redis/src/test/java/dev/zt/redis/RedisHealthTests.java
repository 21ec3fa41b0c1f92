package dev.zt.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.zt.core.spi.StoreSettings;
import dev.zt.core.spi.SlidingCounters;
import dev.zt.core.spi.Suspensions;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link RedisState#health()} and {@link RedisState.Builder#onHealthChange} against a real redis-server stopped and
 * restarted mid-test: one event when the instance becomes degraded, one when it is in step again, none in between.
 * The tests wait on the events themselves (a queue with a deadline), never a fixed time.
 */
class RedisHealthTests {

  private static final StoreSettings SETTINGS = new StoreSettings(Clock.systemUTC(), 10_000);
  private static final Duration TTL = Duration.ofMinutes(5);
  private static final long RECOVERY_SECONDS = 10; // the bound for reconnect + write-back

  private final BlockingQueue<RedisHealth> events = new LinkedBlockingQueue<>();
  private RedisServerProcess server;
  private RedisState state;

  @BeforeEach
  void start() {
    server = RedisServerProcess.start();
  }

  @AfterEach
  void stop() {
    if (state != null) {
      state.close();
    }
    server.close();
  }

  private RedisState build() {
    state = RedisState.builder(server.uri()).reconcileEvery(Duration.ofMillis(500)).onHealthChange(events::add)
        .build();
    return state;
  }

  private RedisHealth next() throws InterruptedException {
    RedisHealth h = events.poll(RECOVERY_SECONDS, TimeUnit.SECONDS);
    assertThat(h).as("a health event within %d s", RECOVERY_SECONDS).isNotNull();
    return h;
  }

  @Test
  void healthWhenConnectedThenInStepAndNoEvent() {
    RedisState s = build();
    s.suspensions(SETTINGS);

    assertThat(s.health().status()).isEqualTo(RedisHealth.Status.IN_STEP);
    assertThat(s.health().reason()).isEmpty();
    assertThat(s.health().changesWaiting()).isZero();
    assertThat(events).isEmpty();
  }

  @Test
  void healthWhenRedisStoppedThenOneDegradedEventAndOneRestoredAfterRestart() throws Exception {
    RedisState s = build();
    Suspensions suspensions = s.suspensions(SETTINGS);
    SlidingCounters counters = s.slidingCounters("detect", SETTINGS);

    server.stop();
    RedisHealth degraded = next();
    // a counter event Redis does not take: counted here; it must not keep the instance degraded after the restart
    // (no event follows on that key)
    assertThat(counters.add("198.51.100.7", Duration.ofMinutes(1))).isEqualTo(1);
    assertThat(degraded.status()).isEqualTo(RedisHealth.Status.DEGRADED);
    assertThat(degraded.reason()).isPresent();
    assertThat(s.health().degraded()).isTrue();
    // a change made meanwhile waits, is counted, and does not make a second event
    suspensions.suspendSubject("mallory", "detect.sqli", TTL); // never waits nor throws: enforced here, buffered
    // buffered when its send fails, on Lettuce's thread: at once when the connection already knows Redis is gone,
    // later when the degraded event came from another connection first (a CI run saw 0 here)
    Await.until(Duration.ofSeconds(RECOVERY_SECONDS), () -> s.health().changesWaiting() > 0, "the change buffered");
    assertThat(s.health().changesWaiting()).isEqualTo(1);
    assertThat(s.health().since()).isEqualTo(degraded.since());

    long restart = System.nanoTime();
    server.restart();
    RedisHealth restored = next();
    long millis = (System.nanoTime() - restart) / 1_000_000;
    System.out.printf("zt-redis: in step again %d ms after Redis restarted%n", millis);
    assertThat(restored.status()).isEqualTo(RedisHealth.Status.IN_STEP);
    assertThat(restored.changesWaiting()).isZero(); // written back before it says so
    assertThat(restored.since()).isAfterOrEqualTo(degraded.since());
    assertThat(s.health().degraded()).isFalse();
    assertThat(s.degraded()).isFalse();
    assertThat(events).isEmpty(); // one event each way
  }

  @Test
  void healthWhenACallFailsOnAStateWithoutMirrorsThenDegradedAndRestoredAfterRestart() throws Exception {
    RedisState s = build();
    var dpop = s.singleUse("dpop", SETTINGS);

    server.stop();
    assertThat(dpop.putIfAbsent("jti-1", TTL)).isEqualTo(dev.zt.core.spi.SingleUse.Use.UNAVAILABLE);
    assertThat(next().degraded()).isTrue();

    server.restart();
    assertThat(next().degraded()).isFalse(); // no request needed: it asks Redis itself after the reconnect
    assertThat(dpop.putIfAbsent("jti-1", TTL)).isEqualTo(dev.zt.core.spi.SingleUse.Use.FIRST);
    assertThat(events).isEmpty();
  }

  @Test
  void healthWhenSubscriptionDroppedThenDegradedUntilReconciled() throws Exception {
    RedisState s = build();
    s.suspensions(SETTINGS);

    // kill only the subscription connections: the command connection stays up
    try (var admin = io.lettuce.core.RedisClient.create(server.uri()).connect()) {
      admin.sync().clientKill(io.lettuce.core.KillArgs.Builder.typePubsub());
    }
    assertThat(next().degraded()).isTrue();
    assertThat(next().degraded()).isFalse();
    assertThat(events).isEmpty();
  }

  @Test
  void healthWhenRedisStoppedAndRestartedThenOneOpenTelemetryEventEachWay() throws Exception {
    InMemorySpanExporter spans = InMemorySpanExporter.create();
    try (OpenTelemetrySdk otel = OpenTelemetrySdk.builder()
        .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
        .build()) {
      state = RedisState.builder(server.uri()).reconcileEvery(Duration.ofMillis(500)).onHealthChange(events::add)
          .openTelemetry(otel).build();
      Suspensions suspensions = state.suspensions(SETTINGS);
      assertThat(spans.getFinishedSpanItems()).isEmpty(); // started in step: nothing to report

      server.stop();
      RedisHealth degraded = next();
      suspensions.suspendSubject("mallory", "detect.sqli", TTL); // waits to be written back: no second event
      server.restart();
      RedisHealth restored = next();
      assertThat(restored.degraded()).isFalse();

      List<SpanData> finished = spans.getFinishedSpanItems();
      assertThat(finished).hasSize(2).allSatisfy(span -> {
        assertThat(span.getName()).isEqualTo("zt.redis.health");
        assertThat(span.getEvents()).singleElement().satisfies(e -> {
          assertThat(e.getName()).isEqualTo("zt.redis.health");
          assertThat(e.getAttributes().asMap()).isEqualTo(span.getAttributes().asMap());
        });
      });
      Attributes down = finished.get(0).getEvents().get(0).getAttributes();
      assertThat(down.get(AttributeKey.stringKey("zt.redis.status"))).isEqualTo("degraded");
      assertThat(down.get(AttributeKey.stringKey("zt.redis.reason"))).isEqualTo(degraded.reason().orElseThrow());
      assertThat(down.get(AttributeKey.stringKey("zt.redis.since"))).isEqualTo(degraded.since().toString());
      assertThat(down.get(AttributeKey.longKey("zt.redis.changes_waiting"))).isZero();
      assertThat(down.get(AttributeKey.stringKey("zt.redis.degraded_since"))).isNull();
      Attributes up = finished.get(1).getEvents().get(0).getAttributes();
      assertThat(up.get(AttributeKey.stringKey("zt.redis.status"))).isEqualTo("in_step");
      assertThat(up.get(AttributeKey.stringKey("zt.redis.reason"))).isNull();
      assertThat(up.get(AttributeKey.stringKey("zt.redis.degraded_since"))).isEqualTo(degraded.since().toString());
      assertThat(up.get(AttributeKey.stringKey("zt.redis.since"))).isEqualTo(restored.since().toString());
      assertThat(up.get(AttributeKey.longKey("zt.redis.changes_waiting"))).isZero();
      // no address, port or key in what leaves the instance
      finished.forEach(span -> span.getAttributes().forEach((k, v) -> assertThat(String.valueOf(v))
          .doesNotContain(Integer.toString(server.port())).doesNotContain("127.0.0.1").doesNotContain("mallory")));
      assertThat(events).isEmpty();
    }
  }

  @Test
  void callWhenRedisDoesNotHoldTheScriptThenNotFailingAndNoHealthCheck() {
    try (var client = io.lettuce.core.RedisClient.create(server.uri()); var c = client.connect()) {
      Redis redis = new Redis(c, Duration.ofMillis(100));
      java.util.concurrent.atomic.AtomicInteger changes = new java.util.concurrent.atomic.AtomicInteger();
      redis.onFailingChange(changes::incrementAndGet);
      c.sync().scriptFlush(); // as a restarted Redis: a script's EVALSHA answers NOSCRIPT (the caller sends EVAL)
      String[] keys = {"k"};
      assertThatThrownBy(() -> redis.call("rate", r -> r.evalsha(RateScript.SHA,
          io.lettuce.core.ScriptOutputType.MULTI, keys, "0")))
          .isInstanceOf(dev.zt.core.spi.StateUnavailableException.class)
          .cause().isInstanceOf(io.lettuce.core.RedisNoScriptException.class);
      // Redis answered: not an outage, so no degraded/in-step pair of health events around the EVAL that follows
      assertThat(redis.failing()).isFalse();
      assertThat(changes).hasValue(0);
    }
  }

  @Test
  void openTelemetryWhenSetTwiceThenRefused() {
    RedisState.Builder b = RedisState.builder(server.uri()).openTelemetry(io.opentelemetry.api.OpenTelemetry.noop());
    assertThatThrownBy(() -> b.openTelemetry(io.opentelemetry.api.OpenTelemetry.noop()))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("openTelemetry");
  }

  @Test
  void onHealthChangeWhenSetTwiceThenRefused() {
    RedisState.Builder b = RedisState.builder(server.uri()).onHealthChange(h -> { });
    assertThatThrownBy(() -> b.onHealthChange(h -> { })).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("onHealthChange");
  }
}
