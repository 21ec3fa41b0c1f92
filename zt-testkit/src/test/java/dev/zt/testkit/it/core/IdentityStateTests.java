package dev.zt.testkit.it.core;

import dev.zt.core.Decision;
import dev.zt.core.DenyReason;
import dev.zt.core.Enforcer;

import dev.zt.core.countermeasure.SecurityEvent;
import dev.zt.core.internal.pipeline.Identities;
import dev.zt.core.policy.Requirement;
import dev.zt.core.policy.RoutePolicy;
import dev.zt.core.rate.RateLimit;
import dev.zt.core.rate.RatePolicy;
import dev.zt.core.trust.SignalResult;
import dev.zt.core.trust.TrustLevel;
import dev.zt.core.trust.TrustPolicy;
import dev.zt.core.trust.TrustSignal;

import static dev.zt.testkit.ZtAssertions.assertThatDecision;
import static dev.zt.testkit.ZtAssertions.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.zt.testkit.TestClock;
import dev.zt.testkit.TestIssuer;
import dev.zt.testkit.TestRequest;
import dev.zt.testkit.ZtExtension;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.testing.junit5.OpenTelemetryExtension;
import io.opentelemetry.sdk.trace.data.EventData;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The per-identity state the trust and rate gates share ({@code Identities}): buckets per identity × route × tenant,
 * the network-wide bucket of anonymous callers, the bound on identities kept, and the trust breakdown that the
 * steady path no longer stores but rebuilds when the audit reads it.
 */
@ExtendWith(ZtExtension.class)
class IdentityStateTests {

  @RegisterExtension
  static final OpenTelemetryExtension otel = OpenTelemetryExtension.create();

  TestIssuer issuer;
  TestClock clock;

  @BeforeEach
  void setUp(TestIssuer issuer, TestClock clock) {
    this.issuer = issuer;
    this.clock = clock;
  }

  private Enforcer enforcer(UnaryOperator<Enforcer.Builder> more) {
    Enforcer.Builder b = Enforcer.builder()
        .bearerJwt(issuer.bearerJwt().build())
        .routes(RoutePolicy.builder()
            .get("/orders", Requirement.allScopes("orders:read")
                .and(Requirement.minimumTrust(TrustLevel.MEDIUM).orStepUp("mfa", Duration.ofMinutes(5))))
            .get("/search", Requirement.authenticated())
            .get("/health", Requirement.permitAll())
            .build())
        .clock(clock)
        .openTelemetry(otel.getOpenTelemetry())
        .trustForwardedFor(InetAddress::isLoopbackAddress);
    return more.apply(b).build();
  }

  private Decision get(Enforcer e, String path, String token, String... headers) {
    TestRequest r = TestRequest.get(path).clock(clock);
    if (token != null) {
      r.bearer(token);
    }
    for (int i = 0; i < headers.length; i += 2) {
      r.header(headers[i], headers[i + 1]);
    }
    return await(e.enforce(r.build()));
  }

  private static RatePolicy.Builder twoPerTenSeconds(String route) {
    return RatePolicy.builder().route(route, RateLimit.of("t", 2, Duration.ofSeconds(10)));
  }

  @Test
  void enforceWhenSameSubjectInTwoTenantsThenEachTenantHasItsOwnBucket() {
    Enforcer e = enforcer(b -> b.rateLimits(twoPerTenSeconds("GET /search").tenantClaim("tid").build()));
    String acme = issuer.token().subject("alice").claim("tid", "acme").build();
    String globex = issuer.token().subject("alice").claim("tid", "globex").build();
    String acmeAgain = issuer.token().subject("alice").claim("tid", "acme").claim("jti", "another").build();
    assertThatDecision(get(e, "/search", acme)).isAllowed();
    assertThatDecision(get(e, "/search", acmeAgain)).as("same subject and tenant, another token").isAllowed();
    assertThatDecision(get(e, "/search", acme)).isDeniedWith(DenyReason.RATE_LIMITED);
    assertThatDecision(get(e, "/search", globex)).isAllowed();
    assertThatDecision(get(e, "/search", globex)).isAllowed();
    assertThatDecision(get(e, "/search", globex)).isDeniedWith(DenyReason.RATE_LIMITED);
  }

  @Test
  void enforceWhenOneIdentityUsesTwoRoutesThenEachRouteHasItsOwnBucket() {
    Enforcer e = enforcer(b -> b.rateLimits(RatePolicy.builder()
        .defaultLimit(RateLimit.of("t", 2, Duration.ofSeconds(10))).build()));
    String token = issuer.token().subject("alice").scope("orders:read").build();
    for (int i = 0; i < 2; i++) {
      assertThatDecision(get(e, "/search", token)).isAllowed();
      assertThatDecision(get(e, "/orders", token)).isAllowed();
    }
    assertThatDecision(get(e, "/search", token)).isDeniedWith(DenyReason.RATE_LIMITED);
    assertThatDecision(get(e, "/orders", token)).isDeniedWith(DenyReason.RATE_LIMITED);
    // requests that matched no rule share one more bucket of their own (and are denied by default anyway)
    assertThatDecision(get(e, "/nowhere", token)).isDeniedWith(DenyReason.ROUTE_UNMATCHED);
    assertThatDecision(get(e, "/elsewhere", token)).isDeniedWith(DenyReason.ROUTE_UNMATCHED);
    assertThatDecision(get(e, "/nowhere", token)).isDeniedWith(DenyReason.RATE_LIMITED);
  }

  @Test
  void enforceWhenAnonymousCallersRotateAddressesInsideANetworkThenTheNetworkBucketStopsThem() {
    Enforcer e = enforcer(b -> b.rateLimits(twoPerTenSeconds("GET /health").networkMultiplier(2).build()));
    // each address has 2, its /24 has 4
    for (String a : List.of("203.0.113.1", "203.0.113.2")) {
      assertThatDecision(get(e, "/health", null, "X-Forwarded-For", a)).isAllowed();
      assertThatDecision(get(e, "/health", null, "X-Forwarded-For", a)).isAllowed();
    }
    assertThatDecision(get(e, "/health", null, "X-Forwarded-For", "203.0.113.3"))
        .isDeniedWith(DenyReason.RATE_LIMITED);
    assertThatDecision(get(e, "/health", null, "X-Forwarded-For", "203.0.114.3")).as("another /24").isAllowed();
    assertThatDecision(get(e, "/health", null, "X-Forwarded-For", "2001:db8:0:1::1")).isAllowed();
    clock.advance(Duration.ofSeconds(10));
    assertThatDecision(get(e, "/health", null, "X-Forwarded-For", "203.0.113.3")).isAllowed();
  }

  @Test
  void enforceWhenMoreIdentitiesThanKeptThenMemoryStaysBoundedAndLimitsStillHold() {
    Enforcer e = enforcer(b -> b.rateLimits(twoPerTenSeconds("GET /health").maxBuckets(100).build()));
    for (int i = 0; i < 2_000; i++) {
      assertThatDecision(get(e, "/health", null, "X-Forwarded-For", "10." + (i / 250) + "." + (i % 250) + ".1"))
          .isAllowed();
    }
    String token = issuer.token().subject("alice").build();
    assertThatDecision(get(e, "/health", token)).isAllowed();
    assertThatDecision(get(e, "/health", token)).isAllowed();
    assertThatDecision(get(e, "/health", token)).isDeniedWith(DenyReason.RATE_LIMITED);
  }

  @Test
  void enforceWhenTrustDeniesThenAuditCarriesTheWholeBreakdownThoughTheSteadyPathKeptNone() {
    TrustSignal device = ctx -> ctx.request().headers().values("X-Device-Posture").contains("noncompliant")
        ? SignalResult.hardFail("non-compliant") : SignalResult.of(1.0, "compliant");
    Enforcer e = enforcer(b -> b.trust(TrustPolicy.builder().signal("device", 2, device).tokenAge(1).channel(0.5)
        .behaviour(1).build()));
    String token = issuer.token().subject("alice").scope("orders:read").build();
    EventData allowed = decideInSpan(e, token, "compliant");
    assertThat(allowed.getAttributes().get(AttributeKey.stringKey("zt.trust")))
        .isEqualTo("0.96 HIGH [device=1.00(compliant) token_age=1.00(fresh token) channel=0.70(no mTLS)"
            + " behaviour=-(learning)]");
    EventData denied = decideInSpan(e, token, "noncompliant");
    assertThat(denied.getAttributes().get(AttributeKey.stringKey("zt.reason"))).isEqualTo("STEP_UP_REQUIRED");
    assertThat(denied.getAttributes().get(AttributeKey.stringKey("zt.trust")))
        .isEqualTo("0.00 CRITICAL [device=FAIL(non-compliant) token_age=1.00(fresh token) channel=0.70(no mTLS)"
            + " behaviour=-(learning)]");
    assertThat(denied.getAttributes().get(AttributeKey.stringKey("zt.detail")))
        .startsWith("trust 0.00 CRITICAL [device=FAIL(non-compliant)").endsWith("below MEDIUM");
  }

  @Test
  void enforceWhenSubjectPinnedCriticalThenBreakdownNamesTheEvent() {
    Enforcer e = enforcer(b -> b.trust(TrustPolicy.builder().tokenAge(1).build()));
    String token = issuer.token().subject("alice").scope("orders:read").build();
    e.countermeasures().accept(SecurityEvent.deviceComplianceChange("alice", false, clock.instant()));
    EventData denied = decideInSpan(e, token, "compliant");
    assertThat(denied.getAttributes().get(AttributeKey.stringKey("zt.trust")))
        .isEqualTo("0.00 CRITICAL [token_age=1.00(fresh token) events=FAIL(CRITICAL after a security event)]");
  }

  private EventData decideInSpan(Enforcer e, String token, String posture) {
    Span span = otel.getOpenTelemetry().getTracer("test").spanBuilder("request").startSpan();
    try (Scope ignored = span.makeCurrent()) {
      get(e, "/orders", token, "X-Device-Posture", posture);
    } finally {
      span.end();
    }
    List<EventData> events = otel.getSpans().get(otel.getSpans().size() - 1).getEvents();
    return events.stream().filter(ev -> ev.getName().equals("zt.decision")).reduce((a, b) -> b).orElseThrow();
  }
}
