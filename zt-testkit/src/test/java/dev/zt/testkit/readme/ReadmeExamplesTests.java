package dev.zt.testkit.readme;

import static dev.zt.testkit.ZtAssertions.assertThatDecision;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.zt.core.Decision;
import dev.zt.core.DenyReason;
import dev.zt.core.Enforcer;
import dev.zt.core.policy.Requirement;
import dev.zt.core.policy.RoutePolicy;
import dev.zt.testkit.TestIssuer;
import dev.zt.testkit.TestRequest;
import dev.zt.testkit.ZtAssertions;
import dev.zt.testkit.ZtExtension;
import dev.zt.testkit.conformance.RawHttp;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The deny tests of zt-testkit/README.md, compiled and run: keep the two in step. */
class ReadmeExamplesTests {

  /** What the README calls the service's own enforcer: built from the issuer's address and audience. */
  static Enforcer myServiceEnforcer(String issuer, String audience) {
    return Enforcer.builder()
        .bearerJwt(dev.zt.core.credential.BearerJwt.issuer(issuer).audience(audience).build())
        .routes(RoutePolicy.builder().get("/orders", Requirement.allScopes("orders:read")).build())
        .build();
  }

  @Nested
  @ExtendWith(ZtExtension.class)
  class JUnitAloneTests {
    @Test
    void getOrdersWhenScopeMissingThenDenied(TestIssuer issuer) {
      Enforcer enforcer = myServiceEnforcer(issuer.issuer(), issuer.audience());
      String token = issuer.token().scope("profile").build();
      assertThatDecision(enforcer.enforce(TestRequest.get("/orders").bearer(token).build()))
          .isDeniedWith(DenyReason.INSUFFICIENT_SCOPE).hasStatus(403);
    }
  }

  /** A stand-in for the user's service on a real port: answers zt's status, or 200. */
  static HttpServer startMyService(String issuer, String audience) throws Exception {
    Enforcer enforcer = myServiceEnforcer(issuer, audience);
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", ex -> {
      TestRequest request = TestRequest.get(ex.getRequestURI().getRawPath());
      String authorization = ex.getRequestHeaders().getFirst("Authorization");
      if (authorization != null) {
        request.header("Authorization", authorization);
      }
      Decision d = ZtAssertions.await(enforcer.enforce(request.build()));
      ex.sendResponseHeaders(d instanceof Decision.Deny deny ? deny.status() : 200, -1);
      ex.close();
    });
    server.start();
    return server;
  }

  @Nested
  @ExtendWith(ZtExtension.class)
  class RealPortTests {
    static HttpServer service;

    @BeforeAll
    static void start(TestIssuer issuer) throws Exception {
      service = startMyService(issuer.issuer(), issuer.audience());
    }

    @AfterAll
    static void stop() {
      service.stop(0);
    }

    @Test
    void getOrdersWhenScopeMissingThenForbidden(TestIssuer issuer) {
      String token = issuer.token().scope("profile").build();
      RawHttp.Response r = new RawHttp(service.getAddress().getPort()).get("/orders")
          .header("Authorization", "Bearer " + token).send();
      assertThat(r.status()).isEqualTo(403);
    }

    @Test
    void getOrdersWhenScopeGrantedThenOk(TestIssuer issuer) {
      String token = issuer.token().scope("orders:read").build();
      RawHttp.Response r = new RawHttp(service.getAddress().getPort()).get("/orders")
          .header("Authorization", "Bearer " + token).send();
      assertThat(r.status()).isEqualTo(200);
    }
  }
}
