package dev.zt.testkit.it.core;

import static dev.zt.testkit.ZtAssertions.assertThatDecision;
import static dev.zt.testkit.ZtAssertions.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.zt.core.Decision;
import dev.zt.core.DenyReason;
import dev.zt.core.Enforcer;
import dev.zt.core.RequestContext;
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
 * {@link Enforcer#report} counts an application's answer against the client its enforcement resolved: the same
 * enforcer reuses that resolution, another enforcer resolves the request again with its own trusted proxies.
 */
@ExtendWith(ZtExtension.class)
class ReportClientTests {

  static final String PROXY = "10.0.0.1";
  static final String CLIENT = "203.0.113.9";

  TestIssuer issuer;
  TestClock clock;
  Enforcer behindProxy;
  Enforcer direct;

  @BeforeEach
  void setUp(TestIssuer issuer, TestClock clock) {
    this.issuer = issuer;
    this.clock = clock;
    this.behindProxy = enforcer(true);
    this.direct = enforcer(false);
  }

  private Enforcer enforcer(boolean trustProxy) {
    Enforcer.Builder b = Enforcer.builder()
        .bearerJwt(issuer.bearerJwt().build())
        .routes(RoutePolicy.builder().post("/login", Requirement.permitAll()).build())
        .rateLimits(RatePolicy.none())
        .clock(clock);
    if (trustProxy) {
      b.trustForwardedFor(a -> a.getHostAddress().equals(PROXY));
    }
    return b.build();
  }

  private RequestContext login() {
    return TestRequest.post("/login").peer(PROXY).header("X-Forwarded-For", CLIENT).clock(clock).build();
  }

  /**
   * 30 logins: each one {@code enforcedBy} allows is refused by the application (401) and reported to
   * {@code reportTo}. Returns how many were allowed.
   */
  private int refuse30(Enforcer enforcedBy, Enforcer reportTo) {
    int allowed = 0;
    for (int i = 0; i < 30; i++) {
      RequestContext request = login();
      Decision decision = await(enforcedBy.enforce(request));
      if (decision instanceof Decision.Allow) {
        allowed++;
        reportTo.report(request, decision, 401);
      }
    }
    return allowed;
  }

  @Test
  void reportWhenTheSameEnforcerAllowedTheRequestThenCountsTheForwardedClient() {
    assertThat(refuse30(behindProxy, behindProxy)).as("allowed until the 20th failure blocked the client").isEqualTo(20);
    assertThatDecision(await(behindProxy.enforce(login()))).isDeniedWith(DenyReason.SOURCE_BLOCKED);
    assertThat(behindProxy.countermeasures().active()).extracting(Countermeasures.Active::rule)
        .contains("stuffing.source");
    assertThat(behindProxy.countermeasures().active()).extracting(Countermeasures.Active::target)
        .anySatisfy(target -> assertThat(target).contains(CLIENT));
  }

  @Test
  void reportWhenAnotherEnforcerAllowedTheRequestThenResolvesTheClientItself() {
    assertThat(refuse30(behindProxy, direct)).isEqualTo(30);

    // the direct enforcer does not trust the proxy: the peer sent X-Forwarded-For untrusted, so it is never blocked
    // (everyone behind it would be), and the forwarded address the other enforcer resolved is not its to act on
    assertThat(direct.countermeasures().active()).isEmpty();
  }
}
