package dev.zt.samples.springorders;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zt.samples.checks.OrdersTarget;
import dev.zt.samples.checks.StandaloneChecks;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The built {@code target/spring-orders.jar} as a process (run by failsafe after packaging): orders-service's
 * standalone checks against it, and what only a process shows: {@code main}'s exit status 2 and one line naming the
 * variable, and Boot's binding of the real {@code MANAGEMENT_SERVER_PORT} variable.
 */
class SpringOrdersJarTests extends StandaloneChecks {

  @Override
  protected OrdersTarget target() {
    return new JarTarget();
  }

  @Test
  void mainWhenAVariableIsMissingOrBadThenExitStatus2AndOneLineNamingIt() throws Exception {
    OrdersTarget.Refusal missing = target().refuse(Map.of("ZT_AUDIENCE", "orders-api", "PORT", "0"));
    OrdersTarget.Refusal bad = target().refuse(Map.of("ZT_ISSUER", issuer.issuer(), "ZT_AUDIENCE", "orders-api",
        "PORT", "0", "ZT_ALGORITHMS", "none"));

    assertThat(missing.status()).isEqualTo(2);
    assertThat(missing.message()).isEqualTo("spring-orders: ZT_ISSUER is required (see the README)");
    assertThat(bad.status()).isEqualTo(2);
    assertThat(bad.message()).startsWith("spring-orders: ZT_ALGORITHMS: 'none' is not one of").doesNotContain("\n")
        .doesNotContain("Exception");
  }

  @Test
  void managementServerPortWhenSetInTheEnvironmentThenTheActuatorListensThereUnderZtsRules() throws Exception {
    try (OrdersTarget.Running jar = target().start(Map.of("ZT_ISSUER", issuer.issuer(), "ZT_AUDIENCE", "orders-api",
        "PORT", "0", "MANAGEMENT_SERVER_PORT", "0"))) {
      HttpClient http = HttpClient.newHttpClient();
      String base = "http://127.0.0.1:" + jar.managementPort();
      String reader = issuer.token().scope("orders:read").build();
      String admin = issuer.token().roles("admin").build();

      assertThat(jar.managementPort()).isNotEqualTo(jar.port());
      assertThat(get(http, base + "/actuator/health", null).statusCode()).isEqualTo(200);
      assertThat(get(http, base + "/actuator/env", null).statusCode()).isEqualTo(401);
      assertThat(get(http, base + "/actuator/env", reader).statusCode()).isEqualTo(403);
      HttpResponse<String> env = get(http, base + "/actuator/env", admin);
      assertThat(env.statusCode()).isEqualTo(200);
      assertThat(env.body()).contains("MANAGEMENT_SERVER_PORT").doesNotContain(issuer.issuer());
    }
  }

  private static HttpResponse<String> get(HttpClient http, String uri, String token) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(uri)).timeout(Duration.ofSeconds(10));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }
}
