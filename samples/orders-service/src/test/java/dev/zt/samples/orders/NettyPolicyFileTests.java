package dev.zt.samples.orders;

/** The policy file checks with {@code ZT_SERVER=netty}. */
class NettyPolicyFileTests extends PolicyFileChecks {

  @Override
  String server() {
    return "netty";
  }
}
