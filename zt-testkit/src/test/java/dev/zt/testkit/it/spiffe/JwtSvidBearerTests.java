package dev.zt.testkit.it.spiffe;

import dev.zt.spiffe.JwtSvidVerifier;
import dev.zt.spiffe.SpiffeJwtSvidTokens;
import dev.zt.spiffe.TrustBundleSet;

import static dev.zt.testkit.ZtAssertions.assertThatDecision;

import dev.zt.core.DenyReason;
import dev.zt.core.Enforcer;
import dev.zt.core.policy.Requirement;
import dev.zt.core.policy.RoutePolicy;
import dev.zt.testkit.TestIssuer;
import dev.zt.testkit.TestRequest;
import dev.zt.testkit.spiffe.TestTrustDomain;
import io.opentelemetry.api.OpenTelemetry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** JWT-SVIDs as bearer credentials on workload routes, beside the issuer's access tokens (issue 5, acceptance 3). */
class JwtSvidBearerTests {

  static TestIssuer issuer;
  static TestTrustDomain shop;
  static TestTrustDomain stranger;
  static Enforcer enforcer;

  @BeforeAll
  static void start() {
    issuer = TestIssuer.start();
    shop = TestTrustDomain.create("example.org");
    stranger = TestTrustDomain.create("evil.example");
    TrustBundleSet bundles = TrustBundleSet.of(shop.bundle().trustBundle());
    enforcer = Enforcer.builder()
        .bearerJwt(issuer.bearerJwt().build())
        .workloadTokens(SpiffeJwtSvidTokens.of(
            JwtSvidVerifier.builder().audiences("orders-api").clock(Clock.systemUTC()).build(), () -> bundles))
        .routes(RoutePolicy.builder()
            .get("/internal/inventory", Requirement.workload("spiffe://example.org/ns/shop/sa/checkout"))
            .get("/orders", Requirement.allScopes("orders:read"))
            .get("/profile", Requirement.authenticated())
            .get("/jobs", Requirement.authenticatedOrWorkload())
            .build())
        .openTelemetry(OpenTelemetry.noop())
        .build();
  }

  @AfterAll
  static void stop() {
    issuer.close();
  }

  private static TestRequest inventory(String token) {
    return TestRequest.get("/internal/inventory").bearer(token);
  }

  @Test
  void enforceWhenJwtSvidOfTheAllowedWorkloadThenAllows() {
    String svid = shop.jwtSvid("/ns/shop/sa/checkout").audience("orders-api").sign();
    assertThatDecision(enforcer.enforce(inventory(svid).build())).isAllowed().byRule("GET /internal/inventory");
  }

  @Test
  void enforceWhenTheIssuersKeysAreUnavailableThenJwtSvidStillVerifiesAndAccessTokensFailClosed() {
    // the workload token has its own key source (the trust bundles): an IdP outage must not take workloads down
    try (TestIssuer down = TestIssuer.start()) {
      down.jwksStatus(500);
      TrustBundleSet bundles = TrustBundleSet.of(shop.bundle().trustBundle());
      Enforcer e = Enforcer.builder()
          .bearerJwt(down.bearerJwt().jwksUri(down.jwksUri()).build())
          .workloadTokens(SpiffeJwtSvidTokens.of(
              JwtSvidVerifier.builder().audiences("orders-api").clock(Clock.systemUTC()).build(), () -> bundles))
          .routes(RoutePolicy.builder()
              .get("/internal/inventory", Requirement.workload("spiffe://example.org/ns/shop/sa/checkout"))
              .get("/orders", Requirement.allScopes("orders:read"))
              .build())
          .openTelemetry(OpenTelemetry.noop())
          .build();
      String svid = shop.jwtSvid("/ns/shop/sa/checkout").audience("orders-api").sign();
      assertThatDecision(e.enforce(inventory(svid).build())).isAllowed().byRule("GET /internal/inventory");
      String foreign = stranger.jwtSvid("/ns/shop/sa/checkout").audience("orders-api").sign();
      assertThatDecision(e.enforce(inventory(foreign).build())).isDeniedWith(DenyReason.KEYS_UNAVAILABLE)
          .hasStatus(503);
      String user = down.token().scope("orders:read").build();
      assertThatDecision(e.enforce(TestRequest.get("/orders").bearer(user).build()))
          .isDeniedWith(DenyReason.KEYS_UNAVAILABLE).hasStatus(503);
    }
  }

  @Test
  void enforceWhenJwtSvidOfAnotherWorkloadThenForbidden() {
    String svid = shop.jwtSvid("/ns/shop/sa/cart").audience("orders-api").sign();
    assertThatDecision(enforcer.enforce(inventory(svid).build())).isDeniedWith(DenyReason.WORKLOAD_FORBIDDEN)
        .hasStatus(403);
  }

  @Test
  void enforceWhenJwtSvidHasTheWrongAudienceThenInvalidToken() {
    String svid = shop.jwtSvid("/ns/shop/sa/checkout").audience("billing-api").sign();
    assertThatDecision(enforcer.enforce(inventory(svid).build())).hasStatus(401);
  }

  @Test
  void enforceWhenJwtSvidFromAnUnknownTrustDomainThenInvalidToken() {
    String svid = stranger.jwtSvid("/ns/shop/sa/checkout").audience("orders-api").sign();
    assertThatDecision(enforcer.enforce(inventory(svid).build())).hasStatus(401);
  }

  @Test
  void enforceWhenJwtSvidExpiredThenInvalidToken() {
    String svid = shop.jwtSvid("/ns/shop/sa/checkout").audience("orders-api")
        .expiresAt(Instant.now().minus(Duration.ofMinutes(5))).sign();
    assertThatDecision(enforcer.enforce(inventory(svid).build())).hasStatus(401);
  }

  @Test
  void enforceWhenJwtSvidOnAUserRouteThenRefusedAsNoAccessToken() {
    String svid = shop.jwtSvid("/ns/shop/sa/checkout").audience("orders-api").sign();
    assertThatDecision(enforcer.enforce(TestRequest.get("/orders").bearer(svid).build()))
        .isDeniedWith(DenyReason.CREDENTIAL_MISSING).hasStatus(401);
  }

  @Test
  void enforceWhenUserAccessTokenOnTheWorkloadRouteThenForbidden() {
    String user = issuer.token().scope("orders:read").build();
    assertThatDecision(enforcer.enforce(inventory(user).build())).isDeniedWith(DenyReason.WORKLOAD_FORBIDDEN);
    assertThatDecision(enforcer.enforce(TestRequest.get("/orders").bearer(user).build())).isAllowed();
  }

  @Test
  void enforceWhenJwtSvidOnAnAuthenticatedRouteThenRefusedAsNoAccessToken() {
    String svid = shop.jwtSvid("/ns/shop/sa/checkout").audience("orders-api").sign();
    assertThatDecision(enforcer.enforce(TestRequest.get("/profile").bearer(svid).build()))
        .isDeniedWith(DenyReason.CREDENTIAL_MISSING).hasStatus(401);
    String user = issuer.token().build();
    assertThatDecision(enforcer.enforce(TestRequest.get("/profile").bearer(user).build())).isAllowed();
  }

  @Test
  void enforceWhenJwtSvidOrAccessTokenOnAnAuthenticatedOrWorkloadRouteThenAllows() {
    String svid = shop.jwtSvid("/ns/shop/sa/checkout").audience("orders-api").sign();
    assertThatDecision(enforcer.enforce(TestRequest.get("/jobs").bearer(svid).build())).isAllowed();
    assertThatDecision(enforcer.enforce(TestRequest.get("/jobs").bearer(issuer.token().build()).build())).isAllowed();
    assertThatDecision(enforcer.enforce(TestRequest.get("/jobs").build())).isDeniedWith(DenyReason.CREDENTIAL_MISSING);
  }
}
