package dev.zt.core;

import java.util.Objects;
import java.util.Set;

/**
 * One route rule: methods and a path pattern, and what a caller needs to pass. Every decision names the rule
 * that made it by {@link #id()}.
 *
 * @param id a stable name for the audit log (defaults to {@code "GET /orders"} style)
 * @param methods the HTTP methods, case-sensitive; empty means any method
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
      if (m.isEmpty() || !m.chars().allMatch(Route::isTchar)) {
        throw new IllegalArgumentException("not an HTTP method token: " + m);
      }
    }
  }

  /** Whether this rule applies to the request. */
  public boolean matches(String method, String normalizedPath) {
    return (methods.isEmpty() || methods.contains(method)) && pattern.matches(normalizedPath);
  }

  private static boolean isTchar(int c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
        || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
  }
}
