package dev.zt.spiffe;

import java.util.Objects;

/**
 * The outcome of {@link JwtSvidVerifier#verify}: {@link Verified} or {@link Rejected} with the rule broken.
 *
 * @since 0.1
 */
public sealed interface JwtSvidResult permits JwtSvidResult.Verified, JwtSvidResult.Rejected {

  /**
   * The token is a valid JWT-SVID for one of the verifier's audiences.
   *
   * @param svid the verified SVID
   */
  record Verified(VerifiedJwtSvid svid) implements JwtSvidResult {
    /** Checks the component. */
    public Verified {
      Objects.requireNonNull(svid, "svid");
    }
  }

  /**
   * The token is not accepted.
   *
   * @param rule the rule broken (the first one found)
   * @param detail a short description for the audit log (never the token)
   */
  record Rejected(JwtSvidRule rule, String detail) implements JwtSvidResult {
    /** Checks the components. */
    public Rejected {
      Objects.requireNonNull(rule, "rule");
      Objects.requireNonNull(detail, "detail");
    }
  }
}
