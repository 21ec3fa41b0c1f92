package dev.zt.spring.boot.metricsapp;

import dev.zt.core.Enforcer;
import dev.zt.policy.PolicyExtensions;
import dev.zt.policy.PolicyFile;
import dev.zt.spring.boot.ZtTelemetry;
import java.nio.file.Path;
import java.util.Map;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * An application that builds its own enforcer from the policy file and hands it the starter's {@link ZtTelemetry}, so
 * zt's counters land in Boot's meter registry. Spring Security (on the test class path) permits everything: zt
 * decides. In its own package (see StarterTestApplication).
 */
@SpringBootApplication
public class MetricsTestApplication {

  @Bean
  Enforcer enforcer(ZtTelemetry telemetry, @Value("${test.issuer}") String issuer) throws Exception {
    return PolicyFile.load(
            Path.of("src/test/resources/zt-policy-web.yaml"),
            Map.of("ZT_ISSUER", issuer, "ZT_AUDIENCE", "web-api"),
            PolicyExtensions.none())
        .enforcerBuilder()
        .openTelemetry(telemetry.openTelemetry())
        .build();
  }

  @Bean
  SecurityFilterChain security(HttpSecurity http) throws Exception {
    return http.csrf(AbstractHttpConfigurer::disable).authorizeHttpRequests(a -> a.anyRequest().permitAll()).build();
  }

  @RestController
  static class Handlers {
    @GetMapping("/me")
    String me() {
      return "me";
    }
  }
}
