package dev.zt.core.credential;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Builds {@link VerifiedJwt}s for zt-core's own tests in other packages (the constructor is package-private). */
public final class TestCredentials {

  private TestCredentials() {}

  /** A verified token with exactly these parts, as {@link JwtVerifier} would build it. */
  public static VerifiedJwt jwt(String algorithm, Optional<String> keyId, Map<String, Object> claims, String issuer,
      Optional<String> subject, List<String> audience, Instant expiresAt, Instant issuedAt,
      Optional<Instant> notBefore, Optional<String> jwtId, Optional<String> clientId, Set<String> scopes) {
    return new VerifiedJwt(algorithm, keyId, claims, issuer, subject, audience, expiresAt, issuedAt, notBefore, jwtId,
        clientId, scopes);
  }

  /** A verified token whose {@code iat} may be absent ({@code BearerJwt.Builder#allowMissingIssuedAt()}). */
  public static VerifiedJwt jwt(String algorithm, Optional<String> keyId, Map<String, Object> claims, String issuer,
      Optional<String> subject, List<String> audience, Instant expiresAt, Optional<Instant> issuedAt,
      Optional<Instant> notBefore, Optional<String> jwtId, Optional<String> clientId, Set<String> scopes) {
    return new VerifiedJwt(algorithm, keyId, claims, issuer, subject, audience, expiresAt, issuedAt, notBefore, jwtId,
        clientId, scopes, SenderBinding.NONE);
  }
}
