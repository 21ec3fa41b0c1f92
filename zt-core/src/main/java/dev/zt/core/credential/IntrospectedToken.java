package dev.zt.core.credential;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A token the issuer's introspection endpoint (RFC 7662 §2.2) answered {@code active: true} for, and that then passed
 * zt's own rules: {@code exp} required and in the future, {@code iss} (when given) the configured issuer, the
 * configured audience in {@code aud}, an access-token {@code token_type}, and the sender constraint its {@code cnf} names
 * checked on the request. Only zt's introspection client constructs one (the constructor is package-private).
 *
 * <p>It never holds the raw token: {@link #toString()} shows the issuer, subject and {@code jti} only, and the cache
 * behind it is keyed by the token's SHA-256.
 *
 * @since 0.3
 */
public final class IntrospectedToken implements VerifiedCredential {

  private final String issuer;
  private final Map<String, Object> claims;
  private final Optional<String> subject;
  private final Optional<String> clientId;
  private final Optional<String> tokenId;
  private final Optional<String> username;
  private final Optional<String> tokenType;
  private final List<String> audience;
  private final Instant expiresAt;
  private final Optional<Instant> issuedAt;
  private final Set<String> scopes;
  private final Optional<Map<String, Object>> confirmation;
  private final SenderBinding binding;

  IntrospectedToken(String issuer, Map<String, Object> claims, Optional<String> subject, Optional<String> clientId,
      Optional<String> tokenId, Optional<String> username, Optional<String> tokenType, List<String> audience,
      Instant expiresAt, Optional<Instant> issuedAt, Set<String> scopes, Optional<Map<String, Object>> confirmation,
      SenderBinding binding) {
    this.issuer = issuer;
    this.claims = claims;
    this.subject = subject;
    this.clientId = clientId;
    this.tokenId = tokenId;
    this.username = username;
    this.tokenType = tokenType;
    this.audience = audience;
    this.expiresAt = expiresAt;
    this.issuedAt = issuedAt;
    this.scopes = scopes;
    this.confirmation = confirmation;
    this.binding = binding;
  }

  /** The configured issuer whose introspection endpoint vouched for the token (its {@code iss}, when it sent one). */
  @Override
  public String issuer() {
    return issuer;
  }

  @Override
  public Optional<String> subject() {
    return subject;
  }

  /** {@code client_id} of the introspection answer. */
  @Override
  public Optional<String> clientId() {
    return clientId;
  }

  @Override
  public Optional<String> tokenId() {
    return tokenId;
  }

  /** {@code username}: a human-readable identifier of the resource owner (RFC 7662 §2.2), when given. */
  public Optional<String> username() {
    return username;
  }

  /** {@code token_type} as the endpoint gave it (an access-token type: others are refused), when given. */
  public Optional<String> tokenType() {
    return tokenType;
  }

  @Override
  public List<String> audience() {
    return audience;
  }

  @Override
  public Instant expiresAt() {
    return expiresAt;
  }

  @Override
  public Optional<Instant> issuedAt() {
    return issuedAt;
  }

  /** The scopes of the answer's {@code scope} (space-separated, RFC 7662 §2.2). */
  @Override
  public Set<String> scopes() {
    return scopes;
  }

  /**
   * The answer's {@code cnf} member (RFC 7800, RFC 8705 §3.2, RFC 9449 §6.2), when given. zt checked the binding it
   * names on the request that admitted the token, as for a JWT: {@code x5t#S256} against the client certificate,
   * {@code jkt} against the request's DPoP proof; a {@code cnf} naming only methods zt does not check is refused.
   */
  public Optional<Map<String, Object>> confirmation() {
    return confirmation;
  }

  /**
   * Whether the answer bound the token ({@code cnf.jkt} or {@code cnf.x5t#S256}), so that zt admitted it only with
   * the DPoP proof or client certificate its binding asks for.
   *
   * @since 0.2
   */
  @Override
  public boolean isSenderConstrained() {
    return binding.isBound();
  }

  /** What {@code cnf} binds the token to. */
  SenderBinding binding() {
    return binding;
  }

  /** Every member of the introspection answer except {@code active}, unmodifiable. */
  @Override
  public Map<String, Object> claims() {
    return claims;
  }

  @Override
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

  @Override
  public String toString() {
    return "IntrospectedToken[iss=" + issuer + ", sub=" + subject.orElse("-") + ", jti=" + tokenId.orElse("-") + "]";
  }
}
