package dev.zt.core.policy;

import dev.zt.core.internal.Encodings;
import java.util.Objects;
import java.util.Set;

/**
 * One route rule: methods and a path pattern, and what a caller needs to pass. Every decision names the rule
 * that made it by {@link #id()}.
 *
 * @param id a stable name for the audit log (defaults to {@code "GET /orders"} style)
 * @param methods the HTTP methods, upper-case tokens compared exactly; empty means any method
 * @param pattern the path pattern
 * @param requirement what the caller needs
 * @since 0.1
 */
public record Route(String id, Set<String> methods, PathPattern pattern, Requirement requirement) {

  /** The rule id of decisions on requests that matched no route. */
  public static final String DEFAULT_DENY = "default-deny";

  public Route {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(pattern, "pattern");
    Objects.requireNonNull(requirement, "requirement");
    methods = Set.copyOf(methods);
    for (String m : methods) {
      checkMethod(m);
    }
  }

  /** The route's trust floor, or {@code null}. */
  /** The route's trust floor, if its requirement has one. */
  public Requirement.TrustFloor trustFloor() {
    return requirement.trustFloor();
  }

  /**
   * Whether this rule's own methods and pattern match. {@link RoutePolicy} also lets a {@code GET} rule decide
   * {@code HEAD} and keeps preflight rules for preflights.
   */
  public boolean matches(String method, String normalizedPath) {
    return (methods.isEmpty() || methods.contains(method)) && pattern.matches(normalizedPath);
  }

  /**
   * Refuses what would never match what it seems to: a method that is not an RFC 9110 §5.6.2 token, and one in lower
   * or mixed case — methods are case-sensitive (RFC 9110 §9.1) and every standard one is upper case, so a rule for
   * {@code get} would never match a browser's {@code GET}. {@code *} is not "any method" either.
   */
  static void checkMethod(String m) {
    if (m == null || !Encodings.isToken(m)) {
      throw new IllegalArgumentException("not an HTTP method token: '" + m + "'; write it as sent, e.g. 'GET'");
    }
    boolean upper = false;
    for (int i = 0; i < m.length(); i++) {
      char c = m.charAt(i);
      if (c >= 'a' && c <= 'z') {
        throw new IllegalArgumentException("HTTP methods are case-sensitive (RFC 9110 §9.1): '" + m
            + "' would not match '" + m.toUpperCase(java.util.Locale.ROOT) + "'; write it in upper case");
      }
      upper |= c >= 'A' && c <= 'Z';
    }
    if (!upper) {
      throw new IllegalArgumentException("'" + m + "' is not an HTTP method; for every method use anyMethod(…)");
    }
  }


}
