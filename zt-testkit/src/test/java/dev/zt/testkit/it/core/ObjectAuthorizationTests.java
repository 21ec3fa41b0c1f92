package dev.zt.testkit.it.core;

import static dev.zt.testkit.ZtAssertions.assertThatDecision;
import static dev.zt.testkit.ZtAssertions.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.zt.core.Decision;
import dev.zt.core.DenyReason;
import dev.zt.core.Enforcer;
import dev.zt.core.WireResponse;
import dev.zt.core.authz.Authorization;
import dev.zt.core.authz.Condition;
import dev.zt.core.authz.ObjectAccessDenied;
import dev.zt.core.authz.ObjectPolicy;
import dev.zt.core.authz.PdpBinding;
import dev.zt.core.authz.PdpDecision;
import dev.zt.core.authz.PdpInput;
import dev.zt.core.authz.PolicyDecisionPoint;
import dev.zt.core.authz.Resource;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Object-level checks from code: route rule → object rules → PDP; forbid wins, no permit → deny, a deny anywhere
 * wins, an unavailable PDP is a 503; every check audited, shadow rules never decide.
 */
@ExtendWith(ZtExtension.class)
class ObjectAuthorizationTests {

  @RegisterExtension
  static final OpenTelemetryExtension otel = OpenTelemetryExtension.create();

  private static final Set<String> READ = Set.of("read");

  TestIssuer issuer;
  TestClock clock;
  final List<String> audited = new ArrayList<>();

  @BeforeEach
  void setUp(TestIssuer issuer, TestClock clock) {
    this.issuer = issuer;
    this.clock = clock;
  }

  private static RoutePolicy routes() {
    return RoutePolicy.builder()
        .get("/orders/{id}", Requirement.allScopes("orders:read"))
        .get("/t/{tenant}/orders/{id}", Requirement.allScopes("orders:read"))
        .get("/health", Requirement.permitAll())
        .build();
  }

  static ObjectPolicy.Builder orders() {
    return ObjectPolicy.builder()
        .permit("owner-reads", "order", READ, Condition.owner("owner"))
        .permit("admin-reads", "order", READ, Condition.anyRole("admin"));
  }

  private Enforcer enforcer(ObjectPolicy objects, PdpBinding... bindings) {
    Enforcer.Builder b = Enforcer.builder().bearerJwt(issuer.bearerJwt().build()).routes(routes()).clock(clock)
        .openTelemetry(otel.getOpenTelemetry()).objects(objects)
        .auditListener((request, decision, detail) -> audited.add(decision.rule() + " | " + detail));
    for (PdpBinding binding : bindings) {
      b.pdp(binding);
    }
    return b.build();
  }

  /** The object checks of an allowed {@code GET path} by a caller with {@code token}. */
  private static Authorization authorization(Enforcer enforcer, String path, String token) {
    var request = TestRequest.get(path).bearer(token).build();
    Decision d = await(enforcer.enforce(request));
    assertThatDecision(d).isAllowed();
    return enforcer.authorization(request, (Decision.Allow) d);
  }

  private String token(String sub, String... roles) {
    return issuer.token().subject(sub).scope("orders:read").roles(roles).build();
  }

  private static Resource order(String id, String owner) {
    return Resource.of("order", id).with("owner", owner);
  }

  // --- object rules -------------------------------------------------------------------------------------------

  @Test
  void checkWhenCallerOwnsResourceThenAllowsNamingThePermitRule() {
    Authorization authz = authorization(enforcer(orders().build()), "/orders/42", token("alice"));
    assertThatDecision(authz.check("read", order("42", "alice"))).isAllowedFor("alice").byRule("owner-reads");
  }

  @Test
  void checkWhenOwnerIsAnotherSubjectThenDeniedObjectForbiddenWithoutScopeChallenge() {
    Enforcer enforcer = enforcer(orders().build());
    Decision d = authorization(enforcer, "/orders/42", token("mallory")).check("read", order("42", "alice"));

    assertThatDecision(d).isDeniedWith(DenyReason.OBJECT_FORBIDDEN).hasStatus(403).byGate("object")
        .byRule(ObjectPolicy.DEFAULT_DENY);
    WireResponse wire = enforcer.respond((Decision.Deny) d);
    assertThat(wire.status()).isEqualTo(403);
    assertThat(wire.headers()).doesNotContainKey("WWW-Authenticate")
        .containsEntry("Content-Type", "application/problem+json");
    assertThat(wire.body()).contains("\"status\":403").doesNotContain("insufficient_scope").doesNotContain("scope");
  }

  @Test
  void checkWhenOwnerAttributeMissingThenDeniedByDefault() {
    Authorization authz = authorization(enforcer(orders().build()), "/orders/42", token("alice"));
    assertThatDecision(authz.check("read", Resource.of("order", "42"))).isDeniedWith(DenyReason.OBJECT_FORBIDDEN)
        .byRule(ObjectPolicy.DEFAULT_DENY);
    assertThatDecision(authz.check("read", Resource.of("order", "42").with("owner", 42L)))
        .isDeniedWith(DenyReason.OBJECT_FORBIDDEN);
  }

  @Test
  void checkWhenTokenHasNoSubjectThenOwnerNeverMatches() {
    String token = issuer.token().without("sub").claim("client_id", "alice").scope("orders:read").build();
    Enforcer enforcer = Enforcer.builder().bearerJwt(issuer.bearerJwt().allowMissingSubject().build())
        .routes(routes()).clock(clock).objects(orders().build()).build();
    Authorization authz = authorization(enforcer, "/orders/42", token);
    assertThatDecision(authz.check("read", order("42", "alice"))).isDeniedWith(DenyReason.OBJECT_FORBIDDEN);
  }

  @Test
  void checkWhenCallerHoldsAdminRoleThenAllowsAnyOwner() {
    Authorization authz = authorization(enforcer(orders().build()), "/orders/42", token("root", "admin"));
    assertThatDecision(authz.check("read", order("42", "alice"))).isAllowed().byRule("admin-reads");
    Authorization other = authorization(enforcer(orders().build()), "/orders/42", token("eve", "auditor"));
    assertThatDecision(other.check("read", order("42", "alice"))).isDeniedWith(DenyReason.OBJECT_FORBIDDEN);
  }

  @Test
  void checkWhenForbidAndPermitBothApplyThenForbidWins() {
    ObjectPolicy objects = orders()
        .forbid("frozen", "order", READ, Condition.claimEquals("frozen", true))
        .build();
    String frozen = issuer.token().subject("alice").scope("orders:read").claim("frozen", true).build();
    Authorization authz = authorization(enforcer(objects), "/orders/42", frozen);
    assertThatDecision(authz.check("read", order("42", "alice"))).isDeniedWith(DenyReason.OBJECT_FORBIDDEN)
        .byRule("frozen");
    Authorization thawed = authorization(enforcer(objects), "/orders/42", token("alice"));
    assertThatDecision(thawed.check("read", order("42", "alice"))).isAllowed().byRule("owner-reads");
  }

  @Test
  void checkWhenTenantClaimMissingOrDifferentThenSameTenantDoesNotHold() {
    ObjectPolicy objects = ObjectPolicy.builder()
        .permit("same-tenant", "order", READ, Condition.attributeEqualsClaim("tenant", "org.tenant"))
        .forbid("other-tenant", "order", READ, Condition.not(Condition.attributeEqualsClaim("tenant", "org.tenant")))
        .build();
    Resource acme = Resource.of("order", "1").with("tenant", "acme");
    String inAcme = issuer.token().scope("orders:read").claim("org", Map.of("tenant", "acme")).build();
    String inOther = issuer.token().scope("orders:read").claim("org", Map.of("tenant", "globex")).build();
    String none = issuer.token().scope("orders:read").build();
    Enforcer enforcer = enforcer(objects);

    assertThatDecision(authorization(enforcer, "/orders/1", inAcme).check("read", acme)).isAllowed()
        .byRule("same-tenant");
    assertThatDecision(authorization(enforcer, "/orders/1", inOther).check("read", acme))
        .isDeniedWith(DenyReason.OBJECT_FORBIDDEN).byRule("other-tenant");
    assertThatDecision(authorization(enforcer, "/orders/1", none).check("read", acme))
        .isDeniedWith(DenyReason.OBJECT_FORBIDDEN).byRule("other-tenant");
    assertThatDecision(authorization(enforcer, "/orders/1", inAcme).check("read", Resource.of("order", "1")))
        .isDeniedWith(DenyReason.OBJECT_FORBIDDEN).byRule("other-tenant");
  }

  @Test
  void checkWhenActionOrTypeHasNoRuleThenDefaultDeny() {
    Authorization authz = authorization(enforcer(orders().build()), "/orders/42", token("root", "admin"));
    assertThatDecision(authz.check("delete", order("42", "root"))).isDeniedWith(DenyReason.OBJECT_FORBIDDEN)
        .byRule(ObjectPolicy.DEFAULT_DENY);
    assertThatDecision(authz.check("read", Resource.of("invoice", "42").with("owner", "root")))
        .isDeniedWith(DenyReason.OBJECT_FORBIDDEN).byRule(ObjectPolicy.DEFAULT_DENY);
  }

  @Test
  void requireWhenDeniedThenThrowsObjectAccessDeniedCarryingTheDeny() {
    Authorization authz = authorization(enforcer(orders().build()), "/orders/42", token("mallory"));
    assertThatThrownBy(() -> authz.require("read", order("42", "alice"))).isInstanceOf(ObjectAccessDenied.class)
        .satisfies(e -> assertThat(((ObjectAccessDenied) e).deny().reason()).isEqualTo(DenyReason.OBJECT_FORBIDDEN));
    Authorization owner = authorization(enforcer(orders().build()), "/orders/42", token("alice"));
    owner.require("read", order("42", "alice")); // no throw
  }

  @Test
  void capturesWhenRouteNamesSegmentsThenReadFromTheRequestPath() {
    Enforcer enforcer = enforcer(orders().build());
    assertThat(authorization(enforcer, "/t/acme/orders/42", token("alice")).captures())
        .containsExactly(Map.entry("tenant", "acme"), Map.entry("id", "42"));
    var health = TestRequest.get("/health").build();
    Decision d = await(enforcer.enforce(health));
    assertThat(enforcer.authorization(health, (Decision.Allow) d).captures()).isEmpty();
  }

  // --- shadow rules ---------------------------------------------------------------------------------------------

  @Test
  void checkWhenShadowForbidAppliesThenAnswerUnchangedAndShadowAudited() {
    ObjectPolicy objects = orders().shadowForbid("no-weekend", "order", READ, Condition.always()).build();
    Authorization authz = authorization(enforcer(objects), "/orders/42", token("alice"));
    Span span = otel.getOpenTelemetry().getTracer("test").spanBuilder("check").startSpan();
    Decision d;
    try (Scope ignored = span.makeCurrent()) {
      d = authz.check("read", order("42", "alice"));
    } finally {
      span.end();
    }
    assertThatDecision(d).isAllowed().byRule("owner-reads");
    assertThat(audited).last().asString().contains("shadow rule 'no-weekend' would forbid");
    List<EventData> events = otel.getSpans().get(otel.getSpans().size() - 1).getEvents();
    EventData shadow = events.stream().filter(e -> e.getName().equals("zt.shadow")).findFirst().orElseThrow();
    assertThat(shadow.getAttributes().get(AttributeKey.stringKey("zt.rule"))).isEqualTo("no-weekend");
    assertThat(shadow.getAttributes().get(AttributeKey.stringKey("zt.shadow.would"))).isEqualTo("forbid");
    assertThat(shadow.getAttributes().get(AttributeKey.stringKey("zt.shadow.actual"))).isEqualTo("allow");
    EventData decision = events.stream().filter(e -> e.getName().equals("zt.decision")).findFirst().orElseThrow();
    assertThat(decision.getAttributes().get(AttributeKey.stringKey("zt.gate"))).isEqualTo("object");
    assertThat(decision.getAttributes().get(AttributeKey.stringKey("zt.rule"))).isEqualTo("owner-reads");
    assertThat(decision.getAttributes().get(AttributeKey.stringKey("zt.resource.type"))).isEqualTo("order");
    assertThat(decision.getAttributes().get(AttributeKey.stringKey("zt.resource.id"))).isEqualTo("42");
  }

  @Test
  void checkWhenOnlyAShadowPermitAppliesThenStillDenied() {
    ObjectPolicy objects = orders().shadowPermit("support-reads", "order", READ, Condition.anyRole("support"))
        .build();
    Authorization authz = authorization(enforcer(objects), "/orders/42", token("sam", "support"));
    assertThatDecision(authz.check("read", order("42", "alice"))).isDeniedWith(DenyReason.OBJECT_FORBIDDEN)
        .byRule(ObjectPolicy.DEFAULT_DENY);
    assertThat(audited).last().asString().contains("shadow rule 'support-reads' would permit");
  }

  @Test
  void checkWhenForbidDecidesThenLaterShadowRulesAreStillAudited() {
    ObjectPolicy objects = orders()
        .forbid("blocked", "order", READ, Condition.anyRole("blocked"))
        .shadowForbid("later", "order", READ, Condition.always())
        .build();
    Authorization authz = authorization(enforcer(objects), "/orders/42", token("alice", "blocked"));
    assertThatDecision(authz.check("read", order("42", "alice"))).isDeniedWith(DenyReason.OBJECT_FORBIDDEN)
        .byRule("blocked");
    assertThat(audited).last().asString().contains("shadow rule 'later' would forbid");
  }

  // --- the PDP ----------------------------------------------------------------------------------------------------

  /** A PDP answering with {@code answer}, recording its inputs. */
  private static final class FakePdp implements PolicyDecisionPoint {
    final List<PdpInput> inputs = new ArrayList<>();
    final Function<PdpInput, CompletionStage<PdpDecision>> answer;

    FakePdp(Function<PdpInput, CompletionStage<PdpDecision>> answer) {
      this.answer = answer;
    }

    static FakePdp answering(PdpDecision d) {
      return new FakePdp(i -> CompletableFuture.completedFuture(d));
    }

    @Override
    public CompletionStage<PdpDecision> decide(PdpInput input) {
      inputs.add(input);
      return answer.apply(input);
    }

    @Override
    public String name() {
      return "fake:orders/allow";
    }
  }

  private static PdpBinding bind(PolicyDecisionPoint pdp) {
    return PdpBinding.to(pdp).resourceTypes("order").actions("read").claims("tenant").build();
  }

  private static final PdpDecision ALLOW = new PdpDecision.Allow(Optional.of("d-1"), Optional.of("rev-7"));
  private static final PdpDecision DENY = new PdpDecision.Deny(Optional.of("d-2"), Optional.empty(), "result false");

  @Test
  void checkWhenPdpDeniesAfterObjectPermitThenDeniedPdpDenied() {
    FakePdp pdp = FakePdp.answering(DENY);
    Enforcer enforcer = enforcer(orders().build(), bind(pdp));
    Decision d = authorization(enforcer, "/orders/42", token("alice")).check("read", order("42", "alice"));
    assertThatDecision(d).isDeniedWith(DenyReason.PDP_DENIED).hasStatus(403).byGate("pdp")
        .byRule("fake:orders/allow");
    assertThat(enforcer.respond((Decision.Deny) d).headers()).doesNotContainKey("WWW-Authenticate");
    assertThat(audited).last().asString().contains("decision_id=d-2").contains("result false");
  }

  @Test
  void checkWhenObjectForbidsThenPdpIsNotAskedAndItsAllowNeverOverrides() {
    FakePdp pdp = FakePdp.answering(ALLOW);
    Enforcer enforcer = enforcer(orders().build(), bind(pdp));
    Decision d = authorization(enforcer, "/orders/42", token("mallory")).check("read", order("42", "alice"));
    assertThatDecision(d).isDeniedWith(DenyReason.OBJECT_FORBIDDEN);
    assertThat(pdp.inputs).isEmpty();
  }

  @Test
  void checkWhenPdpAllowsAfterObjectPermitThenAllowedWithDecisionIdAndRevisionAudited() {
    FakePdp pdp = FakePdp.answering(ALLOW);
    Enforcer enforcer = enforcer(orders().build(), bind(pdp));
    Decision d = authorization(enforcer, "/orders/42", token("alice")).check("read", order("42", "alice"));
    assertThatDecision(d).isAllowedFor("alice").byRule("owner-reads");
    assertThat(audited).last().asString().contains("decision_id=d-1").contains("revision=rev-7");
  }

  @Test
  void checkWhenBindingDoesNotCoverTheActionThenPdpIsNotAsked() {
    FakePdp pdp = FakePdp.answering(DENY);
    ObjectPolicy objects = orders().permit("owner-updates", "order", Set.of("update"), Condition.owner("owner"))
        .build();
    Authorization authz = authorization(enforcer(objects, bind(pdp)), "/orders/42", token("alice"));
    assertThatDecision(authz.check("update", order("42", "alice"))).isAllowed().byRule("owner-updates");
    assertThat(pdp.inputs).isEmpty();
  }

  @Test
  void checkWhenPdpThrowsThenUnavailable503WithRetryAfter() {
    FakePdp pdp = new FakePdp(i -> {
      throw new IllegalStateException("boom");
    });
    Enforcer enforcer = enforcer(orders().build(), bind(pdp));
    Decision d = authorization(enforcer, "/orders/42", token("alice")).check("read", order("42", "alice"));
    assertThatDecision(d).isDeniedWith(DenyReason.PDP_UNAVAILABLE).hasStatus(503);
    WireResponse wire = enforcer.respond((Decision.Deny) d);
    assertThat(wire.status()).isEqualTo(503);
    assertThat(wire.headers()).containsEntry("Retry-After", "5").doesNotContainKey("WWW-Authenticate");
    assertThat(wire.body()).contains("policy-unavailable");
  }

  @Test
  void checkWhenPdpStageFailsOrAnswersNullThenUnavailable() {
    FakePdp failing = new FakePdp(i -> CompletableFuture.failedFuture(new java.io.IOException("refused")));
    assertThatDecision(authorization(enforcer(orders().build(), bind(failing)), "/orders/42", token("alice"))
        .check("read", order("42", "alice"))).isDeniedWith(DenyReason.PDP_UNAVAILABLE);
    FakePdp nullAnswer = new FakePdp(i -> CompletableFuture.completedFuture(null));
    assertThatDecision(authorization(enforcer(orders().build(), bind(nullAnswer)), "/orders/42", token("alice"))
        .check("read", order("42", "alice"))).isDeniedWith(DenyReason.PDP_UNAVAILABLE);
    FakePdp nullStage = new FakePdp(i -> null);
    assertThatDecision(authorization(enforcer(orders().build(), bind(nullStage)), "/orders/42", token("alice"))
        .check("read", order("42", "alice"))).isDeniedWith(DenyReason.PDP_UNAVAILABLE);
  }

  @Test
  void checkWhenPdpUnavailableThenRetryAfterIsThePdpsHint() {
    FakePdp pdp = FakePdp.answering(new PdpDecision.Unavailable("HTTP 503", Duration.ofMillis(6500)));
    Enforcer enforcer = enforcer(orders().build(), bind(pdp));
    Decision d = authorization(enforcer, "/orders/42", token("alice")).check("read", order("42", "alice"));
    assertThatDecision(d).isDeniedWith(DenyReason.PDP_UNAVAILABLE);
    assertThat(enforcer.respond((Decision.Deny) d).headers()).containsEntry("Retry-After", "7");
    assertThat(audited).last().asString().contains("HTTP 503");
  }

  @Test
  void checkWhenPdpNeverAnswersThenUnavailableAtTheBindingsDeadline() {
    FakePdp silent = new FakePdp(i -> new CompletableFuture<>());
    PdpBinding binding = PdpBinding.to(silent).resourceTypes("order").actions("read")
        .timeout(Duration.ofMillis(50)).build();
    Authorization authz = authorization(enforcer(orders().build(), binding), "/orders/42", token("alice"));
    assertThatDecision(authz.check("read", order("42", "alice"))).isDeniedWith(DenyReason.PDP_UNAVAILABLE);
    assertThat(audited).last().asString().contains("no PDP decision within 50 ms");
  }

  @Test
  void checkAsyncWhenPdpIsPendingThenReturnsAtOnceAndCompletesWithItsAnswer() {
    CompletableFuture<PdpDecision> later = new CompletableFuture<>();
    FakePdp pdp = new FakePdp(i -> later);
    Authorization authz = authorization(enforcer(orders().build(), bind(pdp)), "/orders/42", token("alice"));
    CompletionStage<Decision> stage = authz.checkAsync("read", order("42", "alice"));
    assertThat(stage.toCompletableFuture()).isNotDone();
    later.complete(ALLOW);
    assertThatDecision(await(stage)).isAllowed().byRule("owner-reads");
  }

  @Test
  void checkWhenPdpAskedThenInputCarriesCallerActionResourceRequestAndOnlyBoundClaims() {
    FakePdp pdp = FakePdp.answering(ALLOW);
    String token = issuer.token().subject("alice").scope("orders:read").roles("buyer").claim("tenant", "acme")
        .claim("email", "alice@example.com").claim("client_id", "web").build();
    Authorization authz = authorization(enforcer(orders().build(), bind(pdp)), "/orders/42", token);
    authz.check("read", order("42", "alice").with("total", 12));

    PdpInput input = pdp.inputs.get(0);
    assertThat(input.get("caller.sub")).contains("alice");
    assertThat(input.get("caller.client_id")).contains("web");
    assertThat(input.get("caller.roles")).contains(List.of("buyer"));
    assertThat(input.get("caller.scopes")).contains(List.of("orders:read"));
    assertThat(input.get("caller.claims")).contains(Map.of("tenant", "acme"));
    assertThat(input.canonicalJson()).doesNotContain("alice@example.com");
    assertThat(input.get("action")).contains("read");
    assertThat(input.get("resource.type")).contains("order");
    assertThat(input.get("resource.id")).contains("42");
    assertThat(input.get("resource.owner")).contains("alice");
    assertThat(input.get("resource.total")).contains(12L);
    assertThat(input.get("request.method")).contains("GET");
    assertThat(input.get("request.path")).contains("/orders/42");
    assertThat(input.get("request.captures.id")).contains("42");
    assertThat(input.get("trust")).contains("HIGH");
  }

  // --- configuration --------------------------------------------------------------------------------------------

  @Test
  void buildWhenRulesAreLooseOrAmbiguousThenRefused() {
    assertThatIllegalArgumentException().isThrownBy(() -> ObjectPolicy.builder()
        .permit("all", "order", Set.of("*"), Condition.always())).withMessageContaining("list the actions");
    assertThatIllegalArgumentException().isThrownBy(() -> ObjectPolicy.builder()
        .permit("none", "order", Set.of(), Condition.always())).withMessageContaining("names no action");
    assertThatIllegalStateException().isThrownBy(() -> ObjectPolicy.builder()
        .permit("a", "order", READ, Condition.always()).forbid("a", "order", READ, Condition.always()))
        .withMessageContaining("share the id 'a'");
    assertThatIllegalStateException().isThrownBy(() -> ObjectPolicy.builder()
        .forbid("f", "order", READ, Condition.always()).shadowPermit("s", "order", READ, Condition.always()).build())
        .withMessageContaining("no permit rule");
    assertThatIllegalArgumentException().isThrownBy(() -> ObjectPolicy.builder()
        .permit(ObjectPolicy.DEFAULT_DENY, "order", READ, Condition.always()));
    assertThatIllegalArgumentException().isThrownBy(() -> Condition.owner(" owner"));
    assertThatIllegalArgumentException().isThrownBy(Condition::anyRole);
  }

  @Test
  void buildWhenPdpBindingCannotBeAskedOrOverlapsThenRefused() {
    FakePdp pdp = FakePdp.answering(ALLOW);
    assertThatIllegalStateException().isThrownBy(() -> Enforcer.builder().bearerJwt(issuer.bearerJwt().build())
        .routes(routes()).pdp(bind(pdp)).build()).withMessageContaining("needs objects");
    assertThatIllegalStateException().isThrownBy(() -> enforcer(orders().build(), bind(pdp), bind(pdp)))
        .withMessageContaining("two PDP bindings");
    assertThatIllegalStateException().isThrownBy(() -> enforcer(orders().build(),
        PdpBinding.to(pdp).resourceTypes("order").actions("delete").build())).withMessageContaining("never be asked");
    assertThatIllegalArgumentException().isThrownBy(() -> PdpBinding.to(pdp).resourceTypes("order").actions("*")
        .build());
    assertThatIllegalStateException().isThrownBy(() -> PdpBinding.to(pdp).actions("read").build());
  }

  @Test
  void authorizationWhenEnforcerHasNoObjectRulesThenRefused() {
    Enforcer plain = Enforcer.builder().bearerJwt(issuer.bearerJwt().build()).routes(routes()).clock(clock).build();
    var request = TestRequest.get("/health").build();
    Decision d = await(plain.enforce(request));
    assertThatIllegalStateException().isThrownBy(() -> plain.authorization(request, (Decision.Allow) d))
        .withMessageContaining("objects(");
  }

  @Test
  void checkWhenManyChecksThenEachIsCountedAsADecision() {
    AtomicInteger n = new AtomicInteger();
    Enforcer enforcer = enforcer(orders().build());
    Authorization authz = authorization(enforcer, "/orders/42", token("alice"));
    int before = audited.size();
    authz.check("read", order("42", "alice"));
    authz.check("read", order("43", "bob"));
    n.addAndGet(audited.size() - before);
    assertThat(n.get()).isEqualTo(2);
    assertThat(audited.subList(before, audited.size())).containsExactly(
        "owner-reads | object rule 'owner-reads' permits",
        "default-deny | no object rule permits 'read' on this order");
  }

  @Test
  void checkWhenScopeOrNumericClaimConditionsThenCompareExactly() {
    ObjectPolicy objects = ObjectPolicy.builder()
        .permit("auditor", "order", READ, Condition.anyScope("orders:audit"))
        .permit("same-region", "order", READ, Condition.attributeEqualsClaim("region", "region"))
        .build();
    Enforcer enforcer = enforcer(objects);
    String audit = issuer.token().scope("orders:read", "orders:audit").build();
    String region7 = issuer.token().scope("orders:read").claim("region", 7).build();
    String regionList = issuer.token().scope("orders:read").claim("region", List.of(7)).build();
    Resource in7 = Resource.of("order", "1").with("region", 7.0);

    assertThatDecision(authorization(enforcer, "/orders/1", audit).check("read", Resource.of("order", "1")))
        .isAllowed().byRule("auditor");
    assertThatDecision(authorization(enforcer, "/orders/1", region7).check("read", in7)).isAllowed()
        .byRule("same-region");
    assertThatDecision(authorization(enforcer, "/orders/1", region7).check("read", in7.with("region", "7")))
        .isDeniedWith(DenyReason.OBJECT_FORBIDDEN);
    assertThatDecision(authorization(enforcer, "/orders/1", regionList).check("read", in7))
        .isDeniedWith(DenyReason.OBJECT_FORBIDDEN);
  }

  @Test
  void checkWhenWorkloadConditionThenOnlyTheVerifiedPeerMatches() {
    String checkout = "spiffe://example.org/ns/shop/sa/checkout";
    List<java.security.cert.X509Certificate> chain = dev.zt.testkit.spiffe.TestTrustDomain.create("example.org")
        .issueX509Svid("/ns/shop/sa/checkout").chain();
    ObjectPolicy objects = ObjectPolicy.builder()
        .permit("checkout-reads", "order", READ, Condition.workload("spiffe://example.org/ns/shop/sa/checkout"))
        .build();
    Enforcer enforcer = Enforcer.builder().bearerJwt(issuer.bearerJwt().build()).routes(routes()).clock(clock)
        .peerVerifier(c -> new dev.zt.core.credential.PeerVerifier.Verified(checkout)).objects(objects).build();
    String token = token("alice");
    var withPeer = TestRequest.get("/orders/1").bearer(token).peerCertificates(chain).build();
    Decision allowed = await(enforcer.enforce(withPeer));
    assertThatDecision(enforcer.authorization(withPeer, (Decision.Allow) allowed).check("read",
        Resource.of("order", "1"))).isAllowed().byRule("checkout-reads");
    assertThatDecision(authorization(enforcer, "/orders/1", token).check("read", Resource.of("order", "1")))
        .isDeniedWith(DenyReason.OBJECT_FORBIDDEN);
  }

  @Test
  void checkWhenPdpPendingOnARequestThatMustNotBlockThenRefusesToWait() {
    CompletableFuture<PdpDecision> later = new CompletableFuture<>();
    FakePdp pdp = new FakePdp(i -> later);
    Enforcer enforcer = enforcer(orders().build(), bind(pdp));
    var request = TestRequest.get("/orders/42").bearer(token("alice")).nonBlocking().build();
    Decision d = await(enforcer.enforce(request));
    Authorization authz = enforcer.authorization(request, (Decision.Allow) d);
    assertThatIllegalStateException().isThrownBy(() -> authz.check("read", order("42", "alice")))
        .withMessageContaining("checkAsync");
    later.complete(ALLOW);
    assertThatDecision(authz.checkAsync("read", order("42", "alice"))).isAllowed(); // answered: no wait
    Authorization noPdp = authorization(enforcer(orders().build()), "/orders/42", token("alice"));
    assertThatDecision(noPdp.check("read", order("42", "alice"))).isAllowed();
  }
}
