package dev.zt.samples.orders;

import dev.zt.samples.checks.ContinuousChecks;
import dev.zt.samples.checks.OrdersTarget;

/** The shared continuous-verification checks with {@code ZT_SERVER=servlet}. */
class ServletSharedContinuousTests extends ContinuousChecks {

  @Override
  protected OrdersTarget target() {
    return new OrdersServiceTarget(OrdersService.ServerKind.SERVLET);
  }
}
