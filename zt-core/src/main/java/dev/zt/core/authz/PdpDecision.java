package dev.zt.core.authz;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * A policy decision point's answer: {@link Allow}, {@link Deny} or {@link Unavailable}. Only {@link Allow} lets a
 * request on; code that meets an unknown kind fails closed.
 *
 * @since 0.3
 */
public sealed interface PdpDecision {

  /** Whether the PDP allowed. */
  default boolean allowed() {
    return this instanceof Allow;
  }

  /**
   * Allowed.
   *
   * @param decisionId the PDP's decision id (OPA's {@code decision_id}), if it sent one, for the audit log
   * @param revision the policy revision that decided, if known (OPA bundle revisions); empty else
   */
  record Allow(Optional<String> decisionId, Optional<String> revision) implements PdpDecision {
    public Allow {
      Objects.requireNonNull(decisionId, "decisionId");
      Objects.requireNonNull(revision, "revision");
    }
  }

  /**
   * Denied: the PDP said no, or its decision was undefined (OPA's {@code 200 {}} without {@code result}).
   *
   * @param decisionId the PDP's decision id, if it sent one
   * @param revision the policy revision that decided, if known
   * @param why for operators: {@code "result false"}, {@code "undefined decision"}, or the PDP's reason
   */
  record Deny(Optional<String> decisionId, Optional<String> revision, String why) implements PdpDecision {
    public Deny {
      Objects.requireNonNull(decisionId, "decisionId");
      Objects.requireNonNull(revision, "revision");
      Objects.requireNonNull(why, "why");
    }
  }

  /**
   * No decision: refused connection, timeout, a 5xx, malformed JSON, a non-boolean result. Answered with 503 and
   * {@code Retry-After}.
   *
   * @param why for operators (never shown to the client)
   * @param retryAfter what to tell the client in {@code Retry-After}
   */
  record Unavailable(String why, Duration retryAfter) implements PdpDecision {
    public Unavailable {
      Objects.requireNonNull(why, "why");
      Objects.requireNonNull(retryAfter, "retryAfter");
    }
  }
}
