package dev.zt.samples.orders;

import dev.zt.samples.checks.OrdersTarget;
import dev.zt.samples.checks.VariableChecks;

/** The shared checks of the standalone variables with {@code ZT_SERVER=servlet}. */
class ServletVariableTests extends VariableChecks {

  @Override
  protected OrdersTarget target() {
    return new OrdersServiceTarget(OrdersService.ServerKind.SERVLET);
  }
}
