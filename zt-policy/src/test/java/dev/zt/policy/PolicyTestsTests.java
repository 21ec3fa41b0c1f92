package dev.zt.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.zt.core.Decision;
import dev.zt.core.DenyReason;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Embedded tests run against a real enforcer with real tokens; a wrong expectation fails the report. */
class PolicyTestsTests {

  static final String FILE = PolicyFileTests.HEAD + PolicyFileTests.ROUTES;

  static PolicyFile parse(String tests) throws InvalidPolicyException {
    return PolicyFileTests.parse(tests.isEmpty() ? FILE : FILE + "tests:\n" + tests);
  }

  @Test
  void runWhenExpectationsMetThenPassed() throws Exception {
    PolicyFile file = parse("""
          - name: reader
            request: GET /orders
            claims: {sub: alice, scope: orders:read}
            expect: {allow: true, status: 200, rule: GET /orders}
          - name: anonymous
            request: GET /orders
            expect: {status: 401, reason: CREDENTIAL_MISSING}
          - name: head of health
            request: HEAD /health
            expect: {allow: true, rule: GET /health}
        """);

    PolicyTestReport report = PolicyTests.run(file);

    assertThat(report.passed()).isTrue();
    assertThat(report.results()).extracting(PolicyTestResult::status).containsExactly(200, 401, 200);
    assertThat(report.revision()).isEqualTo(file.revision());
  }

  @Test
  void runWhenExpectationWrongThenReportFailsNamingTheDifference() throws Exception {
    PolicyFile file = parse("""
          - name: reader cannot write
            request: GET /orders
            claims: {sub: alice, scope: orders:write}
            expect: {allow: true}
          - name: wrong rule
            request: GET /health
            expect: {allow: true, rule: GET /orders}
        """);

    PolicyTestReport report = PolicyTests.run(file);

    assertThat(report.passed()).isFalse();
    assertThat(report.failures()).hasSize(2);
    PolicyTestResult first = report.results().get(0);
    assertThat(first.reason()).contains(DenyReason.INSUFFICIENT_SCOPE);
    assertThat(first.status()).isEqualTo(403);
    assertThat(first.message()).contains("expected an allow");
    assertThat(report.results().get(1).message()).contains("expected rule 'GET /orders', got 'GET /health'");
  }

  @Test
  void runWhenTokenExpiredThenDeniedForReal() throws Exception {
    PolicyFile file = parse("""
          - name: expired
            request: GET /orders
            claims: {sub: alice, scope: orders:read, iat: 1000, exp: 2000}
            expect: {status: 401, reason: TOKEN_EXPIRED}
          - name: another issuer is refused
            request: GET /orders
            claims: {sub: alice, scope: orders:read, iss: https://evil.example}
            expect: {status: 401}
        """);

    assertThat(PolicyTests.run(file, new ManualClock()).passed()).isTrue();
  }

  @Test
  void runWhenObjectCheckThenItsDecisionIsCompared() throws Exception {
    PolicyFile file = PolicyFileTests.parse(FILE + """
        objects:
          - {id: owner-reads, effect: permit, resource: order, actions: [read], when: {owner: owner}}
        tests:
          - name: owner
            request: GET /orders
            claims: {sub: alice, scope: orders:read}
            object: {action: read, resource: {type: order, id: 42, attributes: {owner: alice}}}
            expect: {allow: true, rule: owner-reads}
          - name: not the owner
            request: GET /orders
            claims: {sub: bob, scope: orders:read}
            object: {action: read, resource: {type: order, id: 42, attributes: {owner: alice}}}
            expect: {status: 403, reason: OBJECT_FORBIDDEN}
          - name: wrongly expected
            request: GET /orders
            claims: {sub: bob, scope: orders:read}
            object: {action: read, resource: {type: order, id: 42, attributes: {owner: alice}}}
            expect: {allow: true}
          - name: the route decides first
            request: GET /orders
            object: {action: read, resource: {type: order, id: 42, attributes: {owner: alice}}}
            expect: {status: 401, rule: GET /orders}
        """);

    PolicyTestReport report = PolicyTests.run(file);

    assertThat(report.results()).extracting(PolicyTestResult::passed).containsExactly(true, true, false, true);
  }

  @Test
  void runWhenMintAndEnforcersGivenThenTheyDecideWithTheCompleteClaims() throws Exception {
    PolicyFile file = parse("""
          - name: reader
            request: GET /orders
            claims: {sub: alice, scope: [orders:read]}
            expect: {allow: true, rule: GET /orders}
        """);
    ManualClock clock = new ManualClock();
    TestTokens signer = TestTokens.forPolicy(file, clock);
    java.util.List<Map<String, Object>> minted = new java.util.ArrayList<>();
    java.util.concurrent.atomic.AtomicInteger built = new java.util.concurrent.atomic.AtomicInteger();

    PolicyTestReport report = PolicyTests.run(file, () -> {
      built.incrementAndGet();
      return signer.enforcerBuilder();
    }, claims -> {
      minted.add(claims);
      return signer.mint(claims);
    }, clock);

    assertThat(report.passed()).as(report.failures().toString()).isTrue();
    assertThat(built).hasValue(1);
    assertThat(minted).singleElement().satisfies(c -> {
      assertThat(c).containsEntry("iss", "https://issuer.example").containsEntry("aud", "orders-api")
          .containsEntry("sub", "alice").containsEntry("scope", "orders:read")
          .containsEntry("iat", clock.instant().getEpochSecond())
          .containsEntry("exp", clock.instant().plus(TestTokens.DEFAULT_LIFETIME).getEpochSecond())
          .containsKey("jti");
      assertThatThrownBy(() -> c.put("sub", "mallory")).isInstanceOf(UnsupportedOperationException.class);
    });
  }

  @Test
  void runWhenMintSignsWithAKeyTheEnforcerDoesNotKnowThenTheAllowTestFails() throws Exception {
    PolicyFile file = parse("""
          - name: reader
            request: GET /orders
            claims: {sub: alice, scope: orders:read}
            expect: {allow: true}
        """);
    ManualClock clock = new ManualClock();
    TestTokens enforcerKeys = TestTokens.forPolicy(file, clock);
    TestTokens otherKeys = TestTokens.forPolicy(file, clock);

    PolicyTestReport report = PolicyTests.run(file, enforcerKeys::enforcerBuilder, otherKeys::mint, clock);

    assertThat(report.results()).singleElement().satisfies(r -> {
      assertThat(r.passed()).isFalse();
      assertThat(r.reason()).contains(DenyReason.TOKEN_KEY_UNKNOWN);
    });
  }

  @Test
  void mintWhenClaimsThenIssuerAudienceAndLifetimeFilledIn() throws Exception {
    PolicyFile file = parse("");
    TestTokens tokens = TestTokens.forPolicy(file);

    String jwt = tokens.mint(Map.of("sub", "alice", "scope", java.util.List.of("a", "b")));

    var claims = com.nimbusds.jwt.SignedJWT.parse(jwt).getJWTClaimsSet();
    assertThat(claims.getIssuer()).isEqualTo("https://issuer.example");
    assertThat(claims.getAudience()).containsExactly("orders-api");
    assertThat(claims.getStringClaim("scope")).isEqualTo("a b");
    assertThat(claims.getJWTID()).isNotBlank();
    assertThat(claims.getExpirationTime()).isAfter(claims.getIssueTime());
  }

  @Test
  void mintWhenAnotherRunThenItsKeyIsNotAccepted() throws Exception {
    PolicyFile file = parse("");
    String foreign = TestTokens.forPolicy(file).mint(Map.of("sub", "alice", "scope", "orders:read"));

    var decision = TestTokens.forPolicy(file).enforcerBuilder().build()
        .enforce(Requests.get("/orders", java.time.Clock.systemUTC(), "Authorization", "Bearer " + foreign).build());

    assertThat(Requests.decided(decision)).isInstanceOfSatisfying(Decision.Deny.class,
        d -> assertThat(d.reason()).isEqualTo(DenyReason.TOKEN_KEY_UNKNOWN));
  }

  @Test
  void enforcerBuilderWhenTestTokensThenDecisionsStayOutOfTheOperatorsTelemetry() throws Exception {
    PolicyFile file = parse("");
    io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader metrics =
        io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader.create();
    try (io.opentelemetry.sdk.OpenTelemetrySdk otel = io.opentelemetry.sdk.OpenTelemetrySdk.builder()
        .setMeterProvider(io.opentelemetry.sdk.metrics.SdkMeterProvider.builder().registerMetricReader(metrics).build())
        .build()) {
      dev.zt.core.RequestContext anonymous = dev.zt.core.RequestContext.builder("GET", "/orders").build();
      dev.zt.core.Enforcer test = TestTokens.forPolicy(file).enforcerBuilder().openTelemetry(otel).build();
      assertThat(test.enforce(anonymous).toCompletableFuture().join().allowed()).isFalse();
      assertThat(decisionsCounted(metrics)).isZero();

      dev.zt.core.Enforcer real = file.enforcerBuilder().openTelemetry(otel).build();
      assertThat(real.enforce(anonymous).toCompletableFuture().join().allowed()).isFalse();
      assertThat(decisionsCounted(metrics)).isEqualTo(1);
    }
  }

  @Test
  void runWhenEnforcersGivenThenTheirDecisionsStayOutOfTheOperatorsTelemetry() throws Exception {
    PolicyFile file = parse("""
          - name: anonymous
            request: GET /orders
            expect: {status: 401}
        """);
    io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader metrics =
        io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader.create();
    try (io.opentelemetry.sdk.OpenTelemetrySdk otel = io.opentelemetry.sdk.OpenTelemetrySdk.builder()
        .setMeterProvider(io.opentelemetry.sdk.metrics.SdkMeterProvider.builder().registerMetricReader(metrics).build())
        .build()) {
      ManualClock clock = new ManualClock();
      TestTokens keys = TestTokens.forPolicy(file, clock);

      PolicyTestReport report = PolicyTests.run(file, () -> file.enforcerBuilder().openTelemetry(otel), keys::mint,
          clock);

      assertThat(report.passed()).isTrue();
      assertThat(decisionsCounted(metrics)).isZero();
    }
  }

  private static long decisionsCounted(io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader metrics) {
    return metrics.collectAllMetrics().stream().filter(m -> m.getName().equals("zt.decisions"))
        .flatMap(m -> m.getLongSumData().getPoints().stream())
        .mapToLong(io.opentelemetry.sdk.metrics.data.LongPointData::getValue).sum();
  }
}
