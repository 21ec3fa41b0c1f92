package dev.zt.core;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The route rules, deny by default: a request is checked against the rules in the order they were added, the first
 * rule whose methods and pattern match decides, and a request that matches none is denied. A rule that an earlier
 * one covers entirely (same or more methods, a pattern matching all its paths) could never decide, so
 * {@link Builder#build()} refuses it rather than let, say, a public {@code /docs/{**}} silently swallow a later
 * {@code /docs/admin} rule.
 *
 * <pre>{@code
 * RoutePolicy.builder()
 *     .get("/orders", Requirement.allScopes("orders:read"))
 *     .get("/orders/{*}", Requirement.allScopes("orders:read"))
 *     .post("/orders", Requirement.allScopes("orders:write"))
 *     .get("/health", Requirement.permitAll())
 *     .build();
 * }</pre>
 *
 * @since 0.1
 */
public final class RoutePolicy {

  private final Route[] routes;

  private RoutePolicy(List<Route> routes) {
    this.routes = routes.toArray(Route[]::new);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The rules, in evaluation order. */
  public List<Route> routes() {
    return List.of(routes);
  }

  /** The first matching rule, or {@code null}: deny by default. Allocation-free. */
  Route match(String method, String normalizedPath) {
    for (Route r : routes) {
      if (r.matches(method, normalizedPath)) {
        return r;
      }
    }
    return null;
  }

  /** Collects route rules; {@link #build()} checks ids are unique and no rule is an exact repeat of another. */
  public static final class Builder {
    private final List<Route> routes = new ArrayList<>();

    private Builder() {}

    public Builder get(String pattern, Requirement requirement) {
      return route(Set.of("GET"), pattern, requirement);
    }

    public Builder post(String pattern, Requirement requirement) {
      return route(Set.of("POST"), pattern, requirement);
    }

    public Builder put(String pattern, Requirement requirement) {
      return route(Set.of("PUT"), pattern, requirement);
    }

    public Builder patch(String pattern, Requirement requirement) {
      return route(Set.of("PATCH"), pattern, requirement);
    }

    public Builder delete(String pattern, Requirement requirement) {
      return route(Set.of("DELETE"), pattern, requirement);
    }

    /** A rule for every method. */
    public Builder anyMethod(String pattern, Requirement requirement) {
      return route(Set.of(), pattern, requirement);
    }

    /** A rule for {@code methods}, with a generated id such as {@code "GET,HEAD /orders"}. */
    public Builder route(Set<String> methods, String pattern, Requirement requirement) {
      String id = (methods.isEmpty() ? "*" : String.join(",", new java.util.TreeSet<>(methods))) + " " + pattern;
      return route(id, methods, pattern, requirement);
    }

    /** A rule with an explicit id. */
    public Builder route(String id, Set<String> methods, String pattern, Requirement requirement) {
      routes.add(new Route(id, methods, PathPattern.parse(pattern), requirement));
      return this;
    }

    public RoutePolicy build() {
      Set<String> ids = new HashSet<>();
      for (int i = 0; i < routes.size(); i++) {
        Route r = routes.get(i);
        if (!ids.add(r.id())) {
          throw new IllegalStateException("two route rules share the id '" + r.id() + "'");
        }
        for (int j = 0; j < i; j++) {
          Route earlier = routes.get(j);
          if (earlier.pattern().covers(r.pattern()) && covers(earlier.methods(), r.methods())) {
            throw new IllegalStateException(
                "route rule '" + r.id() + "' can never match: '" + earlier.id() + "' comes first and covers it");
          }
        }
      }
      return new RoutePolicy(routes);
    }

    private static boolean covers(Set<String> earlier, Set<String> later) {
      return earlier.isEmpty() || (!later.isEmpty() && earlier.containsAll(later));
    }
  }
}
