package dev.zt.testkit.it.core;

import dev.zt.core.internal.pipeline.CoreAccess;
import dev.zt.core.internal.ClientAddresses;
import dev.zt.core.Decision;
import dev.zt.core.DenyReason;
import dev.zt.core.Enforcer;

import dev.zt.core.countermeasure.Countermeasure;
import dev.zt.core.countermeasure.CountermeasurePolicy;
import dev.zt.core.detect.Detection;
import dev.zt.core.policy.Requirement;
import dev.zt.core.policy.RoutePolicy;
import dev.zt.core.rate.RateLimit;
import dev.zt.core.rate.RatePolicy;
import dev.zt.core.trust.TrustLevel;

import static dev.zt.testkit.ZtAssertions.assertThatDecision;
import static dev.zt.testkit.ZtAssertions.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.zt.testkit.TestClock;
import dev.zt.testkit.TestIssuer;
import dev.zt.testkit.TestRequest;
import dev.zt.testkit.ZtExtension;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The automated responses cannot be aimed at others (issue 12 §2): what counts as a failed authentication, who is
 * never blocked, what a content verdict may touch, how anonymous probing is bounded, and what evidence quotes.
 */
@ExtendWith(ZtExtension.class)
class ResponsesTests {

  TestIssuer issuer;
  TestClock clock;
  final List<String> details = new ArrayList<>();

  @BeforeEach
  void setUp(TestIssuer issuer, TestClock clock) {
    this.issuer = issuer;
    this.clock = clock;
  }

  /** Loopback and 10.0.0.0/8 are the proxies in front. */
  static final Predicate<InetAddress> PROXIES = a -> a.isLoopbackAddress() || (a.getAddress()[0] & 0xFF) == 10;

  private Enforcer enforcer(UnaryOperator<Enforcer.Builder> more) {
    Enforcer.Builder b = Enforcer.builder()
        .bearerJwt(issuer.bearerJwt().build())
        .routes(RoutePolicy.builder()
            .get("/orders", Requirement.allScopes("orders:read")
                .and(Requirement.minimumTrust(TrustLevel.MEDIUM).orStepUp("mfa", Duration.ofMinutes(5))))
            .get("/search", Requirement.authenticated())
            .get("/health", Requirement.permitAll())
            .build())
        .clock(clock)
        .auditListener((request, decision, detail) -> details.add(detail));
    return more.apply(b).build();
  }

  private Enforcer behindProxies() {
    return enforcer(b -> b.trustForwardedFor(PROXIES));
  }

  private Decision send(Enforcer e, TestRequest r) {
    return await(e.enforce(r.clock(clock).build()));
  }

  /** A GET through the proxy 10.0.0.5 for the client {@code client}, with {@code token} (null: none). */
  private Decision via(Enforcer e, String client, String target, String token) {
    int q = target.indexOf('?');
    TestRequest r = TestRequest.get(q < 0 ? target : target.substring(0, q)).peer("10.0.0.5")
        .header("X-Forwarded-For", client);
    if (q >= 0) {
      r.query(target.substring(q + 1));
    }
    if (token != null) {
      r.bearer(token);
    }
    return send(e, r);
  }

  private String reader(String subject) {
    return issuer.token().subject(subject).scope("orders:read").build();
  }

  /** A token of the real issuer whose signature was altered in the middle (canonical base64url still). */
  private String badSignature() {
    String t = reader("mallory");
    int at = t.lastIndexOf('.') + 10;
    char c = t.charAt(at);
    return t.substring(0, at) + (c == 'A' ? 'B' : 'A') + t.substring(at + 1);
  }

  // ---- what counts as a failed authentication

  @Test
  void enforceWhenAnonymousRequestsRepeatFromOneAddressThenItIsNotBlocked() {
    Enforcer e = behindProxies();
    for (int i = 0; i < 25; i++) {
      assertThatDecision(via(e, "203.0.113.7", "/search", null)).isDeniedWith(DenyReason.CREDENTIAL_MISSING);
    }
    assertThatDecision(via(e, "203.0.113.7", "/search", reader("alice"))).isAllowed();
    assertThat(e.countermeasures().active()).isEmpty();
  }

  @Test
  void enforceWhenExpiredTokensRepeatFromOneAddressThenItIsNotBlocked() {
    Enforcer e = behindProxies();
    String expired = issuer.token().subject("alice").issuedIn(Duration.ofMinutes(-30))
        .expiresIn(Duration.ofMinutes(-10)).build();
    for (int i = 0; i < 25; i++) {
      assertThatDecision(via(e, "203.0.113.7", "/search", expired)).isDeniedWith(DenyReason.TOKEN_EXPIRED);
    }
    assertThatDecision(via(e, "203.0.113.7", "/search", reader("alice"))).isAllowed();
  }

  /**
   * Tokens the real issuer signed that fail a later rule (an ID token, another audience) are a misconfigured
   * client's mistake, made by every user of that client behind one shared address: never counted.
   */
  @Test
  void enforceWhenGenuineTokensFailLaterRulesFromOneAddressThenItIsNotBlocked() {
    Enforcer e = behindProxies();
    String idToken = issuer.token().header("typ", "JWT").subject("alice").claim("typ", "ID").claim("nonce", "n-0S6")
        .build();
    String otherAudience = issuer.token().subject("alice").audience("billing-api").build();
    for (int i = 0; i < 25; i++) {
      assertThatDecision(via(e, "203.0.113.7", "/search", idToken)).isDeniedWith(DenyReason.TOKEN_NOT_ACCESS_TOKEN);
      assertThatDecision(via(e, "203.0.113.7", "/search", otherAudience))
          .isDeniedWith(DenyReason.TOKEN_AUDIENCE_MISMATCH);
    }
    assertThatDecision(via(e, "203.0.113.7", "/search", reader("alice"))).isAllowed();
    assertThat(e.countermeasures().active()).isEmpty();
  }

  @Test
  void enforceWhenBadSignaturesRepeatFromOneAddressThenThatAddressIsBlocked() {
    Enforcer e = behindProxies();
    String forged = badSignature();
    for (int i = 0; i < 20; i++) {
      assertThatDecision(via(e, "203.0.113.7", "/search", forged)).isDeniedWith(DenyReason.TOKEN_SIGNATURE_INVALID);
    }
    assertThatDecision(via(e, "203.0.113.7", "/search", reader("alice"))).isDeniedWith(DenyReason.SOURCE_BLOCKED);
    assertThatDecision(via(e, "203.0.113.8", "/search", reader("alice"))).isAllowed();
  }


  @Test
  void enforceWhenAddressesRotateInsideOneIpv4NetworkThenTheNetworkIsBlocked() {
    Enforcer e = behindProxies();
    String forged = badSignature();
    for (int i = 0; i < 100; i++) { // 25 addresses, 4 failures each: every address stays below its 20
      assertThatDecision(via(e, "198.51.100." + (i % 25 + 1), "/search", forged)).hasStatus(401);
    }
    assertThatDecision(via(e, "198.51.100.200", "/search", reader("alice")))
        .isDeniedWith(DenyReason.SOURCE_BLOCKED);
    assertThatDecision(via(e, "198.51.101.1", "/search", reader("alice"))).isAllowed();
    assertThat(e.countermeasures().active()).anyMatch(a -> a.kind() == Countermeasure.Kind.BLOCK_SOURCE
        && a.target().equals("net:198.51.100.0/24") && a.rule().equals("stuffing.network"));
    assertThat(e.countermeasures().unblockNetwork(InetAddress.getLoopbackAddress())).isFalse();
  }

  @Test
  void enforceWhenAddressesRotateInsideOneIpv6NetworkThenTheNetworkIsBlocked() throws Exception {
    Enforcer e = enforcer(b -> b.trustForwardedFor(PROXIES).detection(Detection.defaults().withNetworkStuffing(30)));
    String forged = badSignature();
    for (int i = 0; i < 30; i++) {
      via(e, "2001:db8:1:2::" + Integer.toHexString(i + 1), "/search", forged);
    }
    assertThatDecision(via(e, "2001:db8:1:2:ffff::1", "/search", reader("alice")))
        .isDeniedWith(DenyReason.SOURCE_BLOCKED);
    assertThatDecision(via(e, "2001:db8:1:3::1", "/search", reader("alice"))).isAllowed();
    assertThat(e.countermeasures().active()).anyMatch(a -> a.target().equals("net:2001:db8:1:2::/64"));
    assertThat(e.countermeasures().unblockNetwork(InetAddress.getByName("2001:db8:1:2::77"))).isTrue();
    assertThatDecision(via(e, "2001:db8:1:2:ffff::1", "/search", reader("alice"))).isAllowed();
  }

  // ---- who is never blocked

  @Test
  void enforceWhenATrustedProxyItselfFailsRepeatedlyThenItIsNeverBlocked() {
    Enforcer e = behindProxies();
    String forged = badSignature();
    for (int i = 0; i < 25; i++) {
      assertThatDecision(send(e, TestRequest.get("/search").peer("10.0.0.5").bearer(forged))).hasStatus(401);
    }
    assertThatDecision(send(e, TestRequest.get("/search").peer("10.0.0.5").bearer(reader("alice")))).isAllowed();
    assertThatDecision(via(e, "203.0.113.50", "/search", reader("bob"))).isAllowed();
  }

  @Test
  void enforceWhenAnUntrustedPeerSendsForwardedForThenThePeerIsNeverBlocked() {
    Enforcer e = behindProxies();
    String forged = badSignature();
    for (int i = 0; i < 25; i++) {
      assertThatDecision(send(e, TestRequest.get("/search").peer("192.0.2.10")
          .header("X-Forwarded-For", "203.0.113.9").bearer(forged))).hasStatus(401);
    }
    // everyone behind that unconfigured proxy keeps working
    assertThatDecision(send(e, TestRequest.get("/search").peer("192.0.2.10")
        .header("X-Forwarded-For", "203.0.113.10").bearer(reader("alice")))).isAllowed();
    assertThat(e.countermeasures().active()).isEmpty();
  }

  @Test
  void enforceWhenNoProxyIsTrustedAndAPeerForwardsThenThePeerIsNeverBlocked() {
    Enforcer e = enforcer(b -> b);
    String forged = badSignature();
    for (int i = 0; i < 25; i++) {
      send(e, TestRequest.get("/search").peer("192.0.2.10").header("X-Forwarded-For", "203.0.113.9").bearer(forged));
    }
    assertThatDecision(send(e, TestRequest.get("/search").peer("192.0.2.10").bearer(reader("alice")))).isAllowed();
    // a peer that forwards for nobody is counted and blocked as before
    for (int i = 0; i < 20; i++) {
      send(e, TestRequest.get("/search").peer("192.0.2.11").bearer(forged));
    }
    assertThatDecision(send(e, TestRequest.get("/search").peer("192.0.2.11").bearer(reader("alice"))))
        .isDeniedWith(DenyReason.SOURCE_BLOCKED);
  }

  @Test
  void enforceWhenAForwardedHopIsUnparseableThenNoOneIsBlocked() {
    Enforcer e = behindProxies();
    String forged = badSignature();
    for (int i = 0; i < 25; i++) {
      assertThatDecision(via(e, "unknown", "/search", forged)).hasStatus(401);
    }
    assertThatDecision(send(e, TestRequest.get("/search").peer("10.0.0.5").bearer(reader("alice")))).isAllowed();
    assertThatDecision(via(e, "203.0.113.60", "/search", reader("bob"))).isAllowed();
    assertThat(e.countermeasures().active()).isEmpty();
  }

  @Test
  void enforceWhenClientsAreUnknownThenTheyShareNoRateBucket() {
    Enforcer e = enforcer(b -> b.trustForwardedFor(PROXIES).rateLimits(RatePolicy.builder()
        .route("GET /health", RateLimit.of("health", 3, Duration.ofSeconds(10))).build()));
    for (int i = 0; i < 10; i++) {
      assertThatDecision(via(e, "_hidden" + i, "/health", null)).as("unknown client %d", i).isAllowed();
    }
    // a known client still has its bucket, and the proxy is not charged for the unknown ones
    for (int i = 0; i < 3; i++) {
      assertThatDecision(via(e, "203.0.113.70", "/health", null)).isAllowed();
    }
    assertThatDecision(via(e, "203.0.113.70", "/health", null)).isDeniedWith(DenyReason.RATE_LIMITED);
    assertThatDecision(send(e, TestRequest.get("/health").peer("10.0.0.5"))).isAllowed();
  }

  // ---- content is not identity

  @Test
  void enforceWhenOneTokenCarriesInjectionsThenOnlyThatTokenIsSuspended() {
    Enforcer e = enforcer(b -> b);
    String relayed = reader("alice");
    String other = reader("alice");
    for (int i = 0; i < 3; i++) {
      assertThatDecision(send(e, TestRequest.get("/search").query("q=1%27%20OR%20%271%27%3D%271").bearer(relayed)))
          .isDeniedWith(DenyReason.ATTACK_DETECTED);
    }
    assertThatDecision(send(e, TestRequest.get("/search").bearer(relayed))).isDeniedWith(DenyReason.TOKEN_SUSPENDED);
    // the subject's other token works, and its trust is not pinned at CRITICAL (the route needs MEDIUM)
    assertThatDecision(send(e, TestRequest.get("/orders").bearer(other))).isAllowed();
    assertThat(e.countermeasures().active()).filteredOn(a -> a.kind() == Countermeasure.Kind.SUSPEND_CREDENTIAL)
        .singleElement().satisfies(a -> assertThat(a.target()).startsWith("jti="));
  }

  @Test
  void enforceWhenInjectionsAreSpreadOverTwoTokensThenNeitherIsSuspended() {
    Enforcer e = enforcer(b -> b);
    String first = reader("alice");
    String second = reader("alice");
    for (String token : List.of(first, first, second, second)) {
      assertThatDecision(send(e, TestRequest.get("/search").query("q=1%27%20OR%20%271%27%3D%271").bearer(token)))
          .isDeniedWith(DenyReason.ATTACK_DETECTED);
    }
    assertThatDecision(send(e, TestRequest.get("/search").bearer(first))).isAllowed();
    assertThatDecision(send(e, TestRequest.get("/search").bearer(second))).isAllowed();
  }

  @Test
  void enforceWhenInjectionsAreSpreadOverLocationsThenTheyStillCountTogether() {
    Enforcer e = enforcer(b -> b);
    String token = reader("alice");
    send(e, TestRequest.get("/search").query("q=1%27%20OR%20%271%27%3D%271").bearer(token));
    send(e, TestRequest.get("/search").header("User-Agent", "x' OR '1'='1").bearer(token));
    send(e, TestRequest.get("/search/1%27%20OR%20%271%27%3D%271").bearer(token));
    assertThatDecision(send(e, TestRequest.get("/search").bearer(token))).isDeniedWith(DenyReason.TOKEN_SUSPENDED);
  }

  @Test
  void enforceWhenATokenWithoutJtiCarriesInjectionsThenThatTokenAloneIsSuspended() {
    Enforcer e = enforcer(b -> b);
    String noJti = issuer.token().subject("alice").scope("orders:read").without("jti").build();
    clock.advance(Duration.ofSeconds(2));
    String later = issuer.token().subject("alice").scope("orders:read").without("jti").build();
    for (int i = 0; i < 3; i++) {
      send(e, TestRequest.get("/search").query("q=1%27%20OR%20%271%27%3D%271").bearer(noJti));
    }
    assertThatDecision(send(e, TestRequest.get("/search").bearer(noJti))).isDeniedWith(DenyReason.TOKEN_SUSPENDED);
    assertThatDecision(send(e, TestRequest.get("/search").bearer(later))).isAllowed();
  }

  @Test
  void suspendSubjectWhenAnOperatorAsksThenEveryTokenOfTheSubjectIsRefused() {
    Enforcer e = enforcer(b -> b);
    String one = reader("alice");
    String two = reader("alice");
    e.countermeasures().suspendSubject("alice", Duration.ofMinutes(5), "account takeover reported");
    assertThatDecision(send(e, TestRequest.get("/search").bearer(one))).isDeniedWith(DenyReason.TOKEN_SUSPENDED);
    assertThatDecision(send(e, TestRequest.get("/search").bearer(two))).isDeniedWith(DenyReason.TOKEN_SUSPENDED);
    assertThatDecision(send(e, TestRequest.get("/search").bearer(reader("bob")))).isAllowed();
  }

  @Test
  void enforceWhenRefererHoldsAnInjectionThenNotInspectedUnlessAskedFor() {
    TestRequest request = TestRequest.get("/search").header("Referer", "https://evil.example/?q=1' OR '1'='1");
    Enforcer plain = enforcer(b -> b);
    assertThatDecision(send(plain, request.bearer(reader("alice")))).isAllowed();
    Enforcer inspecting = enforcer(b -> b.detection(Detection.defaults().withRefererInspected()));
    assertThatDecision(send(inspecting, TestRequest.get("/search")
        .header("Referer", "https://evil.example/?q=1' OR '1'='1").bearer(reader("alice"))))
        .isDeniedWith(DenyReason.ATTACK_DETECTED);
  }

  // ---- anonymous probing

  @Test
  void enforceWhenAnonymousProbesRepeatFromOneAddressThenItsAnonymousRequestsAreRefused() {
    Enforcer e = behindProxies();
    for (int i = 0; i < 10; i++) {
      assertThatDecision(via(e, "203.0.113.80", "/health?q=1%27%20OR%20%271%27%3D%271", null))
          .isDeniedWith(DenyReason.ATTACK_DETECTED);
    }
    assertThatDecision(via(e, "203.0.113.80", "/health", null)).isDeniedWith(DenyReason.SOURCE_BLOCKED);
    // another scheme is no credential to zt: it does not lift the block; a bad bearer token is refused and counted
    assertThatDecision(send(e, TestRequest.get("/health").peer("10.0.0.5").header("X-Forwarded-For", "203.0.113.80")
        .header("Authorization", "Basic Zm9vOmJhcg=="))).isDeniedWith(DenyReason.SOURCE_BLOCKED);
    assertThatDecision(via(e, "203.0.113.80", "/health", badSignature()))
        .isDeniedWith(DenyReason.TOKEN_SIGNATURE_INVALID);
    // a user behind the same address who presents a credential is not cut off
    assertThatDecision(via(e, "203.0.113.80", "/search", reader("alice"))).isAllowed();
    assertThatDecision(via(e, "203.0.113.81", "/health", null)).isAllowed();
    assertThat(e.countermeasures().active()).anyMatch(a -> a.kind() == Countermeasure.Kind.BLOCK_ANONYMOUS
        && a.target().equals("203.0.113.80") && a.rule().equals("probing.source"));
    // never the proxy, whatever it relays
    for (int i = 0; i < 12; i++) {
      send(e, TestRequest.get("/health").query("q=1%27%20OR%20%271%27%3D%271").peer("10.0.0.5"));
    }
    assertThatDecision(send(e, TestRequest.get("/health").peer("10.0.0.5"))).isAllowed();
  }

  @Test
  void enforceWhenAnonymousProbesRotateInsideOneNetworkThenItsAnonymousRequestsAreRefused() {
    Enforcer e = behindProxies();
    for (int i = 0; i < 50; i++) { // 10 addresses, 5 probes each: below 10 per address
      via(e, "198.51.100." + (i % 10 + 1), "/health?q=1%27%20OR%20%271%27%3D%271", null);
    }
    assertThatDecision(via(e, "198.51.100.99", "/health", null)).isDeniedWith(DenyReason.SOURCE_BLOCKED);
    assertThatDecision(via(e, "198.51.101.99", "/health", null)).isAllowed();
  }

  // ---- evidence

  @Test
  void enforceWhenASensitiveFieldHoldsAnInjectionThenEvidenceNeverQuotesIt() {
    Enforcer e = enforcer(b -> b.detection(Detection.defaults().withSensitiveFields("pin_code")));
    for (String field : List.of("password", "new_Password", "api-key", "refresh_token", "pass%77ord", "pin_code")) {
      details.clear();
      assertThatDecision(send(e, TestRequest.get("/search").query(field + "=hunter2%27%20OR%20%271%27%3D%271")
          .bearer(reader("alice")))).as(field).isDeniedWith(DenyReason.ATTACK_DETECTED);
      assertThat(details).as(field).anySatisfy(d -> assertThat(d).contains("excerpt=(redacted").contains("shape="))
          .noneSatisfy(d -> assertThat(d).containsAnyOf("unter2", "OR '1'='1"));
    }
    details.clear();
    send(e, TestRequest.get("/search").query("q=hunter2%27%20OR%20%271%27%3D%271").bearer(reader("alice")));
    assertThat(details).anySatisfy(d -> assertThat(d).contains("OR '1'='1")); // an ordinary field is still quoted
  }

  // ---- enhanced monitoring

  /** What the audit logger writes (slf4j-simple writes to the current System.err) while {@code r} runs. */
  private static String stderrOf(Runnable r) {
    java.io.PrintStream saved = System.err;
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    System.setErr(new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8));
    try {
      r.run();
    } finally {
      System.setErr(saved);
    }
    return out.toString(java.nio.charset.StandardCharsets.UTF_8);
  }

  private String monitoredLine(Enforcer e) {
    CoreAccess.enforcers().countermeasures(e).onVerdict(new dev.zt.core.detect.Verdict("enumeration.identity",
        dev.zt.core.detect.Severity.HIGH,
        "test"), "sub:carol", java.util.Optional.empty(), java.util.Optional.empty());
    String token = reader("carol");
    return stderrOf(() -> send(e, TestRequest.get("/search").query("reset_code=s3cr3t987&page=2")
        .header("Referer", "https://app.example/reset?code=s3cr3t654").bearer(token)));
  }

  @Test
  void monitoredWhenRequestHasQueryValuesAndRefererThenTheyAreRedacted() {
    String line = monitoredLine(enforcer(b -> b));
    assertThat(line).contains("zt monitored").contains("reset_code=<redacted>&page=<redacted>")
        .contains("Referer=https://app.example/<redacted>").doesNotContain("s3cr3t");
  }

  @Test
  void monitoredWhenUnredactedAskedForThenQueryAndRefererAreLoggedAsSent() {
    String line = monitoredLine(enforcer(b -> b.countermeasures(CountermeasurePolicy.builder()
        .on("enumeration.identity", Countermeasure.monitor(Duration.ofHours(1)))
        .unsafeMonitorQueryValuesAndReferer().build())));
    assertThat(line).contains("reset_code=s3cr3t987").contains("code=s3cr3t654");
  }

  @Test
  void enforceWhenForwardingIsMisconfiguredThenEachKindIsLoggedOnceNotPerRequest() {
    Enforcer e = behindProxies();
    String log = stderrOf(() -> {
      for (int i = 0; i < 5; i++) {
        send(e, TestRequest.get("/health").peer("192.0.2.10").header("X-Forwarded-For", "203.0.113.9"));
        via(e, "unknown", "/health", null);
      }
    });
    assertThat(log.split("not a trusted proxy", -1)).hasSize(2);
    assertThat(log.split("is not an IP address", -1)).hasSize(2);
    assertThat(log).contains("WARN").contains("192.0.2.10");
  }
}
