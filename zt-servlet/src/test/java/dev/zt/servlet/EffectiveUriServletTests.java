package dev.zt.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zt.core.Enforcer;
import dev.zt.core.credential.BearerJwt;
import dev.zt.core.policy.Requirement;
import dev.zt.core.policy.RoutePolicy;
import dev.zt.testkit.TestIssuer;
import dev.zt.testkit.conformance.RawHttp;
import dev.zt.testkit.conformance.ServerHandle;
import io.opentelemetry.api.OpenTelemetry;
import java.net.URI;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The filter gives core the connection's scheme; the Host field is read through the headers view (RFC 9449 htu). */
class EffectiveUriServletTests {

  static TestIssuer issuer;
  static ServerHandle jetty;
  static ServerHandle tomcat;
  // read while the request is live: the context's headers read through to the container's request
  static final AtomicReference<Optional<URI>> seen = new AtomicReference<>();
  static final AtomicReference<Optional<String>> scheme = new AtomicReference<>();

  @BeforeAll
  static void start() throws Exception {
    issuer = TestIssuer.start();
    Enforcer enforcer = Enforcer.builder()
        .bearerJwt(issuer.bearerJwt().build())
        .routes(RoutePolicy.builder().get("/docs/{**}", Requirement.permitAll()).build())
        .openTelemetry(OpenTelemetry.noop())
        .auditListener((request, decision, detail) -> {
          seen.set(request.effectiveUri());
          scheme.set(request.scheme());
        })
        .build();
    jetty = JettyConformanceTests.start(enforcer, "/app");
    tomcat = TomcatConformanceTests.start(enforcer, "/app");
  }

  @AfterAll
  static void stop() {
    jetty.close();
    tomcat.close();
    issuer.close();
  }

  @Test
  void filterWhenPlainHttpThenSchemeHttpAndTheEffectiveUriFromHostWithoutTheQuery() {
    for (ServerHandle server : new ServerHandle[] {jetty, tomcat}) {
      seen.set(null);
      RawHttp.Response res = new RawHttp(server.port()).get("/app/docs/a%7e?x=1").header("Host", "API.example.com:8080")
          .send();

      assertThat(res.status()).isEqualTo(200);
      assertThat(scheme.get()).contains("http");
      assertThat(seen.get()).contains(URI.create("http://api.example.com:8080/app/docs/a~"));
    }
  }
}
