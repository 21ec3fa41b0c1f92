package dev.zt.core;

import dev.zt.core.rate.RateLimit;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How a denial is answered on the wire: status, headers and an RFC 9457 problem body. This is the one decision →
 * wire table; every adapter writes exactly what it says.
 *
 * <table>
 *   <caption>Decision → wire</caption>
 *   <tr><th>kind</th><th>status</th><th>WWW-Authenticate</th></tr>
 *   <tr><td>no credential</td><td>401</td><td>{@code Bearer realm="…"} (RFC 6750 §3.1, no error code)</td></tr>
 *   <tr><td>invalid token</td><td>401</td><td>{@code Bearer realm="…", error="invalid_token",
 *       error_description="…"} (a fixed text per reason: {@link DenyReason#description()})</td></tr>
 *   <tr><td>invalid DPoP proof, DPoP nonce required (RFC 9449 §7.1, §8)</td><td>401</td><td>{@code DPoP
 *       realm="…", error="invalid_dpop_proof" | "use_dpop_nonce", …, algs="…"} (and {@code DPoP-Nonce})</td></tr>
 *   <tr><td>malformed request</td><td>400</td><td>{@code Bearer realm="…", error="invalid_request"}</td></tr>
 *   <tr><td>insufficient scope</td><td>403</td>
 *       <td>{@code Bearer realm="…", error="insufficient_scope", scope="…"}</td></tr>
 *   <tr><td>missing role, failed claim condition, no route matched, workload not allowed, object rule forbids
 *       (or none permits), PDP denies</td><td>403</td>
 *       <td>none: {@code insufficient_scope} (RFC 6750 §3.1) would tell the client a scope could help</td></tr>
 *   <tr><td>source blocked, attack detected, trust too low</td><td>403</td><td>none</td></tr>
 *   <tr><td>mTLS peer chain rejected</td><td>403</td><td>none (no HTTP scheme can repair a TLS client certificate;
 *       a 401 would need a challenge, RFC 9110 §15.5.2)</td></tr>
 *   <tr><td>trust below the floor, step-up helps</td><td>401</td>
 *       <td>{@code Bearer realm="…", error="insufficient_user_authentication", error_description="…",
 *       acr_values="…", max_age="…"}
 *       (RFC 9470)</td></tr>
 *   <tr><td>rate limit</td><td>429</td><td>none; {@code Retry-After}, {@code RateLimit-Policy}, {@code
 * RateLimit}</td></tr>
 *   <tr><td>ambiguous path</td><td>400</td><td>none</td></tr>
 *   <tr><td>form body over the inspection limit</td><td>413</td><td>none</td></tr>
 *   <tr><td>form body in a charset or content coding zt cannot inspect</td><td>415</td><td>none</td></tr>
 *   <tr><td>form body that zt must read did not arrive in time</td><td>408</td><td>none; {@code Connection:
 * close}</td></tr>
 *   <tr><td>request the server's parser could not read (malformed, request line too long, header section too
 *       large)</td><td>400, 414, 431</td><td>none; no body, {@code Connection: close}</td></tr>
 *   <tr><td>decision not complete within a blocking adapter's wait</td><td>503</td><td>none; {@code
 * Retry-After}</td></tr>
 *   <tr><td>keys unavailable</td><td>503</td><td>none; {@code Retry-After}</td></tr>
 *   <tr><td>introspection endpoint unavailable (RFC 7662)</td><td>503</td><td>none; {@code Retry-After}, problem
 *       type {@code …/introspection-unavailable}</td></tr>
 *   <tr><td>security token service unavailable (RFC 8693)</td><td>503</td><td>none; {@code Retry-After}, problem
 *       type {@code …/token-exchange-unavailable}</td></tr>
 *   <tr><td>policy decision point unavailable</td><td>503</td><td>none; {@code Retry-After} (the PDP's, else 5),
 *       problem type {@code …/policy-unavailable}</td></tr>
 *   <tr><td>internal fault</td><td>500</td><td>none</td></tr>
 * </table>
 *
 * <p>The challenge's scheme comes from the denial ({@link Decision.Deny#challenges()}): one {@code Bearer} challenge by
 * default, or the gate's (e.g. {@code DPoP} with its {@code algs} and then {@code Bearer}, RFC 9449 §7.1), all in one
 * {@code WWW-Authenticate} field, the error parameters on the challenge that carries them. The status is the
 * reason's ({@link DenyReason#status()}).
 *
 * <p>Bodies never echo the token, the rule, or any internal detail; the full reason goes to the audit log.
 *
 * @param status the HTTP status
 * @param headers the response headers, in order ({@code Content-Type} and {@code Cache-Control} with every problem
 *     body; {@code Connection: close} when the connection closes after the answer)
 * @param body the {@code application/problem+json} body
 * @since 0.1
 */
public record WireResponse(int status, Map<String, String> headers, String body) {

  /** The media type of every body (RFC 9457 §3). */
  public static final String PROBLEM_JSON = "application/problem+json";

  /** The base of zt's problem type URIs. */
  public static final String PROBLEM_BASE = "https://zt.dev/problems/";

  /** Problem types of the IETF httpapi RateLimit fields draft (a draft, not yet an RFC). */
  static final String RATE_PROBLEM_BASE = "https://iana.org/assignments/http-problem-types#";

  private static final String CONNECTION = "Connection";
  private static final String CONTENT_LENGTH = "Content-Length";

  public WireResponse {
    headers = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(headers));
  }

  /** The status a denial is answered with: {@link DenyReason#status()}. */
  public static int statusOf(DenyReason reason) {
    return reason.status();
  }

  /**
   * Whether the connection closes after this answer ({@code Connection: close} is among the headers): after a 408
   * (RFC 9110 §15.5.9) and after a request the server's parser could not read, whose stream cannot be trusted.
   *
   * @since 0.1
   */
  public boolean closesConnection() {
    return "close".equals(headers.get(CONNECTION));
  }

  /** The body's bytes as sent (UTF-8; empty for the parser's own refusals). */
  public byte[] bodyBytes() {
    return body.getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Every header field to write, in order: {@link #headers()}, then {@code Content-Length} (of {@link #bodyBytes()},
   * also for an answer to {@code HEAD}, whose body is not sent). An adapter writes exactly these and the body bytes.
   *
   * @since 0.1
   */
  public List<Map.Entry<String, String>> fields() {
    List<Map.Entry<String, String>> out = new ArrayList<>(headers.size() + 1);
    out.addAll(headers.entrySet());
    out.add(Map.entry(CONTENT_LENGTH, Integer.toString(bodyBytes().length)));
    return List.copyOf(out);
  }

  /**
   * A JSON document the enforcer serves itself (RFC 9728 protected resource metadata): 200, {@code application/json},
   * cacheable for {@code maxAgeSeconds}.
   */
  static WireResponse json(String body, long maxAgeSeconds) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Content-Type", "application/json");
    headers.put("Cache-Control", "max-age=" + maxAgeSeconds);
    return new WireResponse(200, headers, body);
  }

  /** Builds the answer to {@code deny} for a service whose protection space is {@code realm}. */
  static WireResponse of(Decision.Deny deny, String realm) {
    DenyReason.Kind kind = deny.reason().kind();
    int status = deny.reason().status();
    Map<String, String> headers = new LinkedHashMap<>();
    switch (kind) {
      case MALFORMED_REQUEST, URI_TOO_LONG, HEADERS_TOO_LARGE -> {
        // the server's parser could not read the request: a bare status, as a server answers what it cannot read
        headers.put(CONNECTION, "close");
        return new WireResponse(status, headers, "");
      }
      default -> { }
    }
    String error = error(kind, deny.requiredScopes());
    if (error != null) {
      List<Decision.Challenge> challenges = deny.challenges().isEmpty() ? DEFAULT_CHALLENGES : deny.challenges();
      StringBuilder c = new StringBuilder();
      for (Decision.Challenge ch : challenges) {
        if (c.length() > 0) {
          c.append(", ");
        }
        c.append(ch.scheme()).append(" realm=\"").append(realm).append('"');
        if (ch.carriesError()) {
          c.append(error);
          // a fixed text per reason (checked to be a valid quoted-string when the enum loads), never input
          deny.reason().description().ifPresent(d -> c.append(", error_description=\"").append(d).append('"'));
          deny.challengeParams().forEach((k, v) -> c.append(", ").append(k).append("=\"").append(v).append('"'));
        }
        ch.params().forEach((k, v) -> c.append(", ").append(k).append("=\"").append(v).append('"'));
      }
      headers.put("WWW-Authenticate", c.toString());
    }
    headers.putAll(deny.headers());
    if (kind == DenyReason.Kind.UNAVAILABLE || kind == DenyReason.Kind.INTROSPECTION_UNAVAILABLE
        || kind == DenyReason.Kind.EXCHANGE_UNAVAILABLE) {
      headers.put("Retry-After", "5");
    } else if (kind == DenyReason.Kind.POLICY_UNAVAILABLE) {
      headers.putIfAbsent("Retry-After", "5"); // the PDP's own hint when it gave one
    }
    headers.put("Content-Type", PROBLEM_JSON);
    headers.put("Cache-Control", "no-store");
    if (kind == DenyReason.Kind.REQUEST_TIMEOUT) {
      headers.put(CONNECTION, "close"); // RFC 9110 §15.5.9: the server closes the connection
    }
    String[] problem = problem(kind);
    String type = problem[0].startsWith("https://") ? problem[0] : PROBLEM_BASE + problem[0];
    String body = "{\"type\":\"" + type + "\",\"title\":\"" + problem[1]
        + "\",\"status\":" + status + ",\"detail\":\"" + problem[2] + "\"}";
    return new WireResponse(status, headers, body);
  }

  private static final List<Decision.Challenge> DEFAULT_CHALLENGES = List.of(Decision.Challenge.BEARER);

  /**
   * The error auth-params of a challenge for {@code kind} ({@code ""} for a bare challenge), or {@code null} when
   * the answer carries no challenge.
   */
  private static String error(DenyReason.Kind kind, List<String> scopes) {
    return switch (kind) {
      case NO_CREDENTIAL -> "";
      case INVALID_TOKEN -> ", error=\"invalid_token\"";
      case INVALID_DPOP_PROOF -> ", error=\"invalid_dpop_proof\"";
      case USE_DPOP_NONCE -> ", error=\"use_dpop_nonce\"";
      case INVALID_REQUEST -> ", error=\"invalid_request\"";
      case INSUFFICIENT_SCOPE -> scopes.isEmpty()
          ? ", error=\"insufficient_scope\""
          : ", error=\"insufficient_scope\", scope=\"" + String.join(" ", scopes) + "\"";
      case STEP_UP -> ", error=\"insufficient_user_authentication\"";
      case BAD_PATH, FORBIDDEN, PEER_REJECTED, BLOCKED, ATTACK, CONTENT_TOO_LARGE, UNSUPPORTED_CONTENT, REQUEST_TIMEOUT,
          MALFORMED_REQUEST, URI_TOO_LONG, HEADERS_TOO_LARGE, TRUST_DENIED, QUOTA, ABNORMAL_QUOTA, UNAVAILABLE,
          INTROSPECTION_UNAVAILABLE, POLICY_UNAVAILABLE, EXCHANGE_UNAVAILABLE, FAULT -> null;
    };
  }

  // type slug, title, detail: fixed texts, nothing from the request
  private static String[] problem(DenyReason.Kind kind) {
    return switch (kind) {
      case BAD_PATH -> new String[] {"invalid-path", "Bad Request", "The request path is not acceptable."};
      case INVALID_REQUEST -> new String[] {"invalid-request", "Bad Request",
          "The Authorization header must carry exactly one Bearer credential."};
      case NO_CREDENTIAL -> new String[] {"unauthorized", "Unauthorized", "A bearer access token is required."};
      case INVALID_TOKEN -> new String[] {"invalid-token", "Unauthorized", "The access token is not valid."};
      case INVALID_DPOP_PROOF -> new String[] {"invalid-dpop-proof", "Unauthorized",
          "The DPoP proof is not valid for this request."};
      case USE_DPOP_NONCE -> new String[] {"use-dpop-nonce", "Unauthorized",
          "A DPoP proof with the server's nonce is required."};
      case INSUFFICIENT_SCOPE -> new String[] {"insufficient-scope", "Forbidden",
          "The access token does not grant access to this resource."};
      case FORBIDDEN -> new String[] {"forbidden", "Forbidden", "Access to this resource is denied."};
      case PEER_REJECTED -> new String[] {"peer-rejected", "Forbidden",
          "The client certificate is not accepted."};
      case BLOCKED -> new String[] {"source-blocked", "Forbidden",
          "Requests from this source are refused for a while."};
      case ATTACK -> new String[] {"request-rejected", "Forbidden", "The request was refused as an attack."};
      case CONTENT_TOO_LARGE -> new String[] {"content-too-large", "Content Too Large",
          "The request body is larger than this service inspects."};
      case UNSUPPORTED_CONTENT -> new String[] {"unsupported-content", "Unsupported Media Type",
          "The request body's encoding is not accepted."};
      case REQUEST_TIMEOUT -> new String[] {"request-timeout", "Request Timeout",
          "The request body did not arrive in time."};
      case STEP_UP -> new String[] {"insufficient-user-authentication", "Unauthorized",
          "A stronger or more recent authentication is required."};
      case TRUST_DENIED -> new String[] {"insufficient-trust", "Forbidden",
          "Access is refused in the current context."};
      case QUOTA -> new String[] {RATE_PROBLEM_BASE + "quota-exceeded", "Too Many Requests",
          "The request quota is exhausted; retry later."};
      case ABNORMAL_QUOTA -> new String[] {RATE_PROBLEM_BASE + "abnormal-usage-detected", "Too Many Requests",
          "The request quota was reduced after unusual activity; retry later."};
      case UNAVAILABLE -> new String[] {"temporarily-unavailable", "Service Unavailable",
          "Access cannot be verified right now; retry later."};
      case INTROSPECTION_UNAVAILABLE -> new String[] {"introspection-unavailable", "Service Unavailable",
          "The access token cannot be checked with its issuer right now; retry later."};
      case EXCHANGE_UNAVAILABLE -> new String[] {"token-exchange-unavailable", "Service Unavailable",
          "The access token cannot be exchanged for the upstream right now; retry later."};
      case POLICY_UNAVAILABLE -> new String[] {"policy-unavailable", "Service Unavailable",
          "Access to this resource cannot be decided right now; retry later."};
      case FAULT -> new String[] {"internal-error", "Internal Server Error", "Access could not be decided."};
      case MALFORMED_REQUEST, URI_TOO_LONG, HEADERS_TOO_LARGE -> throw new IllegalArgumentException("no body");
    };
  }
}
