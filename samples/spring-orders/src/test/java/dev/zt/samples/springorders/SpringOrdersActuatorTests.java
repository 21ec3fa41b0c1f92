package dev.zt.samples.springorders;

import java.util.Map;

/** The actuator's rules on the server's own port (no {@code MANAGEMENT_SERVER_PORT}). */
class SpringOrdersActuatorTests extends ActuatorChecks {

  @Override
  Map<String, String> variables() {
    return Map.of();
  }
}
