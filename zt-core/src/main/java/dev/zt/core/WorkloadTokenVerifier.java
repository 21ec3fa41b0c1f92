package dev.zt.core;

import java.util.Objects;

/**
 * Verifies a bearer token that a workload (not a user) presents, such as a SPIFFE JWT-SVID, and names the workload.
 * zt-core knows no workload identity scheme; {@code dev.zt.spiffe.SpiffeJwtSvidTokens} implements this per the
 * JWT-SVID spec. Set it with {@link Enforcer.Builder#workloadTokens(WorkloadTokenVerifier)}.
 *
 * <p>The credential gate asks it only about a bearer token that did not verify as one of the issuer's access tokens,
 * so a token is never judged by the weaker of two rules: each verifier is strict on its own, and a workload so
 * identified has no scopes or roles — only routes that allow workloads ({@link Requirement#workload(String...)})
 * let it through. Must be thread-safe and must not block on I/O.
 *
 * @since 0.1
 */
@FunctionalInterface
public interface WorkloadTokenVerifier {

  /**
   * Verifies {@code token} (a compact JWS, already checked to be a well-formed RFC 6750 b64token).
   *
   * @return {@link Verified} with the workload's ID, or {@link Rejected}; never {@code null}
   */
  Result verify(String token);

  /** The outcome of {@link #verify}. */
  sealed interface Result permits Verified, Rejected {}

  /**
   * The token is a valid workload credential.
   *
   * @param workloadId the workload's canonical ID, matched by {@link Requirement#workload(String...)}
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
   * The token is not a valid workload credential either.
   *
   * @param reason why, for the audit log only
   */
  record Rejected(String reason) implements Result {
    /** Checks the component. */
    public Rejected {
      Objects.requireNonNull(reason, "reason");
    }
  }
}
