package dev.zt.core.authz;

import dev.zt.core.Caller;
import dev.zt.core.policy.Requirement;

import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;

/**
 * When an {@link ObjectRule} applies: a test of the caller against the resource. Conditions compare what zt verified
 * (the caller's token claims, roles, scopes, workload) with what the application says about the resource (its
 * attributes). A missing value never matches: an absent owner attribute, a token without {@code sub}, a claim that is
 * not there all make the condition false, so a permit rule does not apply and the request is denied by default.
 * Values compare as JSON values (numbers by value, strings exactly); lists and objects never equal anything.
 *
 * <pre>{@code
 * Condition mine = Condition.owner("owner").and(Condition.attributeEqualsClaim("tenant", "tenant"));
 * Condition admin = Condition.anyRole("admin");
 * }</pre>
 *
 * @since 0.3
 */
public sealed interface Condition permits Conditions.Always, Conditions.AttributeEqualsClaim, Conditions.AnyRole,
    Conditions.AnyScope, Conditions.ClaimEquals, Conditions.Workload, Conditions.And, Conditions.Or,
    Conditions.Not {

  /** Whether the condition holds for {@code caller} and {@code resource}. Never throws. */
  boolean test(Caller caller, Resource resource);

  /** Always holds (for a rule decided by its type and action alone). */
  static Condition always() {
    return Conditions.Always.INSTANCE;
  }

  /**
   * The resource attribute {@code attribute} is a string equal to the caller's {@code sub}: the caller owns it.
   * False when either is missing.
   */
  static Condition owner(String attribute) {
    return new Conditions.AttributeEqualsClaim(requireName("attribute", attribute), "sub");
  }

  /**
   * The resource attribute {@code attribute} equals the claim at {@code claimPath} (a dotted path into nested
   * objects): e.g. the same tenant. False when either is missing, or either is a list or an object.
   */
  static Condition attributeEqualsClaim(String attribute, String claimPath) {
    return new Conditions.AttributeEqualsClaim(requireName("attribute", attribute),
        requireName("claimPath", claimPath));
  }

  /** The caller holds at least one of {@code roles}. */
  static Condition anyRole(String... roles) {
    return new Conditions.AnyRole(names("roles", roles));
  }

  /** The caller was granted at least one of {@code scopes}. */
  static Condition anyScope(String... scopes) {
    return new Conditions.AnyScope(names("scopes", scopes));
  }

  /**
   * The claim at {@code claimPath} equals {@code value} (or, for a list claim, contains it), as
   * {@link Requirement#claimEquals(String, Object)}.
   */
  static Condition claimEquals(String claimPath, Object value) {
    requireName("claimPath", claimPath);
    Objects.requireNonNull(value, "value");
    return new Conditions.ClaimEquals(claimPath, value, Requirement.claimEquals(claimPath, value));
  }

  /** The caller's verified workload ID (mTLS peer) matches one of {@code spiffePatterns}, as a route's would. */
  static Condition workload(String... spiffePatterns) {
    Requirement r = Requirement.workload(spiffePatterns);
    return new Conditions.Workload(Set.of(spiffePatterns), r);
  }

  /**
   * Holds when {@code condition} does not. Mind missing values: {@code not(attributeEqualsClaim("tenant", "tenant"))}
   * also holds when the resource or the token has no tenant, which is what a forbid rule wants.
   */
  static Condition not(Condition condition) {
    return new Conditions.Not(Objects.requireNonNull(condition, "condition"));
  }

  /** This condition and {@code other} (in order; the first false one ends it). */
  default Condition and(Condition other) {
    return new Conditions.And(this, Objects.requireNonNull(other, "other"));
  }

  /** This condition or {@code other}. */
  default Condition or(Condition other) {
    return new Conditions.Or(this, Objects.requireNonNull(other, "other"));
  }

  private static String requireName(String what, String value) {
    if (value == null || value.isBlank() || !value.strip().equals(value)) {
      throw new IllegalArgumentException(what + " must be a non-blank name without surrounding whitespace: '"
          + value + "'");
    }
    return value;
  }

  private static Set<String> names(String what, String... values) {
    if (values.length == 0) {
      throw new IllegalArgumentException("at least one of " + what + " is required");
    }
    Set<String> out = new LinkedHashSet<>();
    for (String v : values) {
      out.add(requireName(what, v));
    }
    return java.util.Collections.unmodifiableSet(out);
  }
}
