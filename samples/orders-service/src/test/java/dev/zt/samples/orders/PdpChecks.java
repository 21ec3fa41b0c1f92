package dev.zt.samples.orders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.zt.testkit.TestClock;
import dev.zt.testkit.TestIssuer;
import dev.zt.testkit.pdp.FakeOpa;
import dev.zt.testkit.pdp.RecordedRequest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code ZT_PDP_URL} on each server the sample runs on, against zt-testkit's {@link FakeOpa} (an in-process server
 * written to OPA's Data API contract): what {@code GET /orders/{id}} answers for each PDP outcome, what the PDP is
 * asked, and that a PDP allow never overrides the object rule's deny (the PDP is not even asked then). Each test
 * starts its own service from an environment map, as {@code main} does: the decision cache (5 s) is per service.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class PdpChecks {

  private TestIssuer issuer;
  private FakeOpa opa;
  private final HttpClient http = HttpClient.newHttpClient();

  /** {@code servlet} or {@code netty}: the {@code ZT_SERVER} the checks run against. */
  abstract String server();

  @BeforeAll
  void startIssuer() {
    issuer = TestIssuer.start();
  }

  @AfterAll
  void stopIssuer() {
    issuer.close();
  }

  @BeforeEach
  void startOpa() {
    opa = FakeOpa.start();
  }

  @AfterEach
  void stopOpa() {
    opa.close();
  }

  private Map<String, String> env(String... pairs) {
    Map<String, String> env = new HashMap<>(Map.of("ZT_ISSUER", issuer.issuer(), "ZT_AUDIENCE", "orders-api",
        "PORT", "0", "ZT_HOST", "127.0.0.1", "ZT_SERVER", server(), "ZT_PDP_URL", opa.baseUri() + "/"));
    for (int i = 0; i < pairs.length; i += 2) {
      env.put(pairs[i], pairs[i + 1]);
    }
    return env;
  }

  private HttpResponse<String> send(OrdersService service, String method, String path, String token)
      throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.port() + path))
        .timeout(Duration.ofSeconds(10)).header("Authorization", "Bearer " + token)
        .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
  }

  private String token(String sub, String... roles) {
    var b = issuer.token().subject(sub).scope("orders:read orders:write");
    return roles.length == 0 ? b.build() : b.roles(roles).build();
  }

  private String create(OrdersService service, String sub) throws Exception {
    HttpResponse<String> res = send(service, "POST", "/orders", token(sub));
    assertThat(res.statusCode()).as(res.body()).isEqualTo(201);
    return res.headers().firstValue("Location").orElseThrow();
  }

  /** The value at {@code dotted} under {@code input} in the recorded request's JSON body. */
  @SuppressWarnings("unchecked")
  private static Object at(RecordedRequest request, String dotted) {
    Object node = request.json().get("input");
    for (String part : dotted.split("\\.")) {
      node = node instanceof Map<?, ?> m ? ((Map<String, Object>) m).get(part) : null;
    }
    return node;
  }

  private static void assertProblem(HttpResponse<String> res, int status) {
    assertThat(res.statusCode()).as(res.body()).isEqualTo(status);
    assertThat(res.headers().firstValue("Content-Type")).contains("application/problem+json");
    assertThat(res.headers().allValues("WWW-Authenticate")).noneMatch(v -> v.contains("insufficient_scope"));
    assertThat(res.body()).doesNotContain("\"handler\"");
  }

  private static void assertUnavailable(HttpResponse<String> res) {
    assertProblem(res, 503);
    assertThat(res.headers().firstValue("Retry-After")).hasValueSatisfying(v -> assertThat(v).matches("[1-9][0-9]*"));
  }

  @Test
  void pdpWhenResultTrueThenTheOwnerReads200AndThePdpWasAskedAtItsDataApiPath() throws Exception {
    opa.result(true);
    try (OrdersService service = OrdersService.startFromEnvironment(env())) {
      String location = create(service, "alice");
      String id = location.substring("/orders/".length());

      HttpResponse<String> res = send(service, "GET", location, token("alice"));

      assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
      assertThat(res.body()).contains("\"owner\":\"alice\"");
      assertThat(opa.requestCount()).isEqualTo(1);
      RecordedRequest asked = opa.lastRequest();
      assertThat(asked.method()).isEqualTo("POST");
      assertThat(asked.path()).isEqualTo("/v1/data/orders/allow");
      assertThat(asked.query()).contains("provenance=true");
      assertThat(asked.header("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
      assertThat(asked.body()).startsWith("{\"input\":");
      assertThat(at(asked, "caller.sub")).isEqualTo("alice");
      assertThat(at(asked, "action")).isEqualTo("read");
      assertThat(at(asked, "resource.type")).isEqualTo("order");
      assertThat(at(asked, "resource.id")).isEqualTo(id);
      assertThat(at(asked, "resource.owner")).isEqualTo("alice");
    }
  }

  @Test
  void pdpWhenResultFalseThen403ProblemJson() throws Exception {
    opa.result(false);
    try (OrdersService service = OrdersService.startFromEnvironment(env())) {
      String location = create(service, "alice");
      assertProblem(send(service, "GET", location, token("alice")), 403);
      assertProblem(send(service, "GET", location, token("root", "admin")), 403);
    }
  }

  @Test
  void pdpWhenDecisionUndefinedThen403ProblemJson() throws Exception {
    opa.undefined();
    try (OrdersService service = OrdersService.startFromEnvironment(env())) {
      String location = create(service, "alice");
      assertProblem(send(service, "GET", location, token("alice")), 403);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"\"true\"", "1", "null", "{\"allow\":true}", "[true]"})
  void pdpWhenResultNotBooleanThen503WithRetryAfter(String result) throws Exception {
    opa.respondWith(200, "{\"result\":" + result + "}");
    try (OrdersService service = OrdersService.startFromEnvironment(env())) {
      String location = create(service, "alice");
      assertUnavailable(send(service, "GET", location, token("alice")));
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {500, 502, 503, 404, 400})
  void pdpWhenStatusNotOkThen503WithRetryAfter(int status) throws Exception {
    opa.respondWith(status, "{\"result\":true}");
    try (OrdersService service = OrdersService.startFromEnvironment(env())) {
      String location = create(service, "alice");
      assertUnavailable(send(service, "GET", location, token("alice")));
    }
  }

  @Test
  void pdpWhenAnswerMalformedThen503WithRetryAfter() throws Exception {
    opa.malformed();
    try (OrdersService service = OrdersService.startFromEnvironment(env())) {
      String location = create(service, "alice");
      assertUnavailable(send(service, "GET", location, token("alice")));
    }
  }

  @Test
  void pdpWhenConnectionRefusedThen503WithRetryAfter() throws Exception {
    Map<String, String> env = env();
    opa.close(); // nothing listens there any more
    try (OrdersService service = OrdersService.startFromEnvironment(env)) {
      String location = create(service, "alice");
      assertUnavailable(send(service, "GET", location, token("alice")));
    }
  }

  @Test
  void pdpWhenNoAnswerWithinTheTimeoutThen503WithRetryAfter() throws Exception {
    opa.hang();
    try (OrdersService service = OrdersService.startFromEnvironment(env("ZT_PDP_TIMEOUT_MS", "200"))) {
      String location = create(service, "alice");
      assertUnavailable(send(service, "GET", location, token("alice")));
      assertThat(opa.requestCount()).isEqualTo(1);
    }
  }

  @Test
  void pdpWhenItAllowsANonOwnerThenTheObjectDenyStands403AndThePdpIsNotAsked() throws Exception {
    opa.result(true);
    try (OrdersService service = OrdersService.startFromEnvironment(env())) {
      String location = create(service, "alice");

      HttpResponse<String> res = send(service, "GET", location, token("bob"));

      assertProblem(res, 403);
      assertThat(opa.requestCount()).as("the object rule denied first").isZero();
      assertThat(send(service, "GET", location, token("root", "admin")).statusCode()).isEqualTo(200);
      assertThat(opa.requestCount()).isEqualTo(1);
    }
  }

  @Test
  void pdpWhenIdUnknownOrListOrCreateThenNotAsked() throws Exception {
    opa.result(false);
    try (OrdersService service = OrdersService.startFromEnvironment(env())) {
      create(service, "alice");
      assertThat(send(service, "GET", "/orders/AAAAAAAAAAAAAAAAAAAAAA", token("alice")).statusCode()).isEqualTo(404);
      assertThat(send(service, "GET", "/orders", token("alice")).statusCode()).isEqualTo(200);
      assertThat(opa.requestCount()).isZero();
    }
  }

  @Test
  void pdpWhenTheSameReadRepeatsThenAnsweredFromTheCacheAndAnotherOrderAsksAgain() throws Exception {
    opa.result(true);
    try (OrdersService service = OrdersService.startFromEnvironment(env())) {
      String first = create(service, "alice");
      String second = create(service, "alice");

      assertThat(send(service, "GET", first, token("alice")).statusCode()).isEqualTo(200);
      assertThat(send(service, "GET", first, token("alice")).statusCode()).isEqualTo(200);
      assertThat(opa.requestCount()).as("the second read was a cache hit").isEqualTo(1);
      assertThat(send(service, "GET", second, token("alice")).statusCode()).isEqualTo(200);
      assertThat(opa.requestCount()).isEqualTo(2);
    }
  }

  @Test
  void pdpWhenUnavailableThenNotCachedAndTheNextReadAsksAgain() throws Exception {
    opa.respondWith(500, "{}");
    try (OrdersService service = OrdersService.startFromEnvironment(env())) {
      String location = create(service, "alice");
      assertUnavailable(send(service, "GET", location, token("alice")));
      opa.result(true);
      assertThat(send(service, "GET", location, token("alice")).statusCode()).isEqualTo(200);
      assertThat(opa.requestCount()).isEqualTo(2);
    }
  }

  /** The sample's enforcer with its PDP binding, the decision cache on {@code clock}; served on this class's server. */
  private OrdersService withCacheClock(TestClock clock) throws Exception {
    OrdersService.Pdp pdp = OrdersService.pdpFromEnvironment(env()).orElseThrow();
    return OrdersService.start(OrdersService.serverFromEnvironment(env()), "127.0.0.1", 0,
        OrdersSecurity.enforcer(List.of(issuer.bearerJwt().build()), null, OrdersSecurity.Sender.NONE,
            Optional.of(OrdersSecurity.pdp(pdp, clock))));
  }

  @Test
  void pdpCacheWhenTheTtlOfFiveSecondsPassesThenThePdpIsAskedAgain() throws Exception {
    opa.result(true);
    TestClock clock = TestClock.create();
    try (OrdersService service = withCacheClock(clock)) {
      String location = create(service, "alice");

      assertThat(send(service, "GET", location, token("alice")).statusCode()).isEqualTo(200);
      clock.advance(Duration.ofMillis(4_999));
      assertThat(send(service, "GET", location, token("alice")).statusCode()).isEqualTo(200);
      assertThat(opa.requestCount()).as("within 5 s: a hit").isEqualTo(1);
      clock.advance(Duration.ofMillis(2));
      assertThat(send(service, "GET", location, token("alice")).statusCode()).isEqualTo(200);
      assertThat(opa.requestCount()).as("past 5 s: asked again").isEqualTo(2);
    }
  }

  @Test
  void pdpCacheWhenADenyIsCachedThenItStaysADenyUntilTheTtlEvenIfThePdpNowAllows() throws Exception {
    opa.result(false);
    TestClock clock = TestClock.create();
    try (OrdersService service = withCacheClock(clock)) {
      String location = create(service, "alice");
      assertThat(send(service, "GET", location, token("alice")).statusCode()).isEqualTo(403);
      opa.result(true);
      assertThat(send(service, "GET", location, token("alice")).statusCode()).isEqualTo(403);
      clock.advance(Duration.ofSeconds(6));
      assertThat(send(service, "GET", location, token("alice")).statusCode()).isEqualTo(200);
      assertThat(opa.requestCount()).isEqualTo(2);
    }
  }

  @Test
  void pdpCacheWhenThePolicyRevisionChangesThenEarlierDecisionsAreDropped() throws Exception {
    opa.result(true).revision("r1");
    TestClock clock = TestClock.create();
    try (OrdersService service = withCacheClock(clock)) {
      String a = create(service, "alice");
      String b = create(service, "alice");
      assertThat(send(service, "GET", a, token("alice")).statusCode()).isEqualTo(200);
      assertThat(send(service, "GET", a, token("alice")).statusCode()).isEqualTo(200);
      assertThat(opa.requestCount()).isEqualTo(1);

      opa.revision("r2").result(false);
      assertThat(send(service, "GET", b, token("alice")).statusCode()).as("r2 seen, denies").isEqualTo(403);
      HttpResponse<String> again = send(service, "GET", a, token("alice"));

      assertThat(again.statusCode()).as("a's r1 allow is gone once r2 was seen").isEqualTo(403);
      assertThat(opa.requestCount()).isEqualTo(3);
    }
  }

  @Test
  void pdpCacheWhenAnotherCallerReadsTheSameOrderThenNotServedTheFirstCallersDecision() throws Exception {
    opa.allowWhen(in -> in.get("caller.sub").filter("alice"::equals).isPresent());
    try (OrdersService service = OrdersService.startFromEnvironment(env())) {
      String location = create(service, "alice");
      assertThat(send(service, "GET", location, token("alice")).statusCode()).isEqualTo(200);
      assertThat(send(service, "GET", location, token("root", "admin")).statusCode())
          .as("the key is the whole input: another caller is another entry").isEqualTo(403);
      assertThat(opa.requestCount()).isEqualTo(2);
    }
  }

  @Test
  void startFromEnvironmentWhenPdpSettingInvalidThenRefusesToStartNamingTheVariable() {
    assertThatThrownBy(() -> OrdersService.startFromEnvironment(env("ZT_PDP_TIMEOUT_MS", "2s")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ZT_PDP_TIMEOUT_MS");
    assertThatThrownBy(() -> OrdersService.startFromEnvironment(env("ZT_PDP_URL", "ftp://127.0.0.1:8181")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ZT_PDP_URL");
  }
}
