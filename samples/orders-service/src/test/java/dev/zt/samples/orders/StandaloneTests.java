package dev.zt.samples.orders;

/** The standalone checks on the default server: Jetty with zt's servlet filter. */
class StandaloneTests extends StandaloneChecks {

  @Override
  OrdersService.ServerKind server() {
    return OrdersService.ServerKind.SERVLET;
  }
}
