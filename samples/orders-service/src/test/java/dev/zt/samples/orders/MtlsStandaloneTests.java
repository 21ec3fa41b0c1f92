package dev.zt.samples.orders;

/** The mTLS checks with {@code ZT_SERVER} unset: Jetty, zt's servlet filter. */
class MtlsStandaloneTests extends MtlsChecks {

  @Override
  String server() {
    return "servlet";
  }
}
