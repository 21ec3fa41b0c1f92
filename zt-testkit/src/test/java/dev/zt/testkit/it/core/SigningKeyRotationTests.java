package dev.zt.testkit.it.core;

import static dev.zt.testkit.ZtAssertions.assertThatDecision;
import static dev.zt.testkit.ZtAssertions.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
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
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Staged rotation of the internal-token minter's signing key: the next key is published in the JWKS ahead of use, so
 * a verifier whose JWKS cache refreshes in between knows the new {@code kid} before any token names it, and never
 * needs the unknown-kid refetch a made-up {@code kid} can spend. The verifier here is a real {@code BearerJwt} that
 * discovers and fetches the minter's JWKS over loopback HTTP (its default 5 min cache, 30 s refetch limit), on the
 * same {@link TestClock}.
 */
class SigningKeyRotationTests {

  private static final String GATEWAY = "spiffe://example.org/gateway";
  private static final Duration AHEAD = Duration.ofMinutes(6);

  private final TestClock clock = TestClock.create();
  private final AtomicInteger jwksFetches = new AtomicInteger();
  private TestIssuer issuer;
  private HttpServer published;
  private String internal;
  private InternalTokenMinter minter;
  private Enforcer gateway;
  private Enforcer service;

  @BeforeEach
  void setUp() throws Exception {
    issuer = TestIssuer.start(clock);
    published = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    internal = "http://127.0.0.1:" + published.getAddress().getPort() + "/internal";
    published.createContext("/internal/.well-known/openid-configuration", x -> answer(x, minter.discovery()));
    published.createContext("/internal/jwks", x -> {
      jwksFetches.incrementAndGet();
      answer(x, minter.jwks());
    });
    published.start();
    minter = InternalTokenMinter.builder()
        .issuer(internal)
        .signingKey(key("gw-1"))
        .audience("orders-service")
        .actor(GATEWAY)
        .upstreamScopes("orders:read")
        .clock(clock)
        .build();
    gateway = Enforcer.builder()
        .bearerJwt(issuer.bearerJwt().build())
        .routes(RoutePolicy.builder().get("/orders", Requirement.allScopes("orders:read")).build())
        .translate(minter)
        .clock(clock)
        .build();
    service = Enforcer.builder()
        .bearerJwt(BearerJwt.issuer(internal).audience("orders-service").algorithms("ES256")
            .requireAccessTokenType().build())
        .routes(RoutePolicy.builder().get("/orders", Requirement.allScopes("orders:read")).build())
        .clock(clock)
        .build();
  }

  @AfterEach
  void tearDown() {
    published.stop(0);
    issuer.close();
  }

  // --- publication ahead of use

  @Test
  void rotateWhenPublishedAheadThenJwksHoldsTheNextKeyWhileTheCurrentKeySigns() throws Exception {
    String client = clientToken();
    String before = forwarded(client);

    minter.rotate(key("gw-2"), AHEAD);
    String cached = forwarded(client);
    clock.advance(AHEAD.minusSeconds(1));
    String fresh = forwarded(clientToken());

    assertThat(kids(minter.jwks())).containsExactly("gw-1", "gw-2");
    assertThat(JWKSet.parse(minter.jwks()).getKeys()).noneMatch(JWK::isPrivate);
    assertThat(cached).as("cached tokens stay in use until the switch").isEqualTo(before);
    assertThat(kid(fresh)).isEqualTo("gw-1");
    assertThat(minter.signingKeyId()).isEqualTo("gw-1");
  }

  @Test
  void rotateWhenActivationInstantReachedThenTheFirstMintSignsWithTheNextKeyAndTheCacheIsEmptied() throws Exception {
    String client = clientToken();
    String before = forwarded(client);
    minter.rotate(key("gw-2"), Duration.ofSeconds(10));

    clock.advance(Duration.ofSeconds(10)); // the cached token would still be reused (3/4 of 60 s left)
    String after = forwarded(client);

    assertThat(after).isNotEqualTo(before);
    assertThat(kid(after)).isEqualTo("gw-2");
    assertThat(kids(minter.jwks())).containsExactly("gw-2", "gw-1");
  }

  @Test
  void activateIfDueWhenCalledBeforeTheInstantThenNothingChangesAndAfterItSwitches() throws Exception {
    minter.rotate(key("gw-2"), AHEAD);

    clock.advance(AHEAD.minusMillis(1));
    assertThat(minter.activateIfDue()).isFalse();
    assertThat(minter.signingKeyId()).isEqualTo("gw-1");
    clock.advance(Duration.ofMillis(1));
    assertThat(minter.activateIfDue()).isTrue();
    assertThat(minter.activateIfDue()).isFalse();

    assertThat(kid(forwarded(clientToken()))).isEqualTo("gw-2");
  }

  @Test
  void publishNextWhenActivatedExplicitlyThenSignsWithItAndNotBefore() throws Exception {
    assertThat(minter.activateNext()).as("nothing published").isFalse();
    minter.publishNext(key("gw-2"));
    clock.advance(Duration.ofDays(1));
    assertThat(kid(forwarded(clientToken()))).as("no instant: only an explicit call switches").isEqualTo("gw-1");

    assertThat(minter.activateNext()).isTrue();

    assertThat(kid(forwarded(clientToken()))).isEqualTo("gw-2");
    assertThat(kids(minter.jwks())).containsExactly("gw-2", "gw-1");
  }

  // --- the verifier: no refetch needed at the switch

  @Test
  void verifierWhenItFetchedTheJwksAfterPublicationThenAcceptsTokensOfBothKeysWithoutAnotherFetch() throws Exception {
    assertThatDecision(serviceGet(forwarded(clientToken()))).isAllowed(); // first fetch: gw-1 only
    assertThatDecision(serviceGet(madeUpKid())).isDeniedWith(DenyReason.TOKEN_KEY_UNKNOWN); // spends the refetch
    int spent = jwksFetches.get();

    minter.rotate(key("gw-2"), AHEAD);
    clock.advance(Duration.ofMinutes(5).plusSeconds(1)); // the verifier's JWKS cache (5 min) has expired
    String old = forwarded(clientToken());
    assertThatDecision(serviceGet(old)).isAllowed(); // its refresh brings gw-2 too
    assertThatDecision(serviceGet(madeUpKid())).isDeniedWith(DenyReason.TOKEN_KEY_UNKNOWN); // spent again
    int fetched = jwksFetches.get();
    clock.advance(AHEAD.minus(Duration.ofMinutes(5).plusSeconds(1))); // the activation instant
    String next = forwarded(clientToken());

    assertThat(kid(old)).isEqualTo("gw-1");
    assertThat(kid(next)).isEqualTo("gw-2");
    assertThatDecision(serviceGet(next)).isAllowed();
    assertThatDecision(serviceGet(old)).isAllowed();
    assertThat(fetched).isEqualTo(spent + 2); // the cache refresh and the made-up kid's refetch
    assertThat(jwksFetches.get()).as("no fetch at the switch").isEqualTo(fetched);
  }

  @Test
  void rotateWhenImmediateAfterTheRefetchWasSpentThenTheVerifierRefusesTheNewKid() throws Exception {
    assertThatDecision(serviceGet(forwarded(clientToken()))).isAllowed();
    assertThatDecision(serviceGet(madeUpKid())).isDeniedWith(DenyReason.TOKEN_KEY_UNKNOWN);

    minter.rotate(key("gw-2")); // the emergency path: no publication ahead

    assertThatDecision(serviceGet(forwarded(clientToken()))).isDeniedWith(DenyReason.TOKEN_KEY_UNKNOWN);
    clock.advance(Duration.ofSeconds(30)); // the verifier's refetch limit has passed
    assertThatDecision(serviceGet(forwarded(clientToken()))).isAllowed();
  }

  // --- the former key's overlap

  @Test
  void jwksWhenTheFormerKeysOverlapHasPassedThenItIsDropped() throws Exception {
    minter.rotate(key("gw-2"), AHEAD);
    clock.advance(AHEAD);
    String last = forwarded(clientToken()); // switches; gw-1's last tokens end within the lifetime (60 s)

    clock.advance(Duration.ofSeconds(119));
    assertThat(kids(minter.jwks())).as("lifetime + 60 s of verifiers' clock skew").containsExactly("gw-2", "gw-1");
    clock.advance(Duration.ofSeconds(1));
    assertThat(kids(minter.jwks())).containsExactly("gw-2");
    assertThat(kid(last)).isEqualTo("gw-2");
  }

  @Test
  void rotateWhenImmediateTwiceThenBothFormerKeysStayPublishedForTheirOverlap() throws Exception {
    minter.rotate(key("gw-2"));
    clock.advance(Duration.ofSeconds(30));
    minter.rotate(key("gw-3"));

    assertThat(kids(minter.jwks())).containsExactly("gw-3", "gw-2", "gw-1");
    clock.advance(Duration.ofSeconds(90));
    assertThat(kids(minter.jwks())).containsExactly("gw-3", "gw-2");
    clock.advance(Duration.ofSeconds(30));
    assertThat(kids(minter.jwks())).containsExactly("gw-3");
  }

  @Test
  void rotateWhenImmediateWhileANextKeyIsPublishedThenTheNextKeyIsDropped() throws Exception {
    minter.rotate(key("gw-2"), AHEAD);

    minter.rotate(key("gw-3"));
    clock.advance(AHEAD);

    assertThat(kid(forwarded(clientToken()))).isEqualTo("gw-3");
    assertThat(kids(minter.jwks())).doesNotContain("gw-2");
  }

  @Test
  void rotateWhenANextKeyIsPublishedAgainThenItReplacesTheFormerAndTheTimeCountsAnew() throws Exception {
    minter.rotate(key("gw-2"), AHEAD);
    clock.advance(Duration.ofMinutes(3));

    minter.rotate(key("gw-3"), AHEAD);
    clock.advance(Duration.ofMinutes(3));
    assertThat(kids(minter.jwks())).containsExactly("gw-1", "gw-3");
    assertThat(minter.signingKeyId()).isEqualTo("gw-1");
    clock.advance(Duration.ofMinutes(3));

    assertThat(minter.signingKeyId()).isEqualTo("gw-3");
  }

  @Test
  void withdrawNextWhenARotationIsCalledOffThenTheNextKeyLeavesTheJwksAndNeverSigns() throws Exception {
    assertThat(minter.withdrawNext()).as("nothing published").isFalse();
    minter.rotate(key("gw-2"), AHEAD);

    assertThat(minter.withdrawNext()).isTrue();
    clock.advance(AHEAD);

    assertThat(kids(minter.jwks())).containsExactly("gw-1");
    assertThat(kid(forwarded(clientToken()))).isEqualTo("gw-1");
    assertThat(minter.activateNext()).isFalse();
  }

  // --- refusals

  @Test
  void rotateWhenTheNextKeyIsUnfitThenRefusedAndNothingChanges() throws Exception {
    minter.rotate(key("gw-2"));
    clock.advance(Duration.ofSeconds(10)); // gw-1 is still published

    assertThatThrownBy(() -> minter.rotate(key("gw-2"), AHEAD)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("kid");
    assertThatThrownBy(() -> minter.rotate(key("gw-1"), AHEAD)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("kid");
    assertThatThrownBy(() -> minter.publishNext(key("gw-1"))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> minter.rotate(key("gw-1"))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> minter.rotate(key("gw-4").toPublicJWK(), AHEAD))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("private");
    assertThatThrownBy(() -> minter.rotate(new ECKeyGenerator(Curve.P_384).keyID("gw-5").generate(), AHEAD))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ES384");
    assertThatThrownBy(() -> minter.rotate(new ECKeyGenerator(Curve.P_384).keyID("gw-5").generate()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ES256");
    assertThatThrownBy(() -> minter.rotate(key("gw-6"), Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> minter.rotate(key("gw-6"), Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class);

    assertThat(kids(minter.jwks())).containsExactly("gw-2", "gw-1");
    assertThat(minter.signingKeyId()).isEqualTo("gw-2");
  }

  // --- helpers

  private static ECKey key(String kid) throws Exception {
    return new ECKeyGenerator(Curve.P_256).keyID(kid).generate();
  }

  private String clientToken() {
    return issuer.token().subject("alice").scope("orders:read").expiresIn(Duration.ofHours(1)).build();
  }

  private String forwarded(String clientToken) {
    Decision d = await(gateway.enforce(TestRequest.get("/orders").bearer(clientToken).clock(clock).build()));
    assertThatDecision(d).isAllowed();
    return ((Decision.Allow) d).forward().orElseThrow().token();
  }

  private Decision serviceGet(String token) {
    return await(service.enforce(TestRequest.get("/orders").bearer(token).clock(clock).build()));
  }

  /** A token naming a {@code kid} the minter never had, as any workload could send it. */
  private String madeUpKid() throws Exception {
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).type(new JOSEObjectType("at+jwt"))
        .keyID("made-up-" + jwksFetches.get()).build(),
        new JWTClaimsSet.Builder().issuer(internal).audience("orders-service").subject("mallory")
            .issueTime(Date.from(clock.instant())).expirationTime(Date.from(clock.instant().plusSeconds(60)))
            .claim("scope", "orders:read").build());
    jwt.sign(new ECDSASigner(key("x")));
    return jwt.serialize();
  }

  private static String kid(String token) throws Exception {
    return SignedJWT.parse(token).getHeader().getKeyID();
  }

  private static List<String> kids(String jwks) throws Exception {
    return JWKSet.parse(jwks).getKeys().stream().map(JWK::getKeyID).toList();
  }

  private static void answer(HttpExchange x, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    x.getResponseHeaders().set("Content-Type", "application/json");
    x.sendResponseHeaders(200, bytes.length);
    try (OutputStream out = x.getResponseBody()) {
      out.write(bytes);
    }
  }
}
