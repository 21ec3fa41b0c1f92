package dev.zt.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zt.spring.boot.testapp.StarterTestApplication;
import dev.zt.testkit.TestIssuer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The starter in a real Boot application on Tomcat (Boot 3.5 in zt-spring-boot-starter, 4.0 in zt-spring-boot4-starter),
 * with the actuator on its own management port and Spring Security on the class path; tokens from a real in-process
 * issuer.
 */
@SpringBootTest(
    classes = StarterTestApplication.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "management.server.port=0",
      "management.endpoints.web.exposure.include=health,env",
      "management.endpoint.env.show-values=always",
      "zt.policy-file=src/test/resources/zt-policy.yaml",
      "zt.audience=starter-api"
    })
class ZtAutoConfigurationTests {

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
  void managementPortWhenAnonymousEnvThen401FromZt() throws Exception {
    HttpResponse<String> r = send(managementPort, "GET", "/actuator/env", null, null);

    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(r.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
    assertThat(r.body()).doesNotContain("java.home").doesNotContain("propertySources");
  }

  @Test
  void managementPortWhenTokenWithoutAdminRoleThen403() throws Exception {
    String token = ISSUER.token().audience("starter-api").roles("user").build();

    HttpResponse<String> r = send(managementPort, "GET", "/actuator/env", token, null);

    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(r.body()).doesNotContain("propertySources");
  }

  @Test
  void managementPortWhenAdminTokenThenEnvAnswers() throws Exception {
    String token = ISSUER.token().audience("starter-api").roles("admin").build();

    HttpResponse<String> r = send(managementPort, "GET", "/actuator/env", token, null);

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).contains("propertySources");
  }

  @Test
  void managementPortWhenHealthThenPublic() throws Exception {
    assertThat(send(managementPort, "GET", "/actuator/health", null, null).statusCode()).isEqualTo(200);
  }

  @Test
  void managementPortWhenRouteNotInPolicyThenDenied() throws Exception {
    assertThat(send(managementPort, "GET", "/actuator", null, null).statusCode()).isEqualTo(401);
  }

  @ParameterizedTest
  @ValueSource(strings = {"PUT", "PATCH", "DELETE"})
  void formRequestWhenScopeMissingThen403FromZt(String method) throws Exception {
    String token = ISSUER.token().audience("starter-api").scope("orders:read").build();

    HttpResponse<String> r = send(port, method, "/orders/1", token, "note=hello");

    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(r.headers().firstValue("WWW-Authenticate"))
        .hasValueSatisfying(v -> assertThat(v).contains("insufficient_scope"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"PUT", "PATCH", "DELETE"})
  void formRequestWhenAnonymousThen401FromZt(String method) throws Exception {
    assertThat(send(port, method, "/orders/1", null, "note=hello").statusCode()).isEqualTo(401);
  }

  @ParameterizedTest
  @ValueSource(strings = {"PUT", "PATCH", "DELETE"})
  void formRequestWhenAllowedThenApplicationReadsTheForm(String method) throws Exception {
    String token = ISSUER.token().audience("starter-api").scope("orders:write").build();

    HttpResponse<String> r = send(port, method, "/orders/1", token, "note=hello");

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("changed 1: hello");
  }

  @Test
  void orderingWhenZtDeniesThenSpringSecurityNeverSawTheRequest() throws Exception {
    HttpResponse<String> r = send(port, "GET", "/orders/1", null, null);

    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(r.headers().firstValue(StarterTestApplication.SECURITY_SAW)).isEmpty();
  }

  @Test
  void orderingWhenZtAllowsThenSpringSecurityRunsAfter() throws Exception {
    String token = ISSUER.token().audience("starter-api").scope("orders:read").build();

    HttpResponse<String> r = send(port, "GET", "/orders/1", token, null);

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("order 1");
    assertThat(r.headers().firstValue(StarterTestApplication.SECURITY_SAW)).hasValue("yes");
  }

  @Test
  void tokenWhenAudienceOfAnotherServiceThen401() throws Exception {
    String token = ISSUER.token().audience("other-api").scope("orders:read").build();

    assertThat(send(port, "GET", "/orders/1", token, null).statusCode()).isEqualTo(401);
  }

  @Test
  void errorDispatchWhenAllowedRequestFailsThenErrorPageAnswers() throws Exception {
    HttpResponse<String> r = send(port, "GET", "/boom", null, null);

    assertThat(r.statusCode()).isEqualTo(500);
    assertThat(r.body()).contains("\"status\":500");
  }

  private static HttpResponse<String> send(int port, String method, String path, String token, String form)
      throws IOException, InterruptedException {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(10));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    if (form != null) {
      b.header("Content-Type", "application/x-www-form-urlencoded");
      b.method(method, HttpRequest.BodyPublishers.ofString(form));
    } else {
      b.method(method, HttpRequest.BodyPublishers.noBody());
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }
}
