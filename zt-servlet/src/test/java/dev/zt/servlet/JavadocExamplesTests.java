package dev.zt.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zt.apicheck.JavadocExamples;
import dev.zt.core.Caller;
import dev.zt.core.authz.Resource;
import dev.zt.core.Enforcer;
import dev.zt.core.credential.BearerJwt;
import dev.zt.core.policy.Requirement;
import dev.zt.core.policy.RoutePolicy;
import dev.zt.testkit.conformance.RawHttp;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.ServletContainerInitializer;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.EnumSet;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.Test;

/**
 * zt-servlet's Javadoc examples, compiled here (the regions between the example markers) and run on an embedded
 * Jetty; {@link JavadocExamples} fails when an example in the main sources is not in one of these regions.
 */
class JavadocExamplesTests {

  private final Enforcer enforcer = Enforcer.builder()
      .bearerJwt(BearerJwt.issuer("https://idp.example.com").audience("orders-api").build())
      .routes(RoutePolicy.builder()
          .get("/orders", Requirement.allScopes("orders:read"))
          .get("/health", Requirement.permitAll())
          .build())
      .build();

  @Test
  void javadocWhenScannedThenEveryExampleIsCompiledHere() {
    JavadocExamples.assertEveryExampleCompiles();
  }

  @Test
  void filterExampleWhenOnJettyThenDeniesWithoutCredentialAndPassesPublicRoute() throws Exception {
    ServletContextHandler context = new ServletContextHandler();
    // example: ZeroTrustFilter
    context.addFilter(new FilterHolder(new ZeroTrustFilter(enforcer)), "/*", EnumSet.of(DispatcherType.REQUEST));
    // end example
    assertAnswers(context);
  }

  @Test
  void packageExampleWhenAddedByAnInitializerThenDeniesWithoutCredentialAndPassesPublicRoute() throws Exception {
    ServletContextHandler context = new ServletContextHandler();
    ServletContainerInitializer initializer = (classes, servletContext) -> {
      // example: servlet package
      servletContext.addFilter("zt", new ZeroTrustFilter(enforcer))
          .addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), false, "/*");
      // end example
    };
    context.addServletContainerInitializer(initializer);
    assertAnswers(context);
  }

  /** Serves {@link Application} behind {@code context}'s filters: 401 for /orders without a token, 200 for /health. */
  private static void assertAnswers(ServletContextHandler context) throws Exception {
    context.addServlet(new ServletHolder(new Application()), "/*");
    Server server = new Server();
    ServerConnector connector = new ServerConnector(server, 1, 1);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    server.setHandler(context);
    server.start();
    try {
      RawHttp http = new RawHttp(connector.getLocalPort());
      RawHttp.Response denied = http.get("/orders").send();
      assertThat(denied.status()).isEqualTo(401);
      assertThat(denied.header("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
      assertThat(denied.body()).doesNotContain("application saw");
      RawHttp.Response allowed = http.get("/health").send();
      assertThat(allowed.status()).isEqualTo(200);
      assertThat(allowed.body()).isEqualTo("application saw anonymous");
    } finally {
      server.stop();
    }
  }

  /** An order of the example. */
  record Order(String owner) {}

  /** Compiled only (run end to end in ObjectAuthorizationServletTests). */
  static void objectCheck(HttpServletRequest req, String id, Order order) {
    // example: ZeroTrustFilter object check
    ZeroTrustFilter.authorization(req).require("read", Resource.of("order", id).with("owner", order.owner()));
    // end example
  }

  /** The application: answers with the caller zt allowed. */
  static final class Application extends HttpServlet {
    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
      // example: servlet application
      Caller caller = (Caller) request.getAttribute(ZeroTrustFilter.CALLER_ATTRIBUTE);
      // end example
      response.getWriter().print("application saw " + (caller.isAuthenticated() ? caller.getName() : "anonymous"));
    }
  }
}
