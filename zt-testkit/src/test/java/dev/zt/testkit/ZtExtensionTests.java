package dev.zt.testkit;

import static dev.zt.testkit.ZtAssertions.assertThatDecision;
import static org.assertj.core.api.Assertions.assertThat;

import dev.zt.core.DenyReason;
import dev.zt.core.Enforcer;
import dev.zt.core.policy.Requirement;
import dev.zt.core.policy.RoutePolicy;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** What a user's own tests look like: a deny-path test is about five lines. */
@ExtendWith(ZtExtension.class)
class ZtExtensionTests {

  static Enforcer myServiceEnforcer(TestIssuer issuer, TestClock clock) {
    return Enforcer.builder()
        .bearerJwt(issuer.bearerJwt().build())
        .routes(RoutePolicy.builder().get("/orders", Requirement.allScopes("orders:read")).build())
        .clock(clock)
        .build();
  }

  @Test
  void getOrdersWhenTokenExpiredThenDenied(TestIssuer issuer, TestClock clock) {
    Enforcer enforcer = myServiceEnforcer(issuer, clock);
    String token = issuer.token().scope("orders:read").expiresIn(Duration.ofMinutes(-5)).build();
    assertThatDecision(enforcer.enforce(TestRequest.get("/orders").bearer(token).build()))
        .isDeniedWith(DenyReason.TOKEN_EXPIRED).hasStatus(401);
  }

  @Test
  void getOrdersWhenTimeMovesPastExpiryThenDeniedWithoutSleeping(TestIssuer issuer, TestClock clock) {
    Enforcer enforcer = myServiceEnforcer(issuer, clock);
    String token = issuer.token().scope("orders:read").build();
    assertThatDecision(enforcer.enforce(TestRequest.get("/orders").bearer(token).build())).isAllowedFor("user-1");
    clock.advance(Duration.ofMinutes(10));
    assertThatDecision(enforcer.enforce(TestRequest.get("/orders").bearer(token).build()))
        .isDeniedWith(DenyReason.TOKEN_EXPIRED);
  }

  @Test
  void extensionWhenInjectingThenSharesOneIssuerAndSetsTheClockToNow(TestIssuer issuer, TestClock clock) {
    assertThat(clock.instant()).isBetween(Instant.now().minusSeconds(60), Instant.now());
    assertThat(issuer.issuer()).startsWith("http://127.0.0.1:");
  }

  @Test
  void enforceWhenEnforcerOnSystemClockThenExtensionTokenAllowed(TestIssuer issuer) {
    Enforcer onSystemClock = Enforcer.builder()
        .bearerJwt(issuer.bearerJwt().build())
        .routes(RoutePolicy.builder().get("/orders", Requirement.allScopes("orders:read")).build())
        .build();
    String token = issuer.token().scope("orders:read").build();
    assertThatDecision(onSystemClock.enforce(TestRequest.get("/orders").bearer(token).build()))
        .isAllowedFor("user-1");
  }

  @Test
  void enforceWhenEnforcerOnSystemClockAndTokenExpiredThenDenied(TestIssuer issuer) {
    Enforcer onSystemClock = Enforcer.builder()
        .bearerJwt(issuer.bearerJwt().build())
        .routes(RoutePolicy.builder().get("/orders", Requirement.allScopes("orders:read")).build())
        .build();
    String token = issuer.token().scope("orders:read").expiresIn(Duration.ofMinutes(-5)).build();
    assertThatDecision(onSystemClock.enforce(TestRequest.get("/orders").bearer(token).build()))
        .isDeniedWith(DenyReason.TOKEN_EXPIRED);
  }

  @Test
  void clockWhenTestSetsAnInstantThenStandsThere(TestClock clock) {
    clock.set(TestClock.DEFAULT_START);
    assertThat(clock.instant()).isEqualTo(TestClock.DEFAULT_START);
    assertThat(clock.instant()).isEqualTo(TestClock.DEFAULT_START);
  }

  @Test
  void decisionAssertWhenExpectationWrongThenFails(TestIssuer issuer, TestClock clock) {
    Enforcer enforcer = myServiceEnforcer(issuer, clock);
    var decision = enforcer.enforce(TestRequest.get("/orders").build());
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> assertThatDecision(decision).isAllowed())
        .isInstanceOf(AssertionError.class).hasMessageContaining("CREDENTIAL_MISSING");
  }
}
