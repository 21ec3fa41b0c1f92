package dev.zt.samples.orders;

/** Continuous verification end to end on the servlet container (Jetty 12). */
class ServletContinuousTests extends ContinuousInProcessChecks {

  @Override
  OrdersService.ServerKind server() {
    return OrdersService.ServerKind.SERVLET;
  }
}
