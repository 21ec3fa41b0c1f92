package dev.zt.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zt.spring.boot.testapp.StarterTestApplication;
import dev.zt.testkit.TestIssuer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A real application configured by properties alone, with the actuator on its own port: the same filters, the main
 * and the management context decided by the routes of the properties.
 */
@SpringBootTest(
    classes = StarterTestApplication.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "management.server.port=0",
      "management.endpoints.web.exposure.include=health,env",
      "zt.audience=starter-api",
      "zt.token.type=at+jwt",
      "zt.routes[0].method=GET",
      "zt.routes[0].path=/orders/{id}",
      "zt.routes[0].require.all-scopes=orders:read",
      "zt.routes[1].method=GET",
      "zt.routes[1].path=/actuator/health",
      "zt.routes[1].require.permit-all=true",
      "zt.routes[2].method=GET",
      "zt.routes[2].path=/actuator/env",
      "zt.routes[2].require.all-roles=admin"
    })
class ZtPropertiesApplicationTests {

  private static final TestIssuer ISSUER = TestIssuer.start();
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @DynamicPropertySource
  static void zt(DynamicPropertyRegistry registry) {
    registry.add("zt.issuer", ISSUER::issuer);
  }

  @AfterAll
  static void stopIssuer() {
    ISSUER.close();
  }

  @LocalServerPort int port;

  @Value("${local.management.port}")
  int managementPort;

  @Test
  void requestWhenScopeGrantedThenApplicationAnswers() throws Exception {
    String token = ISSUER.token().audience("starter-api").scope("orders:read").build();

    assertThat(get(port, "/orders/1", token).statusCode()).isEqualTo(200);
    assertThat(get(port, "/orders/1", null).statusCode()).isEqualTo(401);
  }

  @Test
  void managementPortWhenAnonymousEnvThen401AndHealthPublic() throws Exception {
    assertThat(get(managementPort, "/actuator/env", null).statusCode()).isEqualTo(401);
    assertThat(get(managementPort, "/actuator/health", null).statusCode()).isEqualTo(200);
  }

  @Test
  void requestWhenNoRouteThenDenied() throws Exception {
    String token = ISSUER.token().audience("starter-api").scope("orders:read").roles("admin").build();

    assertThat(get(port, "/boom", token).statusCode()).isEqualTo(403);
    assertThat(get(managementPort, "/actuator", token).statusCode()).isEqualTo(403);
  }

  private static HttpResponse<String> get(int port, String path, String token) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(10));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return HTTP.send(b.GET().build(), HttpResponse.BodyHandlers.ofString());
  }
}
