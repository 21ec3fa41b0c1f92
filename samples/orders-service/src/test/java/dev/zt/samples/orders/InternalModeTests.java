package dev.zt.samples.orders;

/** The internal-mode checks on Jetty (zt's servlet filter). */
class InternalModeTests extends InternalModeChecks {

  @Override
  String server() {
    return "servlet";
  }
}
