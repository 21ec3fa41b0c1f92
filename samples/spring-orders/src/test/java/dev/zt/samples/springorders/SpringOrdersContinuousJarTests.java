package dev.zt.samples.springorders;

import dev.zt.samples.checks.ContinuousChecks;
import dev.zt.samples.checks.OrdersTarget;

/** orders-service's continuous-verification checks against the built jar as a process (run by failsafe). */
class SpringOrdersContinuousJarTests extends ContinuousChecks {

  @Override
  protected OrdersTarget target() {
    return new JarTarget();
  }
}
