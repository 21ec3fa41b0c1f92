package dev.zt.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.zt.core.countermeasure.CountermeasurePolicy;
import dev.zt.core.credential.BearerJwt;
import dev.zt.core.detect.Detection;
import dev.zt.core.internal.pipeline.AfterAllow;
import dev.zt.core.internal.pipeline.Gate;
import dev.zt.core.internal.pipeline.RequestState;
import dev.zt.core.internal.pipeline.Step;
import dev.zt.core.policy.Requirement;
import dev.zt.core.policy.RoutePolicy;
import dev.zt.core.rate.RatePolicy;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The pipeline's extension points (issue 13, "an open pipeline"): steps after an allow that add response fields, a
 * credential to forward, or deny; denials that name their challenges' schemes.
 */
class PipelineExtensionTests {

  private final Clock clock = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
  private final List<Decision> audited = new ArrayList<>();

  private static AfterAllow step(String name, Function<RequestState, Step> body) {
    return new AfterAllow() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public Step evaluate(RequestState state) {
        return body.apply(state);
      }
    };
  }

  private static Gate gate(String name, Function<RequestState, Step> body) {
    return new Gate() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public Step evaluate(RequestState exchange) {
        return body.apply(exchange);
      }
    };
  }

  private Enforcer.Builder builder() {
    return Enforcer.builder()
        .bearerJwt(BearerJwt.issuer("https://issuer.test").audience("api")
            .keySource((selector, context) -> List.of()).build())
        .routes(RoutePolicy.builder()
            .get("/public", Requirement.permitAll())
            .get("/orders", Requirement.allScopes("orders:read"))
            .build())
        .rateLimits(RatePolicy.none())
        .detection(Detection.off())
        .countermeasures(CountermeasurePolicy.none())
        .auditListener((request, decision, detail) -> audited.add(decision))
        .clock(clock);
  }

  private Decision get(Enforcer e, String path) {
    return e.enforce(RequestContext.builder("GET", path).arrival(clock.instant()).build())
        .toCompletableFuture().join();
  }

  @Test
  void enforceWhenNoStepsAfterAllowThenAllowCarriesSharedEmptyFieldsAndNoCredential() {
    Decision.Allow allow = (Decision.Allow) get(builder().build(), "/public");

    assertThat(allow.additions()).isSameAs(Decision.Allow.Additions.NONE);
    assertThat(allow.responseHeaders()).isSameAs(Map.of());
    assertThat(allow.forward()).isSameAs(java.util.Optional.empty());
  }

  @Test
  void enforceWhenStepAddsFieldAndCredentialThenTheAllowCarriesThemAudited() {
    Enforcer e = builder().testingAfterAllow(step("nonce", s -> {
      s.addResponseHeader("DPoP-Nonce", "n-1");
      s.forward(Decision.ForwardedCredential.bearer("internal.token.sig"));
      return Step.proceed();
    })).build();

    Decision d = get(e, "/public");

    assertThat(d).isInstanceOf(Decision.Allow.class);
    Decision.Allow allow = (Decision.Allow) d;
    assertThat(allow.responseHeaders()).containsExactly(Map.entry("DPoP-Nonce", "n-1"));
    assertThat(allow.forward().orElseThrow().authorization()).isEqualTo("Bearer internal.token.sig");
    assertThat(allow.toString()).doesNotContain("internal.token.sig");
    assertThat(audited).containsExactly(d);
  }

  @Test
  void enforceWhenStepAfterAllowDeniesThenDenialAuditedWithTheStepsName() {
    Enforcer e = builder().testingAfterAllow(step("pdp", s -> Step.deny(DenyReason.ROUTE_UNMATCHED))).build();

    Decision d = get(e, "/public");

    assertThat(d).isInstanceOf(Decision.Deny.class);
    assertThat(((Decision.Deny) d).reason()).isEqualTo(DenyReason.ROUTE_UNMATCHED);
    assertThat(((Decision.Deny) d).gate()).isEqualTo("pdp");
    assertThat(audited).containsExactly(d);
  }

  @Test
  void enforceWhenStepAfterAllowThrowsThenDeniedInternalError() {
    Enforcer e = builder().testingAfterAllow(step("broken", s -> {
      throw new IllegalStateException("boom");
    })).build();

    Decision d = get(e, "/public");

    assertThat(((Decision.Deny) d).reason()).isEqualTo(DenyReason.INTERNAL_ERROR);
  }

  @Test
  void enforceWhenTwoStepsEachForwardACredentialThenDeniedInternalError() {
    Enforcer e = builder()
        .testingAfterAllow(step("mint", s -> {
          s.forward(Decision.ForwardedCredential.bearer("one"));
          return Step.proceed();
        }))
        .testingAfterAllow(step("exchange", s -> {
          s.forward(Decision.ForwardedCredential.bearer("two"));
          return Step.proceed();
        }))
        .build();

    Decision d = get(e, "/public");

    assertThat(((Decision.Deny) d).reason()).as("two forwarded credentials: fail closed")
        .isEqualTo(DenyReason.INTERNAL_ERROR);
  }

  @Test
  void enforceWhenAGateDeniesThenNoStepAfterAllowRuns() {
    AtomicInteger ran = new AtomicInteger();
    Enforcer e = builder().testingAfterAllow(step("count", s -> {
      ran.incrementAndGet();
      return Step.proceed();
    })).build();

    Decision d = get(e, "/orders"); // anonymous on a protected route

    assertThat(((Decision.Deny) d).reason()).isEqualTo(DenyReason.CREDENTIAL_MISSING);
    assertThat(ran).hasValue(0);
  }

  @Test
  void enforceWhenStepAfterAllowWaitsThenTheDecisionCompletesWhenItDoes() {
    CompletableFuture<Step> later = new CompletableFuture<>();
    Enforcer e = builder()
        .testingAfterAllow(step("remote", s -> Step.later(later)))
        .testingAfterAllow(step("nonce", s -> {
          s.addResponseHeader("DPoP-Nonce", "n-2");
          return Step.proceed();
        }))
        .build();

    CompletableFuture<Decision> d = e.enforce(RequestContext.builder("GET", "/public").arrival(clock.instant())
        .build()).toCompletableFuture();
    assertThat(d).isNotDone();
    later.complete(Step.proceed());

    assertThat(((Decision.Allow) d.join()).responseHeaders()).containsEntry("DPoP-Nonce", "n-2");
  }

  @Test
  void respondWhenGateNamesDpopAndBearerChallengesThenBothInOrderWithTheErrorOnDpop() {
    Enforcer e = builder().testingGate(gate("dpop", s -> Step.denyWithChallenges(DenyReason.TOKEN_EXPIRED, List.of(
        new Decision.Challenge("DPoP", true, Map.of("algs", "ES256 EdDSA")),
        new Decision.Challenge("Bearer", false, Map.of()))))).build();

    Decision.Deny deny = (Decision.Deny) get(e, "/public");
    WireResponse wire = e.respond(deny);

    assertThat(wire.status()).isEqualTo(401);
    assertThat(wire.headers().get("WWW-Authenticate")).isEqualTo(
        "DPoP realm=\"zt\", error=\"invalid_token\", error_description=\"The access token expired.\", "
            + "algs=\"ES256 EdDSA\", Bearer realm=\"zt\"");
  }

  @Test
  void respondWhenNoChallengesNamedThenTheDefaultBearerChallengeAsBefore() {
    Decision.Deny deny = (Decision.Deny) get(builder().build(), "/orders");

    assertThat(deny.challenges()).isEmpty();
    assertThat(builder().build().respond(deny).headers().get("WWW-Authenticate")).isEqualTo("Bearer realm=\"zt\"");
  }

  @Test
  void statusWhenAnyReasonThenTheReasonsOwnWithoutTheWireLayer() {
    for (DenyReason r : DenyReason.values()) {
      Decision.Deny deny = new Decision.Deny(r, "g", "r", List.of());
      assertThat(deny.status()).isEqualTo(r.status()).isEqualTo(r.kind().status())
          .isEqualTo(WireResponse.of(deny, "zt").status());
    }
  }

  @Test
  void challengeWhenSchemeOrParamCouldInjectThenRefused() {
    assertThatThrownBy(() -> new Decision.Challenge("DPoP realm", true, Map.of()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Decision.Challenge("DPoP", true, Map.of("algs", "ES256\", error=\"x")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Decision.ForwardedCredential.bearer("a b"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Decision.ForwardedCredential.bearer("a\r\nX: y"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(Decision.ForwardedCredential.bearer("secret").toString()).doesNotContain("secret");
  }
}
