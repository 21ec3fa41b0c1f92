package dev.zt.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zt.core.Enforcer;
import dev.zt.core.credential.Dpop;
import dev.zt.core.policy.Requirement;
import dev.zt.core.policy.RoutePolicy;
import dev.zt.testkit.DpopProof;
import dev.zt.testkit.TestIssuer;
import dev.zt.testkit.TestKey;
import dev.zt.testkit.conformance.RawHttp;
import dev.zt.testkit.conformance.ServerHandle;
import io.opentelemetry.api.OpenTelemetry;
import java.net.URI;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * DPoP (RFC 9449) and the RFC 9728 metadata through the servlet filter on Jetty and Tomcat: a bound token with its
 * proof reaches the application, a replay and a bearer downgrade are answered 401 with the DPoP challenge, the metadata
 * is the enforcer's own answer, and a server nonce is asked for and then accepted.
 */
class DpopServletTests {

  static final String ORIGIN = "https://orders.example.com";
  static TestIssuer issuer;
  static ServerHandle jetty;
  static ServerHandle tomcat;
  static ServerHandle nonceJetty;
  static final TestKey key = TestKey.ec256();

  @BeforeAll
  static void start() throws Exception {
    issuer = TestIssuer.start();
    jetty = JettyConformanceTests.start(enforcer(false), "/app");
    tomcat = TomcatConformanceTests.start(enforcer(false), "/app");
    nonceJetty = JettyConformanceTests.start(enforcer(true), "/app");
  }

  static Enforcer enforcer(boolean nonce) {
    Enforcer.Builder b = Enforcer.builder()
        .bearerJwt(issuer.bearerJwt().build())
        .routes(RoutePolicy.builder()
            .get("/docs/{**}", Requirement.allScopes("orders:read").and(Requirement.senderConstrained())).build())
        .publicOrigin(URI.create(ORIGIN))
        .openTelemetry(OpenTelemetry.noop());
    if (nonce) {
      b.dpop(Dpop.builder().requireNonce().build());
    }
    return b.build();
  }

  @AfterAll
  static void stop() {
    jetty.close();
    tomcat.close();
    nonceJetty.close();
    issuer.close();
  }

  static RawHttp.Response dpop(ServerHandle server, String token, String proof) {
    return new RawHttp(server.port()).get("/app/docs/a").header("Authorization", "DPoP " + token)
        .header("DPoP", proof).send();
  }

  @Test
  void filterWhenBoundTokenWithItsProofThenApplicationReachedAndReplayRefused() {
    for (ServerHandle server : new ServerHandle[] {jetty, tomcat}) {
      String token = issuer.token().dpopBound(key).scope("orders:read").build();
      String proof = DpopProof.of(key).request("GET", ORIGIN + "/app/docs/a").accessToken(token).build();

      assertThat(dpop(server, token, proof).status()).isEqualTo(200);
      RawHttp.Response replay = dpop(server, token, proof);
      assertThat(replay.status()).isEqualTo(401);
      assertThat(replay.header("WWW-Authenticate").orElseThrow()).startsWith("DPoP realm=\"zt\", "
          + "error=\"invalid_dpop_proof\"");
      RawHttp.Response bearer = new RawHttp(server.port()).get("/app/docs/a").header("Authorization", "Bearer "
          + token).send();
      assertThat(bearer.status()).isEqualTo(401);
      assertThat(bearer.header("WWW-Authenticate").orElseThrow()).isEqualTo("DPoP realm=\"zt\", "
          + "error=\"invalid_token\", error_description=\"The access token is bound to a key this request does not "
          + "prove.\", algs=\"ES256 ES384 RS256 PS256 EdDSA\", resource_metadata=\"" + ORIGIN
          + "/.well-known/oauth-protected-resource\"");
    }
  }

  @Test
  void filterWhenMetadataRequestedThenTheEnforcersAnswer() {
    for (ServerHandle server : new ServerHandle[] {jetty, tomcat}) {
      RawHttp.Response res = new RawHttp(server.port()).get("/app/.well-known/oauth-protected-resource").send();

      assertThat(res.status()).isEqualTo(200);
      assertThat(res.header("Content-Type").orElseThrow()).startsWith("application/json");
      assertThat(res.body()).startsWith("{\"resource\":\"" + ORIGIN + "\"")
          .contains("\"dpop_bound_access_tokens_required\":true");
    }
  }

  @Test
  void filterWhenNonceRequiredThenAskedForThenAccepted() {
    String token = issuer.token().dpopBound(key).scope("orders:read").build();
    RawHttp.Response first = dpop(nonceJetty, token, DpopProof.of(key).request("GET", ORIGIN + "/app/docs/a")
        .accessToken(token).build());
    assertThat(first.status()).isEqualTo(401);
    assertThat(first.header("WWW-Authenticate").orElseThrow()).startsWith("DPoP realm=\"zt\", "
        + "error=\"use_dpop_nonce\"");
    String nonce = first.header("DPoP-Nonce").orElseThrow();

    RawHttp.Response second = dpop(nonceJetty, token, DpopProof.of(key).request("GET", ORIGIN + "/app/docs/a")
        .accessToken(token).nonce(nonce).build());
    assertThat(second.status()).isEqualTo(200);
  }
}
