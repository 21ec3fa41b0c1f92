package dev.zt.samples.orders;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zt.core.Decision;
import dev.zt.core.Enforcer;
import dev.zt.core.RequestContext;
import dev.zt.policy.LivePolicy;
import dev.zt.samples.orders.model.OrderStore;
import dev.zt.testkit.TestIssuer;
import dev.zt.testkit.TestRequest;
import dev.zt.testkit.ZtAssertions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Acceptance 2 with the sample's real wiring: the shipped {@code zt-policy.yaml}, loaded as {@code ZT_POLICY_FILE} is
 * ({@link OrdersService#livePolicy}, the sample's extensions), and the built-in configuration
 * ({@link OrdersSecurity#enforcer} from {@link OrdersService#jwtsFromEnvironment}) decide one request table alike —
 * status, rule, reason and the wire answer (headers and body) — on enforcers, object checks included, and over HTTP
 * on both servers.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PolicyFileEquivalenceTests {

  static final Path SHIPPED = Path.of("zt-policy.yaml");

  private TestIssuer issuer;
  private Map<String, String> env;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  void start() {
    issuer = TestIssuer.start();
    env = Map.of("ZT_ISSUER", issuer.issuer(), "ZT_AUDIENCE", "orders-api");
  }

  @AfterAll
  void stop() {
    issuer.close();
  }

  record Outcome(String request, boolean allowed, String rule, String reason, int status, Map<String, String> headers,
      String body) {}

  private static Outcome outcome(String name, Enforcer e, RequestContext context, OrderStore.Order order) {
    Decision d = ZtAssertions.await(e.enforce(context));
    if (order != null && d instanceof Decision.Allow allow) {
      d = e.authorization(context, allow).check("read", new OrdersApi.Step.Read(order).resource());
    }
    if (d instanceof Decision.Deny deny) {
      var wire = e.respond(deny);
      return new Outcome(name, false, d.rule(), deny.reason().name(), wire.status(), wire.headers(), wire.body());
    }
    return new Outcome(name, d.allowed(), d.rule(), "", 200, Map.of(), "");
  }

  /** The request table: a name, a request, and (for an object check after an allow) the order read. */
  private record Row(String name, Supplier<TestRequest> request, OrderStore.Order order) {}

  private List<Row> table() {
    String reader = issuer.token().subject("alice").scope("orders:read").build();
    String writer = issuer.token().subject("bob").scope("orders:read", "orders:write").build();
    String admin = issuer.token().subject("carol").roles("admin").scope("orders:read").build();
    String attacker = issuer.token().subject("mallory").scope("orders:read").build();
    String otherAudience = issuer.token().subject("alice").scope("orders:read").audience("billing").build();
    String expired = issuer.token().subject("alice").scope("orders:read").expiresIn(Duration.ofSeconds(-120)).build();
    OrderStore.Order alices = new OrderStore.Order("9f1c0b7e4d2a4c58b3e1a6d0c7f2e915", "alice");
    List<Row> rows = new ArrayList<>();
    rows.add(new Row("GET /health", () -> TestRequest.get("/health"), null));
    rows.add(new Row("HEAD /health", () -> TestRequest.of("HEAD", "/health"), null));
    rows.add(new Row("GET /docs", () -> TestRequest.get("/docs/a/b.html"), null));
    rows.add(new Row("unknown path", () -> TestRequest.get("/nope").bearer(writer), null));
    rows.add(new Row("unknown sub-path", () -> TestRequest.get("/orders/42/items").bearer(writer), null));
    rows.add(new Row("DELETE", () -> TestRequest.of("DELETE", "/orders/42").bearer(writer), null));
    rows.add(new Row("no token", () -> TestRequest.get("/orders"), null));
    rows.add(new Row("not a JWT", () -> TestRequest.get("/orders/42").bearer("not.a.jwt"), null));
    rows.add(new Row("expired", () -> TestRequest.get("/orders/42").bearer(expired), null));
    rows.add(new Row("other audience", () -> TestRequest.get("/orders/42").bearer(otherAudience), null));
    rows.add(new Row("list, compliant", () -> TestRequest.get("/orders").bearer(reader)
        .header("X-Device-Posture", "compliant"), null));
    rows.add(new Row("list, non-compliant", () -> TestRequest.get("/orders").bearer(reader)
        .header("X-Device-Posture", "noncompliant"), null));
    rows.add(new Row("list, geo", () -> TestRequest.get("/orders").bearer(reader).header("X-Geo-Country", "FR"), null));
    rows.add(new Row("read, route", () -> TestRequest.get("/orders/42").bearer(reader), null));
    rows.add(new Row("read, owner", () -> TestRequest.get("/orders/42").bearer(reader), alices));
    rows.add(new Row("read, other", () -> TestRequest.get("/orders/42").bearer(writer), alices));
    rows.add(new Row("read, admin", () -> TestRequest.get("/orders/42").bearer(admin), alices));
    rows.add(new Row("create, reader", () -> TestRequest.post("/orders").bearer(reader), null));
    rows.add(new Row("create, writer", () -> TestRequest.post("/orders").bearer(writer), null));
    rows.add(new Row("stats, admin", () -> TestRequest.get("/admin/stats").bearer(admin), null));
    rows.add(new Row("stats, reader", () -> TestRequest.get("/admin/stats").bearer(reader), null));
    rows.add(new Row("forwarded", () -> TestRequest.get("/orders/42").bearer(reader)
        .header("X-Forwarded-For", "203.0.113.9"), null));
    for (int i = 0; i < 3; i++) {
      rows.add(new Row("SQLi " + i, () -> TestRequest.get("/orders/42").query("id=1%27%20OR%20%271%27=%271")
          .bearer(attacker), null));
    }
    rows.add(new Row("suspended", () -> TestRequest.get("/orders/42").bearer(attacker), null));
    for (int i = 0; i < 55; i++) { // 50 per 10 s on GET /orders
      rows.add(new Row("burst " + i, () -> TestRequest.get("/orders").bearer(writer)
          .header("X-Device-Posture", "compliant"), null));
    }
    return rows;
  }

  @Test
  void enforceWhenSameRequestTableThenShippedFileAndBuiltInDecideAlike() throws Exception {
    Enforcer builtIn = OrdersSecurity.enforcer(OrdersService.jwtsFromEnvironment(env), null,
        OrdersSecurity.Sender.NONE, Optional.empty());
    try (LivePolicy live = OrdersService.livePolicy(env, SHIPPED)) {
      Enforcer file = live.get();
      List<Outcome> a = new ArrayList<>();
      List<Outcome> b = new ArrayList<>();
      for (Row row : table()) {
        a.add(outcome(row.name(), builtIn, row.request().get().build(), row.order()));
        b.add(outcome(row.name(), file, row.request().get().build(), row.order()));
      }

      assertThat(b).containsExactlyElementsOf(a);
      assertThat(a).extracting(Outcome::reason).contains("", "CREDENTIAL_MISSING", "TOKEN_EXPIRED",
          "INSUFFICIENT_SCOPE", "INSUFFICIENT_ROLE", "ROUTE_UNMATCHED", "TOKEN_AUDIENCE_MISMATCH", "ATTACK_DETECTED",
          "TOKEN_SUSPENDED", "RATE_LIMITED", "OBJECT_FORBIDDEN");
      assertThat(a).extracting(Outcome::rule).contains("order-read-owner-or-admin", "default-deny");
    }
  }

  /** What a client sees of one answer: status, the headers zt sets, and the body of a refusal. */
  record Seen(String request, int status, String contentType, String wwwAuthenticate, String retryAfter,
      String body) {}

  private Seen send(String name, int port, String method, String path, String token, String... headers)
      throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(10)).method(method, HttpRequest.BodyPublishers.noBody());
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    return new Seen(name, r.statusCode(), r.headers().firstValue("Content-Type").orElse(""),
        r.headers().firstValue("WWW-Authenticate").orElse(""), r.headers().firstValue("Retry-After").orElse(""),
        r.statusCode() >= 400 ? r.body() : "");
  }

  /** The same requests against one running service; the created order's id is the only thing that differs. */
  private List<Seen> drive(OrdersService service) throws Exception {
    int port = service.port();
    String reader = issuer.token().subject("alice").scope("orders:read", "orders:write").build();
    String other = issuer.token().subject("bob").scope("orders:read").build();
    String admin = issuer.token().subject("carol").roles("admin").scope("orders:read").build();
    List<Seen> seen = new ArrayList<>();
    HttpResponse<String> created = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
        + "/orders")).header("Authorization", "Bearer " + reader).POST(HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.ofString());
    seen.add(new Seen("create", created.statusCode(), "", "", "", ""));
    String location = created.headers().firstValue("Location").orElseThrow();
    seen.add(send("health", port, "GET", "/health", null));
    seen.add(send("unknown", port, "GET", "/nope", reader));
    seen.add(send("no token", port, "GET", "/orders", null));
    seen.add(send("bad token", port, "GET", "/orders", "not.a.jwt"));
    seen.add(send("wrong scope", port, "POST", "/orders", other));
    seen.add(send("owner", port, "GET", location, reader));
    seen.add(send("other", port, "GET", location, other));
    seen.add(send("admin", port, "GET", location, admin));
    seen.add(send("unknown id", port, "GET", "/orders/1001", reader));
    seen.add(send("stats", port, "GET", "/admin/stats", other));
    seen.add(send("non-compliant", port, "GET", "/orders", reader, "X-Device-Posture", "noncompliant"));
    seen.add(send("SQLi", port, "GET", "/orders/1001?id=1%27%20OR%20%271%27=%271", other));
    return seen;
  }

  @ParameterizedTest
  @EnumSource(OrdersService.ServerKind.class)
  void startFromEnvironmentWhenPolicyFileSetThenAnswersAsTheBuiltInConfiguration(OrdersService.ServerKind kind)
      throws Exception {
    Map<String, String> base = new HashMap<>(env);
    base.putAll(Map.of("PORT", "0", "ZT_HOST", "127.0.0.1", "ZT_SERVER", kind.name().toLowerCase()));
    Map<String, String> withFile = new HashMap<>(base);
    withFile.put("ZT_POLICY_FILE", SHIPPED.toString());
    List<Seen> builtIn;
    List<Seen> file;
    try (OrdersService service = OrdersService.startFromEnvironment(base)) {
      assertThat(service.policy()).isEmpty();
      builtIn = drive(service);
    }
    try (OrdersService service = OrdersService.startFromEnvironment(withFile)) {
      assertThat(service.policy()).isPresent();
      file = drive(service);
    }

    assertThat(file).containsExactlyElementsOf(builtIn);
    assertThat(builtIn).extracting(Seen::status).contains(201, 200, 401, 403, 404);
  }
}
