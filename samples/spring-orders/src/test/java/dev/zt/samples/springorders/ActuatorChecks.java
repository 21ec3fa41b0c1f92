package dev.zt.samples.springorders;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zt.samples.checks.OrdersTarget;
import dev.zt.testkit.TestIssuer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * spring-orders' own contract beyond orders-service's: the actuator's rules (health public for GET and HEAD, info for
 * any valid token, env and configprops for role {@code admin} with every value masked, every other actuator path
 * denied) on the port the actuator listens on, and PUT, PATCH and DELETE with a form body to {@code /orders/1}
 * answered by zt's rules, never a 5xx. One application per class, started from {@link #variables()}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ActuatorChecks {

  private final HttpClient http = HttpClient.newHttpClient();
  TestIssuer issuer;
  OrdersTarget.Running service;

  /** Variables besides {@code ZT_ISSUER}, {@code ZT_AUDIENCE} and {@code PORT=0}. */
  abstract Map<String, String> variables();

  @BeforeAll
  void start() throws Exception {
    issuer = TestIssuer.builder().audience("orders-api").start();
    Map<String, String> env = new HashMap<>(variables());
    env.putAll(Map.of("ZT_ISSUER", issuer.issuer(), "ZT_AUDIENCE", "orders-api", "PORT", "0"));
    service = new InProcessTarget().start(env);
  }

  @AfterAll
  void stop() throws Exception {
    if (service != null) {
      service.close();
    }
    issuer.close();
  }

  HttpResponse<String> actuator(String method, String path, String token) throws Exception {
    return send(method, URI.create("http://127.0.0.1:" + service.managementPort() + path), token, null, null);
  }

  HttpResponse<String> send(String method, URI uri, String token, String contentType, String body)
      throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).method(method,
        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private String admin() {
    return issuer.token().subject("ops").roles("admin").build();
  }

  private String reader() {
    return issuer.token().subject("alice").scope("orders:read orders:write").build();
  }

  @Test
  void healthWhenAnonymousThenGetAndHeadAnswer200WithTheStatusOnly() throws Exception {
    HttpResponse<String> get = actuator("GET", "/actuator/health", null);
    HttpResponse<String> head = actuator("HEAD", "/actuator/health", null);
    HttpResponse<String> component = actuator("GET", "/actuator/health/ping", null);

    assertThat(get.statusCode()).isEqualTo(200);
    assertThat(get.body()).isEqualTo("{\"status\":\"UP\"}");
    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.body()).isEmpty();
    assertThat(component.statusCode()).as("components are not shown (show-components=never)").isEqualTo(404);
    assertThat(component.body()).doesNotContain("\"status\":\"UP\"");
  }

  @Test
  void infoWhenNoTokenOrAnInvalidOneThen401AndAnyValidTokenThen200() throws Exception {
    HttpResponse<String> none = actuator("GET", "/actuator/info", null);
    HttpResponse<String> otherAudience = actuator("GET", "/actuator/info",
        issuer.token().audience("billing-api").build());
    HttpResponse<String> expired = actuator("GET", "/actuator/info",
        issuer.token().issuedIn(Duration.ofMinutes(-20)).expiresIn(Duration.ofMinutes(-10)).build());

    assertThat(none.statusCode()).isEqualTo(401);
    assertThat(none.headers().firstValue("WWW-Authenticate")).contains("Bearer realm=\"orders\"");
    assertThat(otherAudience.statusCode()).isEqualTo(401);
    assertThat(expired.statusCode()).isEqualTo(401);
    assertThat(actuator("GET", "/actuator/info", issuer.token().subject("nobody").build()).statusCode())
        .as("a valid token with no scope or role").isEqualTo(200);
  }

  @Test
  void envAndConfigpropsWhenNotAdminThenDeniedByZt() throws Exception {
    for (String path : List.of("/actuator/env", "/actuator/configprops", "/actuator/env/ZT_ISSUER",
        "/actuator/configprops/server")) {
      HttpResponse<String> anonymous = actuator("GET", path, null);
      HttpResponse<String> reader = actuator("GET", path, reader());
      HttpResponse<String> adminOfAnotherApi = actuator("GET", path,
          issuer.token().roles("admin").audience("billing-api").build());

      assertThat(anonymous.statusCode()).as(path).isEqualTo(401);
      assertThat(reader.statusCode()).as(path).isEqualTo(403);
      assertThat(reader.headers().firstValue("Content-Type")).as(path).contains("application/problem+json");
      assertThat(reader.body()).as(path).doesNotContain(issuer.issuer()).doesNotContain("propertySources");
      assertThat(adminOfAnotherApi.statusCode()).as(path).isEqualTo(401);
    }
  }

  @Test
  void envAndConfigpropsWhenAdminThen200WithEveryValueMasked() throws Exception {
    HttpResponse<String> env = actuator("GET", "/actuator/env", admin());
    HttpResponse<String> configprops = actuator("GET", "/actuator/configprops", admin());
    HttpResponse<String> one = actuator("GET", "/actuator/env/ZT_ISSUER", admin());

    assertThat(env.statusCode()).isEqualTo(200);
    assertThat(env.body()).contains("\"ZT_ISSUER\"").contains("******").doesNotContain(issuer.issuer())
        .doesNotContain("orders-api");
    assertThat(configprops.statusCode()).isEqualTo(200);
    assertThat(configprops.body()).contains("******").doesNotContain("32KB").doesNotContain("classpath:zt-policy");
    assertThat(one.statusCode()).isEqualTo(200);
    assertThat(one.body()).doesNotContain(issuer.issuer()).contains("******");
  }

  @Test
  void actuatorWhenPathIsNotOneOfTheRulesThenDeniedEvenForAdmin() throws Exception {
    for (String path : List.of("/actuator", "/actuator/beans", "/actuator/mappings", "/actuator/heapdump",
        "/actuator/shutdown", "/actuator/loggers")) {
      HttpResponse<String> res = actuator("GET", path, admin());
      assertThat(res.statusCode()).as(path).isEqualTo(403);
      assertThat(res.body()).as(path).doesNotContain("propertySources").doesNotContain("_links");
    }
    assertThat(actuator("POST", "/actuator/env", admin()).statusCode()).as("no rule for POST").isEqualTo(403);
  }

  @Test
  void actuatorWhenAPublicPathClimbsToEnvThenNeverAnsweredWithTheEnvironment() throws Exception {
    for (String path : List.of("/actuator/health/../env", "/actuator/health/%2e%2e/env", "/actuator/health/..;/env",
        "/actuator/health/.%2e/env", "/actuator/health/..%2fenv", "/actuator/health//../env")) {
      HttpResponse<String> anonymous = actuator("GET", path, null);
      HttpResponse<String> reader = actuator("GET", path, reader());
      assertThat(anonymous.statusCode()).as(path).isIn(400, 401);
      assertThat(reader.statusCode()).as(path).isIn(400, 403);
      assertThat(anonymous.body() + reader.body()).as(path).doesNotContain("propertySources");
    }
  }

  @Test
  void ordersWhenPutPatchOrDeleteWithAFormBodyThenZtAnswersNever5xx() throws Exception {
    URI order = service.uri("/orders/1");
    for (String method : List.of("PUT", "PATCH", "DELETE")) {
      for (String token : new String[] {reader(), admin()}) {
        HttpResponse<String> res = send(method, order, token, "application/x-www-form-urlencoded",
            "owner=mallory&id=1");
        assertThat(res.statusCode()).as(method).isEqualTo(403);
        assertThat(res.headers().firstValue("Content-Type")).as(method).contains("application/problem+json");
        assertThat(res.body()).as(method).doesNotContain("\"handler\"");
      }
      HttpResponse<String> anonymous = send(method, order, null, "application/x-www-form-urlencoded", "a=b");
      assertThat(anonymous.statusCode()).as(method + " anonymous").isEqualTo(401);
      HttpResponse<String> injection = send(method, order, reader(), "application/x-www-form-urlencoded",
          "id=1%27%20OR%20%271%27%3D%271");
      assertThat(injection.statusCode()).as(method + " with SQL in the form").isBetween(400, 499);
    }
  }
}
