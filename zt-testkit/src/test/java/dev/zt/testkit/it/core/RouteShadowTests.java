package dev.zt.testkit.it.core;

import static dev.zt.testkit.ZtAssertions.assertThatDecision;
import static dev.zt.testkit.ZtAssertions.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.zt.core.DenyReason;
import dev.zt.core.Enforcer;
import dev.zt.core.policy.Requirement;
import dev.zt.core.policy.RoutePolicy;
import dev.zt.testkit.TestClock;
import dev.zt.testkit.TestIssuer;
import dev.zt.testkit.TestRequest;
import dev.zt.testkit.ZtExtension;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.testing.junit5.OpenTelemetryExtension;
import io.opentelemetry.sdk.trace.data.EventData;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Route shadow rules: evaluated and audited as would-allow / would-deny; the answer is the real rules'. */
@ExtendWith(ZtExtension.class)
class RouteShadowTests {

  @RegisterExtension
  static final OpenTelemetryExtension otel = OpenTelemetryExtension.create();

  TestIssuer issuer;
  Enforcer enforcer;
  final List<String> details = new ArrayList<>();

  @BeforeEach
  void setUp(TestIssuer issuer, TestClock clock) {
    this.issuer = issuer;
    RoutePolicy routes = RoutePolicy.builder()
        .shadow("stricter-orders", Set.of("GET"), "/orders/{id}", Requirement.allRoles("admin"))
        .get("/orders/{id}", Requirement.allScopes("orders:read"))
        .shadow("open-reports", Set.of(), "/reports", Requirement.permitAll())
        .build();
    enforcer = Enforcer.builder().bearerJwt(issuer.bearerJwt().build()).routes(routes).clock(clock)
        .openTelemetry(otel.getOpenTelemetry())
        .auditListener((request, decision, detail) -> details.add(decision.rule() + " | " + detail)).build();
  }

  private List<EventData> decideInSpan(TestRequest request) {
    Span span = otel.getOpenTelemetry().getTracer("test").spanBuilder("request").startSpan();
    try (Scope ignored = span.makeCurrent()) {
      await(enforcer.enforce(request.build()));
    } finally {
      span.end();
    }
    return otel.getSpans().get(otel.getSpans().size() - 1).getEvents();
  }

  @Test
  void enforceWhenShadowRuleWouldDenyThenAllowedAndShadowAudited() {
    String token = issuer.token().scope("orders:read").build();
    assertThatDecision(enforcer.enforce(TestRequest.get("/orders/7").bearer(token).build())).isAllowed()
        .byRule("GET /orders/{id}");
    assertThat(details).last().asString().contains("shadow rule 'stricter-orders' would deny");

    List<EventData> events = decideInSpan(TestRequest.get("/orders/7").bearer(token));
    EventData shadow = events.stream().filter(e -> e.getName().equals("zt.shadow")).findFirst().orElseThrow();
    assertThat(shadow.getAttributes().get(AttributeKey.stringKey("zt.rule"))).isEqualTo("stricter-orders");
    assertThat(shadow.getAttributes().get(AttributeKey.stringKey("zt.shadow.would"))).isEqualTo("deny");
    assertThat(shadow.getAttributes().get(AttributeKey.stringKey("zt.shadow.actual"))).isEqualTo("allow");
  }

  @Test
  void enforceWhenShadowRuleWouldAllowThenStillDeniedByDefault() {
    String token = issuer.token().scope("orders:read").build();
    assertThatDecision(enforcer.enforce(TestRequest.get("/reports").bearer(token).build()))
        .isDeniedWith(DenyReason.ROUTE_UNMATCHED);
    assertThat(details).last().asString().contains("shadow rule 'open-reports' would allow");
  }

  @Test
  void enforceWhenShadowRuleDoesNotMatchThenNothingIsAudited() {
    String token = issuer.token().scope("orders:read").build();
    List<EventData> events = decideInSpan(TestRequest.get("/orders").bearer(token));
    assertThat(events).noneMatch(e -> e.getName().equals("zt.shadow"));
  }
}
