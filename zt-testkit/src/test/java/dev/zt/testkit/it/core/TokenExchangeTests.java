package dev.zt.testkit.it.core;

import static dev.zt.testkit.ZtAssertions.assertThatDecision;
import static dev.zt.testkit.ZtAssertions.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.SignedJWT;
import dev.zt.core.Decision;
import dev.zt.core.DenyReason;
import dev.zt.core.Enforcer;
import dev.zt.core.WireResponse;
import dev.zt.core.policy.Requirement;
import dev.zt.core.policy.RoutePolicy;
import dev.zt.core.translate.TokenExchangeClient;
import dev.zt.testkit.TestClock;
import dev.zt.testkit.TestIssuer;
import dev.zt.testkit.TestRequest;
import dev.zt.testkit.it.core.IntrospectionEndpoint.Answer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Token translation through an RFC 8693 security token service (issue 16): the enforcer's FORWARD step exchanges the
 * client's token at a fake STS on loopback (the JDK HttpServer, scripted answers) and forwards what it issued; STS
 * refusals are denials with their own reasons, outages are 503, nothing is ever allowed without the exchanged token.
 */
class TokenExchangeTests {

  static final String ISSUED_TYPE = "urn:ietf:params:oauth:token-type:access_token";

  private final TestClock clock = TestClock.create();
  private final List<String> details = new CopyOnWriteArrayList<>();
  private final AtomicInteger issued = new AtomicInteger();
  private TestIssuer issuer;
  private IntrospectionEndpoint sts;
  private TokenExchangeClient client;
  private Enforcer enforcer;

  @BeforeEach
  void setUp() {
    issuer = TestIssuer.start(clock);
    sts = new IntrospectionEndpoint();
    sts.answer(r -> success(300));
    client = TokenExchangeClient.client("gateway")
        .clientSecretBasic("s3cret")
        .tokenEndpoint(sts.tokenUri())
        .audience("orders-service")
        .scopes("orders:read", "orders:write")
        .build();
    enforcer = enforcer(client);
  }

  @AfterEach
  void tearDown() {
    sts.close();
    issuer.close();
  }

  private Answer success(long expiresIn) {
    return Answer.json("{\"access_token\":\"issued-" + issued.incrementAndGet() + "\",\"issued_token_type\":\""
        + ISSUED_TYPE + "\",\"token_type\":\"Bearer\",\"expires_in\":" + expiresIn + "}");
  }

  private static Answer error(int status, String code) {
    return new Answer(status, "application/json", "{\"error\":\"" + code + "\",\"error_description\":\"no\"}");
  }

  private Enforcer enforcer(TokenExchangeClient sts) {
    return Enforcer.builder()
        .bearerJwt(issuer.bearerJwt().build())
        .routes(RoutePolicy.builder()
            .get("/orders", Requirement.allScopes("orders:read"))
            .get("/health", Requirement.permitAll())
            .build())
        .translate(sts)
        .auditListener((request, decision, detail) -> details.add(String.valueOf(detail)))
        .clock(clock)
        .build();
  }

  private Decision get(String token) {
    return await(enforcer.enforce(TestRequest.get("/orders").bearer(token).clock(clock).build()));
  }

  private String clientToken() {
    return issuer.token().subject("alice").scope("orders:read", "profile", "admin:all").build();
  }

  private static String forwarded(Decision d) {
    assertThatDecision(d).isAllowed();
    return ((Decision.Allow) d).forward().orElseThrow().token();
  }

  @Test
  void enforceWhenStsIssuesTokenThenAllowForwardsItAndNeverTheClientToken() {
    String token = clientToken();
    Decision d = get(token);

    assertThat(forwarded(d)).isEqualTo("issued-1").isNotEqualTo(token);
    assertThat(((Decision.Allow) d).forward().orElseThrow().authorization()).isEqualTo("Bearer issued-1")
        .doesNotContain(token);
    IntrospectionEndpoint.Received r = sts.last();
    assertThat(r.form()).containsEntry("grant_type", "urn:ietf:params:oauth:grant-type:token-exchange")
        .containsEntry("subject_token", token)
        .containsEntry("subject_token_type", ISSUED_TYPE)
        .containsEntry("requested_token_type", ISSUED_TYPE)
        .containsEntry("audience", "orders-service")
        .containsEntry("scope", "orders:read") // narrowed: profile and admin:all are not the upstream's
        .doesNotContainKeys("client_secret", "actor_token");
    assertThat(r.header("Authorization")).isEqualTo("Basic "
        + Base64.getEncoder().encodeToString("gateway:s3cret".getBytes(StandardCharsets.US_ASCII)));
  }

  @Test
  void enforceWhenAnonymousAllowThenNoExchangeAndNothingForwarded() {
    Decision d = await(enforcer.enforce(TestRequest.get("/health").clock(clock).build()));
    assertThatDecision(d).isAllowed();
    assertThat(((Decision.Allow) d).forward()).isEmpty();
    assertThat(sts.calls()).isZero();
  }

  @Test
  void enforceWhenStsRefusesGrantThenDeniedSubjectRefused401InvalidToken() {
    sts.answer(r -> error(400, "invalid_grant"));
    Decision d = get(clientToken());
    assertThatDecision(d).isDeniedWith(DenyReason.TOKEN_EXCHANGE_SUBJECT_REFUSED).hasStatus(401);
    WireResponse wire = enforcer.respond((Decision.Deny) d);
    assertThat(wire.headers().get("WWW-Authenticate")).contains("error=\"invalid_token\"");
    assertThat(details).last().asString().contains("error=invalid_grant");
  }

  @ParameterizedTest
  @ValueSource(strings = {"invalid_target", "unauthorized_client", "invalid_scope", "invalid_request",
      "access_denied"})
  void enforceWhenStsRefusesTargetOrClientThenDeniedRefused403NamingTheError(String code) {
    sts.answer(r -> error(400, code));
    Decision d = get(clientToken());
    assertThatDecision(d).isDeniedWith(DenyReason.TOKEN_EXCHANGE_REFUSED).hasStatus(403);
    assertThat(((Decision.Deny) d).gate()).isEqualTo("token-exchange");
    assertThat(details).last().asString().contains("error=" + code);
  }

  @Test
  void enforceWhenStsRefusesWith403ThenDeniedRefused() {
    sts.answer(r -> error(403, "access_denied"));
    assertThatDecision(get(clientToken())).isDeniedWith(DenyReason.TOKEN_EXCHANGE_REFUSED).hasStatus(403);
  }

  /** Answers that are no usable token response: every one is an outage (503), never an allow. */
  static List<Answer> outages() {
    List<Answer> all = new ArrayList<>();
    all.add(new Answer(500, "application/json", "{\"error\":\"server_error\"}"));
    all.add(new Answer(502, "text/html", "<html>bad gateway</html>"));
    all.add(error(401, "invalid_client")); // our own client authentication
    all.add(error(400, "invalid_client"));
    all.add(error(400, "unsupported_grant_type")); // the STS does not do token exchange
    all.add(new Answer(400, "text/plain", "nope"));
    all.add(new Answer(200, "text/html", "<html>login</html>"));
    all.add(Answer.json("{\"access_token\":\"x\",\"issued_token_type\":\"" + ISSUED_TYPE + "\",\"token_type\":"
        + "\"Bearer\",\"expires_in\":60,\"expires_in\":60}")); // duplicate member
    all.add(Answer.json("{\"issued_token_type\":\"" + ISSUED_TYPE + "\",\"token_type\":\"Bearer\","
        + "\"expires_in\":60}")); // no access_token
    all.add(Answer.json("{\"access_token\":\"a b\",\"issued_token_type\":\"" + ISSUED_TYPE + "\",\"token_type\":"
        + "\"Bearer\",\"expires_in\":60}")); // not a bearer token's characters
    all.add(Answer.json("{\"access_token\":\"x\",\"issued_token_type\":\"" + ISSUED_TYPE + "\",\"token_type\":"
        + "\"N_A\",\"expires_in\":60}"));
    all.add(Answer.json("{\"access_token\":\"x\",\"issued_token_type\":\"urn:ietf:params:oauth:token-type:id_token\","
        + "\"token_type\":\"Bearer\",\"expires_in\":60}"));
    all.add(Answer.json("{\"access_token\":\"x\",\"token_type\":\"Bearer\",\"expires_in\":60}"));
    all.add(Answer.json("{\"access_token\":\"x\",\"issued_token_type\":\"" + ISSUED_TYPE + "\",\"token_type\":"
        + "\"Bearer\"}")); // no expires_in
    all.add(Answer.json("{\"access_token\":\"x\",\"issued_token_type\":\"" + ISSUED_TYPE + "\",\"token_type\":"
        + "\"Bearer\",\"expires_in\":0}"));
    all.add(Answer.json("{\"access_token\":\"x\",\"issued_token_type\":\"" + ISSUED_TYPE + "\",\"token_type\":"
        + "\"Bearer\",\"expires_in\":\"60\"}"));
    all.add(Answer.json("{\"access_token\":\"" + "x".repeat(70_000) + "\",\"issued_token_type\":\"" + ISSUED_TYPE
        + "\",\"token_type\":\"Bearer\",\"expires_in\":60}")); // larger than the 64 KiB bound
    return all;
  }

  @ParameterizedTest(name = "answer {index}")
  @org.junit.jupiter.params.provider.MethodSource("outages")
  void enforceWhenStsAnswerUnusableThen503WithRetryAfterAndNothingCached(Answer answer) {
    sts.answer(r -> answer);
    String token = clientToken();
    Decision d = get(token);
    assertThatDecision(d).isDeniedWith(DenyReason.TOKEN_EXCHANGE_UNAVAILABLE).hasStatus(503);
    WireResponse wire = enforcer.respond((Decision.Deny) d);
    assertThat(wire.headers()).containsEntry("Retry-After", "5");
    assertThat(wire.body()).contains("token-exchange-unavailable");

    sts.answer(r -> success(300)); // errors are never cached: the STS is asked again
    assertThat(forwarded(get(token))).startsWith("issued-");
    assertThat(sts.calls()).isEqualTo(2);
  }

  @Test
  void enforceWhenStsDownThen503() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    TokenExchangeClient down = TokenExchangeClient.client("gateway").clientSecretPost("s3cret")
        .tokenEndpoint(URI.create("http://127.0.0.1:" + port + "/token")).audience("orders-service").build();
    enforcer = enforcer(down);
    assertThatDecision(get(clientToken())).isDeniedWith(DenyReason.TOKEN_EXCHANGE_UNAVAILABLE).hasStatus(503);
    assertThat(details).last().asString().contains("unavailable");
  }

  @Test
  void enforceWhenStsSlowerThanDeadlineThen503() {
    sts.hold();
    TokenExchangeClient slow = TokenExchangeClient.client("gateway").clientSecretBasic("s3cret")
        .tokenEndpoint(sts.tokenUri()).audience("orders-service").timeout(Duration.ofMillis(150)).build();
    enforcer = enforcer(slow);
    assertThatDecision(get(clientToken())).isDeniedWith(DenyReason.TOKEN_EXCHANGE_UNAVAILABLE);
    assertThat(details).last().asString().contains("timed out after 150 ms");
    sts.release();
  }

  @Test
  void enforceWhenSubjectTokenEndedWithinClockSkewThenDeniedWithoutStsCall() {
    String token = issuer.token().subject("alice").scope("orders:read").expiresIn(Duration.ofSeconds(30)).build();
    clock.advance(Duration.ofSeconds(40)); // the gate's 60 s skew still admits it
    assertThatDecision(get(token)).isDeniedWith(DenyReason.TOKEN_EXPIRED);
    assertThat(sts.calls()).isZero();
  }

  @Test
  void enforceWhenSameSubjectTokenAgainThenCachedTokenReusedUntilAQuarterIsLeft() {
    String token = clientToken();
    assertThat(forwarded(get(token))).isEqualTo("issued-1");
    clock.advance(Duration.ofSeconds(224)); // 76 s of 300 left
    assertThat(forwarded(get(token))).isEqualTo("issued-1");
    assertThat(sts.calls()).isEqualTo(1);
    clock.advance(Duration.ofSeconds(2)); // less than a quarter left
    assertThat(forwarded(get(token))).isEqualTo("issued-2");
    assertThat(sts.calls()).isEqualTo(2);
  }

  @Test
  void enforceWhenAnotherSubjectTokenOfTheSameUserThenExchangedAgain() {
    assertThat(forwarded(get(clientToken()))).isEqualTo("issued-1");
    assertThat(forwarded(get(clientToken()))).isEqualTo("issued-2"); // keyed by the token, not the principal name
  }

  @Test
  void enforceWhenSubjectTokenEndsBeforeIssuedTokenThenEntryEndsWithTheSubject() {
    String token = issuer.token().subject("alice").scope("orders:read").expiresIn(Duration.ofSeconds(100)).build();
    assertThat(forwarded(get(token))).isEqualTo("issued-1"); // lives 300 s, reused for 225 s at most
    clock.advance(Duration.ofSeconds(99));
    assertThat(forwarded(get(token))).isEqualTo("issued-1");
    clock.advance(Duration.ofSeconds(2)); // the subject token has ended (the gate's skew still admits it)
    assertThatDecision(get(token)).isDeniedWith(DenyReason.TOKEN_EXPIRED);
    assertThat(sts.calls()).isEqualTo(1);
  }

  @Test
  void enforceWhenConcurrentRequestsWithOneUnseenTokenThenOneStsCall() throws Exception {
    sts.hold();
    String token = clientToken();
    List<CompletionStage<Decision>> pending = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      pending.add(enforcer.enforce(TestRequest.get("/orders").bearer(token).clock(clock).build()));
    }
    assertThat(sts.awaitFirstRequest()).isTrue();
    sts.release();
    for (CompletionStage<Decision> p : pending) {
      assertThat(forwarded(await(p))).isEqualTo("issued-1");
    }
    assertThat(sts.calls()).isEqualTo(1);
    assertThat(client.calls()).isEqualTo(1);
  }

  @Test
  void enforceWhenSubjectSuspendedThenLiftedThenExchangedAfreshNotServedFromCache() {
    String token = clientToken();
    assertThat(forwarded(get(token))).isEqualTo("issued-1");
    enforcer.countermeasures().suspendSubject("alice", Duration.ofMinutes(5), "test");
    assertThatDecision(get(token)).isDeniedWith(DenyReason.TOKEN_SUSPENDED);
    enforcer.countermeasures().liftSuspension("alice");
    assertThat(forwarded(get(token))).isEqualTo("issued-2");
    assertThat(sts.calls()).isEqualTo(2);
  }

  @Test
  void enforceWhenSubjectRevokedAtIntrospectionThenReacceptedTokenIsExchangedAfresh() {
    java.util.concurrent.atomic.AtomicBoolean active = new java.util.concurrent.atomic.AtomicBoolean(true);
    sts.answer(r -> r.form().containsKey("grant_type") ? success(300)
        : Answer.json(active.get() ? "{\"active\":true,\"iss\":\"" + issuer.issuer() + "\",\"aud\":\""
            + TestIssuer.defaultAudience() + "\",\"exp\":" + (clock.instant().getEpochSecond() + 300) + "}"
            : "{\"active\":false}"));
    enforcer = Enforcer.builder()
        .bearerJwt(issuer.bearerJwt().introspection(dev.zt.core.credential.Introspection.client("orders")
            .clientSecretBasic("s").endpoint(sts.uri()).introspectJwts().cacheTtl(Duration.ofSeconds(1))
            .inactiveCacheTtl(Duration.ZERO).build()).build())
        .routes(RoutePolicy.builder().get("/orders", Requirement.allScopes("orders:read")).build())
        .translate(client)
        .clock(clock)
        .build();
    String token = clientToken();
    assertThat(forwarded(get(token))).isEqualTo("issued-1");
    active.set(false); // revoked at the issuer
    clock.advance(Duration.ofSeconds(2));
    assertThatDecision(get(token)).isDeniedWith(DenyReason.TOKEN_INACTIVE);
    active.set(true); // the issuer says active again (e.g. a revocation undone)
    assertThat(forwarded(get(token))).as("the revocation emptied the token's entries").isEqualTo("issued-2");
    assertThat(client.calls()).isEqualTo(2);
  }

  @Test
  void enforceWhenPrivateKeyJwtThenAssertionSignedForTheIssuer() throws Exception {
    ECKey key = new ECKeyGenerator(Curve.P_256).keyID("gw").generate();
    TokenExchangeClient signed = TokenExchangeClient.client("gateway").privateKeyJwt(key.toPrivateKey(), "gw")
        .tokenEndpoint(sts.tokenUri()).issuer("https://sts.example/realms/zt").audience("orders-service").build();
    enforcer = enforcer(signed);
    assertThat(forwarded(get(clientToken()))).startsWith("issued-");
    IntrospectionEndpoint.Received r = sts.last();
    assertThat(r.form()).containsEntry("client_id", "gateway")
        .containsEntry("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer");
    SignedJWT assertion = SignedJWT.parse(r.form().get("client_assertion"));
    assertThat(assertion.verify(new ECDSAVerifier(key.toECPublicKey()))).isTrue();
    assertThat(assertion.getJWTClaimsSet().getAudience()).containsExactly("https://sts.example/realms/zt");
    assertThat(assertion.getJWTClaimsSet().getIssuer()).isEqualTo("gateway");
    assertThat(r.header("Authorization")).isNull();
  }

  @Test
  void timedOutWhenExchangePendingThenDecisionTimeoutAndTheLateAllowNotAudited() throws Exception {
    sts.hold();
    CompletionStage<Decision> pending = enforcer.enforce(TestRequest.get("/orders").bearer(clientToken())
        .clock(clock).build());
    assertThat(sts.awaitFirstRequest()).isTrue();
    Decision d = enforcer.timedOut(pending);
    assertThatDecision(d).isDeniedWith(DenyReason.DECISION_TIMEOUT).hasStatus(503);
    int audited = details.size();
    sts.release();
    await(pending);
    assertThat(details).hasSize(audited);
  }

  @Test
  void builderWhenPlainHttpElsewhereOrTwoMethodsOrPartsMissingThenRefused() {
    assertThatThrownBy(() -> TokenExchangeClient.client("gw").clientSecretBasic("s")
        .tokenEndpoint(URI.create("http://sts.example/token")).audience("a").build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("https");
    assertThat(TokenExchangeClient.client("gw").clientSecretBasic("s").allowPlainHttpEndpoint()
        .tokenEndpoint(URI.create("http://sts.example/token")).audience("a").build().audience()).isEqualTo("a");
    assertThatThrownBy(() -> TokenExchangeClient.client("gw").clientSecretBasic("s").clientSecretPost("s"))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("choose one");
    assertThatThrownBy(() -> TokenExchangeClient.client("gw").clientSecretBasic("s")
        .tokenEndpoint(URI.create("https://sts.example/token")).build())
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> TokenExchangeClient.client("gw").tokenEndpoint(URI.create("https://sts.example/t"))
        .audience("a").build()).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> TokenExchangeClient.client("gw").tlsClientAuth(() -> null)
        .tokenEndpoint(URI.create("http://127.0.0.1:1/token")).audience("a").build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("https");
    assertThatThrownBy(() -> TokenExchangeClient.client("gw").audience("a").audience("b"))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> Enforcer.builder().translate(client).translate(client))
        .isInstanceOf(IllegalStateException.class);
    assertThat(client.toString()).doesNotContain("s3cret");
  }
}
