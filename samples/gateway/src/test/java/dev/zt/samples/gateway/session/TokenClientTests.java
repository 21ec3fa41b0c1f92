package dev.zt.samples.gateway.session;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import dev.zt.testkit.TestClock;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The token client against a stub token endpoint that answers whatever the test says, as a faulty issuer would. */
class TokenClientTests {

  private final TestClock clock = TestClock.create();
  private final HttpServer server;
  private final String issuer;
  private final List<String> bodies = new CopyOnWriteArrayList<>();
  private final List<String> authorizations = new CopyOnWriteArrayList<>();
  private final CountDownLatch release = new CountDownLatch(1);
  private volatile int status = 200;
  private volatile String answer = "{}";
  private volatile boolean silent;

  TokenClientTests() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
    issuer = "http://127.0.0.1:" + server.getAddress().getPort();
    server.createContext("/token", ex -> {
      bodies.add(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
      authorizations.add(String.valueOf(ex.getRequestHeaders().getFirst("Authorization")));
      if (silent) {
        try {
          release.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      byte[] b = answer.getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().set("Content-Type", "application/json");
      ex.sendResponseHeaders(status, b.length);
      try (OutputStream out = ex.getResponseBody()) {
        out.write(b);
      }
    });
    server.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(2));
    server.start();
  }

  @AfterEach
  void stop() {
    release.countDown();
    server.stop(0);
  }

  private TokenClient client(String secret) {
    Map<String, String> env = new java.util.HashMap<>(Map.of("ZT_ISSUER", issuer,
        "GATEWAY_SESSION_CLIENT_ID", "web:app", "GATEWAY_PUBLIC_URL", "https://shop.example"));
    if (secret != null) {
      env.put("GATEWAY_SESSION_CLIENT_SECRET", secret);
    }
    SessionSettings settings = SessionSettings.fromEnvironment(env, 8080).orElseThrow();
    IssuerEndpoints endpoints = new IssuerEndpoints(URI.create(issuer), URI.create(issuer + "/authorize"),
        URI.create(issuer + "/token"), true);
    return new TokenClient(endpoints, settings, HttpClient.newHttpClient(), Duration.ofMillis(500), clock);
  }

  private static String idToken(String iss, String aud, String nonce) throws Exception {
    ECKey key = new ECKeyGenerator(Curve.P_256).generate();
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).type(JOSEObjectType.JWT).build(),
        new JWTClaimsSet.Builder().issuer(iss).audience(aud).subject("alice").claim("nonce", nonce)
            .expirationTime(new Date(System.currentTimeMillis() + 60_000)).build());
    jwt.sign(new ECDSASigner(key));
    return jwt.serialize();
  }

  private void answerTokens(String idToken) {
    answer = "{\"access_token\":\"at\",\"token_type\":\"Bearer\",\"expires_in\":300,\"refresh_token\":\"rt\""
        + (idToken == null ? "" : ",\"id_token\":\"" + idToken + "\"") + "}";
  }

  @Test
  void redeemWhenIdTokenMatchesThenIssuedWithExpiryFromRequestTime() throws Exception {
    answerTokens(idToken(issuer, "web:app", "n-1"));
    TokenResult r = client("s").redeem("code-1", "verifier-1", "n-1");
    assertThat(r).isInstanceOfSatisfying(TokenResult.Issued.class, i -> {
      assertThat(i.tokens().accessExpiresAt()).isEqualTo(clock.instant().plusSeconds(300));
      assertThat(i.tokens().refreshToken()).contains("rt");
      assertThat(i.tokens().toString()).doesNotContain("at\"").doesNotContain("rt");
    });
    assertThat(bodies.get(0)).contains("grant_type=authorization_code", "code=code-1", "code_verifier=verifier-1",
        "redirect_uri=https%3A%2F%2Fshop.example%2Fcallback").doesNotContain("client_id");
  }

  @Test
  void redeemWhenIdTokenNonceOrAudienceOrIssuerWrongThenRefused() throws Exception {
    TokenClient client = client("s");
    answerTokens(idToken(issuer, "web:app", "someone else's"));
    assertThat(client.redeem("c", "v", "n-1")).isEqualTo(new TokenResult.Refused("id_token_nonce"));
    answerTokens(idToken(issuer, "other-client", "n-1"));
    assertThat(client.redeem("c", "v", "n-1")).isEqualTo(new TokenResult.Refused("id_token_audience"));
    answerTokens(idToken("https://evil.example", "web:app", "n-1"));
    assertThat(client.redeem("c", "v", "n-1")).isEqualTo(new TokenResult.Refused("id_token_issuer"));
    answerTokens(new PlainJWT(new JWTClaimsSet.Builder().issuer(issuer).audience("web:app").claim("nonce", "n-1")
        .build()).serialize());
    assertThat(client.redeem("c", "v", "n-1")).isEqualTo(new TokenResult.Refused("id_token_unsigned"));
  }

  @Test
  void redeemWhenOpenidScopeAndNoIdTokenThenRefused() {
    answerTokens(null);
    assertThat(client("s").redeem("c", "v", "n-1")).isEqualTo(new TokenResult.Refused("id_token_missing"));
  }

  @Test
  void refreshWhenNoIdTokenThenIssued() {
    answerTokens(null);
    assertThat(client("s").refresh("r")).isInstanceOf(TokenResult.Issued.class);
  }

  @Test
  void refreshWhenConfidentialThenBasicAuthWithFormEncodedIdAndSecret() {
    answerTokens(null);
    client("p@ss:word").refresh("rt-0");
    String expected = Base64.getEncoder().encodeToString("web%3Aapp:p%40ss%3Aword".getBytes(StandardCharsets.UTF_8));
    assertThat(authorizations).containsExactly("Basic " + expected);
    assertThat(bodies.get(0)).isEqualTo("grant_type=refresh_token&refresh_token=rt-0");
  }

  @Test
  void refreshWhenPublicClientThenClientIdInBodyAndNoAuthorization() {
    answerTokens(null);
    client(null).refresh("rt-0");
    assertThat(authorizations).containsExactly("null");
    assertThat(bodies.get(0)).isEqualTo("grant_type=refresh_token&refresh_token=rt-0&client_id=web%3Aapp");
  }

  @Test
  void refreshWhenErrorAnswersThenRefusedWithTheirCodeOrUnavailable() {
    TokenClient client = client("s");
    status = 400;
    answer = "{\"error\":\"invalid_grant\"}";
    assertThat(client.refresh("r")).isEqualTo(new TokenResult.Refused("invalid_grant"));
    status = 401;
    answer = "{\"error\":\"invalid_client\"}";
    assertThat(client.refresh("r")).isEqualTo(new TokenResult.Refused("invalid_client"));
    status = 400;
    answer = "{\"error\":\"bad\\\"quote\"}";
    assertThat(client.refresh("r")).isEqualTo(new TokenResult.Refused("status_400"));
    for (int s : List.of(500, 502, 503, 429)) {
      status = s;
      answer = "{\"error\":\"temporarily_unavailable\"}";
      assertThat(client.refresh("r")).as("status %d", s).isInstanceOf(TokenResult.Unavailable.class);
    }
  }

  @Test
  void refreshWhenSuccessMalformedThenUnavailable() {
    TokenClient client = client("s");
    for (String bad : List.of("not json", "{\"token_type\":\"Bearer\",\"expires_in\":60}",
        "{\"access_token\":\"at\",\"token_type\":\"DPoP\",\"expires_in\":60}",
        "{\"access_token\":\"at\",\"expires_in\":60}",
        "{\"access_token\":\"opaque\",\"token_type\":\"Bearer\"}",
        "{\"access_token\":\"at\",\"token_type\":\"Bearer\",\"expires_in\":0}",
        "{\"access_token\":\"at\",\"token_type\":\"Bearer\",\"expires_in\":60,\"pad\":\""
            + "x".repeat(IssuerEndpoints.MAX_BODY) + "\"}")) {
      answer = bad;
      assertThat(client.refresh("r")).as(bad.length() > 100 ? "oversized" : bad)
          .isInstanceOf(TokenResult.Unavailable.class);
    }
  }

  @Test
  void refreshWhenNoExpiresInButJwtAccessTokenThenItsExpCounts() throws Exception {
    String jwt = idToken(issuer, "api", "x");
    answer = "{\"access_token\":\"" + jwt + "\",\"token_type\":\"bearer\"}";
    TokenResult r = client("s").refresh("r");
    assertThat(r).isInstanceOf(TokenResult.Issued.class);
    assertThat(((TokenResult.Issued) r).tokens().refreshToken()).isEmpty();
  }

  @Test
  void refreshWhenEndpointSilentThenUnavailableAtDeadline() {
    silent = true;
    assertThat(client("s").refresh("r")).isInstanceOfSatisfying(TokenResult.Unavailable.class,
        u -> assertThat(u.why()).contains("500 ms"));
  }

  @Test
  void refreshWhenEndpointUnreachableThenUnavailable() {
    TokenClient client = client("s");
    server.stop(0);
    assertThat(client.refresh("r")).isInstanceOf(TokenResult.Unavailable.class);
  }
}
