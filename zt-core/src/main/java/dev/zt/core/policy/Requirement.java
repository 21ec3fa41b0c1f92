package dev.zt.core.policy;

import dev.zt.core.internal.pipeline.CoreAccess;
import dev.zt.core.Caller;
import dev.zt.core.DenyReason;
import dev.zt.core.credential.PeerVerifier;
import dev.zt.core.internal.OrderedNames;
import dev.zt.core.internal.pipeline.Step;
import dev.zt.core.trust.TrustLevel;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What a route demands of its caller. Every requirement except {@link #permitAll()} demands an authenticated
 * caller; those about tokens ({@link #authenticated()}, scopes, roles, claims) demand an access token, so a workload
 * caller passes only {@link #workload(String...)} and {@link #authenticatedOrWorkload()}. Combine them with
 * {@link #and(Requirement)}.
 *
 * @since 0.1
 */
public sealed interface Requirement {

  /** Public: no credential needed. A credential that is presented anyway must still be valid. */
  static Requirement permitAll() {
    return PermitAll.INSTANCE;
  }

  /**
   * A caller with a verified access token: a user or an OAuth client. A workload authenticated only by its mTLS peer
   * chain or a JWT-SVID ({@link Caller#workload()} without {@link Caller#credential()}) does not pass: it is refused as
   * {@link DenyReason#CREDENTIAL_MISSING} (401), since the access token the route asks for is missing — as by every
   * token requirement (scopes, roles, claims, {@link #senderConstrained()}), never as a scope or role it lacks. Routes
   * open to both say so with {@link #authenticatedOrWorkload()}.
   */
  static Requirement authenticated() {
    return Authenticated.INSTANCE;
  }

  /**
   * Any authenticated caller: one with a verified access token, or a workload verified by its mTLS peer chain or a
   * JWT-SVID. Prefer {@link #authenticated()} or {@link #workload(String...)}, which say which kind of caller a route
   * is for; this one admits every workload of every trusted domain.
   *
   * @since 0.1
   */
  static Requirement authenticatedOrWorkload() {
    return AuthenticatedOrWorkload.INSTANCE;
  }

  /** Every one of {@code scopes} must be granted. */
  static Requirement allScopes(String... scopes) {
    return new Scopes(nonEmpty("scopes", scopes), true);
  }

  /** At least one of {@code scopes} must be granted. */
  static Requirement anyScope(String... scopes) {
    return new Scopes(nonEmpty("scopes", scopes), false);
  }

  /** Every one of {@code roles} must be held (read from the enforcer's roles claim). */
  static Requirement allRoles(String... roles) {
    return new Roles(nonEmpty("roles", roles), true);
  }

  /** At least one of {@code roles} must be held. */
  static Requirement anyRole(String... roles) {
    return new Roles(nonEmpty("roles", roles), false);
  }

  /**
   * The claim at {@code dottedPath} (e.g. {@code tenant} or {@code org.id}) must equal {@code expected}, or, when
   * it is an array, contain it. Strings, numbers and booleans compare by their JSON value.
   */
  static Requirement claimEquals(String dottedPath, Object expected) {
    Objects.requireNonNull(dottedPath, "dottedPath");
    Objects.requireNonNull(expected, "expected");
    if (!(expected instanceof String || expected instanceof Number || expected instanceof Boolean)) {
      throw new IllegalArgumentException("claim condition value must be a string, number or boolean");
    }
    if ((expected instanceof Double d && !Double.isFinite(d)) || (expected instanceof Float f && !Float.isFinite(f))) {
      throw new IllegalArgumentException("claim condition value must be a finite number");
    }
    return new ClaimEquals(dottedPath, expected);
  }

  /**
   * The request's trust must be at least {@code level}, else it is refused (403); add
   * {@link TrustFloor#orStepUp} to ask for stronger authentication instead (401, RFC 9470). Combine it with the
   * route's other requirements: {@code allScopes("orders:read").and(minimumTrust(MEDIUM).orStepUp(…))}.
   */
  static TrustFloor minimumTrust(TrustLevel level) {
    return new TrustFloor(Objects.requireNonNull(level, "level"), false, Optional.empty(), Optional.empty());
  }

  /**
   * The caller's workload — the ID its mTLS peer chain verified as (see {@link PeerVerifier}) — must match one of
   * {@code patterns}: an exact ID ({@code spiffe://example.org/ns/shop/sa/checkout}), a whole trust domain
   * ({@code spiffe://example.org}), {@code *} for exactly one path segment
   * ({@code spiffe://example.org/ns/shop/sa/*}) or a final {@code **} for one or more segments below
   * ({@code spiffe://example.org/ns/ops/**}). Matching is exact and case-sensitive: the verifier hands over canonical
   * IDs. No workload, or none that matches, is {@link DenyReason#WORKLOAD_FORBIDDEN} (403). Combine it with a bearer
   * requirement through {@link #and(Requirement)} to demand both.
   *
   * @throws IllegalArgumentException naming the pattern when one is malformed
   * @since 0.1
   */
  static Requirement workload(String... patterns) {
    if (patterns.length == 0) {
      throw new IllegalArgumentException("at least one workload pattern is required");
    }
    List<WorkloadPattern> parsed = new ArrayList<>();
    for (String p : patterns) {
      parsed.add(WorkloadPattern.parse(p));
    }
    return new Workload(List.copyOf(parsed));
  }

  /**
   * The caller's access token must be sender-constrained (RFC 9449 DPoP {@code cnf.jkt}, or RFC 8705 certificate-bound
   * {@code cnf.x5t#S256}) — zt admits such a token only with the proof of possession its binding asks for, so a copy
   * of it is useless without the key. A plain bearer token is refused
   * ({@link DenyReason#TOKEN_NOT_SENDER_CONSTRAINED}, 401 with a {@code DPoP} challenge and no {@code Bearer} one); no
   * token is {@link DenyReason#CREDENTIAL_MISSING}. Combine it: {@code allScopes("orders:read").and(senderConstrained())}.
   *
   * @since 0.2
   */
  static Requirement senderConstrained() {
    return SenderConstrained.INSTANCE;
  }

  /**
   * Whether this requirement asks for a sender-constrained token ({@link #senderConstrained()}) among its parts.
   *
   * @since 0.2
   */
  default boolean requiresSenderConstraint() {
    if (this instanceof SenderConstrained) {
      return true;
    }
    if (this instanceof AllOf all) {
      for (Requirement r : all.parts()) {
        if (r instanceof SenderConstrained) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * The scopes this requirement names (of {@link #allScopes} and {@link #anyScope} parts), in order: what the RFC 9728
   * metadata lists as {@code scopes_supported}.
   *
   * @since 0.2
   */
  default Set<String> scopesNamed() {
    Set<String> out = new LinkedHashSet<>();
    for (Requirement r : this instanceof AllOf all ? all.parts() : List.of(this)) {
      if (r instanceof Scopes s) {
        out.addAll(s.scopes());
      }
    }
    return out;
  }

  /** The trust floor among this requirement's parts, if any ({@code null} when none). */
  default TrustFloor trustFloor() {
    if (this instanceof TrustFloor f) {
      return f;
    }
    if (this instanceof AllOf all) {
      for (Requirement r : all.parts()) {
        if (r instanceof TrustFloor f) {
          return f;
        }
      }
    }
    return null;
  }

  /** Both this and {@code other} must hold. */
  default Requirement and(Requirement other) {
    Objects.requireNonNull(other, "other");
    if (this instanceof PermitAll || other instanceof PermitAll) {
      throw new IllegalArgumentException("permitAll() cannot be combined with other requirements");
    }
    List<Requirement> parts = new ArrayList<>();
    for (Requirement r : List.of(this, other)) {
      if (r instanceof AllOf all) {
        parts.addAll(all.parts());
      } else {
        parts.add(r);
      }
    }
    return new AllOf(List.copyOf(parts));
  }

  /** Whether a caller without a credential may pass. */
  default boolean isPublic() {
    return this instanceof PermitAll;
  }

  /**
   * Whether {@code caller} meets this requirement: anyone when it is public, else an authenticated caller that holds
   * what it asks for.
   *
   * @since 0.2
   */
  default boolean admits(Caller caller) {
    return isPublic() || (caller.isAuthenticated() && check(caller).isEmpty());
  }

  /** @return empty when satisfied, else the denial */
  Optional<Step.Stop> check(Caller caller);

  private static Set<String> nonEmpty(String what, String... values) {
    if (values.length == 0) {
      throw new IllegalArgumentException("at least one of " + what + " is required");
    }
    Set<String> set = new LinkedHashSet<>();
    for (String v : values) {
      if (v == null || v.isBlank() || v.chars().anyMatch(c -> c <= 0x20 || c == '"' || c == '\\' || c >= 0x7f)) {
        throw new IllegalArgumentException(what + " must be non-blank printable ASCII without spaces or quotes: " + v);
      }
      set.add(v);
    }
    return java.util.Collections.unmodifiableSet(set);
  }

  /** See {@link #permitAll()}. */
  enum PermitAll implements Requirement {
    INSTANCE;

    @Override
    public Optional<Step.Stop> check(Caller caller) {
      return Optional.empty();
    }

    @Override
    public String toString() {
      return "permitAll";
    }
  }

  /** See {@link #authenticated()}. */
  enum Authenticated implements Requirement {
    INSTANCE;

    private static final Optional<Step.Stop> NO_TOKEN =
        Optional.of(new Step.Stop(DenyReason.CREDENTIAL_MISSING, List.of()));

    @Override
    public Optional<Step.Stop> check(Caller caller) {
      return caller.credential().isPresent() ? Optional.empty() : NO_TOKEN;
    }

    @Override
    public String toString() {
      return "authenticated";
    }
  }

  /** See {@link #authenticatedOrWorkload()}. */
  enum AuthenticatedOrWorkload implements Requirement {
    INSTANCE;

    @Override
    public Optional<Step.Stop> check(Caller caller) {
      return Optional.empty(); // the policy gate refused anonymous callers already
    }

    @Override
    public String toString() {
      return "authenticatedOrWorkload";
    }
  }

  /** See {@link #allScopes(String...)} and {@link #anyScope(String...)}. */
  record Scopes(Set<String> scopes, boolean all) implements Requirement {
    public Scopes {
      scopes = OrderedNames.copyOf(scopes); // immutable, ordered, checked by index on every request
    }

    @Override
    public Optional<Step.Stop> check(Caller caller) {
      if (caller.credential().isEmpty()) { // a workload without an access token: the token is missing, not a scope
        return Authenticated.NO_TOKEN;
      }
      Set<String> granted = caller.scopes();
      OrderedNames wanted = (OrderedNames) scopes;
      boolean ok = all ? wanted.allIn(granted) : wanted.anyIn(granted);
      return ok ? Optional.empty()
          : Optional.of(new Step.Stop(DenyReason.INSUFFICIENT_SCOPE, List.copyOf(scopes)));
    }
  }

  /** See {@link #allRoles(String...)} and {@link #anyRole(String...)}. */
  record Roles(Set<String> roles, boolean all) implements Requirement {
    public Roles {
      roles = OrderedNames.copyOf(roles);
    }

    @Override
    public Optional<Step.Stop> check(Caller caller) {
      if (caller.credential().isEmpty()) { // roles come from an access token's claims
        return Authenticated.NO_TOKEN;
      }
      Set<String> held = caller.roles();
      OrderedNames wanted = (OrderedNames) roles;
      boolean ok = all ? wanted.allIn(held) : wanted.anyIn(held);
      return ok ? Optional.empty() : Optional.of(new Step.Stop(DenyReason.INSUFFICIENT_ROLE, List.of()));
    }
  }

  /** See {@link #claimEquals(String, Object)}. */
  record ClaimEquals(String path, Object expected) implements Requirement {
    @Override
    public Optional<Step.Stop> check(Caller caller) {
      if (caller.credential().isEmpty()) { // claims are an access token's
        return Authenticated.NO_TOKEN;
      }
      Optional<Object> value = caller.credential().flatMap(t -> t.claimAtPath(path));
      boolean ok = value.map(this::matches).orElse(false);
      return ok ? Optional.empty() : Optional.of(new Step.Stop(DenyReason.CLAIM_CONDITION_FAILED, List.of()));
    }

    private boolean matches(Object v) {
      if (v instanceof Collection<?> c) {
        return c.stream().anyMatch(this::sameJsonValue);
      }
      return !(v instanceof Map) && sameJsonValue(v);
    }

    private boolean sameJsonValue(Object v) {
      if (expected instanceof Number e && v instanceof Number n) {
        return new java.math.BigDecimal(e.toString()).compareTo(new java.math.BigDecimal(n.toString())) == 0;
      }
      return expected.equals(v);
    }
  }

  /**
   * See {@link #minimumTrust(TrustLevel)}. Enforced by the trust gate, before the policy gate checks the rest.
   *
   * @param level the least level accepted
   * @param stepUp whether a lower level is answered with a step-up challenge rather than a refusal
   * @param acrValues the {@code acr_values} to ask for (RFC 9470 §3)
   * @param maxAge the {@code max_age} to ask for (RFC 9470 §3)
   */
  record TrustFloor(TrustLevel level, boolean stepUp, Optional<String> acrValues, Optional<java.time.Duration> maxAge)
      implements Requirement {

    /** Below the floor, ask for authentication with {@code acrValues} (space-separated) within {@code maxAge}. */
    public TrustFloor orStepUp(String acrValues, java.time.Duration maxAge) {
      if (acrValues.isBlank() || acrValues.chars().anyMatch(c -> c < 0x20 || c == '"' || c == '\\' || c >= 0x7f)) {
        throw new IllegalArgumentException("acr_values must be printable ASCII without quotes");
      }
      if (maxAge.isNegative()) {
        throw new IllegalArgumentException("max_age must not be negative");
      }
      return new TrustFloor(level, true, Optional.of(acrValues), Optional.of(maxAge));
    }

    @Override
    public Optional<Step.Stop> check(Caller caller) {
      return Optional.empty(); // the trust gate enforced it
    }
  }

  /** See {@link #workload(String...)}. */
  record Workload(List<WorkloadPattern> patterns) implements Requirement {
    @Override
    public Optional<Step.Stop> check(Caller caller) {
      String id = CoreAccess.callers().workloadOrNull(caller);
      if (id != null) {
        for (WorkloadPattern p : patterns) {
          if (p.matches(id)) {
            return Optional.empty();
          }
        }
      }
      return Optional.of(new Step.Stop(DenyReason.WORKLOAD_FORBIDDEN, List.of()));
    }

    @Override
    public String toString() {
      return "workload" + patterns;
    }
  }

  /** See {@link #senderConstrained()}. */
  enum SenderConstrained implements Requirement {
    INSTANCE;

    @Override
    public Optional<Step.Stop> check(Caller caller) {
      Optional<dev.zt.core.credential.VerifiedCredential> token = caller.credential();
      if (token.isEmpty()) {
        return Optional.of(new Step.Stop(DenyReason.CREDENTIAL_MISSING, List.of()));
      }
      return token.get().isSenderConstrained() ? Optional.empty()
          : Optional.of(new Step.Stop(DenyReason.TOKEN_NOT_SENDER_CONSTRAINED, List.of()));
    }

    @Override
    public String toString() {
      return "senderConstrained";
    }
  }

  /** See {@link #and(Requirement)}. Parts are checked in order; the first failing one decides. */
  record AllOf(List<Requirement> parts) implements Requirement {
    @Override
    public Optional<Step.Stop> check(Caller caller) {
      for (Requirement r : parts) {
        Optional<Step.Stop> stop = r.check(caller);
        if (stop.isPresent()) {
          return stop;
        }
      }
      return Optional.empty();
    }
  }
}
