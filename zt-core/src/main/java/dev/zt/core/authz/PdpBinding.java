package dev.zt.core.authz;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Which object checks also ask an external {@link PolicyDecisionPoint}, and what it is told: the resource types and
 * actions it covers, and the caller's claims it may see (claims minimisation: only these go into
 * {@code input.caller.claims}; {@code sub}, {@code client_id}, scopes, roles and the workload always go). The PDP is
 * asked only after the object rules permit; its deny wins, its allow never overrides an object deny. Every call gets
 * a deadline ({@link Builder#timeout}, default 3 s) even if the PDP client forgets one: no answer by then is
 * unavailable (503 with {@code Retry-After}).
 *
 * <pre>{@code
 * PdpBinding binding = PdpBinding.to(pdp).resourceTypes("order").actions("read").claims("sub", "tenant").build();
 * }</pre>
 *
 * @param pdp the decision point
 * @param resourceTypes the resource types it decides on, at least one
 * @param actions the actions it decides on, at least one, listed
 * @param claims the claim paths copied into the input
 * @param timeout the deadline of each call
 * @since 0.3
 */
public record PdpBinding(PolicyDecisionPoint pdp, Set<String> resourceTypes, Set<String> actions,
    List<String> claims, Duration timeout) {

  /** The deadline of a call when none is configured. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(3);

  public PdpBinding {
    Objects.requireNonNull(pdp, "pdp");
    resourceTypes = checked("resource type", resourceTypes);
    actions = checked("action", actions);
    claims = List.copyOf(claims);
    for (String c : claims) {
      if (c.isBlank() || !c.strip().equals(c)) {
        throw new IllegalArgumentException("a claim path must be non-blank without surrounding whitespace");
      }
    }
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("the PDP timeout must be positive");
    }
  }

  /** Starts a binding to {@code pdp}. */
  public static Builder to(PolicyDecisionPoint pdp) {
    return new Builder(Objects.requireNonNull(pdp, "pdp"));
  }

  /** Whether this binding asks its PDP about {@code action} on resources of {@code type}. */
  public boolean covers(String type, String action) {
    return resourceTypes.contains(type) && actions.contains(action);
  }

  private static Set<String> checked(String what, Set<String> values) {
    if (values.isEmpty()) {
      throw new IllegalArgumentException("a PDP binding needs at least one " + what);
    }
    for (String v : values) {
      if (v == null || v.isEmpty() || v.equals("*") || v.chars().anyMatch(c -> c <= 0x20 || c == '"')) {
        throw new IllegalArgumentException("not a " + what + " (list them; '*' is not a wildcard): '" + v + "'");
      }
    }
    return java.util.Collections.unmodifiableSet(new LinkedHashSet<>(values));
  }

  /** Set-once builder. */
  public static final class Builder {
    private final PolicyDecisionPoint pdp;
    private Set<String> types;
    private Set<String> actions;
    private List<String> claims;
    private Duration timeout;

    private Builder(PolicyDecisionPoint pdp) {
      this.pdp = pdp;
    }

    /** The resource types it decides on. Required, set once. */
    public Builder resourceTypes(String... types) {
      if (this.types != null) {
        throw new IllegalStateException("resourceTypes was already set");
      }
      this.types = new LinkedHashSet<>(List.of(types));
      return this;
    }

    /** The actions it decides on. Required, set once. */
    public Builder actions(String... actions) {
      if (this.actions != null) {
        throw new IllegalStateException("actions was already set");
      }
      this.actions = new LinkedHashSet<>(List.of(actions));
      return this;
    }

    /** The claim paths (dotted) copied into {@code input.caller.claims}; default none. Set once. */
    public Builder claims(String... claimPaths) {
      if (this.claims != null) {
        throw new IllegalStateException("claims was already set");
      }
      this.claims = List.copyOf(new LinkedHashSet<>(List.of(claimPaths)));
      return this;
    }

    /** The deadline of each call; default {@link #DEFAULT_TIMEOUT}. Set once. */
    public Builder timeout(Duration timeout) {
      if (this.timeout != null) {
        throw new IllegalStateException("timeout was already set");
      }
      this.timeout = Objects.requireNonNull(timeout, "timeout");
      return this;
    }

    public PdpBinding build() {
      if (types == null || actions == null) {
        throw new IllegalStateException("a PDP binding needs resourceTypes(…) and actions(…)");
      }
      return new PdpBinding(pdp, types, actions, claims == null ? List.of() : claims,
          timeout == null ? DEFAULT_TIMEOUT : timeout);
    }
  }
}
