package dev.zt.core.policy;

import dev.zt.core.internal.pipeline.CoreAccess;
import dev.zt.core.credential.TestCredentials;
import dev.zt.core.Caller;
import dev.zt.core.DenyReason;
import dev.zt.core.RequestContext;
import dev.zt.core.RequestHeaders;
import dev.zt.core.credential.VerifiedJwt;
import dev.zt.core.internal.pipeline.Step;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link RoutePolicy}, {@link Route} and {@link Requirement}: deny by default, first match wins, strict building. */
class RoutePolicyTests {

  private static final Requirement READ = Requirement.allScopes("orders:read");
  private static final Requirement WRITE = Requirement.allScopes("orders:write");

  // ---- matching

  @Test
  void matchWhenSeveralRulesMatchThenFirstAddedWins() {
    RoutePolicy policy = RoutePolicy.builder()
        .get("/orders/{*}", READ)
        .get("/orders/{**}", Requirement.permitAll())
        .anyMethod("/{**}", Requirement.authenticated())
        .build();

    assertThat(policy.match("GET", "/orders/42").id()).isEqualTo("GET /orders/{*}");
    assertThat(policy.match("GET", "/orders/42").requirement()).isEqualTo(READ);
    assertThat(policy.match("GET", "/orders/42/items").id()).isEqualTo("GET /orders/{**}");
    assertThat(policy.match("GET", "/orders").id()).isEqualTo("GET /orders/{**}");
    assertThat(policy.match("POST", "/orders/42").id()).isEqualTo("* /{**}");
  }

  @Test
  void buildWhenBroadRuleComesFirstThenRefusesTheShadowedRule() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> RoutePolicy.builder()
            .get("/orders/{**}", Requirement.permitAll())
            .get("/orders/{*}", READ)
            .build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("can never match");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> RoutePolicy.builder()
            .get("/docs/{**}", Requirement.permitAll())
            .get("/docs/admin", READ)
            .build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("GET /docs/{**}");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> RoutePolicy.builder()
            .anyMethod("/a/{*}", READ)
            .get("/a/b", READ)
            .build())
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void buildWhenNarrowRuleComesFirstThenBothStand() {
    RoutePolicy policy = RoutePolicy.builder()
        .get("/orders/{*}", READ)
        .get("/orders/{**}", Requirement.permitAll())
        .get("/a/b", READ)
        .get("/a/{*}", WRITE)
        .post("/a/{*}", READ)
        .get("/x/{*}", READ)
        .get("/x/", WRITE)
        .build();

    assertThat(policy.match("GET", "/orders/42").id()).isEqualTo("GET /orders/{*}");
    assertThat(policy.match("GET", "/orders/42/items").id()).isEqualTo("GET /orders/{**}");
    assertThat(policy.match("GET", "/x/").id()).isEqualTo("GET /x/");
  }

  @Test
  void matchWhenNoRuleMatchesThenReturnsNull() {
    RoutePolicy policy = RoutePolicy.builder()
        .get("/orders", READ)
        .post("/orders", WRITE)
        .build();

    assertThat(policy.match("GET", "/orders/")).isNull();
    assertThat(policy.match("GET", "/Orders")).isNull();
    assertThat(policy.match("GET", "/admin")).isNull();
    assertThat(policy.match("DELETE", "/orders")).isNull();
    assertThat(policy.match("GET", "/")).isNull();
    assertThat(RoutePolicy.builder().build().match("GET", "/")).isNull();
  }

  @Test
  void matchWhenMethodCaseDiffersThenDoesNotMatch() {
    RoutePolicy policy = RoutePolicy.builder().get("/orders", READ).build();

    assertThat(policy.match("GET", "/orders")).isNotNull();
    assertThat(policy.match("get", "/orders")).isNull();
    assertThat(policy.match("Get", "/orders")).isNull();
  }

  @Test
  void matchWhenMethodIsHeadThenGetRuleDecidesIt() {
    RoutePolicy policy = RoutePolicy.builder().get("/orders", READ).post("/items", WRITE).build();

    assertThat(policy.match("HEAD", "/orders").id()).isEqualTo("GET /orders");
    assertThat(policy.match("HEAD", "/orders/")).isNull();
    assertThat(policy.match("HEAD", "/items")).as("only GET rules answer HEAD").isNull();
    assertThat(policy.match("head", "/orders")).isNull();
  }

  @Test
  void matchWhenNoImplicitHeadThenGetRuleDoesNotApplyToHead() {
    RoutePolicy policy = RoutePolicy.builder().noImplicitHead().get("/orders", READ)
        .route(Set.of("HEAD"), "/orders", WRITE).build();

    assertThat(policy.match("HEAD", "/orders").id()).isEqualTo("HEAD /orders");
    assertThat(RoutePolicy.builder().noImplicitHead().get("/orders", READ).build().match("HEAD", "/orders")).isNull();
    assertThatIllegalStateException().isThrownBy(() -> RoutePolicy.builder().noImplicitHead().noImplicitHead());
  }

  @Test
  void buildWhenHeadRuleFollowsGetRuleThenRefusedAsShadowedUnlessNoImplicitHead() {
    assertThatIllegalStateException()
        .isThrownBy(() -> RoutePolicy.builder().get("/orders", READ).route(Set.of("HEAD"), "/orders", WRITE).build())
        .withMessageContaining("'HEAD /orders'").withMessageContaining("noImplicitHead()");
    assertThat(RoutePolicy.builder().route(Set.of("HEAD"), "/orders", WRITE).get("/orders", READ).build()
        .match("HEAD", "/orders").id()).isEqualTo("HEAD /orders");
  }

  // ---- CORS preflight

  @Test
  void matchWhenPreflightRuleThenOnlyPreflightsMatchIt() {
    RoutePolicy policy = RoutePolicy.builder().get("/orders", READ).preflight("/orders").build();

    Route rule = policy.match("OPTIONS", "/orders", true);
    assertThat(rule.id()).isEqualTo("PREFLIGHT /orders");
    assertThat(rule.requirement().isPublic()).isTrue();
    assertThat(policy.match("OPTIONS", "/orders", false)).as("a plain OPTIONS is not a preflight").isNull();
    assertThat(policy.match("OPTIONS", "/orders/1", true)).isNull();
    assertThat(policy.match("GET", "/orders").id()).isEqualTo("GET /orders");
  }

  @Test
  void matchWhenPreflightWithoutPreflightRuleThenNoRule() {
    RoutePolicy policy = RoutePolicy.builder().get("/orders", Requirement.permitAll()).build();

    assertThat(policy.match("OPTIONS", "/orders", true)).isNull();
  }

  @Test
  void isPreflightWhenOptionsWithOriginAndRequestMethodThenTrueElseFalse() {
    assertThat(RoutePolicy.isPreflight(options(Map.of("Origin", List.of("https://app.example"),
        "Access-Control-Request-Method", List.of("POST"))))).isTrue();
    assertThat(RoutePolicy.isPreflight(options(Map.of("Origin", List.of("https://app.example"))))).isFalse();
    assertThat(RoutePolicy.isPreflight(options(Map.of("Access-Control-Request-Method", List.of("POST"))))).isFalse();
    assertThat(RoutePolicy.isPreflight(options(Map.of("Origin", List.of("https://app.example"),
        "Access-Control-Request-Method", List.of("PO ST"))))).isFalse();
    assertThat(RoutePolicy.isPreflight(options(Map.of("Origin", List.of("https://a", "https://b"),
        "Access-Control-Request-Method", List.of("POST"))))).isFalse();
    assertThat(RoutePolicy.isPreflight(RequestContext.builder("GET", "/orders").headers(RequestHeaders.of(Map.of(
        "Origin", List.of("https://a"), "Access-Control-Request-Method", List.of("POST")))).build())).isFalse();
  }

  @Test
  void buildWhenPreflightRuleIsCoveredThenRefused() {
    assertThatIllegalStateException()
        .isThrownBy(() -> RoutePolicy.builder().anyMethod("/orders", READ).preflight("/orders").build())
        .withMessageContaining("PREFLIGHT /orders");
    assertThatIllegalStateException()
        .isThrownBy(() -> RoutePolicy.builder().preflight("/orders/{**}").preflight("/orders").build());
    // an OPTIONS rule after a preflight rule still decides plain OPTIONS requests
    RoutePolicy policy = RoutePolicy.builder().preflight("/orders").route(Set.of("OPTIONS"), "/orders", READ).build();
    assertThat(policy.match("OPTIONS", "/orders").id()).isEqualTo("OPTIONS /orders");
  }

  private static RequestContext options(Map<String, List<String>> headers) {
    return RequestContext.builder("OPTIONS", "/orders").headers(RequestHeaders.of(headers)).build();
  }

  @Test
  void matchWhenRuleNamesSeveralMethodsThenAppliesToEachAndOnlyThose() {
    RoutePolicy policy = RoutePolicy.builder()
        .route(Set.of("HEAD", "GET"), "/orders", READ)
        .build();

    assertThat(policy.match("GET", "/orders").id()).isEqualTo("GET,HEAD /orders");
    assertThat(policy.match("HEAD", "/orders").id()).isEqualTo("GET,HEAD /orders");
    assertThat(policy.match("POST", "/orders")).isNull();
  }

  @Test
  void matchWhenRuleIsForAnyMethodThenMatchesEveryMethodToken() {
    RoutePolicy policy = RoutePolicy.builder().anyMethod("/orders", READ).build();

    for (String method : List.of("GET", "HEAD", "POST", "PROPFIND", "get", "X-CUSTOM")) {
      assertThat(policy.match(method, "/orders")).as(method).isNotNull();
    }
    assertThat(policy.match("GET", "/orders/")).isNull();
  }

  @Test
  void builderWhenShortcutsAreUsedThenEachBindsItsOwnMethod() {
    RoutePolicy policy = RoutePolicy.builder()
        .get("/r", READ)
        .post("/r", WRITE)
        .put("/r", WRITE)
        .patch("/r", WRITE)
        .delete("/r", WRITE)
        .build();

    assertThat(policy.routes()).extracting(Route::id)
        .containsExactly("GET /r", "POST /r", "PUT /r", "PATCH /r", "DELETE /r");
    assertThat(policy.routes()).extracting(Route::methods)
        .containsExactly(Set.of("GET"), Set.of("POST"), Set.of("PUT"), Set.of("PATCH"), Set.of("DELETE"));
    assertThat(policy.match("PATCH", "/r").id()).isEqualTo("PATCH /r");
  }

  @Test
  void routesWhenReadThenCannotBeModified() {
    RoutePolicy policy = RoutePolicy.builder().get("/r", READ).build();

    assertThat(policy.routes()).hasSize(1);
    assertThatThrownBy(() -> policy.routes().clear())
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void routeWhenMethodSetIsMutatedAfterwardsThenRuleIsUnaffected() {
    Set<String> methods = new java.util.HashSet<>(Set.of("GET"));
    Route route = new Route("r", methods, PathPattern.parse("/r"), READ);
    methods.add("DELETE");

    assertThat(route.methods()).containsExactly("GET");
    assertThat(route.matches("DELETE", "/r")).isFalse();
  }

  // ---- building

  @Test
  void buildWhenTwoRulesShareAnIdThenThrows() {
    RoutePolicy.Builder builder = RoutePolicy.builder()
        .route("orders", Set.of("GET"), "/orders", READ)
        .route("orders", Set.of("POST"), "/orders", WRITE);

    assertThatIllegalStateException().isThrownBy(builder::build).withMessageContaining("'orders'");
  }

  @Test
  void buildWhenGeneratedIdsCollideThenThrows() {
    RoutePolicy.Builder builder = RoutePolicy.builder()
        .get("/orders", READ)
        .get("/orders", WRITE);

    assertThatIllegalStateException().isThrownBy(builder::build).withMessageContaining("GET /orders");
  }

  @Test
  void buildWhenEarlierRuleCoversLaterIdenticalPatternThenThrows() {
    RoutePolicy.Builder sameMethods = RoutePolicy.builder()
        .route("first", Set.of("GET"), "/orders", READ)
        .route("second", Set.of("GET"), "/orders", WRITE);
    RoutePolicy.Builder supersetFirst = RoutePolicy.builder()
        .route("first", Set.of("GET", "POST"), "/orders", READ)
        .route("second", Set.of("POST"), "/orders", WRITE);
    RoutePolicy.Builder anyMethodFirst = RoutePolicy.builder()
        .anyMethod("/orders/{*}", READ)
        .route("second", Set.of("DELETE"), "/orders/{*}", WRITE);

    assertThatIllegalStateException().isThrownBy(sameMethods::build)
        .withMessageContaining("'second'").withMessageContaining("'first'");
    assertThatIllegalStateException().isThrownBy(supersetFirst::build).withMessageContaining("'second'");
    assertThatIllegalStateException().isThrownBy(anyMethodFirst::build).withMessageContaining("'second'");
  }

  @Test
  void buildWhenLaterRuleIsNotFullyCoveredThenAccepts() {
    RoutePolicy policy = RoutePolicy.builder()
        .route("get", Set.of("GET"), "/orders", READ)
        .route("get-post", Set.of("GET", "POST"), "/orders", WRITE)
        .route("specific", Set.of("DELETE"), "/orders/{*}", WRITE)
        .anyMethod("/orders/{*}", READ)
        .route("slash", Set.of("GET"), "/orders/", READ)
        .build();

    assertThat(policy.routes()).extracting(Route::id)
        .containsExactly("get", "get-post", "specific", "* /orders/{*}", "slash");
    assertThat(policy.match("POST", "/orders").id()).isEqualTo("get-post");
    assertThat(policy.match("GET", "/orders").id()).isEqualTo("get");
    assertThat(policy.match("DELETE", "/orders/1").id()).isEqualTo("specific");
    assertThat(policy.match("PUT", "/orders/1").id()).isEqualTo("* /orders/{*}");
  }

  @ParameterizedTest(name = "[{0}]")
  @ValueSource(strings = {"", "G ET", "GET ", " GET", "GET\r\n", "GET\t", "GE/T", "GET,POST", "(GET)", "GÉT",
      "GET\u0000", "\"GET\""})
  void routeWhenMethodIsNotATokenThenThrows(String method) {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> RoutePolicy.builder().route(Set.of(method), "/orders", READ));
  }

  @ParameterizedTest(name = "[{0}]")
  @ValueSource(strings = {"get", "Get", "gET", "post", "m-search", "*", "123", "-"})
  void routeWhenMethodIsNotUpperCaseThenThrowsNamingTheFix(String method) {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> RoutePolicy.builder().route(Set.of(method), "/orders", READ))
        .withMessageContaining("'" + method + "'");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> new Route("r", Set.of(method), PathPattern.parse("/orders"), READ));
  }

  @Test
  void routeWhenMethodSetIsEmptyThenThrowsPointingToAnyMethod() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> RoutePolicy.builder().route(Set.of(), "/orders", READ))
        .withMessageContaining("anyMethod");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> RoutePolicy.builder().route("id", Set.of(), "/orders", READ))
        .withMessageContaining("'id'");
  }

  @Test
  void routeWhenMethodIsAnExtensionTokenThenAccepts() {
    RoutePolicy policy = RoutePolicy.builder().route(Set.of("M-SEARCH", "X_Y.1!~"), "/r", READ).build();

    assertThat(policy.match("M-SEARCH", "/r")).isNotNull();
  }

  @Test
  void routeWhenPatternIsInvalidThenThrowsAtOnce() {
    assertThatIllegalArgumentException().isThrownBy(() -> RoutePolicy.builder().get("orders", READ));
    assertThatIllegalArgumentException().isThrownBy(() -> RoutePolicy.builder().get("/{**}/x", READ));
  }

  @Test
  void routeWhenPartIsNullThenThrows() {
    PathPattern p = PathPattern.parse("/r");
    assertThatNullPointerException().isThrownBy(() -> new Route(null, Set.of(), p, READ));
    assertThatNullPointerException().isThrownBy(() -> new Route("r", Set.of(), null, READ));
    assertThatNullPointerException().isThrownBy(() -> new Route("r", Set.of(), p, null));
    assertThatNullPointerException().isThrownBy(() -> new Route("r", null, p, READ));
  }

  // ---- requirement construction

  @Test
  void andWhenPermitAllIsCombinedThenThrows() {
    assertThatIllegalArgumentException().isThrownBy(() -> Requirement.permitAll().and(READ));
    assertThatIllegalArgumentException().isThrownBy(() -> READ.and(Requirement.permitAll()));
    assertThatIllegalArgumentException()
        .isThrownBy(() -> Requirement.permitAll().and(Requirement.permitAll()));
  }

  @Test
  void andWhenNestedThenFlattensInOrder() {
    Requirement a = Requirement.allScopes("a");
    Requirement b = Requirement.anyRole("b");
    Requirement c = Requirement.claimEquals("tenant", "c");
    Requirement d = Requirement.authenticated();

    Requirement combined = a.and(b).and(c.and(d));

    assertThat(combined).isEqualTo(new Requirement.AllOf(List.of(a, b, c, d)));
    assertThat(combined.isPublic()).isFalse();
  }

  @Test
  void isPublicWhenRequirementIsPermitAllThenOnlyItIsPublic() {
    assertThat(Requirement.permitAll().isPublic()).isTrue();
    assertThat(Requirement.authenticated().isPublic()).isFalse();
    assertThat(READ.isPublic()).isFalse();
    assertThat(Requirement.anyRole("r").isPublic()).isFalse();
  }

  @ParameterizedTest(name = "[{0}]")
  @ValueSource(strings = {"", " ", "\t", "orders read", " orders:read", "orders:read ", "a\"b", "a\\b", "a\nb",
      "caf\u00e9", "a\u007fb"})
  void scopeAndRoleFactoriesWhenValueIsBlankOrHasSpacesOrQuotesThenThrow(String value) {
    assertThatIllegalArgumentException().isThrownBy(() -> Requirement.allScopes(value));
    assertThatIllegalArgumentException().isThrownBy(() -> Requirement.anyScope("ok", value));
    assertThatIllegalArgumentException().isThrownBy(() -> Requirement.allRoles(value));
    assertThatIllegalArgumentException().isThrownBy(() -> Requirement.anyRole(value, "ok"));
  }

  @Test
  void scopeAndRoleFactoriesWhenNoValueOrNullThenThrow() {
    assertThatIllegalArgumentException().isThrownBy(Requirement::allScopes);
    assertThatIllegalArgumentException().isThrownBy(Requirement::anyScope);
    assertThatIllegalArgumentException().isThrownBy(Requirement::allRoles);
    assertThatIllegalArgumentException().isThrownBy(Requirement::anyRole);
    assertThatIllegalArgumentException().isThrownBy(() -> Requirement.allScopes("a", null));
  }

  @Test
  void claimEqualsWhenExpectedValueIsNotAJsonScalarThenThrows() {
    assertThatIllegalArgumentException().isThrownBy(() -> Requirement.claimEquals("org", Map.of("id", "1")));
    assertThatIllegalArgumentException().isThrownBy(() -> Requirement.claimEquals("org", List.of("1")));
    assertThatIllegalArgumentException().isThrownBy(() -> Requirement.claimEquals("org", 'c'));
    assertThatNullPointerException().isThrownBy(() -> Requirement.claimEquals("org", null));
    assertThatNullPointerException().isThrownBy(() -> Requirement.claimEquals(null, "1"));
  }

  // ---- requirement checks against a caller

  @Test
  void checkWhenAllScopesRequiredThenEveryOneMustBeGranted() {
    Requirement req = Requirement.allScopes("orders:read", "orders:write");

    assertThat(req.check(caller(Set.of("orders:read", "orders:write", "x"), Set.of()))).isEmpty();
    assertThat(req.check(caller(Set.of("orders:read"), Set.of())))
        .contains(new Step.Stop(DenyReason.INSUFFICIENT_SCOPE, List.of("orders:read", "orders:write")));
    assertThat(req.check(caller(Set.of(), Set.of()))).map(Step.Stop::reason)
        .contains(DenyReason.INSUFFICIENT_SCOPE);
    assertThat(req.check(caller(Set.of("ORDERS:READ", "ORDERS:WRITE"), Set.of()))).isPresent();
    assertThat(req.check(Caller.anonymous())).isPresent();
  }

  @Test
  void checkWhenAnyScopeRequiredThenOneGrantedScopeSuffices() {
    Requirement req = Requirement.anyScope("orders:read", "orders:admin");

    assertThat(req.check(caller(Set.of("orders:admin"), Set.of()))).isEmpty();
    assertThat(req.check(caller(Set.of("orders:read"), Set.of()))).isEmpty();
    assertThat(req.check(caller(Set.of("orders:write"), Set.of())))
        .contains(new Step.Stop(DenyReason.INSUFFICIENT_SCOPE, List.of("orders:read", "orders:admin")));
    assertThat(req.check(caller(Set.of(), Set.of("orders:read")))).as("a role is not a scope").isPresent();
  }

  @Test
  void checkWhenRolesRequiredThenChecksRolesNotScopes() {
    Requirement all = Requirement.allRoles("admin", "auditor");
    Requirement any = Requirement.anyRole("admin", "auditor");

    assertThat(all.check(caller(Set.of(), Set.of("admin", "auditor")))).isEmpty();
    assertThat(all.check(caller(Set.of(), Set.of("admin"))))
        .contains(new Step.Stop(DenyReason.INSUFFICIENT_ROLE, List.of()));
    assertThat(all.check(caller(Set.of("admin", "auditor"), Set.of()))).isPresent();
    assertThat(any.check(caller(Set.of(), Set.of("auditor")))).isEmpty();
    assertThat(any.check(caller(Set.of(), Set.of("Admin"))))
        .contains(new Step.Stop(DenyReason.INSUFFICIENT_ROLE, List.of()));
    assertThat(any.check(Caller.anonymous())).isPresent();
  }

  @Test
  void checkWhenPartsAreCombinedThenFirstFailingPartDecides() {
    Requirement req = Requirement.allScopes("orders:read").and(Requirement.anyRole("clerk"))
        .and(Requirement.claimEquals("tenant", "acme"));
    Map<String, Object> acme = Map.of("tenant", "acme");

    assertThat(req.check(caller(Set.of("orders:read"), Set.of("clerk"), acme))).isEmpty();
    assertThat(req.check(caller(Set.of(), Set.of(), Map.of()))).map(Step.Stop::reason)
        .contains(DenyReason.INSUFFICIENT_SCOPE);
    assertThat(req.check(caller(Set.of("orders:read"), Set.of(), acme))).map(Step.Stop::reason)
        .contains(DenyReason.INSUFFICIENT_ROLE);
    assertThat(req.check(caller(Set.of("orders:read"), Set.of("clerk"), Map.of("tenant", "other"))))
        .map(Step.Stop::reason).contains(DenyReason.CLAIM_CONDITION_FAILED);
  }

  @Test
  void checkWhenPermitAllOrAuthenticatedThenNeverDenies() {
    assertThat(Requirement.permitAll().check(Caller.anonymous())).isEmpty();
    assertThat(Requirement.authenticated().check(caller(Set.of(), Set.of()))).isEmpty();
  }

  static Stream<Arguments> claimConditions() {
    Map<String, Object> claims = Map.of(
        "tenant", "acme",
        "level", 1L,
        "ratio", 0.5d,
        "big", new BigInteger("123456789012345678901234567890"),
        "verified", true,
        "groups", List.of("a", 2L, true, Map.of("x", "y")),
        "org", Map.of("id", "o-1", "depth", Map.of("n", 3L)),
        "empty", List.of(),
        "s1", "1");
    return Stream.of(
        // strings: exact, case-sensitive, not coerced
        Arguments.of(claims, "tenant", "acme", true),
        Arguments.of(claims, "tenant", "ACME", false),
        Arguments.of(claims, "tenant", "acme ", false),
        Arguments.of(claims, "s1", 1, false),
        Arguments.of(claims, "level", "1", false),
        // numbers compare by JSON value, whatever the Java type
        Arguments.of(claims, "level", 1, true),
        Arguments.of(claims, "level", 1L, true),
        Arguments.of(claims, "level", 1.0d, true),
        Arguments.of(claims, "level", new BigDecimal("1.000"), true),
        Arguments.of(claims, "level", 2, false),
        Arguments.of(claims, "level", 1.0000001d, false),
        Arguments.of(claims, "ratio", 0.5f, true),
        Arguments.of(claims, "ratio", new BigDecimal("0.50"), true),
        Arguments.of(claims, "ratio", 0, false),
        Arguments.of(claims, "big", new BigInteger("123456789012345678901234567890"), true),
        Arguments.of(claims, "big", 1.2345678901234568E29d, false),
        // booleans: not the strings "true"/"false"
        Arguments.of(claims, "verified", true, true),
        Arguments.of(claims, "verified", false, false),
        Arguments.of(claims, "verified", "true", false),
        Arguments.of(claims, "verified", 1, false),
        // arrays: contains
        Arguments.of(claims, "groups", "a", true),
        Arguments.of(claims, "groups", 2, true),
        Arguments.of(claims, "groups", 2.0d, true),
        Arguments.of(claims, "groups", true, true),
        Arguments.of(claims, "groups", "b", false),
        Arguments.of(claims, "groups", "2", false),
        Arguments.of(claims, "groups", "y", false),
        Arguments.of(claims, "empty", "a", false),
        // nested paths
        Arguments.of(claims, "org.id", "o-1", true),
        Arguments.of(claims, "org.id", "o-2", false),
        Arguments.of(claims, "org.depth.n", 3, true),
        Arguments.of(claims, "org.missing", "o-1", false),
        Arguments.of(claims, "tenant.id", "acme", false),
        Arguments.of(claims, "org.", "o-1", false),
        Arguments.of(claims, ".org", "o-1", false),
        Arguments.of(claims, "org..id", "o-1", false),
        Arguments.of(Map.of("org.id", "o-1"), "org.id", "o-1", false),
        // a map value is never equal, whatever its contents
        Arguments.of(claims, "org", "o-1", false),
        Arguments.of(claims, "org.depth", 3, false),
        Arguments.of(Map.of("m", Map.of()), "m", "{}", false),
        // missing claim
        Arguments.of(claims, "absent", "acme", false),
        Arguments.of(Map.of(), "tenant", "acme", false));
  }

  @ParameterizedTest(name = "{1} == {2} -> {3}")
  @MethodSource("claimConditions")
  void checkWhenClaimConditionIsEvaluatedThenComparesJsonValues(
      Map<String, Object> claims, String path, Object expected, boolean satisfied) {
    Optional<Step.Stop> result = Requirement.claimEquals(path, expected).check(caller(Set.of(), Set.of(), claims));

    if (satisfied) {
      assertThat(result).isEmpty();
    } else {
      assertThat(result).contains(new Step.Stop(DenyReason.CLAIM_CONDITION_FAILED, List.of()));
    }
  }

  @Test
  void checkWhenCallerIsAnonymousThenClaimConditionAsksForAToken() {
    assertThat(Requirement.claimEquals("tenant", "acme").check(Caller.anonymous()))
        .contains(new Step.Stop(DenyReason.CREDENTIAL_MISSING, List.of()));
  }

  // ---- helpers: only package dev.zt.core can make verified tokens and callers

  /** A caller with an access token (no scopes, no roles), for other tests of this package. */
  static Caller tokenCaller() {
    return caller(Set.of(), Set.of());
  }

  private static Caller caller(Set<String> scopes, Set<String> roles) {
    return caller(scopes, roles, Map.of());
  }

  private static Caller caller(Set<String> scopes, Set<String> roles, Map<String, Object> claims) {
    Instant iat = Instant.parse("2025-01-01T00:00:00Z");
    VerifiedJwt jwt = TestCredentials.jwt(
        "EdDSA",
        Optional.of("k1"),
        claims,
        "https://issuer.example",
        Optional.of("alice"),
        List.of("orders"),
        iat.plusSeconds(300),
        iat,
        Optional.empty(),
        Optional.of("jti-1"),
        Optional.of("client-1"),
        Set.copyOf(scopes));
    return CoreAccess.callers().caller(jwt, roles);
  }

  @Test
  void buildWhenShadowRuleCoversARealRuleThenNeitherShadowsTheOther() {
    RoutePolicy policy = RoutePolicy.builder()
        .shadow("dry-run", Set.of(), "/{**}", WRITE)
        .get("/orders/{id}", READ)
        .get("/orders/{id}/items", READ)
        .build();
    assertThat(policy.match("GET", "/orders/1").id()).isEqualTo("GET /orders/{id}");
    assertThat(policy.match("GET", "/other")).isNull();
    assertThat(policy.shadowRoutes()).extracting(Route::id).containsExactly("dry-run");
    assertThat(policy.routes()).extracting(Route::id).doesNotContain("dry-run");
  }

  @Test
  void buildWhenNamedCaptureRepeatsAnEarlierWildcardThenRefusedAsShadowed() {
    assertThatIllegalStateException().isThrownBy(() -> RoutePolicy.builder()
        .get("/orders/{*}", READ).get("/orders/{id}", WRITE).build()).withMessageContaining("can never match");
  }

  @Test
  void buildWhenShadowIdRepeatsARuleIdThenRefused() {
    assertThatIllegalStateException().isThrownBy(() -> RoutePolicy.builder()
        .route("r", Set.of("GET"), "/a", READ).shadow("r", Set.of("GET"), "/b", READ).build())
        .withMessageContaining("share the id 'r'");
  }
}
