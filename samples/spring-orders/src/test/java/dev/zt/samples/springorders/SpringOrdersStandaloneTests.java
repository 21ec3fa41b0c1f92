package dev.zt.samples.springorders;

import dev.zt.samples.checks.OrdersTarget;
import dev.zt.samples.checks.StandaloneChecks;

/** orders-service's standalone checks against spring-orders, in this JVM. */
class SpringOrdersStandaloneTests extends StandaloneChecks {

  @Override
  protected OrdersTarget target() {
    return new InProcessTarget();
  }
}
