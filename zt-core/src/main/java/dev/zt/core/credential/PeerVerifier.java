package dev.zt.core.credential;

import dev.zt.core.DenyReason;
import dev.zt.core.Enforcer;
import dev.zt.core.policy.Requirement;

import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

/**
 * Verifies the certificate chain an mTLS peer presented and names the workload it belongs to. zt-core knows no
 * workload identity scheme; {@code dev.zt.spiffe.SpiffePeerVerifier} implements this for X.509-SVIDs (SPIFFE
 * X509-SVID §5). Set it with {@link Enforcer.Builder#peerVerifier(PeerVerifier)}.
 *
 * <p>Called on every request that carries a chain, not only once per connection: TLS session resumption skips the
 * handshake's trust manager, and a trust bundle may have changed since the handshake. An implementation must be
 * thread-safe and must not block on I/O (it runs on event loops too).
 *
 * @since 0.1
 */
@FunctionalInterface
public interface PeerVerifier {

  /**
   * Verifies {@code chain} (leaf first, never empty).
   *
   * @return {@link Verified} with the workload's ID, or {@link Rejected}; never {@code null}
   */
  Result verify(List<X509Certificate> chain);

  /** The outcome of {@link #verify}. */
  sealed interface Result permits Verified, Rejected {}

  /**
   * The chain verified.
   *
   * @param workloadId the workload's canonical ID (for SPIFFE: {@code spiffe://trust-domain/path}), which route rules
   *     ({@link Requirement#workload(String...)}) match exactly as given
   */
  record Verified(String workloadId) implements Result {
    /** Checks that the ID is non-empty visible ASCII. */
    public Verified {
      Objects.requireNonNull(workloadId, "workloadId");
      if (workloadId.isEmpty() || workloadId.chars().anyMatch(c -> c <= 0x20 || c >= 0x7f)) {
        throw new IllegalArgumentException("a workload ID must be non-empty visible ASCII");
      }
    }
  }

  /**
   * The chain did not verify: the request is denied ({@link DenyReason#PEER_REJECTED}).
   *
   * @param reason why, for the audit log only (never sent to the client; no key material)
   */
  record Rejected(String reason) implements Result {
    /** Checks the component. */
    public Rejected {
      Objects.requireNonNull(reason, "reason");
    }
  }
}
