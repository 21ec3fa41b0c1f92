package dev.zt.testkit.it.core;

import dev.zt.core.Decision;
import dev.zt.core.DenyReason;
import dev.zt.core.Enforcer;

import dev.zt.core.credential.BearerJwt;
import dev.zt.core.policy.Route;

import static dev.zt.testkit.ZtAssertions.assertThatDecision;
import static dev.zt.testkit.ZtAssertions.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.KeyOperation;
import com.nimbusds.jose.jwk.KeyUse;
import dev.zt.testkit.TestClock;
import dev.zt.testkit.TestIssuer;
import dev.zt.testkit.TestKey;
import dev.zt.testkit.TestRequest;
import dev.zt.testkit.ZtExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The credential and policy gates end to end through the enforcer, against a real issuer over loopback HTTP. */
@ExtendWith(ZtExtension.class)
class BearerJwtEnforcementTests {

  TestIssuer issuer;
  TestClock clock;
  Enforcer enforcer;

  @BeforeEach
  void setUp(TestIssuer issuer, TestClock clock) {
    this.issuer = issuer;
    this.clock = clock;
    this.enforcer = Fixtures.enforcer(issuer, clock);
  }

  private Decision get(String path, String token) {
    return await(enforcer.enforce(TestRequest.get(path).bearer(token).clock(clock).build()));
  }

  private String readToken() {
    return issuer.token().scope("orders:read").build();
  }

  @Nested
  class Accepts {

    @Test
    void enforceWhenTokenValidThenAllowsCallerByRouteRule() {
      assertThatDecision(get("/orders", readToken())).isAllowedFor("user-1").byRule("GET /orders");
    }

    @ParameterizedTest
    @ValueSource(strings = {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "EdDSA"})
    void enforceWhenSignedWithEveryAllowedAlgorithmThenAllows(String alg) {
      TestKey key = switch (alg) {
        case "ES256" -> TestKey.ec256();
        case "ES384" -> TestKey.ec384();
        case "EdDSA" -> TestKey.ed25519();
        default -> TestKey.rsa(JWSAlgorithm.parse(alg), 2048);
      };
      issuer.publish(key);
      try {
        assertThatDecision(get("/orders", issuer.token().signedWith(key).scope("orders:read").build()))
            .isAllowed();
      } finally {
        issuer.retire(key);
      }
    }

    @ParameterizedTest
    @ValueSource(strings = {"at+jwt", "application/at+jwt", "AT+JWT", "JWT"})
    void enforceWhenTypIsAnAccessTokenTypeThenAllows(String typ) {
      assertThatDecision(get("/orders", issuer.token().header("typ", typ).scope("orders:read").build()))
          .isAllowed();
    }

    @Test
    void enforceWhenTypAbsentThenAllows() {
      assertThatDecision(get("/orders", issuer.token().withoutHeader("typ").scope("orders:read").build()))
          .isAllowed();
    }

    @Test
    void enforceWhenAudienceIsAnArrayContainingOursThenAllows() {
      String token = issuer.token().audience("other", TestIssuer.defaultAudience()).scope("orders:read").build();
      assertThatDecision(get("/orders", token)).isAllowed();
    }

    @Test
    void enforceWhenScopesInScpArrayThenAllows() {
      String token = issuer.token().claim("scp", List.of("orders:read", "x")).build();
      assertThatDecision(get("/orders", token)).isAllowed();
    }

    @Test
    void enforceWhenExpiredWithinClockSkewThenAllows() {
      String token = issuer.token().scope("orders:read").issuedIn(Duration.ofMinutes(-10))
          .expiresIn(Duration.ofSeconds(-30)).build();
      assertThatDecision(get("/orders", token)).isAllowed();
    }

    @Test
    void enforceWhenSchemeIsLowercaseThenAllows() {
      Decision d = await(enforcer.enforce(
          TestRequest.get("/orders").header("Authorization", "bearer " + readToken()).build()));
      assertThatDecision(d).isAllowed();
    }

    @Test
    void enforceWhenPublicRouteWithoutTokenThenAllowsAnonymous() {
      Decision d = await(enforcer.enforce(TestRequest.get("/health").build()));
      assertThatDecision(d).isAllowed().byRule("GET /health");
      assertThat(((Decision.Allow) d).caller().isAuthenticated()).isFalse();
    }

    @Test
    void enforceWhenAdminRoleThenAllowsAdminRoute() {
      assertThatDecision(get("/admin/stats", issuer.token().roles("admin").build())).isAllowed();
    }

    @Test
    void enforceWhenRolesClaimIsNestedPathThenReadsRolesThere() {
      Enforcer e = Fixtures.enforcer(issuer, clock, b -> b.rolesClaim("realm_access.roles"));
      String token = issuer.token().claim("realm_access", Map.of("roles", List.of("admin"))).build();
      assertThatDecision(e.enforce(TestRequest.get("/admin/stats").bearer(token).build())).isAllowed();
      assertThatDecision(e.enforce(TestRequest.get("/admin/stats").bearer(issuer.token().roles("admin").build())
          .build())).isDeniedWith(DenyReason.INSUFFICIENT_ROLE);
    }

    @Test
    void enforceWhenClaimConditionHoldsThenAllows() {
      assertThatDecision(get("/tenant", issuer.token().claim("tenant", "acme").build())).isAllowed();
      assertThatDecision(get("/tenant", issuer.token().claim("tenant", "evil").build()))
          .isDeniedWith(DenyReason.CLAIM_CONDITION_FAILED).hasStatus(403);
    }

    @Test
    void enforceWhenJwksUriConfiguredThenSkipsDiscovery() {
      int before = issuer.discoveryRequests();
      Enforcer e = Fixtures.enforcer(issuer, clock, b -> b.jwksUri(issuer.jwksUri()));
      assertThatDecision(e.enforce(TestRequest.get("/orders").bearer(readToken()).build())).isAllowed();
      assertThat(issuer.discoveryRequests()).isEqualTo(before);
    }

    @Test
    void enforceWhenMissingIssuedAtExplicitlyAllowedThenAllows() {
      Enforcer e = Fixtures.enforcer(issuer, clock, BearerJwt.Builder::allowMissingIssuedAt);
      String token = issuer.token().without("iat").scope("orders:read").build();
      assertThatDecision(e.enforce(TestRequest.get("/orders").bearer(token).build())).isAllowed();
    }
  }

  @Nested
  class DeniesTokens {

    static Stream<Arguments> badTokens() {
      return Stream.of(
          Arguments.of("expired", (Function<TestIssuer, String>) i ->
              i.token().issuedIn(Duration.ofMinutes(-10)).expiresIn(Duration.ofMinutes(-2)).build(),
              DenyReason.TOKEN_EXPIRED),
          Arguments.of("nbf in the future", (Function<TestIssuer, String>) i ->
              i.token().notBeforeIn(Duration.ofMinutes(3)).build(), DenyReason.TOKEN_NOT_YET_VALID),
          Arguments.of("iat in the future", (Function<TestIssuer, String>) i ->
              i.token().issuedIn(Duration.ofMinutes(3)).expiresIn(Duration.ofMinutes(10)).build(),
              DenyReason.TOKEN_ISSUED_IN_FUTURE),
          Arguments.of("lifetime over an hour", (Function<TestIssuer, String>) i ->
              i.token().expiresIn(Duration.ofMinutes(61)).build(), DenyReason.TOKEN_LIFETIME_EXCEEDED),
          Arguments.of("exp before iat", (Function<TestIssuer, String>) i ->
              i.token().issuedIn(Duration.ofSeconds(10)).expiresIn(Duration.ofSeconds(5)).build(),
              DenyReason.TOKEN_CLAIM_INVALID),
          Arguments.of("wrong audience", (Function<TestIssuer, String>) i ->
              i.token().audience("billing-api").build(), DenyReason.TOKEN_AUDIENCE_MISMATCH),
          Arguments.of("no audience", (Function<TestIssuer, String>) i ->
              i.token().without("aud").build(), DenyReason.TOKEN_AUDIENCE_MISMATCH),
          Arguments.of("empty audience array", (Function<TestIssuer, String>) i ->
              i.token().claim("aud", List.of()).build(), DenyReason.TOKEN_AUDIENCE_MISMATCH),
          Arguments.of("audience array with a number", (Function<TestIssuer, String>) i ->
              i.token().claim("aud", List.of(TestIssuer.defaultAudience(), 1)).build(),
              DenyReason.TOKEN_CLAIM_INVALID),
          Arguments.of("wrong issuer", (Function<TestIssuer, String>) i ->
              i.token().issuer("https://evil.example").build(), DenyReason.TOKEN_ISSUER_MISMATCH),
          Arguments.of("issuer with a trailing slash", (Function<TestIssuer, String>) i ->
              i.token().issuer(i.issuer() + "/").build(), DenyReason.TOKEN_ISSUER_MISMATCH),
          Arguments.of("no issuer", (Function<TestIssuer, String>) i ->
              i.token().without("iss").build(), DenyReason.TOKEN_CLAIM_INVALID),
          Arguments.of("no exp", (Function<TestIssuer, String>) i ->
              i.token().without("exp").build(), DenyReason.TOKEN_CLAIM_INVALID),
          Arguments.of("exp a string", (Function<TestIssuer, String>) i ->
              i.token().claim("exp", "4102444800").build(), DenyReason.TOKEN_CLAIM_INVALID),
          Arguments.of("exp a boolean", (Function<TestIssuer, String>) i ->
              i.token().claim("exp", true).build(), DenyReason.TOKEN_CLAIM_INVALID),
          Arguments.of("exp negative", (Function<TestIssuer, String>) i ->
              i.token().claim("exp", -1).build(), DenyReason.TOKEN_CLAIM_INVALID),
          Arguments.of("exp huge", (Function<TestIssuer, String>) i ->
              i.token().claim("exp", 1e300).build(), DenyReason.TOKEN_CLAIM_INVALID),
          Arguments.of("no iat", (Function<TestIssuer, String>) i ->
              i.token().without("iat").build(), DenyReason.TOKEN_CLAIM_INVALID),
          Arguments.of("sub a number", (Function<TestIssuer, String>) i ->
              i.token().claim("sub", 42).build(), DenyReason.TOKEN_CLAIM_INVALID),
          Arguments.of("scope an array", (Function<TestIssuer, String>) i ->
              i.token().claim("scope", List.of("orders:read")).build(), DenyReason.TOKEN_CLAIM_INVALID),
          Arguments.of("alg none", (Function<TestIssuer, String>) i ->
              i.token().unsigned().build(), DenyReason.TOKEN_ALGORITHM_REJECTED),
          Arguments.of("alg None", (Function<TestIssuer, String>) i ->
              i.token().unsigned().header("alg", "None").build(), DenyReason.TOKEN_ALGORITHM_REJECTED),
          Arguments.of("alg ES256K", (Function<TestIssuer, String>) i ->
              i.token().header("alg", "ES256K").build(), DenyReason.TOKEN_ALGORITHM_REJECTED),
          Arguments.of("alg missing", (Function<TestIssuer, String>) i ->
              i.token().withoutHeader("alg").build(), DenyReason.TOKEN_ALGORITHM_REJECTED),
          Arguments.of("jku header", (Function<TestIssuer, String>) i ->
              i.token().header("jku", i.issuer() + "/evil/jwks").build(), DenyReason.TOKEN_HEADER_REJECTED),
          Arguments.of("x5u header", (Function<TestIssuer, String>) i ->
              i.token().header("x5u", i.issuer() + "/evil/x5u").build(), DenyReason.TOKEN_HEADER_REJECTED),
          Arguments.of("embedded jwk", (Function<TestIssuer, String>) i ->
              i.token().header("jwk", i.signingKey().publicJwk().toJSONObject()).build(),
              DenyReason.TOKEN_HEADER_REJECTED),
          Arguments.of("crit header", (Function<TestIssuer, String>) i ->
              i.token().header("crit", List.of("exp")).header("exp", 1).build(), DenyReason.TOKEN_HEADER_REJECTED),
          Arguments.of("b64 false", (Function<TestIssuer, String>) i ->
              i.token().header("b64", false).build(), DenyReason.TOKEN_HEADER_REJECTED),
          Arguments.of("nested JWT (cty)", (Function<TestIssuer, String>) i ->
              i.token().header("cty", "JWT").build(), DenyReason.TOKEN_HEADER_REJECTED),
          Arguments.of("typ of an ID token confusion", (Function<TestIssuer, String>) i ->
              i.token().header("typ", "dpop+jwt").build(), DenyReason.TOKEN_HEADER_REJECTED),
          Arguments.of("typ not a string", (Function<TestIssuer, String>) i ->
              i.token().header("typ", 1).build(), DenyReason.TOKEN_HEADER_REJECTED),
          Arguments.of("kid not a string", (Function<TestIssuer, String>) i ->
              i.token().header("kid", 7).build(), DenyReason.TOKEN_MALFORMED),
          Arguments.of("unknown kid", (Function<TestIssuer, String>) i ->
              i.token().header("kid", "nope").build(), DenyReason.TOKEN_KEY_UNKNOWN),
          Arguments.of("key of another issuer under our kid", (Function<TestIssuer, String>) i ->
              i.token().signedWith(TestKey.rsa().withKeyId(i.signingKey().keyId())).build(),
              DenyReason.TOKEN_SIGNATURE_INVALID),
          Arguments.of("RS256 header, key is RSA but signed PS256", (Function<TestIssuer, String>) i ->
              tamperHeader(i.token().algorithm(JWSAlgorithm.PS256).build(), "PS256", "RS256"),
              DenyReason.TOKEN_SIGNATURE_INVALID),
          Arguments.of("ES256 claimed for an RSA kid", (Function<TestIssuer, String>) i ->
              i.token().header("alg", "ES256").build(), DenyReason.TOKEN_KEY_UNKNOWN),
          Arguments.of("duplicate claim", (Function<TestIssuer, String>) i ->
              i.token().rawPayload("{\"iss\":\"" + i.issuer() + "\",\"sub\":\"a\",\"sub\":\"admin\"}").build(),
              DenyReason.TOKEN_MALFORMED),
          Arguments.of("nested duplicate member", (Function<TestIssuer, String>) i ->
              i.token().rawPayload("{\"iss\":\"" + i.issuer() + "\",\"aud\":\"orders-api\",\"realm_access\":"
                  + "{\"roles\":[\"user\"],\"roles\":[\"admin\"]}}").build(),
              DenyReason.TOKEN_MALFORMED),
          Arguments.of("payload not an object", (Function<TestIssuer, String>) i ->
              i.token().rawPayload("[1,2]").build(), DenyReason.TOKEN_MALFORMED),
          Arguments.of("exp null", (Function<TestIssuer, String>) i ->
              i.token().rawPayload("{\"iss\":\"" + i.issuer() + "\",\"aud\":\"orders-api\",\"exp\":null,"
                  + "\"iat\":" + TestClock.DEFAULT_START.getEpochSecond() + "}").build(),
              DenyReason.TOKEN_CLAIM_INVALID),
          Arguments.of("payload invalid UTF-8", (Function<TestIssuer, String>) i ->
              i.token().rawPayload(new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xC0, '"', '}'}).build(),
              DenyReason.TOKEN_MALFORMED),
          // forged: the payload of a token whose signature does not verify is never read beyond its iss, so whatever
          // it holds, the answer is the signature's (nothing about the claims is told to whoever forged it)
          Arguments.of("forged, payload invalid UTF-8", (Function<TestIssuer, String>) i ->
              replacePart(i.token().build(), 1, new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xC0, '"', '}'}),
              DenyReason.TOKEN_SIGNATURE_INVALID),
          Arguments.of("forged, payload not JSON", (Function<TestIssuer, String>) i ->
              replacePart(i.token().build(), 1, "not json".getBytes(StandardCharsets.US_ASCII)),
              DenyReason.TOKEN_SIGNATURE_INVALID),
          Arguments.of("forged, duplicate claim", (Function<TestIssuer, String>) i ->
              i.token().signedWith(TestKey.rsa().withKeyId(i.signingKey().keyId()))
                  .rawPayload("{\"iss\":\"" + i.issuer() + "\",\"sub\":\"a\",\"sub\":\"admin\"}").build(),
              DenyReason.TOKEN_SIGNATURE_INVALID),
          Arguments.of("forged, expired", (Function<TestIssuer, String>) i ->
              i.token().signedWith(TestKey.rsa().withKeyId(i.signingKey().keyId()))
                  .issuedIn(Duration.ofHours(-2)).expiresIn(Duration.ofHours(-1)).build(),
              DenyReason.TOKEN_SIGNATURE_INVALID),
          Arguments.of("forged, another audience", (Function<TestIssuer, String>) i ->
              i.token().signedWith(TestKey.rsa().withKeyId(i.signingKey().keyId())).audience("other-api").build(),
              DenyReason.TOKEN_SIGNATURE_INVALID),
          Arguments.of("forged, an ID token", (Function<TestIssuer, String>) i ->
              i.token().signedWith(TestKey.rsa().withKeyId(i.signingKey().keyId())).claim("nonce", "n").build(),
              DenyReason.TOKEN_SIGNATURE_INVALID));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badTokens")
    void enforceWhenTokenIsBadThenDeniesInvalidToken(String name, Function<TestIssuer, String> token,
        DenyReason reason) {
      Decision d = get("/orders", token.apply(issuer));
      assertThatDecision(d).isDeniedWith(reason).hasStatus(401).byGate("credential").byRule("GET /orders");
      assertThat(enforcer.respond((Decision.Deny) d).headers())
          .containsEntry("WWW-Authenticate", "Bearer realm=\"orders\", error=\"invalid_token\", error_description=\""
              + reason.description().orElseThrow() + "\"");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"\"alice\"", "alice", "'alice'"})
    void enforceWhenSignedPayloadIsJsonOnlyToALenientReaderThenDeniesMalformed(String sub) {
      // a lenient reader (Gson's, under Nimbus) takes alice and 'alice' for strings: zt's parser is RFC 8259's
      long now = clock.instant().getEpochSecond();
      String payload = "{\"iss\":\"" + issuer.issuer() + "\",\"aud\":\"orders-api\",\"scope\":\"orders:read\","
          + "\"iat\":" + now + ",\"exp\":" + (now + 60) + ",\"sub\":" + sub + "}";

      Decision d = get("/orders", issuer.token().rawPayload(payload).build());

      if (sub.startsWith("\"")) {
        assertThatDecision(d).isAllowed(); // the control: the same token, strict JSON
      } else {
        assertThatDecision(d).isDeniedWith(DenyReason.TOKEN_MALFORMED);
      }
    }

    @Test
    void enforceWhenHmacSignedWithThePublicKeyThenDeniesAlgorithm() throws Exception {
      // the classic RS256 → HS256 confusion: the public key as an HMAC secret
      byte[] secret = issuer.signingKey().publicJwk().toRSAKey().toPublicKey().getEncoded();
      String h = b64("{\"alg\":\"HS256\",\"kid\":\"" + issuer.signingKey().keyId() + "\"}");
      String p = b64("{\"iss\":\"" + issuer.issuer() + "\",\"aud\":\"orders-api\",\"scope\":\"orders:read\","
          + "\"iat\":" + clock.instant().getEpochSecond() + ",\"exp\":" + (clock.instant().getEpochSecond() + 60) + "}");
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      String sig = Base64.getUrlEncoder().withoutPadding()
          .encodeToString(mac.doFinal((h + "." + p).getBytes(StandardCharsets.US_ASCII)));
      assertThatDecision(get("/orders", h + "." + p + "." + sig)).isDeniedWith(DenyReason.TOKEN_ALGORITHM_REJECTED);
    }

    @Test
    void enforceWhenPayloadTamperedThenDeniesSignature() {
      String token = readToken();
      String[] parts = token.split("\\.");
      String forged = parts[0] + "." + b64("{\"iss\":\"" + issuer.issuer() + "\",\"sub\":\"admin\"}") + "." + parts[2];
      assertThatDecision(get("/orders", forged)).isDeniedWith(DenyReason.TOKEN_SIGNATURE_INVALID);
    }

    @Test
    void enforceWhenSignatureHasNonCanonicalTrailingBitsThenDeniesMalformed() {
      String token = readToken();
      // RSA-2048 signatures are 342 base64url chars: the last carries 2 unused bits; flip one
      char last = token.charAt(token.length() - 1);
      String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
      char twin = alphabet.charAt(alphabet.indexOf(last) ^ 1);
      String malleable = token.substring(0, token.length() - 1) + twin;
      assertThatDecision(get("/orders", token)).isAllowed();
      assertThatDecision(get("/orders", malleable)).isDeniedWith(DenyReason.TOKEN_MALFORMED);
    }

    @ParameterizedTest
    @ValueSource(strings = {"a.b", "a.b.c.d", "a.b.c.d.e", ".b.c", "eyJhbGciOiJSUzI1NiJ9..sig", "abc"})
    void enforceWhenNotACompactJwsThenDeniesMalformed(String token) {
      assertThatDecision(get("/orders", token)).isDeniedWith(DenyReason.TOKEN_MALFORMED).hasStatus(401);
    }

    @Test
    void enforceWhenTokenPaddedThenDeniesMalformed() {
      assertThatDecision(get("/orders", readToken() + "==")).isDeniedWith(DenyReason.TOKEN_MALFORMED);
    }

    @Test
    void enforceWhenTokenTooLargeThenDenies() {
      String token = issuer.token().claim("pad", "x".repeat(9000)).build();
      assertThatDecision(get("/orders", token)).isDeniedWith(DenyReason.TOKEN_TOO_LARGE).hasStatus(401);
    }

    @Test
    void enforceWhenTokenOlderThanMaxAgeThenDenies() {
      Enforcer e = Fixtures.enforcer(issuer, clock, b -> b.maxTokenAge(Duration.ofMinutes(5)));
      String token = issuer.token().scope("orders:read").issuedIn(Duration.ofMinutes(-10))
          .expiresIn(Duration.ofMinutes(20)).build();
      assertThatDecision(e.enforce(TestRequest.get("/orders").bearer(token).build()))
          .isDeniedWith(DenyReason.TOKEN_LIFETIME_EXCEEDED);
    }

    @Test
    void enforceWhenAccessTokenTypeRequiredAndTypIsJwtThenDenies() {
      Enforcer e = Fixtures.enforcer(issuer, clock, BearerJwt.Builder::requireAccessTokenType);
      String jwtTyp = issuer.token().header("typ", "JWT").scope("orders:read").build();
      String noTyp = issuer.token().withoutHeader("typ").scope("orders:read").build();
      assertThatDecision(e.enforce(TestRequest.get("/orders").bearer(jwtTyp).build()))
          .isDeniedWith(DenyReason.TOKEN_HEADER_REJECTED);
      assertThatDecision(e.enforce(TestRequest.get("/orders").bearer(noTyp).build()))
          .isDeniedWith(DenyReason.TOKEN_HEADER_REJECTED);
      assertThatDecision(e.enforce(TestRequest.get("/orders").bearer(readToken()).build())).isAllowed();
    }

    @Test
    void enforceWhenTokenNamesJkuThenNeverFetchesIt() {
      String token = issuer.token().header("jku", issuer.issuer() + "/evil/jwks")
          .header("x5u", issuer.issuer() + "/evil/x5u").build();
      assertThatDecision(get("/orders", token)).isDenied();
      assertThat(issuer.requestsTo("/evil/jwks")).isZero();
      assertThat(issuer.requestsTo("/evil/x5u")).isZero();
    }

    @Test
    void enforceWhenPublicRouteCarriesBadTokenThenStillDenies() {
      String expired = issuer.token().issuedIn(Duration.ofMinutes(-30)).expiresIn(Duration.ofMinutes(-10)).build();
      assertThatDecision(get("/health", expired)).isDeniedWith(DenyReason.TOKEN_EXPIRED).hasStatus(401);
    }
  }

  @Nested
  class DeniesKeys {

    private Decision signedBy(TestKey published, TestKey signer) {
      issuer.publish(published);
      try {
        return get("/orders", issuer.token().signedWith(signer).scope("orders:read").build());
      } finally {
        issuer.retire(published);
      }
    }

    @Test
    void enforceWhenKeyPublishedForEncryptionThenNeverVerifies() {
      TestKey key = TestKey.rsa();
      assertThatDecision(signedBy(key.withUse(KeyUse.ENCRYPTION), key)).isDeniedWith(DenyReason.TOKEN_KEY_UNKNOWN);
    }

    @Test
    void enforceWhenKeyOpsExcludeVerifyThenNeverVerifies() {
      TestKey key = TestKey.rsa();
      assertThatDecision(signedBy(key.withKeyOperations(KeyOperation.SIGN), key))
          .isDeniedWith(DenyReason.TOKEN_KEY_UNKNOWN);
      TestKey other = TestKey.rsa();
      assertThatDecision(signedBy(other.withKeyOperations(KeyOperation.VERIFY), other)).isAllowed();
    }

    @Test
    void enforceWhenKeyBoundToAnotherAlgorithmThenNeverVerifies() {
      TestKey key = TestKey.rsa();
      assertThatDecision(signedBy(key.withPublishedAlgorithm(JWSAlgorithm.RS512), key))
          .isDeniedWith(DenyReason.TOKEN_KEY_UNKNOWN);
    }

    @Test
    void enforceWhenRsaKeyShorterThan2048ThenNeverVerifies() {
      TestKey weak = TestKey.rsa(JWSAlgorithm.RS256, 1024);
      assertThatDecision(signedBy(weak, weak)).isDeniedWith(DenyReason.TOKEN_KEY_UNKNOWN);
    }

    @Test
    void enforceWhenIssuerRotatesThenNewAndOldTokensPassWithoutRestart() {
      Enforcer e = Fixtures.enforcer(issuer, clock, b -> b.jwksRefetchMinInterval(Duration.ZERO));
      String before = readToken();
      assertThatDecision(e.enforce(TestRequest.get("/orders").bearer(before).build())).isAllowed();
      TestKey old = issuer.signingKey();
      TestKey next = issuer.rotate();
      try {
        String after = readToken();
        assertThat(after).isNotEqualTo(before);
        assertThatDecision(e.enforce(TestRequest.get("/orders").bearer(after).build())).isAllowed();
        assertThatDecision(e.enforce(TestRequest.get("/orders").bearer(before).build())).isAllowed();
      } finally {
        issuer.rotateTo(old);
        issuer.retire(next);
      }
    }

    @Test
    void enforceWhenUnknownKidsFloodThenRefetchIsRateLimited() {
      Enforcer e = Fixtures.enforcer(issuer, clock, b -> b.jwksRefetchMinInterval(Duration.ofMinutes(4)));
      assertThatDecision(e.enforce(TestRequest.get("/orders").bearer(readToken()).build())).isAllowed();
      int fetches = issuer.jwksRequests();
      for (int i = 0; i < 20; i++) {
        String forged = issuer.token().header("kid", "forged-" + i).build();
        assertThatDecision(e.enforce(TestRequest.get("/orders").bearer(forged).build()))
            .isDeniedWith(DenyReason.TOKEN_KEY_UNKNOWN);
      }
      assertThat(issuer.jwksRequests() - fetches).isLessThanOrEqualTo(2);
    }

    @Test
    void enforceWhenUnknownKidsThenOneRefetchPerIntervalOnTheEnforcersClock() {
      Enforcer e = Fixtures.enforcer(issuer, clock, b -> b.jwksRefetchMinInterval(Duration.ofSeconds(30)));
      assertThatDecision(e.enforce(TestRequest.get("/orders").bearer(readToken()).build())).isAllowed();
      int base = issuer.jwksRequests();
      assertThatDecision(e.enforce(TestRequest.get("/orders").bearer(forged("kid-1")).build()))
          .isDeniedWith(DenyReason.TOKEN_KEY_UNKNOWN);
      assertThat(issuer.jwksRequests() - base).as("an unknown kid: one refetch").isEqualTo(1);

      clock.advance(Duration.ofSeconds(29));
      assertThatDecision(e.enforce(TestRequest.get("/orders").bearer(forged("kid-2")).build()))
          .isDeniedWith(DenyReason.TOKEN_KEY_UNKNOWN);
      assertThat(issuer.jwksRequests() - base).as("another unknown kid within the interval: no fetch").isEqualTo(1);
      assertThatDecision(e.enforce(TestRequest.get("/orders").bearer(readToken()).build())).isAllowed();

      clock.advance(Duration.ofSeconds(1));
      assertThatDecision(e.enforce(TestRequest.get("/orders").bearer(forged("kid-3")).build()))
          .isDeniedWith(DenyReason.TOKEN_KEY_UNKNOWN);
      assertThat(issuer.jwksRequests() - base).as("the interval over on the enforcer's clock: a fetch").isEqualTo(2);
      assertThatDecision(e.enforce(TestRequest.get("/orders").bearer(forged("kid-4")).build()))
          .isDeniedWith(DenyReason.TOKEN_KEY_UNKNOWN);
      assertThat(issuer.jwksRequests() - base).isEqualTo(2);
    }

    @Test
    void enforceWhenJwksCacheLifetimePassesOnTheEnforcersClockThenKeysAreFetchedAgain() {
      Enforcer e = Fixtures.enforcer(issuer, clock, b -> b.jwksCacheTtl(Duration.ofMinutes(5)));
      assertThatDecision(e.enforce(TestRequest.get("/orders").bearer(readToken()).build())).isAllowed();
      int base = issuer.jwksRequests();
      clock.advance(Duration.ofMinutes(4));
      assertThatDecision(e.enforce(TestRequest.get("/orders").bearer(readToken()).build())).isAllowed();
      assertThat(issuer.jwksRequests() - base).as("within the cache lifetime: no fetch").isZero();
      clock.advance(Duration.ofMinutes(2));
      assertThatDecision(e.enforce(TestRequest.get("/orders").bearer(readToken()).build())).isAllowed();
      assertThat(issuer.jwksRequests() - base).as("past the cache lifetime: fetched again").isEqualTo(1);
    }

    private String forged(String kid) {
      return issuer.token().header("kid", kid).scope("orders:read").build();
    }

    @Test
    void enforceWhenKeysUnavailableThenFailsClosedWith503() {
      issuer.jwksStatus(500);
      try {
        Enforcer e = Fixtures.enforcer(issuer, clock, b -> b.jwksUri(issuer.jwksUri()));
        Decision d = await(e.enforce(TestRequest.get("/orders").bearer(readToken()).build()));
        assertThatDecision(d).isDeniedWith(DenyReason.KEYS_UNAVAILABLE).hasStatus(503);
        assertThat(e.respond((Decision.Deny) d).headers()).containsEntry("Retry-After", "5")
            .doesNotContainKey("WWW-Authenticate");
      } finally {
        issuer.jwksStatus(200);
      }
    }

    @Test
    void enforceWhenIssuerIsDownAfterRotatingThenTheNewKidFailsClosedWith503AndCachedKeysServe() {
      Enforcer e = Fixtures.enforcer(issuer, clock, b -> b.jwksRefetchMinInterval(Duration.ZERO));
      String before = readToken();
      assertThatDecision(e.enforce(TestRequest.get("/orders").bearer(before).build())).isAllowed();
      String beforeUnseen = readToken();
      TestKey old = issuer.signingKey();
      TestKey next = issuer.rotate();
      issuer.jwksStatus(500);
      try {
        // a kid the last good JWKS lacks while the issuer cannot be asked: unknown for want of the issuer, not a
        // bad token (a 401 would count against every client behind the address as a failed authentication)
        String rotated = readToken();
        Decision d = await(e.enforce(TestRequest.get("/orders").bearer(rotated).build()));
        assertThatDecision(d).isDeniedWith(DenyReason.KEYS_UNAVAILABLE).hasStatus(503);
        assertThat(e.respond((Decision.Deny) d).headers()).containsKey("Retry-After");
        // the keys it has keep serving
        assertThatDecision(e.enforce(TestRequest.get("/orders").bearer(before).build())).isAllowed();
        assertThatDecision(e.enforce(TestRequest.get("/orders").bearer(beforeUnseen).build())).isAllowed();
        // back up: the new kid is fetched and accepted, and an unknown kid is a bad token again
        issuer.jwksStatus(200);
        assertThatDecision(e.enforce(TestRequest.get("/orders").bearer(rotated).build())).isAllowed();
        assertThatDecision(e.enforce(TestRequest.get("/orders")
            .bearer(issuer.token().header("kid", "forged").scope("orders:read").build()).build()))
            .isDeniedWith(DenyReason.TOKEN_KEY_UNKNOWN).hasStatus(401);
      } finally {
        issuer.jwksStatus(200);
        issuer.rotateTo(old);
        issuer.retire(next);
      }
    }

    @Test
    void enforceWhenOnlyRfc8414MetadataServedThenDiscoversKeysThere() {
      issuer.openIdDiscovery(false);
      try {
        Enforcer e = Fixtures.enforcer(issuer, clock);
        assertThatDecision(e.enforce(TestRequest.get("/orders").bearer(readToken()).build())).isAllowed();
      } finally {
        issuer.openIdDiscovery(true);
      }
    }

    @Test
    void enforceWhenMetadataNamesAnotherIssuerThenRefusesItsKeys() {
      issuer.metadataIssuer("https://evil.example");
      try {
        Enforcer e = Fixtures.enforcer(issuer, clock);
        int jwks = issuer.jwksRequests();
        assertThatDecision(e.enforce(TestRequest.get("/orders").bearer(readToken()).build()))
            .isDeniedWith(DenyReason.KEYS_UNAVAILABLE).hasStatus(503);
        assertThat(issuer.jwksRequests()).isEqualTo(jwks);
      } finally {
        issuer.metadataIssuer(null);
      }
    }

    @Test
    void enforceWhenCallerCannotBlockThenValidatesOffThreadAndCompletesLater() {
      Enforcer e = Fixtures.enforcer(issuer, clock);
      String token = readToken();
      Decision d = await(e.enforce(TestRequest.get("/orders").bearer(token).nonBlocking().build()));
      assertThatDecision(d).isAllowed();
      // now cached: answered synchronously even for a caller that cannot block
      assertThat(e.enforce(TestRequest.get("/orders").bearer(token).nonBlocking().build())
          .toCompletableFuture().isDone()).isTrue();
    }
  }

  @Nested
  class ValidatedCache {

    @Test
    void enforceWhenCachedTokenExpiresThenDeniesOnTheNextHit() {
      String token = readToken();
      assertThatDecision(get("/orders", token)).isAllowed();
      clock.advance(Duration.ofMinutes(5).plusSeconds(61));
      assertThatDecision(get("/orders", token)).isDeniedWith(DenyReason.TOKEN_EXPIRED);
    }

    @Test
    void enforceWhenOnlyTheHeaderDiffersFromACachedTokenThenValidatesAfresh() {
      String token = readToken();
      assertThatDecision(get("/orders", token)).isAllowed();
      String[] parts = token.split("\\.");
      String header = new String(Base64.getUrlDecoder().decode(parts[0]), StandardCharsets.UTF_8);
      String forged = b64(header.replace("at+jwt", "JWT")) + "." + parts[1] + "." + parts[2];
      assertThatDecision(get("/orders", forged)).isDeniedWith(DenyReason.TOKEN_SIGNATURE_INVALID);
    }

    @Test
    void enforceWhenCachedTokensKeyLeftTheKeySetThenRefusesItTenMinutesAfterValidation() {
      // an hour-long token whose key the issuer withdraws (a compromise): the cache honours it for at most ten
      // minutes after validation, then the token is checked against the keys published now
      var published = new java.util.concurrent.CopyOnWriteArrayList<com.nimbusds.jose.jwk.JWK>(
          List.of(issuer.signingKey().publicJwk()));
      Enforcer e = Fixtures.enforcer(issuer, clock, b -> b.keySource(
          (selector, context) -> selector.select(new com.nimbusds.jose.jwk.JWKSet(List.copyOf(published)))));
      String token = issuer.token().expiresIn(Duration.ofMinutes(55)).scope("orders:read").build();
      assertThatDecision(await(e.enforce(TestRequest.get("/orders").bearer(token).build()))).isAllowed();
      published.clear();
      clock.advance(Duration.ofMinutes(9).plusSeconds(59));
      assertThatDecision(await(e.enforce(TestRequest.get("/orders").bearer(token).build()))).isAllowed();
      clock.advance(Duration.ofSeconds(1));
      assertThatDecision(await(e.enforce(TestRequest.get("/orders").bearer(token).build())))
          .isDeniedWith(DenyReason.TOKEN_KEY_UNKNOWN).hasStatus(401);
      published.add(issuer.signingKey().publicJwk());
      assertThatDecision(await(e.enforce(TestRequest.get("/orders").bearer(token).build()))).isAllowed();
    }

    @Test
    void enforceWhenRequestStampedWithTheEnforcersClockThenChecksAtThatTime() {
      // adapters stamp the arrival once; every time check of the request uses it (one clock read per request)
      String token = readToken();
      assertThatDecision(get("/orders", token)).isAllowed();
      var stamped = TestRequest.get("/orders").bearer(token).clock(clock).build();
      clock.advance(Duration.ofHours(2));
      assertThatDecision(await(enforcer.enforce(stamped))).isAllowed();
      assertThatDecision(await(enforcer.enforce(TestRequest.get("/orders").bearer(token).build())))
          .isDeniedWith(DenyReason.TOKEN_EXPIRED);
    }

    @Test
    void enforceWhenATokenEndsAsAFrequentlyCachedOneThenValidatesItAfresh() {
      // a token in use is answered from the front table by its hash (length and last 32 characters): a token with
      // the same end (the same signature on another payload) lands on the same slot and must not be taken for it
      String token = readToken();
      dev.zt.core.Caller caller = ((Decision.Allow) get("/orders", token)).caller();
      assertThatDecision(get("/orders", token)).isAllowed(); // now in the front table
      String[] parts = token.split("\\.");
      char[] payload = parts[1].toCharArray();
      payload[12] = payload[12] == 'A' ? 'B' : 'A'; // another payload of the same length
      String forged = parts[0] + "." + new String(payload) + "." + parts[2];
      assertThat(forged).hasSameSizeAs(token).endsWith(token.substring(token.length() - 32)).isNotEqualTo(token);
      assertThatDecision(get("/orders", forged)).isDeniedWith(DenyReason.TOKEN_SIGNATURE_INVALID);
      assertThatDecision(get("/orders", forged)).isDeniedWith(DenyReason.TOKEN_SIGNATURE_INVALID);
      assertThat(((Decision.Allow) get("/orders", token)).caller()).isSameAs(caller);
    }

    @Test
    void enforceWhenTwoTokensShareTheOneFrontSlotThenEachKeepsItsOwnCaller() {
      // a cache of one entry has one front slot: two tokens in turn keep replacing each other there
      Enforcer e = Fixtures.enforcer(issuer, clock, b -> b.validatedTokenCacheSize(1));
      String alice = issuer.token().subject("alice").scope("orders:read").build();
      String bob = issuer.token().subject("bob").scope("orders:read").build();
      for (int i = 0; i < 4; i++) {
        for (String token : List.of(alice, bob, bob, alice)) {
          Decision d = await(e.enforce(TestRequest.get("/orders").bearer(token).clock(clock).build()));
          assertThatDecision(d).isAllowed();
          assertThat(((Decision.Allow) d).caller().subject()).contains(token == alice ? "alice" : "bob");
        }
      }
      clock.advance(Duration.ofMinutes(5).plusSeconds(61)); // both expired: the slot's entry is checked as the cache's
      assertThatDecision(await(e.enforce(TestRequest.get("/orders").bearer(alice).clock(clock).build())))
          .isDeniedWith(DenyReason.TOKEN_EXPIRED);
      assertThatDecision(await(e.enforce(TestRequest.get("/orders").bearer(bob).clock(clock).build())))
          .isDeniedWith(DenyReason.TOKEN_EXPIRED);
    }

    @Test
    void enforceWhenCacheHitThenAnswersSynchronouslyWithTheSameCaller() {
      String token = readToken();
      Decision first = get("/orders", token);
      var second = enforcer.enforce(TestRequest.get("/orders").bearer(token).build()).toCompletableFuture();
      assertThat(second.isDone()).isTrue();
      assertThat(((Decision.Allow) second.join()).caller()).isSameAs(((Decision.Allow) first).caller());
    }
  }

  @Nested
  class AuthorizationHeader {

    private Decision withHeaders(String... values) {
      TestRequest r = TestRequest.get("/orders");
      for (String v : values) {
        r.header("Authorization", v);
      }
      return await(enforcer.enforce(r.build()));
    }

    @Test
    void enforceWhenNoCredentialThenDemandsOneWithBareChallenge() {
      Decision d = withHeaders();
      assertThatDecision(d).isDeniedWith(DenyReason.CREDENTIAL_MISSING).hasStatus(401);
      assertThat(enforcer.respond((Decision.Deny) d).headers()).containsEntry("WWW-Authenticate",
          "Bearer realm=\"orders\"");
    }

    @Test
    void enforceWhenTwoAuthorizationHeadersThenDeniesInvalidRequest() {
      Decision d = withHeaders("Bearer " + readToken(), "Bearer " + readToken());
      assertThatDecision(d).isDeniedWith(DenyReason.MULTIPLE_CREDENTIALS).hasStatus(400);
      assertThat(enforcer.respond((Decision.Deny) d).headers())
          .containsEntry("WWW-Authenticate", "Bearer realm=\"orders\", error=\"invalid_request\"");
    }

    @Test
    void enforceWhenCommaJoinedCredentialsThenDeniesInvalidRequest() {
      assertThatDecision(withHeaders("Bearer " + readToken() + ", Bearer " + readToken()))
          .isDeniedWith(DenyReason.MULTIPLE_CREDENTIALS).hasStatus(400);
    }

    @ParameterizedTest
    @ValueSource(strings = {"Bearer", "Bearer ", "Bearer a b", "Bearer a\"b", "", "Bearer =abc", "Be@rer abc"})
    void enforceWhenHeaderMalformedThenDeniesInvalidRequest(String value) {
      assertThatDecision(withHeaders(value)).isDeniedWith(DenyReason.MALFORMED_CREDENTIAL).hasStatus(400);
    }

    @Test
    void enforceWhenOtherSchemeThenTreatsAsNoBearerCredential() {
      assertThatDecision(withHeaders("Basic dXNlcjpwYXNz")).isDeniedWith(DenyReason.CREDENTIAL_MISSING);
    }

    @Test
    void enforceWhenTokenOnlyInQueryThenIgnoresIt() {
      Decision d = await(enforcer.enforce(TestRequest.get("/orders").query("access_token=" + readToken()).build()));
      assertThatDecision(d).isDeniedWith(DenyReason.CREDENTIAL_MISSING).hasStatus(401);
    }

    @Test
    void enforceWhenTokenInQueryAndHeaderThenDeniesInvalidRequest() {
      String token = readToken();
      Decision d = await(enforcer.enforce(
          TestRequest.get("/orders").bearer(token).query("a=1&access_token=" + token).build()));
      assertThatDecision(d).isDeniedWith(DenyReason.MULTIPLE_CREDENTIALS).hasStatus(400);
    }
  }

  @Nested
  class Policy {

    @Test
    void enforceWhenScopeMissingThenDeniesNamingTheScope() {
      Decision d = get("/orders", issuer.token().scope("profile").build());
      assertThatDecision(d).isDeniedWith(DenyReason.INSUFFICIENT_SCOPE).hasStatus(403).byGate("policy")
          .requiringScopes("orders:read");
      assertThat(enforcer.respond((Decision.Deny) d).headers()).containsEntry("WWW-Authenticate",
          "Bearer realm=\"orders\", error=\"insufficient_scope\", scope=\"orders:read\"");
    }

    @Test
    void enforceWhenWritingWithReadScopeThenDeniesNamingWriteScope() {
      Decision d = await(enforcer.enforce(TestRequest.post("/orders").bearer(readToken()).build()));
      assertThatDecision(d).isDeniedWith(DenyReason.INSUFFICIENT_SCOPE).requiringScopes("orders:write");
    }

    @Test
    void enforceWhenRouteUnmatchedThenDeniesByDefault() {
      Decision d = get("/transactions", readToken());
      assertThatDecision(d).isDeniedWith(DenyReason.ROUTE_UNMATCHED).hasStatus(403).byRule(Route.DEFAULT_DENY);
    }

    @Test
    void enforceWhenRouteUnmatchedAndAnonymousThenAsksForCredential() {
      assertThatDecision(enforcer.enforce(TestRequest.get("/transactions").build()))
          .isDeniedWith(DenyReason.CREDENTIAL_MISSING).byRule(Route.DEFAULT_DENY);
    }

    @Test
    void enforceWhenRoleMissingThenDenies() {
      assertThatDecision(get("/admin/stats", readToken())).isDeniedWith(DenyReason.INSUFFICIENT_ROLE).hasStatus(403);
    }

    @Test
    void enforceWhenMethodIsLowercaseThenNoRuleMatches() {
      Decision d = await(enforcer.enforce(TestRequest.of("get", "/orders").bearer(readToken()).build()));
      assertThatDecision(d).isDeniedWith(DenyReason.ROUTE_UNMATCHED);
    }

    static Stream<Arguments> pathTricks() {
      return Stream.of(
          Arguments.of("/admin/../orders", "allow"),
          Arguments.of("/orders/..;/admin/stats", DenyReason.INSUFFICIENT_ROLE),
          Arguments.of("/docs/..;/admin/stats", DenyReason.INSUFFICIENT_ROLE),
          Arguments.of("/docs/%2e%2e/admin/stats", DenyReason.INSUFFICIENT_ROLE),
          Arguments.of("/docs/./../admin/stats", DenyReason.INSUFFICIENT_ROLE),
          Arguments.of("/%2e%2e/admin", DenyReason.PATH_REJECTED),
          Arguments.of("/orders%2F..%2Fadmin", DenyReason.PATH_REJECTED),
          Arguments.of("/docs%2f..%2fadmin/stats", DenyReason.PATH_REJECTED),
          Arguments.of("/docs/%5c../admin/stats", DenyReason.PATH_REJECTED),
          Arguments.of("/orders%00", DenyReason.PATH_REJECTED),
          Arguments.of("//admin/stats", DenyReason.INSUFFICIENT_ROLE),
          Arguments.of("/ORDERS", DenyReason.ROUTE_UNMATCHED),
          Arguments.of("/orders/", DenyReason.ROUTE_UNMATCHED),
          Arguments.of("/orders;x=1", "allow"),
          Arguments.of("/orders/42", "allow"),
          Arguments.of("/orders/42/..", DenyReason.ROUTE_UNMATCHED));
    }

    @ParameterizedTest(name = "{0} → {1}")
    @MethodSource("pathTricks")
    void enforceWhenPathIsATrickThenDecidesOnTheCanonicalRoute(String rawPath, Object expected) {
      Decision d = get(rawPath, readToken());
      if ("allow".equals(expected)) {
        assertThatDecision(d).isAllowed();
      } else {
        assertThatDecision(d).isDeniedWith((DenyReason) expected);
      }
    }
  }

  @Test
  void builderWhenAudienceMissingThenFailsFast() {
    assertThatThrownBy(() -> BearerJwt.issuer("https://idp.example").build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("audience");
  }

  @Test
  void builderWhenOptionSetTwiceThenFailsFast() {
    assertThatThrownBy(() -> BearerJwt.issuer("https://idp.example").audience("a").clockSkew(Duration.ZERO)
        .clockSkew(Duration.ofSeconds(1))).isInstanceOf(IllegalStateException.class).hasMessageContaining("clockSkew");
  }

  @Test
  void builderWhenSkewAboveCapOrHmacAllowedThenRefuses() {
    assertThatThrownBy(() -> BearerJwt.issuer("https://idp.example").clockSkew(Duration.ofMinutes(6)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> BearerJwt.issuer("https://idp.example").algorithms("HS256"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> BearerJwt.issuer("https://idp.example").algorithms("none"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void builderWhenPlainHttpToRemoteIssuerThenRefuses() {
    assertThatThrownBy(() -> BearerJwt.issuer("http://idp.example").audience("a").build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("https");
  }

  /** Only loopback literals count as loopback: a name that merely starts with {@code 127.} resolves anywhere. */
  @ParameterizedTest
  @ValueSource(strings = {"http://127.example.com", "http://127.0.0.1.nip.example", "http://localhost.example",
      "http://127.0.0.256"})
  void builderWhenPlainHttpToAHostThatOnlyLooksLikeLoopbackThenRefuses(String issuerUri) {
    assertThatThrownBy(() -> BearerJwt.issuer(issuerUri).audience("a").build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("https");
  }

  @ParameterizedTest
  @ValueSource(strings = {"http://127.0.0.1:8080", "http://127.1.2.3", "http://localhost:9000", "http://[::1]:8080"})
  void builderWhenPlainHttpToLoopbackThenAccepted(String issuerUri) {
    assertThat(BearerJwt.issuer(issuerUri).audience("a").build()).isNotNull();
  }

  /** A discovery document that is JSON {@code null} is an unavailable key source (503), never a bad token. */
  @Test
  void enforceWhenDiscoveryDocumentIsJsonNullThenKeysUnavailable() throws Exception {
    com.sun.net.httpserver.HttpServer server = com.sun.net.httpserver.HttpServer.create(
        new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", ex -> {
      byte[] body = "null".getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().add("Content-Type", "application/json");
      ex.sendResponseHeaders(200, body.length);
      ex.getResponseBody().write(body);
      ex.close();
    });
    server.start();
    try {
      String iss = "http://127.0.0.1:" + server.getAddress().getPort();
      Enforcer e = Enforcer.builder().bearerJwt(BearerJwt.issuer(iss).audience("orders-api").build())
          .routes(Fixtures.routes()).clock(clock).openTelemetry(io.opentelemetry.api.OpenTelemetry.noop()).build();
      String token = issuer.token().issuer(iss).scope("orders:read").build();
      assertThatDecision(await(e.enforce(TestRequest.get("/orders").bearer(token).clock(clock).build())))
          .isDeniedWith(DenyReason.KEYS_UNAVAILABLE);
    } finally {
      server.stop(0);
    }
  }

  @Test
  void enforceWhenForeignIssuersTokenOnSingleIssuerEnforcerThenIssuerMismatchWithoutKeyFetch() {
    assertThatDecision(get("/orders", readToken())).isAllowed(); // the issuer's keys are fetched once
    int fetches = issuer.jwksRequests();
    try (TestIssuer other = TestIssuer.start(clock)) { // its own key: a kid the configured issuer never published
      String foreign = other.token().scope("orders:read").build();
      assertThatDecision(get("/orders", foreign)).isDeniedWith(DenyReason.TOKEN_ISSUER_MISMATCH).hasStatus(401);
      assertThat(issuer.jwksRequests()).as("refused before any key lookup: no refetch for its kid")
          .isEqualTo(fetches);
      assertThatDecision(get("/orders", other.token().issuer(issuer.issuer()).scope("orders:read").build()))
          .as("a foreign key under our iss is still an unknown key").isDeniedWith(DenyReason.TOKEN_KEY_UNKNOWN);
    }
  }

  private static String b64(String s) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  private static String replacePart(String token, int index, byte[] raw) {
    String[] parts = token.split("\\.");
    parts[index] = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
    return String.join(".", parts);
  }

  private static String tamperHeader(String token, String from, String to) {
    String[] parts = token.split("\\.");
    String h = new String(Base64.getUrlDecoder().decode(parts[0]), StandardCharsets.UTF_8).replace(from, to);
    parts[0] = b64(h);
    return String.join(".", parts);
  }
}
