package dev.zt.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zt.spring.boot.webapp.WebTestApplication;
import dev.zt.testkit.TestIssuer;
import java.io.IOException;
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
 * The Caller argument, the Spring Security bridge (with a strict chain and method security) and the health component
 * in a real Boot 3.5 application on Tomcat, with tokens from a real in-process issuer.
 */
@SpringBootTest(
    classes = WebTestApplication.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "zt.policy-file=src/test/resources/zt-policy-web.yaml",
      "zt.audience=web-api",
      "zt.spring-security.enabled=true",
      "management.server.port=0",
      "management.endpoints.web.exposure.include=health,env",
      "management.endpoint.health.show-details=always"
    })
class WebAutoConfigurationTests {

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

  // Caller as a controller argument

  @Test
  void callerArgumentWhenTokenThenTheVerifiedCaller() throws Exception {
    String token = ISSUER.token().audience("web-api").subject("alice").scope("orders:read", "orders:write").build();

    HttpResponse<String> r = get("/me", token);

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("me alice [orders:read, orders:write]");
  }

  @Test
  void callerArgumentWhenNoTokenThen401FromZtBeforeTheHandler() throws Exception {
    HttpResponse<String> r = get("/me", null);

    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(r.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"web-tests\"");
  }

  @Test
  void optionalCallerWhenAnonymousThenEmpty() throws Exception {
    HttpResponse<String> r = get("/maybe", null);

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("nobody");
  }

  @Test
  void optionalCallerWhenTokenThenPresent() throws Exception {
    String token = ISSUER.token().audience("web-api").subject("bob").build();

    HttpResponse<String> r = get("/maybe", token);

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("caller bob");
  }

  @Test
  void plainCallerWhenRouteAdmitsAnonymousThen401FromZtNot500() throws Exception {
    HttpResponse<String> r = get("/public-but-needs-caller", null);

    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(r.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"web-tests\"");
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    assertThat(r.body()).doesNotContain("reached").doesNotContain("caught by the application");
  }

  @Test
  void plainCallerWhenRouteAdmitsAnonymousAndTokenSentThenCaller() throws Exception {
    String token = ISSUER.token().audience("web-api").subject("carol").build();

    HttpResponse<String> r = get("/public-but-needs-caller", token);

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("reached with Caller[carol]");
  }

  // the Spring Security bridge

  @Test
  void bridgeWhenZtAllowedThenStrictChainDoesNotRefuse() throws Exception {
    // the chain says authenticated() for /me: it sees zt's caller, so it does not answer 401/403 itself
    String token = ISSUER.token().audience("web-api").subject("alice").build();

    assertThat(get("/me", token).statusCode()).isEqualTo(200);
  }

  @Test
  void bridgeWhenScopeGrantedThenPreAuthorizeOnScopeAuthorityAllows() throws Exception {
    String token = ISSUER.token().audience("web-api").subject("alice").scope("orders:read").build();

    HttpResponse<String> r = get("/scoped", token);

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("scoped alice");
  }

  @Test
  void bridgeWhenScopeMissingThenPreAuthorizeRefuses() throws Exception {
    String token = ISSUER.token().audience("web-api").subject("alice").scope("orders:write").build();

    assertThat(get("/scoped", token).statusCode()).isEqualTo(403);
  }

  @Test
  void bridgeWhenRoleAdminThenHasRoleAllows() throws Exception {
    String token = ISSUER.token().audience("web-api").subject("root").roles("admin").build();

    assertThat(get("/admin", token).statusCode()).isEqualTo(200);
  }

  @Test
  void bridgeWhenRoleUserThenHasRoleRefuses() throws Exception {
    String token = ISSUER.token().audience("web-api").subject("u").roles("user", "SCOPE_admin").build();

    assertThat(get("/admin", token).statusCode()).isEqualTo(403);
  }

  @Test
  void bridgeWhenTokenRejectedByZtThenSpringSecurityNeverAllows() throws Exception {
    String token = ISSUER.token().audience("another-api").subject("alice").scope("orders:read").build();

    HttpResponse<String> r = get("/scoped", token);

    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(r.body()).doesNotContain("scoped");
  }

  @Test
  void bridgeWhenAnonymousThenNoZtAuthenticationInTheContext() throws Exception {
    HttpResponse<String> r = get("/context", null);

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).startsWith("AnonymousAuthenticationToken");
  }

  @Test
  void bridgeWhenTokenThenThePrincipalIsTheCaller() throws Exception {
    String token = ISSUER.token().audience("web-api").subject("alice").build();

    HttpResponse<String> r = get("/context", token);

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("CallerAuthentication Caller");
  }

  @Test
  void bridgeWhenManagementPortAndZtAllowedThenStrictChainThereDoesNotRefuse() throws Exception {
    // the chain says authenticated() for /actuator/env on the management port too: the child context's bridge
    String token = ISSUER.token().audience("web-api").subject("root").roles("admin").build();

    HttpResponse<String> r = get(managementPort, "/actuator/env", token);

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).contains("propertySources");
  }

  @Test
  void bridgeWhenManagementPortAndZtRefusedThenNeverAnswered() throws Exception {
    String token = ISSUER.token().audience("web-api").subject("u").roles("user").build();

    assertThat(get(managementPort, "/actuator/env", token).statusCode()).isEqualTo(403);
    assertThat(get(managementPort, "/actuator/env", null).statusCode()).isEqualTo(401);
  }

  // health

  @Test
  void healthWhenKeysFetchedThenZtUpWithIssuerAndNoUrl() throws Exception {
    get("/me", ISSUER.token().audience("web-api").subject("alice").build()); // the first token fetches the keys

    HttpResponse<String> r = get(managementPort, "/actuator/health/zt", null);

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body())
        .contains("\"status\":\"UP\"", "\"keySources\"", "\"" + ISSUER.issuer() + "\"", "\"status\":\"fetched\"")
        .doesNotContain("jwks")
        .doesNotContain("redis");
  }

  private HttpResponse<String> get(String path, String token) throws IOException, InterruptedException {
    return get(port, path, token);
  }

  private static HttpResponse<String> get(int port, String path, String token)
      throws IOException, InterruptedException {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(10));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return HTTP.send(b.GET().build(), HttpResponse.BodyHandlers.ofString());
  }
}
