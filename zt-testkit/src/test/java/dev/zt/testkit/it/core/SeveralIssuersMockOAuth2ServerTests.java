package dev.zt.testkit.it.core;

import dev.zt.core.Decision;
import dev.zt.core.DenyReason;
import dev.zt.core.Enforcer;
import dev.zt.core.credential.BearerJwt;

import static dev.zt.testkit.ZtAssertions.assertThatDecision;
import static dev.zt.testkit.ZtAssertions.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.zt.testkit.TestRequest;
import io.opentelemetry.api.OpenTelemetry;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.OAuth2Config;
import no.nav.security.mock.oauth2.token.KeyProvider;
import no.nav.security.mock.oauth2.token.OAuth2TokenProvider;
import okhttp3.mockwebserver.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Several issuers (issue 14) against an identity provider nobody here wrote: NAV's {@code mock-oauth2-server} serves
 * any number of issuers by path ({@code /tenant-a}, {@code /tenant-b}, …), each with its own signing key, discovery
 * document and JWKS, on one host and port. The enforcer accepts two of them, found by their discovery over real HTTP;
 * the server records every request it receives, so the tests see which issuer zt contacted. Its signing keys come from
 * a {@link KeyProvider} that can rotate one issuer's key (the server publishes one key per issuer, so a rotation
 * replaces the key in its JWKS rather than adding one).
 */
class SeveralIssuersMockOAuth2ServerTests {

  private static final String A = "tenant-a";
  private static final String B = "tenant-b";
  private static final String UNLISTED = "tenant-c";
  private static final String API = "orders-api";

  private RotatingKeys keys;
  private MockOAuth2Server server;
  private Enforcer enforcer;

  @BeforeEach
  void start() {
    keys = new RotatingKeys();
    server = new MockOAuth2Server(new OAuth2Config(false, null, null, false, new OAuth2TokenProvider(keys)));
    server.start();
    enforcer = Enforcer.builder()
        .bearerJwt(BearerJwt.issuer(issuer(A)).audience(API).build())
        .bearerJwt(BearerJwt.issuer(issuer(B)).audience(API).build())
        .routes(Fixtures.routes())
        .openTelemetry(OpenTelemetry.noop())
        .build();
  }

  @AfterEach
  void stop() {
    server.shutdown();
  }

  private String issuer(String issuerId) {
    return server.issuerUrl(issuerId).toString();
  }

  /** A client-credentials access token from the issuer's token endpoint, over HTTP; its subject is the client. */
  private String clientCredentials(String issuerId, String client) throws Exception {
    return MockOAuth2Servers.clientCredentials(server, issuerId, client, API);
  }

  /** The paths of the requests the server received since the last call (nothing is waited for). */
  private List<String> requestsSinceLastCall() throws InterruptedException {
    return MockOAuth2Servers.requestsSinceLastCall(server).stream().map(RecordedRequest::getPath).toList();
  }

  private Decision get(String token) {
    return await(enforcer.enforce(TestRequest.get("/orders").bearer(token).build()));
  }

  private static String signed(JWK key, String kid, JWTClaimsSet claims) throws JOSEException {
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).type(JOSEObjectType.JWT).keyID(kid)
        .build(), claims);
    jwt.sign(new RSASSASigner(key.toRSAKey()));
    return jwt.serialize();
  }

  private JWTClaimsSet claims(String iss, String sub) {
    Instant now = Instant.now();
    return new JWTClaimsSet.Builder().issuer(iss).subject(sub).audience(API).claim("scope", "orders:read")
        .issueTime(Date.from(now)).notBeforeTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(300)))
        .jwtID("forged-" + sub).build();
  }

  @Test
  void enforceWhenTokenOfEitherConfiguredIssuerThenAllowedWithItsIssuer() throws Exception {
    String fromA = clientCredentials(A, "billing");
    String fromB = clientCredentials(B, "reporting");
    requestsSinceLastCall();

    Decision a = get(fromA);
    Decision b = get(fromB);

    assertThatDecision(a).isAllowedFor("billing").byRule("GET /orders");
    assertThatDecision(b).isAllowedFor("reporting").byRule("GET /orders");
    assertThat(((Decision.Allow) a).caller().credential().orElseThrow().issuer()).isEqualTo(issuer(A));
    assertThat(((Decision.Allow) b).caller().credential().orElseThrow().issuer()).isEqualTo(issuer(B));
    // each issuer's keys came from its own discovery and JWKS, over HTTP
    assertThat(requestsSinceLastCall()).contains("/" + A + "/.well-known/openid-configuration", "/" + A + "/jwks",
        "/" + B + "/.well-known/openid-configuration", "/" + B + "/jwks");
  }

  @Test
  void enforceWhenTokenOfAnUnlistedIssuerOfTheSameServerThenRefusedWithoutContactingIt() throws Exception {
    // a real token of a real issuer on the same host and port, just not one this enforcer accepts
    String fromUnlisted = clientCredentials(UNLISTED, "billing");
    assertThat(SignedJWT.parse(fromUnlisted).getJWTClaimsSet().getIssuer()).isEqualTo(issuer(UNLISTED));
    requestsSinceLastCall();

    Decision d = get(fromUnlisted);

    assertThatDecision(d).isDeniedWith(DenyReason.TOKEN_ISSUER_MISMATCH).hasStatus(401);
    assertThat(enforcer.respond((Decision.Deny) d).headers().get("WWW-Authenticate"))
        .contains("error=\"invalid_token\"");
    assertThat(requestsSinceLastCall()).as("an unverified iss never names a URL zt contacts")
        .noneMatch(path -> path.startsWith("/" + UNLISTED));
  }

  @Test
  void enforceWhenIssuerASignsATokenClaimingIssuerBThenRefusedAndAsKeysNeverFetched() throws Exception {
    // minted by the server for A (A's key, kid "tenant-a"), with B's issuer in iss
    String forged = server.getConfig().getTokenProvider().jwt(Map.of("iss", issuer(B), "sub", "mallory",
        "aud", List.of(API), "scope", "orders:read"), Duration.ofMinutes(5), A).serialize();
    assertThat(SignedJWT.parse(forged).getHeader().getKeyID()).isEqualTo(A);
    requestsSinceLastCall();

    Decision d = get(forged);

    // verified against B's keys only: A's kid is not among them
    assertThatDecision(d).isDeniedWith(DenyReason.TOKEN_KEY_UNKNOWN).hasStatus(401);
    assertThat(requestsSinceLastCall()).as("no pool of all issuers' keys").noneMatch(path -> path.startsWith("/" + A));
  }

  @Test
  void enforceWhenIssuerAsKeySignsUnderBsKidClaimingBThenSignatureInvalid() throws Exception {
    // the harder forgery: A's private key, B's kid and iss; the kid finds B's key, whose signature check fails
    String forged = signed(keys.signingKey(A), B, claims(issuer(B), "mallory"));
    requestsSinceLastCall();

    Decision d = get(forged);

    assertThatDecision(d).isDeniedWith(DenyReason.TOKEN_SIGNATURE_INVALID).hasStatus(401);
    assertThat(requestsSinceLastCall()).noneMatch(path -> path.startsWith("/" + A));
  }

  @Test
  void enforceWhenOneIssuerRotatesItsKeyThenItsNewTokensAllowedAndTheOtherIssuerUntouched() throws Exception {
    Enforcer rotating = Enforcer.builder()
        // the JWKS refetch limit runs on the enforcer's clock, here the system's: off for the issuer that rotates, so
        // the test need not wait 30 s; the other issuer keeps the default
        .bearerJwt(BearerJwt.issuer(issuer(A)).audience(API).jwksRefetchMinInterval(Duration.ZERO).build())
        .bearerJwt(BearerJwt.issuer(issuer(B)).audience(API).build())
        .routes(Fixtures.routes())
        .openTelemetry(OpenTelemetry.noop())
        .build();
    String beforeFromA = clientCredentials(A, "billing");
    String unseenBeforeFromA = clientCredentials(A, "audit");
    String beforeFromB = clientCredentials(B, "reporting");
    assertThatDecision(await(rotating.enforce(TestRequest.get("/orders").bearer(beforeFromA).build()))).isAllowed();
    assertThatDecision(await(rotating.enforce(TestRequest.get("/orders").bearer(beforeFromB).build()))).isAllowed();

    keys.rotate(A);
    String afterFromA = clientCredentials(A, "billing");
    String afterFromB = clientCredentials(B, "reporting");
    assertThat(SignedJWT.parse(afterFromA).getHeader().getKeyID()).isEqualTo(A + "-rotated");
    requestsSinceLastCall();

    // A's new kid is unknown: A's JWKS is refetched and holds only the new key
    assertThatDecision(await(rotating.enforce(TestRequest.get("/orders").bearer(afterFromA).build())))
        .isAllowedFor("billing");
    assertThatDecision(await(rotating.enforce(TestRequest.get("/orders").bearer(unseenBeforeFromA).build())))
        .isDeniedWith(DenyReason.TOKEN_KEY_UNKNOWN);
    // B neither notices nor is asked again
    assertThatDecision(await(rotating.enforce(TestRequest.get("/orders").bearer(beforeFromB).build())))
        .isAllowedFor("reporting");
    assertThatDecision(await(rotating.enforce(TestRequest.get("/orders").bearer(afterFromB).build())))
        .isAllowedFor("reporting");
    List<String> fetched = requestsSinceLastCall();
    assertThat(fetched).contains("/" + A + "/jwks");
    assertThat(fetched).noneMatch(path -> path.startsWith("/" + B));
  }

  /** The server's key provider, able to replace one issuer's signing key (and so its published JWKS). */
  private static final class RotatingKeys extends KeyProvider {

    private final Map<String, JWK> rotated = new ConcurrentHashMap<>();

    @Override
    public JWK signingKey(String issuerId) {
      JWK key = rotated.get(issuerId);
      return key != null ? key : super.signingKey(issuerId);
    }

    void rotate(String issuerId) throws JOSEException {
      rotated.put(issuerId, new RSAKeyGenerator(2048).keyID(issuerId + "-rotated").generate());
    }
  }
}
