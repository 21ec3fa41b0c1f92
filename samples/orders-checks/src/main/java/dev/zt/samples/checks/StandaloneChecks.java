package dev.zt.samples.checks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zt.core.Decision;
import dev.zt.core.DenyReason;
import dev.zt.core.Enforcer;
import dev.zt.core.WireResponse;
import dev.zt.core.policy.Requirement;
import dev.zt.core.policy.RoutePolicy;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The orders API's contract as the README specifies it, over HTTP: the routes, the answers (status, fields, JSON
 * bodies), the RFC 6750 challenges, the object rule (an order read by its owner or an admin) and the store. Every
 * orders sample runs these against each way it can run ({@link #target()}); the answers must not differ. One service,
 * started once per class from {@code ZT_ISSUER}, {@code ZT_AUDIENCE=orders-api} and {@code PORT=0}; each check uses
 * its own subjects, since the store lives as long as the class.
 */
public abstract class StandaloneChecks extends ServiceChecks {

  /** {@code method} on {@code path} of the service, with {@code token} as a bearer token or none. */
  protected HttpResponse<String> send(String method, String path, String token) throws Exception {
    return Http.send(method, service.uri(path), token);
  }

  /** zt's own answer to a denied object check, as any enforcer of realm {@code orders} writes it. */
  private WireResponse objectForbidden() {
    Enforcer zt = Enforcer.builder().bearerJwt(issuer.bearerJwt().build()).realm("orders")
        .routes(RoutePolicy.builder().get("/", Requirement.permitAll()).build()).build();
    return zt.respond(new Decision.Deny(DenyReason.OBJECT_FORBIDDEN, "object", "default-deny", List.of()));
  }

  @Test
  void routesWhenCalledWithTheRightCredentialsThenEachHandlerAnswers() throws Exception {
    String reader = issuer.token().scope("orders:read").build();
    String writer = issuer.token().scope("orders:write").build();
    String admin = issuer.token().roles("admin").build();
    HttpResponse<String> list = send("GET", "/orders", reader);
    assertThat(list.body()).startsWith("{\"handler\":\"list-orders\",\"caller\":\"user-1\",\"orders\":[")
        .endsWith("]}");
    assertThat(list.headers().firstValue("Content-Type")).contains("application/json");
    assertThat(send("GET", "/orders/1001", reader).body()).contains("\"handler\":\"get-order\"");
    assertThat(send("POST", "/orders", writer).statusCode()).isEqualTo(201);
    HttpResponse<String> stats = send("GET", "/admin/stats", admin);
    assertThat(stats.statusCode()).isEqualTo(200);
    assertThat(stats.body()).contains("\"admin\":true");
    assertThat(send("GET", "/orders/1001/x", reader).statusCode()).as("a rule-less path").isEqualTo(403);
    assertThat(send("GET", "/health", null).statusCode()).isEqualTo(200);
    assertThat(send("GET", "/docs/openapi.json", null).body()).contains("\"openapi\"");
  }

  @Test
  void routesWhenCredentialsWrongThenAnswersPerRfc6750() throws Exception {
    String reader = issuer.token().scope("orders:read").build();
    HttpResponse<String> none = send("GET", "/orders", null);
    assertThat(none.statusCode()).isEqualTo(401);
    assertThat(none.headers().firstValue("WWW-Authenticate")).contains("Bearer realm=\"orders\"");
    HttpResponse<String> scope = send("POST", "/orders", reader);
    assertThat(scope.statusCode()).isEqualTo(403);
    assertThat(scope.headers().firstValue("WWW-Authenticate"))
        .contains("Bearer realm=\"orders\", error=\"insufficient_scope\", scope=\"orders:write\"");
    assertThat(scope.headers().firstValue("Content-Type")).contains("application/problem+json");
    assertThat(send("GET", "/admin/stats", reader).statusCode()).isEqualTo(403);
    assertThat(send("DELETE", "/orders", reader).statusCode()).isEqualTo(403);
    assertThat(send("GET", "/metrics", reader).statusCode()).isEqualTo(403);
  }

  /**
   * Issue 12 §4 on every server: tokens that are not plain access tokens for this API are refused 401 invalid_token
   * with a fixed description, and the application never runs — a Keycloak-style ID token naming the API (header
   * {@code typ: JWT}, payload {@code typ: ID}, roles), a token with {@code nonce}, one without {@code sub}, and one
   * bound to a certificate ({@code cnf}) sent without it.
   */
  @Test
  void ordersWhenTokenIsNotAPlainAccessTokenForThisApiThen401InvalidToken() throws Exception {
    Map<String, String> tokens = new java.util.LinkedHashMap<>();
    tokens.put("ID token", issuer.token().header("typ", "JWT").claim("typ", "ID").claim("azp", "web")
        .scope("orders:read").roles("admin").build());
    tokens.put("nonce", issuer.token().header("typ", "JWT").claim("nonce", "n-0S6_WzA2Mj").scope("orders:read")
        .build());
    tokens.put("no sub", issuer.token().without("sub").scope("orders:read").build());
    tokens.put("cnf without its certificate", issuer.token()
        .claim("cnf", Map.of("x5t#S256", "bwcK0esc3ACC3DB2Y5_lESsXE8o9ltc05O89jdN-dg2")).scope("orders:read").build());
    for (Map.Entry<String, String> t : tokens.entrySet()) {
      HttpResponse<String> res = send("GET", "/orders", t.getValue());
      assertThat(res.statusCode()).as(t.getKey()).isEqualTo(401);
      assertThat(res.headers().firstValue("WWW-Authenticate")).as(t.getKey())
          .hasValueSatisfying(v -> assertThat(v).startsWith("Bearer realm=\"orders\", error=\"invalid_token\", "
              + "error_description=\""));
      assertThat(res.body()).as(t.getKey()).doesNotContain("\"handler\"");
    }
    HttpResponse<String> admin = send("GET", "/admin/stats", tokens.get("ID token"));
    assertThat(admin.statusCode()).as("an ID token with the admin role").isEqualTo(401);
  }

  /** Issue 12 §5: a missing role is a plain 403, never {@code insufficient_scope} (no scope would help). */
  @Test
  void adminStatsWhenRoleMissingThenPlain403WithoutScopeChallenge() throws Exception {
    HttpResponse<String> res = send("GET", "/admin/stats", issuer.token().scope("orders:read").build());
    assertThat(res.statusCode()).isEqualTo(403);
    assertThat(res.headers().allValues("WWW-Authenticate")).noneMatch(v -> v.contains("insufficient_scope"));
    assertThat(res.headers().firstValue("Content-Type")).contains("application/problem+json");
  }

  @Test
  void tokenWhenOversizedThenZtAnswers401RatherThanTheContainer() throws Exception {
    String huge = issuer.token().scope("orders:read").claim("pad", "x".repeat(12_000)).build();
    HttpResponse<String> res = send("GET", "/orders", huge);
    assertThat(res.statusCode()).isEqualTo(401);
    assertThat(res.headers().firstValue("WWW-Authenticate")).contains("Bearer realm=\"orders\", error=\"invalid_token\","
        + " error_description=\"The access token is too large.\"");
    assertThat(res.body()).doesNotContain(huge.substring(0, 40));
  }

  @Test
  void routesWhenRequestLineIsLongThenZtDecidesAsOnEveryServer() throws Exception {
    String reader = issuer.token().scope("orders:read").build();
    String id = "a".repeat(6_000); // past Netty's default 4 KiB request line, inside Jetty's 32 KiB here

    HttpResponse<String> res = send("GET", "/orders/" + id, reader);

    assertThat(res.statusCode()).as("zt let it through; the application has no such order").isEqualTo(404);
    assertThat(res.body()).contains("\"id\":\"" + id + "\"");
    assertThat(send("GET", "/admin/" + id, reader).statusCode()).isEqualTo(403);
  }

  @Test
  void publicPrefixWhenClimbedOutOfThenNeverReachesTheAdminHandler() throws Exception {
    String reader = issuer.token().scope("orders:read").build();
    for (String trick : new String[] {"/docs/..;/admin/stats", "/docs/%2e%2e/admin/stats", "/docs/x/../../admin/stats",
        "/docs/..%2fadmin/stats", "/docs/%2e%2e%2fadmin/stats", "/docs/.%2e/admin/stats", "/docs//../admin/stats"}) {
      for (String token : new String[] {null, reader}) {
        HttpResponse<String> res = send("GET", trick, token);
        assertThat(res.statusCode()).as(trick).isBetween(400, 499);
        assertThat(res.body()).as(trick).doesNotContain("admin-stats");
      }
    }
  }

  // ---- issue 15, the sample's contract: orders have owners ----

  private static final java.util.regex.Pattern ORDER_ID = java.util.regex.Pattern.compile("[A-Za-z0-9_-]{22}");

  private String token(String sub, String scope, String... roles) {
    var b = issuer.token().subject(sub).scope(scope);
    return roles.length == 0 ? b.build() : b.roles(roles).build();
  }

  /** Creates an order as {@code sub} and returns its id, read from {@code Location}. */
  protected String create(String sub) throws Exception {
    HttpResponse<String> res = send("POST", "/orders", token(sub, "orders:write"));
    assertThat(res.statusCode()).as(res.body()).isEqualTo(201);
    String location = res.headers().firstValue("Location").orElseThrow();
    assertThat(location).startsWith("/orders/");
    return location.substring("/orders/".length());
  }

  @Test
  void createWhenCallerHasOrdersWriteThen201LocationAndTheCallerOwnsIt() throws Exception {
    HttpResponse<String> res = send("POST", "/orders", token("alice", "orders:write"));

    assertThat(res.statusCode()).isEqualTo(201);
    String id = res.headers().firstValue("Location").orElseThrow().substring("/orders/".length());
    assertThat(res.headers().firstValue("Location")).contains("/orders/" + id);
    assertThat(ORDER_ID.matcher(id).matches()).as(id).isTrue();
    assertThat(res.headers().firstValue("Content-Type")).contains("application/json");
    assertThat(res.body()).isEqualTo("{\"handler\":\"create-order\",\"caller\":\"alice\",\"id\":\"" + id
        + "\",\"owner\":\"alice\"}");
  }

  @Test
  void createWhenRepeatedThenIdsAreUniqueRandomAndNotInSequence() throws Exception {
    java.util.Set<String> ids = new java.util.HashSet<>();
    for (int i = 0; i < 20; i++) {
      ids.add(create("seq-user"));
    }
    assertThat(ids).hasSize(20).allMatch(id -> ORDER_ID.matcher(id).matches());
    // 128 random bits each: no two share even their first 8 characters (48 bits), as counters or time-based ids would
    assertThat(ids.stream().map(id -> id.substring(0, 8)).distinct().count()).isEqualTo(20);
  }

  @Test
  void createWhenScopeIsOnlyOrdersReadThen403InsufficientScopeAndNothingStored() throws Exception {
    HttpResponse<String> res = send("POST", "/orders", token("nowrite", "orders:read"));
    assertThat(res.statusCode()).isEqualTo(403);
    assertThat(res.headers().firstValue("Location")).isEmpty();
    assertThat(send("GET", "/orders", token("nowrite", "orders:read")).body()).contains("\"orders\":[]");
  }

  @Test
  void getOrderWhenOwnerThen200WithTheOrder() throws Exception {
    String id = create("alice");

    HttpResponse<String> res = send("GET", "/orders/" + id, token("alice", "orders:read"));

    assertThat(res.statusCode()).isEqualTo(200);
    assertThat(res.body()).isEqualTo("{\"handler\":\"get-order\",\"caller\":\"alice\",\"id\":\"" + id
        + "\",\"owner\":\"alice\"}");
  }

  @Test
  void getOrderWhenAdminThen200EvenThoughNotTheOwner() throws Exception {
    String id = create("alice");

    HttpResponse<String> res = send("GET", "/orders/" + id, token("root", "orders:read", "admin"));

    assertThat(res.statusCode()).isEqualTo(200);
    assertThat(res.body()).contains("\"owner\":\"alice\"").contains("\"caller\":\"root\"");
  }

  @Test
  void getOrderWhenNeitherOwnerNorAdminThen403ProblemJsonNeverInsufficientScope() throws Exception {
    String id = create("alice");
    Map<String, String> others = new java.util.LinkedHashMap<>();
    others.put("bob", token("bob", "orders:read"));
    others.put("bob with every scope", token("bob", "orders:read orders:write"));
    others.put("a role that is not admin", token("bob", "orders:read", "support"));
    others.put("'alice' by case", token("Alice", "orders:read"));
    others.put("'admin' by case", token("bob", "orders:read", "Admin"));
    WireResponse zts = objectForbidden();

    for (Map.Entry<String, String> o : others.entrySet()) {
      HttpResponse<String> res = send("GET", "/orders/" + id, o.getValue());
      assertThat(res.statusCode()).as(o.getKey()).isEqualTo(403);
      assertThat(res.headers().firstValue("Content-Type")).as(o.getKey()).contains("application/problem+json");
      assertThat(res.headers().allValues("WWW-Authenticate")).as(o.getKey())
          .noneMatch(v -> v.contains("insufficient_scope"));
      assertThat(res.body()).as(o.getKey()).doesNotContain("insufficient_scope").doesNotContain("\"handler\"")
          .doesNotContain("alice");
      assertThat(res.body()).as(o.getKey() + ": zt's own answer").isEqualTo(zts.body());
      assertThat(res.headers().firstValue("Cache-Control")).isEqualTo(Optional.ofNullable(zts.headers()
          .get("Cache-Control")));
    }
  }

  @Test
  void getOrderWhenIdUnknownThen404() throws Exception {
    create("alice");
    HttpResponse<String> res = send("GET", "/orders/AAAAAAAAAAAAAAAAAAAAAA", token("alice", "orders:read"));
    assertThat(res.statusCode()).isEqualTo(404);
    assertThat(send("GET", "/orders/AAAAAAAAAAAAAAAAAAAAAA", token("root", "orders:read", "admin")).statusCode())
        .isEqualTo(404);
  }

  @Test
  void getOrderWhenNoReadScopeThenTheRouteRuleRefusesFirst() throws Exception {
    String id = create("alice");
    HttpResponse<String> res = send("GET", "/orders/" + id, token("alice", "orders:write"));
    assertThat(res.statusCode()).isEqualTo(403);
    assertThat(res.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(
        v -> assertThat(v).contains("insufficient_scope"));
    assertThat(send("GET", "/orders/" + id, null).statusCode()).isEqualTo(401);
  }

  @Test
  void listWhenCallerOwnsOrdersThenOnlyTheirOwnAndEveryOrderForAdmin() throws Exception {
    String carols = create("carol");
    String daves = create("dave");

    String carolList = send("GET", "/orders", token("carol", "orders:read")).body();
    String daveList = send("GET", "/orders", token("dave", "orders:read")).body();
    String nobodyList = send("GET", "/orders", token("erin", "orders:read")).body();
    String adminList = send("GET", "/orders", token("root", "orders:read", "admin")).body();

    assertThat(carolList).contains("{\"id\":\"" + carols + "\",\"owner\":\"carol\"}").doesNotContain(daves)
        .doesNotContain("\"owner\":\"dave\"");
    assertThat(daveList).contains(daves).doesNotContain(carols);
    assertThat(nobodyList).isEqualTo("{\"handler\":\"list-orders\",\"caller\":\"erin\",\"orders\":[]}");
    assertThat(adminList).contains(carols).contains(daves);
  }

  @Test
  void createWhenBodyIsSentThenIgnoredTheSameOnEveryServer() throws Exception {
    HttpResponse<String> res = Http.send("POST", service.uri("/orders"), token("frank", "orders:write"),
        "application/json", "{\"owner\":\"mallory\",\"id\":\"chosen\"}");
    assertThat(res.statusCode()).isEqualTo(201);
    assertThat(res.body()).contains("\"owner\":\"frank\"").doesNotContain("mallory").doesNotContain("chosen");
  }
}
