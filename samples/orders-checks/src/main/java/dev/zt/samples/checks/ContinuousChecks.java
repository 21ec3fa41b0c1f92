package dev.zt.samples.checks;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Continuous verification end to end, over HTTP, as every orders sample configures it: step-up by low trust, 429 with
 * its fields, a limit tightened for an identity that enumerates, SQL injection refused (query and form) and then the
 * credential suspended, credential stuffing and bad signatures blocking the source (address, then network), and what
 * the automated responses must not be aimed at. The client address comes from {@code X-Forwarded-For}, trusted from
 * loopback. Each check uses its own subjects and addresses, since the service's state lives as long as the class.
 */
public abstract class ContinuousChecks extends ServiceChecks {

  private HttpResponse<String> get(String path, String token, String... headers) throws Exception {
    return Http.send("GET", service.uri(path), token, null, null, headers);
  }

  private HttpResponse<String> postForm(String form, String token) throws Exception {
    return Http.send("POST", service.uri("/orders"), token, "application/x-www-form-urlencoded", form);
  }

  private String reader(String subject) {
    return issuer.token().subject(subject).scope("orders:read").build();
  }

  @Test
  void apiWhenIdentityEnumeratesThenItsLimitIsTightenedAndSaysWhy() throws Exception {
    String token = reader("cv-enum-http");
    for (int i = 0; i < 20; i++) {
      assertThat(get("/orders/" + i + "/secrets", token).statusCode()).isEqualTo(403);
    }
    HttpResponse<String> limited = null;
    for (int i = 0; i < 20 && (limited == null || limited.statusCode() != 429); i++) {
      limited = get("/orders/7", token);
    }
    assertThat(limited.statusCode()).isEqualTo(429);
    assertThat(limited.body()).contains("abnormal-usage-detected");
  }

  @Test
  void anonymousWhenRouteHasATrustFloorThenAnsweredAsAPathThatDoesNotExist() throws Exception {
    for (String posture : new String[] {"noncompliant", "compliant"}) {
      HttpResponse<String> floored = get("/orders", null, "X-Device-Posture", posture);
      HttpResponse<String> missing = get("/no-such-route", null, "X-Device-Posture", posture);
      assertThat(floored.statusCode()).isEqualTo(401).isEqualTo(missing.statusCode());
      assertThat(floored.headers().allValues("WWW-Authenticate")).containsExactly("Bearer realm=\"orders\"")
          .isEqualTo(missing.headers().allValues("WWW-Authenticate"));
      assertThat(floored.body()).isEqualTo(missing.body()).doesNotContain("insufficient-user-authentication");
    }
  }

  @Test
  void ordersWhenDeviceNonCompliantThenStepUpIsRequested() throws Exception {
    String token = reader("cv-step-up");
    HttpResponse<String> res = get("/orders", token, "X-Device-Posture", "noncompliant");
    assertThat(res.statusCode()).isEqualTo(401);
    assertThat(res.headers().firstValue("WWW-Authenticate")).contains(
        "Bearer realm=\"orders\", error=\"insufficient_user_authentication\","
            + " error_description=\"A stronger or more recent authentication is required.\", acr_values=\"mfa\","
            + " max_age=\"300\"");
    assertThat(res.body()).contains("insufficient-user-authentication").doesNotContain("device");
    assertThat(get("/orders", token, "X-Device-Posture", "compliant").statusCode()).isEqualTo(200);
  }

  @Test
  void ordersWhenBurstExceedsFiftyPerTenSecondsThenAnswers429WithFields() throws Exception {
    String token = reader("cv-burst");
    int ok = 0;
    HttpResponse<String> last = null;
    for (int i = 0; i < 51; i++) {
      last = get("/orders", token);
      ok += last.statusCode() == 200 ? 1 : 0;
    }
    assertThat(ok).isEqualTo(50);
    assertThat(last.statusCode()).isEqualTo(429);
    assertThat(last.headers().firstValue("Retry-After")).hasValueSatisfying(v -> assertThat(Long.parseLong(v))
        .isBetween(1L, 10L));
    assertThat(last.headers().firstValue("RateLimit-Policy")).contains("\"orders\";q=50;w=10");
    assertThat(last.headers().firstValue("RateLimit")).hasValueSatisfying(v -> assertThat(v).startsWith(
        "\"orders\";r=0;t="));
    assertThat(last.body()).contains("quota-exceeded");
    assertThat(get("/orders", reader("cv-burst-other")).statusCode()).isEqualTo(200);
  }

  @Test
  void ordersWhenSqlInjectionRepeatedThenRefusedThenCredentialSuspended() throws Exception {
    String token = reader("cv-sqli");
    for (int i = 0; i < 3; i++) {
      HttpResponse<String> res = get("/orders?id=1%27%20OR%20%271%27%3D%271", token);
      assertThat(res.statusCode()).isEqualTo(403);
      assertThat(res.body()).contains("request-rejected").doesNotContain("OR");
    }
    HttpResponse<String> after = get("/orders", token);
    assertThat(after.statusCode()).isEqualTo(401);
    assertThat(after.headers().firstValue("WWW-Authenticate")).contains("Bearer realm=\"orders\", error=\"invalid_token\","
        + " error_description=\"The access token is no longer accepted.\"");
    assertThat(get("/orders?q=O%27Brien", reader("cv-sqli-benign")).statusCode()).isEqualTo(200);
  }

  @Test
  void ordersWhenFormBodyCarriesSqlInjectionThenRefusedOnEveryServer() throws Exception {
    String writer = issuer.token().subject("cv-sqli-form").scope("orders:write").build();

    HttpResponse<String> res = postForm("item=1%27%20OR%20%271%27%3D%271&qty=1", writer);

    assertThat(res.statusCode()).isEqualTo(403);
    assertThat(res.body()).contains("request-rejected").doesNotContain("OR");
    String benign = issuer.token().subject("cv-sqli-form-benign").scope("orders:write").build();
    assertThat(postForm("item=O%27Brien%27s+tea&qty=2", benign).statusCode()).isEqualTo(201);
  }

  @Test
  void ordersWhenOneSourceStuffsCredentialsThenOnlyThatSourceIsBlocked() throws Exception {
    String forged = issuer.token().subject("victim").header("kid", "guessed").build();
    assertThat(failuresUntilBlocked(forged, i -> "198.51.100.77", 25)).isBetween(20, 22);
    HttpResponse<String> blocked = get("/orders", reader("cv-stuff-ok"), "X-Forwarded-For", "198.51.100.77");
    assertThat(blocked.statusCode()).isEqualTo(403);
    assertThat(blocked.body()).contains("source-blocked");
    assertThat(get("/orders", reader("cv-stuff-ok"), "X-Forwarded-For", "198.51.100.78").statusCode())
        .isEqualTo(200);
    // the gateway itself (loopback without X-Forwarded-For) is never blocked
    for (int i = 0; i < 25; i++) {
      assertThat(get("/orders", forged).statusCode()).isEqualTo(401);
    }
    assertThat(get("/orders", reader("cv-stuff-direct")).statusCode()).isEqualTo(200);
  }

  // ---- the automated responses cannot be aimed at others (each test in its own network: counts are per /24 too)

  /**
   * Sends {@code token} from {@code address(i)} until the source is refused as {@code source-blocked} (at most
   * {@code max} times) and returns how many were refused 401 before. The threshold is reached at its count or, when the
   * requests straddle the edge of the counters' windows (the previous one is weighted by its overlap), a few later.
   */
  private int failuresUntilBlocked(String token, java.util.function.IntFunction<String> address, int max)
      throws Exception {
    for (int i = 0; i < max; i++) {
      HttpResponse<String> r = get("/orders", token, "X-Forwarded-For", address.apply(i));
      if (r.statusCode() == 403) {
        assertThat(r.body()).contains("source-blocked");
        return i;
      }
      assertThat(r.statusCode()).isEqualTo(401);
    }
    return max;
  }

  /** A token of the real issuer whose signature was altered in the middle. */
  private String badSignature(String subject) {
    String t = reader(subject);
    int at = t.lastIndexOf('.') + 10;
    return t.substring(0, at) + (t.charAt(at) == 'A' ? 'B' : 'A') + t.substring(at + 1);
  }

  @Test
  void ordersWhenAnonymousRequestsRepeatFromOneAddressThenItIsNotBlocked() throws Exception {
    for (int i = 0; i < 25; i++) {
      assertThat(get("/orders", null, "X-Forwarded-For", "203.0.113.10").statusCode()).isEqualTo(401);
    }
    assertThat(get("/orders", reader("cv-anon-ok"), "X-Forwarded-For", "203.0.113.10").statusCode()).isEqualTo(200);
  }

  @Test
  void ordersWhenExpiredTokensRepeatFromOneAddressThenItIsNotBlocked() throws Exception {
    String expired = issuer.token().subject("cv-expired").scope("orders:read").issuedIn(Duration.ofMinutes(-30))
        .expiresIn(Duration.ofMinutes(-10)).build();
    for (int i = 0; i < 25; i++) {
      assertThat(get("/orders", expired, "X-Forwarded-For", "203.0.113.11").statusCode()).isEqualTo(401);
    }
    assertThat(get("/orders", reader("cv-expired"), "X-Forwarded-For", "203.0.113.11").statusCode())
        .isEqualTo(200);
  }

  @Test
  void ordersWhenBadSignaturesRepeatFromOneAddressThenThatAddressIsBlocked() throws Exception {
    String forged = badSignature("cv-badsig");
    for (int i = 0; i < 25; i++) {
      assertThat(get("/orders", forged, "X-Forwarded-For", "192.0.2.12").statusCode()).isIn(401, 403);
    }
    HttpResponse<String> blocked = get("/orders", reader("cv-badsig-ok"), "X-Forwarded-For", "192.0.2.12");
    assertThat(blocked.statusCode()).isEqualTo(403);
    assertThat(blocked.body()).contains("source-blocked");
  }

  @Test
  void ordersWhenAddressesRotateInsideOneNetworkThenTheNetworkIsBlocked() throws Exception {
    String forged = badSignature("cv-rotate");
    // 25 addresses, at most 5 failures each: each below its own 20, the network over its 100
    assertThat(failuresUntilBlocked(forged, i -> "100.64.7." + (i % 25 + 1), 125)).isBetween(100, 110);
    HttpResponse<String> blocked = get("/orders", reader("cv-rotate-ok"), "X-Forwarded-For", "100.64.7.200");
    assertThat(blocked.statusCode()).isEqualTo(403);
    assertThat(blocked.body()).contains("source-blocked");
    assertThat(get("/orders", reader("cv-rotate-ok"), "X-Forwarded-For", "100.64.8.1").statusCode()).isEqualTo(200);
  }

  @Test
  void ordersWhenOneTokenCarriesInjectionsThenOnlyThatTokenIsSuspended() throws Exception {
    String relayed = reader("cv-content");
    String other = reader("cv-content");
    for (int i = 0; i < 3; i++) {
      assertThat(get("/orders/1?q=1%27%20OR%20%271%27%3D%271", relayed).statusCode()).isEqualTo(403);
    }
    assertThat(get("/orders/1", relayed).statusCode()).isEqualTo(401);
    // the same subject's other token still works, on a route that needs trust MEDIUM (not pinned at CRITICAL)
    assertThat(get("/orders", other).statusCode()).isEqualTo(200);
  }

  @Test
  void healthWhenAnonymousProbesRepeatFromOneAddressThenItsAnonymousRequestsAreRefused() throws Exception {
    for (int i = 0; i < 10; i++) {
      assertThat(get("/health?q=1%27%20OR%20%271%27%3D%271", null, "X-Forwarded-For", "100.64.9.1").statusCode())
          .isEqualTo(403);
    }
    HttpResponse<String> blocked = get("/health", null, "X-Forwarded-For", "100.64.9.1");
    assertThat(blocked.statusCode()).isEqualTo(403);
    assertThat(blocked.body()).contains("source-blocked");
    // a user behind that address who presents a credential goes on; so do other addresses and the gateway itself
    assertThat(get("/orders", reader("cv-probe-user"), "X-Forwarded-For", "100.64.9.1").statusCode()).isEqualTo(200);
    assertThat(get("/health", null, "X-Forwarded-For", "100.64.10.1").statusCode()).isEqualTo(200);
    for (int i = 0; i < 12; i++) {
      get("/health?q=1%27%20OR%20%271%27%3D%271", null);
    }
    assertThat(get("/health", null).statusCode()).isEqualTo(200);
  }
}
