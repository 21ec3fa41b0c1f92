package dev.zt.core;

import dev.zt.core.internal.pipeline.RequestState;
import dev.zt.core.rate.RateLimit;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The enforcer's answer for one request: a value, never an exception. {@link Allow} and {@link Deny} are final;
 * {@link ReadForm} is an intermediate step that only a request with an unread URL-encoded form body gets.
 *
 * @since 0.1
 */
public sealed interface Decision permits Decision.Allow, Decision.Deny, Decision.ReadForm {

  /** The id of the rule that decided ({@code default-deny} when no route matched). */
  String rule();

  /** Whether the request may proceed ({@code false} for a {@link ReadForm}: it is not decided yet). */
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

  /**
   * Not decided yet: every check that needs no body passed, and the request's URL-encoded form body (not given to
   * {@link RequestContext.Builder#formBody(byte[])}) must now be read and inspected before the final decision. So a
   * body is read only for a request that would otherwise be allowed: an anonymous or forbidden request is refused
   * before a byte of its body is read, and a slow body never holds a thread for it (issue 12 §3).
   *
   * <p>The adapter reads at most {@link #maxBytes()} {@code + 1} bytes of the body, no later than
   * {@link #deadlineMillis()} on the enforcer's clock, then calls
   * {@link Enforcer#enforceForm(ReadForm, RequestContext)} with {@code context.withFormBody(bytes)}; a body that is not
   * there by the deadline is answered with {@link Enforcer#formTimedOut(ReadForm)}. Not {@link #allowed()}: code that
   * does not know this step fails closed. Audited only once the decision is final.
   *
   * @since 0.1
   */
  final class ReadForm implements Decision {
    private final RequestState exchange;
    private final int maxBytes;
    private final long deadlineMillis;
    private final java.util.concurrent.atomic.AtomicBoolean completed = new java.util.concurrent.atomic.AtomicBoolean();

    ReadForm(RequestState exchange, int maxBytes, long deadlineMillis) {
      this.exchange = exchange;
      this.maxBytes = maxBytes;
      this.deadlineMillis = deadlineMillis;
    }

    @Override
    public String rule() {
      return exchange.ruleId();
    }

    /** How many bytes of the body to read at most, plus one (so an over-long body is recognisable). */
    public int maxBytes() {
      return maxBytes;
    }

    /** When reading must be done, in epoch milliseconds of {@link Enforcer#clock()}. */
    public long deadlineMillis() {
      return deadlineMillis;
    }

    /** The request this step is for. */
    public RequestContext context() {
      return exchange.request();
    }

    RequestState exchange() {
      return exchange;
    }

    void complete() {
      if (!completed.compareAndSet(false, true)) {
        throw new IllegalStateException("this ReadForm step was completed already");
      }
    }

    @Override
    public String toString() {
      return "ReadForm[" + exchange.request() + ", rule " + rule() + "]";
    }
  }
}
