package dev.zt.testkit.it.core;

import static dev.zt.testkit.ZtAssertions.assertThatDecision;
import static dev.zt.testkit.ZtAssertions.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.zt.core.DenyReason;
import dev.zt.core.Enforcer;
import dev.zt.core.credential.BearerJwt;
import dev.zt.testkit.DpopProof;
import dev.zt.testkit.TestKey;
import dev.zt.testkit.TestRequest;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.SignedJWT;
import io.opentelemetry.api.OpenTelemetry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * DPoP-bound tokens signed by a real, independent OIDC server (NAV's mock-oauth2-server, keys by discovery over HTTP).
 * That server does not implement RFC 9449 itself (no proof at its token endpoint, no {@code token_type: DPoP}): its
 * token callback writes the {@code cnf.jkt} of the client's key, as a DPoP-aware server would after checking the
 * client's proof. The interop that matters on the resource side holds: its token, the client's proof, zt's checks.
 */
class DpopMockOAuth2ServerTests {

  private static final String ISSUER_ID = "default";
  private static final String ORIGIN = "https://orders.example.com";
  private static final TestKey CLIENT_KEY = TestKey.ec256();
  private static MockOAuth2Server server;
  private static String boundToken;
  private static Enforcer enforcer;

  @BeforeAll
  static void start() throws Exception {
    server = new MockOAuth2Server();
    server.start();
    server.enqueueCallback(new DefaultOAuth2TokenCallback(ISSUER_ID, "reporting-job", "JWT", List.of("orders-api"),
        Map.of("scope", "orders:read", "cnf", Map.of("jkt", CLIENT_KEY.thumbprint())), 300));
    HttpResponse<String> t = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        server.tokenEndpointUrl(ISSUER_ID).uri()).timeout(Duration.ofSeconds(10))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials&scope=orders%3Aread"
            + "&client_id=reporting&client_secret=secret")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(t.statusCode()).isEqualTo(200);
    boundToken = (String) JSONObjectUtils.parse(t.body()).get("access_token");
    enforcer = Enforcer.builder()
        .bearerJwt(BearerJwt.issuer(server.issuerUrl(ISSUER_ID).toString()).audience("orders-api").build())
        .routes(Fixtures.routes())
        .publicOrigin(URI.create(ORIGIN))
        .openTelemetry(OpenTelemetry.noop())
        .build();
  }

  @AfterAll
  static void stop() {
    server.shutdown();
  }

  @Test
  void enforceWhenRealIdpsBoundTokenWithTheClientsProofThenAllowedAndAsBearerRefused() throws Exception {
    assertThat(SignedJWT.parse(boundToken).getJWTClaimsSet().getJSONObjectClaim("cnf"))
        .containsEntry("jkt", CLIENT_KEY.thumbprint());
    String proof = DpopProof.of(CLIENT_KEY).request("GET", ORIGIN + "/orders").accessToken(boundToken).build();

    assertThatDecision(await(enforcer.enforce(TestRequest.get("/orders").dpop(boundToken, proof).build())))
        .isAllowedFor("reporting");
    assertThatDecision(await(enforcer.enforce(TestRequest.get("/orders").bearer(boundToken).build())))
        .isDeniedWith(DenyReason.TOKEN_BINDING_UNVERIFIED);
    String otherKeysProof = DpopProof.of(TestKey.ec256()).request("GET", ORIGIN + "/orders").accessToken(boundToken)
        .build();
    assertThatDecision(await(enforcer.enforce(TestRequest.get("/orders").dpop(boundToken, otherKeysProof).build())))
        .isDeniedWith(DenyReason.DPOP_PROOF_INVALID);
  }
}
