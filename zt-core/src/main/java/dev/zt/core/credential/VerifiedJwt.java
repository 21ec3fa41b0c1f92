package dev.zt.core.credential;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A JWT whose signature, header and claims zt has verified. Only zt's verifier constructs one (the constructor is
 * package-private), so code that accepts a {@code VerifiedJwt} cannot be handed an unverified token by accident.
 *
 * <p>It never holds the raw token string: {@link #toString()} shows the issuer, subject and {@code jti} only.
 *
 * @since 0.1
 */
public final class VerifiedJwt implements VerifiedCredential {

  private final String algorithm;
  private final Optional<String> keyId;
  private final Map<String, Object> claims;
  private final String issuer;
  private final Optional<String> subject;
  private final List<String> audience;
  private final Instant expiresAt;
  private final Optional<Instant> issuedAt;
  private final Optional<Instant> notBefore;
  private final Optional<String> tokenId;
  private final Optional<String> clientId;
  private final Set<String> scopes;
  // cnf (RFC 7800): the certificate (x5t#S256, RFC 8705 §3.1) and/or DPoP key (jkt, RFC 9449 §6.1) it is bound to
  private final SenderBinding binding;

  /** An unbound token that carried {@code iat} (zt's tests build callers with it). */
  VerifiedJwt(String algorithm, Optional<String> keyId, Map<String, Object> claims, String issuer,
      Optional<String> subject, List<String> audience, Instant expiresAt, Instant issuedAt,
      Optional<Instant> notBefore, Optional<String> tokenId, Optional<String> clientId, Set<String> scopes) {
    this(algorithm, keyId, claims, issuer, subject, audience, expiresAt, Optional.of(issuedAt), notBefore, tokenId,
        clientId, scopes, SenderBinding.NONE);
  }

  VerifiedJwt(
      String algorithm,
      Optional<String> keyId,
      Map<String, Object> claims,
      String issuer,
      Optional<String> subject,
      List<String> audience,
      Instant expiresAt,
      Optional<Instant> issuedAt,
      Optional<Instant> notBefore,
      Optional<String> tokenId,
      Optional<String> clientId,
      Set<String> scopes,
      SenderBinding binding) {
    this.algorithm = algorithm;
    this.keyId = keyId;
    this.claims = claims;
    this.issuer = issuer;
    this.subject = subject;
    this.audience = audience;
    this.expiresAt = expiresAt;
    this.issuedAt = issuedAt;
    this.notBefore = notBefore;
    this.tokenId = tokenId;
    this.clientId = clientId;
    this.scopes = scopes;
    this.binding = java.util.Objects.requireNonNull(binding, "binding");
  }

  /** The JWS algorithm the signature was verified with. */
  public String algorithm() {
    return algorithm;
  }

  /** The {@code kid} of the verifying key, if the header named one. */
  public Optional<String> keyId() {
    return keyId;
  }

  /** Every claim, as parsed from JSON (strings, numbers, booleans, lists, maps), unmodifiable. */
  public Map<String, Object> claims() {
    return claims;
  }

  /** A top-level claim. */
  public Optional<Object> claim(String name) {
    return Optional.ofNullable(claims.get(name));
  }

  /**
   * A claim by dotted path through nested objects, e.g. {@code realm_access.roles}. A path whose intermediate
   * value is not an object yields empty.
   */
  public Optional<Object> claimAtPath(String dottedPath) {
    Object current = claims;
    for (String part : dottedPath.split("\\.", -1)) {
      if (!(current instanceof Map<?, ?> map)) {
        return Optional.empty();
      }
      current = map.get(part);
      if (current == null) {
        return Optional.empty();
      }
    }
    return Optional.of(current);
  }

  public String issuer() {
    return issuer;
  }

  public Optional<String> subject() {
    return subject;
  }

  public List<String> audience() {
    return audience;
  }

  public Instant expiresAt() {
    return expiresAt;
  }

  /**
   * {@code iat}, when the token carried it. Absent only under {@link BearerJwt.Builder#allowMissingIssuedAt()}; zt
   * never makes one up: such a token counts as issued before any revocation, and rules on a token's age refuse it.
   */
  public Optional<Instant> issuedAt() {
    return issuedAt;
  }

  /** Whether the token is bound to a client certificate ({@code cnf.x5t#S256}, RFC 8705 §3.1). */
  public boolean isCertificateBound() {
    return binding.certificateThumbprintOrNull() != null;
  }

  /**
   * Whether the token is bound to a DPoP key ({@code cnf.jkt}, RFC 9449 §6.1): zt admitted it only with a valid proof
   * of possession of that key on this request.
   *
   * @since 0.2
   */
  public boolean isDpopBound() {
    return binding.keyThumbprintOrNull() != null;
  }

  /**
   * Whether the token is sender-constrained — bound to a DPoP key or a client certificate — so that zt admitted it only
   * with the proof of possession its binding asks for (a stolen copy alone is useless).
   *
   * @since 0.2
   */
  public boolean isSenderConstrained() {
    return binding.isBound();
  }

  /** The bound certificate's SHA-256 thumbprint (not a copy: zt's own code only), or {@code null}. */
  byte[] certificateThumbprintOrNull() {
    return binding.certificateThumbprintOrNull();
  }

  /** What {@code cnf} binds the token to. */
  SenderBinding binding() {
    return binding;
  }

  public Optional<Instant> notBefore() {
    return notBefore;
  }

  /** {@code jti}: the handle suspensions and the audit log use for one token. */
  public Optional<String> tokenId() {
    return tokenId;
  }

  /** {@code client_id} (RFC 9068), else {@code azp}. */
  public Optional<String> clientId() {
    return clientId;
  }

  /** The granted scopes, from {@code scope} (space-separated) or {@code scp} (string or array). */
  public Set<String> scopes() {
    return scopes;
  }

  @Override
  public String toString() {
    return "VerifiedJwt[iss=" + issuer + ", sub=" + subject.orElse("-") + ", jti=" + tokenId.orElse("-") + "]";
  }
}
