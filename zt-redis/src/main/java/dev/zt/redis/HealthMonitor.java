package dev.zt.redis;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.trace.Span;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows a {@link RedisState}'s health and reports its transitions only: a WARN audit line when it becomes degraded,
 * an INFO line when it is in step again, an OpenTelemetry span {@code zt.redis.health} with its event (as zt's other
 * audit events outside a request, e.g. {@code zt.policy.reload}), and the user's listener, once per transition. Checks are asked for by the
 * events that may change the health (a call failing or answering again, a connection dropping or coming back, a
 * reconciliation ending) and run on the state's own thread, never on a request's.
 */
final class HealthMonitor {

  private static final Logger AUDIT = LoggerFactory.getLogger("dev.zt.audit");
  private static final Logger LOG = LoggerFactory.getLogger(HealthMonitor.class);

  private final Clock clock;
  private final Supplier<Optional<String>> why;
  private final IntSupplier waiting;
  private final Consumer<RedisHealth> listener;
  static final AttributeKey<String> STATUS = AttributeKey.stringKey("zt.redis.status");
  static final AttributeKey<String> REASON = AttributeKey.stringKey("zt.redis.reason");
  static final AttributeKey<Long> CHANGES_WAITING = AttributeKey.longKey("zt.redis.changes_waiting");
  static final AttributeKey<String> SINCE = AttributeKey.stringKey("zt.redis.since");
  static final AttributeKey<String> DEGRADED_SINCE = AttributeKey.stringKey("zt.redis.degraded_since");

  private final Executor executor;
  private final OpenTelemetry otel;
  private volatile RedisHealth current;

  HealthMonitor(Clock clock, Supplier<Optional<String>> why, IntSupplier waiting, Consumer<RedisHealth> listener,
      Executor executor, OpenTelemetry otel) {
    this.otel = otel;
    this.clock = clock;
    this.why = why;
    this.waiting = waiting;
    this.listener = listener;
    this.executor = executor;
  }

  /** The health now: the status and its start as last checked, with the reason and the changes waiting of now. */
  RedisHealth current() {
    RedisHealth h = current;
    if (h == null) {
      return check();
    }
    if (h.degraded()) {
      Optional<String> reason = why.get();
      return new RedisHealth(h.status(), h.since(), Optional.of(reason.orElse(h.reason().orElseThrow())),
          waiting.getAsInt());
    }
    return h;
  }

  /** Asks for a check on the state's thread (after what is queued there: a reconciliation asked for just before). */
  void checkSoon() {
    try {
      executor.execute(this::check);
    } catch (RejectedExecutionException e) {
      // closed
    }
  }

  /** Checks now; reports a transition. Returns the health. */
  synchronized RedisHealth check() {
    Optional<String> reason = why.get();
    RedisHealth before = current;
    RedisHealth.Status status = reason.isPresent() ? RedisHealth.Status.DEGRADED : RedisHealth.Status.IN_STEP;
    if (before != null && before.status() == status) {
      return current();
    }
    RedisHealth now = new RedisHealth(status, clock.instant(), reason, waiting.getAsInt());
    current = now;
    if (before == null && !now.degraded()) {
      return now; // started in step: nothing to report
    }
    if (now.degraded()) {
      AUDIT.warn("zt.redis.health status=\"degraded\" reason={} changes_waiting={} (what this instance knows stays "
          + "enforced; rate limits on the local share; single use refused)", quoted(reason.orElseThrow()),
          now.changesWaiting());
    } else {
      AUDIT.info("zt.redis.health status=\"in_step\" degraded_since=\"{}\"", before.since());
    }
    telemetry(now, before == null ? Optional.empty() : Optional.of(before.since()));
    try {
      listener.accept(now);
    } catch (RuntimeException e) {
      LOG.error("zt-redis health listener failed", e);
    }
    return now;
  }

  /** The transition as a span {@code zt.redis.health} holding one event of the same name and attributes. */
  private void telemetry(RedisHealth now, Optional<Instant> degradedSince) {
    try {
      AttributesBuilder a = Attributes.builder()
          .put(STATUS, now.degraded() ? "degraded" : "in_step")
          .put(SINCE, now.since().toString())
          .put(CHANGES_WAITING, (long) now.changesWaiting());
      now.reason().ifPresent(r -> a.put(REASON, r));
      if (!now.degraded()) {
        degradedSince.ifPresent(d -> a.put(DEGRADED_SINCE, d.toString()));
      }
      Attributes attributes = a.build();
      Span span = otel.getTracer("dev.zt.redis").spanBuilder("zt.redis.health").setAllAttributes(attributes)
          .startSpan();
      span.addEvent("zt.redis.health", attributes);
      span.end();
    } catch (RuntimeException e) {
      LOG.error("zt-redis health: telemetry failed", e);
    }
  }

  private static String quoted(String value) {
    return '"' + value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n").replace("\r", "\\r") + '"';
  }
}
