package dev.zt.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zt.core.countermeasure.CountermeasurePolicy;
import dev.zt.core.credential.BearerJwt;
import dev.zt.core.detect.Detection;
import dev.zt.core.internal.pipeline.CoreAccess;
import dev.zt.core.internal.pipeline.Step;
import dev.zt.core.policy.Requirement;
import dev.zt.core.policy.RoutePolicy;
import dev.zt.core.rate.RatePolicy;
import dev.zt.core.spi.SecurityState;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The internal trace hook behind {@code zt explain} ({@link CoreAccess.Enforcers#enforceTraced}): each gate's name and
 * step in pipeline order, the same decision as {@link Enforcer#enforce}, audited; an untraced request records nothing.
 */
class TracedEnforceTests {

  private final Clock clock = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
  private final List<Decision> audited = new ArrayList<>();

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

  private RequestContext get(String path) {
    return RequestContext.builder("GET", path).arrival(clock.instant()).build();
  }

  private static Decision traced(Enforcer e, RequestContext request, List<Map.Entry<String, Step>> steps) {
    return CoreAccess.enforcers().enforceTraced(e, request, (gate, step) -> steps.add(Map.entry(gate, step)))
        .toCompletableFuture().join();
  }

  @Test
  void enforceTracedWhenAllowedThenRecordsEveryGateProceedingInOrder() {
    Enforcer e = builder().build();
    List<Map.Entry<String, Step>> steps = new ArrayList<>();
    Decision d = traced(e, get("/public"), steps);
    assertThat(d).isInstanceOf(Decision.Allow.class);
    assertThat(steps).isNotEmpty();
    assertThat(steps).allSatisfy(s -> assertThat(s.getValue()).isSameAs(Step.proceed()));
    assertThat(steps).extracting(Map.Entry::getKey).startsWith("source", "credential").contains("policy");
    assertThat(audited).containsExactly(d);
  }

  @Test
  void enforceTracedWhenDeniedThenTheLastStepIsTheDenyingGatesStop() {
    Enforcer e = builder().build();
    List<Map.Entry<String, Step>> steps = new ArrayList<>();
    Decision d = traced(e, get("/orders"), steps);
    assertThat(d).isInstanceOf(Decision.Deny.class);
    Decision.Deny deny = (Decision.Deny) d;
    Map.Entry<String, Step> last = steps.get(steps.size() - 1);
    assertThat(last.getKey()).isEqualTo(deny.gate());
    assertThat(last.getValue()).isInstanceOfSatisfying(Step.Stop.class,
        stop -> assertThat(stop.reason()).isEqualTo(deny.reason()));
  }

  @Test
  void enforceTracedWhenThePathIsRejectedThenRecordsTheRequestStep() {
    List<Map.Entry<String, Step>> steps = new ArrayList<>();
    Decision d = traced(builder().build(), get("/a/%2e%2e/%2e%2e/b"), steps);
    assertThat(d).isInstanceOf(Decision.Deny.class);
    assertThat(steps).extracting(Map.Entry::getKey).containsExactly("request");
  }

  @Test
  void enforceWhenNotTracedThenGivesTheSameDecision() {
    Enforcer e = builder().build();
    List<Map.Entry<String, Step>> steps = new ArrayList<>();
    Decision.Deny traced = (Decision.Deny) traced(e, get("/orders"), steps);
    Decision.Deny plain = (Decision.Deny) e.enforce(get("/orders")).toCompletableFuture().join();
    assertThat(plain.reason()).isEqualTo(traced.reason());
    assertThat(plain.gate()).isEqualTo(traced.gate());
  }

  @Test
  void stateOrNullWhenSetThenTheStoreElseNull() {
    SecurityState state = SecurityState.inMemory();
    assertThat(CoreAccess.enforcers().stateOrNull(builder())).isNull();
    assertThat(CoreAccess.enforcers().stateOrNull(builder().state(state))).isSameAs(state);
  }
}
