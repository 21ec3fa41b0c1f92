package dev.zt.samples.gateway;

/**
 * The sample gateway: a Policy Enforcement Point in front of orders-service. zt decides on the client's token; on an
 * allow the gateway strips it, forwards a small internal token minted for the upstream and calls orders-service's
 * mTLS listener with its own X.509-SVID. Configured from the environment (see the module's README).
 */
public final class Gateway {

  private Gateway() {}

  /** Starts the gateway from the environment. */
  public static void main(String[] args) {
    throw new UnsupportedOperationException("the gateway is being built");
  }
}
