package dev.zt.spiffe;

import java.util.Set;

/**
 * Decides which verified peers may complete a TLS handshake, by SPIFFE ID. Called only after the peer's chain
 * verified as an X.509-SVID. Deny by default: there is no "allow everyone" constant; write the predicate if that is
 * really meant.
 *
 * @since 0.1
 */
@FunctionalInterface
public interface PeerAuthorizer {

  /** Whether {@code peer} may connect. */
  boolean isAllowed(SpiffeId peer);

  /** Allows exactly the given IDs. */
  static PeerAuthorizer only(SpiffeId... peers) {
    Set<SpiffeId> allowed = Set.of(peers);
    return allowed::contains;
  }

  /** Allows every workload of the given trust domains. */
  static PeerAuthorizer memberOf(TrustDomain... trustDomains) {
    Set<TrustDomain> allowed = Set.of(trustDomains);
    return peer -> allowed.contains(peer.trustDomain());
  }
}
