package dev.zt.core;

import java.security.Principal;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Who made a request, as established by zt's gates: an authenticated principal backed by a verified token, or the
 * anonymous caller of a public route. Only zt constructs callers.
 *
 * @since 0.1
 */
public final class Caller implements Principal {

  private static final Caller ANONYMOUS = new Caller(null, Set.of());

  private final VerifiedJwt token;
  private final Set<String> roles;
  private final String identityKey; // "sub:…" / "client:…", or null when anonymous: built once per validated token

  Caller(VerifiedJwt token, Set<String> roles) {
    this.token = token;
    this.roles = Set.copyOf(roles);
    this.identityKey = token == null ? null
        : token.subject().map(s -> "sub:" + s).or(() -> token.clientId().map(c -> "client:" + c)).orElse(null);
  }

  /** The rate-limit and response key of an authenticated caller, or {@code null}. */
  String identityKey() {
    return identityKey;
  }

  /** The caller of a public route that presented no credential. */
  public static Caller anonymous() {
    return ANONYMOUS;
  }

  /** Whether a credential was presented and verified. */
  public boolean isAuthenticated() {
    return token != null;
  }

  /** The verified access token, when authenticated by one. */
  public Optional<VerifiedJwt> token() {
    return Optional.ofNullable(token);
  }

  /** {@code sub}, when present. */
  public Optional<String> subject() {
    return token == null ? Optional.empty() : token.subject();
  }

  /** The OAuth client the token was issued to. */
  public Optional<String> clientId() {
    return token == null ? Optional.empty() : token.clientId();
  }

  /** Granted scopes (empty when anonymous). */
  public Set<String> scopes() {
    return token == null ? Set.of() : token.scopes();
  }

  /** Roles read from the configured roles claim (empty when anonymous). */
  public Set<String> roles() {
    return roles;
  }

  /** Whether the caller holds {@code role}. */
  public boolean hasRole(String role) {
    return roles.contains(role);
  }

  /** Whether the caller was granted {@code scope}. */
  public boolean hasScope(String scope) {
    return scopes().contains(scope);
  }

  /** The subject, else the client id, else {@code anonymous}. */
  @Override
  public String getName() {
    return subject().or(this::clientId).orElse("anonymous");
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Caller c && Objects.equals(c.token, token) && c.roles.equals(roles);
  }

  @Override
  public int hashCode() {
    return Objects.hash(token, roles);
  }

  @Override
  public String toString() {
    return isAuthenticated() ? "Caller[" + getName() + "]" : "Caller[anonymous]";
  }
}
