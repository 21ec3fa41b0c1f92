package dev.zt.samples.orders;

/** The internal-mode checks on Netty (zt's handler). */
class NettyInternalModeTests extends InternalModeChecks {

  @Override
  String server() {
    return "netty";
  }
}
