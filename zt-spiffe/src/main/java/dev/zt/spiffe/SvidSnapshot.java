package dev.zt.spiffe;

import java.util.Objects;

/**
 * Everything a TLS endpoint needs at one moment: its own SVID and the bundles it trusts. Swapped as one value by
 * {@link X509Source}, so a handshake never sees a new key with an old chain or a new SVID with old bundles.
 *
 * @param svid this workload's X.509-SVID
 * @param bundles the trust bundles peers are verified against (own trust domain and federated ones)
 * @since 0.1
 */
public record SvidSnapshot(X509Svid svid, TrustBundleSet bundles) {

  /** Checks the components. */
  public SvidSnapshot {
    Objects.requireNonNull(svid, "svid");
    Objects.requireNonNull(bundles, "bundles");
  }
}
