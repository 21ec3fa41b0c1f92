package dev.zt.core;

import dev.zt.core.credential.BearerJwt;
import dev.zt.core.credential.PeerVerifier;
import dev.zt.core.detect.Detection;
import dev.zt.core.rate.RateLimit;

/**
 * Why a request was denied. Fine-grained for the audit log; several reasons share one answer on the wire (see
 * {@link WireResponse}), so a client learns only what RFC 6750 says it may: {@code invalid_request},
 * {@code invalid_token} or {@code insufficient_scope}.
 *
 * @since 0.1
 */
public enum DenyReason {
  /** The path is ambiguous (encoded separator, NUL, climbs above the root, bad escape). 400. */
  PATH_REJECTED(Kind.BAD_PATH),
  /** The Authorization header is not a well-formed Bearer credential (RFC 6750 §2.1). 400 invalid_request. */
  MALFORMED_CREDENTIAL(Kind.INVALID_REQUEST),
  /** More than one credential: two Authorization headers or comma-joined values. 400 invalid_request. */
  MULTIPLE_CREDENTIALS(Kind.INVALID_REQUEST),
  /** No credential on a route that needs one. 401 with a bare challenge (RFC 6750 §3.1). */
  CREDENTIAL_MISSING(Kind.NO_CREDENTIAL),
  /** Not a compact JWS, non-canonical base64url, bad JSON, duplicate members. 401 invalid_token. */
  TOKEN_MALFORMED(Kind.INVALID_TOKEN, "The access token is malformed."),
  /** Larger than the configured cap. 401 invalid_token. */
  TOKEN_TOO_LARGE(Kind.INVALID_TOKEN, "The access token is too large."),
  /** {@code alg} not on the allow-list (includes {@code none} and HMAC). 401 invalid_token. */
  TOKEN_ALGORITHM_REJECTED(Kind.INVALID_TOKEN, "The access token is not signed in an accepted way."),
  /** {@code typ} is not an access-token type, or an unsupported {@code crit}, {@code jku}, {@code x5u}, {@code jwk}. */
  TOKEN_HEADER_REJECTED(Kind.INVALID_TOKEN, "The access token is not signed in an accepted way."),
  /** No key in the issuer's JWKS matches the header ({@code kid}, key type, use, alg). 401 invalid_token. */
  TOKEN_KEY_UNKNOWN(Kind.INVALID_TOKEN, "The access token signature cannot be verified."),
  /** The signature does not verify. 401 invalid_token. */
  TOKEN_SIGNATURE_INVALID(Kind.INVALID_TOKEN, "The access token signature cannot be verified."),
  /** {@code iss} is not exactly the configured issuer. 401 invalid_token. */
  TOKEN_ISSUER_MISMATCH(Kind.INVALID_TOKEN, "The access token is from an issuer this service does not accept."),
  /** {@code aud} does not contain the configured audience. 401 invalid_token. */
  TOKEN_AUDIENCE_MISMATCH(Kind.INVALID_TOKEN, "The access token is not meant for this service."),
  /** Past {@code exp} (plus the allowed skew). 401 invalid_token. */
  TOKEN_EXPIRED(Kind.INVALID_TOKEN, "The access token expired."),
  /** Before {@code nbf} (minus the allowed skew). 401 invalid_token. */
  TOKEN_NOT_YET_VALID(Kind.INVALID_TOKEN, "The access token is not valid yet."),
  /** {@code iat} lies in the future. 401 invalid_token. */
  TOKEN_ISSUED_IN_FUTURE(Kind.INVALID_TOKEN, "The access token is not valid yet."),
  /** {@code exp − iat} or the token's age exceeds the configured maximum. 401 invalid_token. */
  TOKEN_LIFETIME_EXCEEDED(Kind.INVALID_TOKEN, "The access token lives longer than this service accepts."),
  /** A required claim is missing or a claim has the wrong JSON type (RFC 7519 §4.1). 401 invalid_token. */
  TOKEN_CLAIM_INVALID(Kind.INVALID_TOKEN, "The access token lacks a claim or has one of the wrong type."),
  /** The token was suspended (denylist). 401 invalid_token. */
  TOKEN_SUSPENDED(Kind.INVALID_TOKEN, "The access token is no longer accepted."),
  /**
   * The token identifies as another kind of JWT than an access token: an OpenID Connect ID token (payload
   * {@code typ: ID}, {@code nonce}, {@code at_hash}, {@code c_hash}, {@code s_hash} without an {@code at+jwt} header,
   * RFC 9068 §2.1), a refresh or logout token, a security event token ({@code events}, RFC 8417), a DPoP proof
   * ({@code htm}, {@code htu}, {@code ath}, RFC 9449 §4.2) or an ID token by Cognito's {@code token_use}. 401
   * invalid_token.
   *
   * @since 0.1
   */
  TOKEN_NOT_ACCESS_TOKEN(Kind.INVALID_TOKEN, "The token is not an access token."),
  /**
   * The token is bound to a key ({@code cnf}, RFC 7800) and the binding could not be verified: for
   * {@code x5t#S256} (RFC 8705 §3.1) no client certificate (mTLS leaf, or a trusted proxy's RFC 9440 {@code Client-Cert}
   * when configured), another one, or an ambiguous or malformed {@code Client-Cert}; for {@code jkt} (RFC 9449) the
   * token sent without its DPoP proof (as {@code Bearer}, or DPoP not configured); {@code cnf} with two bindings, or
   * any other confirmation method ({@code jwk}, {@code jku}, …), is not verified and so refused. 401 invalid_token.
   *
   * @since 0.1
   */
  TOKEN_BINDING_UNVERIFIED(Kind.INVALID_TOKEN, "The access token is bound to a key this request does not prove."),
  /**
   * The issuer's introspection endpoint (RFC 7662) answered that the token is not active: unknown, expired, revoked,
   * or never issued. 401 invalid_token.
   *
   * @since 0.3
   */
  TOKEN_INACTIVE(Kind.INVALID_TOKEN, "The access token is not active."),
  /** The issuer's keys cannot be had and no cached key applies. 503: never an allow. */
  /**
   * The access token is not sender-constrained where it must be: a plain bearer token on a route that requires a
   * DPoP- or certificate-bound one ({@code Requirement.senderConstrained()}), or an unbound token sent with the
   * {@code DPoP} scheme (RFC 9449 §7.1). 401 {@code invalid_token} with a {@code DPoP} challenge.
   *
   * @since 0.2
   */
  TOKEN_NOT_SENDER_CONSTRAINED(Kind.INVALID_TOKEN, "The access token must be bound to a key the request proves."),
  /**
   * The DPoP proof is missing, malformed, for another request, stale, replayed, or not signed by the key the token is
   * bound to (RFC 9449 §4.3, §7.1). 401 {@code invalid_dpop_proof}.
   *
   * @since 0.2
   */
  DPOP_PROOF_INVALID(Kind.INVALID_DPOP_PROOF, "The DPoP proof is not valid for this request."),
  /**
   * The DPoP proof lacks the server's current nonce (RFC 9449 §8): 401 {@code use_dpop_nonce} with a fresh
   * {@code DPoP-Nonce}.
   *
   * @since 0.2
   */
  DPOP_NONCE_REQUIRED(Kind.USE_DPOP_NONCE, "Resend the request with a DPoP proof carrying the DPoP-Nonce."),
  KEYS_UNAVAILABLE(Kind.UNAVAILABLE),
  /**
   * The token must be introspected (RFC 7662) and the introspection endpoint could not be asked or gave no usable
   * answer (connect error, timeout, a 4xx or 5xx status, an answer that is not a valid introspection response), and
   * no answer seen recently may stand in for it (stale-if-error). 503 with {@code Retry-After}, problem type
   * {@code introspection-unavailable}: never an allow.
   *
   * @since 0.3
   */
  INTROSPECTION_UNAVAILABLE(Kind.INTROSPECTION_UNAVAILABLE),
  /**
   * The security state ({@code dev.zt.core.spi}: suspensions, source blocks, rate buckets) could not answer whether
   * the request may go on: a suspension or block that cannot be checked is never taken as absent. 503: never an allow.
   *
   * @since 0.1
   */
  STATE_UNAVAILABLE(Kind.UNAVAILABLE),
  /**
   * The mTLS peer presented a certificate chain that the configured {@link PeerVerifier} rejected (for SPIFFE: not a
   * valid X.509-SVID of a trusted domain). 403 without a challenge: no HTTP authentication scheme can repair a TLS
   * client certificate, and a 401 must carry a {@code WWW-Authenticate} challenge (RFC 9110 §15.5.2).
   */
  PEER_REJECTED(Kind.PEER_REJECTED),
  /** The caller's workload (its verified mTLS peer ID) is missing or matches none of the route's patterns. 403. */
  WORKLOAD_FORBIDDEN(Kind.FORBIDDEN),
  /** No route rule matches an authenticated request: deny by default. 403. */
  ROUTE_UNMATCHED(Kind.FORBIDDEN),
  /** The route's scopes are not all (or none of them) granted. 403 insufficient_scope with {@code scope}. */
  INSUFFICIENT_SCOPE(Kind.INSUFFICIENT_SCOPE),
  /**
   * The route's roles are not held. 403 without a challenge: {@code insufficient_scope} (RFC 6750 §3.1) is about
   * scopes and would tell the client that asking for a scope could help; a role is not something it can request.
   */
  INSUFFICIENT_ROLE(Kind.FORBIDDEN),
  /** A claim condition of the route fails. 403 without a challenge, as for a missing role. */
  CLAIM_CONDITION_FAILED(Kind.FORBIDDEN),
  /** The client's address is blocked for a while by an automated response (e.g. credential stuffing). 403. */
  SOURCE_BLOCKED(Kind.BLOCKED),
  /** A detector found an attack in the request (e.g. SQL injection). 403. */
  ATTACK_DETECTED(Kind.ATTACK),
  /**
   * A URL-encoded form body is longer than the inspection limit ({@link Detection#maxFormBytes()}): refused rather
   * than inspected in part, since an injection placed after the limit would reach the application unseen. 413
   * (RFC 9110 §15.5.14).
   *
   * @since 0.1
   */
  FORM_TOO_LARGE(Kind.CONTENT_TOO_LARGE),
  /**
   * A URL-encoded form body that cannot be inspected as the application will read it: a charset other than UTF-8,
   * ISO-8859-1 or US-ASCII, a {@code Content-Encoding}, or more than one {@code Content-Type}. 415
   * (RFC 9110 §15.5.16).
   *
   * @since 0.1
   */
  FORM_UNSUPPORTED(Kind.UNSUPPORTED_CONTENT),
  /**
   * A URL-encoded form body zt had to read before deciding did not arrive within
   * {@link Detection#formReadTimeout()}: a slow or stalled body never holds a thread or a buffer for long. 408
   * (RFC 9110 §15.5.9); adapters close the connection.
   *
   * @since 0.1
   */
  FORM_READ_TIMEOUT(Kind.REQUEST_TIMEOUT),
  /**
   * The request asks for a protocol upgrade (an {@code Upgrade} field; the adapters remove an {@code h2c} one before
   * deciding, answering over HTTP/1.1): zt decides requests, and the messages of an upgraded connection (WebSocket
   * frames) would pass undecided. 403, as an unmatched route.
   *
   * @since 0.1
   */
  UPGRADE_REFUSED(Kind.FORBIDDEN),
  /** The trust score is below the route's floor and stronger authentication may help (RFC 9470). 401. */
  STEP_UP_REQUIRED(Kind.STEP_UP, "A stronger or more recent authentication is required."),
  /** The trust score is below the route's floor and the route denies rather than asks for step-up. 403. */
  TRUST_TOO_LOW(Kind.TRUST_DENIED),
  /** The caller's rate limit is exhausted. 429 with {@code Retry-After} and {@code RateLimit} fields. */
  RATE_LIMITED(Kind.QUOTA),
  /** The caller's rate limit, tightened because of suspicious behaviour, is exhausted. 429. */
  RATE_LIMITED_ABNORMAL(Kind.ABNORMAL_QUOTA),
  /**
   * The client's source (its address, or its /24 · /64 network) has used up its budget of token validations that
   * need a signature check (tokens not in the validated-token cache); refused before any signature work. 429 with
   * {@code Retry-After}. See {@link BearerJwt.Builder#validationBudget(int, int, java.time.Duration)}.
   *
   * @since 0.1
   */
  VALIDATION_BUDGET_EXCEEDED(Kind.QUOTA),
  /**
   * The decision did not complete within the time a blocking adapter waits for it (the servlet filter: 15 s; e.g. a
   * saturated validation executor). 503 with {@code Retry-After}, as {@link #KEYS_UNAVAILABLE}; the audit says which.
   *
   * @since 0.1
   */
  DECISION_TIMEOUT(Kind.UNAVAILABLE),
  /**
   * The server's HTTP parser could not read the request (a malformed request line or header field). Not a zt
   * verdict on anything the request says (nothing in it can be relied on): answered 400 with no body, and the
   * connection closes.
   *
   * @since 0.1
   */
  REQUEST_MALFORMED(Kind.MALFORMED_REQUEST),
  /** The request line is longer than the server's parser reads. 414 with no body; the connection closes. */
  REQUEST_LINE_TOO_LONG(Kind.URI_TOO_LONG),
  /** The header section is larger than the server's parser reads. 431 (RFC 6585 §5) with no body; closes. */
  HEADERS_TOO_LARGE(Kind.HEADERS_TOO_LARGE),
  /**
   * An object-level check ({@code Authorization.check}) found a forbid rule that applies, or no permit rule that does
   * (the rule id is then {@code default-deny}). 403 problem+json without a challenge: no scope would help.
   *
   * @since 0.3
   */
  OBJECT_FORBIDDEN(Kind.FORBIDDEN),
  /**
   * The object rules permitted and the external policy decision point said no (or its decision was undefined). 403
   * without a challenge, as {@link #OBJECT_FORBIDDEN}.
   *
   * @since 0.3
   */
  PDP_DENIED(Kind.FORBIDDEN),
  /**
   * The external policy decision point gave no decision: refused connection, timeout, a 5xx, a malformed or
   * non-boolean answer, or it threw. 503 with {@code Retry-After} (the PDP client's, else 5 s): never an allow.
   *
   * @since 0.3
   */
  PDP_UNAVAILABLE(Kind.POLICY_UNAVAILABLE),
  /**
   * Token translation through a security token service (RFC 8693, {@code TokenExchangeClient}): the STS refused the
   * client's token itself ({@code invalid_grant}, RFC 6749 §5.2: expired, revoked, not meant for the gateway). 401
   * {@code invalid_token}; the audit detail names the STS's {@code error}.
   *
   * @since 0.3
   */
  TOKEN_EXCHANGE_SUBJECT_REFUSED(Kind.INVALID_TOKEN, "The access token cannot be exchanged for the upstream."),
  /**
   * Token translation through a security token service (RFC 8693 §2.2.2): the STS refused the exchange for this
   * caller or target ({@code invalid_target}, {@code unauthorized_client}, {@code invalid_scope},
   * {@code invalid_request}, {@code access_denied}). 403 without a challenge; the audit detail names the STS's
   * {@code error}.
   *
   * @since 0.3
   */
  TOKEN_EXCHANGE_REFUSED(Kind.FORBIDDEN),
  /**
   * Token translation through a security token service (RFC 8693): the STS could not be asked or gave no usable
   * answer (connect error, timeout, a 5xx, a 401 to the gateway's own client authentication, an answer that is not a
   * valid token response or is too large). 503 with {@code Retry-After}, problem type
   * {@code token-exchange-unavailable}: never an allow, never a forward of the client's token.
   *
   * @since 0.3
   */
  TOKEN_EXCHANGE_UNAVAILABLE(Kind.EXCHANGE_UNAVAILABLE),
  /** A gate failed unexpectedly: the pipeline fails closed. 500. */
  INTERNAL_ERROR(Kind.FAULT);

  /**
   * The wire families; each has its HTTP status ({@link #status()}), and {@link WireResponse} maps each to a challenge
   * and problem type.
   */
  public enum Kind {
    BAD_PATH(400),
    INVALID_REQUEST(400),
    NO_CREDENTIAL(401),
    INVALID_TOKEN(401),
    /** @since 0.2 */
    INVALID_DPOP_PROOF(401),
    /** @since 0.2 */
    USE_DPOP_NONCE(401),
    INSUFFICIENT_SCOPE(403),
    FORBIDDEN(403),
    PEER_REJECTED(403),
    BLOCKED(403),
    ATTACK(403),
    CONTENT_TOO_LARGE(413),
    UNSUPPORTED_CONTENT(415),
    REQUEST_TIMEOUT(408),
    /** A request the server's parser could not read: 400, no body, the connection closes. */
    MALFORMED_REQUEST(400),
    /** A request line too long for the server's parser: 414, no body, the connection closes. */
    URI_TOO_LONG(414),
    /** A header section too large for the server's parser: 431, no body, the connection closes. */
    HEADERS_TOO_LARGE(431),
    STEP_UP(401),
    TRUST_DENIED(403),
    QUOTA(429),
    ABNORMAL_QUOTA(429),
    UNAVAILABLE(503),
    /** The introspection endpoint cannot be asked: 503 with {@code Retry-After}, its own problem type. */
    INTROSPECTION_UNAVAILABLE(503),
    /**
     * The external policy decision point cannot decide: 503 with {@code Retry-After}, its own problem type.
     *
     * @since 0.3
     */
    POLICY_UNAVAILABLE(503),
    /**
     * The security token service cannot exchange the token (RFC 8693): 503 with {@code Retry-After}, its own problem
     * type.
     *
     * @since 0.3
     */
    EXCHANGE_UNAVAILABLE(503),
    FAULT(500);

    private final int status;

    Kind(int status) {
      this.status = status;
    }

    /**
     * The HTTP status of this family: a property of the reason, not of the wire layer.
     *
     * @since 0.2
     */
    public int status() {
      return status;
    }
  }

  private final Kind kind;
  private final String description;

  DenyReason(Kind kind) {
    this(kind, null);
  }

  /**
   * @param description the fixed {@code error_description} of the challenge (RFC 6750 §3): text for a developer,
   *     never anything from the request or the token; a quoted-string without {@code "} or {@code \}
   */
  DenyReason(Kind kind, String description) {
    this.kind = kind;
    if (description != null && !description.chars().allMatch(c -> c >= 0x20 && c < 0x7f && c != '"' && c != '\\')) {
      throw new IllegalArgumentException("error_description must be %x20-7E without quote or backslash: " + name());
    }
    this.description = description;
  }

  /** The wire family this reason is answered with. */
  public Kind kind() {
    return kind;
  }

  /**
   * The HTTP status this reason is answered with (its {@link Kind#status()}).
   *
   * @since 0.2
   */
  public int status() {
    return kind.status();
  }

  /**
   * The fixed {@code error_description} a 401 challenge for this reason carries (RFC 6750 §3, RFC 9470 §3), or empty:
   * none for {@link #CREDENTIAL_MISSING} (RFC 6750 §3.1: no error information when no credential was sent) nor
   * for answers without a challenge. A few words a developer can act on; the key, claim or value at fault is only
   * in the audit log, and reasons an attacker could use as an oracle share one text (an unknown key reads as a bad
   * signature).
   *
   * @since 0.1
   */
  public java.util.Optional<String> description() {
    return java.util.Optional.ofNullable(description);
  }
}
