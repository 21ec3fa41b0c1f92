package dev.zt.core;

import dev.zt.core.countermeasure.Countermeasure;
import dev.zt.core.internal.Redaction;
import dev.zt.core.internal.pipeline.AuditSink;
import dev.zt.core.internal.pipeline.RequestState;
import dev.zt.core.policy.Route;
import dev.zt.core.policy.RoutePolicy;
import dev.zt.core.trust.TrustScore;

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
final class Audit implements AuditSink {

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

  private static final Logger AUDIT_LOG = LoggerFactory.getLogger("dev.zt.audit");

  /** The audit log, or a no-op one for an enforcer that decides made-up requests (a policy file's embedded tests). */
  private final Logger log;

  static final AttributeKey<String> ACTION = AttributeKey.stringKey("zt.action");
  static final AttributeKey<String> TARGET = AttributeKey.stringKey("zt.target");
  static final AttributeKey<String> EVIDENCE = AttributeKey.stringKey("zt.evidence");
  static final AttributeKey<String> SEVERITY = AttributeKey.stringKey("zt.severity");
  static final AttributeKey<String> IDENTITY = AttributeKey.stringKey("zt.identity");
  static final AttributeKey<Long> TTL = AttributeKey.longKey("zt.ttl_seconds");
  static final AttributeKey<String> TRUST = AttributeKey.stringKey("zt.trust");

  static final String SHADOW_EVENT = "zt.shadow";
  static final AttributeKey<String> OBJECT_ACTION = AttributeKey.stringKey("zt.object.action");
  static final AttributeKey<String> RESOURCE_TYPE = AttributeKey.stringKey("zt.resource.type");
  static final AttributeKey<String> RESOURCE_ID = AttributeKey.stringKey("zt.resource.id");
  static final AttributeKey<String> WOULD = AttributeKey.stringKey("zt.shadow.would");
  static final AttributeKey<String> ACTUAL = AttributeKey.stringKey("zt.shadow.actual");

  private final LongCounter decisions;
  private final LongCounter shadows;
  private final LongCounter verdicts;
  private final LongCounter actions;
  private final Map<Route, Attributes> allowAttributes = new IdentityHashMap<>();
  private final Map<String, Attributes> denyAttributes = new ConcurrentHashMap<>();
  private final Map<String, Attributes> objectAllows = new ConcurrentHashMap<>();

  Audit(OpenTelemetry otel, RoutePolicy routes) {
    this(otel, routes, false);
  }

  /** With {@code quiet}, nothing is logged: for enforcers whose decisions are tests, not requests. */
  Audit(OpenTelemetry otel, RoutePolicy routes, boolean quiet) {
    this.log = quiet ? org.slf4j.helpers.NOPLogger.NOP_LOGGER : AUDIT_LOG;
    this.decisions = otel.getMeter("dev.zt")
        .counterBuilder("zt.decisions")
        .setDescription("Enforcement decisions by decision, gate, reason and rule")
        .setUnit("{decision}")
        .build();
    this.verdicts = otel.getMeter("dev.zt").counterBuilder("zt.verdicts")
        .setDescription("Detector verdicts by rule and severity").setUnit("{verdict}").build();
    this.shadows = otel.getMeter("dev.zt").counterBuilder("zt.shadows")
        .setDescription("Shadow (dry-run) rule outcomes by rule, would-be and actual answer").setUnit("{decision}")
        .build();
    this.actions = otel.getMeter("dev.zt").counterBuilder("zt.actions")
        .setDescription("Automated and manual responses by action and rule").setUnit("{action}").build();
    for (Route r : routes.routes()) {
      allowAttributes.put(r, Attributes.of(DECISION, "allow", GATE, "policy", REASON, "ALLOWED", RULE, r.id()));
    }
  }

  void record(RequestState ex, Decision decision) {
    Attributes metric;
    if (decision instanceof Decision.Allow) {
      metric = allowAttributes.get(ex.routeOrNull());
    } else if (decision instanceof Decision.Answer answer) {
      metric = denyAttributes.computeIfAbsent("answer\u0000" + answer.rule(),
          k -> Attributes.of(DECISION, "answer", GATE, "enforcer", REASON, "ANSWERED", RULE, answer.rule()));
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
      c.credential().flatMap(dev.zt.core.credential.VerifiedCredential::tokenId).ifPresent(s -> b.put(TOKEN_ID, s));
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
      if (log.isInfoEnabled()) {
        log.info(decisionLine(ex, decision));
      }
    } else if (log.isDebugEnabled()) {
      log.debug(decisionLine(ex, decision));
    }
  }

  /**
   * An object-level decision ({@code Authorization.check}): counted and recorded like a request decision (gate
   * {@code object} or {@code pdp}, the deciding rule), with the action and the resource type and id; allows at DEBUG,
   * denials at INFO.
   */
  void object(RequestContext request, String path, Caller caller, Decision decision, String action,
      dev.zt.core.authz.Resource resource, String detail) {
    Attributes metric;
    if (decision instanceof Decision.Deny d) {
      metric = denyAttributes.computeIfAbsent(d.gate() + '\u0000' + d.reason() + '\u0000' + d.rule(),
          k -> Attributes.of(DECISION, "deny", GATE, d.gate(), REASON, d.reason().name(), RULE, d.rule()));
    } else {
      metric = objectAllows.computeIfAbsent(decision.rule(),
          k -> Attributes.of(DECISION, "allow", GATE, "object", REASON, "ALLOWED", RULE, decision.rule()));
    }
    decisions.add(1, metric);
    Span span = Span.current();
    if (span.isRecording()) {
      AttributesBuilder b = metric.toBuilder().put(METHOD, request.method()).put(PATH, path)
          .put(OBJECT_ACTION, action).put(RESOURCE_TYPE, resource.type()).put(RESOURCE_ID, resource.id());
      caller.subject().ifPresent(v -> b.put(SUBJECT, v));
      caller.clientId().ifPresent(v -> b.put(CLIENT, v));
      caller.workload().ifPresent(v -> b.put(WORKLOAD, v));
      if (decision instanceof Decision.Deny d) {
        b.put(STATUS, (long) d.status());
      }
      if (!detail.isEmpty()) {
        b.put(DETAIL, detail);
      }
      span.addEvent(EVENT, b.build());
    }
    boolean deny = decision instanceof Decision.Deny;
    if (deny ? log.isInfoEnabled() : log.isDebugEnabled()) {
      Line line = new Line("zt");
      if (decision instanceof Decision.Deny d) {
        line.field("decision", "deny").number("status", d.status()).field("gate", d.gate())
            .field("reason", d.reason().name());
      } else {
        line.field("decision", "allow").field("gate", "object");
      }
      line.field("rule", decision.rule()).field("action", action).field("resource", resource.type())
          .field("id", resource.id()).field("method", request.method()).field("path", path)
          .field("sub", caller.subject().orElse("-")).field("client", caller.clientId().orElse("-"))
          .field("workload", caller.workload().orElse("-")).field("detail", detail);
      if (deny) {
        log.info(line.toString());
      } else {
        log.debug(line.toString());
      }
    }
  }

  /**
   * A shadow (dry-run) rule's outcome: span event {@code zt.shadow}, counter {@code zt.shadows}, an INFO line naming
   * the rule, what it would have answered and the real answer.
   */
  void shadow(String kind, String rule, String would, String actual, String method, String path, Caller caller) {
    shadows.add(1, Attributes.of(RULE, rule, WOULD, would, ACTUAL, actual));
    Span span = Span.current();
    if (span.isRecording()) {
      AttributesBuilder b = Attributes.builder().put(RULE, rule).put(WOULD, would).put(ACTUAL, actual)
          .put(GATE, kind).put(METHOD, method).put(PATH, path);
      caller.subject().ifPresent(v -> b.put(SUBJECT, v));
      span.addEvent(SHADOW_EVENT, b.build());
    }
    if (log.isInfoEnabled()) {
      log.info(new Line("zt shadow").field("kind", kind).field("rule", rule).field("would", would)
          .field("actual", actual).field("method", method).field("path", path)
          .field("sub", caller.subject().orElse("-")).toString());
    }
  }

  /**
   * The SLF4J line of a decision: {@code zt decision="deny" status=401 gate="…" …}. Every value that is not a number
   * zt made is quoted and escaped ({@link #quoted}), so nothing a request carries (a path with {@code %22}, a
   * subject with a line separator) can end a value, add a field or start a line.
   */
  static String decisionLine(RequestState ex, Decision decision) {
    Line line = new Line("zt");
    if (decision instanceof Decision.Deny d) {
      line.field("decision", "deny").number("status", d.status()).field("gate", d.gate())
          .field("reason", d.reason().name());
    } else {
      line.field("decision", decision instanceof Decision.Answer ? "answer" : "allow");
    }
    line.field("rule", decision.rule()).field("method", ex.request().method()).field("path", ex.path())
        .field("sub", ex.caller().subject().orElse("-")).field("client", ex.caller().clientId().orElse("-"))
        .field("workload", ex.caller().workload().orElse("-"));
    if (decision instanceof Decision.Deny) {
      line.field("detail", ex.detail());
    }
    return line.toString();
  }

  /** A log line of {@code name="value"} fields, every value escaped by {@link #quoted}. */
  static final class Line {
    private final StringBuilder sb = new StringBuilder(160);

    Line(String prefix) {
      sb.append(prefix);
    }

    Line field(String name, String value) {
      sb.append(' ').append(name).append('=');
      quoted(sb, value);
      return this;
    }

    Line number(String name, long value) {
      sb.append(' ').append(name).append('=').append(value);
      return this;
    }

    @Override
    public String toString() {
      return sb.toString();
    }
  }

  /**
   * Appends {@code value} in double quotes: {@code "} and {@code \\} escaped with a backslash, CR, LF and TAB as
   * {@code \\r \\n \\t}, and every other character that is not printable text — C0 and C1 controls (U+0085 among
   * them), U+2028/U+2029, format characters (bidirectional overrides), unpaired surrogates, private-use and
   * unassigned code points — as a backslash, {@code u} and four hex digits. The result is one line, and the value
   * ends only at its closing quote.
   */
  static void quoted(StringBuilder sb, String value) {
    sb.append('"');
    int n = value.length();
    for (int i = 0; i < n; i++) {
      char c = value.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c >= 0x20 && c < 0x7f) {
            sb.append(c);
          } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(value.charAt(i + 1))) {
            int cp = Character.toCodePoint(c, value.charAt(i + 1));
            if (printable(cp)) {
              sb.append(c).append(value.charAt(i + 1));
            } else {
              escape(sb, c);
              escape(sb, value.charAt(i + 1));
            }
            i++;
          } else if (printable(c)) {
            sb.append(c);
          } else {
            escape(sb, c);
          }
        }
      }
    }
    sb.append('"');
  }

  static String quoted(String value) {
    StringBuilder sb = new StringBuilder(value.length() + 2);
    quoted(sb, value);
    return sb.toString();
  }

  private static boolean printable(int cp) {
    return switch (Character.getType(cp)) {
      case Character.CONTROL, Character.FORMAT, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR,
          Character.SURROGATE, Character.PRIVATE_USE, Character.UNASSIGNED -> false;
      default -> true;
    };
  }

  private static void escape(StringBuilder sb, char c) {
    sb.append("\\u");
    String hex = Integer.toHexString(c);
    for (int k = hex.length(); k < 4; k++) {
      sb.append('0');
    }
    sb.append(hex);
  }

  /** A detector's verdict: span event {@code zt.verdict}, counter {@code zt.verdicts}, a WARN line. */
  @Override
  public void verdict(dev.zt.core.detect.Verdict v, String identity) {
    verdicts.add(1, Attributes.of(RULE, v.rule(), SEVERITY, v.severity().name()));
    Span span = Span.current();
    if (span.isRecording()) {
      span.addEvent("zt.verdict", Attributes.of(RULE, v.rule(), SEVERITY, v.severity().name(), EVIDENCE,
          v.evidence(), IDENTITY, identity));
    }
    log.warn(new Line("zt verdict").field("rule", v.rule()).field("severity", v.severity().name())
        .field("identity", identity).field("evidence", v.evidence()).toString());
  }

  /**
   * A response action (or, with a null kind, a change of state such as a lift): span event {@code zt.action},
   * counter {@code zt.actions}, a WARN line naming the rule and the evidence.
   */
  @Override
  public void action(Countermeasure.Kind kind, String target, String rule, String evidence, java.time.Duration ttl) {
    String name = kind == null ? "STATE_CHANGE" : kind.name();
    actions.add(1, Attributes.of(ACTION, name, RULE, rule));
    Span span = Span.current();
    if (span.isRecording()) {
      span.addEvent("zt.action", Attributes.builder().put(ACTION, name).put(TARGET, target).put(RULE, rule)
          .put(EVIDENCE, evidence).put(TTL, ttl.toSeconds()).build());
    }
    log.warn(new Line("zt").field("action", name).field("target", target).field("rule", rule)
        .number("ttl_seconds", ttl.toSeconds()).field("evidence", evidence).toString());
  }

  private static final java.util.List<String> MONITORED_HEADERS =
      java.util.List.of("User-Agent", "X-Forwarded-For", "X-Geo-Country", "X-Device-Posture", "Referer", "Origin");

  /** Enhanced monitoring: the full request of a monitored identity, allow-listed headers only, at INFO. */
  void monitored(RequestState ex, Decision decision, boolean unredacted) {
    StringBuilder h = new StringBuilder();
    for (String name : MONITORED_HEADERS) {
      for (String v : ex.request().headers().values(name)) {
        v = unredacted || !name.equals("Referer") ? v : Redaction.referer(v);
        h.append(name).append('=').append(v).append("; ");
      }
    }
    String query = unredacted ? ex.request().rawQuery() : Redaction.queryValues(ex.request().rawQuery());
    log.info(new Line("zt monitored").field("identity", ex.identity())
        .field("decision", decision.allowed() ? "allow" : ((Decision.Deny) decision).reason().name())
        .field("rule", decision.rule()).field("method", ex.request().method())
        .field("raw_path", ex.request().rawPath()).field("query", query)
        .field("trust", ex.trust().map(TrustScore::summary).orElse("-")).field("headers", h.toString()).toString());
  }
}
