package dev.zt.samples.springorders;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The actuator's rules with {@code MANAGEMENT_SERVER_PORT} set (Boot binds it to {@code management.server.port}
 * itself): the actuator listens on its own port, zt's filter decides there with the same rules.
 */
class SpringOrdersManagementPortTests extends ActuatorChecks {

  @Override
  Map<String, String> variables() {
    return Map.of("MANAGEMENT_SERVER_PORT", "0");
  }

  @Test
  void managementServerPortWhenSetThenTheActuatorListensThereAndNotOnTheApiPort() throws Exception {
    assertThat(service.managementPort()).isNotEqualTo(service.port());
    assertThat(send("GET", service.uri("/actuator/health"), null, null, null).body())
        .as("the API port has no actuator: the application's 404").isEqualTo("{\"handler\":\"not-found\"}");
    assertThat(actuator("GET", "/actuator/health", null).statusCode()).isEqualTo(200);
  }
}
