package dev.zt.samples.orders;

/** The environment checks with {@code ZT_SERVER=netty}. */
class NettyEnvironmentTests extends EnvironmentChecks {

  @Override
  String server() {
    return "netty";
  }
}
