package dev.zt.testkit;

import dev.zt.core.Caller;
import dev.zt.core.Decision;
import dev.zt.core.Enforcer;
import dev.zt.core.policy.Requirement;
import dev.zt.core.policy.RoutePolicy;
import dev.zt.core.rate.RatePolicy;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * {@link Caller}s for unit tests of code that receives one (a controller, a service method, an object-level check),
 * without a server. Only zt constructs callers, and these are no exception: each is the caller zt establishes for a
 * real token, signed by an in-process {@link TestIssuer} and verified by a real {@link Enforcer} (RFC 7519, RFC 8725),
 * so it behaves exactly like the one the filter hands to the application.
 *
 * <pre>{@code
 * Caller alice = TestCallers.user("alice").scopes("orders:read").roles("buyer").build();
 * assertThat(alice.hasScope("orders:read")).isTrue();
 * }</pre>
 *
 * <p>The issuer and enforcer are started once per JVM, on first use, and live as long as it.
 *
 * @since 0.4
 */
public final class TestCallers {

  private TestCallers() {
  }

  /** A caller authenticated as the user {@code subject} ({@code sub}), with no scopes or roles until given. */
  public static Builder user(String subject) {
    return new Builder(requireText(subject, "subject"));
  }

  /** The caller of a public route that presented no credential. */
  public static Caller anonymous() {
    return Caller.anonymous();
  }

  /**
   * Builds one caller; each option may be set once.
   *
   * @since 0.4
   */
  public static final class Builder {

    private final String subject;
    private Set<String> scopes;
    private Set<String> roles;
    private String clientId;
    private final Map<String, Object> claims = new LinkedHashMap<>();

    private Builder(String subject) {
      this.subject = subject;
    }

    /** The scopes the caller's token grants ({@code scope}, RFC 8693 §4.2). */
    public Builder scopes(String... scopes) {
      if (this.scopes != null) {
        throw new IllegalStateException("scopes are already set");
      }
      this.scopes = names(scopes, "scope");
      return this;
    }

    /** The roles the caller's token carries (the {@code roles} claim zt reads by default). */
    public Builder roles(String... roles) {
      if (this.roles != null) {
        throw new IllegalStateException("roles are already set");
      }
      this.roles = names(roles, "role");
      return this;
    }

    /** The OAuth client the caller used ({@code client_id}, RFC 9068 §2.2). */
    public Builder clientId(String clientId) {
      if (this.clientId != null) {
        throw new IllegalStateException("clientId is already set");
      }
      this.clientId = requireText(clientId, "clientId");
      return this;
    }

    /**
     * Another claim of the caller's token, e.g. a tenant; the claims zt derives the caller from ({@code iss},
     * {@code sub}, {@code aud}, {@code exp}, {@code scope}, {@code roles}, {@code client_id}...) have their own
     * methods or are the issuer's.
     */
    public Builder claim(String name, Object value) {
      requireText(name, "name");
      Objects.requireNonNull(value, "value");
      if (Shared.RESERVED.contains(name)) {
        throw new IllegalArgumentException("claim " + name + " is set by TestCallers or its own method");
      }
      if (claims.putIfAbsent(name, value) != null) {
        throw new IllegalStateException("claim " + name + " is already set");
      }
      return this;
    }

    /** The caller zt establishes for a real token with these claims. */
    public Caller build() {
      TokenBuilder token = Shared.ISSUER.token().subject(subject);
      if (scopes != null && !scopes.isEmpty()) {
        token.scope(scopes.toArray(String[]::new));
      }
      if (roles != null && !roles.isEmpty()) {
        token.roles(roles.toArray(String[]::new));
      }
      if (clientId != null) {
        token.claim("client_id", clientId);
      }
      claims.forEach(token::claim);
      Decision decision;
      try {
        decision = Shared.ENFORCER.enforce(TestRequest.get(Shared.PATH).bearer(token.build()).build())
            .toCompletableFuture().get(10, TimeUnit.SECONDS);
      } catch (Exception e) {
        throw new IllegalStateException("zt did not verify the test caller's token", e);
      }
      if (decision instanceof Decision.Allow allow) {
        return allow.caller();
      }
      throw new IllegalStateException("zt refused the test caller's token: " + decision);
    }
  }

  private static Set<String> names(String[] names, String what) {
    Set<String> out = new LinkedHashSet<>();
    for (String n : names) {
      requireText(n, what);
      if (n.chars().anyMatch(Character::isWhitespace)) {
        throw new IllegalArgumentException("a " + what + " has no whitespace: '" + n + "'");
      }
      out.add(n);
    }
    return Set.copyOf(out);
  }

  private static String requireText(String s, String what) {
    Objects.requireNonNull(s, what);
    if (s.isBlank()) {
      throw new IllegalArgumentException("the " + what + " is blank");
    }
    return s;
  }

  /** One issuer and enforcer per JVM, started on first use: immutable after. */
  private static final class Shared {

    static final String PATH = "/zt-test-caller";
    static final List<String> RESERVED =
        List.of("iss", "sub", "aud", "exp", "nbf", "iat", "jti", "scope", "scp", "roles", "client_id", "cnf");
    static final TestIssuer ISSUER = TestIssuer.builder().audience("zt-test-callers").start();
    static final Enforcer ENFORCER = Enforcer.builder()
        .bearerJwt(ISSUER.bearerJwt().build())
        .routes(RoutePolicy.builder().get(PATH, Requirement.authenticated()).build())
        .rateLimits(RatePolicy.none()) // a test may build thousands of callers for one user
        .build();
  }
}
