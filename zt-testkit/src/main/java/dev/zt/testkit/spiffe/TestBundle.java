package dev.zt.testkit.spiffe;

import dev.zt.spiffe.TrustBundle;
import dev.zt.spiffe.TrustDomain;

/**
 * A test trust domain's bundle in both forms zt reads: the SPIFFE bundle JSON (SPIFFE Trust Domain and Bundle §4)
 * and a PEM file of the root.
 *
 * @param trustDomain the trust domain
 * @param json the SPIFFE bundle (JWK Set with an {@code x509-svid} and a {@code jwt-svid} key)
 * @param pem the root CA certificate as PEM
 * @since 0.1
 */
public record TestBundle(TrustDomain trustDomain, String json, String pem) {

  /** The bundle as zt parses it from {@link #json()}. */
  public TrustBundle trustBundle() {
    return TrustBundle.parse(trustDomain, json);
  }
}
