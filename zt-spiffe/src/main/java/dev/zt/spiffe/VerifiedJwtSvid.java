package dev.zt.spiffe;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A JWT-SVID that {@link JwtSvidVerifier} accepted: only the verifier creates one. It holds the claims, never the
 * token string.
 *
 * @since 0.1
 */
public final class VerifiedJwtSvid {

  private final SpiffeId spiffeId;
  private final List<String> audience;
  private final Instant expiresAt;
  private final String algorithm;
  private final String keyId;
  private final Map<String, Object> claims;

  VerifiedJwtSvid(SpiffeId spiffeId, List<String> audience, Instant expiresAt, String algorithm, String keyId,
      Map<String, Object> claims) {
    this.spiffeId = spiffeId;
    this.audience = List.copyOf(audience);
    this.expiresAt = expiresAt;
    this.algorithm = algorithm;
    this.keyId = keyId;
    this.claims = claims;
  }

  /** The subject's SPIFFE ID ({@code sub}). */
  public SpiffeId spiffeId() {
    return spiffeId;
  }

  /** The token's audiences ({@code aud}). */
  public List<String> audience() {
    return audience;
  }

  /** {@code exp}. */
  public Instant expiresAt() {
    return expiresAt;
  }

  /** The JWS algorithm it was signed with. */
  public String algorithm() {
    return algorithm;
  }

  /** The {@code kid} of the authority that signed it. */
  public String keyId() {
    return keyId;
  }

  /** All claims, unmodifiable. */
  public Map<String, Object> claims() {
    return claims;
  }

  @Override
  public String toString() {
    return "VerifiedJwtSvid[" + spiffeId + ", aud=" + audience + ", exp=" + expiresAt + "]";
  }
}
