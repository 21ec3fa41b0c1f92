package dev.zt.samples.orders;

import dev.zt.samples.checks.OrdersTarget;
import dev.zt.samples.checks.StandaloneChecks;

/** The shared standalone checks on the default server: Jetty with zt's servlet filter. */
class StandaloneTests extends StandaloneChecks {

  @Override
  protected OrdersTarget target() {
    return new OrdersServiceTarget(OrdersService.ServerKind.SERVLET);
  }
}
