package dev.zt.core.credential;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A credential zt has verified, of whatever kind: a JWT access token ({@link VerifiedJwt}, RFC 9068) or a token the
 * issuer's introspection endpoint vouched for ({@link IntrospectedToken}, RFC 7662); next a workload credential. Sealed, and only zt's verifiers construct the
 * permitted types, so code that accepts a {@code VerifiedCredential} (the {@code Caller}, the countermeasures, the
 * trust signals) cannot be handed an unverified token, and a {@code switch} over the kinds is checked for
 * completeness by the compiler when a kind is added.
 *
 * <p>Never holds the raw token: {@code toString()} shows the issuer, subject and {@code jti} only.
 *
 * @since 0.2
 */
public sealed interface VerifiedCredential permits VerifiedJwt, IntrospectedToken {

  /**
   * The issuer that vouched for the credential ({@code iss}), exactly as configured; for a multi-tenant issuer
   * ({@link BearerJwt#multiTenant(String)}), the issuer of the token's tenant.
   */
  String issuer();

  /** {@code sub}, when present. */
  Optional<String> subject();

  /** The OAuth client it was issued to ({@code client_id}, else {@code azp}), when present. */
  Optional<String> clientId();

  /** {@code jti}, when present: the key one credential is suspended by. */
  Optional<String> tokenId();

  /** The audiences ({@code aud}). */
  List<String> audience();

  /** When it expires ({@code exp}). */
  Instant expiresAt();

  /** When it was issued ({@code iat}); empty when the issuer gave none and that was allowed. */
  Optional<Instant> issuedAt();

  /** Granted scopes. */
  Set<String> scopes();

  /** Every claim, as verified. */
  Map<String, Object> claims();

  /** A claim by a dotted path into nested objects ({@code realm_access.roles}). */
  Optional<Object> claimAtPath(String dottedPath);

  /**
   * Whether the credential is sender-constrained — bound by {@code cnf} to a DPoP key (RFC 9449) or a client
   * certificate (RFC 8705) — so that zt admitted it only with the proof of possession its binding asks for.
   *
   * @since 0.2
   */
  boolean isSenderConstrained();
}
