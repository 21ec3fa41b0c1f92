package dev.zt.spiffe;

import java.security.cert.X509Certificate;
import java.util.List;

/**
 * An X.509-SVID that {@link X509SvidVerifier} accepted: only the verifier creates one, so code that takes this type
 * cannot be handed an unverified peer.
 *
 * @since 0.1
 */
public final class VerifiedX509Svid {

  private final SpiffeId spiffeId;
  private final List<X509Certificate> chain;
  private final X509Certificate trustAnchor;

  VerifiedX509Svid(SpiffeId spiffeId, List<X509Certificate> chain, X509Certificate trustAnchor) {
    this.spiffeId = spiffeId;
    this.chain = List.copyOf(chain);
    this.trustAnchor = trustAnchor;
  }

  /** The workload's SPIFFE ID (always with a path). */
  public SpiffeId spiffeId() {
    return spiffeId;
  }

  /** The validated path, leaf first, without the trust anchor. */
  public List<X509Certificate> chain() {
    return chain;
  }

  /** The leaf certificate. */
  public X509Certificate leaf() {
    return chain.get(0);
  }

  /** The X.509 authority of the trust domain's bundle that the path ends at. */
  public X509Certificate trustAnchor() {
    return trustAnchor;
  }

  @Override
  public String toString() {
    return "VerifiedX509Svid[" + spiffeId + "]";
  }
}
