package dev.zt.samples.orders;

/** The environment checks with {@code ZT_SERVER=servlet}. */
class ServletEnvironmentTests extends EnvironmentChecks {

  @Override
  String server() {
    return "servlet";
  }
}
