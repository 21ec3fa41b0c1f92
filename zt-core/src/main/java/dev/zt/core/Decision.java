package dev.zt.core;

import dev.zt.core.internal.pipeline.RequestState;
import dev.zt.core.rate.RateLimit;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The enforcer's answer for one request: a value, never an exception. {@link Allow}, {@link Deny} and
 * {@link Answer} (a document the enforcer serves itself) are final;
 * {@link ReadForm} is an intermediate step that only a request with an unread URL-encoded form body gets.
 *
 * @since 0.1
 */
public sealed interface Decision permits Decision.Allow, Decision.Deny, Decision.ReadForm, Decision.Answer {

  /** The id of the rule that decided ({@code default-deny} when no route matched). */
  String rule();

  /** Whether the request may proceed ({@code false} for a {@link ReadForm}: it is not decided yet). */
  default boolean allowed() {
    return this instanceof Allow;
  }

  /**
   * The request may proceed as {@code caller}.
   *
   * <p>Steps after the allow may add response fields the adapter writes on the application's answer (e.g. a DPoP
   * {@code DPoP-Nonce}, RFC 9449 §8) and a credential the adapter or the application forwards instead of the client's
   * (e.g. an internal token from an RFC 8693 exchange). Both are empty for the common allow, which then allocates
   * nothing for them.
   *
   * @param caller who made the request; {@link Caller#anonymous()} on a public route without a credential
   * @param rule the id of the route rule that allowed it
   * @param additions what steps after the allow added: response fields and a credential to forward;
   *     {@link Additions#NONE} (one shared instance) for the common allow, so it costs no allocation
   * @since 0.2
   */
  record Allow(Caller caller, String rule, Additions additions) implements Decision {
    public Allow {
      Objects.requireNonNull(caller, "caller");
      Objects.requireNonNull(rule, "rule");
      Objects.requireNonNull(additions, "additions");
    }

    /** An allow that adds nothing to the answer and forwards the client's own credential, if any. */
    public Allow(Caller caller, String rule) {
      this(caller, rule, Additions.NONE);
    }

    /** An allow with response fields to add and a credential to forward (either may be empty). */
    public Allow(Caller caller, String rule, Map<String, String> responseHeaders,
        Optional<ForwardedCredential> forward) {
      this(caller, rule, Additions.of(responseHeaders, forward));
    }

    /** Response fields to add to the application's answer, in order; else empty. */
    public Map<String, String> responseHeaders() {
      return additions.responseHeaders();
    }

    /** The credential to send on instead of the client's, if any. */
    public Optional<ForwardedCredential> forward() {
      return additions.forward();
    }

    /**
     * What steps after an allow added to it.
     *
     * @param responseHeaders response fields to add to the application's answer, in order; else empty
     * @param forward the credential to send on instead of the client's, if any
     * @since 0.2
     */
    public record Additions(Map<String, String> responseHeaders, Optional<ForwardedCredential> forward) {
      /** Nothing added: the common allow. */
      public static final Additions NONE = new Additions(Map.of(), Optional.empty());

      public Additions {
        responseHeaders = responseHeaders.isEmpty() ? Map.of()
            : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(responseHeaders));
        Objects.requireNonNull(forward, "forward");
      }

      /** {@link #NONE} when both are empty, else new additions. */
      public static Additions of(Map<String, String> responseHeaders, Optional<ForwardedCredential> forward) {
        return responseHeaders.isEmpty() && forward.isEmpty() ? NONE : new Additions(responseHeaders, forward);
      }
    }
  }

  /**
   * A credential to send on in place of the client's (an internal token a gateway minted or exchanged, RFC 8693):
   * the value of the {@code Authorization} field to forward. Secret: {@link #toString()} is redacted and there is no
   * value equality.
   *
   * @since 0.2
   */
  final class ForwardedCredential {
    private final String scheme;
    private final String token;

    private ForwardedCredential(String scheme, String token) {
      this.scheme = scheme;
      this.token = token;
    }

    /** A bearer token to forward ({@code Authorization: Bearer <token>}, RFC 6750 §2.1). */
    public static ForwardedCredential bearer(String token) {
      Objects.requireNonNull(token, "token");
      if (token.isEmpty() || !token.chars().allMatch(c -> c > 0x20 && c < 0x7f && c != ',' && c != '"')) {
        throw new IllegalArgumentException("a bearer token is visible ASCII without spaces, commas or quotes");
      }
      return new ForwardedCredential("Bearer", token);
    }

    /** The authentication scheme, e.g. {@code Bearer}. */
    public String scheme() {
      return scheme;
    }

    /** The token itself. Never log it. */
    public String token() {
      return token;
    }

    /** The value of the {@code Authorization} field to forward. */
    public String authorization() {
      return scheme + " " + token;
    }

    @Override
    public String toString() {
      return "ForwardedCredential[" + scheme + " (redacted)]";
    }
  }

  /**
   * One challenge of a 401's {@code WWW-Authenticate} field (RFC 9110 §11.6.1): its scheme ({@code Bearer},
   * RFC 6750 §3; {@code DPoP}, RFC 9449 §7.1), whether it carries the denial's error code, description and scope (the
   * challenge of the scheme the client used), and its own auth-params (e.g. DPoP's {@code algs}). A denial without
   * challenges is answered with one {@code Bearer} challenge carrying the error, as before 0.2.
   *
   * @param scheme the auth-scheme, a token (RFC 9110 §11.1)
   * @param carriesError whether the error code, description, scope and the denial's challenge parameters go here
   * @param params further auth-params of this challenge, in order; values without {@code "} or {@code \}
   * @since 0.2
   */
  record Challenge(String scheme, boolean carriesError, Map<String, String> params) {
    /** The default: a Bearer challenge with the error. */
    public static final Challenge BEARER = new Challenge("Bearer", true, Map.of());

    public Challenge {
      Objects.requireNonNull(scheme, "scheme");
      if (!dev.zt.core.internal.Encodings.isToken(scheme)) {
        throw new IllegalArgumentException("a challenge scheme is a token");
      }
      params = params.isEmpty() ? Map.of()
          : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(params));
      params.forEach((k, v) -> {
        if (!dev.zt.core.internal.Encodings.isToken(k)
            || !v.chars().allMatch(c -> c >= 0x20 && c < 0x7f && c != '"' && c != '\\')) {
          throw new IllegalArgumentException("an auth-param is a token name and a quotable value");
        }
      });
    }
  }

  /**
   * The request is refused.
   *
   * @param reason why, in full (for the audit log); its {@link DenyReason#status() status} is the answer's
   * @param gate the gate that refused it
   * @param rule the route rule in force ({@code default-deny} when none matched, {@code none} before routing)
   * @param requiredScopes the scopes the route needs, for the {@code scope} challenge parameter; else empty
   * @param challengeParams further auth-params of the challenge, in order (e.g. RFC 9470 {@code acr_values},
   *     {@code max_age}); else empty
   * @param headers further response fields the denial needs (e.g. {@code Retry-After}, {@code RateLimit}); else
   *     empty
   * @param challenges the challenges of a 401 or 403 that has one, in order; empty for the default single
   *     {@code Bearer} challenge
   */
  record Deny(DenyReason reason, String gate, String rule, List<String> requiredScopes,
      Map<String, String> challengeParams, Map<String, String> headers, List<Challenge> challenges)
      implements Decision {
    public Deny {
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(gate, "gate");
      Objects.requireNonNull(rule, "rule");
      requiredScopes = List.copyOf(requiredScopes);
      challengeParams = challengeParams.isEmpty() ? Map.of()
          : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(challengeParams));
      headers = headers.isEmpty() ? Map.of()
          : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(headers));
      challenges = List.copyOf(challenges);
    }

    /** A denial answered with the default {@code Bearer} challenge (when its reason has one). */
    public Deny(DenyReason reason, String gate, String rule, List<String> requiredScopes,
        Map<String, String> challengeParams, Map<String, String> headers) {
      this(reason, gate, rule, requiredScopes, challengeParams, headers, List.of());
    }

    /** A denial with no extra challenge parameters or headers. */
    public Deny(DenyReason reason, String gate, String rule, List<String> requiredScopes) {
      this(reason, gate, rule, requiredScopes, Map.of(), Map.of(), List.of());
    }

    /** Whether the answer depends on more than the reason (scopes, challenge parameters, headers or challenges). */
    boolean hasDetails() {
      return !requiredScopes.isEmpty() || !challengeParams.isEmpty() || !headers.isEmpty() || !challenges.isEmpty();
    }

    /** The HTTP status this denial is answered with: its reason's ({@link DenyReason#status()}). */
    public int status() {
      return reason.status();
    }
  }

  /**
   * The enforcer answers the request itself, with a document of its own configuration: the RFC 9728 protected resource
   * metadata at {@code /.well-known/oauth-protected-resource}. The adapter writes {@link #response()} exactly (status,
   * {@link WireResponse#fields()}, {@link WireResponse#bodyBytes()}; no body for {@code HEAD}) and does not pass the
   * request on. Not {@link #allowed()}: code that does not know this kind fails closed.
   *
   * @param rule the id of what answered ({@code oauth-protected-resource})
   * @param response what to write
   * @since 0.2
   */
  record Answer(String rule, WireResponse response) implements Decision {
    public Answer {
      Objects.requireNonNull(rule, "rule");
      Objects.requireNonNull(response, "response");
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
