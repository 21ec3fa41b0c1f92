package dev.zt.samples.springorders;

import dev.zt.samples.checks.ContinuousChecks;
import dev.zt.samples.checks.OrdersTarget;

/** orders-service's continuous-verification checks against spring-orders, in this JVM. */
class SpringOrdersContinuousTests extends ContinuousChecks {

  @Override
  protected OrdersTarget target() {
    return new InProcessTarget();
  }
}
