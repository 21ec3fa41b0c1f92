package dev.zt.samples.orders;

/** {@link PdpChecks} with {@code ZT_SERVER=servlet}. */
class ServletPdpTests extends PdpChecks {

  @Override
  String server() {
    return "servlet";
  }
}
