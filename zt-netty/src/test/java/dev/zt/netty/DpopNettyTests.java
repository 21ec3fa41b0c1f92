package dev.zt.netty;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zt.core.Enforcer;
import dev.zt.core.credential.Dpop;
import dev.zt.core.policy.Requirement;
import dev.zt.core.policy.RoutePolicy;
import dev.zt.testkit.DpopProof;
import dev.zt.testkit.TestClock;
import dev.zt.testkit.TestIssuer;
import dev.zt.testkit.TestKey;
import dev.zt.testkit.conformance.RawHttp;
import dev.zt.testkit.conformance.ServerHandle;
import io.opentelemetry.api.OpenTelemetry;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * DPoP (RFC 9449) and the RFC 9728 metadata through the Netty handler, with BlockHound watching the event loop: a bound
 * token with its proof passes (the proof of a cached token is checked off the event loop), a replay and a bearer
 * downgrade are 401 with the DPoP challenge, the metadata is the enforcer's answer, and after a nonce rotation the
 * next nonce rides on the application's answer.
 */
@ExtendWith(NoLeaksOrBlocking.class)
class DpopNettyTests {

  static final String ORIGIN = "https://orders.example.com";
  final TestClock clock = TestClock.create();
  final TestKey key = TestKey.ec256();
  TestIssuer issuer;
  ServerHandle server;

  @BeforeEach
  void start() throws Exception {
    issuer = TestIssuer.start(clock);
    Enforcer enforcer = Enforcer.builder()
        .bearerJwt(issuer.bearerJwt().build())
        .routes(RoutePolicy.builder().get("/docs/{**}", Requirement.allScopes("orders:read")).build())
        .publicOrigin(URI.create(ORIGIN))
        .dpop(Dpop.builder().requireNonce().nonceRotation(Duration.ofSeconds(30)).build())
        .clock(clock)
        .openTelemetry(OpenTelemetry.noop())
        .build();
    server = NettyServer.start(enforcer, false, ConformanceApp::new);
  }

  @AfterEach
  void stop() {
    server.close();
    issuer.close();
  }

  RawHttp.Response dpop(String token, DpopProof proof) {
    return new RawHttp(server.port()).get("/docs/a").header("Authorization", "DPoP " + token)
        .header("DPoP", proof.build()).send();
  }

  DpopProof proof(String token) {
    return DpopProof.of(key).clock(clock).request("GET", ORIGIN + "/docs/a").accessToken(token);
  }

  @Test
  void handlerWhenBoundTokenThenNonceAskedThenAllowedAndAfterRotationTheNextNonceOnTheAnswer() {
    String token = issuer.token().dpopBound(key).scope("orders:read").build();

    RawHttp.Response first = dpop(token, proof(token));
    assertThat(first.status()).isEqualTo(401);
    assertThat(first.header("WWW-Authenticate").orElseThrow()).startsWith("DPoP realm=\"zt\", error=\"use_dpop_nonce\"");
    String nonce = first.header("DPoP-Nonce").orElseThrow();

    DpopProof withNonce = proof(token).nonce(nonce);
    String proof = withNonce.build();
    RawHttp.Response allowed = new RawHttp(server.port()).get("/docs/a").header("Authorization", "DPoP " + token)
        .header("DPoP", proof).send();
    assertThat(allowed.status()).isEqualTo(200);
    assertThat(allowed.header("DPoP-Nonce")).isEmpty();
    RawHttp.Response replay = new RawHttp(server.port()).get("/docs/a").header("Authorization", "DPoP " + token)
        .header("DPoP", proof).send();
    assertThat(replay.status()).isEqualTo(401);
    assertThat(replay.header("WWW-Authenticate").orElseThrow()).startsWith("DPoP realm=\"zt\", "
        + "error=\"invalid_dpop_proof\"");

    clock.advance(Duration.ofSeconds(30));
    RawHttp.Response rotated = dpop(token, proof(token).nonce(nonce));
    assertThat(rotated.status()).isEqualTo(200);
    assertThat(rotated.header("DPoP-Nonce")).isPresent().get().isNotEqualTo(nonce);
  }

  @Test
  void handlerWhenBoundTokenSentAsBearerThenRefused() {
    String token = issuer.token().dpopBound(key).scope("orders:read").build();
    RawHttp.Response res = new RawHttp(server.port()).get("/docs/a").header("Authorization", "Bearer " + token).send();
    assertThat(res.status()).isEqualTo(401);
    assertThat(res.header("WWW-Authenticate").orElseThrow()).contains("Bearer realm=\"zt\", error=\"invalid_token\"");
  }

  @Test
  void handlerWhenMetadataRequestedThenTheEnforcersAnswer() {
    RawHttp http = new RawHttp(server.port());
    RawHttp.Response res = http.get("/.well-known/oauth-protected-resource").send();
    assertThat(res.status()).isEqualTo(200);
    assertThat(res.header("Content-Type")).contains("application/json");
    assertThat(res.body()).startsWith("{\"resource\":\"" + ORIGIN + "\"").contains("\"authorization_servers\":[\""
        + issuer.issuer() + "\"]");
    RawHttp.Response head = http.request("HEAD", "/.well-known/oauth-protected-resource").send();
    assertThat(head.status()).isEqualTo(200);
    assertThat(head.body()).isEmpty();
  }
}
