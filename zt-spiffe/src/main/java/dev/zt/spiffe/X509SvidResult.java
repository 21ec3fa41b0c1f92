package dev.zt.spiffe;

import java.util.Objects;

/**
 * The outcome of {@link X509SvidVerifier#verify}: {@link Verified} or {@link Rejected} with the rule broken.
 *
 * @since 0.1
 */
public sealed interface X509SvidResult permits X509SvidResult.Verified, X509SvidResult.Rejected {

  /**
   * The chain is a valid X.509-SVID of a trust domain in the bundle set.
   *
   * @param svid the verified SVID
   */
  record Verified(VerifiedX509Svid svid) implements X509SvidResult {
    /** Checks the component. */
    public Verified {
      Objects.requireNonNull(svid, "svid");
    }
  }

  /**
   * The chain is not a valid X.509-SVID, or not one this bundle set trusts.
   *
   * @param rule the rule broken (the first one found)
   * @param detail a short description for the audit log (no key material)
   */
  record Rejected(X509SvidRule rule, String detail) implements X509SvidResult {
    /** Checks the components. */
    public Rejected {
      Objects.requireNonNull(rule, "rule");
      Objects.requireNonNull(detail, "detail");
    }
  }
}
