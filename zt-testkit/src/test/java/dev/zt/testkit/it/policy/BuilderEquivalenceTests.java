package dev.zt.testkit.it.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zt.core.Decision;
import dev.zt.core.authz.Condition;
import dev.zt.core.authz.ObjectPolicy;
import dev.zt.core.authz.Resource;
import dev.zt.core.Enforcer;
import dev.zt.core.countermeasure.CountermeasurePolicy;
import dev.zt.core.detect.Detection;
import dev.zt.core.policy.Requirement;
import dev.zt.core.policy.RoutePolicy;
import dev.zt.core.rate.RateLimit;
import dev.zt.core.rate.RatePolicy;
import dev.zt.core.trust.TrustLevel;
import dev.zt.core.trust.TrustPolicy;
import dev.zt.policy.PolicyFile;
import dev.zt.testkit.TestClock;
import dev.zt.testkit.TestIssuer;
import dev.zt.testkit.TestRequest;
import dev.zt.testkit.ZtAssertions;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The orders sample's zt-policy.yaml and the builder code of OrdersSecurity.enforcer(…) (copied here: the testkit
 * does not depend on the sample) decide a table of requests identically — status, reason, rule and the wire answer —
 * including the stateful parts: the rate limit, and a token suspended after three SQL injections.
 */
class BuilderEquivalenceTests {

  static final TestClock CLOCK = TestClock.create();
  static TestIssuer issuer;

  @BeforeAll
  static void start() {
    issuer = TestIssuer.start(CLOCK);
  }

  @AfterAll
  static void stop() {
    issuer.close();
  }

  /** OrdersSecurity.enforcer(List.of(jwt), null, Sender.NONE), as the sample builds it. */
  static Enforcer fromBuilders() {
    return Enforcer.builder()
        .routes(RoutePolicy.builder()
            .get("/orders", Requirement.allScopes("orders:read")
                .and(Requirement.minimumTrust(TrustLevel.MEDIUM).orStepUp("mfa", Duration.ofMinutes(5))))
            .get("/orders/{id}", Requirement.allScopes("orders:read"))
            .post("/orders", Requirement.allScopes("orders:write"))
            .get("/admin/stats", Requirement.allRoles("admin"))
            .get("/health", Requirement.permitAll())
            .get("/docs/{**}", Requirement.permitAll())
            .build())
        .realm("orders")
        .objects(ObjectPolicy.builder()
            .permit("order-read-owner-or-admin", "order", Set.of("read"),
                Condition.owner("owner").or(Condition.anyRole("admin")))
            .build())
        .trust(TrustPolicy.builder()
            .signal("device", 2.0, SampleSignals.DEVICE_POSTURE_HEADER)
            .tokenAge(1).authenticationStrength(1).channel(0.5).behaviour(1)
            .build())
        .countryFrom(SampleSignals::countryHeader)
        .rateLimits(RatePolicy.builder()
            .route("GET /orders", RateLimit.of("orders", 50, Duration.ofSeconds(10)))
            .defaultLimit(RateLimit.of("default", 1200, Duration.ofMinutes(1)).and("burst", 100, Duration.ofSeconds(1)))
            .build())
        .detection(Detection.defaults())
        .countermeasures(CountermeasurePolicy.defaults())
        .trustForwardedFor(InetAddress::isLoopbackAddress)
        .bearerJwt(issuer.bearerJwt().build())
        .clock(CLOCK)
        .build();
  }

  static Enforcer fromFile() throws Exception {
    PolicyFile file = PolicyFile.load(SamplePolicyTests.SAMPLE,
        Map.of("ZT_ISSUER", issuer.issuer(), "ZT_AUDIENCE", TestIssuer.DEFAULT_AUDIENCE), SampleSignals.extensions());
    return file.enforcerBuilder().clock(CLOCK).build();
  }

  record Outcome(boolean allowed, String rule, String reason, int status, Map<String, String> headers) {}

  static Outcome outcome(Enforcer e, TestRequest request) {
    return outcome(e, request, null);
  }

  /** The request's decision, then (when allowed and {@code owner} given) the check of reading an order it owns. */
  static Outcome outcome(Enforcer e, TestRequest request, String owner) {
    var context = request.build();
    Decision d = ZtAssertions.await(e.enforce(context));
    if (owner != null && d instanceof Decision.Allow allow) {
      d = e.authorization(context, allow).check("read", Resource.of("order", "42").with("owner", owner));
    }
    if (d instanceof Decision.Deny deny) {
      var wire = e.respond(deny);
      return new Outcome(false, d.rule(), deny.reason().name(), wire.status(), wire.headers());
    }
    return new Outcome(d.allowed(), d.rule(), "", d instanceof Decision.Answer a ? a.response().status() : 200,
        Map.of());
  }

  @Test
  void enforceWhenSameRequestsThenFileAndBuildersDecideAlike() throws Exception {
    String reader = issuer.token().subject("alice").scope("orders:read").build();
    String writer = issuer.token().subject("bob").scope("orders:read", "orders:write").build();
    String admin = issuer.token().subject("carol").roles("admin").scope("orders:read").build();
    String attacker = issuer.token().subject("mallory").scope("orders:read").build();
    String otherAudience = issuer.token().subject("alice").scope("orders:read").audience("billing").build();
    List<Function<Void, TestRequest>> table = new ArrayList<>();
    table.add(v -> TestRequest.get("/health"));
    table.add(v -> TestRequest.of("HEAD", "/health"));
    table.add(v -> TestRequest.get("/docs/a/b.html"));
    table.add(v -> TestRequest.get("/orders"));
    table.add(v -> TestRequest.get("/orders").bearer(reader).header("X-Device-Posture", "compliant"));
    table.add(v -> TestRequest.get("/orders").bearer(reader).header("X-Device-Posture", "noncompliant"));
    table.add(v -> TestRequest.get("/orders").bearer(reader).header("X-Geo-Country", "FR"));
    table.add(v -> TestRequest.get("/orders/42").bearer(reader));
    table.add(v -> TestRequest.post("/orders").bearer(reader));
    table.add(v -> TestRequest.post("/orders").bearer(writer));
    table.add(v -> TestRequest.get("/admin/stats").bearer(admin));
    table.add(v -> TestRequest.get("/admin/stats").bearer(reader));
    table.add(v -> TestRequest.of("DELETE", "/orders/42").bearer(writer));
    table.add(v -> TestRequest.get("/orders/42").bearer(otherAudience));
    table.add(v -> TestRequest.get("/orders/42").bearer("not.a.jwt"));
    table.add(v -> TestRequest.get("/orders/42").bearer(reader).header("X-Forwarded-For", "203.0.113.9"));
    for (int i = 0; i < 3; i++) {
      table.add(v -> TestRequest.get("/orders/42").query("id=1%27%20OR%20%271%27=%271").bearer(attacker));
    }
    table.add(v -> TestRequest.get("/orders/42").bearer(attacker)); // suspended by now
    for (int i = 0; i < 55; i++) {
      table.add(v -> TestRequest.get("/orders").bearer(writer).header("X-Device-Posture", "compliant"));
    }

    Enforcer builders = fromBuilders();
    Enforcer file = fromFile();
    List<Outcome> a = new ArrayList<>();
    List<Outcome> b = new ArrayList<>();
    for (Function<Void, TestRequest> r : table) {
      a.add(outcome(builders, r.apply(null)));
      b.add(outcome(file, r.apply(null)));
    }

    for (String[] check : new String[][] {{reader, "alice"}, {reader, "bob"}, {admin, "bob"}, {writer, "alice"}}) {
      String token = check[0];
      a.add(outcome(builders, TestRequest.get("/orders/42").bearer(token), check[1]));
      b.add(outcome(file, TestRequest.get("/orders/42").bearer(token), check[1]));
    }

    assertThat(b).isEqualTo(a);
    assertThat(a).extracting(Outcome::reason).contains("", "CREDENTIAL_MISSING", "INSUFFICIENT_SCOPE",
        "INSUFFICIENT_ROLE", "ROUTE_UNMATCHED", "TOKEN_AUDIENCE_MISMATCH", "ATTACK_DETECTED", "TOKEN_SUSPENDED",
        "RATE_LIMITED", "OBJECT_FORBIDDEN");
  }
}
