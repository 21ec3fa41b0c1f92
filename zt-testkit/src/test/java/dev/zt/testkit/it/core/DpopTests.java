package dev.zt.testkit.it.core;

import static dev.zt.testkit.ZtAssertions.assertThatDecision;
import static dev.zt.testkit.ZtAssertions.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.zt.core.Decision;
import dev.zt.core.DenyReason;
import dev.zt.core.Enforcer;
import dev.zt.core.RequestContext;
import dev.zt.core.credential.Dpop;
import dev.zt.core.policy.Requirement;
import dev.zt.core.policy.RoutePolicy;
import dev.zt.testkit.DpopProof;
import dev.zt.testkit.TestClock;
import dev.zt.testkit.TestIssuer;
import dev.zt.testkit.TestKey;
import dev.zt.testkit.TestRequest;
import dev.zt.testkit.ZtExtension;
import com.nimbusds.jose.JWSAlgorithm;
import io.opentelemetry.api.OpenTelemetry;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * DPoP (RFC 9449) end to end through the enforcer: the proof's checks, each accept path with the deny paths beside
 * it, the downgrade matrix of issue 14, server nonces, per-route sender constraint and the challenges' exact text.
 */
@ExtendWith(ZtExtension.class)
class DpopTests {

  static final String ORIGIN = "https://orders.example.com";
  static final String ORDERS = ORIGIN + "/orders";
  static final String ALGS = "ES256 ES384 RS256 PS256 EdDSA";
  static final String METADATA = ORIGIN + "/.well-known/oauth-protected-resource";

  TestIssuer issuer;
  TestClock clock;
  Enforcer enforcer;
  final TestKey clientKey = TestKey.ec256();

  @BeforeEach
  void setUp(TestIssuer issuer, TestClock clock) {
    this.issuer = issuer;
    this.clock = clock;
    this.enforcer = enforcer(b -> b);
  }

  Enforcer enforcer(UnaryOperator<Enforcer.Builder> more) {
    return more.apply(Enforcer.builder()
        .bearerJwt(issuer.bearerJwt().build())
        .routes(RoutePolicy.builder()
            .get("/orders", Requirement.allScopes("orders:read"))
            .get("/orders/{*}", Requirement.allScopes("orders:read"))
            .post("/orders", Requirement.allScopes("orders:write"))
            .get("/bound", Requirement.allScopes("orders:read").and(Requirement.senderConstrained()))
            .get("/health", Requirement.permitAll())
            .build())
        .publicOrigin(URI.create(ORIGIN))
        .clock(clock)
        .openTelemetry(OpenTelemetry.noop()))
        .build();
  }

  String boundToken() {
    return issuer.token().dpopBound(clientKey).scope("orders:read orders:write").build();
  }

  DpopProof proof(String method, String uri, String token) {
    return DpopProof.of(clientKey).clock(clock).request(method, uri).accessToken(token);
  }

  Decision send(Enforcer e, TestRequest request) {
    return await(e.enforce(request.build()));
  }

  Decision getOrders(String token, String proof) {
    return send(enforcer, TestRequest.get("/orders").dpop(token, proof));
  }

  String challenge(Decision d) {
    return enforcer.respond((Decision.Deny) d).headers().get("WWW-Authenticate");
  }

  @Nested
  class Accepted {

    static Stream<Arguments> keys() {
      return Stream.of(Arguments.of(TestKey.ec256()), Arguments.of(TestKey.ec384()), Arguments.of(TestKey.rsa()),
          Arguments.of(TestKey.rsa(JWSAlgorithm.PS256, 2048)), Arguments.of(TestKey.ed25519()));
    }

    @ParameterizedTest
    @MethodSource("keys")
    void enforceWhenProofByTheBoundKeyThenAllowsWithTheBindingOnTheCaller(TestKey key) {
      String token = issuer.token().dpopBound(key).scope("orders:read").build();
      String proof = DpopProof.of(key).clock(clock).request("GET", ORDERS).accessToken(token).build();

      Decision d = getOrders(token, proof);

      assertThatDecision(d).isAllowed();
      assertThat(((Decision.Allow) d).caller().token().orElseThrow().isDpopBound()).isTrue();
      assertThat(((Decision.Allow) d).caller().token().orElseThrow().isSenderConstrained()).isTrue();
    }

    @Test
    void enforceWhenCachedTokenThenEveryRequestNeedsItsOwnFreshProof() {
      String token = boundToken();
      assertThatDecision(getOrders(token, proof("GET", ORDERS, token).build())).isAllowed();
      assertThatDecision(getOrders(token, proof("GET", ORDERS, token).build())).isAllowed();
      assertThatDecision(send(enforcer, TestRequest.get("/orders").header("Authorization", "DPoP " + token)))
          .isDeniedWith(DenyReason.DPOP_PROOF_INVALID);
    }

    @Test
    void enforceWhenHtuSpelledDifferentlyButTheSameUriThenAllows() {
      String token = boundToken();
      String proof = proof("GET", "HTTPS://Orders.Example.COM:443/%6Frders?page=2#top", token).build();
      assertThatDecision(getOrders(token, proof)).isAllowed();
    }

    @Test
    void enforceWhenKeycloakShapedTokenThenExtraCnfMemberAndPayloadTypDpopAreIgnored() {
      String token = issuer.token().header("typ", "JWT").claim("typ", "DPoP")
          .claim("cnf", Map.of("jkt", clientKey.thumbprint(), "kc-jkt-type", "DPoP")).scope("orders:read").build();
      assertThatDecision(getOrders(token, proof("GET", ORDERS, token).build())).isAllowed();
    }

    @Test
    void enforceWhenSchemeSpelledInAnotherCaseThenAllows() {
      String token = boundToken();
      assertThatDecision(send(enforcer, TestRequest.get("/orders").header("Authorization", "dpop " + token)
          .header("DPoP", proof("GET", ORDERS, token).build()))).isAllowed();
    }

    @Test
    void enforceWhenIatWithinTheWindowEdgesThenAllows() {
      String token = boundToken();
      assertThatDecision(getOrders(token, proof("GET", ORDERS, token).issuedAgo(Duration.ofSeconds(59)).build()))
          .isAllowed();
      assertThatDecision(getOrders(token, proof("GET", ORDERS, token).issuedAgo(Duration.ofSeconds(-4)).build()))
          .isAllowed();
    }
  }

  /** Issue 14's downgrade matrix: each way of presenting less than token and proof together is refused. */
  @Nested
  class Downgrades {

    @Test
    void enforceWhenBoundTokenSentAsBearerThenDeniesInvalidToken() {
      Decision d = send(enforcer, TestRequest.get("/orders").bearer(boundToken()));
      assertThatDecision(d).isDeniedWith(DenyReason.TOKEN_BINDING_UNVERIFIED).hasStatus(401);
      assertThat(challenge(d)).isEqualTo("DPoP realm=\"zt\", algs=\"" + ALGS + "\", resource_metadata=\"" + METADATA
          + "\", Bearer realm=\"zt\", error=\"invalid_token\", error_description=\"The access token is bound to a key "
          + "this request does not prove.\", resource_metadata=\"" + METADATA + "\"");
    }

    @Test
    void enforceWhenBoundTokenCachedThenSentAsBearerThenStillDenied() {
      String token = boundToken();
      assertThatDecision(getOrders(token, proof("GET", ORDERS, token).build())).isAllowed();
      assertThatDecision(send(enforcer, TestRequest.get("/orders").bearer(token)))
          .isDeniedWith(DenyReason.TOKEN_BINDING_UNVERIFIED);
    }

    @Test
    void enforceWhenDpopSchemeWithoutProofThenDeniesInvalidDpopProof() {
      Decision d = send(enforcer, TestRequest.get("/orders").header("Authorization", "DPoP " + boundToken()));
      assertThatDecision(d).isDeniedWith(DenyReason.DPOP_PROOF_INVALID).hasStatus(401);
      assertThat(challenge(d)).isEqualTo("DPoP realm=\"zt\", error=\"invalid_dpop_proof\", error_description=\"The "
          + "DPoP proof is not valid for this request.\", algs=\"" + ALGS + "\", resource_metadata=\"" + METADATA
          + "\", Bearer realm=\"zt\", resource_metadata=\"" + METADATA + "\"");
    }

    @Test
    void enforceWhenProofWithoutAnyAuthorizationThenDenied() {
      String token = boundToken();
      Decision d = send(enforcer, TestRequest.get("/health").header("DPoP", proof("GET", ORIGIN + "/health", token)
          .build()));
      assertThatDecision(d).isDeniedWith(DenyReason.DPOP_PROOF_INVALID);
    }

    @Test
    void enforceWhenProofBesideABearerTokenThenDenied() {
      String plain = issuer.token().scope("orders:read").build();
      Decision d = send(enforcer, TestRequest.get("/orders").bearer(plain)
          .header("DPoP", proof("GET", ORDERS, plain).build()));
      assertThatDecision(d).isDeniedWith(DenyReason.DPOP_PROOF_INVALID);
    }

    @Test
    void enforceWhenTokenBoundToAnotherKeyThenDenied() {
      String token = issuer.token().dpopBound(TestKey.ec256()).scope("orders:read").build();
      assertThatDecision(getOrders(token, proof("GET", ORDERS, token).build()))
          .isDeniedWith(DenyReason.DPOP_PROOF_INVALID);
    }

    @Test
    void enforceWhenProofReplayedThenDeniedAndTheFirstUseStood() {
      String token = boundToken();
      String proof = proof("GET", ORDERS, token).build();
      assertThatDecision(getOrders(token, proof)).isAllowed();
      assertThatDecision(getOrders(token, proof)).isDeniedWith(DenyReason.DPOP_PROOF_INVALID);
    }

    @Test
    void enforceWhenReplayedProofFailsAnotherCheckFirstThenItsJtiIsNotSpent() {
      String token = boundToken();
      String wrongMethod = proof("POST", ORDERS, token).jti("j-1").build();
      assertThatDecision(getOrders(token, wrongMethod)).isDeniedWith(DenyReason.DPOP_PROOF_INVALID);
      assertThatDecision(getOrders(token, proof("GET", ORDERS, token).jti("j-1").build())).isAllowed();
    }

    @Test
    void enforceWhenUnboundTokenWithDpopSchemeAndValidProofThenDeniedNotSenderConstrained() {
      String plain = issuer.token().scope("orders:read").build();
      Decision d = getOrders(plain, proof("GET", ORDERS, plain).build());
      assertThatDecision(d).isDeniedWith(DenyReason.TOKEN_NOT_SENDER_CONSTRAINED).hasStatus(401);
      assertThat(challenge(d)).startsWith("DPoP realm=\"zt\", error=\"invalid_token\"");
    }

    @Test
    void enforceWhenWorkloadTokenWithDpopSchemeThenDeniedNotSenderConstrained() {
      Enforcer withWorkloads = enforcer(b -> b.workloadTokens(
          token -> new dev.zt.core.credential.PeerVerifier.Verified("spiffe://example.org/job")));
      String workloadToken = issuer.token().audience("spiffe://example.org/orders").build(); // not an access token here
      Decision d = send(withWorkloads, TestRequest.get("/orders").dpop(workloadToken,
          proof("GET", ORDERS, workloadToken).build()));
      assertThatDecision(d).isDeniedWith(DenyReason.TOKEN_NOT_SENDER_CONSTRAINED);
      Decision bearer = send(withWorkloads, TestRequest.get("/orders").bearer(workloadToken));
      assertThat(bearer instanceof Decision.Deny deny && deny.reason() == DenyReason.TOKEN_NOT_SENDER_CONSTRAINED)
          .as("as Bearer it is a workload token like any other").isFalse();
    }

    @Test
    void enforceWhenTwoProofsThenDenied() {
      String token = boundToken();
      Decision d = send(enforcer, TestRequest.get("/orders").dpop(token, proof("GET", ORDERS, token).build())
          .header("DPoP", proof("GET", ORDERS, token).build()));
      assertThatDecision(d).isDeniedWith(DenyReason.DPOP_PROOF_INVALID);
    }

    @Test
    void enforceWhenBoundTokenAndNoPublicOriginThenNeverABearerToken() {
      Enforcer noOrigin = Fixtures.enforcer(issuer, clock);
      String token = boundToken();
      assertThatDecision(send(noOrigin, TestRequest.get("/orders").bearer(token)))
          .isDeniedWith(DenyReason.TOKEN_BINDING_UNVERIFIED);
      assertThatDecision(send(noOrigin, TestRequest.get("/orders").dpop(token, proof("GET", ORDERS, token).build())))
          .as("DPoP is not understood without a public origin: no credential").isDeniedWith(
              DenyReason.CREDENTIAL_MISSING);
    }
  }

  /** RFC 9449 §4.3: every check of the proof, each failing alone. */
  @Nested
  class ProofChecks {

    String token;

    @BeforeEach
    void token() {
      token = issuer.token().dpopBound(clientKey).scope("orders:read").build();
    }

    static Stream<Arguments> broken() {
      TestKey other = TestKey.ec256();
      return Stream.of(
          Arguments.of("another method", (UnaryOperator<DpopProof>) p -> p.claim("htm", "POST")),
          Arguments.of("method in lower case", (UnaryOperator<DpopProof>) p -> p.claim("htm", "get")),
          Arguments.of("another path", (UnaryOperator<DpopProof>) p -> p.claim("htu", ORIGIN + "/admin")),
          Arguments.of("another host", (UnaryOperator<DpopProof>) p -> p.claim("htu", "https://evil.example/orders")),
          Arguments.of("another scheme", (UnaryOperator<DpopProof>) p -> p.claim("htu", "http://orders.example.com"
              + "/orders")),
          Arguments.of("another port", (UnaryOperator<DpopProof>) p -> p.claim("htu", "https://orders.example.com:8443"
              + "/orders")),
          Arguments.of("htu relative", (UnaryOperator<DpopProof>) p -> p.claim("htu", "/orders")),
          Arguments.of("htu not a string", (UnaryOperator<DpopProof>) p -> p.claim("htu", 1)),
          Arguments.of("htm missing", (UnaryOperator<DpopProof>) p -> p.without("htm")),
          Arguments.of("iat 61 s old", (UnaryOperator<DpopProof>) p -> p.issuedAgo(Duration.ofSeconds(61))),
          Arguments.of("iat 6 s ahead", (UnaryOperator<DpopProof>) p -> p.issuedAgo(Duration.ofSeconds(-6))),
          Arguments.of("iat missing", (UnaryOperator<DpopProof>) p -> p.without("iat")),
          Arguments.of("iat a string", (UnaryOperator<DpopProof>) p -> p.claim("iat", "1768471200")),
          Arguments.of("ath of another token", (UnaryOperator<DpopProof>) p -> p.accessToken("another")),
          Arguments.of("ath missing", (UnaryOperator<DpopProof>) p -> p.without("ath")),
          Arguments.of("jti missing", (UnaryOperator<DpopProof>) p -> p.without("jti")),
          Arguments.of("jti empty", (UnaryOperator<DpopProof>) p -> p.jti("")),
          Arguments.of("typ JWT", (UnaryOperator<DpopProof>) p -> p.header("typ", "JWT")),
          Arguments.of("typ missing", (UnaryOperator<DpopProof>) p -> p.withoutHeader("typ")),
          Arguments.of("jwk missing", (UnaryOperator<DpopProof>) p -> p.withoutHeader("jwk")),
          Arguments.of("private key in jwk", (UnaryOperator<DpopProof>) DpopProof::withPrivateKeyInJwk),
          Arguments.of("jwk of another key", (UnaryOperator<DpopProof>) p -> p.header("jwk",
              other.publicJwk().toJSONObject())),
          Arguments.of("alg HS256", (UnaryOperator<DpopProof>) p -> p.header("alg", "HS256")),
          Arguments.of("alg none", (UnaryOperator<DpopProof>) p -> p.header("alg", "none")),
          Arguments.of("alg of another key type", (UnaryOperator<DpopProof>) p -> p.header("alg", "RS256")),
          Arguments.of("alg ES384 with a P-256 key", (UnaryOperator<DpopProof>) p -> p.header("alg", "ES384")),
          Arguments.of("kid header", (UnaryOperator<DpopProof>) p -> p.header("kid", "k")),
          Arguments.of("crit header", (UnaryOperator<DpopProof>) p -> p.header("crit", java.util.List.of("x"))),
          Arguments.of("x5c header", (UnaryOperator<DpopProof>) p -> p.header("x5c", java.util.List.of("MIIB"))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("broken")
    void enforceWhenProofBrokenThenDeniesInvalidDpopProof(String name, UnaryOperator<DpopProof> change) {
      assertThatDecision(getOrders(token, proof("GET", ORDERS, token).build())).as("the accept path").isAllowed();
      Decision d = getOrders(token, change.apply(proof("GET", ORDERS, token)).build());
      assertThatDecision(d).isDeniedWith(DenyReason.DPOP_PROOF_INVALID).hasStatus(401).byGate("credential");
    }

    @Test
    void enforceWhenProofSignedByAnotherKeyThanItsJwkThenDenied() {
      TestKey thief = TestKey.ec256();
      String forged = DpopProof.of(thief).clock(clock).request("GET", ORDERS).accessToken(token)
          .header("jwk", clientKey.publicJwk().toJSONObject()).build();
      assertThatDecision(getOrders(token, forged)).isDeniedWith(DenyReason.DPOP_PROOF_INVALID);
    }

    @Test
    void enforceWhenProofTooLongOrNotAJwsThenDenied() {
      assertThatDecision(getOrders(token, "a".repeat(5000))).isDeniedWith(DenyReason.DPOP_PROOF_INVALID);
      assertThatDecision(getOrders(token, "a.b")).isDeniedWith(DenyReason.DPOP_PROOF_INVALID);
      String proof = proof("GET", ORDERS, token).build();
      assertThatDecision(getOrders(token, proof + "," + proof)).isDeniedWith(DenyReason.DPOP_PROOF_INVALID);
    }

    @Test
    void enforceWhenProofNamesTheUriFromHostNotThePublicOriginThenDenied() {
      String proof = proof("GET", "https://internal.local:8080/orders", token).build();
      Decision d = send(enforcer, TestRequest.get("/orders").dpop(token, proof).header("Host", "internal.local:8080"));
      assertThatDecision(d).isDeniedWith(DenyReason.DPOP_PROOF_INVALID);
    }

    @Test
    void enforceWhenPublicOriginHasAPathPrefixThenHtuIncludesIt() {
      Enforcer prefixed = Enforcer.builder().bearerJwt(issuer.bearerJwt().build())
          .routes(RoutePolicy.builder().get("/orders", Requirement.allScopes("orders:read")).build())
          .publicOrigin(URI.create("https://api.example.com/orders-service")).clock(clock)
          .openTelemetry(OpenTelemetry.noop()).build();
      String ok = proof("GET", "https://api.example.com/orders-service/orders", token).build();
      String without = proof("GET", "https://api.example.com/orders", token).build();
      assertThatDecision(send(prefixed, TestRequest.get("/orders").dpop(token, ok))).isAllowed();
      assertThatDecision(send(prefixed, TestRequest.get("/orders").dpop(token, without)))
          .isDeniedWith(DenyReason.DPOP_PROOF_INVALID);
    }

    @Test
    void enforceWhenCustomIatWindowThenItApplies() {
      Enforcer strict = enforcer(b -> b.dpop(Dpop.builder().proofMaxAge(Duration.ofSeconds(10))
          .proofFutureSkew(Duration.ZERO).algorithms(JWSAlgorithm.ES256).build()));
      assertThatDecision(send(strict, TestRequest.get("/orders").dpop(token, proof("GET", ORDERS, token)
          .issuedAgo(Duration.ofSeconds(9)).build()))).isAllowed();
      assertThatDecision(send(strict, TestRequest.get("/orders").dpop(token, proof("GET", ORDERS, token)
          .issuedAgo(Duration.ofSeconds(11)).build()))).isDeniedWith(DenyReason.DPOP_PROOF_INVALID);
      assertThatDecision(send(strict, TestRequest.get("/orders").dpop(token, proof("GET", ORDERS, token)
          .issuedAgo(Duration.ofSeconds(-1)).build()))).isDeniedWith(DenyReason.DPOP_PROOF_INVALID);
    }

    @Test
    void enforceWhenAlgorithmNotInTheConfiguredListThenDenied() {
      Enforcer rsaOnly = enforcer(b -> b.dpop(Dpop.builder().algorithms(JWSAlgorithm.RS256).build()));
      assertThatDecision(send(rsaOnly, TestRequest.get("/orders").dpop(token, proof("GET", ORDERS, token).build())))
          .isDeniedWith(DenyReason.DPOP_PROOF_INVALID);
    }

    @Test
    void enforceWhenNonBlockingAndTokenCachedThenTheProofIsCheckedOffTheCallersThread() {
      assertThatDecision(getOrders(token, proof("GET", ORDERS, token).build())).isAllowed();
      RequestContext ctx = TestRequest.get("/orders").dpop(token, proof("GET", ORDERS, token).build()).nonBlocking()
          .build();
      java.util.concurrent.CompletionStage<Decision> stage = enforcer.enforce(ctx);
      assertThatDecision(await(stage)).isAllowed();
    }
  }

  @Nested
  class Configuration {

    @Test
    void buildWhenDpopWithoutPublicOriginThenRefused() {
      assertThatThrownBy(() -> Enforcer.builder().bearerJwt(issuer.bearerJwt().build()).routes(Fixtures.routes())
          .dpop(Dpop.defaults()).build()).isInstanceOf(IllegalStateException.class).hasMessageContaining("publicOrigin");
    }

    @Test
    void builderWhenSymmetricOrRepeatedAlgorithmThenRefused() {
      assertThatThrownBy(() -> Dpop.builder().algorithms(JWSAlgorithm.HS256))
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> Dpop.builder().algorithms(JWSAlgorithm.ES256, JWSAlgorithm.ES256))
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> Dpop.builder().proofMaxAge(Duration.ofMinutes(6)))
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> Dpop.builder().requireNonce(new byte[16])).isInstanceOf(IllegalArgumentException.class);
      Dpop.Builder b = Dpop.builder().proofMaxAge(Duration.ofSeconds(30));
      assertThatThrownBy(() -> b.proofMaxAge(Duration.ofSeconds(30))).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void enforceWhenCnfNamesAMethodZtDoesNotCheckThenRefusedNeverBearer() {
      for (Object cnf : java.util.List.of(Map.of("jwk", Map.of("kty", "EC")), Map.of("kc-jkt-type", "DPoP"),
          Map.of("jkt", clientKey.thumbprint(), "jku", "https://x"))) {
        String token = issuer.token().claim("cnf", cnf).scope("orders:read").build();
        assertThatDecision(send(enforcer, TestRequest.get("/orders").bearer(token)))
            .isDeniedWith(DenyReason.TOKEN_BINDING_UNVERIFIED);
      }
      String malformed = issuer.token().claim("cnf", Map.of("jkt", "abc")).scope("orders:read").build();
      assertThatDecision(send(enforcer, TestRequest.get("/orders").bearer(malformed)))
          .isDeniedWith(DenyReason.TOKEN_CLAIM_INVALID);
    }
  }

  /** A route that requires a sender-constrained token. */
  @Nested
  class SenderConstrainedRoutes {

    @Test
    void enforceWhenPlainBearerOnABoundRouteThenDeniedWithOnlyTheDpopChallenge() {
      Decision d = send(enforcer, TestRequest.get("/bound").bearer(issuer.token().scope("orders:read").build()));
      assertThatDecision(d).isDeniedWith(DenyReason.TOKEN_NOT_SENDER_CONSTRAINED).hasStatus(401);
      assertThat(challenge(d)).isEqualTo("DPoP realm=\"zt\", error=\"invalid_token\", error_description=\"The access "
          + "token must be bound to a key the request proves.\", algs=\"" + ALGS + "\", resource_metadata=\""
          + METADATA + "\"");
    }

    @Test
    void enforceWhenNoCredentialOnABoundRouteThenBareDpopChallenge() {
      Decision d = send(enforcer, TestRequest.get("/bound"));
      assertThatDecision(d).isDeniedWith(DenyReason.CREDENTIAL_MISSING);
      assertThat(challenge(d)).isEqualTo("DPoP realm=\"zt\", algs=\"" + ALGS + "\", resource_metadata=\"" + METADATA
          + "\"");
    }

    @Test
    void enforceWhenNoCredentialOnAnOrdinaryRouteThenDpopAndBearerChallenges() {
      Decision d = send(enforcer, TestRequest.get("/orders"));
      assertThat(challenge(d)).isEqualTo("DPoP realm=\"zt\", algs=\"" + ALGS + "\", resource_metadata=\"" + METADATA
          + "\", Bearer realm=\"zt\", resource_metadata=\"" + METADATA + "\"");
    }

    @Test
    void enforceWhenDpopBoundTokenOnABoundRouteThenAllows() {
      String token = boundToken();
      assertThatDecision(send(enforcer, TestRequest.get("/bound").dpop(token,
          proof("GET", ORIGIN + "/bound", token).build()))).isAllowed();
    }

    @Test
    void checkWhenRequirementAskedDirectlyThenOnlyABoundTokenPasses() {
      assertThat(Requirement.senderConstrained().requiresSenderConstraint()).isTrue();
      assertThat(Requirement.allScopes("a").and(Requirement.senderConstrained()).requiresSenderConstraint()).isTrue();
      assertThat(Requirement.allScopes("a").requiresSenderConstraint()).isFalse();
      Decision plain = send(enforcer, TestRequest.get("/orders").bearer(issuer.token().scope("orders:read").build()));
      assertThat(Requirement.senderConstrained().admits(((Decision.Allow) plain).caller())).isFalse();
      String token = boundToken();
      Decision bound = getOrders(token, proof("GET", ORDERS, token).build());
      assertThat(Requirement.senderConstrained().admits(((Decision.Allow) bound).caller())).isTrue();
    }
  }

  @Nested
  class Nonces {

    final byte[] secret = new byte[32];
    Enforcer withNonces;

    @BeforeEach
    void setUp() {
      secret[0] = 7;
      withNonces = enforcer(b -> b.dpop(Dpop.builder().requireNonce(secret).nonceRotation(Duration.ofSeconds(30))
          .build()));
    }

    String nonceFrom(Decision d) {
      assertThatDecision(d).isDeniedWith(DenyReason.DPOP_NONCE_REQUIRED).hasStatus(401);
      return withNonces.respond((Decision.Deny) d).headers().get("DPoP-Nonce");
    }

    @Test
    void enforceWhenNoNonceThenUseDpopNonceWithAFreshOneThenAllowedWithIt() {
      String token = boundToken();
      Decision first = send(withNonces, TestRequest.get("/orders").dpop(token, proof("GET", ORDERS, token).build()));
      String nonce = nonceFrom(first);
      assertThat(nonce).isNotBlank();
      assertThat(withNonces.respond((Decision.Deny) first).headers().get("WWW-Authenticate"))
          .startsWith("DPoP realm=\"zt\", error=\"use_dpop_nonce\"");

      Decision d = send(withNonces, TestRequest.get("/orders").dpop(token, proof("GET", ORDERS, token).nonce(nonce)
          .build()));
      assertThatDecision(d).isAllowed();
      assertThat(((Decision.Allow) d).responseHeaders()).doesNotContainKey("DPoP-Nonce");
    }

    @Test
    void enforceWhenNonceRotatedOnceThenStillAcceptedAndTheNextOneSent() {
      String token = boundToken();
      String nonce = nonceFrom(send(withNonces, TestRequest.get("/orders").dpop(token, proof("GET", ORDERS, token)
          .build())));
      clock.advance(Duration.ofSeconds(30));

      Decision d = send(withNonces, TestRequest.get("/orders").dpop(token, proof("GET", ORDERS, token).nonce(nonce)
          .build()));

      assertThatDecision(d).isAllowed();
      String next = ((Decision.Allow) d).responseHeaders().get("DPoP-Nonce");
      assertThat(next).isNotBlank().isNotEqualTo(nonce);
      clock.advance(Duration.ofSeconds(30));
      assertThat(nonceFrom(send(withNonces, TestRequest.get("/orders").dpop(token, proof("GET", ORDERS, token)
          .nonce(nonce).build())))).as("two rotations later: stale").isNotEqualTo(nonce);
      assertThatDecision(send(withNonces, TestRequest.get("/orders").dpop(token, proof("GET", ORDERS, token)
          .nonce(next).build()))).isAllowed();
    }

    @Test
    void enforceWhenNonceMadeUpOrFromAnotherKeyThenUseDpopNonce() {
      String token = boundToken();
      byte[] otherSecret = new byte[32];
      Enforcer other = enforcer(b -> b.dpop(Dpop.builder().requireNonce(otherSecret).build()));
      String foreign = nonceFrom(send(other, TestRequest.get("/orders").dpop(token, proof("GET", ORDERS, token)
          .build())));
      nonceFrom(send(withNonces, TestRequest.get("/orders").dpop(token, proof("GET", ORDERS, token).nonce(foreign)
          .build())));
      nonceFrom(send(withNonces, TestRequest.get("/orders").dpop(token, proof("GET", ORDERS, token).nonce("made-up")
          .build())));
    }

    @Test
    void enforceWhenTwoInstancesShareTheKeyThenEachAcceptsTheOthersNonce() {
      String token = boundToken();
      Enforcer twin = enforcer(b -> b.dpop(Dpop.builder().requireNonce(secret).nonceRotation(Duration.ofSeconds(30))
          .build()));
      String nonce = nonceFrom(send(withNonces, TestRequest.get("/orders").dpop(token, proof("GET", ORDERS, token)
          .build())));
      assertThatDecision(send(twin, TestRequest.get("/orders").dpop(token, proof("GET", ORDERS, token).nonce(nonce)
          .build()))).isAllowed();
    }
  }

  @Nested
  class Budget {

    @Test
    void enforceWhenASourceSendsBadProofSignaturesThenRefusedBeforeCheckingMore() {
      Enforcer budgeted = Enforcer.builder()
          .bearerJwt(issuer.bearerJwt().validationBudget(3, 30, Duration.ofMinutes(1)).build())
          .routes(RoutePolicy.builder().get("/orders", Requirement.allScopes("orders:read")).build())
          .publicOrigin(URI.create(ORIGIN)).clock(clock).openTelemetry(OpenTelemetry.noop()).build();
      String token = boundToken();
      TestKey thief = TestKey.ec256();
      int checked = 0;
      Decision d = null;
      for (int i = 0; i < 10; i++) {
        String forged = DpopProof.of(thief).clock(clock).request("GET", ORDERS).accessToken(token)
            .header("jwk", clientKey.publicJwk().toJSONObject()).build();
        d = send(budgeted, TestRequest.get("/orders").dpop(token, forged).peer("203.0.113.9"));
        if (d instanceof Decision.Deny deny && deny.reason() == DenyReason.DPOP_PROOF_INVALID) {
          checked++;
        }
      }
      assertThatDecision(d).isDeniedWith(DenyReason.VALIDATION_BUDGET_EXCEEDED).hasStatus(429);
      assertThat(checked).as("one token validation, then bad proofs up to the budget").isLessThanOrEqualTo(3);
      String good = proof("GET", ORDERS, token).build();
      assertThatDecision(send(budgeted, TestRequest.get("/orders").dpop(token, good).peer("203.0.113.10")))
          .as("another source is not affected").isAllowed();
    }
  }
}
