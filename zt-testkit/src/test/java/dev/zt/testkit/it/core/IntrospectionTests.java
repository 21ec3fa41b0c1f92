package dev.zt.testkit.it.core;

import dev.zt.core.Caller;
import dev.zt.core.Decision;
import dev.zt.core.DenyReason;
import dev.zt.core.Enforcer;
import dev.zt.core.WireResponse;
import dev.zt.core.countermeasure.CountermeasurePolicy;
import dev.zt.core.credential.BearerJwt;
import dev.zt.core.credential.IntrospectedToken;
import dev.zt.core.credential.Introspection;
import dev.zt.core.rate.RatePolicy;

import static dev.zt.testkit.ZtAssertions.assertThatDecision;
import static dev.zt.testkit.ZtAssertions.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.SignedJWT;
import dev.zt.testkit.TestClock;
import dev.zt.testkit.TestIssuer;
import dev.zt.testkit.TestKey;
import dev.zt.testkit.TestRequest;
import dev.zt.testkit.ZtExtension;
import java.net.URI;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Opaque tokens by RFC 7662 introspection: which tokens are introspected, zt's rules after {@code active: true}, the
 * cache (active, inactive, bounded by {@code exp}, on the enforcer's clock), single flight, the outage answers and
 * stale-if-error, the pre-authentication budget, each client authentication's wire format and RFC 9701 signed answers,
 * against a real HTTP endpoint on loopback.
 */
@ExtendWith(ZtExtension.class)
class IntrospectionTests {

  private static final String OPAQUE = "opaque-4f1c2a9e8b7d";

  TestIssuer issuer;
  TestClock clock;
  IntrospectionEndpoint endpoint;

  @BeforeEach
  void setUp(TestIssuer issuer, TestClock clock) {
    this.issuer = issuer;
    this.clock = clock;
    this.endpoint = new IntrospectionEndpoint();
  }

  @AfterEach
  void tearDown() {
    endpoint.close();
  }

  // ---- fixtures

  private Map<String, Object> activeClaims() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("active", true);
    m.put("iss", issuer.issuer());
    m.put("sub", "user-7");
    m.put("aud", List.of("orders-api"));
    m.put("client_id", "web");
    m.put("scope", "orders:read profile");
    m.put("token_type", "Bearer");
    m.put("jti", "t-1");
    m.put("iat", clock.instant().getEpochSecond());
    m.put("exp", clock.instant().plus(Duration.ofMinutes(10)).getEpochSecond());
    return m;
  }

  private String active(UnaryOperator<Map<String, Object>> edit) {
    return JSONObjectUtils.toJSONString(edit.apply(activeClaims()));
  }

  private Introspection.Builder secretBasic() {
    return Introspection.client("orders-service").clientSecretBasic("s3cret").endpoint(endpoint.uri());
  }

  private Enforcer enforcer(Introspection introspection) {
    return enforcer(introspection, UnaryOperator.identity());
  }

  private Enforcer enforcer(Introspection introspection, UnaryOperator<BearerJwt.Builder> jwt) {
    return builder(jwt.apply(issuer.bearerJwt()).introspection(introspection).build())
        .routes(Fixtures.routes())
        .build();
  }

  /** The enforcer every test here builds on, routes aside: the credential alone (no rate limits, no countermeasures). */
  private Enforcer.Builder builder(BearerJwt jwt) {
    return Enforcer.builder()
        .bearerJwt(jwt)
        .realm("orders")
        .clock(clock)
        .openTelemetry(io.opentelemetry.api.OpenTelemetry.noop())
        .rateLimits(RatePolicy.none())
        .countermeasures(CountermeasurePolicy.none());
  }

  /** {@link #builder} with a public origin, so DPoP is understood. */
  private Enforcer.Builder senderAwareBuilder() {
    return builder(issuer.bearerJwt().introspection(secretBasic().build()).build())
        .publicOrigin(java.net.URI.create("https://orders.example.com"));
  }

  private static CompletionStage<Decision> get(Enforcer enforcer, String token) {
    return enforcer.enforce(TestRequest.get("/orders").bearer(token).build());
  }

  // ---- accepted, and the deny paths beside it

  @Test
  void enforceWhenOpaqueTokenActiveThenAllowedAsIntrospectedCaller() {
    endpoint.answerJson(active(m -> m));
    Enforcer enforcer = enforcer(secretBasic().build());
    Decision d = await(get(enforcer, OPAQUE));
    assertThatDecision(d).isAllowedFor("user-7");
    Caller caller = ((Decision.Allow) d).caller();
    assertThat(caller.credential()).get().isInstanceOf(IntrospectedToken.class);
    assertThat(caller.token()).isEmpty();
    assertThat(caller.scopes()).containsExactlyInAnyOrder("orders:read", "profile");
    assertThat(caller.credential().get().toString()).doesNotContain(OPAQUE).contains("user-7", "t-1");
    assertThat(endpoint.last().form()).containsEntry("token", OPAQUE).containsEntry("token_type_hint", "access_token");
  }

  private Enforcer senderAware(dev.zt.core.policy.RoutePolicy routes) {
    return senderAwareBuilder().routes(routes).build();
  }

  @Test
  void enforceWhenActiveOpaqueTokenSentWithTheDpopSchemeThenRefusedAsNotSenderConstrained() {
    endpoint.answerJson(active(m -> m));
    Enforcer enforcer = senderAware(Fixtures.routes());
    dev.zt.testkit.TestKey key = dev.zt.testkit.TestKey.ec256();
    String proof = dev.zt.testkit.DpopProof.of(key).clock(clock).request("GET", "https://orders.example.com/orders")
        .accessToken(OPAQUE).build();

    Decision viaDpop = await(enforcer.enforce(TestRequest.get("/orders").dpop(OPAQUE, proof).build()));
    Decision viaBearer = await(get(enforcer, OPAQUE));

    assertThatDecision(viaDpop).isDeniedWith(DenyReason.TOKEN_NOT_SENDER_CONSTRAINED);
    assertThatDecision(viaBearer).isAllowedFor("user-7");
  }

  @Test
  void enforceWhenActiveOpaqueTokenOnARouteThatRequiresSenderConstraintThenRefused() {
    endpoint.answerJson(active(m -> m));
    Enforcer enforcer = senderAware(dev.zt.core.policy.RoutePolicy.builder()
        .get("/orders", dev.zt.core.policy.Requirement.allScopes("orders:read")
            .and(dev.zt.core.policy.Requirement.senderConstrained()))
        .get("/profile", dev.zt.core.policy.Requirement.allScopes("orders:read"))
        .build());

    assertThatDecision(await(get(enforcer, OPAQUE))).isDeniedWith(DenyReason.TOKEN_NOT_SENDER_CONSTRAINED);
    assertThatDecision(await(enforcer.enforce(TestRequest.get("/profile").bearer(OPAQUE).build())))
        .isAllowedFor("user-7");
  }

  @Test
  void enforceWhenOpaqueTokenIsDpopBoundThenAllowedOnlyWithItsProofAndNeverAsBearer() {
    dev.zt.testkit.TestKey key = dev.zt.testkit.TestKey.ec256();
    dev.zt.testkit.TestKey other = dev.zt.testkit.TestKey.ec256();
    endpoint.answerJson(active(m -> {
      m.put("cnf", Map.of("jkt", key.thumbprint(), "kc-jkt-type", "DPoP"));
      return m;
    }));
    Enforcer enforcer = senderAware(dev.zt.core.policy.RoutePolicy.builder()
        .get("/orders", dev.zt.core.policy.Requirement.allScopes("orders:read")
            .and(dev.zt.core.policy.Requirement.senderConstrained()))
        .build());
    String uri = "https://orders.example.com/orders";
    String proof = dev.zt.testkit.DpopProof.of(key).clock(clock).request("GET", uri).accessToken(OPAQUE).build();

    Decision withProof = await(enforcer.enforce(TestRequest.get("/orders").dpop(OPAQUE, proof).build()));
    Decision replayed = await(enforcer.enforce(TestRequest.get("/orders").dpop(OPAQUE, proof).build()));
    Decision otherKey = await(enforcer.enforce(TestRequest.get("/orders").dpop(OPAQUE,
        dev.zt.testkit.DpopProof.of(other).clock(clock).request("GET", uri).accessToken(OPAQUE).build()).build()));
    Decision asBearer = await(get(enforcer, OPAQUE));

    assertThatDecision(withProof).isAllowedFor("user-7");
    assertThat(((Decision.Allow) withProof).caller().credential().orElseThrow().isSenderConstrained()).isTrue();
    assertThatDecision(replayed).isDeniedWith(DenyReason.DPOP_PROOF_INVALID);
    assertThatDecision(otherKey).isDeniedWith(DenyReason.DPOP_PROOF_INVALID);
    assertThatDecision(asBearer).isDeniedWith(DenyReason.TOKEN_BINDING_UNVERIFIED);
    assertThat(endpoint.calls()).as("one answer, cached, decided all four").isEqualTo(1);
  }

  @Test
  void enforceWhenCachedDpopBoundOpaqueTokenOnANonBlockingRequestThenTheProofIsCheckedOnTheBlockingExecutor() {
    dev.zt.testkit.TestKey key = dev.zt.testkit.TestKey.ec256();
    endpoint.answerJson(active(m -> {
      m.put("cnf", Map.of("jkt", key.thumbprint()));
      return m;
    }));
    java.util.concurrent.atomic.AtomicInteger offloaded = new java.util.concurrent.atomic.AtomicInteger();
    Enforcer enforcer = senderAwareBuilder().routes(Fixtures.routes())
        .blockingExecutor(task -> {
          offloaded.incrementAndGet();
          task.run();
        })
        .build();
    String uri = "https://orders.example.com/orders";
    assertThatDecision(await(enforcer.enforce(TestRequest.get("/orders").dpop(OPAQUE, dev.zt.testkit.DpopProof.of(key)
        .clock(clock).request("GET", uri).accessToken(OPAQUE).build()).build()))).isAllowedFor("user-7");
    int before = offloaded.get();

    Decision cached = await(enforcer.enforce(TestRequest.get("/orders").dpop(OPAQUE, dev.zt.testkit.DpopProof.of(key)
        .clock(clock).request("GET", uri).accessToken(OPAQUE).build()).nonBlocking().build()));

    assertThatDecision(cached).isAllowedFor("user-7");
    assertThat(offloaded.get()).as("the cached answer's proof check left the caller's thread").isEqualTo(before + 1);
    assertThat(endpoint.calls()).isEqualTo(1);
  }

  @Test
  void enforceWhenOpaqueTokenIsCertificateBoundThenAllowedOnlyOverThatCertificate() throws Exception {
    dev.zt.testkit.spiffe.TestTrustDomain domain = dev.zt.testkit.spiffe.TestTrustDomain.create("example.org");
    java.security.cert.X509Certificate client = domain.issueX509Svid("/client").leaf();
    java.security.cert.X509Certificate another = domain.issueX509Svid("/another").leaf();
    String x5t = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
        java.security.MessageDigest.getInstance("SHA-256").digest(client.getEncoded()));
    endpoint.answerJson(active(m -> {
      m.put("cnf", Map.of("x5t#S256", x5t));
      return m;
    }));
    Enforcer enforcer = enforcer(secretBasic().build());

    assertThatDecision(await(enforcer.enforce(TestRequest.get("/orders").bearer(OPAQUE)
        .peerCertificates(List.of(client)).build()))).isAllowedFor("user-7");
    assertThatDecision(await(enforcer.enforce(TestRequest.get("/orders").bearer(OPAQUE)
        .peerCertificates(List.of(another)).build()))).isDeniedWith(DenyReason.TOKEN_BINDING_UNVERIFIED);
    assertThatDecision(await(get(enforcer, OPAQUE))).isDeniedWith(DenyReason.TOKEN_BINDING_UNVERIFIED);
  }

  @Test
  void enforceWhenIntrospectionAnswerCnfNamesAMethodZtDoesNotCheckThenRefused() {
    endpoint.answerJson(active(m -> {
      m.put("cnf", Map.of("jwk", Map.of("kty", "EC")));
      return m;
    }));
    assertThatDecision(await(get(enforcer(secretBasic().build()), OPAQUE)))
        .isDeniedWith(DenyReason.TOKEN_BINDING_UNVERIFIED);
  }

  @Test
  void enforceWhenOpaqueTokenLacksScopeThenInsufficientScope() {
    endpoint.answerJson(active(m -> {
      m.put("scope", "profile");
      return m;
    }));
    assertThatDecision(get(enforcer(secretBasic().build()), OPAQUE)).isDeniedWith(DenyReason.INSUFFICIENT_SCOPE);
  }

  @Test
  void enforceWhenRolesClaimInAnswerThenRolePolicyHolds() {
    endpoint.answerJson(active(m -> {
      m.put("realm_access", Map.of("roles", List.of("admin")));
      return m;
    }));
    Enforcer enforcer = enforcer(secretBasic().build(), b -> b.rolesClaim("realm_access.roles"));
    assertThatDecision(enforcer.enforce(TestRequest.get("/admin/stats").bearer(OPAQUE).build())).isAllowed();
  }

  @Test
  void enforceWhenInactiveThenDeniesTokenInactive() {
    endpoint.answerJson("{\"active\":false}");
    Decision d = await(get(enforcer(secretBasic().build()), OPAQUE));
    assertThatDecision(d).isDeniedWith(DenyReason.TOKEN_INACTIVE).hasStatus(401);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
      "exp missing, TOKEN_CLAIM_INVALID",
      "expired, TOKEN_EXPIRED",
      "other issuer, TOKEN_ISSUER_MISMATCH",
      "other audience, TOKEN_AUDIENCE_MISMATCH",
      "no audience, TOKEN_AUDIENCE_MISMATCH",
      "refresh token, TOKEN_NOT_ACCESS_TOKEN",
      "keycloak refresh typ, TOKEN_NOT_ACCESS_TOKEN",
      "cnf jkt, TOKEN_BINDING_UNVERIFIED",
      "cnf x5t#S256, TOKEN_BINDING_UNVERIFIED",
      "cnf not an object, TOKEN_CLAIM_INVALID",
      "no sub, TOKEN_CLAIM_INVALID",
      "not yet valid, TOKEN_NOT_YET_VALID",
      "exp as string, TOKEN_CLAIM_INVALID",
  })
  void enforceWhenActiveAnswerBreaksARuleThenDenied(String rule, DenyReason reason) {
    long now = clock.instant().getEpochSecond();
    endpoint.answerJson(active(m -> {
      switch (rule) {
        case "exp missing" -> m.remove("exp");
        case "expired" -> m.put("exp", now - 120);
        case "other issuer" -> m.put("iss", "https://other.example");
        case "other audience" -> m.put("aud", "billing-api");
        case "no audience" -> m.remove("aud");
        case "refresh token" -> m.put("token_type", "refresh_token");
        case "keycloak refresh typ" -> m.put("typ", "Refresh");
        case "cnf jkt" -> m.put("cnf", Map.of("jkt", "0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I"));
        case "cnf x5t#S256" -> m.put("cnf", Map.of("x5t#S256", "0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I"));
        case "cnf not an object" -> m.put("cnf", "jkt");
        case "no sub" -> m.remove("sub");
        case "not yet valid" -> m.put("nbf", now + 600);
        case "exp as string" -> m.put("exp", Long.toString(now + 600));
        default -> throw new IllegalArgumentException(rule);
      }
      return m;
    }));
    assertThatDecision(get(enforcer(secretBasic().build()), OPAQUE)).isDeniedWith(reason).hasStatus(401);
  }

  @Test
  void enforceWhenNoAudienceAndAllowedByNameThenAllowed() {
    endpoint.answerJson(active(m -> {
      m.remove("aud");
      return m;
    }));
    assertThatDecision(get(enforcer(secretBasic().allowMissingAudience().build()), OPAQUE)).isAllowed();
  }

  @Test
  void enforceWhenAllowMissingAudienceButOtherAudienceThenStillDenied() {
    endpoint.answerJson(active(m -> {
      m.put("aud", "billing-api");
      return m;
    }));
    assertThatDecision(get(enforcer(secretBasic().allowMissingAudience().build()), OPAQUE))
        .isDeniedWith(DenyReason.TOKEN_AUDIENCE_MISMATCH);
  }

  @Test
  void enforceWhenCnfHasOnlyUnknownMembersThenRefusedAsABindingZtCannotCheck() {
    // as for a JWT: a cnf that names no method zt checks may be a binding it does not know, never ignored
    endpoint.answerJson(active(m -> {
      m.put("cnf", Map.of("kc-jkt-type", "x"));
      m.put("typ", "Bearer");
      return m;
    }));
    assertThatDecision(await(get(enforcer(secretBasic().build()), OPAQUE)))
        .isDeniedWith(DenyReason.TOKEN_BINDING_UNVERIFIED);
  }

  // ---- which tokens are introspected

  @Test
  void enforceWhenJwtOfAcceptedIssuerThenVerifiedLocallyWithoutCall() {
    Enforcer enforcer = enforcer(secretBasic().build());
    assertThatDecision(get(enforcer, issuer.token().scope("orders:read").build())).isAllowed();
    assertThat(endpoint.calls()).isZero();
  }

  @Test
  void enforceWhenJwtOfAcceptedIssuerWithBadSignatureThenRefusedWithoutCall() {
    Enforcer enforcer = enforcer(secretBasic().build());
    String forged = issuer.token().scope("orders:read").signedWith(TestKey.rsa().withKeyId(issuer.signingKey()
        .keyId())).build();
    assertThatDecision(get(enforcer, forged)).isDeniedWith(DenyReason.TOKEN_SIGNATURE_INVALID);
    assertThat(endpoint.calls()).isZero();
  }

  @Test
  void enforceWhenJwtOfUnlistedIssuerThenRefusedWithoutCall() {
    Enforcer enforcer = enforcer(secretBasic().build());
    String other = issuer.token().issuer("https://other.example").scope("orders:read").build();
    assertThatDecision(get(enforcer, other)).isDeniedWith(DenyReason.TOKEN_ISSUER_MISMATCH);
    assertThat(endpoint.calls()).isZero();
  }

  @Test
  void enforceWhenTokenTooLargeOrMalformedThenRefusedWithoutCall() {
    Enforcer enforcer = enforcer(secretBasic().build());
    assertThatDecision(get(enforcer, "a".repeat(8193))).isDeniedWith(DenyReason.TOKEN_TOO_LARGE);
    assertThatDecision(enforcer.enforce(TestRequest.get("/orders").header("Authorization", "Bearer ab=cd").build()))
        .isDeniedWith(DenyReason.MALFORMED_CREDENTIAL);
    assertThat(endpoint.calls()).isZero();
  }

  @Test
  void enforceWhenIntrospectJwtsAndRevokedThenJwtDeniedInactive() {
    endpoint.answerJson(active(m -> m));
    Enforcer enforcer = enforcer(secretBasic().introspectJwts().build());
    String jwt = issuer.token().scope("orders:read").build();
    assertThatDecision(get(enforcer, jwt)).isAllowed();
    assertThat(endpoint.last().form()).containsEntry("token", jwt);
    endpoint.answerJson("{\"active\":false}");
    clock.advance(Duration.ofSeconds(31)); // past the cache life: the revocation is seen
    assertThatDecision(get(enforcer, jwt)).isDeniedWith(DenyReason.TOKEN_INACTIVE);
    assertThat(endpoint.calls()).isEqualTo(2);
  }

  @Test
  void enforceWhenIntrospectJwtsAndCachedThenNoSecondCall() {
    endpoint.answerJson(active(m -> m));
    Enforcer enforcer = enforcer(secretBasic().introspectJwts().build());
    String jwt = issuer.token().scope("orders:read").build();
    assertThatDecision(get(enforcer, jwt)).isAllowed();
    assertThatDecision(get(enforcer, jwt)).isAllowed();
    assertThat(endpoint.calls()).isEqualTo(1);
  }

  // ---- the cache

  @Test
  void enforceWhenActiveAnswerCachedThenOneCallUntilCacheTtl() {
    endpoint.answerJson(active(m -> m));
    Enforcer enforcer = enforcer(secretBasic().build());
    assertThatDecision(get(enforcer, OPAQUE)).isAllowed();
    clock.advance(Duration.ofSeconds(29));
    assertThatDecision(get(enforcer, OPAQUE)).isAllowed();
    assertThat(endpoint.calls()).isEqualTo(1);
    clock.advance(Duration.ofSeconds(1));
    assertThatDecision(get(enforcer, OPAQUE)).isAllowed();
    assertThat(endpoint.calls()).isEqualTo(2);
  }

  // ---- the cached path: a hit is decided before the token's checks, never weakening what is refused

  private static CompletionStage<Decision> withAuthorization(Enforcer enforcer, String authorization) {
    return enforcer.enforce(TestRequest.get("/orders").header("Authorization", authorization).build());
  }

  @Test
  void enforceWhenCachedOpaqueTokenSentWithAnotherSpellingOfTheSchemeThenHitWithoutCall() {
    endpoint.answerJson(active(m -> m));
    Enforcer enforcer = enforcer(secretBasic().build());
    assertThatDecision(get(enforcer, OPAQUE)).isAllowed();

    assertThatDecision(withAuthorization(enforcer, "bearer " + OPAQUE)).isAllowedFor("user-7");
    assertThatDecision(withAuthorization(enforcer, "BEARER   " + OPAQUE)).isAllowedFor("user-7");

    assertThat(endpoint.calls()).isEqualTo(1);
  }

  static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> noB64Tokens() {
    return java.util.stream.Stream.of(
        org.junit.jupiter.params.provider.Arguments.of("opaque-4f1c 2a9e8b7d", DenyReason.MALFORMED_CREDENTIAL),
        org.junit.jupiter.params.provider.Arguments.of("opaque-4f1c2a9e8b7d,x", DenyReason.MULTIPLE_CREDENTIALS),
        org.junit.jupiter.params.provider.Arguments.of("opaque-4f1c=2a9e8b7d", DenyReason.MALFORMED_CREDENTIAL),
        org.junit.jupiter.params.provider.Arguments.of("opaque-4f1c2a9e8b7\u0144", DenyReason.MALFORMED_CREDENTIAL),
        org.junit.jupiter.params.provider.Arguments.of("opaque-\"4f1c2a9e8b7d", DenyReason.MALFORMED_CREDENTIAL));
  }

  @ParameterizedTest(name = "{0}")
  @org.junit.jupiter.params.provider.MethodSource("noB64Tokens")
  void enforceWhenUncachedTokenIsNoB64TokenThenRefusedWithoutCall(String token, DenyReason reason) {
    endpoint.answerJson(active(m -> m));
    Enforcer enforcer = enforcer(secretBasic().build());

    assertThatDecision(withAuthorization(enforcer, "Bearer " + token)).isDeniedWith(reason);
    assertThatDecision(withAuthorization(enforcer, "Bearer " + token)).isDeniedWith(reason);

    assertThat(endpoint.calls()).isZero();
  }

  @Test
  void enforceWhenTokenDiffersFromACachedOneInANonAsciiCharWithTheSameLowByteThenRefusedWithoutCall() {
    endpoint.answerJson(active(m -> m));
    Enforcer enforcer = enforcer(secretBasic().build());
    assertThatDecision(get(enforcer, OPAQUE)).isAllowed();
    // 'd' is 0x64; U+0164 truncated to a byte is 0x64 too: the hash must not see the two as one token
    String lookalike = OPAQUE.substring(0, OPAQUE.length() - 1) + '\u0164';

    assertThatDecision(withAuthorization(enforcer, "Bearer " + lookalike))
        .isDeniedWith(DenyReason.MALFORMED_CREDENTIAL);

    assertThat(endpoint.calls()).isEqualTo(1);
  }

  @Test
  void enforceWhenTokenTooLargeSentTwiceThenRefusedBothTimesWithoutCall() {
    endpoint.answerJson(active(m -> m));
    Enforcer enforcer = enforcer(secretBasic().build(), b -> b.maxTokenLength(256));
    String large = "t".repeat(257);

    assertThatDecision(get(enforcer, large)).isDeniedWith(DenyReason.TOKEN_TOO_LARGE);
    assertThatDecision(get(enforcer, large)).isDeniedWith(DenyReason.TOKEN_TOO_LARGE);

    assertThat(endpoint.calls()).isZero();
  }

  @Test
  void enforceWhenCachedOpaqueTokenSentWithTheDpopSchemeThenRefusedAsNotSenderConstrained() {
    endpoint.answerJson(active(m -> m));
    Enforcer enforcer = senderAware(Fixtures.routes());
    assertThatDecision(get(enforcer, OPAQUE)).isAllowedFor("user-7"); // cached now
    String proof = dev.zt.testkit.DpopProof.of(dev.zt.testkit.TestKey.ec256())
        .request("GET", "https://orders.example.com/orders").accessToken(OPAQUE).build();

    Decision viaDpop = await(enforcer.enforce(TestRequest.get("/orders").dpop(OPAQUE, proof).build()));

    assertThatDecision(viaDpop).isDeniedWith(DenyReason.TOKEN_NOT_SENDER_CONSTRAINED);
    assertThat(endpoint.calls()).isEqualTo(1);
  }

  @Test
  void enforceWhenCachedOpaqueTokenOnARouteThatRequiresSenderConstraintThenRefused() {
    endpoint.answerJson(active(m -> m));
    Enforcer enforcer = senderAware(dev.zt.core.policy.RoutePolicy.builder()
        .get("/orders", dev.zt.core.policy.Requirement.allScopes("orders:read")
            .and(dev.zt.core.policy.Requirement.senderConstrained()))
        .get("/profile", dev.zt.core.policy.Requirement.allScopes("orders:read"))
        .build());
    assertThatDecision(await(enforcer.enforce(TestRequest.get("/profile").bearer(OPAQUE).build())))
        .isAllowedFor("user-7"); // cached now

    assertThatDecision(await(get(enforcer, OPAQUE))).isDeniedWith(DenyReason.TOKEN_NOT_SENDER_CONSTRAINED);
    assertThat(endpoint.calls()).isEqualTo(1);
  }

  @Test
  void enforceWhenOpaqueTokenHasTwoDotsButIsNoJwtThenIntrospectedAndCached() {
    endpoint.answerJson(active(m -> m));
    Enforcer enforcer = enforcer(secretBasic().build());
    String dotted = "opaque.4f1c2a9e.8b7d";

    assertThatDecision(get(enforcer, dotted)).isAllowedFor("user-7");
    assertThatDecision(get(enforcer, dotted)).isAllowedFor("user-7");

    assertThat(endpoint.last().form()).containsEntry("token", dotted);
    assertThat(endpoint.calls()).isEqualTo(1);
  }

  @Test
  void enforceWhenIntrospectJwtsAndCachedJwtAndOpaqueTokenThenEachHitsItsOwnEntry() {
    endpoint.answerJson(active(m -> m));
    Enforcer enforcer = enforcer(secretBasic().introspectJwts().build());
    String jwt = issuer.token().scope("orders:read").build();
    assertThatDecision(get(enforcer, jwt)).isAllowed();
    assertThatDecision(get(enforcer, OPAQUE)).isAllowed();

    assertThatDecision(get(enforcer, jwt)).isAllowed();
    assertThatDecision(get(enforcer, OPAQUE)).isAllowedFor("user-7");

    assertThat(endpoint.calls()).isEqualTo(2);
  }

  @Test
  void enforceWhenCacheTtlConfiguredThenHonoured() {
    endpoint.answerJson(active(m -> m));
    Enforcer enforcer = enforcer(secretBasic().cacheTtl(Duration.ofSeconds(5)).build());
    assertThatDecision(get(enforcer, OPAQUE)).isAllowed();
    clock.advance(Duration.ofSeconds(5));
    assertThatDecision(get(enforcer, OPAQUE)).isAllowed();
    assertThat(endpoint.calls()).isEqualTo(2);
  }

  @Test
  void enforceWhenTokenExpiresBeforeCacheTtlThenCacheLifeEndsAtExp() {
    long exp = clock.instant().plusSeconds(10).getEpochSecond();
    endpoint.answer(r -> IntrospectionEndpoint.Answer.json(clock.instant().getEpochSecond() < exp
        ? active(m -> {
          m.put("exp", exp);
          return m;
        })
        : "{\"active\":false}"));
    Enforcer enforcer = enforcer(secretBasic().build());
    assertThatDecision(get(enforcer, OPAQUE)).isAllowed();
    clock.advance(Duration.ofSeconds(10));
    assertThatDecision(get(enforcer, OPAQUE)).isDeniedWith(DenyReason.TOKEN_INACTIVE);
    assertThat(endpoint.calls()).isEqualTo(2);
  }

  @Test
  void enforceWhenInactiveAnswerThenCachedTenSeconds() {
    endpoint.answerJson("{\"active\":false}");
    Enforcer enforcer = enforcer(secretBasic().build());
    assertThatDecision(get(enforcer, OPAQUE)).isDeniedWith(DenyReason.TOKEN_INACTIVE);
    clock.advance(Duration.ofMillis(9_999));
    assertThatDecision(get(enforcer, OPAQUE)).isDeniedWith(DenyReason.TOKEN_INACTIVE);
    assertThat(endpoint.calls()).isEqualTo(1);
    clock.advance(Duration.ofMillis(1));
    assertThatDecision(get(enforcer, OPAQUE)).isDeniedWith(DenyReason.TOKEN_INACTIVE);
    assertThat(endpoint.calls()).isEqualTo(2);
  }

  @Test
  void enforceWhenServerErrorThenNotCached() {
    endpoint.answer(r -> new IntrospectionEndpoint.Answer(500, "application/json", "{}"));
    Enforcer enforcer = enforcer(secretBasic().build());
    assertThatDecision(get(enforcer, OPAQUE)).isDeniedWith(DenyReason.INTROSPECTION_UNAVAILABLE);
    endpoint.answerJson(active(m -> m));
    assertThatDecision(get(enforcer, OPAQUE)).isAllowed();
    assertThat(endpoint.calls()).isEqualTo(2);
  }

  @Test
  void enforceWhenAnswerSaysNoCacheThenStillCached() {
    endpoint.answerJson(active(m -> m)); // the endpoint sends Cache-Control: no-cache, no-store
    Enforcer enforcer = enforcer(secretBasic().build());
    assertThatDecision(get(enforcer, OPAQUE)).isAllowed();
    assertThatDecision(get(enforcer, OPAQUE)).isAllowed();
    assertThat(endpoint.calls()).isEqualTo(1);
  }

  // ---- single flight

  @Test
  void enforceWhenConcurrentRequestsWithOneUnseenTokenThenExactlyOneCall() throws Exception {
    endpoint.answerJson(active(m -> m));
    endpoint.hold();
    Enforcer enforcer = enforcer(secretBasic().build());
    List<CompletionStage<Decision>> pending = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      pending.add(enforcer.enforce(TestRequest.get("/orders").bearer(OPAQUE).nonBlocking().build()));
    }
    assertThat(endpoint.awaitFirstRequest()).isTrue();
    for (CompletionStage<Decision> p : pending) {
      assertThat(p.toCompletableFuture()).isNotDone();
    }
    endpoint.release();
    for (CompletionStage<Decision> p : pending) {
      assertThatDecision(p).isAllowed();
    }
    assertThat(endpoint.calls()).isEqualTo(1);
  }

  // ---- outage

  @Test
  void enforceWhenEndpointAnswers503ThenIntrospectionUnavailableWithRetryAfter() {
    endpoint.answer(r -> new IntrospectionEndpoint.Answer(503, "text/plain", "down"));
    Enforcer enforcer = enforcer(secretBasic().build());
    Decision d = await(get(enforcer, OPAQUE));
    assertThatDecision(d).isDeniedWith(DenyReason.INTROSPECTION_UNAVAILABLE).hasStatus(503);
    WireResponse wire = enforcer.respond((Decision.Deny) d);
    assertThat(wire.status()).isEqualTo(503);
    assertThat(wire.headers()).containsKey("Retry-After");
    assertThat(wire.body()).contains("introspection-unavailable\"");
  }

  @Test
  void enforceWhenEndpointRefusesConnectionsThenUnavailable() {
    IntrospectionEndpoint closed = new IntrospectionEndpoint();
    URI uri = closed.uri();
    closed.close();
    Enforcer enforcer = enforcer(Introspection.client("c").clientSecretBasic("s").endpoint(uri).build());
    assertThatDecision(get(enforcer, OPAQUE)).isDeniedWith(DenyReason.INTROSPECTION_UNAVAILABLE);
  }

  @Test
  void enforceWhenEndpointTooSlowThenUnavailableAtTheDeadline() {
    endpoint.answerJson(active(m -> m));
    endpoint.hold();
    Enforcer enforcer = enforcer(secretBasic().timeout(Duration.ofMillis(200)).build());
    try {
      assertThatDecision(get(enforcer, OPAQUE)).isDeniedWith(DenyReason.INTROSPECTION_UNAVAILABLE);
    } finally {
      endpoint.release();
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "not JSON|application/json|<html>",
      "no active member|application/json|{\"sub\":\"x\"}",
      "active as string|application/json|{\"active\":\"true\"}",
      "duplicate member|application/json|{\"active\":false,\"active\":true}",
      "wrong content type|text/html|{\"active\":true}",
  })
  void enforceWhenAnswerUnusableThenUnavailable(String name, String contentType, String body) {
    endpoint.answer(r -> new IntrospectionEndpoint.Answer(200, contentType, body));
    assertThatDecision(get(enforcer(secretBasic().build()), OPAQUE))
        .isDeniedWith(DenyReason.INTROSPECTION_UNAVAILABLE);
  }

  @Test
  void enforceWhenAnswerLargerThanLimitThenUnavailable() {
    endpoint.answerJson(active(m -> {
      m.put("padding", "x".repeat(2048));
      return m;
    }));
    assertThatDecision(get(enforcer(secretBasic().maxResponseBytes(1024).build()), OPAQUE))
        .isDeniedWith(DenyReason.INTROSPECTION_UNAVAILABLE);
  }

  @Test
  void enforceWhenOutageWithinStaleWindowThenServedUntilTheWindowEnds() {
    endpoint.answerJson(active(m -> m)); // exp in 10 min
    Enforcer enforcer = enforcer(secretBasic().build());
    assertThatDecision(get(enforcer, OPAQUE)).isAllowed();
    endpoint.answer(r -> new IntrospectionEndpoint.Answer(500, "application/json", "{}"));
    clock.advance(Duration.ofMinutes(5)); // seen active exactly 5 min ago
    assertThatDecision(get(enforcer, OPAQUE)).isAllowed();
    clock.advance(Duration.ofMillis(1));
    assertThatDecision(get(enforcer, OPAQUE)).isDeniedWith(DenyReason.INTROSPECTION_UNAVAILABLE);
  }

  @Test
  void enforceWhenOutageAfterExpThenNotServedStale() {
    long exp = clock.instant().plusSeconds(60).getEpochSecond();
    endpoint.answerJson(active(m -> {
      m.put("exp", exp);
      return m;
    }));
    Enforcer enforcer = enforcer(secretBasic().build());
    assertThatDecision(get(enforcer, OPAQUE)).isAllowed();
    endpoint.answer(r -> new IntrospectionEndpoint.Answer(500, "application/json", "{}"));
    clock.advance(Duration.ofSeconds(59));
    assertThatDecision(get(enforcer, OPAQUE)).isAllowed(); // stale, before exp
    clock.advance(Duration.ofSeconds(1));
    assertThatDecision(get(enforcer, OPAQUE)).isDeniedWith(DenyReason.INTROSPECTION_UNAVAILABLE);
  }

  @Test
  void enforceWhenOutageAndTokenNeverSeenActiveThenUnavailable() {
    endpoint.answerJson("{\"active\":false}");
    Enforcer enforcer = enforcer(secretBasic().build());
    assertThatDecision(get(enforcer, OPAQUE)).isDeniedWith(DenyReason.TOKEN_INACTIVE);
    endpoint.answer(r -> new IntrospectionEndpoint.Answer(500, "application/json", "{}"));
    clock.advance(Duration.ofSeconds(11));
    assertThatDecision(get(enforcer, OPAQUE)).isDeniedWith(DenyReason.INTROSPECTION_UNAVAILABLE);
  }

  @Test
  void enforceWhenStaleIfErrorOffThenOutageRefuses() {
    endpoint.answerJson(active(m -> m));
    Enforcer enforcer = enforcer(secretBasic().staleIfError(Duration.ZERO).build());
    assertThatDecision(get(enforcer, OPAQUE)).isAllowed();
    endpoint.answer(r -> new IntrospectionEndpoint.Answer(500, "application/json", "{}"));
    clock.advance(Duration.ofSeconds(30));
    assertThatDecision(get(enforcer, OPAQUE)).isDeniedWith(DenyReason.INTROSPECTION_UNAVAILABLE);
  }

  @Test
  void enforceWhenIntrospectJwtsAndOutageThenJwtServedStaleWithinWindow() {
    endpoint.answerJson(active(m -> m));
    Enforcer enforcer = enforcer(secretBasic().introspectJwts().build());
    String jwt = issuer.token().scope("orders:read").expiresIn(Duration.ofMinutes(10)).build();
    assertThatDecision(get(enforcer, jwt)).isAllowed();
    endpoint.answer(r -> new IntrospectionEndpoint.Answer(500, "application/json", "{}"));
    clock.advance(Duration.ofMinutes(5));
    assertThatDecision(get(enforcer, jwt)).isAllowed();
    clock.advance(Duration.ofMillis(1));
    assertThatDecision(get(enforcer, jwt)).isDeniedWith(DenyReason.INTROSPECTION_UNAVAILABLE);
  }

  // ---- the pre-authentication budget

  @Test
  void enforceWhenRandomOpaqueTokensFromOneAddressThenCallsBoundedByBudget() {
    endpoint.answerJson("{\"active\":false}");
    Enforcer enforcer = enforcer(secretBasic().build(), b -> b.validationBudget(3, 30, Duration.ofMinutes(1)));
    for (int i = 0; i < 3; i++) {
      assertThatDecision(enforcer.enforce(TestRequest.get("/orders").bearer("guess-" + i).peer("203.0.113.9")
          .build())).isDeniedWith(DenyReason.TOKEN_INACTIVE);
    }
    assertThatDecision(enforcer.enforce(TestRequest.get("/orders").bearer("guess-3").peer("203.0.113.9").build()))
        .isDeniedWith(DenyReason.VALIDATION_BUDGET_EXCEEDED);
    assertThat(endpoint.calls()).isEqualTo(3);
  }

  @Test
  void enforceWhenCachedOpaqueTokenThenBudgetNotDrawn() {
    endpoint.answerJson(active(m -> m));
    Enforcer enforcer = enforcer(secretBasic().build(), b -> b.validationBudget(1, 10, Duration.ofMinutes(1)));
    for (int i = 0; i < 5; i++) {
      assertThatDecision(enforcer.enforce(TestRequest.get("/orders").bearer(OPAQUE).peer("203.0.113.9").build()))
          .isAllowed();
    }
  }

  // ---- endpoint discovery

  @Test
  void enforceWhenNoEndpointConfiguredThenDiscoveredFromIssuerMetadata() {
    endpoint.answerJson(active(m -> {
      m.put("iss", endpoint.issuer());
      return m;
    }));
    Enforcer enforcer = Enforcer.builder()
        .bearerJwt(BearerJwt.issuer(endpoint.issuer()).audience("orders-api")
            .introspection(Introspection.client("c").clientSecretPost("s").build()).build())
        .routes(Fixtures.routes())
        .clock(clock)
        .openTelemetry(io.opentelemetry.api.OpenTelemetry.noop())
        .build();
    assertThatDecision(get(enforcer, OPAQUE)).isAllowed();
    assertThat(endpoint.calls()).isEqualTo(1);
  }

  // ---- client authentication on the wire

  @Test
  void requestWhenClientSecretBasicThenIdAndSecretFormEncodedBeforeBase64() {
    endpoint.answerJson(active(m -> m));
    Enforcer enforcer = enforcer(Introspection.client("orders service").clientSecretBasic("p@ss:w%rd+é")
        .endpoint(endpoint.uri()).build());
    assertThatDecision(get(enforcer, OPAQUE)).isAllowed();
    IntrospectionEndpoint.Received r = endpoint.last();
    String expected = "orders+service:p%40ss%3Aw%25rd%2B%C3%A9";
    assertThat(r.header("Authorization"))
        .isEqualTo("Basic " + Base64.getEncoder().encodeToString(expected.getBytes(java.nio.charset.StandardCharsets
            .US_ASCII)));
    assertThat(r.form()).doesNotContainKeys("client_id", "client_secret");
    assertThat(r.header("Accept")).isEqualTo("application/json");
    assertThat(r.header("Content-Type")).isEqualTo("application/x-www-form-urlencoded");
  }

  @Test
  void requestWhenClientSecretPostThenCredentialsInFormOnly() {
    endpoint.answerJson(active(m -> m));
    Enforcer enforcer = enforcer(Introspection.client("orders").clientSecretPost("s&=cret")
        .endpoint(endpoint.uri()).build());
    assertThatDecision(get(enforcer, OPAQUE)).isAllowed();
    IntrospectionEndpoint.Received r = endpoint.last();
    assertThat(r.header("Authorization")).isNull();
    assertThat(r.form()).containsEntry("client_id", "orders").containsEntry("client_secret", "s&=cret");
  }

  @Test
  void requestWhenPrivateKeyJwtRsaThenSignedAssertionPerRfc7523() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2048);
    KeyPair kp = g.generateKeyPair();
    endpoint.answerJson(active(m -> m));
    Enforcer enforcer = enforcer(Introspection.client("orders").privateKeyJwt(kp.getPrivate(), "key-1")
        .endpoint(endpoint.uri()).build());
    assertThatDecision(get(enforcer, OPAQUE)).isAllowed();
    IntrospectionEndpoint.Received r = endpoint.last();
    assertThat(r.header("Authorization")).isNull();
    assertThat(r.form()).containsEntry("client_id", "orders")
        .containsEntry("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
        .doesNotContainKey("client_secret");
    SignedJWT assertion = SignedJWT.parse(r.form().get("client_assertion"));
    assertThat(assertion.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.RS256);
    assertThat(assertion.getHeader().getKeyID()).isEqualTo("key-1");
    assertThat(assertion.verify(new RSASSAVerifier((RSAPublicKey) kp.getPublic()))).isTrue();
    var claims = assertion.getJWTClaimsSet();
    assertThat(claims.getIssuer()).isEqualTo("orders");
    assertThat(claims.getSubject()).isEqualTo("orders");
    assertThat(claims.getAudience()).containsExactly(issuer.issuer()); // one value: the issuer (Keycloak 26)
    assertThat(claims.getJWTID()).isNotBlank();
    assertThat(claims.getExpirationTime().getTime() - clock.millis()).isBetween(1L, 60_000L);
  }

  @Test
  void requestWhenPrivateKeyJwtEcThenEs256AndFreshJtiPerCall() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair kp = g.generateKeyPair();
    endpoint.answerJson("{\"active\":false}");
    Enforcer enforcer = enforcer(Introspection.client("orders").privateKeyJwt(kp.getPrivate())
        .endpoint(endpoint.uri()).build());
    await(get(enforcer, "token-a"));
    await(get(enforcer, "token-b"));
    SignedJWT first = SignedJWT.parse(endpoint.received().get(0).form().get("client_assertion"));
    SignedJWT second = SignedJWT.parse(endpoint.received().get(1).form().get("client_assertion"));
    assertThat(first.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.ES256);
    assertThat(first.verify(new ECDSAVerifier((ECPublicKey) kp.getPublic()))).isTrue();
    assertThat(first.getJWTClaimsSet().getJWTID()).isNotEqualTo(second.getJWTClaimsSet().getJWTID());
  }

  // ---- RFC 9701 signed answers

  private String signedAnswer(UnaryOperator<dev.zt.testkit.TokenBuilder> edit) {
    dev.zt.testkit.TokenBuilder b = issuer.token()
        .header("typ", "token-introspection+jwt")
        .without("sub").without("exp").without("jti").without("client_id")
        .audience("orders-service")
        .claim("token_introspection", activeClaims());
    return edit.apply(b).build();
  }

  private void answerSigned(UnaryOperator<dev.zt.testkit.TokenBuilder> edit) {
    String jws = signedAnswer(edit);
    endpoint.answer(r -> new IntrospectionEndpoint.Answer(200, "application/token-introspection+jwt", jws));
  }

  @Test
  void enforceWhenSignedAnswerVerifiesThenAllowed() {
    answerSigned(b -> b);
    Enforcer enforcer = enforcer(secretBasic().jwtResponses().build());
    assertThatDecision(get(enforcer, OPAQUE)).isAllowed();
    assertThat(endpoint.last().header("Accept")).isEqualTo("application/token-introspection+jwt");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"bad signature", "wrong typ", "other audience", "other issuer", "no iat", "old iat", "no answer"})
  void enforceWhenSignedAnswerBreaksRfc9701ThenUnavailable(String flaw) {
    answerSigned(b -> switch (flaw) {
      case "bad signature" -> b.signedWith(TestKey.rsa().withKeyId(issuer.signingKey().keyId()));
      case "wrong typ" -> b.header("typ", "JWT");
      case "other audience" -> b.audience("someone-else");
      case "other issuer" -> b.issuer("https://other.example");
      case "no iat" -> b.without("iat");
      case "old iat" -> b.issuedIn(Duration.ofMinutes(-10));
      case "no answer" -> b.without("token_introspection");
      default -> throw new IllegalArgumentException(flaw);
    });
    assertThatDecision(get(enforcer(secretBasic().jwtResponses().build()), OPAQUE))
        .isDeniedWith(DenyReason.INTROSPECTION_UNAVAILABLE);
  }

  @Test
  void enforceWhenSignedAnswerAskedButPlainJsonGivenThenUnavailable() {
    endpoint.answerJson(active(m -> m));
    assertThatDecision(get(enforcer(secretBasic().jwtResponses().build()), OPAQUE))
        .isDeniedWith(DenyReason.INTROSPECTION_UNAVAILABLE);
  }

  // ---- configuration

  @Test
  void buildWhenPlainHttpEndpointNotLoopbackThenRefused() {
    assertThatThrownBy(() -> Introspection.client("c").clientSecretBasic("s")
        .endpoint(URI.create("http://idp.example/introspect")).build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("https");
    assertThat(Introspection.client("c").clientSecretBasic("s").allowPlainHttpEndpoint()
        .endpoint(URI.create("http://idp.example/introspect")).build().endpoint()).isPresent();
  }

  @Test
  void buildWhenTwoAuthMethodsOrNoneThenRefused() {
    assertThatThrownBy(() -> Introspection.client("c").clientSecretBasic("s").clientSecretPost("s"))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("client_secret_basic");
    assertThatThrownBy(() -> Introspection.client("c").build()).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> Introspection.client("c").clientSecretBasic("s").cacheTtl(Duration.ofSeconds(1))
        .cacheTtl(Duration.ofSeconds(2))).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void buildWhenTwoIssuersIntrospectThenRefused() {
    assertThatThrownBy(() -> Enforcer.builder()
        .bearerJwt(issuer.bearerJwt().introspection(secretBasic().build()).build())
        .bearerJwt(BearerJwt.issuer("https://other.example").audience("orders-api")
            .introspection(secretBasic().build()).build())
        .routes(Fixtures.routes()).build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("only one issuer may introspect");
  }

  @Test
  void toStringWhenSecretConfiguredThenRedacted() {
    assertThat(secretBasic().build().toString()).doesNotContain("s3cret");
  }

  // ---- audit: every outcome is named, the token never

  @Test
  void auditWhenEachOutcomeThenDetailNamesItWithoutTheToken() {
    List<String> details = new java.util.concurrent.CopyOnWriteArrayList<>();
    Enforcer enforcer = Enforcer.builder()
        .bearerJwt(issuer.bearerJwt().introspection(secretBasic().build()).build())
        .routes(Fixtures.routes())
        .clock(clock)
        .openTelemetry(io.opentelemetry.api.OpenTelemetry.noop())
        .auditListener((request, decision, detail) -> details.add(detail))
        .build();
    endpoint.answerJson(active(m -> m));
    await(get(enforcer, OPAQUE));
    await(get(enforcer, OPAQUE));
    endpoint.answerJson("{\"active\":false}");
    await(get(enforcer, "another-token"));
    endpoint.answer(r -> new IntrospectionEndpoint.Answer(500, "application/json", "{}"));
    clock.advance(Duration.ofSeconds(31));
    await(get(enforcer, OPAQUE));
    await(get(enforcer, "a-third-token"));
    assertThat(details).containsExactly(
        "introspection: active",
        "introspection: active (cached)",
        "introspection: inactive",
        "introspection at " + endpoint.uri() + " answered 500; stale-if-error: active 31 s ago, served",
        "introspection at " + endpoint.uri() + " answered 500");
    assertThat(String.join(" ", details)).doesNotContain(OPAQUE).doesNotContain("another-token");
  }

  @Test
  void enforceWhenThreadsRaceWithOneUnseenTokenThenExactlyOneCall() throws Exception {
    endpoint.answerJson(active(m -> m));
    endpoint.hold();
    Enforcer enforcer = enforcer(secretBasic().build());
    int n = 8;
    java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(n);
    java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newFixedThreadPool(n);
    try {
      List<java.util.concurrent.Future<CompletionStage<Decision>>> sent = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        sent.add(threads.submit(() -> {
          start.await(10, java.util.concurrent.TimeUnit.SECONDS);
          return enforcer.enforce(TestRequest.get("/orders").bearer(OPAQUE).nonBlocking().build());
        }));
      }
      List<CompletionStage<Decision>> pending = new ArrayList<>();
      for (var f : sent) {
        pending.add(f.get(10, java.util.concurrent.TimeUnit.SECONDS));
      }
      endpoint.release();
      for (CompletionStage<Decision> p : pending) {
        assertThatDecision(p).isAllowed();
      }
      assertThat(endpoint.calls()).isEqualTo(1);
    } finally {
      endpoint.release();
      threads.shutdownNow();
    }
  }
}
