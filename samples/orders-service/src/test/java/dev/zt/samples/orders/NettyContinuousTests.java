package dev.zt.samples.orders;

/** Continuous verification end to end on Netty. */
class NettyContinuousTests extends ContinuousInProcessChecks {

  @Override
  OrdersService.ServerKind server() {
    return OrdersService.ServerKind.NETTY;
  }
}
