package dev.zt.samples.orders;

/** The policy file checks with {@code ZT_SERVER=servlet}. */
class ServletPolicyFileTests extends PolicyFileChecks {

  @Override
  String server() {
    return "servlet";
  }
}
