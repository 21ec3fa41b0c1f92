package dev.zt.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zt.spring.boot.metricsapp.MetricsTestApplication;
import dev.zt.testkit.TestIssuer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** zt's decisions counted in Boot's meter registry: {@code /actuator/metrics} and Prometheus, behind zt's own rules. */
@SpringBootTest(
    classes = MetricsTestApplication.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "management.endpoints.web.exposure.include=health,metrics,prometheus",
      // Boot's tests turn exporters off by default
      "management.prometheus.metrics.export.enabled=true"
    })
class MetricsAutoConfigurationTests {

  private static final TestIssuer ISSUER = TestIssuer.start();
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @DynamicPropertySource
  static void zt(DynamicPropertyRegistry registry) {
    registry.add("test.issuer", ISSUER::issuer);
  }

  @AfterAll
  static void stopIssuer() {
    ISSUER.close();
  }

  @LocalServerPort int port;

  @Test
  void metricsWhenRequestsDecidedThenDecisionsByReasonInActuatorMetrics() throws Exception {
    get("/me", null); // CREDENTIAL_MISSING
    get("/me", ISSUER.token().audience("web-api").build()); // ALLOWED

    HttpResponse<String> r = get("/actuator/metrics/zt.decisions", admin());

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).contains("\"name\":\"zt.decisions\"", "\"tag\":\"zt.reason\"", "CREDENTIAL_MISSING", "ALLOWED");
  }

  @Test
  void prometheusWhenRequestsDecidedThenZtDecisionsTotalWithReasonLabel() throws Exception {
    get("/me", null);

    HttpResponse<String> r = get("/actuator/prometheus", admin());

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).containsPattern("zt_decisions_total\\{[^}]*zt_reason=\"CREDENTIAL_MISSING\"[^}]*\\} [1-9]");
  }

  @Test
  void metricsWhenNoAdminRoleThenZtRefusesTheEndpoint() throws Exception {
    assertThat(get("/actuator/metrics/zt.decisions", null).statusCode()).isEqualTo(401);
    assertThat(get("/actuator/prometheus", ISSUER.token().audience("web-api").roles("user").build()).statusCode())
        .isEqualTo(403);
  }

  @Test
  void autoConfigurationWhenMetricsDisabledThenNoTelemetryBean() {
    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(ZtMetricsAutoConfiguration.class))
        .withBean(io.micrometer.core.instrument.MeterRegistry.class,
            io.micrometer.core.instrument.simple.SimpleMeterRegistry::new)
        .withPropertyValues("zt.metrics.enabled=false")
        .run(context -> assertThat(context).doesNotHaveBean(ZtTelemetry.class));
  }

  @Test
  void autoConfigurationWhenRegistryThenTelemetryBean() {
    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(ZtMetricsAutoConfiguration.class))
        .withBean(io.micrometer.core.instrument.MeterRegistry.class,
            io.micrometer.core.instrument.simple.SimpleMeterRegistry::new)
        .run(context -> assertThat(context).hasSingleBean(ZtTelemetry.class));
  }

  private String admin() {
    return ISSUER.token().audience("web-api").roles("admin").build();
  }

  private HttpResponse<String> get(String path, String token) throws IOException, InterruptedException {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(10));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return HTTP.send(b.GET().build(), HttpResponse.BodyHandlers.ofString());
  }
}
