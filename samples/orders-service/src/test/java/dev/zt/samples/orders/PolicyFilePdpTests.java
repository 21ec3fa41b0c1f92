package dev.zt.samples.orders;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zt.testkit.TestIssuer;
import dev.zt.testkit.pdp.FakeOpa;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The PDP binding from the policy file: the shipped {@code zt-policy.yaml} with its commented {@code pdp:} entry turned
 * on and {@code ZT_PDP_URL} referenced as {@code ${ZT_PDP_URL}} asks OPA's {@code orders/allow} after the object rule,
 * as the built-in {@code ZT_PDP_URL} wiring does: {@code true} → 200, {@code false} → 403, a 5xx → 503 with
 * {@code Retry-After}, a non-owner refused by the object rule without OPA being asked.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PolicyFilePdpTests {

  private TestIssuer issuer;
  private FakeOpa opa;
  private final HttpClient http = HttpClient.newHttpClient();

  @TempDir
  Path dir;

  @BeforeAll
  void start() {
    issuer = TestIssuer.start();
    opa = FakeOpa.start();
  }

  @AfterAll
  void stop() {
    opa.close();
    issuer.close();
  }

  /** The shipped file with its commented-out {@code pdp:} entry uncommented. */
  static String withPdp() throws Exception {
    String shipped = Files.readString(Path.of("zt-policy.yaml"));
    String on = shipped.replaceAll("(?m)^# (pdp:|  )", "$1");
    assertThat(on).contains("\npdp:\n  - opa: {url: \"${ZT_PDP_URL}\"");
    return on;
  }

  private HttpResponse<String> send(int port, String method, String path, String token) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(10)).header("Authorization", "Bearer " + token)
        .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
  }

  @ParameterizedTest
  @EnumSource(OrdersService.ServerKind.class)
  void startFromEnvironmentWhenFileBindsThePdpThenOpaDecidesAfterTheObjectRule(OrdersService.ServerKind kind)
      throws Exception {
    Path file = Files.writeString(dir.resolve("zt-policy-" + kind + ".yaml"), withPdp());
    Map<String, String> env = new HashMap<>(Map.of("ZT_ISSUER", issuer.issuer(), "ZT_AUDIENCE", "orders-api",
        "PORT", "0", "ZT_HOST", "127.0.0.1", "ZT_SERVER", kind.name().toLowerCase(Locale.ROOT),
        "ZT_POLICY_FILE", file.toString(), "ZT_PDP_URL", opa.baseUri() + "/"));
    String alice = issuer.token().subject("alice").scope("orders:read", "orders:write").build();
    String bob = issuer.token().subject("bob").scope("orders:read").build();
    String carol = issuer.token().subject("carol").roles("admin").scope("orders:read").build();
    opa.result(true); // the file's embedded object tests are decided with the PDP too, at every load
    try (OrdersService service = OrdersService.startFromEnvironment(env)) {
      assertThat(service.policy()).isPresent(); // the file's pdp:, not the built-in ZT_PDP_URL wiring
      int port = service.port();
      String location = send(port, "POST", "/orders", alice).headers().firstValue("Location").orElseThrow();
      int asked = opa.requestCount();

      opa.result(false);
      assertThat(send(port, "GET", location, alice).statusCode()).isEqualTo(403);
      assertThat(opa.requestCount()).isEqualTo(asked + 1);
      assertThat(opa.lastRequest().path()).isEqualTo("/v1/data/orders/allow");
      assertThat(opa.lastRequest().body()).contains("\"sub\":\"alice\"").contains("\"action\":\"read\"");

      assertThat(send(port, "GET", location, bob).statusCode()).isEqualTo(403); // the object rule: OPA not asked
      assertThat(opa.requestCount()).isEqualTo(asked + 1);

      opa.respondWith(500, "{}");
      HttpResponse<String> unavailable = send(port, "GET", location, carol);
      assertThat(unavailable.statusCode()).isEqualTo(503);
      assertThat(unavailable.headers().firstValue("Retry-After")).isPresent();

      opa.result(true);
      String dave = issuer.token().subject("dave").roles("admin").scope("orders:read").build();
      assertThat(send(port, "GET", location, dave).statusCode()).isEqualTo(200);
    }
  }
}
