package dev.zt.testkit.it.core;

import static dev.zt.testkit.ZtAssertions.assertThatDecision;
import static dev.zt.testkit.ZtAssertions.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.SignedJWT;
import dev.zt.core.Decision;
import dev.zt.core.DenyReason;
import dev.zt.core.Enforcer;
import dev.zt.core.credential.BearerJwt;
import dev.zt.core.policy.Requirement;
import dev.zt.core.policy.RoutePolicy;
import dev.zt.core.translate.InternalTokenMinter;
import dev.zt.testkit.TestClock;
import dev.zt.testkit.TestIssuer;
import dev.zt.testkit.TestRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Token translation (issue 16, core): a gateway's enforcer mints a small internal token on every allow of a token
 * caller and the decision forwards it instead of the client's token; services verify it with an ordinary BearerJwt.
 */
class TranslationTests {

  static final String GATEWAY = "spiffe://example.org/gateway";
  static final String INTERNAL = "https://gateway.example/internal";

  private final TestClock clock = TestClock.create();
  private TestIssuer issuer;
  private ECKey key;
  private InternalTokenMinter minter;
  private Enforcer enforcer;

  @BeforeEach
  void setUp() throws Exception {
    issuer = TestIssuer.start(clock);
    key = new ECKeyGenerator(Curve.P_256).keyID("gw-1").generate();
    minter = InternalTokenMinter.builder()
        .issuer(INTERNAL)
        .signingKey(key)
        .audience("orders-service")
        .actor(GATEWAY)
        .upstreamScopes("orders:read", "orders:write")
        .clock(clock)
        .build();
    enforcer = Enforcer.builder()
        .bearerJwt(issuer.bearerJwt().build())
        .routes(RoutePolicy.builder()
            .get("/orders", Requirement.allScopes("orders:read"))
            .get("/health", Requirement.permitAll())
            .build())
        .translate(minter)
        .clock(clock)
        .build();
  }

  @AfterEach
  void tearDown() {
    issuer.close();
  }

  private Decision get(String path, String token) {
    TestRequest r = TestRequest.get(path).clock(clock);
    return await(enforcer.enforce((token == null ? r : r.bearer(token)).build()));
  }

  private String forwarded(Decision d) {
    assertThatDecision(d).isAllowed();
    Decision.ForwardedCredential c = ((Decision.Allow) d).forward().orElseThrow();
    assertThat(c.scheme()).isEqualTo("Bearer");
    return c.token();
  }

  private String clientToken() {
    return issuer.token().subject("alice").claim("sid", "session-7").claim("email", "alice@example.org")
        .claim("name", "Alice Example").claim("realm_access", Map.of("roles", java.util.List.of("user", "buyer")))
        .scope("orders:read", "profile", "email", "admin:all").build();
  }

  @Test
  void enforceWhenTokenCallerAllowedThenForwardsMinimisedInternalToken() throws Exception {
    String client = clientToken();
    String internal = forwarded(get("/orders", client));

    assertThat(internal).isNotEqualTo(client).doesNotContain(client.substring(client.lastIndexOf('.') + 1));
    assertThat(((Decision.Allow) get("/orders", client)).forward().orElseThrow().authorization())
        .isEqualTo("Bearer " + internal).doesNotContain(client);
    SignedJWT jwt = SignedJWT.parse(internal);
    assertThat(jwt.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.ES256);
    assertThat(jwt.getHeader().getType()).isEqualTo(new JOSEObjectType("at+jwt"));
    assertThat(jwt.getHeader().getKeyID()).isEqualTo("gw-1");
    Map<String, Object> claims = jwt.getJWTClaimsSet().getClaims();
    assertThat(claims.keySet()).containsExactlyInAnyOrder("iss", "aud", "sub", "sid", "client_id", "scope", "act",
        "iat", "exp", "jti");
    assertThat(claims.get("iss")).isEqualTo(INTERNAL);
    assertThat(jwt.getJWTClaimsSet().getAudience()).containsExactly("orders-service");
    assertThat(claims.get("sub")).isEqualTo("alice");
    assertThat(claims.get("sid")).isEqualTo("session-7");
    assertThat(claims.get("client_id")).isEqualTo("test-client");
    assertThat(claims.get("scope")).isEqualTo("orders:read"); // narrowed: profile, email, admin:all dropped
    assertThat(claims.get("act")).isEqualTo(Map.of("sub", GATEWAY));
    assertThat(jwt.getJWTClaimsSet().getExpirationTime().toInstant())
        .isEqualTo(jwt.getJWTClaimsSet().getIssueTime().toInstant().plusSeconds(60));
    int clientBytes = client.getBytes(StandardCharsets.US_ASCII).length;
    int internalBytes = internal.getBytes(StandardCharsets.US_ASCII).length;
    System.out.println("token sizes: client " + clientBytes + " B, internal " + internalBytes + " B");
    assertThat(internalBytes).isLessThan(clientBytes);
  }

  @Test
  void enforceWhenAnonymousAllowThenForwardsNothing() {
    Decision d = get("/health", null);
    assertThatDecision(d).isAllowed();
    assertThat(((Decision.Allow) d).forward()).isEmpty();
  }

  @Test
  void enforceWhenSubjectTokenExpiredThenDeniedAndNothingForwarded() {
    String client = clientToken();
    forwarded(get("/orders", client)); // an internal token is cached for it
    clock.advance(Duration.ofMinutes(10)); // the client token (5 min) has ended
    Decision d = get("/orders", client);
    assertThatDecision(d).isDeniedWith(DenyReason.TOKEN_EXPIRED);
    assertThat(d).isNotInstanceOf(Decision.Allow.class);
  }

  @Test
  void enforceWhenSubjectEndedButWithinClockSkewThenDeniedRatherThanMintedPastItsExp() {
    String client = clientToken();
    forwarded(get("/orders", client));
    clock.advance(Duration.ofMinutes(5).plusSeconds(30)); // the gate's 60 s skew still admits it
    assertThatDecision(get("/orders", client)).isDeniedWith(DenyReason.TOKEN_EXPIRED);
  }

  @Test
  void enforceWhenSubjectEndsBeforeLifetimeThenInternalTokenEndsWithIt() throws Exception {
    String client = issuer.token().expiresIn(Duration.ofSeconds(20)).scope("orders:read").build();
    SignedJWT jwt = SignedJWT.parse(forwarded(get("/orders", client)));
    assertThat(jwt.getJWTClaimsSet().getExpirationTime().toInstant())
        .isEqualTo(SignedJWT.parse(client).getJWTClaimsSet().getExpirationTime().toInstant());
  }

  @Test
  void enforceWhenNoScopeTheUpstreamNeedsThenNoScopeClaim() throws Exception {
    InternalTokenMinter narrow = InternalTokenMinter.builder().issuer(INTERNAL).signingKey(key)
        .audience("orders-service").actor(GATEWAY).upstreamScopes("inventory:read").clock(clock).build();
    Enforcer e = Enforcer.builder().bearerJwt(issuer.bearerJwt().build()).routes(Fixtures.routes())
        .translate(narrow).clock(clock).build();
    Decision d = await(e.enforce(TestRequest.get("/orders").bearer(clientToken()).clock(clock).build()));
    assertThat(SignedJWT.parse(forwarded(d)).getJWTClaimsSet().getClaims()).doesNotContainKey("scope");
  }

  @Test
  void enforceWhenSameSubjectTokenAgainThenCachedInternalTokenReused() {
    String client = clientToken();
    String first = forwarded(get("/orders", client));
    clock.advance(Duration.ofSeconds(44)); // 16 s of 60 left: more than a quarter
    assertThat(forwarded(get("/orders", client))).isSameAs(first);
  }

  @Test
  void enforceWhenAnotherSubjectTokenThenAnotherInternalToken() {
    String first = forwarded(get("/orders", clientToken()));
    assertThat(forwarded(get("/orders", clientToken()))).isNotEqualTo(first);
  }

  @Test
  void enforceWhenLessThanAQuarterOfLifetimeLeftThenFreshInternalToken() {
    String client = clientToken();
    String first = forwarded(get("/orders", client));
    clock.advance(Duration.ofSeconds(46)); // 14 s of 60 left
    assertThat(forwarded(get("/orders", client))).isNotEqualTo(first);
  }

  @Test
  void invalidateSubjectWhenCalledThenNextAllowMintsAFreshToken() {
    String client = clientToken();
    String first = forwarded(get("/orders", client));
    minter.invalidateSubject(client);
    assertThat(forwarded(get("/orders", client))).isNotEqualTo(first);
  }

  @Test
  void enforceWhenSubjectSuspendedThenLiftedThenMintsAfreshNotFromCache() {
    String client = clientToken();
    String first = forwarded(get("/orders", client));
    enforcer.countermeasures().suspendSubject("alice", Duration.ofMinutes(5), "test");
    assertThatDecision(get("/orders", client)).isDeniedWith(DenyReason.TOKEN_SUSPENDED);
    enforcer.countermeasures().liftSuspension("alice");
    assertThat(forwarded(get("/orders", client))).as("the suspension emptied the subject token's entries")
        .isNotEqualTo(first);
  }

  @Test
  void rotateWhenNewKeyThenSignsWithItAndJwksKeepsTheOldKid() throws Exception {
    String before = forwarded(get("/orders", clientToken()));
    minter.rotate(new ECKeyGenerator(Curve.P_256).keyID("gw-2").generate());
    String after = forwarded(get("/orders", clientToken()));
    assertThat(SignedJWT.parse(after).getHeader().getKeyID()).isEqualTo("gw-2");

    JWKSet jwks = JWKSet.parse(minter.jwks());
    assertThat(jwks.getKeys()).extracting(k -> k.getKeyID()).containsExactly("gw-2", "gw-1");
    assertThat(jwks.getKeys()).noneMatch(k -> k.isPrivate());
    Enforcer service = service("orders-service");
    assertThatDecision(serviceGet(service, before)).isAllowed();
    assertThatDecision(serviceGet(service, after)).isAllowed();
    minter.rotate(new ECKeyGenerator(Curve.P_256).keyID("gw-3").generate());
    assertThat(JWKSet.parse(minter.jwks()).getKeys()).extracting(k -> k.getKeyID())
        .as("gw-1's tokens may still be valid").containsExactly("gw-3", "gw-2", "gw-1");
    clock.advance(Duration.ofSeconds(120)); // the lifetime (60 s) and verifiers' clock skew (60 s) have passed
    assertThat(JWKSet.parse(minter.jwks()).getKeys()).extracting(k -> k.getKeyID()).containsExactly("gw-3");
  }

  @Test
  void rotateWhenTokenCachedThenNextAllowSignsWithTheNewKey() throws Exception {
    String client = clientToken();
    forwarded(get("/orders", client));
    minter.rotate(new ECKeyGenerator(Curve.P_256).keyID("gw-2").generate());
    assertThat(SignedJWT.parse(forwarded(get("/orders", client))).getHeader().getKeyID())
        .as("a rotation empties the cache: only the new key signs").isEqualTo("gw-2");
  }

  @Test
  void serviceWhenBearerJwtKeysFromJwksThenAcceptsInternalTokenForItsAudienceOnly() throws Exception {
    String internal = forwarded(get("/orders", clientToken()));
    assertThatDecision(serviceGet(service("orders-service"), internal)).isAllowed();
    assertThatDecision(serviceGet(service("billing-service"), internal))
        .isDeniedWith(DenyReason.TOKEN_AUDIENCE_MISMATCH);
  }

  @Test
  void serviceWhenClientTokenSentToInternalIssuerThenRefused() {
    Decision d = serviceGet(service("orders-service"), clientToken());
    assertThat(d).isInstanceOf(Decision.Deny.class); // the test issuer signs RS256: refused before its iss is checked
    assertThat(((Decision.Deny) d).reason()).isIn(DenyReason.TOKEN_ISSUER_MISMATCH,
        DenyReason.TOKEN_ALGORITHM_REJECTED);
  }

  @Test
  void discoveryWhenAskedThenNamesIssuerAndJwksUri() throws Exception {
    Map<String, Object> doc = com.nimbusds.jose.util.JSONObjectUtils.parse(minter.discovery());
    assertThat(doc).containsEntry("issuer", INTERNAL).containsEntry("jwks_uri", INTERNAL + "/jwks");
  }

  @Test
  void builderWhenPublicKeyOrOwnClaimCopiedOrActorMissingThenRefused() throws Exception {
    assertThatThrownBy(() -> InternalTokenMinter.builder().signingKey(key.toPublicJWK()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> InternalTokenMinter.builder().copyClaims("aud"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> InternalTokenMinter.builder().issuer(INTERNAL).signingKey(key).audience("a").build())
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> minter.rotate(key)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void mintWhenCallerAnonymousThenRefused() {
    assertThatThrownBy(() -> minter.mint(dev.zt.core.Caller.anonymous()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void mintWhenCallerVerifiedThenFreshTokenEachTime() {
    dev.zt.core.Caller caller = ((Decision.Allow) get("/orders", clientToken())).caller();
    assertThat(minter.mint(caller)).isNotEqualTo(minter.mint(caller));
  }

  @Test
  void mintWhenCopyClaimsConfiguredThenOnlyThoseAreAdded() throws Exception {
    InternalTokenMinter copying = InternalTokenMinter.builder().issuer(INTERNAL).signingKey(key)
        .audience("orders-service").actor(GATEWAY).copyClaims("email").clock(clock).build();
    Enforcer e = Enforcer.builder().bearerJwt(issuer.bearerJwt().build()).routes(Fixtures.routes())
        .translate(copying).clock(clock).build();
    Decision d = await(e.enforce(TestRequest.get("/orders").bearer(clientToken()).clock(clock).build()));
    Map<String, Object> claims = SignedJWT.parse(forwarded(d)).getJWTClaimsSet().getClaims();
    assertThat(claims).containsEntry("email", "alice@example.org").doesNotContainKeys("name", "realm_access");
  }

  private Enforcer service(String audience) {
    return Enforcer.builder()
        .bearerJwt(BearerJwt.issuer(INTERNAL).audience(audience)
            .keySource((selector, ctx) -> selector.select(minter.publicKeys()))
            .algorithms("ES256").requireAccessTokenType().build())
        .routes(RoutePolicy.builder().get("/orders", Requirement.allScopes("orders:read")).build())
        .clock(clock)
        .build();
  }

  private Decision serviceGet(Enforcer service, String token) {
    return await(service.enforce(TestRequest.get("/orders").bearer(token).clock(clock).build()));
  }

}
