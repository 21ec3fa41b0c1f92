package dev.zt.samples.orders;

/** The same standalone checks with {@code ZT_SERVER=netty}: Netty with zt's handler. */
class NettyStandaloneTests extends StandaloneChecks {

  @Override
  OrdersService.ServerKind server() {
    return OrdersService.ServerKind.NETTY;
  }
}
