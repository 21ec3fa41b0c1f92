package dev.zt.testkit;

import static dev.zt.testkit.OAuthClient.claims;
import static dev.zt.testkit.OAuthClient.list;
import static dev.zt.testkit.OAuthClient.query;
import static dev.zt.testkit.OAuthClient.type;
import static dev.zt.testkit.ZtAssertions.assertThatDecision;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.util.JSONObjectUtils;
import dev.zt.core.Enforcer;
import dev.zt.core.policy.Requirement;
import dev.zt.core.policy.RoutePolicy;
import dev.zt.testkit.OAuthClient.Answer;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link TestIssuer}'s authorization and token endpoints over real loopback HTTP: every grant, and beside each
 * accept path the refusals a real authorization server gives (RFC 6749, 7636, 8693, 9207, 9700).
 */
class TestIssuerTests {

  static final URI CALLBACK = URI.create("https://app.example/callback");
  static final URI SPA_CALLBACK = URI.create("https://spa.example/cb");

  TestClock clock;
  TestIssuer issuer;
  OAuthClient oauth;

  @BeforeEach
  void start() {
    clock = TestClock.create();
    issuer = TestIssuer.start(clock);
    issuer.registerClient("bff", "s3cret", CALLBACK);
    issuer.registerPublicClient("spa", SPA_CALLBACK);
    issuer.loginAs("alice", Map.of("roles", List.of("buyer")));
    oauth = new OAuthClient(issuer);
  }

  @AfterEach
  void stop() {
    issuer.close();
  }

  /** A full login: the token endpoint's answer to the code of {@code scope}. */
  Answer login(String scope) {
    Answer a = oauth.redeem("bff", "s3cret", oauth.code("bff", CALLBACK, scope), CALLBACK);
    assertThat(a.status()).as(a.response().body()).isEqualTo(200);
    return a;
  }

  @Nested
  class Metadata {

    @ParameterizedTest
    @ValueSource(strings = {"/.well-known/openid-configuration", "/.well-known/oauth-authorization-server"})
    void metadataWhenFetchedThenNamesEndpointsGrantsAndPkce(String path) throws Exception {
      HttpResponse<String> r = oauth.send(HttpRequest.newBuilder(URI.create(issuer.issuer() + path)).GET());
      Map<String, Object> m = JSONObjectUtils.parse(r.body());
      assertThat(m).containsEntry("authorization_endpoint", issuer.authorizationEndpoint().toString())
          .containsEntry("token_endpoint", issuer.tokenEndpoint().toString())
          .containsEntry("code_challenge_methods_supported", List.of("S256"))
          .containsEntry("authorization_response_iss_parameter_supported", true);
      assertThat(list(m.get("grant_types_supported"))).containsExactlyInAnyOrder("authorization_code",
          "refresh_token", "client_credentials", "urn:ietf:params:oauth:grant-type:token-exchange");
      assertThat(list(m.get("token_endpoint_auth_methods_supported")))
          .contains("client_secret_basic", "client_secret_post");
    }
  }

  @Nested
  class Authorize {

    @Test
    void authorizeWhenUserLoggedInThenRedirectsWithCodeStateAndIss() {
      HttpResponse<String> r = oauth.authorize("bff", CALLBACK, "openid orders:read");
      assertThat(r.statusCode()).isEqualTo(302);
      assertThat(r.headers().firstValue("Location").orElseThrow()).startsWith(CALLBACK + "?");
      Map<String, String> q = query(r);
      assertThat(q.get("code")).hasSizeGreaterThan(40);
      assertThat(q).containsEntry("state", "st-1").containsEntry("iss", issuer.issuer());
    }

    @Test
    void authorizeWhenRedirectUriHasAQueryThenCodeIsAddedToIt() {
      URI withQuery = URI.create("https://app.example/cb?tenant=a%20b");
      issuer.registerClient("tenant-app", "pw", withQuery);
      HttpResponse<String> r = oauth.authorize("tenant-app", withQuery, "orders:read");
      assertThat(r.headers().firstValue("Location").orElseThrow()).startsWith(withQuery + "&code=");
      assertThat(query(r)).containsEntry("tenant", "a b").containsKey("code");
      assertThat(oauth.redeem("tenant-app", "pw", query(r).get("code"), withQuery).status()).isEqualTo(200);
    }

    @Test
    void authorizeWhenNoUserLoggedInThenRedirectsAccessDenied() {
      issuer.logout();
      HttpResponse<String> r = oauth.authorize("bff", CALLBACK, "openid");
      assertThat(r.statusCode()).isEqualTo(302);
      assertThat(query(r)).containsEntry("error", "access_denied").containsEntry("state", "st-1")
          .containsEntry("iss", issuer.issuer()).doesNotContainKey("code");
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://app.example/callback/", "https://app.example/callback?x=1",
        "https://APP.example/callback", "https://app.example/callbac", "http://app.example/callback",
        "https://evil.example/callback", "https://spa.example/cb"})
    void authorizeWhenRedirectUriNotRegisteredExactlyThen400AndNeverRedirects(String redirect) {
      HttpResponse<String> r = oauth.authorize(
          "response_type", "code", "client_id", "bff", "redirect_uri", redirect,
          "code_challenge", OAuthClient.CHALLENGE, "code_challenge_method", "S256", "state", "x");
      assertThat(r.statusCode()).isEqualTo(400);
      assertThat(r.headers().firstValue("Location")).isEmpty();
      assertThat(r.body()).contains("invalid_request");
    }

    @Test
    void authorizeWhenRedirectUriMissingThen400() {
      HttpResponse<String> r = oauth.authorize("response_type", "code", "client_id", "bff",
          "code_challenge", OAuthClient.CHALLENGE, "code_challenge_method", "S256");
      assertThat(r.statusCode()).isEqualTo(400);
      assertThat(r.headers().firstValue("Location")).isEmpty();
    }

    @Test
    void authorizeWhenClientUnknownThen400AndNeverRedirects() {
      HttpResponse<String> r = oauth.authorize("nobody", CALLBACK, "openid");
      assertThat(r.statusCode()).isEqualTo(400);
      assertThat(r.headers().firstValue("Location")).isEmpty();
    }

    @Test
    void authorizeWhenPlainChallengeMethodThenInvalidRequestRedirect() {
      HttpResponse<String> r = oauth.authorize("response_type", "code", "client_id", "bff",
          "redirect_uri", CALLBACK.toString(), "code_challenge", OAuthClient.VERIFIER,
          "code_challenge_method", "plain", "state", "s");
      assertThat(r.statusCode()).isEqualTo(302);
      assertThat(query(r)).containsEntry("error", "invalid_request").containsEntry("state", "s")
          .doesNotContainKey("code");
    }

    @Test
    void authorizeWhenChallengeMethodOmittedThenInvalidRequestRedirect() {
      // RFC 7636 §4.3: no method means plain
      HttpResponse<String> r = oauth.authorize("response_type", "code", "client_id", "bff",
          "redirect_uri", CALLBACK.toString(), "code_challenge", OAuthClient.CHALLENGE);
      assertThat(query(r)).containsEntry("error", "invalid_request").doesNotContainKey("code");
    }

    @Test
    void authorizeWhenChallengeMissingThenInvalidRequestRedirect() {
      HttpResponse<String> r = oauth.authorize("response_type", "code", "client_id", "spa",
          "redirect_uri", SPA_CALLBACK.toString(), "code_challenge_method", "S256");
      assertThat(query(r)).containsEntry("error", "invalid_request").doesNotContainKey("code");
    }

    @Test
    void authorizeWhenResponseTypeTokenThenUnsupportedResponseType() {
      HttpResponse<String> r = oauth.authorize("response_type", "token", "client_id", "bff",
          "redirect_uri", CALLBACK.toString(), "code_challenge", OAuthClient.CHALLENGE,
          "code_challenge_method", "S256");
      assertThat(query(r)).containsEntry("error", "unsupported_response_type").doesNotContainKey("code");
    }

    @Test
    void authorizeWhenParameterRepeatedThenInvalidRequest() {
      HttpResponse<String> r = oauth.authorize("response_type", "code", "client_id", "bff",
          "redirect_uri", CALLBACK.toString(), "code_challenge", OAuthClient.CHALLENGE,
          "code_challenge_method", "S256", "state", "a", "state", "b");
      assertThat(query(r)).containsEntry("error", "invalid_request").doesNotContainKey("code");
    }

    @Test
    void registerClientWhenTwiceOrRedirectHasFragmentThenThrows() {
      assertThatThrownBy(() -> issuer.registerClient("bff", "other", CALLBACK))
          .isInstanceOf(IllegalStateException.class);
      assertThatThrownBy(() -> issuer.registerPublicClient("x", URI.create("https://a.example/cb#f")))
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> issuer.registerPublicClient("y", URI.create("/relative")))
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> issuer.loginAs("bob", Map.of("sub", "admin")))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Nested
  class AuthorizationCode {

    @Test
    void tokenWhenCodeAndVerifierThenAccessRefreshAndIdToken() {
      Answer a = login("openid orders:read");
      assertThat(a.string("token_type")).isEqualTo("Bearer");
      assertThat(a.json()).containsEntry("expires_in", 300L).containsEntry("scope", "openid orders:read");
      assertThat(a.response().headers().firstValue("Cache-Control")).hasValue("no-store");
      assertThat(a.string("refresh_token")).isNotBlank().doesNotContain(".");

      String access = a.string("access_token");
      assertThat(type(access)).isEqualTo("at+jwt");
      Map<String, Object> at = claims(access);
      assertThat(at).containsEntry("iss", issuer.issuer()).containsEntry("sub", "alice")
          .containsEntry("aud", TestIssuer.defaultAudience()).containsEntry("client_id", "bff")
          .containsEntry("scope", "openid orders:read").containsEntry("roles", List.of("buyer"))
          .containsEntry("exp", clock.instant().plus(Duration.ofMinutes(5)).getEpochSecond())
          .containsKey("sid");

      String idToken = a.string("id_token");
      assertThat(type(idToken)).isEqualTo("JWT");
      assertThat(claims(idToken)).containsEntry("aud", "bff").containsEntry("sub", "alice")
          .containsEntry("nonce", "n-1").containsEntry("sid", at.get("sid"));
    }

    @Test
    void tokenWhenNoOpenidScopeThenNoIdToken() {
      assertThat(login("orders:read").json()).doesNotContainKey("id_token");
    }

    @Test
    void tokenWhenTwoLoginsThenTwoSessionIds() {
      Object first = claims(login("orders:read").string("access_token")).get("sid");
      Object second = claims(login("orders:read").string("access_token")).get("sid");
      assertThat(first).isNotEqualTo(second);
    }

    @Test
    void tokenWhenCodeFlowAccessTokenThenBearerJwtAllows() {
      Enforcer enforcer = Enforcer.builder()
          .clock(clock)
          .bearerJwt(issuer.bearerJwt().build())
          .routes(RoutePolicy.builder().get("/orders", Requirement.allScopes("orders:read")).build())
          .build();
      String access = login("openid orders:read").string("access_token");
      assertThatDecision(enforcer.enforce(TestRequest.get("/orders").bearer(access).build()))
          .isAllowedFor("alice");
    }

    @Test
    void tokenWhenClientSecretPostThenIssues() {
      String code = oauth.code("bff", CALLBACK, "orders:read");
      Answer a = oauth.token(null, null, "grant_type", "authorization_code", "code", code,
          "redirect_uri", CALLBACK.toString(), "code_verifier", OAuthClient.VERIFIER,
          "client_id", "bff", "client_secret", "s3cret");
      assertThat(a.status()).isEqualTo(200);
    }

    @Test
    void tokenWhenPublicClientWithVerifierThenIssues() {
      String code = oauth.code("spa", SPA_CALLBACK, "orders:read");
      Answer a = oauth.token(null, null, "grant_type", "authorization_code", "code", code,
          "redirect_uri", SPA_CALLBACK.toString(), "code_verifier", OAuthClient.VERIFIER, "client_id", "spa");
      assertThat(a.status()).isEqualTo(200);
      assertThat(claims(a.string("access_token"))).containsEntry("client_id", "spa");
    }

    @Test
    void tokenWhenWrongVerifierThenInvalidGrantAndCodeSpent() {
      String code = oauth.code("bff", CALLBACK, "orders:read");
      Answer wrong = oauth.token("bff", "s3cret", "grant_type", "authorization_code", "code", code,
          "redirect_uri", CALLBACK.toString(), "code_verifier", OAuthClient.VERIFIER.replace('d', 'e'));
      assertThat(wrong.status()).isEqualTo(400);
      assertThat(wrong.error()).isEqualTo("invalid_grant");
      // no second guess
      assertThat(oauth.redeem("bff", "s3cret", code, CALLBACK).error()).isEqualTo("invalid_grant");
    }

    @Test
    void tokenWhenVerifierMissingThenInvalidGrant() {
      String code = oauth.code("bff", CALLBACK, "orders:read");
      Answer a = oauth.token("bff", "s3cret", "grant_type", "authorization_code", "code", code,
          "redirect_uri", CALLBACK.toString());
      assertThat(a.error()).isEqualTo("invalid_grant");
    }

    @Test
    void tokenWhenVerifierIsTheChallengeThenInvalidGrant() {
      // the plain method, tried at the token endpoint
      String code = oauth.code("bff", CALLBACK, "orders:read");
      Answer a = oauth.token("bff", "s3cret", "grant_type", "authorization_code", "code", code,
          "redirect_uri", CALLBACK.toString(), "code_verifier", OAuthClient.CHALLENGE);
      assertThat(a.error()).isEqualTo("invalid_grant");
    }

    @Test
    void tokenWhenCodeReusedThenInvalidGrantAndWhatItIssuedIsRevoked() {
      String code = oauth.code("bff", CALLBACK, "orders:read");
      Answer first = oauth.redeem("bff", "s3cret", code, CALLBACK);
      assertThat(first.status()).isEqualTo(200);

      Answer again = oauth.redeem("bff", "s3cret", code, CALLBACK);
      assertThat(again.status()).isEqualTo(400);
      assertThat(again.error()).isEqualTo("invalid_grant");
      assertThat(oauth.refresh("bff", "s3cret", first.string("refresh_token")).error()).isEqualTo("invalid_grant");
    }

    @Test
    void tokenWhenRedirectUriDiffersThenInvalidGrant() {
      issuer.registerClient("two", "pw", CALLBACK, URI.create("https://app.example/other"));
      String code = oauth.code("two", CALLBACK, "orders:read");
      Answer a = oauth.redeem("two", "pw", code, URI.create("https://app.example/other"));
      assertThat(a.error()).isEqualTo("invalid_grant");
    }

    @Test
    void tokenWhenWrongSecretThenInvalidClient401WithBasicChallenge() {
      String code = oauth.code("bff", CALLBACK, "orders:read");
      Answer a = oauth.redeem("bff", "wrong", code, CALLBACK);
      assertThat(a.status()).isEqualTo(401);
      assertThat(a.error()).isEqualTo("invalid_client");
      assertThat(a.response().headers().firstValue("WWW-Authenticate").orElseThrow()).startsWith("Basic ");
      assertThat(a.response().body()).doesNotContain("wrong");
    }

    @Test
    void tokenWhenConfidentialClientSendsNoSecretThenInvalidClient() {
      String code = oauth.code("bff", CALLBACK, "orders:read");
      Answer a = oauth.token(null, null, "grant_type", "authorization_code", "code", code,
          "redirect_uri", CALLBACK.toString(), "code_verifier", OAuthClient.VERIFIER, "client_id", "bff");
      assertThat(a.status()).isEqualTo(401);
      assertThat(a.error()).isEqualTo("invalid_client");
    }

    @Test
    void tokenWhenBasicAndPostTogetherThenInvalidRequest() {
      String code = oauth.code("bff", CALLBACK, "orders:read");
      Answer a = oauth.token("bff", "s3cret", "grant_type", "authorization_code", "code", code,
          "redirect_uri", CALLBACK.toString(), "code_verifier", OAuthClient.VERIFIER, "client_secret", "s3cret");
      assertThat(a.error()).isEqualTo("invalid_request");
    }

    @Test
    void tokenWhenCodeExpiredThenInvalidGrant() {
      String code = oauth.code("bff", CALLBACK, "orders:read");
      clock.advance(Duration.ofSeconds(60));
      assertThat(oauth.redeem("bff", "s3cret", code, CALLBACK).error()).isEqualTo("invalid_grant");
    }

    @Test
    void tokenWhenCodeJustBeforeExpiryThenIssues() {
      String code = oauth.code("bff", CALLBACK, "orders:read");
      clock.advance(Duration.ofSeconds(59));
      assertThat(oauth.redeem("bff", "s3cret", code, CALLBACK).status()).isEqualTo(200);
    }

    @Test
    void tokenWhenCodeOfAnotherClientThenInvalidGrant() {
      issuer.registerClient("other", "pw", CALLBACK);
      String code = oauth.code("bff", CALLBACK, "orders:read");
      assertThat(oauth.redeem("other", "pw", code, CALLBACK).error()).isEqualTo("invalid_grant");
    }

    @Test
    void tokenWhenGrantTypeUnknownThenUnsupportedGrantType() {
      Answer a = oauth.token("bff", "s3cret", "grant_type", "password", "username", "a", "password", "b");
      assertThat(a.error()).isEqualTo("unsupported_grant_type");
    }

    @Test
    void tokenWhenAudienceConfiguredThenAccessTokensCarryIt() {
      issuer.accessTokenAudience("orders-service", "billing");
      assertThat(claims(login("orders:read").string("access_token")))
          .containsEntry("aud", List.of("orders-service", "billing"));
    }
  }

  @Nested
  class Refresh {

    @Test
    void refreshWhenUsedThenNewTokensSameSidAndOldTokenDead() {
      Answer login = login("openid orders:read");
      String sid = (String) claims(login.string("access_token")).get("sid");
      clock.advance(Duration.ofMinutes(4));

      Answer renewed = oauth.refresh("bff", "s3cret", login.string("refresh_token"));
      assertThat(renewed.status()).isEqualTo(200);
      assertThat(renewed.string("refresh_token")).isNotEqualTo(login.string("refresh_token"));
      Map<String, Object> at = claims(renewed.string("access_token"));
      assertThat(at).containsEntry("sid", sid).containsEntry("sub", "alice")
          .containsEntry("scope", "openid orders:read")
          .containsEntry("exp", clock.instant().plus(Duration.ofMinutes(5)).getEpochSecond());
      assertThat(oauth.refresh("bff", "s3cret", renewed.string("refresh_token")).status()).isEqualTo(200);
    }

    @Test
    void refreshWhenRotatedTokenReusedThenInvalidGrantAndWholeFamilyRevoked() {
      Answer login = login("orders:read");
      Answer renewed = oauth.refresh("bff", "s3cret", login.string("refresh_token"));
      assertThat(renewed.status()).isEqualTo(200);

      Answer replay = oauth.refresh("bff", "s3cret", login.string("refresh_token"));
      assertThat(replay.status()).isEqualTo(400);
      assertThat(replay.error()).isEqualTo("invalid_grant");
      // the legitimate holder's current token dies with the family
      assertThat(oauth.refresh("bff", "s3cret", renewed.string("refresh_token")).error())
          .isEqualTo("invalid_grant");
    }

    @Test
    void refreshWhenSameTokenSentConcurrentlyThenOneWinsAndTheSessionIsRevoked() {
      // why a client must refresh single-flight: the loser's replay revokes the winner's new token too
      Answer login = login("orders:read");
      List<java.util.concurrent.CompletableFuture<Answer>> racing = java.util.stream.IntStream.range(0, 4)
          .mapToObj(i -> java.util.concurrent.CompletableFuture.supplyAsync(
              () -> oauth.refresh("bff", "s3cret", login.string("refresh_token"))))
          .toList();
      List<Answer> answers = racing.stream().map(java.util.concurrent.CompletableFuture::join).toList();
      assertThat(answers).filteredOn(a -> a.status() == 200).hasSize(1);
      assertThat(answers).filteredOn(a -> a.status() == 400).extracting(Answer::error)
          .containsOnly("invalid_grant").hasSize(3);
      String winner = answers.stream().filter(a -> a.status() == 200).findFirst().orElseThrow()
          .string("refresh_token");
      assertThat(oauth.refresh("bff", "s3cret", winner).error()).isEqualTo("invalid_grant");
      assertThat(issuer.tokenRequests("refresh_token")).isEqualTo(5);
    }

    @Test
    void refreshWhenFamilyRevokedThenOtherSessionsLiveOn() {
      Answer mine = login("orders:read");
      Answer other = login("orders:read");
      oauth.refresh("bff", "s3cret", mine.string("refresh_token"));
      oauth.refresh("bff", "s3cret", mine.string("refresh_token"));
      assertThat(oauth.refresh("bff", "s3cret", other.string("refresh_token")).status()).isEqualTo(200);
    }

    @Test
    void refreshWhenScopeNarrowedThenNarrowTokenAndLaterWideAgain() {
      Answer login = login("orders:read orders:write");
      Answer narrow = oauth.refresh("bff", "s3cret", login.string("refresh_token"), "scope", "orders:read");
      assertThat(narrow.status()).isEqualTo(200);
      assertThat(claims(narrow.string("access_token"))).containsEntry("scope", "orders:read");
      // RFC 6749 §6: narrowing one access token does not shrink the grant
      Answer wide = oauth.refresh("bff", "s3cret", narrow.string("refresh_token"));
      assertThat(claims(wide.string("access_token"))).containsEntry("scope", "orders:read orders:write");
    }

    @Test
    void refreshWhenScopeWidenedThenInvalidScopeAndTokenStillLive() {
      Answer login = login("orders:read");
      Answer wider = oauth.refresh("bff", "s3cret", login.string("refresh_token"), "scope", "orders:read admin");
      assertThat(wider.error()).isEqualTo("invalid_scope");
      assertThat(oauth.refresh("bff", "s3cret", login.string("refresh_token")).status()).isEqualTo(200);
    }

    @Test
    void refreshWhenExpiredThenInvalidGrant() {
      issuer.refreshTokenLifetime(Duration.ofMinutes(10));
      Answer login = login("orders:read");
      clock.advance(Duration.ofMinutes(10));
      assertThat(oauth.refresh("bff", "s3cret", login.string("refresh_token")).error()).isEqualTo("invalid_grant");
    }

    @Test
    void refreshWhenAnotherClientPresentsItThenInvalidGrant() {
      issuer.registerClient("other", "pw", CALLBACK);
      Answer login = login("orders:read");
      assertThat(oauth.refresh("other", "pw", login.string("refresh_token")).error()).isEqualTo("invalid_grant");
    }

    @Test
    void revokeSessionWhenCalledThenItsRefreshTokenRefused() {
      Answer login = login("orders:read");
      issuer.revokeSession((String) claims(login.string("access_token")).get("sid"));
      assertThat(oauth.refresh("bff", "s3cret", login.string("refresh_token")).error()).isEqualTo("invalid_grant");
    }

    @Test
    void accessTokenLifetimeWhenSetThenExpiresInAndExpFollow() {
      issuer.accessTokenLifetime(Duration.ofSeconds(30));
      Answer login = login("orders:read");
      assertThat(login.json()).containsEntry("expires_in", 30L);
      assertThat(claims(login.string("access_token")))
          .containsEntry("exp", clock.instant().plusSeconds(30).getEpochSecond());
    }

    @Test
    void tokenEndpointStatusWhen503ThenTemporarilyUnavailableCountedAndRestored() {
      Answer login = login("orders:read");
      issuer.tokenEndpointStatus(503);
      Answer down = oauth.refresh("bff", "s3cret", login.string("refresh_token"));
      assertThat(down.status()).isEqualTo(503);
      assertThat(down.error()).isEqualTo("temporarily_unavailable");
      issuer.tokenEndpointStatus(200);
      assertThat(oauth.refresh("bff", "s3cret", login.string("refresh_token")).status()).isEqualTo(200);
      assertThat(issuer.tokenRequests("refresh_token")).isEqualTo(2);
      assertThat(issuer.tokenRequests("authorization_code")).isEqualTo(1);
    }
  }

  @Nested
  class ClientCredentials {

    Answer clientCredentials(String id, String secret, String... more) {
      String[] params = new String[2 + more.length];
      params[0] = "grant_type";
      params[1] = "client_credentials";
      System.arraycopy(more, 0, params, 2, more.length);
      return oauth.token(id, secret, params);
    }

    @Test
    void clientCredentialsWhenConfidentialClientThenTokenForTheClientItself() {
      Answer a = clientCredentials("bff", "s3cret", "scope", "orders:read");
      assertThat(a.status()).isEqualTo(200);
      assertThat(a.json()).containsEntry("token_type", "Bearer").containsEntry("expires_in", 300L)
          .doesNotContainKeys("refresh_token", "id_token");
      assertThat(type(a.string("access_token"))).isEqualTo("at+jwt");
      assertThat(claims(a.string("access_token"))).containsEntry("sub", "bff").containsEntry("client_id", "bff")
          .containsEntry("scope", "orders:read").containsEntry("aud", TestIssuer.defaultAudience())
          .doesNotContainKeys("sid", "roles");
    }

    @Test
    void clientCredentialsWhenPublicClientThenUnauthorizedClient() {
      Answer a = oauth.token(null, null, "grant_type", "client_credentials", "client_id", "spa");
      assertThat(a.status()).isEqualTo(400);
      assertThat(a.error()).isEqualTo("unauthorized_client");
    }

    @Test
    void clientCredentialsWhenWrongSecretThenInvalidClient() {
      Answer a = clientCredentials("bff", "s3cret!");
      assertThat(a.status()).isEqualTo(401);
      assertThat(a.error()).isEqualTo("invalid_client");
    }

    @Test
    void clientCredentialsWhenUnknownClientThenInvalidClient() {
      assertThat(clientCredentials("ghost", "x").error()).isEqualTo("invalid_client");
    }

    @Test
    void tokenWhenGetOrNotFormThenRefused() {
      HttpResponse<String> get = oauth.send(HttpRequest.newBuilder(issuer.tokenEndpoint()).GET());
      assertThat(get.statusCode()).isEqualTo(405);
      HttpResponse<String> json = oauth.send(HttpRequest.newBuilder(issuer.tokenEndpoint())
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString("{\"grant_type\":\"client_credentials\"}")));
      assertThat(json.statusCode()).isEqualTo(400);
      assertThat(json.body()).contains("invalid_request");
    }

    @Test
    void tokenWhenPathOnlyStartsWithTokenThen404() {
      HttpResponse<String> r = oauth.send(HttpRequest.newBuilder(URI.create(issuer.tokenEndpoint() + "x"))
          .header("Content-Type", "application/x-www-form-urlencoded")
          .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials")));
      assertThat(r.statusCode()).isEqualTo(404);
      HttpResponse<String> a = oauth.send(HttpRequest.newBuilder(
          URI.create(issuer.authorizationEndpoint() + "/x?client_id=bff")).GET());
      assertThat(a.statusCode()).isEqualTo(404);
    }

    @Test
    void tokenWhenParameterRepeatedThenInvalidRequest() {
      Answer a = clientCredentials("bff", "s3cret", "scope", "a", "scope", "b");
      assertThat(a.error()).isEqualTo("invalid_request");
    }
  }

  @Nested
  class TokenExchange {

    static final String EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange";
    static final String ACCESS_TOKEN = "urn:ietf:params:oauth:token-type:access_token";

    @BeforeEach
    void gateway() {
      issuer.registerClient("gateway", "gw-secret");
      issuer.allowExchange("gateway", "orders-service", "billing");
    }

    Answer exchange(String subjectToken, String... more) {
      String[] params = new String[6 + more.length];
      System.arraycopy(new String[] {"grant_type", EXCHANGE, "subject_token", subjectToken,
          "subject_token_type", ACCESS_TOKEN}, 0, params, 0, 6);
      System.arraycopy(more, 0, params, 6, more.length);
      return oauth.token("gateway", "gw-secret", params);
    }

    @Test
    void exchangeWhenAudienceAllowedThenTokenForItKeepingSubjectAndSid() {
      String subject = login("openid orders:read orders:write").string("access_token");
      Answer a = exchange(subject, "audience", "orders-service");
      assertThat(a.status()).as(a.response().body()).isEqualTo(200);
      assertThat(a.json()).containsEntry("issued_token_type", ACCESS_TOKEN).containsEntry("token_type", "Bearer")
          .doesNotContainKeys("refresh_token", "id_token");
      String token = a.string("access_token");
      assertThat(type(token)).isEqualTo("at+jwt");
      assertThat(claims(token)).containsEntry("aud", "orders-service").containsEntry("sub", "alice")
          .containsEntry("sid", claims(subject).get("sid")).containsEntry("client_id", "gateway")
          .containsEntry("scope", "openid orders:read orders:write")
          .doesNotContainKeys("act", "roles");
    }

    @Test
    void exchangeWhenExchangedTokenThenBearerJwtForThatAudienceAllowsAndTheOriginalDoesNot() {
      Enforcer upstream = Enforcer.builder()
          .clock(clock)
          .bearerJwt(dev.zt.core.credential.BearerJwt.issuer(issuer.issuer()).audience("orders-service").build())
          .routes(RoutePolicy.builder().get("/orders", Requirement.allScopes("orders:read")).build())
          .build();
      String subject = login("orders:read").string("access_token");
      String exchanged = exchange(subject, "audience", "orders-service").string("access_token");
      assertThatDecision(upstream.enforce(TestRequest.get("/orders").bearer(exchanged).build()))
          .isAllowedFor("alice");
      assertThatDecision(upstream.enforce(TestRequest.get("/orders").bearer(subject).build())).isDenied();
    }

    @Test
    void exchangeWhenScopeNarrowedThenNarrowAndWiderRefusedInvalidScope() {
      String subject = login("orders:read orders:write").string("access_token");
      assertThat(claims(exchange(subject, "audience", "orders-service", "scope", "orders:read")
          .string("access_token"))).containsEntry("scope", "orders:read");
      assertThat(exchange(subject, "audience", "orders-service", "scope", "orders:read admin").error())
          .isEqualTo("invalid_scope");
    }

    @Test
    void exchangeWhenAudienceNotAllowedThenInvalidTarget() {
      String subject = login("orders:read").string("access_token");
      Answer a = exchange(subject, "audience", "admin-service");
      assertThat(a.status()).isEqualTo(400);
      assertThat(a.error()).isEqualTo("invalid_target");
      assertThat(exchange(subject, "audience", "orders-service", "audience", "admin-service").error())
          .isEqualTo("invalid_target");
    }

    @Test
    void exchangeWhenAudienceMissingThenInvalidRequest() {
      String subject = login("orders:read").string("access_token");
      assertThat(exchange(subject).error()).isEqualTo("invalid_request");
    }

    @Test
    void exchangeWhenClientNotAllowedThenUnauthorizedClient() {
      String subject = login("orders:read").string("access_token");
      Answer a = oauth.token("bff", "s3cret", "grant_type", EXCHANGE, "subject_token", subject,
          "subject_token_type", ACCESS_TOKEN, "audience", "orders-service");
      assertThat(a.status()).isEqualTo(400);
      assertThat(a.error()).isEqualTo("unauthorized_client");
    }

    @Test
    void exchangeWhenWrongSecretThenInvalidClient() {
      String subject = login("orders:read").string("access_token");
      Answer a = oauth.token("gateway", "nope", "grant_type", EXCHANGE, "subject_token", subject,
          "subject_token_type", ACCESS_TOKEN, "audience", "orders-service");
      assertThat(a.status()).isEqualTo(401);
      assertThat(a.error()).isEqualTo("invalid_client");
    }

    @Test
    void exchangeWhenSubjectExpiredThenInvalidGrant() {
      String subject = login("orders:read").string("access_token");
      clock.advance(Duration.ofMinutes(5));
      assertThat(exchange(subject, "audience", "orders-service").error()).isEqualTo("invalid_grant");
    }

    @Test
    void exchangeWhenSubjectEndsSoonThenExchangedTokenEndsWithIt() {
      String subject = login("orders:read").string("access_token");
      clock.advance(Duration.ofMinutes(4));
      Answer a = exchange(subject, "audience", "orders-service");
      assertThat(a.json()).containsEntry("expires_in", 60L);
      assertThat(claims(a.string("access_token"))).containsEntry("exp", claims(subject).get("exp"));
    }

    @Test
    void exchangeWhenSubjectSessionRevokedThenInvalidGrant() {
      String subject = login("orders:read").string("access_token");
      issuer.revokeSession((String) claims(subject).get("sid"));
      assertThat(exchange(subject, "audience", "orders-service").error()).isEqualTo("invalid_grant");
    }

    @Test
    void exchangeWhenSubjectIsAnIdTokenThenInvalidGrant() {
      String idToken = login("openid orders:read").string("id_token");
      assertThat(exchange(idToken, "audience", "orders-service").error()).isEqualTo("invalid_grant");
    }

    @ParameterizedTest
    @ValueSource(strings = {"foreign-key-same-kid", "other-issuer", "alg-none", "garbage", "retired-key",
        "not-yet-valid"})
    void exchangeWhenSubjectNotThisIssuersValidTokenThenInvalidGrant(String attack) {
      TestKey retired = issuer.signingKey();
      String subject = switch (attack) {
        case "foreign-key-same-kid" -> issuer.token().signedWith(TestKey.rsa().withKeyId(retired.keyId())).build();
        case "other-issuer" -> issuer.token().issuer("https://idp.example").build();
        case "alg-none" -> issuer.token().unsigned().build();
        case "garbage" -> "not.a.jwt";
        case "not-yet-valid" -> issuer.token().notBeforeIn(Duration.ofMinutes(1)).build();
        default -> {
          String t = issuer.token().build();
          issuer.rotate();
          issuer.retire(retired);
          yield t;
        }
      };
      Answer a = exchange(subject, "audience", "orders-service");
      assertThat(a.status()).isEqualTo(400);
      assertThat(a.error()).isEqualTo("invalid_grant");
    }

    @Test
    void exchangeWhenTokenBuilderTokenOfThisIssuerThenExchanged() {
      Answer a = exchange(issuer.token().subject("bob").scope("orders:read").build(), "audience", "billing");
      assertThat(claims(a.string("access_token"))).containsEntry("sub", "bob").containsEntry("aud", "billing");
    }

    @Test
    void exchangeWhenActorTokenThenActNamesTheActor() {
      String subject = login("orders:read").string("access_token");
      String actor = issuer.token().subject("spiffe://zt.test/gateway").build();
      Answer a = exchange(subject, "audience", "orders-service", "actor_token", actor,
          "actor_token_type", ACCESS_TOKEN);
      assertThat(claims(a.string("access_token")))
          .containsEntry("act", Map.of("sub", "spiffe://zt.test/gateway"));
      assertThat(exchange(subject, "audience", "orders-service", "actor_token", actor).error())
          .isEqualTo("invalid_request");
      assertThat(exchange(subject, "audience", "orders-service", "actor_token", "junk",
          "actor_token_type", ACCESS_TOKEN).error()).isEqualTo("invalid_grant");
    }

    @Test
    void exchangeWhenOtherTokenTypesRequestedThenInvalidRequest() {
      String subject = login("orders:read").string("access_token");
      assertThat(exchange(subject, "audience", "orders-service", "requested_token_type",
          "urn:ietf:params:oauth:token-type:refresh_token").error()).isEqualTo("invalid_request");
      Answer saml = oauth.token("gateway", "gw-secret", "grant_type", EXCHANGE, "subject_token", subject,
          "subject_token_type", "urn:ietf:params:oauth:token-type:saml2", "audience", "orders-service");
      assertThat(saml.error()).isEqualTo("invalid_request");
    }

    @Test
    void exchangeWhenCountedThenTokenRequestsNamesTheGrant() {
      String subject = login("orders:read").string("access_token");
      exchange(subject, "audience", "orders-service");
      exchange(subject, "audience", "nope");
      assertThat(issuer.tokenRequests(EXCHANGE)).isEqualTo(2);
    }

    @Test
    void allowExchangeWhenClientUnknownOrPublicThenThrows() {
      assertThatThrownBy(() -> issuer.allowExchange("ghost", "a")).isInstanceOf(IllegalStateException.class);
      assertThatThrownBy(() -> issuer.allowExchange("spa", "a")).isInstanceOf(IllegalArgumentException.class);
    }
  }
}
