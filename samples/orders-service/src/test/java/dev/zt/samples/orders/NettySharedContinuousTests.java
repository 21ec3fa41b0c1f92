package dev.zt.samples.orders;

import dev.zt.samples.checks.ContinuousChecks;
import dev.zt.samples.checks.OrdersTarget;

/** The shared continuous-verification checks with {@code ZT_SERVER=netty}. */
class NettySharedContinuousTests extends ContinuousChecks {

  @Override
  protected OrdersTarget target() {
    return new OrdersServiceTarget(OrdersService.ServerKind.NETTY);
  }
}
