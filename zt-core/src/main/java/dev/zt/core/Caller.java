package dev.zt.core;

import dev.zt.core.credential.BearerJwt;
import dev.zt.core.credential.PeerVerifier;
import dev.zt.core.credential.VerifiedCredential;
import dev.zt.core.credential.VerifiedJwt;
import dev.zt.core.internal.pipeline.CoreAccess;
import dev.zt.core.internal.pipeline.Identities;

import java.security.Principal;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Who made a request, as established by zt's gates: a principal backed by a verified token, a workload identified by
 * its verified mTLS peer chain (see {@link PeerVerifier}), both, or the anonymous caller of a public route. Immutable;
 * only zt constructs callers.
 *
 * @since 0.1
 */
public final class Caller implements Principal {

  private static final Caller ANONYMOUS = new Caller(null, Set.of());

  static {
    CoreAccess.callers(new CoreAccess.Callers() {
      @Override
      public Caller caller(VerifiedCredential credential, Set<String> roles, String identityQualifier) {
        return new Caller(Objects.requireNonNull(credential, "credential"), roles, null, identityQualifier);
      }

      @Override
      public Caller workload(String workloadId) {
        return Caller.workload(workloadId);
      }

      @Override
      public Caller withWorkload(Caller caller, String workloadId) {
        return caller.withWorkload(workloadId);
      }

      @Override
      public String identityKey(Caller caller) {
        return caller.identityKey;
      }

      @Override
      public String workloadOrNull(Caller caller) {
        return caller.workload;
      }

      @Override
      public Identities.State stateHint(Caller caller) {
        return caller.stateHint;
      }

      @Override
      public void stateHint(Caller caller, Identities.State state) {
        caller.stateHint(state);
      }
    });
  }

  private final VerifiedCredential token;
  private final Optional<VerifiedCredential> credentialView; // handed out on every request: built once, not per call
  private final Optional<VerifiedJwt> tokenView;
  private final String identityQualifier; // null, or the issuer that makes the identity key unique
  private final Set<String> roles;
  private final String workload;
  // "sub:…" / "client:…" / "workload:…", or null when anonymous: built once per validated token
  private final String identityKey;
  /**
   * Where the per-identity state of this caller was last found ({@link Identities}), so that requests with the same
   * validated token skip the cache lookup. A hint, not state: it is checked on every use (same owner, not evicted)
   * and refreshed through the cache at least once a second. The only field that changes; never part of equality,
   * printing or any answer.
   */
  private volatile Identities.State stateHint;
  /**
   * This caller's last plain allow and its completed stage ({@link AllowedStage}), shared by its requests under the
   * same rule so they allocate neither. A memo of a value: never part of equality, printing or any answer.
   */
  volatile AllowedStage allowed;

  private Caller(VerifiedCredential token, Set<String> roles) {
    this(token, roles, null, null);
  }

  /**
   * @param identityQualifier {@code null} for the first configured issuer (identity keys as before 0.2), else the
   *     issuer's name, so the same {@code sub} from two issuers is two identities (two rate buckets, two baselines)
   */
  private Caller(VerifiedCredential token, Set<String> roles, String workload, String identityQualifier) {
    this.token = token;
    this.credentialView = Optional.ofNullable(token);
    this.tokenView = token instanceof VerifiedJwt jwt ? Optional.of(jwt) : Optional.empty();
    this.roles = Set.copyOf(roles);
    this.workload = workload;
    this.identityQualifier = identityQualifier;
    String qualifier = identityQualifier == null ? "" : " iss:" + identityQualifier;
    String key = token == null ? null
        : token.subject().map(s -> "sub:" + s + qualifier)
            .or(() -> token.clientId().map(c -> "client:" + c + qualifier)).orElse(null);
    this.identityKey = key == null && workload != null ? "workload:" + workload : key;
  }

  /** A caller authenticated by its mTLS peer chain only. */
  private static Caller workload(String workloadId) {
    return new Caller(null, Set.of(), Objects.requireNonNull(workloadId, "workloadId"), null);
  }

  /** This caller, also identified as {@code workloadId}'s peer ({@code this} when none). */
  private Caller withWorkload(String workloadId) {
    return workloadId == null ? this : new Caller(token, roles, workloadId, identityQualifier);
  }

  private void stateHint(Identities.State state) {
    if (this != ANONYMOUS) {
      this.stateHint = state;
    }
  }

  /** The caller of a public route that presented no credential. */
  public static Caller anonymous() {
    return ANONYMOUS;
  }

  /** Whether a credential was presented and verified: a bearer token, an mTLS peer chain, or both. */
  public boolean isAuthenticated() {
    return token != null || workload != null;
  }

  /**
   * The workload ID of the mTLS peer, when its chain verified (for SPIFFE, the X.509-SVID's {@code spiffe://} ID).
   *
   * @since 0.1
   */
  public Optional<String> workload() {
    return Optional.ofNullable(workload);
  }

  /**
   * The verified credential, when authenticated by one (of whatever kind: see {@link VerifiedCredential}).
   *
   * @since 0.2
   */
  public Optional<VerifiedCredential> credential() {
    return credentialView;
  }

  /** The verified JWT access token, when authenticated by one (for other credentials see {@link #credential()}). */
  public Optional<VerifiedJwt> token() {
    return tokenView;
  }

  /** {@code sub}, when present. */
  public Optional<String> subject() {
    return token == null ? Optional.empty() : token.subject();
  }

  /** The OAuth client the token was issued to. */
  public Optional<String> clientId() {
    return token == null ? Optional.empty() : token.clientId();
  }

  /**
   * When the token was issued ({@code iat}); empty when anonymous, a workload without a token, or a token that
   * carried no {@code iat} (accepted only under {@link BearerJwt.Builder#allowMissingIssuedAt()}: never made up).
   *
   * @since 0.1
   */
  public java.util.Optional<java.time.Instant> issuedAt() {
    return token == null ? Optional.empty() : token.issuedAt();
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

  /** The subject, else the client id, else the workload ID, else {@code anonymous}. */
  @Override
  public String getName() {
    // applications call this on every request: no lambdas, no Optional chain
    if (token != null) {
      Optional<String> s = token.subject();
      if (s.isPresent()) {
        return s.get();
      }
      Optional<String> c = token.clientId();
      if (c.isPresent()) {
        return c.get();
      }
    }
    return workload != null ? workload : "anonymous";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Caller c && Objects.equals(c.token, token) && c.roles.equals(roles)
        && Objects.equals(c.workload, workload);
  }

  @Override
  public int hashCode() {
    return Objects.hash(token, roles, workload);
  }

  @Override
  public String toString() {
    return isAuthenticated() ? "Caller[" + getName() + "]" : "Caller[anonymous]";
  }
}
