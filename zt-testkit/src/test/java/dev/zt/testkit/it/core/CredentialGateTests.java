package dev.zt.testkit.it.core;

import dev.zt.core.Caller;
import dev.zt.core.Decision;
import dev.zt.core.DenyReason;
import dev.zt.core.Enforcer;
import dev.zt.core.RequestContext;

import dev.zt.core.countermeasure.SecurityEvent;
import dev.zt.core.credential.BearerJwt;
import dev.zt.core.trust.SignalResult;

import static dev.zt.testkit.ZtAssertions.assertThatDecision;
import static dev.zt.testkit.ZtAssertions.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.zt.testkit.TestClock;
import dev.zt.testkit.TestIssuer;
import dev.zt.testkit.TestRequest;
import dev.zt.testkit.ZtExtension;
import dev.zt.testkit.spiffe.TestSvid;
import dev.zt.testkit.spiffe.TestTrustDomain;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The credential gate's token rules of issue 12 §4 (an ID token is not an access token; {@code sub} required;
 * {@code cnf} bindings verified; no fabricated {@code iat}), its cache key, and its key-source failure details.
 */
@ExtendWith(ZtExtension.class)
class CredentialGateTests {

  TestIssuer issuer;
  TestClock clock;
  Enforcer enforcer;

  @BeforeEach
  void setUp(TestIssuer issuer, TestClock clock) {
    this.issuer = issuer;
    this.clock = clock;
    this.enforcer = Fixtures.enforcer(issuer, clock);
  }

  private Decision get(Enforcer e, String token) {
    return await(e.enforce(TestRequest.get("/orders").bearer(token).build()));
  }

  /** A Keycloak ID token as an audience mapper that also writes into ID tokens makes it. */
  private dev.zt.testkit.TokenBuilder keycloakIdToken() {
    return issuer.token().header("typ", "JWT").claim("typ", "ID").claim("azp", "orders-web")
        .claim("scope", "orders:read").roles("admin").claim("session_state", "s-1");
  }

  @Nested
  class IdTokens {

    @ParameterizedTest
    @ValueSource(strings = {"ID", "id", "Id"})
    void enforceWhenPayloadTypIsIdThenDeniesNotAnAccessToken(String typ) {
      String token = keycloakIdToken().claim("typ", typ).build();
      assertThatDecision(get(enforcer, token)).isDeniedWith(DenyReason.TOKEN_NOT_ACCESS_TOKEN).hasStatus(401)
          .byGate("credential");
    }

    @Test
    void enforceWhenIdTokenHasNoTypHeaderThenDenies() {
      String token = keycloakIdToken().withoutHeader("typ").build();
      assertThatDecision(get(enforcer, token)).isDeniedWith(DenyReason.TOKEN_NOT_ACCESS_TOKEN);
    }

    @ParameterizedTest
    @ValueSource(strings = {"nonce", "at_hash", "c_hash", "s_hash"})
    void enforceWhenIdTokenClaimPresentWithoutAtJwtThenDenies(String claim) {
      String token = issuer.token().header("typ", "JWT").claim(claim, "x").scope("orders:read").build();
      assertThatDecision(get(enforcer, token)).isDeniedWith(DenyReason.TOKEN_NOT_ACCESS_TOKEN);
    }

    @ParameterizedTest
    @ValueSource(strings = {"at+jwt", "application/at+jwt", "AT+JWT"})
    void enforceWhenHeaderSaysAtJwtThenIdTokenMarkersDoNotDeny(String typ) {
      String token = issuer.token().header("typ", typ).claim("typ", "ID").claim("nonce", "n").claim("at_hash", "h")
          .scope("orders:read").build();
      assertThatDecision(get(enforcer, token)).isAllowed();
    }

    @ParameterizedTest
    @ValueSource(strings = {"Bearer", "bearer", "at+jwt"})
    void enforceWhenPayloadTypNamesAnAccessTokenThenAllows(String typ) {
      String token = issuer.token().header("typ", "JWT").claim("typ", typ).scope("orders:read").build();
      assertThatDecision(get(enforcer, token)).isAllowed();
    }

    static Stream<Arguments> otherJwts() {
      return Stream.of(
          Arguments.of("Keycloak refresh token", (Function<TestIssuer, String>) i ->
              i.token().claim("typ", "Refresh").scope("orders:read").build()),
          Arguments.of("Keycloak offline token", (Function<TestIssuer, String>) i ->
              i.token().claim("typ", "Offline").scope("orders:read").build()),
          Arguments.of("Keycloak logout token", (Function<TestIssuer, String>) i ->
              i.token().claim("typ", "Logout").scope("orders:read").build()),
          Arguments.of("OIDC back-channel logout token", (Function<TestIssuer, String>) i ->
              i.token().header("typ", "JWT").claim("sid", "s-1").claim("events",
                  Map.of("http://schemas.openid.net/event/backchannel-logout", Map.of())).build()),
          Arguments.of("logout token even with typ at+jwt", (Function<TestIssuer, String>) i ->
              i.token().claim("events", Map.of("x", Map.of())).scope("orders:read").build()),
          Arguments.of("DPoP proof shape (htm, htu)", (Function<TestIssuer, String>) i ->
              i.token().header("typ", "JWT").claim("htm", "GET").claim("htu", "https://api/orders")
                  .scope("orders:read").build()),
          Arguments.of("DPoP proof shape (ath)", (Function<TestIssuer, String>) i ->
              i.token().claim("ath", "abc").scope("orders:read").build()),
          Arguments.of("Cognito ID token (token_use id)", (Function<TestIssuer, String>) i ->
              i.token().header("typ", "JWT").claim("token_use", "id").scope("orders:read").build()),
          Arguments.of("payload typ not a string", (Function<TestIssuer, String>) i ->
              i.token().claim("typ", 1).scope("orders:read").build()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("otherJwts")
    void enforceWhenTokenIsAnotherKindOfJwtThenDeniesInvalidToken(String name, Function<TestIssuer, String> token) {
      Decision d = get(enforcer, token.apply(issuer));
      assertThatDecision(d).isDenied().hasStatus(401).byGate("credential");
      assertThat(((Decision.Deny) d).reason()).isIn(DenyReason.TOKEN_NOT_ACCESS_TOKEN, DenyReason.TOKEN_CLAIM_INVALID);
    }

    @Test
    void enforceWhenCognitoAccessTokenThenAllows() {
      String token = issuer.token().claim("token_use", "access").scope("orders:read").build();
      assertThatDecision(get(enforcer, token)).isAllowed();
    }
  }

  @Nested
  class Subject {

    @Test
    void enforceWhenSubMissingThenDeniesInvalidToken() {
      String token = issuer.token().without("sub").scope("orders:read").build();
      assertThatDecision(get(enforcer, token)).isDeniedWith(DenyReason.TOKEN_CLAIM_INVALID).hasStatus(401);
    }

    @Test
    void enforceWhenSubEmptyThenDeniesInvalidToken() {
      String token = issuer.token().subject("").scope("orders:read").build();
      assertThatDecision(get(enforcer, token)).isDeniedWith(DenyReason.TOKEN_CLAIM_INVALID);
    }

    @Test
    void enforceWhenSubMissingAndExplicitlyAllowedThenAllowsAsTheClient() {
      Enforcer e = Fixtures.enforcer(issuer, clock, BearerJwt.Builder::allowMissingSubject);
      String token = issuer.token().without("sub").scope("orders:read").build();
      Decision d = get(e, token);
      assertThatDecision(d).isAllowed();
      assertThat(((Decision.Allow) d).caller().getName()).isEqualTo("test-client");
    }

    @Test
    void enforceWhenSubMissingAndAllowedButSubNotAStringThenStillDenies() {
      Enforcer e = Fixtures.enforcer(issuer, clock, BearerJwt.Builder::allowMissingSubject);
      assertThatDecision(get(e, issuer.token().claim("sub", 7).scope("orders:read").build()))
          .isDeniedWith(DenyReason.TOKEN_CLAIM_INVALID);
    }
  }

  @Nested
  class CertificateBinding {

    final TestTrustDomain domain = TestTrustDomain.create("example.org");
    final TestSvid client = domain.issueX509Svid("/client");
    final TestSvid other = domain.issueX509Svid("/other");

    private String x5t(X509Certificate cert) throws Exception {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(cert.getEncoded());
      return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
    }

    private Decision get(String token, List<X509Certificate> chain) {
      return await(enforcer.enforce(TestRequest.get("/orders").bearer(token).peerCertificates(chain).build()));
    }

    @Test
    void enforceWhenBoundTokenOverItsCertificateThenAllows() throws Exception {
      String token = issuer.token().claim("cnf", Map.of("x5t#S256", x5t(client.leaf()))).scope("orders:read").build();
      Decision d = get(token, client.chain());
      assertThatDecision(d).isAllowed();
      assertThat(((Decision.Allow) d).caller().token().orElseThrow().isCertificateBound()).isTrue();
    }

    @Test
    void enforceWhenBoundTokenWithoutCertificateThenDeniesInvalidToken() throws Exception {
      String token = issuer.token().claim("cnf", Map.of("x5t#S256", x5t(client.leaf()))).scope("orders:read").build();
      Decision d = get(token, List.of());
      assertThatDecision(d).isDeniedWith(DenyReason.TOKEN_BINDING_UNVERIFIED).hasStatus(401);
      assertThat(enforcer.respond((Decision.Deny) d).headers().get("WWW-Authenticate"))
          .contains("error=\"invalid_token\"");
    }

    @Test
    void enforceWhenBoundTokenOverAnotherCertificateThenDenies() throws Exception {
      String token = issuer.token().claim("cnf", Map.of("x5t#S256", x5t(client.leaf()))).scope("orders:read").build();
      assertThatDecision(get(token, other.chain())).isDeniedWith(DenyReason.TOKEN_BINDING_UNVERIFIED);
    }

    @Test
    void enforceWhenBoundTokenCachedThenBindingCheckedOnEveryRequest() throws Exception {
      String token = issuer.token().claim("cnf", Map.of("x5t#S256", x5t(client.leaf()))).scope("orders:read").build();
      assertThatDecision(get(token, client.chain())).isAllowed();
      assertThatDecision(get(token, List.of())).isDeniedWith(DenyReason.TOKEN_BINDING_UNVERIFIED);
      assertThatDecision(get(token, other.chain())).isDeniedWith(DenyReason.TOKEN_BINDING_UNVERIFIED);
      assertThatDecision(get(token, client.chain())).isAllowed();
    }

    @Test
    void enforceWhenBoundTokenNamesAnIntermediateNotTheLeafThenDenies() throws Exception {
      TestSvid chained = TestTrustDomain.create("chained.example").withIntermediate().issueX509Svid("/c");
      String token = issuer.token().claim("cnf", Map.of("x5t#S256", x5t(chained.chain().get(1))))
          .scope("orders:read").build();
      assertThatDecision(get(token, chained.chain())).isDeniedWith(DenyReason.TOKEN_BINDING_UNVERIFIED);
    }

    static Stream<Arguments> malformedCnf() {
      String digest = Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[32]);
      return Stream.of(
          Arguments.of("cnf a string", "x", DenyReason.TOKEN_CLAIM_INVALID),
          Arguments.of("cnf empty", Map.of(), DenyReason.TOKEN_CLAIM_INVALID),
          Arguments.of("x5t#S256 a number", Map.of("x5t#S256", 1), DenyReason.TOKEN_CLAIM_INVALID),
          Arguments.of("x5t#S256 padded", Map.of("x5t#S256", digest + "="), DenyReason.TOKEN_CLAIM_INVALID),
          Arguments.of("x5t#S256 too short", Map.of("x5t#S256", digest.substring(1)), DenyReason.TOKEN_CLAIM_INVALID),
          Arguments.of("x5t#S256 in base64", Map.of("x5t#S256", digest.replace('A', '+')),
              DenyReason.TOKEN_CLAIM_INVALID),
          Arguments.of("DPoP jkt", Map.of("jkt", digest), DenyReason.TOKEN_BINDING_UNVERIFIED),
          Arguments.of("x5t#S256 and jkt", Map.of("x5t#S256", digest, "jkt", digest),
              DenyReason.TOKEN_BINDING_UNVERIFIED),
          Arguments.of("embedded jwk", Map.of("jwk", Map.of("kty", "EC")), DenyReason.TOKEN_BINDING_UNVERIFIED),
          Arguments.of("unknown member", Map.of("x5t", digest), DenyReason.TOKEN_BINDING_UNVERIFIED));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedCnf")
    void enforceWhenCnfMalformedOrUnsupportedThenDeniesInvalidToken(String name, Object cnf, DenyReason reason) {
      String token = issuer.token().claim("cnf", cnf).scope("orders:read").build();
      assertThatDecision(get(token, client.chain())).isDeniedWith(reason).hasStatus(401);
    }

    @Test
    void enforceWhenBoundTokenOverItsCertificateThenTheTokenIsSenderConstrained() throws Exception {
      String bound = issuer.token().claim("cnf", Map.of("x5t#S256", x5t(client.leaf()))).scope("orders:read").build();
      String plain = issuer.token().scope("orders:read").build();
      Decision b = get(bound, client.chain());
      Decision p = get(plain, client.chain());
      assertThat(((Decision.Allow) b).caller().token().orElseThrow().isSenderConstrained()).isTrue();
      assertThat(((Decision.Allow) p).caller().token().orElseThrow().isSenderConstrained()).isFalse();
    }
  }

  /**
   * RFC 9440 {@code Client-Cert}: the client certificate a TLS-terminating proxy forwards, read only when the enforcer
   * says so ({@code trustClientCertHeader()}) and only from a peer its trusted proxies include.
   */
  @Nested
  class ClientCertHeader {

    static final String PROXY = "127.0.0.1";
    static final String STRANGER = "203.0.113.7";

    final TestTrustDomain domain = TestTrustDomain.create("example.org");
    final TestSvid client = domain.issueX509Svid("/client");
    final TestSvid other = domain.issueX509Svid("/other");
    final List<String> details = new CopyOnWriteArrayList<>();

    private Enforcer behindProxy() {
      return Enforcer.builder().bearerJwt(issuer.bearerJwt().build()).routes(Fixtures.routes()).clock(clock)
          .trustForwardedFor(java.net.InetAddress::isLoopbackAddress).trustClientCertHeader()
          .auditListener((request, decision, detail) -> details.add(detail))
          .openTelemetry(io.opentelemetry.api.OpenTelemetry.noop()).build();
    }

    private String bound(X509Certificate cert) throws Exception {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(cert.getEncoded());
      return issuer.token().claim("cnf", Map.of("x5t#S256", Base64.getUrlEncoder().withoutPadding()
          .encodeToString(digest))).scope("orders:read").build();
    }

    private static String header(X509Certificate cert) throws Exception {
      return ":" + Base64.getEncoder().encodeToString(cert.getEncoded()) + ":";
    }

    private Decision get(Enforcer e, String token, String peer, String... clientCert) {
      TestRequest r = TestRequest.get("/orders").bearer(token).peer(peer);
      for (String v : clientCert) {
        r.header("Client-Cert", v);
      }
      return await(e.enforce(r.build()));
    }

    @Test
    void enforceWhenTrustedProxySendsTheBoundCertificateThenAllows() throws Exception {
      Decision d = get(behindProxy(), bound(client.leaf()), PROXY, header(client.leaf()));
      assertThatDecision(d).isAllowed();
      assertThat(((Decision.Allow) d).caller().token().orElseThrow().isSenderConstrained()).isTrue();
    }

    @Test
    void enforceWhenTrustedProxySendsAnotherCertificateThenDeniesInvalidToken() throws Exception {
      assertThatDecision(get(behindProxy(), bound(client.leaf()), PROXY, header(other.leaf())))
          .isDeniedWith(DenyReason.TOKEN_BINDING_UNVERIFIED).hasStatus(401);
    }

    @Test
    void enforceWhenTrustedProxySendsNoHeaderThenDenies() throws Exception {
      assertThatDecision(get(behindProxy(), bound(client.leaf()), PROXY))
          .isDeniedWith(DenyReason.TOKEN_BINDING_UNVERIFIED);
    }

    @Test
    void enforceWhenUntrustedPeerSendsTheBoundCertificateThenIgnoredAndDenied() throws Exception {
      assertThatDecision(get(behindProxy(), bound(client.leaf()), STRANGER, header(client.leaf())))
          .isDeniedWith(DenyReason.TOKEN_BINDING_UNVERIFIED);
      assertThat(details).last().asString().contains("Client-Cert header from an untrusted peer ignored");
    }

    @Test
    void enforceWhenHeaderNotTrustedByConfigurationThenIgnoredEvenFromLoopback() throws Exception {
      Enforcer plain = Enforcer.builder().bearerJwt(issuer.bearerJwt().build()).routes(Fixtures.routes()).clock(clock)
          .trustForwardedFor(java.net.InetAddress::isLoopbackAddress)
          .auditListener((request, decision, detail) -> details.add(detail))
          .openTelemetry(io.opentelemetry.api.OpenTelemetry.noop()).build();
      assertThatDecision(get(plain, bound(client.leaf()), PROXY, header(client.leaf())))
          .isDeniedWith(DenyReason.TOKEN_BINDING_UNVERIFIED);
      assertThat(details).last().asString().contains("Client-Cert header ignored (not configured)");
    }

    @Test
    void enforceWhenTlsCertificateAndHeaderBothPresentThenDeniesAsAmbiguous() throws Exception {
      RequestContext r = TestRequest.get("/orders").bearer(bound(client.leaf())).peer(PROXY)
          .peerCertificates(client.chain()).header("Client-Cert", header(client.leaf())).build();
      assertThatDecision(await(behindProxy().enforce(r))).isDeniedWith(DenyReason.TOKEN_BINDING_UNVERIFIED);
      assertThat(details).last().asString().contains("ambiguous");
    }

    @Test
    void enforceWhenHeadersAlternateOnOneEnforcerThenEachRequestJudgedOnItsOwnHeader() throws Exception {
      Enforcer e = behindProxy();
      String token = bound(client.leaf());
      String malformed = header(client.leaf()).replace(":", "");
      assertThatDecision(get(e, token, PROXY, header(client.leaf()))).isAllowed();
      assertThatDecision(get(e, token, PROXY, header(other.leaf()))).isDeniedWith(DenyReason.TOKEN_BINDING_UNVERIFIED);
      assertThatDecision(get(e, token, PROXY, malformed)).isDeniedWith(DenyReason.TOKEN_BINDING_UNVERIFIED);
      assertThatDecision(get(e, token, STRANGER, header(client.leaf())))
          .isDeniedWith(DenyReason.TOKEN_BINDING_UNVERIFIED);
      assertThatDecision(get(e, token, PROXY, header(client.leaf()))).isAllowed();
      assertThatDecision(get(e, token, PROXY, malformed)).isDeniedWith(DenyReason.TOKEN_BINDING_UNVERIFIED);
    }

    @Test
    void enforceWhenTwoClientCertFieldsThenDenies() throws Exception {
      assertThatDecision(get(behindProxy(), bound(client.leaf()), PROXY, header(client.leaf()), header(client.leaf())))
          .isDeniedWith(DenyReason.TOKEN_BINDING_UNVERIFIED);
    }

    @Test
    void enforceWhenUnboundTokenAndHeaderThenAllowsAsBearer() throws Exception {
      assertThatDecision(get(behindProxy(), issuer.token().scope("orders:read").build(), STRANGER,
          header(client.leaf()))).isAllowed();
    }

    static Stream<Arguments> malformedHeaders() throws Exception {
      TestSvid c = TestTrustDomain.create("example.org").issueX509Svid("/client");
      byte[] der = c.leaf().getEncoded();
      String b64 = Base64.getEncoder().encodeToString(der);
      byte[] trailing = java.util.Arrays.copyOf(der, der.length + 1);
      String pem = "-----BEGIN CERTIFICATE-----\n" + Base64.getMimeEncoder().encodeToString(der)
          + "\n-----END CERTIFICATE-----";
      return Stream.of(
          Arguments.of("bare base64", b64),
          Arguments.of("base64url", ":" + Base64.getUrlEncoder().encodeToString(der) + ":"),
          Arguments.of("with a parameter", ":" + b64 + ":;a=1"),
          Arguments.of("PEM", pem),
          Arguments.of("PEM as a byte sequence", ":" + Base64.getEncoder().encodeToString(pem.getBytes()) + ":"),
          Arguments.of("trailing byte", ":" + Base64.getEncoder().encodeToString(trailing) + ":"),
          Arguments.of("two certificates", ":" + Base64.getEncoder().encodeToString(
              concat(der, c.chain().get(c.chain().size() - 1).getEncoded())) + ":"),
          Arguments.of("empty", "::"),
          Arguments.of("not a certificate", ":" + Base64.getEncoder().encodeToString(new byte[64]) + ":"),
          Arguments.of("over the size bound", ":" + b64 + "A".repeat(16 * 1024) + ":"),
          Arguments.of("a list of two", ":" + b64 + ":, :" + b64 + ":"));
    }

    private static byte[] concat(byte[] a, byte[] b) {
      byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
      System.arraycopy(b, 0, out, a.length, b.length);
      return out;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedHeaders")
    void enforceWhenClientCertMalformedThenDenies(String name, String value) throws Exception {
      assertThatDecision(get(behindProxy(), bound(client.leaf()), PROXY, value))
          .isDeniedWith(DenyReason.TOKEN_BINDING_UNVERIFIED).hasStatus(401);
    }

    @Test
    void buildWhenClientCertHeaderWithoutTrustedProxiesThenThrows() {
      assertThatThrownBy(() -> Enforcer.builder().bearerJwt(issuer.bearerJwt().build()).routes(Fixtures.routes())
          .trustClientCertHeader().build()).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("trustForwardedFor");
    }
  }

  @Nested
  class MissingIssuedAt {

    private Enforcer allowingMissingIat() {
      return Fixtures.enforcer(issuer, clock, BearerJwt.Builder::allowMissingIssuedAt);
    }

    @Test
    void enforceWhenIatMissingAndAllowedThenIssuedAtIsEmpty() {
      Decision d = get(allowingMissingIat(), issuer.token().without("iat").scope("orders:read").build());
      assertThatDecision(d).isAllowed();
      assertThat(((Decision.Allow) d).caller().issuedAt()).isEmpty();
      assertThat(((Decision.Allow) d).caller().token().orElseThrow().issuedAt()).isEmpty();
    }

    @Test
    void enforceWhenIatPresentThenIssuedAtIsTheClaim() {
      Decision d = get(enforcer, issuer.token().issuedIn(Duration.ofSeconds(-30)).scope("orders:read").build());
      assertThat(((Decision.Allow) d).caller().issuedAt())
          .contains(Instant.ofEpochSecond(clock.instant().minusSeconds(30).getEpochSecond()));
    }

    @Test
    void enforceWhenIatMissingAndSubjectRevokedBeforeAnyTimeThenDenies() {
      Enforcer e = allowingMissingIat();
      String token = issuer.token().without("iat").scope("orders:read").build();
      assertThatDecision(get(e, token)).isAllowed();
      // "tokens issued before this instant, long ago, are revoked": a token that does not say when it was issued
      // cannot show that it came after
      e.countermeasures().accept(SecurityEvent.sessionRevoked("user-1", clock.instant().minus(Duration.ofDays(365))));
      assertThatDecision(get(e, token)).isDeniedWith(DenyReason.TOKEN_SUSPENDED);
      String fresh = issuer.token().without("iat").scope("orders:read").build();
      assertThatDecision(get(e, fresh)).isDeniedWith(DenyReason.TOKEN_SUSPENDED);
    }

    @Test
    void enforceWhenIatPresentAndIssuedAfterTheRevocationThenAllows() {
      Enforcer e = allowingMissingIat();
      e.countermeasures().accept(SecurityEvent.sessionRevoked("user-1", clock.instant().minus(Duration.ofMinutes(1))));
      assertThatDecision(get(e, issuer.token().scope("orders:read").build())).isAllowed();
    }

    @Test
    void builderWhenMaxTokenAgeWithMissingIssuedAtThenFailsFast() {
      assertThatThrownBy(() -> issuer.bearerJwt().allowMissingIssuedAt().maxTokenAge(Duration.ofMinutes(5)).build())
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("maxTokenAge").hasMessageContaining("allowMissingIssuedAt");
    }

  }

  @Nested
  class CacheKey {

    @ParameterizedTest
    @ValueSource(strings = {"Bearer ", "bearer ", "BEARER ", "Bearer  ", "Bearer    ", "bEaReR  "})
    void enforceWhenSchemeSpelledDifferentlyThenOneValidationForOneToken(String prefix) {
      Enforcer e = Fixtures.enforcer(issuer, clock, b -> b.validationBudget(1, 1, Duration.ofMinutes(1)));
      String token = issuer.token().scope("orders:read").build();
      assertThatDecision(e.enforce(TestRequest.get("/orders").header("Authorization", "Bearer " + token).build()))
          .isAllowed();
      // a second signature check would need a second unit of the budget, which is 1: a cache miss would be a 429
      assertThatDecision(e.enforce(TestRequest.get("/orders").header("Authorization", prefix + token).build()))
          .isAllowed();
    }

    @Test
    void enforceWhenCachedTokenFollowedByGarbageThenValidatesAfresh() {
      String token = issuer.token().scope("orders:read").build();
      assertThatDecision(get(enforcer, token)).isAllowed();
      assertThatDecision(enforcer.enforce(TestRequest.get("/orders").header("Authorization", "Bearer " + token + " x")
          .build())).isDeniedWith(DenyReason.MALFORMED_CREDENTIAL);
      assertThatDecision(enforcer.enforce(TestRequest.get("/orders").header("Authorization", "Bearer " + token + ",x")
          .build())).isDeniedWith(DenyReason.MULTIPLE_CREDENTIALS);
      assertThatDecision(enforcer.enforce(TestRequest.get("/orders").header("Authorization", "Bearer " + token + "A")
          .build())).isDenied();
    }
  }

  @Nested
  class KeySourceFailures {

    @Test
    void enforceWhenJwksFailsThenTheDetailNamesTheUrlAndTheCause() {
      List<String> details = new CopyOnWriteArrayList<>();
      issuer.jwksStatus(500);
      try {
        Enforcer e = Enforcer.builder()
            .bearerJwt(issuer.bearerJwt().jwksUri(issuer.jwksUri()).build())
            .routes(Fixtures.routes())
            .clock(clock)
            .openTelemetry(io.opentelemetry.api.OpenTelemetry.noop())
            .auditListener((request, decision, detail) -> details.add(detail))
            .build();
        String token = issuer.token().scope("orders:read").build();
        assertThatDecision(get(e, token)).isDeniedWith(DenyReason.KEYS_UNAVAILABLE);
        assertThat(details).hasSize(1);
        assertThat(details.get(0)).contains(issuer.jwksUri().toString()).contains("500")
            .doesNotContain(token).doesNotContain(token.substring(token.lastIndexOf('.') + 1));
      } finally {
        issuer.jwksStatus(200);
      }
    }

    @Test
    void enforceWhenDiscoveryFailsThenTheDetailNamesTheMetadataUrl() {
      List<String> details = new CopyOnWriteArrayList<>();
      issuer.metadataIssuer("https://someone-else.example");
      try {
        Enforcer e = Enforcer.builder()
            .bearerJwt(issuer.bearerJwt().build())
            .routes(Fixtures.routes())
            .clock(clock)
            .openTelemetry(io.opentelemetry.api.OpenTelemetry.noop())
            .auditListener((request, decision, detail) -> details.add(detail))
            .build();
        assertThatDecision(get(e, issuer.token().scope("orders:read").build()))
            .isDeniedWith(DenyReason.KEYS_UNAVAILABLE);
        assertThat(details.get(0)).contains(issuer.issuer() + "/.well-known/").contains("different issuer");
      } finally {
        issuer.metadataIssuer(null);
      }
    }
  }
}
