package dev.zt.testkit.it.core;

import dev.zt.core.Decision;
import dev.zt.core.DenyReason;
import dev.zt.core.Enforcer;
import dev.zt.core.RequestContext;
import dev.zt.core.RequestHeaders;

import dev.zt.core.countermeasure.CountermeasurePolicy;
import dev.zt.core.credential.BearerJwt;
import dev.zt.core.rate.RatePolicy;

import static dev.zt.testkit.ZtAssertions.assertThatDecision;
import static dev.zt.testkit.ZtAssertions.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.zt.testkit.TestClock;
import dev.zt.testkit.TestIssuer;
import dev.zt.testkit.ZtExtension;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The budget of uncached (signature-checking) validations per client address and per /24 · /64 network: refused
 * before any signature work, 429 with {@code Retry-After}; cached tokens never pay; unknown clients never share a
 * known client's budget.
 */
@ExtendWith(ZtExtension.class)
class ValidationBudgetTests {

  TestIssuer issuer;
  TestClock clock;

  @BeforeEach
  void setUp(TestIssuer issuer, TestClock clock) {
    this.issuer = issuer;
    this.clock = clock;
  }

  private Enforcer enforcer(UnaryOperator<BearerJwt.Builder> jwt, Enforcer.Builder b) {
    return b.bearerJwt(jwt.apply(issuer.bearerJwt()).build())
        .routes(Fixtures.routes())
        .realm("orders")
        .clock(clock)
        .openTelemetry(io.opentelemetry.api.OpenTelemetry.noop())
        // the budget alone: no rate limits, no automated responses (which block a source after failed tokens)
        .rateLimits(RatePolicy.none())
        .countermeasures(CountermeasurePolicy.none())
        .build();
  }

  private Enforcer enforcer(int perAddress, int perNetwork) {
    return enforcer(b -> b.validationBudget(perAddress, perNetwork, Duration.ofMinutes(1)), Enforcer.builder());
  }

  private static Decision get(Enforcer e, String address, String token) {
    return get(e, address, token, Map.of());
  }

  private static Decision get(Enforcer e, String address, String token, Map<String, String> headers) {
    Map<String, List<String>> h = new java.util.LinkedHashMap<>();
    h.put("Authorization", List.of("Bearer " + token));
    headers.forEach((k, v) -> h.put(k, List.of(v)));
    RequestContext.Builder b = RequestContext.builder("GET", "/orders").headers(RequestHeaders.of(h));
    if (address != null) {
      try {
        b.clientAddress(InetAddress.getByName(address));
      } catch (java.net.UnknownHostException ex) {
        throw new AssertionError(ex);
      }
    }
    return await(e.enforce(b.build()));
  }

  /** A token with a valid structure and a real kid whose signature does not verify: a forgery. */
  private String forged() {
    String t = issuer.token().scope("orders:read").build();
    String sig = t.substring(t.lastIndexOf('.') + 1);
    char c = sig.charAt(10) == 'A' ? 'B' : 'A';
    return t.substring(0, t.lastIndexOf('.') + 1) + sig.substring(0, 10) + c + sig.substring(11);
  }

  @Test
  void enforceWhenForgedTokensExceedTheAddressBudgetThenRefuses429BeforeSignatureWork() {
    Enforcer e = enforcer(3, 30);
    for (int i = 0; i < 3; i++) {
      assertThatDecision(get(e, "192.0.2.7", forged())).isDeniedWith(DenyReason.TOKEN_SIGNATURE_INVALID);
    }
    Decision d = get(e, "192.0.2.7", forged());
    assertThatDecision(d).isDeniedWith(DenyReason.VALIDATION_BUDGET_EXCEEDED).hasStatus(429).byGate("credential");
    assertThat(e.respond((Decision.Deny) d).headers()).containsEntry("Retry-After", "20")
        .doesNotContainKey("WWW-Authenticate");
  }

  @Test
  void enforceWhenValidTokensExceedTheBudgetThenTheyWaitTooButCachedOnesNeverPay() {
    Enforcer e = enforcer(2, 20);
    String cached = issuer.token().scope("orders:read").build();
    assertThatDecision(get(e, "192.0.2.7", cached)).isAllowed();
    assertThatDecision(get(e, "192.0.2.7", issuer.token().scope("orders:read").build())).isAllowed();
    assertThatDecision(get(e, "192.0.2.7", issuer.token().scope("orders:read").build()))
        .isDeniedWith(DenyReason.VALIDATION_BUDGET_EXCEEDED);
    for (int i = 0; i < 100; i++) {
      assertThatDecision(get(e, "192.0.2.7", cached)).isAllowed();
    }
  }

  @Test
  void enforceWhenTheWindowPassesThenTheBudgetRefills() {
    Enforcer e = enforcer(2, 20);
    get(e, "192.0.2.7", forged());
    get(e, "192.0.2.7", forged());
    assertThatDecision(get(e, "192.0.2.7", forged())).isDeniedWith(DenyReason.VALIDATION_BUDGET_EXCEEDED);
    clock.advance(Duration.ofSeconds(30));
    assertThatDecision(get(e, "192.0.2.7", forged())).isDeniedWith(DenyReason.TOKEN_SIGNATURE_INVALID);
    assertThatDecision(get(e, "192.0.2.7", forged())).isDeniedWith(DenyReason.VALIDATION_BUDGET_EXCEEDED);
  }

  @Test
  void enforceWhenOneAddressExhaustedThenAnotherAddressIsServed() {
    Enforcer e = enforcer(2, 20);
    get(e, "192.0.2.7", forged());
    get(e, "192.0.2.7", forged());
    assertThatDecision(get(e, "192.0.2.7", forged())).isDeniedWith(DenyReason.VALIDATION_BUDGET_EXCEEDED);
    assertThatDecision(get(e, "198.51.100.9", issuer.token().scope("orders:read").build())).isAllowed();
  }

  @Test
  void enforceWhenAddressesRotateInsideOneIpv4NetworkThenTheNetworkBudgetHolds() {
    Enforcer e = enforcer(2, 5);
    for (int i = 1; i <= 5; i++) {
      assertThatDecision(get(e, "192.0.2." + i, forged())).isDeniedWith(DenyReason.TOKEN_SIGNATURE_INVALID);
    }
    assertThatDecision(get(e, "192.0.2.200", forged())).isDeniedWith(DenyReason.VALIDATION_BUDGET_EXCEEDED);
    assertThatDecision(get(e, "192.0.3.1", issuer.token().scope("orders:read").build())).isAllowed();
  }

  @Test
  void enforceWhenAddressesRotateInsideOneIpv6NetworkThenTheNetworkBudgetHolds() {
    Enforcer e = enforcer(2, 5);
    for (int i = 1; i <= 5; i++) {
      assertThatDecision(get(e, "2001:db8:1:2::" + Integer.toHexString(i), forged()))
          .isDeniedWith(DenyReason.TOKEN_SIGNATURE_INVALID);
    }
    assertThatDecision(get(e, "2001:db8:1:2:ffff::1", forged())).isDeniedWith(DenyReason.VALIDATION_BUDGET_EXCEEDED);
    assertThatDecision(get(e, "2001:db8:1:3::1", issuer.token().scope("orders:read").build())).isAllowed();
  }

  /**
   * One address over its own budget spends nothing of its network's: behind a carrier-grade NAT the /24 is everyone's,
   * and one client's refused forgeries must not exhaust it for the neighbours.
   */
  @Test
  void enforceWhenOneAddressIsOverItsBudgetThenItsRefusalsSpendNothingOfItsNetworksBudget() {
    Enforcer e = enforcer(2, 5);
    for (int i = 0; i < 20; i++) {
      get(e, "192.0.2.7", forged());
    }
    assertThatDecision(get(e, "192.0.2.7", forged())).isDeniedWith(DenyReason.VALIDATION_BUDGET_EXCEEDED);
    assertThatDecision(get(e, "192.0.2.8", issuer.token().scope("orders:read").build())).isAllowed();
    assertThatDecision(get(e, "192.0.2.9", issuer.token().scope("orders:read").build())).isAllowed();
  }

  /**
   * Loopback (exempt by default) and a trusted proxy's own address are shared by everything behind them: no
   * per-source budget there, which would let any one caller spend it for all (the threads bound the work).
   */
  @Test
  void enforceWhenClientIsExemptOrATrustedProxyItselfThenNoSharedBudgetIsKept() {
    Enforcer e = enforcer(b -> b.validationBudget(2, 5, Duration.ofMinutes(1)),
        Enforcer.builder().trustForwardedFor(a -> a.getHostAddress().startsWith("10.")));
    for (String shared : List.of("127.0.0.1", "10.0.0.5")) {
      for (int i = 0; i < 10; i++) {
        assertThatDecision(get(e, shared, forged())).as(shared).isDeniedWith(DenyReason.TOKEN_SIGNATURE_INVALID);
      }
      assertThatDecision(get(e, shared, issuer.token().scope("orders:read").build())).as(shared).isAllowed();
    }
  }

  /** A peer that adds {@code X-Forwarded-For} zt does not trust is never blocked, but keeps its own budget. */
  @Test
  void enforceWhenAnUntrustedPeerForwardsThenItIsBudgetedAsItself() {
    Enforcer e = enforcer(2, 20);
    for (int i = 0; i < 2; i++) {
      assertThatDecision(get(e, "192.0.2.7", forged(), Map.of("X-Forwarded-For", "198.51.100." + i)))
          .isDeniedWith(DenyReason.TOKEN_SIGNATURE_INVALID);
    }
    assertThatDecision(get(e, "192.0.2.7", forged(), Map.of("X-Forwarded-For", "198.51.100.99")))
        .isDeniedWith(DenyReason.VALIDATION_BUDGET_EXCEEDED);
  }

  @Test
  void enforceWhenClientUnknownThenItsBudgetIsApartFromKnownClients() {
    Enforcer e = enforcer(2, 20);
    get(e, null, forged());
    get(e, null, forged());
    assertThatDecision(get(e, null, forged())).isDeniedWith(DenyReason.VALIDATION_BUDGET_EXCEEDED);
    assertThatDecision(get(e, "192.0.2.7", issuer.token().scope("orders:read").build())).isAllowed();
  }

  @Test
  void enforceWhenBudgetRefusesThenNoSignatureWorkIsDone() {
    AtomicInteger keyLookups = new AtomicInteger();
    com.nimbusds.jose.jwk.source.JWKSource<com.nimbusds.jose.proc.SecurityContext> keys =
        (selector, context) -> {
          keyLookups.incrementAndGet();
          return selector.select(new com.nimbusds.jose.jwk.JWKSet(issuer.signingKey().publicJwk()));
        };
    Enforcer e = enforcer(b -> BearerJwt.issuer(issuer.issuer()).audience(TestIssuer.defaultAudience())
        .keySource(keys).validationBudget(1, 10, Duration.ofMinutes(1)), Enforcer.builder());
    get(e, "192.0.2.7", forged());
    assertThat(keyLookups).hasValue(1);
    for (int i = 0; i < 50; i++) {
      assertThatDecision(get(e, "192.0.2.7", forged())).isDeniedWith(DenyReason.VALIDATION_BUDGET_EXCEEDED);
    }
    assertThat(keyLookups).hasValue(1);
  }

  @Test
  void enforceWhenCallerCannotBlockAndOverBudgetThenAnswersAtOnceWithoutQueueing() throws Exception {
    AtomicInteger queued = new AtomicInteger();
    Enforcer e = enforcer(b -> b.validationBudget(1, 10, Duration.ofMinutes(1)), Enforcer.builder()
        .blockingExecutor(r -> {
          queued.incrementAndGet();
          r.run();
        }));
    RequestContext ctx = RequestContext.builder("GET", "/orders")
        .headers(RequestHeaders.of(Map.of("Authorization", List.of("Bearer " + forged()))))
        .clientAddress(InetAddress.getByName("192.0.2.7")).nonBlocking().build();
    await(e.enforce(ctx));
    var second = e.enforce(ctx).toCompletableFuture();
    assertThat(second).isCompleted();
    assertThatDecision(second.join()).isDeniedWith(DenyReason.VALIDATION_BUDGET_EXCEEDED);
    assertThat(queued).hasValue(1);
  }

  @Test
  void enforceWhenDefaultsThenSixtyPerAddressPerMinute() {
    Enforcer e = enforcer(UnaryOperator.identity(), Enforcer.builder());
    for (int i = 0; i < BearerJwt.DEFAULT_BUDGET_PER_ADDRESS; i++) {
      assertThatDecision(get(e, "192.0.2.7", forged())).isDeniedWith(DenyReason.TOKEN_SIGNATURE_INVALID);
    }
    assertThatDecision(get(e, "192.0.2.7", forged())).isDeniedWith(DenyReason.VALIDATION_BUDGET_EXCEEDED);
  }

  @Test
  void enforceWhenUnlimitedByNameThenNeverRefuses() {
    Enforcer e = enforcer(BearerJwt.Builder::unsafeUnlimitedValidations, Enforcer.builder());
    for (int i = 0; i < 200; i++) {
      assertThatDecision(get(e, "192.0.2.7", forged())).isDeniedWith(DenyReason.TOKEN_SIGNATURE_INVALID);
    }
  }

  @Test
  void builderWhenBudgetMalformedOrContradictoryThenFailsFast() {
    assertThatThrownBy(() -> issuer.bearerJwt().validationBudget(0, 10, Duration.ofMinutes(1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> issuer.bearerJwt().validationBudget(10, 5, Duration.ofMinutes(1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> issuer.bearerJwt().validationBudget(10, 50, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> issuer.bearerJwt().validationBudget(10, 50, Duration.ofMinutes(1))
        .unsafeUnlimitedValidations().build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("validationBudget")
        .hasMessageContaining("unsafeUnlimitedValidations");
  }
}
