package dev.zt.samples.orders;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zt.testkit.it.keycloak.KeycloakServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The standalone service configured the way its README says, from the environment, with {@code ZT_ISSUER} naming a
 * real Keycloak realm (opt-in: {@code ./mvnw -Pkeycloak verify -pl samples/orders-service -am}), called over HTTP
 * with the tokens Keycloak issues, on each server.
 */
@Tag("keycloak")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KeycloakStandaloneTests {

  private KeycloakServer keycloak;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  void start() throws Exception {
    keycloak = KeycloakServer.start();
  }

  @AfterAll
  void stop() {
    if (keycloak != null) {
      keycloak.close();
    }
  }

  private static HttpResponse<String> send(HttpClient http, int port, String method, String path, String token)
      throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(10))
        .method(method, HttpRequest.BodyPublishers.noBody());
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @ParameterizedTest
  @EnumSource(OrdersService.ServerKind.class)
  void standaloneWhenKeycloakIsTheIssuerThenItsAccessTokensAreAllowedAndItsOtherTokensRefused(
      OrdersService.ServerKind kind) throws Exception {
    Map<String, String> env = Map.of(
        "ZT_ISSUER", keycloak.issuer(),
        "ZT_AUDIENCE", KeycloakServer.API,
        "ZT_ACCESS_TOKEN_TYPE", "at+jwt",
        "ZT_SERVER", kind.name().toLowerCase(Locale.ROOT),
        "ZT_HOST", "127.0.0.1",
        "PORT", "0");
    try (OrdersService service = OrdersService.startFromEnvironment(env)) {
      int port = service.port();
      String reader = keycloak.accessToken("orders-reporting", "reporting-secret");
      String writer = keycloak.accessToken("orders-reporting", "reporting-secret", "orders:write");

      HttpResponse<String> list = send(http, port, "GET", "/orders", reader);
      assertThat(list.statusCode()).isEqualTo(200);
      assertThat(list.body()).contains("\"handler\":\"list-orders\"");
      assertThat(send(http, port, "GET", "/admin/stats", reader).statusCode()).as("roles claim").isEqualTo(200);
      assertThat(send(http, port, "POST", "/orders", writer).statusCode()).isEqualTo(201);

      HttpResponse<String> scope = send(http, port, "POST", "/orders", reader);
      assertThat(scope.statusCode()).isEqualTo(403);
      assertThat(scope.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(
          v -> assertThat(v).contains("error=\"insufficient_scope\"", "scope=\"orders:write\""));
      assertThat(send(http, port, "GET", "/orders", null).statusCode()).isEqualTo(401);

      Map<String, Object> web = keycloak.password("orders-web", "web-secret", "alice", "alice-password", "openid");
      Map<String, String> refused = Map.of(
          "ID token naming the API", (String) web.get("id_token"),
          "access token typed JWT, not at+jwt", (String) web.get("access_token"),
          "token for billing-api", keycloak.accessToken("billing-reporting", "billing-secret"));
      for (Map.Entry<String, String> t : refused.entrySet()) {
        HttpResponse<String> res = send(http, port, "GET", "/orders", t.getValue());
        assertThat(res.statusCode()).as(t.getKey()).isEqualTo(401);
        assertThat(res.headers().firstValue("WWW-Authenticate")).as(t.getKey())
            .hasValueSatisfying(v -> assertThat(v).contains("error=\"invalid_token\""));
      }
    }
  }
}
