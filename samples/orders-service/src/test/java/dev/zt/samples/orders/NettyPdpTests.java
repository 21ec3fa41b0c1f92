package dev.zt.samples.orders;

/** {@link PdpChecks} with {@code ZT_SERVER=netty}. */
class NettyPdpTests extends PdpChecks {

  @Override
  String server() {
    return "netty";
  }
}
