package dev.zt.testkit.it.core;

import dev.zt.core.Decision;
import dev.zt.core.DenyReason;
import dev.zt.core.Enforcer;
import dev.zt.core.credential.BearerJwt;
import dev.zt.core.credential.Introspection;

import static dev.zt.testkit.ZtAssertions.assertThatDecision;
import static dev.zt.testkit.ZtAssertions.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.zt.testkit.TestClock;
import dev.zt.testkit.TestRequest;
import io.opentelemetry.api.OpenTelemetry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import okhttp3.mockwebserver.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Introspection (RFC 7662) against an identity provider nobody here wrote: NAV's {@code mock-oauth2-server} serves
 * {@code /{issuer}/introspect} and names it in its discovery document. zt finds the endpoint by discovery, authenticates
 * with {@code client_secret_basic}, introspects the issuer's JWTs after their local verification
 * ({@code introspectJwts}), and asks about a token that is no JWT (the server answers {@code active: false}); with the
 * server stopped, a token seen active is served stale until its {@code exp} and any other is refused 503.
 */
class IntrospectionMockOAuth2ServerTests {

  private static final String ISSUER = "tenant-a";
  private static final String API = "orders-api";

  private MockOAuth2Server server;
  private TestClock clock;
  private Enforcer enforcer;

  @BeforeEach
  void start() {
    server = new MockOAuth2Server();
    server.start();
    clock = TestClock.at(Instant.now());
    enforcer = Enforcer.builder()
        .bearerJwt(BearerJwt.issuer(server.issuerUrl(ISSUER).toString()).audience(API)
            .introspection(Introspection.client("orders-service").clientSecretBasic("secret").introspectJwts()
                .build())
            .build())
        .routes(Fixtures.routes())
        .clock(clock)
        .openTelemetry(OpenTelemetry.noop())
        .build();
  }

  @AfterEach
  void stop() {
    server.shutdown();
  }

  /** A client-credentials access token from the issuer's token endpoint, over HTTP; its subject is the client. */
  private String clientCredentials(String client) throws Exception {
    return MockOAuth2Servers.clientCredentials(server, ISSUER, client, API);
  }

  /** The requests the server received since the last call. */
  private List<RecordedRequest> requestsSinceLastCall() throws InterruptedException {
    return MockOAuth2Servers.requestsSinceLastCall(server);
  }

  private Decision get(String token) {
    return await(enforcer.enforce(TestRequest.get("/orders").bearer(token).build()));
  }

  @Test
  void enforceWhenIssuersJwtThenVerifiedLocallyAndIntrospectedAtTheDiscoveredEndpoint() throws Exception {
    String token = clientCredentials("billing");
    requestsSinceLastCall();

    assertThatDecision(get(token)).isAllowedFor("billing");
    assertThatDecision(get(token)).isAllowedFor("billing");

    List<RecordedRequest> requests = requestsSinceLastCall();
    List<RecordedRequest> introspections = requests.stream()
        .filter(r -> r.getPath().equals("/" + ISSUER + "/introspect")).toList();
    assertThat(introspections).as("one call: the answer is cached").hasSize(1);
    RecordedRequest call = introspections.get(0);
    assertThat(call.getMethod()).isEqualTo("POST");
    assertThat(call.getHeader("Authorization")).startsWith("Basic ");
    assertThat(call.getBody().readUtf8()).contains("token=" + token);
    assertThat(requests).extracting(RecordedRequest::getPath)
        .contains("/" + ISSUER + "/.well-known/openid-configuration");
  }

  @Test
  void enforceWhenTokenIsNoJwtThenIntrospectedAndInactive() throws Exception {
    requestsSinceLastCall();
    Decision d = get("an-opaque-token-the-server-never-issued");
    assertThatDecision(d).isDeniedWith(DenyReason.TOKEN_INACTIVE).hasStatus(401);
    assertThat(requestsSinceLastCall()).extracting(RecordedRequest::getPath).contains("/" + ISSUER + "/introspect");
  }

  @Test
  void enforceWhenServerStoppedThenSeenTokenServedStaleAndUnseenRefused503() throws Exception {
    String seen = clientCredentials("billing");
    String unseen = clientCredentials("reporting");
    assertThatDecision(get(seen)).isAllowed();
    server.shutdown();
    clock.advance(Duration.ofSeconds(31)); // past the cache life: the server must be asked again

    assertThatDecision(get(seen)).isAllowed(); // seen active 31 s ago: stale-if-error
    Decision d = get(unseen);
    assertThatDecision(d).isDeniedWith(DenyReason.INTROSPECTION_UNAVAILABLE).hasStatus(503);
    assertThat(enforcer.respond((Decision.Deny) d).headers()).containsKey("Retry-After");
    clock.advance(Duration.ofMinutes(5)); // past the token's exp (300 s)
    assertThatDecision(get(seen)).isDenied();
  }
}
