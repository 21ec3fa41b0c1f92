package dev.zt.spiffe;

/**
 * The X509-SVID rule a presented certificate chain broke, with the section it comes from.
 *
 * @since 0.1
 */
public enum X509SvidRule {
  /** No certificate was presented. */
  CHAIN_EMPTY("X509-SVID §5.1"),
  /** More certificates than any sane path needs (16). */
  CHAIN_TOO_LONG("X509-SVID §5.1"),
  /** A certificate could not be read (unparseable extension). */
  MALFORMED_CERTIFICATE("RFC 5280 §4"),
  /** The leaf has no URI SAN. */
  NO_URI_SAN("X509-SVID §2"),
  /** The leaf has more than one URI SAN. */
  MULTIPLE_URI_SANS("X509-SVID §2, §5.2"),
  /** The leaf's URI SAN is not a valid SPIFFE ID (another scheme, or broken SPIFFE-ID §2 syntax). */
  NOT_A_SPIFFE_ID("X509-SVID §5.2, SPIFFE-ID §2"),
  /** The leaf's SPIFFE ID has no path ({@code spiffe://td}), so it names a trust domain, not a workload. */
  LEAF_ID_WITHOUT_PATH("X509-SVID §3.1, §5.2"),
  /** The leaf has an empty Subject and a non-critical SAN extension. */
  SAN_NOT_CRITICAL("X509-SVID §3.1, RFC 5280 §4.1.2.6"),
  /** The leaf has {@code cA=true}. */
  LEAF_IS_CA("X509-SVID §4.1, §5.2"),
  /** The leaf has no key usage extension. */
  KEY_USAGE_MISSING("X509-SVID §4.3"),
  /** The leaf's key usage extension is not critical. */
  KEY_USAGE_NOT_CRITICAL("X509-SVID §4.3"),
  /** The leaf's key usage lacks {@code digitalSignature}. */
  DIGITAL_SIGNATURE_MISSING("X509-SVID §4.3"),
  /** The leaf's key usage has {@code keyCertSign}. */
  LEAF_KEY_CERT_SIGN("X509-SVID §4.3, §5.2"),
  /** The leaf's key usage has {@code cRLSign}. */
  LEAF_CRL_SIGN("X509-SVID §4.3, §5.2"),
  /** The leaf has an extended key usage extension without both {@code serverAuth} and {@code clientAuth}. */
  EXTENDED_KEY_USAGE("X509-SVID §4.4"),
  /** A certificate in the chain, or the leaf, is past its {@code notAfter}. */
  EXPIRED("RFC 5280 §6.1.3"),
  /** A certificate in the chain, or the leaf, is before its {@code notBefore}. */
  NOT_YET_VALID("RFC 5280 §6.1.3"),
  /** A signing (intermediate or trust anchor) certificate lacks {@code cA=true}. */
  SIGNING_CERT_NOT_CA("X509-SVID §3.2, §4.1"),
  /** A signing certificate lacks key usage with {@code keyCertSign}. */
  SIGNING_CERT_KEY_CERT_SIGN_MISSING("X509-SVID §3.2, §4.3"),
  /** A signing certificate's SPIFFE ID has a path. */
  SIGNING_CERT_ID_HAS_PATH("X509-SVID §3.2"),
  /** There is no bundle, or no X.509 authority, for the leaf's trust domain: nothing is trusted for it. */
  NO_BUNDLE_FOR_TRUST_DOMAIN("X509-SVID §5.1, SPIFFE Trust Domain and Bundle §3"),
  /** The chain does not lead to an X.509 authority of the leaf's trust domain. */
  NOT_SIGNED_BY_TRUST_DOMAIN_AUTHORITY("X509-SVID §5.1, SPIFFE-ID §3.1"),
  /** RFC 5280 path validation failed for another reason (signature, constraints, name chaining). */
  PATH_VALIDATION_FAILED("X509-SVID §5.1, RFC 5280 §6");

  private final String specSection;

  X509SvidRule(String specSection) {
    this.specSection = specSection;
  }

  /** The specification section the rule comes from. */
  public String specSection() {
    return specSection;
  }
}
