package dev.zt.samples.springorders;

import dev.zt.samples.checks.OrdersTarget;
import dev.zt.samples.checks.VariableChecks;

/** orders-service's standalone variables, with the same meanings, defaults and refusals, in spring-orders. */
class SpringOrdersVariableTests extends VariableChecks {

  @Override
  protected OrdersTarget target() {
    return new InProcessTarget();
  }
}
