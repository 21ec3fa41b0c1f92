package dev.zt.testkit.it.core;

import dev.zt.core.Decision;

import dev.zt.core.DenyReason;
import dev.zt.core.Enforcer;

import dev.zt.core.credential.BearerJwt;

import static dev.zt.testkit.ZtAssertions.assertThatDecision;
import static dev.zt.testkit.ZtAssertions.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.SignedJWT;
import dev.zt.testkit.TestRequest;
import io.opentelemetry.api.OpenTelemetry;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * zt against an identity provider nobody here wrote: NAV's {@code mock-oauth2-server}, a real (lenient) OpenID
 * Connect server started from the class path, driven over HTTP through a real authorization-code flow (authorize →
 * code → token endpoint: an ID token and an access token) and a client-credentials grant (an access token). Keys come
 * from the server's own discovery document and JWKS. Its quirks, as observed (documented in SECURITY.md):
 *
 * <ul>
 *   <li>every token has the header {@code typ: JWT}, never {@code at+jwt}, so {@code requireAccessTokenType()}
 *       refuses its access tokens and only claims can tell an ID token from an access token;
 *   <li>the ID token's {@code aud} is the client: when the API is the client (or, with Keycloak, an audience mapper
 *       writes into ID tokens), it names the API; it carries the request's {@code nonce}, which is what zt sees;
 *   <li>the access token of an authorization-code flow that sent a {@code nonce} carries that {@code nonce} too, so
 *       zt refuses it as an ID token (an issuer that wants it accepted types it {@code at+jwt}); a flow without a
 *       {@code nonce} yields an ID token that no claim tells from an access token (only typing could);
 *   <li>for client credentials the subject is the {@code client_id};
 *   <li>issuer and JWKS are plain {@code http} on loopback (allowed for loopback only).
 * </ul>
 */
class BearerJwtMockOAuth2ServerTests {

  private static final String ISSUER_ID = "default";
  private static final String API = "orders-api";

  private static MockOAuth2Server server;
  private static Map<String, Object> tokens;
  private static String clientCredentialsToken;
  private static Enforcer enforcer;

  @BeforeAll
  static void start() throws Exception {
    server = new MockOAuth2Server();
    server.start();
    // the API is the OIDC client here, so the ID token's aud names it, as with Keycloak's audience mapper; the
    // access token is minted for the API too, with a scope and roles
    server.enqueueCallback(new DefaultOAuth2TokenCallback(ISSUER_ID, "alice", "JWT", List.of(API),
        Map.of("scope", "openid orders:read", "roles", List.of("admin")), 300));
    tokens = authorizationCodeFlow();
    server.enqueueCallback(new DefaultOAuth2TokenCallback(ISSUER_ID, "reporting-job", "JWT", List.of(API),
        Map.of("scope", "orders:read", "roles", List.of("admin")), 300));
    clientCredentialsToken = (String) tokenRequest("grant_type=client_credentials&scope=" + enc("orders:read")
        + "&client_id=reporting&client_secret=secret").get("access_token");
    enforcer = Enforcer.builder()
        .bearerJwt(BearerJwt.issuer(server.issuerUrl(ISSUER_ID).toString()).audience(API).build())
        .routes(Fixtures.routes())
        .openTelemetry(OpenTelemetry.noop())
        .build();
  }

  @AfterAll
  static void stop() {
    server.shutdown();
  }

  private static final HttpClient HTTP = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
      .connectTimeout(Duration.ofSeconds(5)).build();

  private static Map<String, Object> authorizationCodeFlow() throws Exception {
    String redirect = "http://localhost/callback";
    URI authorize = URI.create(server.authorizationEndpointUrl(ISSUER_ID) + "?client_id=" + API
        + "&response_type=code&scope=" + enc("openid orders:read") + "&state=s-1&nonce=n-1&redirect_uri="
        + enc(redirect));
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(authorize).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(302);
    String location = r.headers().firstValue("Location").orElseThrow();
    String code = location.replaceAll(".*[?&]code=([^&]+).*", "$1");
    return tokenRequest("grant_type=authorization_code&code=" + enc(code) + "&redirect_uri=" + enc(redirect)
        + "&client_id=" + API + "&client_secret=secret");
  }

  private static Map<String, Object> tokenRequest(String form) throws Exception {
    HttpResponse<String> t = HTTP.send(HttpRequest.newBuilder(server.tokenEndpointUrl(ISSUER_ID).uri())
        .timeout(Duration.ofSeconds(10))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(t.statusCode()).isEqualTo(200);
    return JSONObjectUtils.parse(t.body());
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static Decision get(String token) {
    return await(enforcer.enforce(TestRequest.get("/orders").bearer(token).build()));
  }

  @Test
  void enforceWhenRealIdpIssuesAnIdTokenForTheApiThenDeniesNotAnAccessToken() throws Exception {
    String idToken = (String) tokens.get("id_token");
    SignedJWT parsed = SignedJWT.parse(idToken);
    // the case of the issue: a typ JWT header, aud naming the API, a scope and roles — and yet an ID token
    assertThat(parsed.getHeader().getType().toString()).isEqualTo("JWT");
    assertThat(parsed.getJWTClaimsSet().getAudience()).contains(API);
    assertThat(parsed.getJWTClaimsSet().getClaim("nonce")).isEqualTo("n-1");
    assertThatDecision(get(idToken)).isDeniedWith(DenyReason.TOKEN_NOT_ACCESS_TOKEN).hasStatus(401);
  }

  @Test
  void enforceWhenRealIdpIssuesAnAccessTokenThenAllows() throws Exception {
    SignedJWT parsed = SignedJWT.parse(clientCredentialsToken);
    assertThat(parsed.getHeader().getType().toString()).isEqualTo("JWT");
    Decision d = get(clientCredentialsToken);
    // for client_credentials the server makes the client_id the subject, whatever the callback says
    assertThatDecision(d).isAllowedFor("reporting").byRule("GET /orders");
    assertThat(((Decision.Allow) d).caller().hasRole("admin")).isTrue();
  }

  @Test
  void enforceWhenRealIdpCopiesTheNonceIntoTheAccessTokenThenItIsRefusedAsAnIdToken() throws Exception {
    // mock-oauth2-server's quirk: the access token of a flow that sent a nonce carries it too (older Keycloak did
    // the same). By its claims it cannot be told from the ID token, so zt refuses it; an issuer that types its
    // access tokens at+jwt (RFC 9068) is believed.
    String accessToken = (String) tokens.get("access_token");
    assertThat(SignedJWT.parse(accessToken).getJWTClaimsSet().getClaim("nonce")).isEqualTo("n-1");
    assertThatDecision(get(accessToken)).isDeniedWith(DenyReason.TOKEN_NOT_ACCESS_TOKEN);
  }

  @Test
  void enforceWhenAccessTokenTypeRequiredThenRealIdpsPlainJwtAccessTokenIsRefused() throws Exception {
    Enforcer strict = Enforcer.builder()
        .bearerJwt(BearerJwt.issuer(server.issuerUrl(ISSUER_ID).toString()).audience(API).requireAccessTokenType()
            .build())
        .routes(Fixtures.routes())
        .openTelemetry(OpenTelemetry.noop())
        .build();
    assertThatDecision(await(strict.enforce(TestRequest.get("/orders").bearer(clientCredentialsToken)
        .build()))).isDeniedWith(DenyReason.TOKEN_HEADER_REJECTED);
  }
}
