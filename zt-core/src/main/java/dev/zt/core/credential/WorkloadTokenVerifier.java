package dev.zt.core.credential;

import dev.zt.core.Enforcer;
import dev.zt.core.policy.Requirement;

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
   * @return {@link PeerVerifier.Verified} with the workload's ID, or {@link PeerVerifier.Rejected} (the same
   *     results as a peer chain's); never {@code null}
   */
  PeerVerifier.Result verify(String token);
}
