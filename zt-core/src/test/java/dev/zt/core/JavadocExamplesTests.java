package dev.zt.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zt.apicheck.JavadocExamples;
import dev.zt.core.authz.Authorization;
import dev.zt.core.authz.Condition;
import dev.zt.core.authz.ObjectPolicy;
import dev.zt.core.authz.PdpBinding;
import dev.zt.core.authz.PolicyDecisionPoint;
import dev.zt.core.authz.Resource;
import dev.zt.core.countermeasure.Countermeasure;
import dev.zt.core.countermeasure.CountermeasurePolicy;
import dev.zt.core.countermeasure.SecurityEvent;
import dev.zt.core.credential.BearerJwt;
import dev.zt.core.credential.Dpop;
import dev.zt.core.detect.Detection;
import dev.zt.core.policy.Requirement;
import dev.zt.core.policy.RoutePolicy;
import dev.zt.core.rate.RateLimit;
import dev.zt.core.rate.RatePolicy;
import dev.zt.core.spi.SecurityState;
import dev.zt.core.trust.SignalResult;
import dev.zt.core.trust.TrustContext;
import dev.zt.core.trust.TrustPolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * zt-core's Javadoc examples, compiled here (the regions between the example markers) and, where they need nothing
 * remote, run; {@link JavadocExamples} fails when an example in the main sources is not in one of these regions.
 */
class JavadocExamplesTests {

  @Test
  void javadocWhenScannedThenEveryExampleIsCompiledHere() {
    JavadocExamples.assertEveryExampleCompiles();
  }

  @Test
  void examplesWhenRunThenBuild() {
    BearerJwt tokens = credential();
    RoutePolicy routes = routes();
    assertThat(trust()).isNotNull();
    assertThat(rates()).isNotNull();
    assertThat(detection().identifierField()).contains("username");
    Enforcer enforcer = countermeasures(tokens, routes);
    assertThat(enforcer.countermeasures()).isNotNull();
    assertThat(enforcer()).isNotNull();
    assertThat(state()).isNotNull();
  }

  static Decision root(String accessToken) {
    // example: root package
    Enforcer enforcer = Enforcer.builder()
        .bearerJwt(BearerJwt.issuer("https://idp.example.com").audience("orders-api").build())
        .routes(RoutePolicy.builder().get("/orders", Requirement.allScopes("orders:read")).build())
        .build();
    Decision decision = enforcer.enforce(RequestContext.builder("GET", "/orders")
        .headers(RequestHeaders.of(Map.of("Authorization", List.of("Bearer " + accessToken))))
        .build()).toCompletableFuture().join();
    if (decision instanceof Decision.Deny deny) {
      WireResponse answer = enforcer.respond(deny); // status, WWW-Authenticate, problem+json
    }
    // end example
    return decision;
  }

  static Enforcer enforcer() {
    // example: Enforcer
    Enforcer enforcer = Enforcer.builder()
        .bearerJwt(BearerJwt.issuer("https://idp.example.com").audience("orders-api").build())
        .routes(RoutePolicy.builder().get("/orders", Requirement.allScopes("orders:read")).build())
        .build();
    // end example
    return enforcer;
  }

  static Enforcer state() {
    // example: spi package
    Enforcer enforcer = Enforcer.builder()
        .bearerJwt(BearerJwt.issuer("https://idp.example.com").audience("orders-api").build())
        .routes(RoutePolicy.builder().get("/orders", Requirement.allScopes("orders:read")).build())
        .state(SecurityState.inMemory()) // the default; a shared store (Redis) plugs in here
        .build();
    // end example
    return enforcer;
  }

  @Test
  void dpopExampleWhenBuiltThenRequiresNonces() {
    // example: Dpop
    Dpop dpop = Dpop.builder().requireNonce().build();
    // end example
    org.assertj.core.api.Assertions.assertThat(dpop.nonceRequired()).isTrue();
  }

  @Test
  void resourceExampleWhenBuiltThenCarriesOwner() {
    // example: Resource
    Resource order = Resource.of("order", "7f3c").with("owner", "alice");
    // end example
    assertThat(order.attribute("owner")).contains("alice");
  }

  @Test
  void objectExamplesWhenBuiltThenDecide() {
    // example: Condition
    Condition mine = Condition.owner("owner").and(Condition.attributeEqualsClaim("tenant", "tenant"));
    Condition admin = Condition.anyRole("admin");
    // end example
    // example: ObjectPolicy
    ObjectPolicy objects = ObjectPolicy.builder()
        .permit("owner-reads", "order", Set.of("read"), Condition.owner("owner"))
        .permit("admin-reads", "order", Set.of("read"), Condition.anyRole("admin"))
        .forbid("other-tenant", "order", Set.of("read"), Condition.not(Condition.attributeEqualsClaim("tenant", "tenant")))
        .build();
    // end example
    assertThat(objects.rules()).hasSize(3);
    assertThat(mine.or(admin).test(Caller.anonymous(), Resource.of("order", "1").with("owner", "a"))).isFalse();
    assertThat(objects.evaluate(Caller.anonymous(), "read", Resource.of("order", "1")).permitted()).isFalse();
  }

  static PdpBinding binding(PolicyDecisionPoint pdp) {
    // example: PdpBinding
    PdpBinding binding = PdpBinding.to(pdp).resourceTypes("order").actions("read").claims("sub", "tenant").build();
    // end example
    return binding;
  }

  /** Compiled only: needs an allowed request. */
  static void authorization(Enforcer enforcer, RequestContext request, Decision.Allow allow, String id,
      String owner) {
    {
      // example: Authorization
      Authorization authz = enforcer.authorization(request, allow);
      authz.require("read", Resource.of("order", id).with("owner", owner));
      // end example
    }
    // example: Enforcer.authorization
    Authorization authz = enforcer.authorization(request, allow);
    authz.require("read", Resource.of("order", authz.captures().get("id")).with("owner", owner));
    // end example
  }

  static BearerJwt credential() {
    // example: credential package
    BearerJwt tokens = BearerJwt.issuer("https://idp.example.com")
        .audience("orders-api")
        .algorithms("RS256", "ES256")
        .maxTokenLifetime(Duration.ofHours(1))
        .build();
    // end example
    return tokens;
  }

  static RoutePolicy routes() {
    // example: policy package
    RoutePolicy routes = RoutePolicy.builder()
        .get("/orders/{*}", Requirement.allScopes("orders:read"))
        .post("/orders", Requirement.allScopes("orders:write").and(Requirement.anyRole("clerk")))
        .get("/inventory", Requirement.workload("spiffe://example.org/ns/shop/sa/checkout"))
        .get("/health", Requirement.permitAll())
        .build();
    // end example
    // example: RoutePolicy
    RoutePolicy.builder()
        .get("/orders", Requirement.allScopes("orders:read"))
        .get("/orders/{*}", Requirement.allScopes("orders:read"))
        .post("/orders", Requirement.allScopes("orders:write"))
        .preflight("/orders")
        .get("/health", Requirement.permitAll())
        .build();
    // end example
    return routes;
  }

  static TrustPolicy trust() {
    // example: trust package
    TrustPolicy trust = TrustPolicy.builder()
        .signal("device", 2.0, ctx -> devicePosture(ctx))
        .tokenAge(1.0).authenticationStrength(1.0).channel(0.5).behaviour(1.0)
        .build();
    // end example
    // example: TrustPolicy
    TrustPolicy.builder()
        .signal("device", 2.0, ctx -> postureOf(ctx))   // yours
        .tokenAge(1.0).authenticationStrength(1.0).channel(0.5).behaviour(1.0)
        .cutPoints(0.8, 0.5, 0.25)
        .build();
    // end example
    return trust;
  }

  static RatePolicy rates() {
    // example: rate package
    RatePolicy rates = RatePolicy.builder()
        .defaultLimit(RateLimit.of("default", 100, Duration.ofSeconds(10)))
        .route("GET /orders", RateLimit.of("orders", 50, Duration.ofSeconds(10)))
        .build();
    // end example
    return rates;
  }

  static Detection detection() {
    // example: detect package
    Detection detection = Detection.defaults()
        .withIdentifierField("username")
        .withStuffing(20, Duration.ofMinutes(1));
    // end example
    return detection;
  }

  static Enforcer countermeasures(BearerJwt tokens, RoutePolicy routes) {
    // example: countermeasure package
    CountermeasurePolicy policy = CountermeasurePolicy.builder()
        .on("sqli.*", Countermeasure.suspendCredential(Duration.ofMinutes(15)))
        .on("stuffing.*", Countermeasure.blockSource(Duration.ofMinutes(15)))
        .build();
    Enforcer enforcer = Enforcer.builder()
        .bearerJwt(tokens)
        .routes(routes)
        .countermeasures(policy)
        .build();
    enforcer.countermeasures().accept(SecurityEvent.sessionRevoked("alice", Instant.now()));
    // end example
    return enforcer;
  }

  private static SignalResult devicePosture(TrustContext context) {
    return SignalResult.of(1.0, "compliant");
  }

  private static SignalResult postureOf(TrustContext context) {
    return devicePosture(context);
  }
}
