package dev.zt.core;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.trace.Span;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records every decision three ways: a {@code zt.decision} event on the current OpenTelemetry span (when one is
 * recording), a {@code zt.decisions} counter by decision, gate, reason and rule, and an SLF4J line on the
 * {@code dev.zt.audit} logger (denials at INFO, allows at DEBUG). Never the raw token.
 *
 * <p>Metric attributes are built once per route and outcome, so auditing an allow costs no allocation when no span
 * is recording and DEBUG is off.
 */
final class Audit {

  static final String EVENT = "zt.decision";
  static final AttributeKey<String> DECISION = AttributeKey.stringKey("zt.decision");
  static final AttributeKey<String> GATE = AttributeKey.stringKey("zt.gate");
  static final AttributeKey<String> REASON = AttributeKey.stringKey("zt.reason");
  static final AttributeKey<String> RULE = AttributeKey.stringKey("zt.rule");
  static final AttributeKey<String> ROUTE = AttributeKey.stringKey("http.route");
  static final AttributeKey<String> METHOD = AttributeKey.stringKey("http.request.method");
  static final AttributeKey<String> PATH = AttributeKey.stringKey("url.path");
  static final AttributeKey<String> SUBJECT = AttributeKey.stringKey("enduser.id");
  static final AttributeKey<String> CLIENT = AttributeKey.stringKey("zt.client_id");
  static final AttributeKey<String> TOKEN_ID = AttributeKey.stringKey("zt.token_id");
  static final AttributeKey<String> DETAIL = AttributeKey.stringKey("zt.detail");
  static final AttributeKey<Long> STATUS = AttributeKey.longKey("http.response.status_code");

  private static final Logger LOG = LoggerFactory.getLogger("dev.zt.audit");

  private final LongCounter decisions;
  private final Map<Route, Attributes> allowAttributes = new IdentityHashMap<>();
  private final Map<String, Attributes> denyAttributes = new ConcurrentHashMap<>();

  Audit(OpenTelemetry otel, RoutePolicy routes) {
    this.decisions = otel.getMeter("dev.zt")
        .counterBuilder("zt.decisions")
        .setDescription("Enforcement decisions by decision, gate, reason and rule")
        .setUnit("{decision}")
        .build();
    for (Route r : routes.routes()) {
      allowAttributes.put(r, Attributes.of(DECISION, "allow", GATE, "policy", REASON, "ALLOWED", RULE, r.id()));
    }
  }

  void record(Exchange ex, Decision decision) {
    Attributes metric;
    if (decision instanceof Decision.Allow) {
      metric = allowAttributes.get(ex.routeOrNull());
    } else {
      Decision.Deny d = (Decision.Deny) decision;
      metric = denyAttributes.computeIfAbsent(d.gate() + '\u0000' + d.reason() + '\u0000' + d.rule(),
          k -> Attributes.of(DECISION, "deny", GATE, d.gate(), REASON, d.reason().name(), RULE, d.rule()));
    }
    decisions.add(1, metric);

    Span span = Span.current();
    if (span.isRecording()) {
      AttributesBuilder b = metric.toBuilder()
          .put(METHOD, ex.request().method())
          .put(PATH, ex.path());
      if (ex.routeOrNull() != null) {
        b.put(ROUTE, ex.routeOrNull().pattern().toString());
      }
      Caller c = ex.caller();
      c.subject().ifPresent(s -> b.put(SUBJECT, s));
      c.clientId().ifPresent(s -> b.put(CLIENT, s));
      c.token().flatMap(VerifiedJwt::tokenId).ifPresent(s -> b.put(TOKEN_ID, s));
      if (decision instanceof Decision.Deny d) {
        b.put(STATUS, (long) d.status());
        if (!ex.detail().isEmpty()) {
          b.put(DETAIL, ex.detail());
        }
      }
      span.addEvent(EVENT, b.build());
    }

    if (decision instanceof Decision.Deny d) {
      if (LOG.isInfoEnabled()) {
        LOG.info("zt decision=deny status={} gate={} reason={} rule=\"{}\" method={} path=\"{}\" sub={} client={}"
                + " detail=\"{}\"",
            d.status(), d.gate(), d.reason(), d.rule(), ex.request().method(), ex.path(),
            ex.caller().subject().orElse("-"), ex.caller().clientId().orElse("-"), ex.detail());
      }
    } else if (LOG.isDebugEnabled()) {
      LOG.debug("zt decision=allow rule=\"{}\" method={} path=\"{}\" sub={} client={}",
          decision.rule(), ex.request().method(), ex.path(),
          ex.caller().subject().orElse("-"), ex.caller().clientId().orElse("-"));
    }
  }
}
