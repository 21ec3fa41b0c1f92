package dev.zt.samples.orders;

/** The mTLS checks with {@code ZT_SERVER=netty}: a Netty {@code SslHandler} in front of zt's handler. */
class NettyMtlsStandaloneTests extends MtlsChecks {

  @Override
  String server() {
    return "netty";
  }
}
