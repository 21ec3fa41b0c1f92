package dev.zt.spiffe;

/**
 * The JWT-SVID rule a presented token broke, with the section it comes from.
 *
 * @since 0.1
 */
public enum JwtSvidRule {
  /** Not a JWS compact serialization of canonical base64url parts, or not JSON objects, or over the size cap. */
  MALFORMED("JWT-SVID §5.1, RFC 7515 §3.1"),
  /** {@code alg} missing or not one of the JWT-SVID algorithms; checked before any key is touched. */
  ALGORITHM_NOT_ALLOWED("JWT-SVID §2.1, §4"),
  /** A header parameter other than {@code alg}, {@code kid} and {@code typ}. */
  HEADER_NOT_ALLOWED("JWT-SVID §2"),
  /** {@code typ} present and neither {@code JWT} nor {@code JOSE}. */
  TYPE_NOT_ALLOWED("JWT-SVID §2.3"),
  /** No {@code kid}: zt requires one to pick the key (stricter than §2.2). */
  KEY_ID_MISSING("JWT-SVID §2.2"),
  /** {@code sub} missing or not a string. */
  SUBJECT_MISSING("JWT-SVID §3.1"),
  /** {@code sub} is not a valid SPIFFE ID. */
  SUBJECT_NOT_SPIFFE_ID("JWT-SVID §3.1, SPIFFE-ID §2"),
  /** No bundle, or no JWT authority, for the subject's trust domain. */
  NO_BUNDLE_FOR_TRUST_DOMAIN("SPIFFE Trust Domain and Bundle §3"),
  /** No JWT authority with the token's {@code kid} in the subject's trust domain bundle. */
  KEY_NOT_FOUND("JWT-SVID §2.2, §4"),
  /** The authority's key does not fit {@code alg} (type, curve, or an RSA key under 2048 bits). */
  KEY_NOT_USABLE("JWT-SVID §2.1, RFC 7518 §3"),
  /** The signature does not verify. */
  SIGNATURE_INVALID("JWT-SVID §4, RFC 7515 §5.2"),
  /** {@code aud} missing or empty. */
  AUDIENCE_MISSING("JWT-SVID §3.2"),
  /** None of the token's audiences is one this verifier accepts. */
  AUDIENCE_MISMATCH("JWT-SVID §3.2"),
  /** {@code exp} missing. */
  EXPIRATION_MISSING("JWT-SVID §3.3"),
  /** {@code exp} is in the past (beyond the allowed skew). */
  EXPIRED("JWT-SVID §3.3, RFC 7519 §4.1.4"),
  /** {@code nbf} is in the future (beyond the allowed skew). */
  NOT_YET_VALID("RFC 7519 §4.1.5"),
  /** A registered claim of the wrong JSON type. */
  CLAIM_INVALID("RFC 7519 §4.1");

  private final String specSection;

  JwtSvidRule(String specSection) {
    this.specSection = specSection;
  }

  /** The specification section the rule comes from. */
  public String specSection() {
    return specSection;
  }
}
