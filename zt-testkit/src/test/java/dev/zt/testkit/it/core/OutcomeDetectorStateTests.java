package dev.zt.testkit.it.core;

import static dev.zt.testkit.ZtAssertions.assertThatDecision;
import static dev.zt.testkit.ZtAssertions.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.zt.core.Decision;
import dev.zt.core.DenyReason;
import dev.zt.core.Enforcer;
import dev.zt.core.countermeasure.Countermeasure;
import dev.zt.core.countermeasure.Countermeasures;
import dev.zt.core.policy.Requirement;
import dev.zt.core.policy.RoutePolicy;
import dev.zt.core.rate.RatePolicy;
import dev.zt.testkit.TestClock;
import dev.zt.testkit.TestIssuer;
import dev.zt.testkit.TestRequest;
import dev.zt.testkit.ZtExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The outcome detectors whose counts span many requests and sources (distributed stuffing, enumeration), as the
 * defaults configure them: what they count and when they fire.
 */
@ExtendWith(ZtExtension.class)
class OutcomeDetectorStateTests {

  TestIssuer issuer;
  TestClock clock;
  Enforcer enforcer;

  @BeforeEach
  void setUp(TestIssuer issuer, TestClock clock) {
    this.issuer = issuer;
    this.clock = clock;
    this.enforcer = Enforcer.builder()
        .bearerJwt(issuer.bearerJwt().build())
        .routes(RoutePolicy.builder().get("/search", Requirement.authenticated()).build())
        .rateLimits(RatePolicy.none())
        .clock(clock)
        .build();
  }

  private Decision get(String peer, String path, String token) {
    return await(enforcer.enforce(TestRequest.get(path).peer(peer).bearer(token).clock(clock).build()));
  }

  /** 10 forged tokens from each of {@code sources} addresses, each in its own /24: every one below its threshold. */
  private void forgeFrom(int sources) {
    String forged = issuer.token().header("kid", "nope").build();
    for (int s = 0; s < sources; s++) {
      for (int i = 0; i < 10; i++) {
        assertThatDecision(get("203.0." + s + ".7", "/search", forged)).isDeniedWith(DenyReason.TOKEN_KEY_UNKNOWN);
      }
    }
  }

  @Test
  void enforceWhenFailuresFromManySourcesReachTheFleetThresholdThenDistributedStuffingIsActedOn() {
    forgeFrom(30); // 300 failures from 30 sources
    assertThat(enforcer.countermeasures().active()).extracting(Countermeasures.Active::rule)
        .containsExactly("stuffing.distributed");
  }

  @Test
  void enforceWhenFailuresFromTooFewSourcesThenNoDistributedStuffing() {
    forgeFrom(29); // 290 failures from 29 sources: neither threshold
    assertThat(enforcer.countermeasures().active()).isEmpty();
  }

  @Test
  void reportWhenAnIdentityMissesWhileMostAnswersSucceedThenNoEnumeration() {
    String token = issuer.token().subject("alice").build();
    for (int i = 0; i < 20; i++) {
      assertThatDecision(get("198.51.100.7", "/orders/" + i, token)).isDeniedWith(DenyReason.ROUTE_UNMATCHED);
      for (int j = 0; j < 2; j++) { // two successes per miss: 1/3 of its answers are 403/404
        Decision ok = get("198.51.100.7", "/search", token);
        assertThatDecision(ok).isAllowed();
        enforcer.report(TestRequest.get("/search").peer("198.51.100.7").bearer(token).clock(clock).build(), ok, 200);
      }
    }
    assertThat(enforcer.countermeasures().active()).isEmpty();
  }

  @Test
  void reportWhenAnIdentityMissesOnManyPathsThenEnumerationThrottlesIt() {
    String token = issuer.token().subject("alice").build();
    for (int i = 0; i < 20; i++) {
      assertThatDecision(get("198.51.100.7", "/orders/" + i, token)).isDeniedWith(DenyReason.ROUTE_UNMATCHED);
      Decision ok = get("198.51.100.7", "/search", token);
      enforcer.report(TestRequest.get("/search").peer("198.51.100.7").bearer(token).clock(clock).build(), ok, 200);
    }
    assertThat(enforcer.countermeasures().active()).extracting(Countermeasures.Active::kind)
        .contains(Countermeasure.Kind.THROTTLE);
  }
}
