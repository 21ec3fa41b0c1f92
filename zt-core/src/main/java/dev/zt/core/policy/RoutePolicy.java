package dev.zt.core.policy;

import dev.zt.core.internal.Encodings;
import dev.zt.core.internal.pipeline.Assembly;
import dev.zt.core.internal.pipeline.Features;
import dev.zt.core.RequestContext;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The route rules, deny by default: a request is checked against the rules in the order they were added, the first
 * rule whose methods and pattern match decides, and a request that matches none is denied. A rule that an earlier
 * one covers entirely (same or more methods, a pattern matching all its paths) could never decide, so
 * {@link Builder#build()} refuses it rather than let, say, a public {@code /docs/{**}} silently swallow a later
 * {@code /docs/admin} rule. Patterns and methods that could not match what they seem to (a glob {@code /accounts/*},
 * a method {@code get}) are refused when the rule is added.
 *
 * <p>A rule for {@code GET} also decides {@code HEAD} requests (RFC 9110 §9.3.2: HEAD is GET without the content),
 * unless the builder is told {@link Builder#noImplicitHead()}. A CORS preflight ({@code OPTIONS} with {@code Origin}
 * and {@code Access-Control-Request-Method}) carries no credential, so it reaches the application only on paths a
 * {@link Builder#preflight(String)} rule names; by default it is refused like any other request.
 *
 * <p>A {@link Builder#shadow shadow rule} is a dry run: it is evaluated for every request it matches and audited as
 * would-allow or would-deny next to the real answer, which it never changes; it is not a rule for the shadowing
 * check, nor does it shadow any rule.
 *
 * <pre>{@code
 * RoutePolicy.builder()
 *     .get("/orders", Requirement.allScopes("orders:read"))
 *     .get("/orders/{*}", Requirement.allScopes("orders:read"))
 *     .post("/orders", Requirement.allScopes("orders:write"))
 *     .preflight("/orders")
 *     .get("/health", Requirement.permitAll())
 *     .build();
 * }</pre>
 *
 * @since 0.1
 */
public final class RoutePolicy {

  static {
    Features.register(RoutePolicy.class, (routes, assembly) -> {
      assembly.add(Assembly.Stage.ANONYMOUS_POLICY, new PolicyGate.Anonymous());
      assembly.add(Assembly.Stage.POLICY, new PolicyGate());
    });
  }

  private final Route[] routes;
  /** Whether the rule at the same index is a {@link Builder#preflight} rule. */
  private final boolean[] preflight;
  private final boolean implicitHead;
  private final Route[] shadows;

  private RoutePolicy(List<Route> routes, List<Boolean> preflight, boolean implicitHead, List<Route> shadows) {
    this.routes = routes.toArray(Route[]::new);
    this.shadows = shadows.toArray(Route[]::new);
    this.preflight = new boolean[routes.size()];
    for (int i = 0; i < this.preflight.length; i++) {
      this.preflight[i] = preflight.get(i);
    }
    this.implicitHead = implicitHead;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The rules, in evaluation order (preflight rules among them). */
  public List<Route> routes() {
    return List.of(routes);
  }

  /**
   * The shadow (dry-run) rules, in the order added: audited, never deciding.
   *
   * @since 0.3
   */
  public List<Route> shadowRoutes() {
    return List.of(shadows);
  }

  /**
   * The rule with id {@code id} (shadow rules excluded), or {@code null}.
   *
   * @since 0.3
   */
  public Route byId(String id) {
    for (Route r : routes) {
      if (r.id().equals(id)) {
        return r;
      }
    }
    return null;
  }

  /**
   * Calls {@code sink} with each shadow rule that matches the request and whether it would have allowed
   * {@code caller} (its requirement, trust floors aside: the trust gate holds those). Allocation-free when there are
   * no shadow rules.
   *
   * @since 0.3
   */
  public void evaluateShadows(String method, String normalizedPath, dev.zt.core.Caller caller,
      java.util.function.BiConsumer<Route, Boolean> sink) {
    if (shadows.length == 0) {
      return;
    }
    boolean head = implicitHead && method.equals("HEAD");
    for (Route r : shadows) {
      if (r.matches(method, normalizedPath)
          || (head && r.methods().contains("GET") && r.pattern().matches(normalizedPath))) {
        sink.accept(r, r.requirement().admits(caller));
      }
    }
  }

  /** The first rule matching a request that is not a CORS preflight, or {@code null}: deny by default. */
  Route match(String method, String normalizedPath) {
    return match(method, normalizedPath, false);
  }

  /**
   * The first matching rule, or {@code null}: deny by default. Allocation-free. A preflight request matches
   * preflight rules and the ordinary rules for {@code OPTIONS}; any other request only the ordinary rules.
   */
  public Route match(String method, String normalizedPath, boolean isPreflight) {
    boolean head = implicitHead && method.equals("HEAD");
    for (int i = 0; i < routes.length; i++) {
      Route r = routes[i];
      if (preflight[i]) {
        if (isPreflight && r.pattern().matches(normalizedPath)) {
          return r;
        }
      } else if (r.matches(method, normalizedPath)
          || (head && r.methods().contains("GET") && r.pattern().matches(normalizedPath))) {
        return r;
      }
    }
    return null;
  }

  /**
   * Whether {@code request} is a CORS preflight (Fetch standard, CORS protocol): {@code OPTIONS} with one
   * {@code Origin} and one {@code Access-Control-Request-Method} naming a method token.
   */
  public static boolean isPreflight(RequestContext request) {
    if (!request.method().equals("OPTIONS")) {
      return false;
    }
    List<String> method = request.headers().values("Access-Control-Request-Method");
    List<String> origin = request.headers().values("Origin");
    return method.size() == 1 && origin.size() == 1 && Encodings.isToken(method.get(0).strip());
  }

  /** Collects route rules; {@link #build()} checks ids are unique and that no rule is shadowed by an earlier one. */
  public static final class Builder {
    private final List<Route> routes = new ArrayList<>();
    private final List<Boolean> preflight = new ArrayList<>();
    private final List<Route> shadows = new ArrayList<>();
    private boolean implicitHead = true;
    private boolean implicitHeadSet;

    private Builder() {}

    /** A rule for {@code GET}, which also decides {@code HEAD} (RFC 9110 §9.3.2) unless {@link #noImplicitHead()}. */
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

    /** A rule for every method (id {@code "* /pattern"}); a CORS preflight matches it too. */
    public Builder anyMethod(String pattern, Requirement requirement) {
      return add("* " + pattern, Set.of(), pattern, requirement, false);
    }

    /**
     * A rule for {@code methods} (at least one, each an upper-case method token), with a generated id such as
     * {@code "GET,HEAD /orders"}.
     */
    public Builder route(Set<String> methods, String pattern, Requirement requirement) {
      Objects.requireNonNull(methods, "methods");
      return route(String.join(",", new java.util.TreeSet<>(methods)) + " " + pattern, methods, pattern, requirement);
    }

    /** A rule with an explicit id; {@code methods} as for {@link #route(Set, String, Requirement)}. */
    public Builder route(String id, Set<String> methods, String pattern, Requirement requirement) {
      if (methods.isEmpty()) {
        throw new IllegalArgumentException("route rule '" + id + "' names no method; an empty set is not 'any method'"
            + ": use anyMethod(…) for that");
      }
      return add(id, methods, pattern, requirement, false);
    }

    /**
     * A shadow (dry-run) rule: for every request it matches, zt audits whether it would have allowed or denied the
     * caller (a {@code zt.shadow} span event and log line naming the rule, the would-be effect and the real answer),
     * and answers as if it were not there. Use it to try a stricter or looser rule on live traffic before making it
     * real. Shadow rules take no part in the shadowing check of real rules; ids are unique among all rules.
     * {@code methods} as for {@link #route(Set, String, Requirement)}, or empty for any method.
     *
     * @since 0.3
     */
    public Builder shadow(String id, Set<String> methods, String pattern, Requirement requirement) {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(methods, "methods");
      if (id.isBlank()) {
        throw new IllegalArgumentException("a shadow rule needs a non-blank id");
      }
      shadows.add(new Route(id, methods, PathPattern.parse(pattern), Objects.requireNonNull(requirement,
          "requirement")));
      return this;
    }

    /**
     * Lets CORS preflight requests for paths matching {@code pattern} through to the application (whose CORS
     * handler answers them), without a credential: browsers never send one on a preflight. Only a preflight matches
     * this rule — {@code OPTIONS} with one {@code Origin} and one {@code Access-Control-Request-Method} — so a plain
     * {@code OPTIONS} still needs a rule of its own; the actual request that follows the preflight is decided by its
     * own rule as always. Id {@code "PREFLIGHT /pattern"}. Without such a rule preflights are refused.
     *
     * @since 0.1
     */
    public Builder preflight(String pattern) {
      return add("PREFLIGHT " + pattern, Set.of("OPTIONS"), pattern, Requirement.permitAll(), true);
    }

    /**
     * {@code HEAD} requests match only rules that name {@code HEAD}; by default a {@code GET} rule decides them too
     * (RFC 9110 §9.3.2). Set once.
     *
     * @since 0.1
     */
    public Builder noImplicitHead() {
      if (implicitHeadSet) {
        throw new IllegalStateException("noImplicitHead() was already set");
      }
      implicitHeadSet = true;
      implicitHead = false;
      return this;
    }

    private Builder add(String id, Set<String> methods, String pattern, Requirement requirement, boolean cors) {
      routes.add(new Route(id, methods, PathPattern.parse(pattern), requirement));
      preflight.add(cors);
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
          if (earlier.pattern().covers(r.pattern()) && covers(j, i)) {
            throw new IllegalStateException("route rule '" + r.id() + "' can never match: '" + earlier.id()
                + "' comes first and covers it" + (implicitHead && earlier.methods().contains("GET")
                    && r.methods().contains("HEAD") ? " (a GET rule also decides HEAD; see noImplicitHead())" : "")
                + "; put the narrower rule first or remove it");
          }
        }
      }
      for (Route s : shadows) {
        if (!ids.add(s.id())) {
          throw new IllegalStateException("two route rules share the id '" + s.id() + "' (shadow rules included)");
        }
      }
      return new RoutePolicy(routes, preflight, implicitHead, shadows);
    }

    /** Whether rule {@code e}'s methods include every method rule {@code l} could decide. */
    private boolean covers(int e, int l) {
      boolean earlierPreflight = preflight.get(e);
      boolean laterPreflight = preflight.get(l);
      Set<String> earlier = routes.get(e).methods();
      if (earlierPreflight) {
        return laterPreflight; // a preflight rule only ever decides preflights
      }
      if (earlier.isEmpty()) {
        return true;
      }
      if (laterPreflight) {
        return earlier.contains("OPTIONS");
      }
      Set<String> later = routes.get(l).methods();
      if (later.isEmpty()) {
        return false;
      }
      for (String m : later) {
        if (!earlier.contains(m) && !(m.equals("HEAD") && implicitHead && earlier.contains("GET"))) {
          return false;
        }
      }
      return true;
    }
  }
}
