package dev.zt.core;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The enforcer's answer for one request: a value, never an exception.
 *
 * @since 0.1
 */
public sealed interface Decision permits Decision.Allow, Decision.Deny {

  /** The id of the rule that decided ({@code default-deny} when no route matched). */
  String rule();

  /** Whether the request may proceed. */
  default boolean allowed() {
    return this instanceof Allow;
  }

  /**
   * The request may proceed as {@code caller}.
   *
   * @param caller who made the request; {@link Caller#anonymous()} on a public route without a credential
   * @param rule the id of the route rule that allowed it
   */
  record Allow(Caller caller, String rule) implements Decision {
    public Allow {
      Objects.requireNonNull(caller, "caller");
      Objects.requireNonNull(rule, "rule");
    }
  }

  /**
   * The request is refused.
   *
   * @param reason why, in full (for the audit log)
   * @param gate the gate that refused it
   * @param rule the route rule in force ({@code default-deny} when none matched, {@code none} before routing)
   * @param requiredScopes the scopes the route needs, for the {@code scope} challenge parameter; else empty
   * @param challengeParams further auth-params of the challenge, in order (e.g. RFC 9470 {@code acr_values},
   *     {@code max_age}); else empty
   * @param headers further response fields the denial needs (e.g. {@code Retry-After}, {@code RateLimit}); else
   *     empty
   */
  record Deny(DenyReason reason, String gate, String rule, List<String> requiredScopes,
      Map<String, String> challengeParams, Map<String, String> headers) implements Decision {
    public Deny {
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(gate, "gate");
      Objects.requireNonNull(rule, "rule");
      requiredScopes = List.copyOf(requiredScopes);
      challengeParams = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(challengeParams));
      headers = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(headers));
    }

    /** A denial with no extra challenge parameters or headers. */
    public Deny(DenyReason reason, String gate, String rule, List<String> requiredScopes) {
      this(reason, gate, rule, requiredScopes, Map.of(), Map.of());
    }

    /** Whether the answer depends on more than the reason (scopes, challenge parameters or headers). */
    boolean hasDetails() {
      return !requiredScopes.isEmpty() || !challengeParams.isEmpty() || !headers.isEmpty();
    }

    /** The HTTP status this denial is answered with. */
    public int status() {
      return WireResponse.statusOf(reason);
    }
  }
}
