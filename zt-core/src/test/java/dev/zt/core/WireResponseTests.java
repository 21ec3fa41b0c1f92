package dev.zt.core;

import dev.zt.core.internal.StrictJson;
import dev.zt.core.rate.RateLimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** The decision → wire table (RFC 6750 §3 challenges, RFC 9457 problem bodies). */
class WireResponseTests {

  private static final String REALM = "orders";
  private static final String BARE = "Bearer realm=\"orders\"";
  private static final String INVALID_REQUEST = BARE + ", error=\"invalid_request\"";
  private static final String INSUFFICIENT = BARE + ", error=\"insufficient_scope\"";

  /** Every reason with its status and challenge (null: no WWW-Authenticate), written out by hand. */
  static Stream<Arguments> table() {
    return Stream.of(
        Arguments.of(DenyReason.PATH_REJECTED, 400, null),
        Arguments.of(DenyReason.MALFORMED_CREDENTIAL, 400, INVALID_REQUEST),
        Arguments.of(DenyReason.MULTIPLE_CREDENTIALS, 400, INVALID_REQUEST),
        Arguments.of(DenyReason.CREDENTIAL_MISSING, 401, BARE),
        Arguments.of(DenyReason.TOKEN_MALFORMED, 401, invalidToken("The access token is malformed.")),
        Arguments.of(DenyReason.TOKEN_TOO_LARGE, 401, invalidToken("The access token is too large.")),
        Arguments.of(DenyReason.TOKEN_ALGORITHM_REJECTED, 401,
            invalidToken("The access token is not signed in an accepted way.")),
        Arguments.of(DenyReason.TOKEN_HEADER_REJECTED, 401,
            invalidToken("The access token is not signed in an accepted way.")),
        Arguments.of(DenyReason.TOKEN_KEY_UNKNOWN, 401, invalidToken("The access token signature cannot be verified.")),
        Arguments.of(DenyReason.TOKEN_SIGNATURE_INVALID, 401,
            invalidToken("The access token signature cannot be verified.")),
        Arguments.of(DenyReason.TOKEN_ISSUER_MISMATCH, 401,
            invalidToken("The access token is from an issuer this service does not accept.")),
        Arguments.of(DenyReason.TOKEN_AUDIENCE_MISMATCH, 401,
            invalidToken("The access token is not meant for this service.")),
        Arguments.of(DenyReason.TOKEN_EXPIRED, 401, invalidToken("The access token expired.")),
        Arguments.of(DenyReason.TOKEN_NOT_YET_VALID, 401, invalidToken("The access token is not valid yet.")),
        Arguments.of(DenyReason.TOKEN_ISSUED_IN_FUTURE, 401, invalidToken("The access token is not valid yet.")),
        Arguments.of(DenyReason.TOKEN_LIFETIME_EXCEEDED, 401,
            invalidToken("The access token lives longer than this service accepts.")),
        Arguments.of(DenyReason.TOKEN_CLAIM_INVALID, 401,
            invalidToken("The access token lacks a claim or has one of the wrong type.")),
        Arguments.of(DenyReason.TOKEN_SUSPENDED, 401, invalidToken("The access token is no longer accepted.")),
        Arguments.of(DenyReason.TOKEN_NOT_ACCESS_TOKEN, 401, invalidToken("The token is not an access token.")),
        Arguments.of(DenyReason.TOKEN_BINDING_UNVERIFIED, 401,
            invalidToken("The access token is bound to a key this request does not prove.")),
        Arguments.of(DenyReason.TOKEN_NOT_SENDER_CONSTRAINED, 401,
            invalidToken("The access token must be bound to a key the request proves.")),
        Arguments.of(DenyReason.DPOP_PROOF_INVALID, 401, BARE + ", error=\"invalid_dpop_proof\", error_description=\""
            + "The DPoP proof is not valid for this request.\""),
        Arguments.of(DenyReason.DPOP_NONCE_REQUIRED, 401, BARE + ", error=\"use_dpop_nonce\", error_description=\""
            + "Resend the request with a DPoP proof carrying the DPoP-Nonce.\""),
        Arguments.of(DenyReason.TOKEN_INACTIVE, 401, invalidToken("The access token is not active.")),
        Arguments.of(DenyReason.KEYS_UNAVAILABLE, 503, null),
        Arguments.of(DenyReason.INTROSPECTION_UNAVAILABLE, 503, null),
        Arguments.of(DenyReason.TOKEN_EXCHANGE_UNAVAILABLE, 503, null),
        Arguments.of(DenyReason.TOKEN_EXCHANGE_REFUSED, 403, null),
        Arguments.of(DenyReason.TOKEN_EXCHANGE_SUBJECT_REFUSED, 401,
            invalidToken("The access token cannot be exchanged for the upstream.")),
        Arguments.of(DenyReason.STATE_UNAVAILABLE, 503, null),
        Arguments.of(DenyReason.PEER_REJECTED, 403, null),
        Arguments.of(DenyReason.WORKLOAD_FORBIDDEN, 403, null),
        Arguments.of(DenyReason.ROUTE_UNMATCHED, 403, null),
        Arguments.of(DenyReason.INSUFFICIENT_SCOPE, 403, INSUFFICIENT),
        Arguments.of(DenyReason.INSUFFICIENT_ROLE, 403, null),
        Arguments.of(DenyReason.CLAIM_CONDITION_FAILED, 403, null),
        Arguments.of(DenyReason.SOURCE_BLOCKED, 403, null),
        Arguments.of(DenyReason.ATTACK_DETECTED, 403, null),
        Arguments.of(DenyReason.FORM_TOO_LARGE, 413, null),
        Arguments.of(DenyReason.FORM_UNSUPPORTED, 415, null),
        Arguments.of(DenyReason.FORM_READ_TIMEOUT, 408, null),
        Arguments.of(DenyReason.UPGRADE_REFUSED, 403, null),
        Arguments.of(DenyReason.STEP_UP_REQUIRED, 401, BARE + ", error=\"insufficient_user_authentication\","
            + " error_description=\"A stronger or more recent authentication is required.\""),
        Arguments.of(DenyReason.TRUST_TOO_LOW, 403, null),
        Arguments.of(DenyReason.RATE_LIMITED, 429, null),
        Arguments.of(DenyReason.RATE_LIMITED_ABNORMAL, 429, null),
        Arguments.of(DenyReason.VALIDATION_BUDGET_EXCEEDED, 429, null),
        Arguments.of(DenyReason.DECISION_TIMEOUT, 503, null),
        Arguments.of(DenyReason.REQUEST_MALFORMED, 400, null),
        Arguments.of(DenyReason.REQUEST_LINE_TOO_LONG, 414, null),
        Arguments.of(DenyReason.HEADERS_TOO_LARGE, 431, null),
        Arguments.of(DenyReason.OBJECT_FORBIDDEN, 403, null),
        Arguments.of(DenyReason.PDP_DENIED, 403, null),
        Arguments.of(DenyReason.PDP_UNAVAILABLE, 503, null),
        Arguments.of(DenyReason.INTERNAL_ERROR, 500, null));
  }

  /** The server's parser could not read these requests: a bare status, no body, and the connection closes. */
  private static boolean unparsed(DenyReason reason) {
    return switch (reason.kind()) {
      case MALFORMED_REQUEST, URI_TOO_LONG, HEADERS_TOO_LARGE -> true;
      default -> false;
    };
  }

  private static String invalidToken(String description) {
    return BARE + ", error=\"invalid_token\", error_description=\"" + description + "\"";
  }

  @Test
  void tableWhenEnumGrowsThenThisTestListsEveryReason() {
    Set<DenyReason> listed = EnumSet.noneOf(DenyReason.class);
    table().forEach(a -> listed.add((DenyReason) a.get()[0]));
    assertThat(listed).containsExactlyInAnyOrder(DenyReason.values());
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @MethodSource("table")
  void ofWhenDeniedThenStatusAndChallengeFollowTheTable(DenyReason reason, int status, String challenge) {
    WireResponse response = WireResponse.of(deny(reason), REALM);

    assertThat(response.status()).isEqualTo(status);
    assertThat(WireResponse.statusOf(reason)).isEqualTo(status);
    assertThat(deny(reason).status()).isEqualTo(status);
    assertThat(response.headers().get("WWW-Authenticate")).isEqualTo(challenge);
    assertThat(response.headers().containsKey("WWW-Authenticate")).isEqualTo(challenge != null);
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(DenyReason.class)
  void ofWhenDeniedThenAlwaysProblemJsonAndNoStore(DenyReason reason) {
    WireResponse response = WireResponse.of(deny(reason), REALM);
    if (unparsed(reason)) {
      assertThat(response.headers()).containsExactly(Map.entry("Connection", "close"));
      assertThat(response.body()).isEmpty();
      return;
    }

    assertThat(response.headers())
        .containsEntry("Content-Type", "application/problem+json")
        .containsEntry("Cache-Control", "no-store");
    Set<String> allowed = Set.of("WWW-Authenticate", "Retry-After", "Content-Type", "Cache-Control", "Connection");
    assertThat(response.headers().keySet()).isSubsetOf(allowed);
    assertThat(response.closesConnection()).isEqualTo(reason == DenyReason.FORM_READ_TIMEOUT);
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(DenyReason.class)
  void ofWhenDeniedThenRetryAfterOnlyOnServiceUnavailable(DenyReason reason) {
    WireResponse response = WireResponse.of(deny(reason), REALM);

    if (response.status() == 503) {
      assertThat(response.headers().get("Retry-After")).isNotNull().matches("[1-9][0-9]*");
    } else {
      assertThat(response.headers()).doesNotContainKey("Retry-After");
    }
    assertThat(reason == DenyReason.KEYS_UNAVAILABLE || reason == DenyReason.DECISION_TIMEOUT
        || reason == DenyReason.STATE_UNAVAILABLE || reason == DenyReason.INTROSPECTION_UNAVAILABLE
        || reason == DenyReason.PDP_UNAVAILABLE || reason == DenyReason.TOKEN_EXCHANGE_UNAVAILABLE)
        .isEqualTo(response.status() == 503);
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(DenyReason.class)
  void ofWhenDeniedThenBodyIsProblemJsonWithTheSameStatus(DenyReason reason) {
    WireResponse response = WireResponse.of(deny(reason), REALM);
    if (unparsed(reason)) {
      return; // no body: see ofWhenDeniedThenAlwaysProblemJsonAndNoStore
    }

    Map<String, Object> problem = StrictJson.parseObject(response.body());
    assertThat(problem).containsOnlyKeys("type", "title", "status", "detail");
    assertThat(problem.get("status")).isEqualTo((long) response.status());
    assertThat(problem.get("type")).isInstanceOf(String.class);
    if (reason.kind() == DenyReason.Kind.QUOTA || reason.kind() == DenyReason.Kind.ABNORMAL_QUOTA) {
      // the problem types the IETF RateLimit fields draft defines
      assertThat((String) problem.get("type"))
          .matches("https://iana\\.org/assignments/http-problem-types#(quota-exceeded|abnormal-usage-detected)");
    } else {
      assertThat((String) problem.get("type")).startsWith(WireResponse.PROBLEM_BASE)
          .matches("https://zt\\.dev/problems/[a-z]+(-[a-z]+)*");
    }
    assertThat(problem.get("title")).isEqualTo(reasonPhrase(response.status()));
    assertThat(problem.get("detail")).isInstanceOf(String.class);
    assertThat((String) problem.get("detail")).isNotBlank();
  }

  @Test
  void ofWhenKindsDifferThenProblemTypesDiffer() {
    Map<DenyReason.Kind, String> typeByKind = new EnumMap<>(DenyReason.Kind.class);
    for (DenyReason reason : DenyReason.values()) {
      if (unparsed(reason)) {
        continue; // no body
      }
      String type = (String) StrictJson.parseObject(WireResponse.of(deny(reason), REALM).body()).get("type");
      String previous = typeByKind.putIfAbsent(reason.kind(), type);
      assertThat(previous == null || previous.equals(type)).as("one type per kind: " + reason).isTrue();
    }
    int withBody = DenyReason.Kind.values().length - 3;
    assertThat(typeByKind).hasSize(withBody);
    assertThat(new HashSet<>(typeByKind.values())).hasSize(withBody);
  }

  @Test
  void ofWhenScopesAreRequiredThenChallengeNamesThemInOrder() {
    WireResponse response = WireResponse.of(
        new Decision.Deny(DenyReason.INSUFFICIENT_SCOPE, "policy", "GET /orders", List.of("orders:read",
            "orders:write")),
        REALM);

    assertThat(response.status()).isEqualTo(403);
    assertThat(response.headers().get("WWW-Authenticate"))
        .isEqualTo("Bearer realm=\"orders\", error=\"insufficient_scope\", scope=\"orders:read orders:write\"");
  }

  @Test
  void ofWhenOneScopeIsRequiredThenChallengeHasJustIt() {
    WireResponse response =
        WireResponse.of(new Decision.Deny(DenyReason.INSUFFICIENT_SCOPE, "policy", "r", List.of("a")), "zt");

    assertThat(response.headers().get("WWW-Authenticate"))
        .isEqualTo("Bearer realm=\"zt\", error=\"insufficient_scope\", scope=\"a\"");
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(value = DenyReason.class, names = {"INSUFFICIENT_ROLE", "CLAIM_CONDITION_FAILED"})
  void ofWhenRoleOrClaimIsMissingThenForbiddenWithoutScopeChallenge(DenyReason reason) {
    WireResponse response = WireResponse.of(new Decision.Deny(reason, "policy", "GET /admin", List.of()), REALM);

    assertThat(response.status()).isEqualTo(403);
    assertThat(response.headers()).doesNotContainKey("WWW-Authenticate");
    assertThat(response.body()).doesNotContain("scope");
    assertThat(StrictJson.parseObject(response.body()).get("type")).isEqualTo(WireResponse.PROBLEM_BASE + "forbidden");
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(DenyReason.class)
  void descriptionWhenPresentThenOnlyOnChallengedAnswersAndAValidQuotedString(DenyReason reason) {
    WireResponse response = WireResponse.of(deny(reason), REALM);
    String challenge = response.headers().get("WWW-Authenticate");
    boolean described = reason.description().isPresent();

    assertThat(described).isEqualTo(response.status() == 401 && reason != DenyReason.CREDENTIAL_MISSING);
    if (described) {
      String d = reason.description().get();
      assertThat(d).matches("[A-Z][\\x20-\\x7e&&[^\"\\\\]]{5,80}\\.");
      assertThat(challenge).contains(", error_description=\"" + d + "\"");
    } else if (challenge != null) {
      assertThat(challenge).doesNotContain("error_description");
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(value = DenyReason.class, names = {"INSUFFICIENT_SCOPE"}, mode = EnumSource.Mode.EXCLUDE)
  void ofWhenReasonIsNotAboutScopesThenScopesAreNotAdvertised(DenyReason reason) {
    WireResponse response =
        WireResponse.of(new Decision.Deny(reason, "g", "r", List.of("orders:read")), REALM);

    assertThat(response.headers().values()).noneMatch(v -> v.contains("scope"));
    assertThat(response.body()).doesNotContain("orders:read");
  }

  @Test
  void ofWhenDeniedThenBodyEchoesNothingFromTheDecision() {
    for (DenyReason reason : DenyReason.values()) {
      WireResponse response = WireResponse.of(
          new Decision.Deny(reason, "secret-gate", "secret-rule /admin", List.of("secret:scope")), "secret-realm");
      assertThat(response.body()).as(reason.name())
          .doesNotContain("secret")
          .doesNotContain("/admin")
          .doesNotContain(reason.name());
    }
  }

  @Test
  void headersWhenResponseIsBuiltThenCannotBeModified() {
    WireResponse response = WireResponse.of(deny(DenyReason.TOKEN_EXPIRED), REALM);

    assertThatThrownBy(() -> response.headers().put("X", "y")).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void constructorWhenSourceMapChangesLaterThenResponseIsUnaffected() {
    Map<String, String> headers = new LinkedHashMap<>(Map.of("Content-Type", WireResponse.PROBLEM_JSON));
    WireResponse response = new WireResponse(400, headers, "{}");
    headers.put("Set-Cookie", "x=y");

    assertThat(response.headers()).containsOnlyKeys("Content-Type");
  }

  private static Decision.Deny deny(DenyReason reason) {
    return new Decision.Deny(reason, "gate", "rule", List.of());
  }

  private static String reasonPhrase(int status) {
    return switch (status) {
      case 400 -> "Bad Request";
      case 401 -> "Unauthorized";
      case 403 -> "Forbidden";
      case 408 -> "Request Timeout";
      case 413 -> "Content Too Large";
      case 415 -> "Unsupported Media Type";
      case 429 -> "Too Many Requests";
      case 500 -> "Internal Server Error";
      case 503 -> "Service Unavailable";
      default -> throw new AssertionError("unexpected status " + status);
    };
  }

  /**
   * A strict RFC 8259 parser, just enough to check problem bodies: no trailing data, no duplicate members, no
   * unescaped control characters, integers as {@code Long}.
   */
  static final class StrictJson {
    private final String s;
    private int i;

    private StrictJson(String s) {
      this.s = s;
    }

    static Map<String, Object> parseObject(String text) {
      StrictJson p = new StrictJson(text);
      p.ws();
      Object v = p.value();
      p.ws();
      if (p.i != text.length()) {
        throw p.fail("trailing data");
      }
      if (!(v instanceof Map)) {
        throw p.fail("not an object");
      }
      @SuppressWarnings("unchecked")
      Map<String, Object> m = (Map<String, Object>) v;
      return m;
    }

    private Object value() {
      if (i >= s.length()) {
        throw fail("unexpected end");
      }
      char c = s.charAt(i);
      switch (c) {
        case '{':
          return object();
        case '[':
          return array();
        case '"':
          return string();
        case 't':
          return literal("true", Boolean.TRUE);
        case 'f':
          return literal("false", Boolean.FALSE);
        case 'n':
          return literal("null", null);
        default:
          return number();
      }
    }

    private Map<String, Object> object() {
      Map<String, Object> m = new LinkedHashMap<>();
      i++;
      ws();
      if (peek() == '}') {
        i++;
        return m;
      }
      while (true) {
        ws();
        if (peek() != '"') {
          throw fail("member name expected");
        }
        String name = string();
        ws();
        expect(':');
        ws();
        Object v = value();
        if (m.containsKey(name)) {
          throw fail("duplicate member " + name);
        }
        m.put(name, v);
        ws();
        char c = next();
        if (c == '}') {
          return m;
        }
        if (c != ',') {
          throw fail("',' or '}' expected");
        }
      }
    }

    private List<Object> array() {
      List<Object> list = new ArrayList<>();
      i++;
      ws();
      if (peek() == ']') {
        i++;
        return list;
      }
      while (true) {
        ws();
        list.add(value());
        ws();
        char c = next();
        if (c == ']') {
          return list;
        }
        if (c != ',') {
          throw fail("',' or ']' expected");
        }
      }
    }

    private String string() {
      expect('"');
      StringBuilder sb = new StringBuilder();
      while (true) {
        char c = next();
        if (c == '"') {
          return sb.toString();
        }
        if (c < 0x20) {
          throw fail("unescaped control character");
        }
        if (c != '\\') {
          sb.append(c);
          continue;
        }
        char e = next();
        switch (e) {
          case '"', '\\', '/' -> sb.append(e);
          case 'b' -> sb.append('\b');
          case 'f' -> sb.append('\f');
          case 'n' -> sb.append('\n');
          case 'r' -> sb.append('\r');
          case 't' -> sb.append('\t');
          case 'u' -> {
            if (i + 4 > s.length()) {
              throw fail("truncated \\u escape");
            }
            sb.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
            i += 4;
          }
          default -> throw fail("bad escape");
        }
      }
    }

    private Object number() {
      int start = i;
      if (peek() == '-') {
        i++;
      }
      if (peek() == '0') {
        i++;
      } else if (peek() >= '1' && peek() <= '9') {
        while (peek() >= '0' && peek() <= '9') {
          i++;
        }
      } else {
        throw fail("value expected");
      }
      boolean integral = true;
      if (peek() == '.') {
        integral = false;
        i++;
        digits();
      }
      if (peek() == 'e' || peek() == 'E') {
        integral = false;
        i++;
        if (peek() == '+' || peek() == '-') {
          i++;
        }
        digits();
      }
      String text = s.substring(start, i);
      return integral ? (Object) Long.parseLong(text) : (Object) Double.parseDouble(text);
    }

    private void digits() {
      if (!(peek() >= '0' && peek() <= '9')) {
        throw fail("digit expected");
      }
      while (peek() >= '0' && peek() <= '9') {
        i++;
      }
    }

    private Object literal(String word, Object v) {
      if (!s.startsWith(word, i)) {
        throw fail("bad literal");
      }
      i += word.length();
      return v;
    }

    private void ws() {
      while (i < s.length() && " \t\r\n".indexOf(s.charAt(i)) >= 0) {
        i++;
      }
    }

    private char peek() {
      return i < s.length() ? s.charAt(i) : '\0';
    }

    private char next() {
      if (i >= s.length()) {
        throw fail("unexpected end");
      }
      return s.charAt(i++);
    }

    private void expect(char c) {
      if (next() != c) {
        throw fail("'" + c + "' expected");
      }
    }

    private IllegalArgumentException fail(String why) {
      return new IllegalArgumentException("invalid JSON at " + i + ": " + why + " in " + s);
    }
  }

  @Test
  void strictJsonWhenInputIsNotValidJsonThenThrows() {
    for (String bad : List.of("", "{", "{}x", "{\"a\":1,}", "{\"a\":1,\"a\":2}", "{a:1}", "{\"a\":01}",
        "{\"a\":\"\n\"}", "[]", "{\"a\":tru}", "{\"a\":1.}")) {
      assertThatThrownBy(() -> StrictJson.parseObject(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
    }
    assertThat(StrictJson.parseObject(" {\"a\":[1,-2.5e1,true,null,\"\\u0041\\n\"],\"b\":{}} "))
        .containsEntry("a", java.util.Arrays.asList(1L, -25.0, true, null, "A\n"))
        .containsEntry("b", Map.of());
  }

  @Test
  void ofWhenIntrospectionUnavailableThen503WithRetryAfterAndItsOwnProblemType() {
    WireResponse response = WireResponse.of(deny(DenyReason.INTROSPECTION_UNAVAILABLE), REALM);
    assertThat(response.status()).isEqualTo(503);
    assertThat(response.headers()).containsEntry("Retry-After", "5");
    assertThat(response.body()).contains("\"type\":\"https://zt.dev/problems/introspection-unavailable\"");
  }

  @Test
  void ofWhenTokenExchangeUnavailableThen503WithRetryAfterAndItsOwnProblemType() {
    WireResponse response = WireResponse.of(deny(DenyReason.TOKEN_EXCHANGE_UNAVAILABLE), REALM);
    assertThat(response.status()).isEqualTo(503);
    assertThat(response.headers()).containsEntry("Retry-After", "5").doesNotContainKey("WWW-Authenticate");
    assertThat(response.body()).contains("\"type\":\"https://zt.dev/problems/token-exchange-unavailable\"");
  }
}
