package dev.zt.testkit.it.core;

import dev.zt.core.internal.pipeline.CoreAccess;
import dev.zt.core.Decision;
import dev.zt.core.DenyReason;
import dev.zt.core.Enforcer;
import dev.zt.core.WireResponse;

import dev.zt.core.countermeasure.Countermeasure;
import dev.zt.core.countermeasure.Countermeasures;
import dev.zt.core.countermeasure.SecurityEvent;
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
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Trust gate, rate gate, detectors and automated responses through the enforcer (issue 6). */
@ExtendWith(ZtExtension.class)
class ContinuousVerificationTests {

  @RegisterExtension
  static final OpenTelemetryExtension otel = OpenTelemetryExtension.create();

  TestIssuer issuer;
  TestClock clock;

  @BeforeEach
  void setUp(TestIssuer issuer, TestClock clock) {
    this.issuer = issuer;
    this.clock = clock;
  }

  /** The sample's device signal: posture from a header (a stand-in for an MDM lookup). */
  static final TrustSignal DEVICE = ctx -> {
    List<String> v = ctx.request().headers().values("X-Device-Posture");
    if (v.isEmpty()) {
      return SignalResult.abstain("no posture");
    }
    return v.get(0).equals("compliant") ? SignalResult.of(1.0, "compliant") : SignalResult.hardFail("non-compliant");
  };

  private Enforcer enforcer(UnaryOperator<Enforcer.Builder> more) {
    Enforcer.Builder b = Enforcer.builder()
        .bearerJwt(issuer.bearerJwt().build())
        .routes(RoutePolicy.builder()
            .get("/orders", Requirement.allScopes("orders:read")
                .and(Requirement.minimumTrust(TrustLevel.MEDIUM).orStepUp("mfa", Duration.ofMinutes(5))))
            .get("/payouts", Requirement.allScopes("orders:read").and(Requirement.minimumTrust(TrustLevel.HIGH)))
            .get("/search", Requirement.authenticated())
            .get("/health", Requirement.permitAll())
            .build())
        .realm("orders")
        .clock(clock)
        .openTelemetry(otel.getOpenTelemetry())
        .trust(TrustPolicy.builder().signal("device", 2, DEVICE).tokenAge(1).build())
        .trustForwardedFor(InetAddress::isLoopbackAddress);
    return more.apply(b).build();
  }

  private Decision get(Enforcer e, String target, String token, String... headers) {
    int q = target.indexOf('?');
    TestRequest r = TestRequest.get(q < 0 ? target : target.substring(0, q)).clock(clock);
    if (q >= 0) {
      r.query(target.substring(q + 1));
    }
    if (token != null) {
      r.bearer(token);
    }
    for (int i = 0; i < headers.length; i += 2) {
      r.header(headers[i], headers[i + 1]);
    }
    return await(e.enforce(r.build()));
  }

  private String reader() {
    return issuer.token().subject("alice").scope("orders:read").build();
  }

  // ---- trust gate

  @Test
  void enforceWhenDeviceNonCompliantThenAsksForStepUpPerRfc9470() {
    Enforcer e = enforcer(b -> b);
    String token = reader();
    assertThatDecision(get(e, "/orders", token, "X-Device-Posture", "compliant")).isAllowed();
    Decision d = get(e, "/orders", token, "X-Device-Posture", "noncompliant");
    assertThatDecision(d).isDeniedWith(DenyReason.STEP_UP_REQUIRED).hasStatus(401).byGate("trust");
    WireResponse wire = e.respond((Decision.Deny) d);
    assertThat(wire.headers().get("WWW-Authenticate")).isEqualTo(
        "Bearer realm=\"orders\", error=\"insufficient_user_authentication\","
            + " error_description=\"A stronger or more recent authentication is required.\", acr_values=\"mfa\","
            + " max_age=\"300\"");
    assertThat(wire.body()).doesNotContain("non-compliant").doesNotContain("device");
  }

  @Test
  void enforceWhenTrustBelowAFloorWithoutStepUpThenRefuses() {
    Enforcer e = enforcer(b -> b);
    // token age alone scores ~1.0, a compliant device 1.0: HIGH
    assertThatDecision(get(e, "/payouts", reader(), "X-Device-Posture", "compliant")).isAllowed();
    String old = issuer.token().subject("alice").scope("orders:read").issuedIn(Duration.ofMinutes(-55))
        .expiresIn(Duration.ofMinutes(5)).build();
    // no posture (abstains) and an old token (~0.54): MEDIUM, below HIGH
    assertThatDecision(get(e, "/payouts", old)).isDeniedWith(DenyReason.TRUST_TOO_LOW).hasStatus(403);
  }

  @Test
  void acceptWhenDeviceTurnsNonCompliantThenAccessEndsDespiteAValidToken() {
    Enforcer e = enforcer(b -> b);
    String token = reader();
    assertThatDecision(get(e, "/orders", token)).isAllowed();
    e.countermeasures().accept(SecurityEvent.deviceComplianceChange("alice", false, clock.instant()));
    assertThatDecision(get(e, "/orders", token)).isDeniedWith(DenyReason.STEP_UP_REQUIRED);
    e.countermeasures().accept(SecurityEvent.deviceComplianceChange("alice", true, clock.instant()));
    assertThatDecision(get(e, "/orders", token)).isAllowed();
  }

  @Test
  void acceptWhenSessionRevokedThenEarlierTokensAreSuspendedAndNewOnesWork() {
    Enforcer e = enforcer(b -> b);
    String before = reader();
    assertThatDecision(get(e, "/search", before)).isAllowed();
    e.countermeasures().accept(SecurityEvent.sessionRevoked("alice", clock.instant()));
    assertThatDecision(get(e, "/search", before)).isDeniedWith(DenyReason.TOKEN_SUSPENDED).hasStatus(401);
    clock.advance(Duration.ofSeconds(5));
    e.countermeasures().liftSuspension("alice");
    String after = reader();
    assertThatDecision(get(e, "/search", after)).isAllowed();
  }

  // ---- rate gate

  @Test
  void enforceWhenRateLimitExhaustedThenAnswers429WithDraftHeaders() {
    Enforcer e = enforcer(b -> b.rateLimits(RatePolicy.builder()
        .route("GET /search", RateLimit.of("search", 5, Duration.ofSeconds(10))).build()));
    String token = reader();
    for (int i = 0; i < 5; i++) {
      assertThatDecision(get(e, "/search", token)).isAllowed();
    }
    Decision d = get(e, "/search", token);
    assertThatDecision(d).isDeniedWith(DenyReason.RATE_LIMITED).hasStatus(429).byGate("rate");
    WireResponse wire = e.respond((Decision.Deny) d);
    assertThat(wire.headers()).containsEntry("Retry-After", "10")
        .containsEntry("RateLimit-Policy", "\"search\";q=5;w=10")
        .containsEntry("RateLimit", "\"search\";r=0;t=10");
    assertThat(wire.body()).contains("https://iana.org/assignments/http-problem-types#quota-exceeded");
    // another identity has its own bucket
    assertThatDecision(get(e, "/search", issuer.token().subject("bob").build())).isAllowed();
    clock.advance(Duration.ofSeconds(10));
    assertThatDecision(get(e, "/search", token)).isAllowed();
  }

  @Test
  void enforceWhenCallerIsNotAdmittedByTheRouteThen429WithoutTheRoutesLimitNames() {
    Enforcer e = enforcer(b -> b.rateLimits(RatePolicy.builder()
        .route("GET /orders", RateLimit.of("orders-secret-tier", 2, Duration.ofSeconds(10))).build()));
    String noScope = issuer.token().subject("mallory").scope("profile").build();
    for (int i = 0; i < 2; i++) {
      assertThatDecision(get(e, "/orders", noScope, "X-Device-Posture", "compliant"))
          .isDeniedWith(DenyReason.INSUFFICIENT_SCOPE);
    }
    Decision d = get(e, "/orders", noScope, "X-Device-Posture", "compliant");
    assertThatDecision(d).isDeniedWith(DenyReason.RATE_LIMITED).hasStatus(429);
    WireResponse wire = e.respond((Decision.Deny) d);
    assertThat(wire.headers()).containsEntry("Retry-After", "10")
        .doesNotContainKeys("RateLimit-Policy", "RateLimit");
    assertThat(wire.headers().values()).noneMatch(v -> v.contains("orders-secret-tier"));
    // a caller the route admits is told the limit it hit
    String reader = reader();
    for (int i = 0; i < 2; i++) {
      assertThatDecision(get(e, "/orders", reader, "X-Device-Posture", "compliant")).isAllowed();
    }
    WireResponse admitted = e.respond((Decision.Deny) get(e, "/orders", reader, "X-Device-Posture", "compliant"));
    assertThat(admitted.headers()).containsEntry("RateLimit-Policy", "\"orders-secret-tier\";q=2;w=10");
  }

  // ---- anonymous callers learn nothing about which routes exist

  @Test
  void enforceWhenAnonymousOnUnknownPathOrTrustFlooredRouteThenTheSameAnswer() {
    Enforcer e = enforcer(b -> b);
    for (String posture : List.of("noncompliant", "compliant")) {
      Decision unknown = get(e, "/billing", null, "X-Device-Posture", posture);
      Decision stepUp = get(e, "/orders", null, "X-Device-Posture", posture);
      Decision refuse = get(e, "/payouts", null, "X-Device-Posture", posture);

      assertThatDecision(unknown).isDeniedWith(DenyReason.CREDENTIAL_MISSING).hasStatus(401);
      assertThatDecision(stepUp).isDeniedWith(DenyReason.CREDENTIAL_MISSING).hasStatus(401).byGate("policy");
      assertThatDecision(refuse).isDeniedWith(DenyReason.CREDENTIAL_MISSING).hasStatus(401).byGate("policy");
      WireResponse expected = e.respond((Decision.Deny) unknown);
      assertThat(e.respond((Decision.Deny) stepUp)).isEqualTo(expected);
      assertThat(e.respond((Decision.Deny) refuse)).isEqualTo(expected);
    }
    // a public route is still scored and served
    assertThatDecision(get(e, "/health", null, "X-Device-Posture", "noncompliant")).isAllowed();
  }

  @Test
  void enforceWhenAnonymousOnLimitedRoutesThenNoRateAnswerTellsRoutesApart() {
    Enforcer e = enforcer(b -> b.rateLimits(RatePolicy.builder()
        .route("GET /search", RateLimit.of("search", 1, Duration.ofSeconds(10)))
        .defaultLimit(RateLimit.of("default", 1000, Duration.ofSeconds(10))).build()));
    for (int i = 0; i < 5; i++) {
      Decision known = get(e, "/search", null);
      Decision unknown = get(e, "/nothing-here", null);
      assertThatDecision(known).isDeniedWith(DenyReason.CREDENTIAL_MISSING);
      assertThat(e.respond((Decision.Deny) known)).isEqualTo(e.respond((Decision.Deny) unknown));
    }
  }

  @Test
  void enforceWhenIdentityThrottledThenLimitTightensAndSaysAbnormalUsage() {
    Enforcer e = enforcer(b -> b.rateLimits(RatePolicy.builder()
        .route("GET /search", RateLimit.of("search", 10, Duration.ofSeconds(10))).build()));
    String token = reader();
    assertThatDecision(get(e, "/search", token)).isAllowed();
    CoreAccess.enforcers().countermeasures(e).onVerdict(new dev.zt.core.detect.Verdict("enumeration.identity",
        dev.zt.core.detect.Severity.HIGH,
        "test"), "sub:alice", Optional.empty(), Optional.empty());
    // 10 × 0.2 = 2 per window, and 1 of 10 (10 %) already used: 1 left after the proportional reshape
    int allowed = 0;
    Decision last = null;
    for (int i = 0; i < 5; i++) {
      last = get(e, "/search", token);
      allowed += last.allowed() ? 1 : 0;
    }
    assertThat(allowed).isBetween(1, 2);
    assertThatDecision(last).isDeniedWith(DenyReason.RATE_LIMITED_ABNORMAL).hasStatus(429);
    assertThat(e.respond((Decision.Deny) last).body()).contains("abnormal-usage-detected");
  }

  @Test
  void enforceWhenTrustDropsThenLiveBucketShrinksWithoutResettingConsumption() {
    Enforcer e = enforcer(b -> b.rateLimits(RatePolicy.builder()
        .route("GET /search", RateLimit.of("search", 10, Duration.ofSeconds(10))).build()));
    String token = reader();
    for (int i = 0; i < 6; i++) {
      assertThatDecision(get(e, "/search", token, "X-Device-Posture", "compliant")).isAllowed();
    }
    // non-compliant → CRITICAL → ×0.1: capacity 1, 4 of 10 left → 0 after the proportional reshape
    assertThatDecision(get(e, "/search", token, "X-Device-Posture", "noncompliant"))
        .isDeniedWith(DenyReason.RATE_LIMITED);
    // flapping back to HIGH does not refill the bucket to 10
    int allowed = 0;
    for (int i = 0; i < 10; i++) {
      allowed += get(e, "/search", token, "X-Device-Posture", "compliant").allowed() ? 1 : 0;
    }
    assertThat(allowed).isLessThanOrEqualTo(4);
  }

  // ---- detectors and responses

  @Test
  void enforceWhenSqlInjectionRepeatedThenRefusesThenSuspendsTheCredential() {
    Enforcer e = enforcer(b -> b);
    String token = reader();
    for (int i = 0; i < 3; i++) {
      assertThatDecision(get(e, "/search?q=1%27%20OR%20%271%27%3D%271", token))
          .isDeniedWith(DenyReason.ATTACK_DETECTED).hasStatus(403).byGate("inspection");
    }
    assertThatDecision(get(e, "/search?q=shoes", token)).isDeniedWith(DenyReason.TOKEN_SUSPENDED).hasStatus(401);
    assertThat(e.countermeasures().active()).anyMatch(a -> a.kind() == Countermeasure.Kind.SUSPEND_CREDENTIAL
        && a.target().startsWith("jti=") && a.rule().equals("sqli.query"));
    assertThat(e.countermeasures().liftSuspension("alice")).isTrue();
    assertThatDecision(get(e, "/search?q=shoes", token)).isAllowed();
  }

  @Test
  void enforceWhenBenignQuotesThenNotAnAttack() {
    Enforcer e = enforcer(b -> b);
    assertThatDecision(get(e, "/search?q=O%27Brien", reader())).isAllowed();
    assertThatDecision(get(e, "/search?q=rock+%27n%27+roll", reader())).isAllowed();
  }

  @Test
  void enforceWhenOneSourceFailsTwentyTimesThenItIsBlockedAndOthersAreNot() {
    Enforcer e = enforcer(b -> b);
    String forged = issuer.token().subject("alice").header("kid", "nope").build();
    for (int i = 0; i < 20; i++) {
      assertThatDecision(get(e, "/search", forged, "X-Forwarded-For", "203.0.113.7")).hasStatus(401);
    }
    Decision blocked = get(e, "/search", reader(), "X-Forwarded-For", "203.0.113.7");
    assertThatDecision(blocked).isDeniedWith(DenyReason.SOURCE_BLOCKED).hasStatus(403).byGate("source");
    assertThatDecision(get(e, "/search", reader(), "X-Forwarded-For", "203.0.113.8")).isAllowed();
    assertThatDecision(get(e, "/search", reader())).isAllowed(); // the proxy itself (loopback) is never blocked
    clock.advance(Duration.ofMinutes(15).plusSeconds(1));
    assertThatDecision(get(e, "/search", reader(), "X-Forwarded-For", "203.0.113.7")).isAllowed();
  }

  @Test
  void enforceWhenLoopbackFailsRepeatedlyThenItIsNeverBlocked() {
    Enforcer e = enforcer(b -> b);
    String forged = issuer.token().header("kid", "nope").build();
    for (int i = 0; i < 40; i++) {
      assertThatDecision(get(e, "/search", forged)).isDeniedWith(DenyReason.TOKEN_KEY_UNKNOWN);
    }
  }

  @Test
  void reportWhenIdentityWalksManyMissingPathsThenThrottlesAndMonitorsIt() {
    Enforcer e = enforcer(b -> b);
    String token = reader();
    for (int i = 0; i < 20; i++) {
      assertThatDecision(get(e, "/orders/" + i + "/secret", token)).isDeniedWith(DenyReason.ROUTE_UNMATCHED);
    }
    assertThat(e.countermeasures().active()).extracting(Countermeasures.Active::kind)
        .contains(Countermeasure.Kind.THROTTLE, Countermeasure.Kind.ENHANCED_MONITORING);
    assertThat(e.countermeasures().active()).allMatch(a -> a.rule().equals("enumeration.identity"));
  }

  @Test
  void reportWhenApplicationAnswers404sThenCountsTowardsEnumeration() {
    Enforcer e = enforcer(b -> b);
    String token = reader();
    for (int i = 0; i < 20; i++) {
      var request = TestRequest.get("/search").bearer(token).clock(clock).build();
      Decision d = await(e.enforce(request));
      assertThatDecision(d).isAllowed();
      // the application says the searched object did not exist
      e.report(TestRequest.get("/orders/" + i).bearer(token).clock(clock).build(), d, 404);
    }
    assertThat(e.countermeasures().active()).anyMatch(a -> a.kind() == Countermeasure.Kind.THROTTLE
        && a.target().equals("sub:alice"));
  }

  @Test
  void onVerdictWhenActionTakenThenAuditsRuleAndEvidence() {
    Enforcer e = enforcer(b -> b);
    String token = reader();
    Span span = otel.getOpenTelemetry().getTracer("test").spanBuilder("requests").startSpan();
    try (Scope ignored = span.makeCurrent()) {
      for (int i = 0; i < 3; i++) {
        get(e, "/search?id=1;DROP%20TABLE%20users--", token);
      }
    } finally {
      span.end();
    }
    List<EventData> events = otel.getSpans().get(otel.getSpans().size() - 1).getEvents();
    assertThat(events).filteredOn(ev -> ev.getName().equals("zt.verdict")).hasSize(3)
        .allMatch(ev -> ev.getAttributes().get(AttributeKey.stringKey("zt.rule")).equals("sqli.query"));
    EventData action = events.stream().filter(ev -> ev.getName().equals("zt.action")).findFirst().orElseThrow();
    assertThat(action.getAttributes().get(AttributeKey.stringKey("zt.action"))).isEqualTo("SUSPEND_CREDENTIAL");
    assertThat(action.getAttributes().get(AttributeKey.stringKey("zt.rule"))).isEqualTo("sqli.query");
    assertThat(action.getAttributes().get(AttributeKey.stringKey("zt.evidence"))).isNotBlank();
    assertThat(action.getAttributes().get(AttributeKey.longKey("zt.ttl_seconds"))).isEqualTo(900L);
    assertThat(events).filteredOn(ev -> ev.getName().equals("zt.decision"))
        .anyMatch(ev -> "ATTACK_DETECTED".equals(ev.getAttributes().get(AttributeKey.stringKey("zt.reason"))));
  }
}
