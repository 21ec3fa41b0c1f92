package dev.zt.testkit;

import static dev.zt.testkit.ZtAssertions.assertThatDecision;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.zt.apicheck.JavadocExamples;
import dev.zt.core.Caller;
import dev.zt.core.DenyReason;
import dev.zt.core.Enforcer;
import dev.zt.core.RequestContext;
import dev.zt.core.authz.OpaClient;
import dev.zt.core.authz.PdpDecision;
import dev.zt.core.authz.PdpInput;
import dev.zt.core.credential.BearerJwt;
import dev.zt.core.policy.Requirement;
import dev.zt.core.policy.RoutePolicy;
import dev.zt.policy.InvalidPolicyException;
import dev.zt.spiffe.SpiffePeerVerifier;
import dev.zt.spiffe.TrustBundleSet;
import dev.zt.testkit.conformance.AdapterConformanceSuite;
import dev.zt.testkit.conformance.RawHttp;
import dev.zt.testkit.conformance.ServerHandle;
import dev.zt.testkit.pdp.FakeOpa;
import dev.zt.testkit.policy.PolicyTestFactory;
import dev.zt.testkit.spiffe.TestSvid;
import dev.zt.testkit.spiffe.TestTrustDomain;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * zt-testkit's Javadoc examples, compiled here (the regions between the example markers) and run, all but the
 * conformance suite's (which would run the whole suite against a stand-in server); {@link JavadocExamples} fails
 * when an example in the main sources is not in one of these regions.
 */
class JavadocExamplesTests {

  private static final RoutePolicy ROUTES =
      RoutePolicy.builder().get("/orders", Requirement.allScopes("orders:read")).build();

  @Test
  void javadocWhenScannedThenEveryExampleIsCompiledHere() {
    JavadocExamples.assertEveryExampleCompiles();
  }

  @Test
  void packageExampleWhenScopeMissingThenDeniedNamingIt() {
    // example: testkit package
    try (TestIssuer issuer = TestIssuer.start()) {
      Enforcer enforcer = Enforcer.builder()
          .bearerJwt(issuer.bearerJwt().build())
          .routes(RoutePolicy.builder().get("/orders", Requirement.allScopes("orders:read")).build())
          .build();
      String token = issuer.token().scope("orders:write").build();
      assertThatDecision(enforcer.enforce(TestRequest.get("/orders").bearer(token).build()))
          .isDeniedWith(DenyReason.INSUFFICIENT_SCOPE).requiringScopes("orders:read").hasStatus(403);
    }
    // end example
  }

  @Test
  void fakeOpaExampleWhenCallerOwnsTheOrderThenAllowed() {
    // example: FakeOpa
    FakeOpa opa = FakeOpa.start().allowWhen(in -> in.get("caller.sub").equals(in.get("resource.owner")));
    OpaClient client = OpaClient.builder(opa.baseUri()).path("orders/allow").build();
    PdpDecision decision = client.decide(PdpInput.of(Map.of("caller", Map.of("sub", "alice"),
        "resource", Map.of("type", "order", "id", "42", "owner", "alice")))).toCompletableFuture().join();
    opa.close();
    // end example
    assertThat(decision.allowed()).isTrue();
  }

  @Test
  void testIssuerExampleWhenTokenHasTheScopeThenAllowed() {
    RoutePolicy routes = ROUTES;
    // example: TestIssuer
    try (TestIssuer issuer = TestIssuer.start()) {
      Enforcer enforcer = Enforcer.builder().bearerJwt(issuer.bearerJwt().build()).routes(routes).build();
      String token = issuer.token().scope("orders:read").build();
      assertThatDecision(enforcer.enforce(TestRequest.get("/orders").bearer(token).build())).isAllowed();
    }
    // end example
  }

  @Test
  void assertionAndRequestExamplesWhenTokenExpiredThenDenied() {
    TestClock clock = TestClock.create();
    try (TestIssuer issuer = TestIssuer.start(clock)) {
      Enforcer enforcer = Enforcer.builder().bearerJwt(issuer.bearerJwt().build()).routes(ROUTES).clock(clock).build();
      String token = issuer.token().scope("orders:read").build();
      // example: TestRequest
      enforcer.enforce(TestRequest.get("/orders").bearer(token).build());
      // end example
      clock.advance(Duration.ofHours(2));
      RequestContext request = TestRequest.get("/orders").bearer(token).build();
      // example: ZtAssertions
      assertThatDecision(enforcer.enforce(request)).isDeniedWith(DenyReason.TOKEN_EXPIRED).hasStatus(401);
      // end example
    }
  }

  @Test
  void dpopProofExampleWhenBoundTokenAndItsProofThenAllowed() {
    try (TestIssuer issuer = TestIssuer.start()) {
      Enforcer enforcer = Enforcer.builder().bearerJwt(issuer.bearerJwt().build()).routes(ROUTES)
          .publicOrigin(java.net.URI.create("https://orders.example.com")).build();
      // example: DpopProof
      TestKey clientKey = TestKey.ec256();
      String token = issuer.token().dpopBound(clientKey).build();
      String proof = DpopProof.of(clientKey).request("GET", "https://orders.example.com/orders")
          .accessToken(token).build();
      // end example
      String scoped = issuer.token().dpopBound(clientKey).scope("orders:read").build();
      String scopedProof = DpopProof.of(clientKey).request("GET", "https://orders.example.com/orders")
          .accessToken(scoped).build();
      assertThatDecision(enforcer.enforce(TestRequest.get("/orders").dpop(scoped, scopedProof).build())).isAllowed();
      assertThatDecision(enforcer.enforce(TestRequest.get("/orders").dpop(token, proof).build()))
          .isDeniedWith(DenyReason.INSUFFICIENT_SCOPE);
    }
  }

  @Test
  void testCallersExampleWhenBuiltThenHasTheScope() {
    // example: TestCallers
    Caller alice = TestCallers.user("alice").scopes("orders:read").roles("buyer").build();
    assertThat(alice.hasScope("orders:read")).isTrue();
    // end example
    assertThat(alice.hasRole("buyer")).isTrue();
  }

  // example: ZtExtension
  @Nested
  @ExtendWith(ZtExtension.class)
  class OrdersSecurityTests {
    @Test
    void getOrdersWhenTokenExpiredThenDenied(TestIssuer issuer, TestClock clock) {
      Enforcer enforcer = Enforcer.builder()
          .bearerJwt(issuer.bearerJwt().build())
          .routes(RoutePolicy.builder().get("/orders", Requirement.allScopes("orders:read")).build())
          .clock(clock)
          .build();
      String token = issuer.token().scope("orders:read").expiresIn(Duration.ofMinutes(-5)).build();
      assertThatDecision(enforcer.enforce(TestRequest.get("/orders").bearer(token).build()))
          .isDeniedWith(DenyReason.TOKEN_EXPIRED);
    }
  }
  // end example

  @Test
  void rawHttpExampleWhenPathHasEncodedDotSegmentsThenSentAsWritten() throws Exception {
    CompletableFuture<String> seen = new CompletableFuture<>();
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", exchange -> {
      seen.complete(exchange.getRequestURI().getRawPath() + " " + exchange.getRequestHeaders().getFirst("Authorization"));
      exchange.sendResponseHeaders(404, -1);
      exchange.close();
    });
    server.start();
    try {
      int port = server.getAddress().getPort();
      String token = "t0ken";
      // example: RawHttp
      RawHttp http = new RawHttp(port);
      RawHttp.Response r = http.get("/docs/%2e%2e/admin").header("Authorization", "Bearer " + token).send();
      // end example
      assertThat(r.status()).isEqualTo(404);
      assertThat(seen.get(5, TimeUnit.SECONDS)).isEqualTo("/docs/%2e%2e/admin Bearer t0ken");
    } finally {
      server.stop(0);
    }
  }

  @Test
  void spiffePackageExampleWhenPeerPresentsTheSvidThenAllowed() {
    BearerJwt tokens = BearerJwt.issuer("https://idp.example.com").audience("orders-api").build();
    Clock clock = Clock.systemUTC();
    // example: testkit spiffe package
    TestTrustDomain domain = TestTrustDomain.create("example.org");
    TestSvid checkout = domain.issueX509Svid("/ns/shop/sa/checkout");
    Enforcer enforcer = Enforcer.builder()
        .bearerJwt(tokens)
        .peerVerifier(SpiffePeerVerifier.of(TrustBundleSet.of(domain.bundle().trustBundle()), clock))
        .routes(RoutePolicy.builder()
            .get("/inventory", Requirement.workload("spiffe://example.org/ns/shop/sa/checkout"))
            .build())
        .build();
    assertThatDecision(enforcer.enforce(TestRequest.get("/inventory").peerCertificates(checkout.chain()).build()))
        .isAllowed();
    // end example
    TestSvid other = TestTrustDomain.create("example.org").issueX509Svid("/ns/shop/sa/checkout");
    assertThatDecision(enforcer.enforce(TestRequest.get("/inventory").peerCertificates(other.chain()).build()))
        .isDeniedWith(DenyReason.PEER_REJECTED);
  }

  /** The PolicyTestFactory example, as a user's test class holds it (compiled only: there is no zt-policy.yaml here). */
  static final class UsersPolicyTests {
    // example: PolicyTestFactory
    @TestFactory
    Stream<DynamicNode> policy() throws InvalidPolicyException {
      return PolicyTestFactory.forFile(Path.of("zt-policy.yaml"))
          .env(Map.of("ZT_AUDIENCE", "orders-api")) // the file's other ${NAME} variables
          .build().tests();
    }
    // end example
  }

  /**
   * Compiled only: a subclass of the suite is a test class, and this stand-in server has no adapter. Not
   * {@code @Nested}, so JUnit does not run it.
   */
  // example: AdapterConformanceSuite
  class MyAdapterConformanceTests extends AdapterConformanceSuite {
    @Override
    protected ServerHandle start(Enforcer enforcer) throws Exception {
      MyServer server = MyServer.start(enforcer); // yours: the adapter in front of a handler per Handler constant
      return new ServerHandle(server.port(), server::stop);
    }
  }
  // end example

  /** Stands in for an adapter author's server in the conformance suite's example. */
  record MyServer(int port) {
    static MyServer start(Enforcer enforcer) {
      return new MyServer(8080);
    }

    void stop() {
    }
  }
}
