package dev.zt.testkit.it.core;

import dev.zt.core.Enforcer;

import dev.zt.core.credential.PeerVerifier;
import dev.zt.core.policy.Route;

import static dev.zt.testkit.ZtAssertions.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.zt.testkit.TestClock;
import dev.zt.testkit.TestIssuer;
import dev.zt.testkit.TestRequest;
import dev.zt.testkit.ZtExtension;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.junit5.OpenTelemetryExtension;
import io.opentelemetry.sdk.trace.data.EventData;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Every decision is an OpenTelemetry span event and a counted metric, naming gate,
    reason and rule; never the token. */
@ExtendWith(ZtExtension.class)
class AuditTests {

  @RegisterExtension
  static final OpenTelemetryExtension otel = OpenTelemetryExtension.create();

  TestIssuer issuer;
  Enforcer enforcer;

  @BeforeEach
  void setUp(TestIssuer issuer, TestClock clock) {
    this.issuer = issuer;
    this.enforcer = Fixtures.enforcer(issuer, clock, b -> b, otel.getOpenTelemetry());
  }

  private EventData decideInSpan(TestRequest request) {
    Span span = otel.getOpenTelemetry().getTracer("test").spanBuilder("request").startSpan();
    try (Scope ignored = span.makeCurrent()) {
      await(enforcer.enforce(request.build()));
    } finally {
      span.end();
    }
    List<EventData> events = otel.getSpans().get(otel.getSpans().size() - 1).getEvents();
    assertThat(events).hasSize(1);
    assertThat(events.get(0).getName()).isEqualTo("zt.decision");
    return events.get(0);
  }

  @Test
  void enforceWhenAllowedThenRecordsAllowEventWithRuleAndSubject() {
    String token = issuer.token().subject("alice").scope("orders:read").claim("client_id", "web").build();
    EventData e = decideInSpan(TestRequest.get("/orders").bearer(token));
    assertThat(e.getAttributes().get(AttributeKey.stringKey("zt.decision"))).isEqualTo("allow");
    assertThat(e.getAttributes().get(AttributeKey.stringKey("zt.rule"))).isEqualTo("GET /orders");
    assertThat(e.getAttributes().get(AttributeKey.stringKey("enduser.id"))).isEqualTo("alice");
    assertThat(e.getAttributes().get(AttributeKey.stringKey("zt.client_id"))).isEqualTo("web");
    assertThat(e.getAttributes().get(AttributeKey.stringKey("http.route"))).isEqualTo("/orders");
    assertThat(e.getAttributes().asMap().values()).noneMatch(v -> v.toString().contains(token));
  }

  @Test
  void enforceWhenDeniedThenRecordsGateReasonRuleAndStatus() {
    String token = issuer.token().scope("orders:read").issuedIn(Duration.ofMinutes(-30))
        .expiresIn(Duration.ofMinutes(-5)).build();
    EventData e = decideInSpan(TestRequest.get("/orders").bearer(token));
    assertThat(e.getAttributes().get(AttributeKey.stringKey("zt.decision"))).isEqualTo("deny");
    assertThat(e.getAttributes().get(AttributeKey.stringKey("zt.gate"))).isEqualTo("credential");
    assertThat(e.getAttributes().get(AttributeKey.stringKey("zt.reason"))).isEqualTo("TOKEN_EXPIRED");
    assertThat(e.getAttributes().get(AttributeKey.stringKey("zt.rule"))).isEqualTo("GET /orders");
    assertThat(e.getAttributes().get(AttributeKey.longKey("http.response.status_code"))).isEqualTo(401L);
    assertThat(e.getAttributes().asMap().values()).noneMatch(v -> v.toString().contains(token));
  }

  @Test
  void enforceWhenRouteUnmatchedThenRecordsDefaultDeny() {
    String token = issuer.token().scope("orders:read").build();
    EventData e = decideInSpan(TestRequest.get("/transactions").bearer(token));
    assertThat(e.getAttributes().get(AttributeKey.stringKey("zt.reason"))).isEqualTo("ROUTE_UNMATCHED");
    assertThat(e.getAttributes().get(AttributeKey.stringKey("zt.rule"))).isEqualTo(Route.DEFAULT_DENY);
    assertThat(e.getAttributes().get(AttributeKey.stringKey("zt.gate"))).isEqualTo("policy");
  }

  @Test
  void enforceWhenDecidingThenCountsDecisionsByReason() {
    String token = issuer.token().scope("orders:read").build();
    await(enforcer.enforce(TestRequest.get("/orders").bearer(token).build()));
    await(enforcer.enforce(TestRequest.get("/orders").bearer(token).build()));
    await(enforcer.enforce(TestRequest.get("/orders").build()));
    MetricData metric = otel.getMetrics().stream().filter(m -> m.getName().equals("zt.decisions")).findFirst()
        .orElseThrow();
    long allows = sum(metric, "allow", "ALLOWED");
    long missing = sum(metric, "deny", "CREDENTIAL_MISSING");
    assertThat(allows).isEqualTo(2);
    assertThat(missing).isEqualTo(1);
  }

  @Test
  void enforceWhenPeerVerifiedAndTokenThenRecordsWorkloadBesideSubject(TestClock clock) {
    String checkout = "spiffe://example.org/ns/shop/sa/checkout";
    java.util.List<java.security.cert.X509Certificate> chain =
        dev.zt.testkit.spiffe.TestTrustDomain.create("example.org").issueX509Svid("/ns/shop/sa/checkout").chain();
    enforcer = Enforcer.builder().bearerJwt(issuer.bearerJwt().build()).routes(Fixtures.routes()).clock(clock)
        .openTelemetry(otel.getOpenTelemetry()).peerVerifier(c -> new PeerVerifier.Verified(checkout)).build();
    String token = issuer.token().subject("alice").scope("orders:read").build();

    EventData e = decideInSpan(TestRequest.get("/orders").bearer(token).peerCertificates(chain));

    assertThat(e.getAttributes().get(AttributeKey.stringKey("zt.decision"))).isEqualTo("allow");
    assertThat(e.getAttributes().get(AttributeKey.stringKey("enduser.id"))).isEqualTo("alice");
    assertThat(e.getAttributes().get(AttributeKey.stringKey("zt.workload"))).isEqualTo(checkout);
  }

  @Test
  void enforceWhenPeerRejectedThenRecordsPeerGateAndReason(TestClock clock) {
    java.util.List<java.security.cert.X509Certificate> chain =
        dev.zt.testkit.spiffe.TestTrustDomain.create("example.org").issueX509Svid("/a").chain();
    enforcer = Enforcer.builder().bearerJwt(issuer.bearerJwt().build()).routes(Fixtures.routes()).clock(clock)
        .openTelemetry(otel.getOpenTelemetry()).peerVerifier(c -> new PeerVerifier.Rejected("test: not trusted"))
        .build();

    EventData e = decideInSpan(TestRequest.get("/health").peerCertificates(chain));

    assertThat(e.getAttributes().get(AttributeKey.stringKey("zt.gate"))).isEqualTo("peer");
    assertThat(e.getAttributes().get(AttributeKey.stringKey("zt.reason"))).isEqualTo("PEER_REJECTED");
    assertThat(e.getAttributes().get(AttributeKey.longKey("http.response.status_code"))).isEqualTo(403L);
    assertThat(e.getAttributes().get(AttributeKey.stringKey("zt.detail"))).contains("test: not trusted");
  }

  private static long sum(MetricData metric, String decision, String reason) {
    return metric.getLongSumData().getPoints().stream()
        .filter(p -> decision.equals(p.getAttributes().get(AttributeKey.stringKey("zt.decision"))))
        .filter(p -> reason.equals(p.getAttributes().get(AttributeKey.stringKey("zt.reason"))))
        .mapToLong(LongPointData::getValue)
        .sum();
  }
}
