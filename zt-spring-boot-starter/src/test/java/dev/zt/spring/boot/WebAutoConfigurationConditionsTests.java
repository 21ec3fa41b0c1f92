package dev.zt.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zt.core.Enforcer;
import dev.zt.core.credential.BearerJwt;
import dev.zt.core.policy.RoutePolicy;
import java.net.URI;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;

/** When the bridge and the health component are there, and when not. */
class WebAutoConfigurationConditionsTests {

  private final WebApplicationContextRunner runner =
      new WebApplicationContextRunner()
          .withConfiguration(
              AutoConfigurations.of(
                  ZtAutoConfiguration.class,
                  ZtWebMvcAutoConfiguration.class,
                  ZtSpringSecurityAutoConfiguration.class,
                  ZtHealthAutoConfiguration.class))
          .withBean(Enforcer.class, WebAutoConfigurationConditionsTests::enforcer);

  @Test
  void bridgeWhenPropertyAbsentThenOff() {
    runner.run(context -> assertThat(context).hasNotFailed().doesNotHaveBean("ztSecurityContextBridge"));
  }

  @Test
  void bridgeWhenEnabledThenRegisteredRightAfterZt() {
    runner
        .withPropertyValues("zt.spring-security.enabled=true")
        .run(
            context -> {
              assertThat(context).hasBean("ztSecurityContextBridge");
              assertThat(context.getBean("ztSecurityContextBridge",
                      org.springframework.boot.web.servlet.FilterRegistrationBean.class).getOrder())
                  .isEqualTo(ZtFilters.ORDER + 1)
                  .isLessThan(-100);
            });
  }

  @Test
  void healthWhenEnforcerThenZtIndicatorElseOffByProperty() {
    runner.run(context -> assertThat(context).hasBean("ztHealthIndicator"));
    runner
        .withPropertyValues("management.health.zt.enabled=false")
        .run(context -> assertThat(context).doesNotHaveBean("ztHealthIndicator"));
  }

  @Test
  void metadataWhenCompiledThenDescribesTheToggles() throws Exception {
    String json;
    try (java.io.InputStream in = getClass().getClassLoader()
        .getResourceAsStream("META-INF/spring-configuration-metadata.json")) {
      json = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }

    assertThat(json).contains("\"zt.spring-security.enabled\"", "\"zt.metrics.enabled\"",
        "\"management.health.zt.enabled\"");
  }

  private static Enforcer enforcer() {
    return Enforcer.builder()
        .bearerJwt(
            BearerJwt.issuer("https://issuer.example")
                .audience("starter-api")
                .jwksUri(URI.create("https://issuer.example/jwks"))
                .build())
        .routes(RoutePolicy.builder().build())
        .build();
  }
}
