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
  static final AttributeKey<String> WORKLOAD = AttributeKey.stringKey("zt.workload");
  static final AttributeKey<String> DETAIL = AttributeKey.stringKey("zt.detail");
  static final AttributeKey<Long> STATUS = AttributeKey.longKey("http.response.status_code");

  private static final Logger LOG = LoggerFactory.getLogger("dev.zt.audit");

  static final AttributeKey<String> ACTION = AttributeKey.stringKey("zt.action");
  static final AttributeKey<String> TARGET = AttributeKey.stringKey("zt.target");
  static final AttributeKey<String> EVIDENCE = AttributeKey.stringKey("zt.evidence");
  static final AttributeKey<String> SEVERITY = AttributeKey.stringKey("zt.severity");
  static final AttributeKey<String> IDENTITY = AttributeKey.stringKey("zt.identity");
  static final AttributeKey<Long> TTL = AttributeKey.longKey("zt.ttl_seconds");
  static final AttributeKey<String> TRUST = AttributeKey.stringKey("zt.trust");

  private final LongCounter decisions;
  private final LongCounter verdicts;
  private final LongCounter actions;
  private final Map<Route, Attributes> allowAttributes = new IdentityHashMap<>();
  private final Map<String, Attributes> denyAttributes = new ConcurrentHashMap<>();

  Audit(OpenTelemetry otel, RoutePolicy routes) {
    this.decisions = otel.getMeter("dev.zt")
        .counterBuilder("zt.decisions")
        .setDescription("Enforcement decisions by decision, gate, reason and rule")
        .setUnit("{decision}")
        .build();
    this.verdicts = otel.getMeter("dev.zt").counterBuilder("zt.verdicts")
        .setDescription("Detector verdicts by rule and severity").setUnit("{verdict}").build();
    this.actions = otel.getMeter("dev.zt").counterBuilder("zt.actions")
        .setDescription("Automated and manual responses by action and rule").setUnit("{action}").build();
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
      c.workload().ifPresent(w -> b.put(WORKLOAD, w));
      ex.trust().ifPresent(t -> b.put(TRUST, t.summary()));
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
                + " workload={} detail=\"{}\"",
            d.status(), d.gate(), d.reason(), d.rule(), ex.request().method(), ex.path(),
            ex.caller().subject().orElse("-"), ex.caller().clientId().orElse("-"),
            ex.caller().workload().orElse("-"), ex.detail());
      }
    } else if (LOG.isDebugEnabled()) {
      LOG.debug("zt decision=allow rule=\"{}\" method={} path=\"{}\" sub={} client={} workload={}",
          decision.rule(), ex.request().method(), ex.path(),
          ex.caller().subject().orElse("-"), ex.caller().clientId().orElse("-"), ex.caller().workload().orElse("-"));
    }
  }

  /** A detector's verdict: span event {@code zt.verdict}, counter {@code zt.verdicts}, a WARN line. */
  void verdict(dev.zt.core.detect.Verdict v, String identity) {
    verdicts.add(1, Attributes.of(RULE, v.rule(), SEVERITY, v.severity().name()));
    Span span = Span.current();
    if (span.isRecording()) {
      span.addEvent("zt.verdict", Attributes.of(RULE, v.rule(), SEVERITY, v.severity().name(), EVIDENCE,
          v.evidence(), IDENTITY, identity));
    }
    LOG.warn("zt verdict rule={} severity={} identity={} evidence=\"{}\"", v.rule(), v.severity(), identity,
        v.evidence());
  }

  /**
   * A response action (or, with a null kind, a change of state such as a lift): span event {@code zt.action},
   * counter {@code zt.actions}, a WARN line naming the rule and the evidence.
   */
  void action(ResponseAction.Kind kind, String target, String rule, String evidence, java.time.Duration ttl) {
    String name = kind == null ? "STATE_CHANGE" : kind.name();
    actions.add(1, Attributes.of(ACTION, name, RULE, rule));
    Span span = Span.current();
    if (span.isRecording()) {
      span.addEvent("zt.action", Attributes.builder().put(ACTION, name).put(TARGET, target).put(RULE, rule)
          .put(EVIDENCE, evidence).put(TTL, ttl.toSeconds()).build());
    }
    LOG.warn("zt action={} target=\"{}\" rule={} ttl={}s evidence=\"{}\"", name, target, rule, ttl.toSeconds(),
        evidence);
  }

  private static final java.util.List<String> MONITORED_HEADERS =
      java.util.List.of("User-Agent", "X-Forwarded-For", "X-Geo-Country", "X-Device-Posture", "Referer", "Origin");

  /** Enhanced monitoring: the full request of a monitored identity, allow-listed headers only, at INFO. */
  void monitored(Exchange ex, Decision decision, boolean unredacted) {
    StringBuilder h = new StringBuilder();
    for (String name : MONITORED_HEADERS) {
      for (String v : ex.request().headers().values(name)) {
        v = unredacted || !name.equals("Referer") ? v : Redaction.referer(v);
        h.append(name).append('=').append(v.replaceAll("[^\\x20-\\x7e]", "?")).append("; ");
      }
    }
    String query = unredacted ? ex.request().rawQuery() : Redaction.queryValues(ex.request().rawQuery());
    LOG.info("zt monitored identity={} decision={} rule=\"{}\" method={} raw_path=\"{}\" query=\"{}\" trust={}"
            + " headers=\"{}\"",
        ex.identity(), decision.allowed() ? "allow" : ((Decision.Deny) decision).reason(), decision.rule(),
        ex.request().method(), ex.request().rawPath().replaceAll("[^\\x20-\\x7e]", "?"),
        query.replaceAll("[^\\x20-\\x7e]", "?"),
        ex.trust().map(TrustScore::summary).orElse("-"), h);
  }
}
