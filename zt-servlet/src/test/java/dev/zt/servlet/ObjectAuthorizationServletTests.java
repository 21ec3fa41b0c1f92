package dev.zt.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zt.core.Enforcer;
import dev.zt.core.authz.Condition;
import dev.zt.core.authz.ObjectPolicy;
import dev.zt.core.authz.PdpBinding;
import dev.zt.core.authz.PdpDecision;
import dev.zt.core.authz.PdpInput;
import dev.zt.core.authz.PolicyDecisionPoint;
import dev.zt.core.authz.Resource;
import dev.zt.core.policy.Requirement;
import dev.zt.core.policy.RoutePolicy;
import dev.zt.testkit.TestIssuer;
import dev.zt.testkit.conformance.RawHttp;
import dev.zt.testkit.conformance.ServerHandle;
import io.opentelemetry.api.OpenTelemetry;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The one-liner on the servlet filter, end to end on Jetty and Tomcat: the owner 200, anyone else 403 problem+json
 * (no scope challenge), an admin 200, and a PDP that is down 503 with {@code Retry-After}.
 */
class ObjectAuthorizationServletTests {

  static final Map<String, String> OWNERS = Map.of("42", "alice");
  static TestIssuer issuer;
  static ServerHandle jetty;
  static ServerHandle tomcat;
  static ServerHandle pdpDown;

  /** The application: one line of zt per handler. */
  static final class OrderServlet extends HttpServlet {
    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse res) throws IOException, ServletException {
      String id = req.getPathInfo().substring(1);
      String owner = OWNERS.get(id);
      if (owner == null) {
        res.sendError(404);
        return;
      }
      if (req.getParameter("wrapped") != null) {
        try {
          ZeroTrustFilter.authorization(req).require("read", Resource.of("order", id).with("owner", owner));
        } catch (RuntimeException e) {
          throw new ServletException("wrapped by a framework", e);
        }
      } else {
        ZeroTrustFilter.authorization(req).require("read", Resource.of("order", id).with("owner", owner));
      }
      res.setContentType("application/json");
      res.getWriter().write("{\"id\":\"" + id + "\",\"owner\":\"" + owner + "\"}");
    }
  }

  static Enforcer enforcer(boolean withDownPdp) {
    Enforcer.Builder b = Enforcer.builder()
        .bearerJwt(issuer.bearerJwt().build())
        .routes(RoutePolicy.builder().get("/orders/{id}", Requirement.allScopes("orders:read")).build())
        .objects(ObjectPolicy.builder()
            .permit("owner-reads", "order", Set.of("read"), Condition.owner("owner"))
            .permit("admin-reads", "order", Set.of("read"), Condition.anyRole("admin"))
            .build())
        .openTelemetry(OpenTelemetry.noop());
    if (withDownPdp) {
      b.pdp(PdpBinding.to(new PolicyDecisionPoint() {
        @Override
        public CompletionStage<PdpDecision> decide(PdpInput input) {
          return CompletableFuture.completedFuture(new PdpDecision.Unavailable("connection refused",
              Duration.ofSeconds(2)));
        }

        @Override
        public String name() {
          return "down";
        }
      }).resourceTypes("order").actions("read").build());
    }
    return b.build();
  }

  @BeforeAll
  static void start() throws Exception {
    issuer = TestIssuer.start();
    List<Containers.Mapped> app = List.of(new Containers.Mapped("orders", List.of("/orders/*"), new OrderServlet()));
    jetty = Containers.jetty(enforcer(false), "", app);
    tomcat = Containers.tomcat(enforcer(false), "", app);
    pdpDown = Containers.jetty(enforcer(true), "", app);
  }

  @AfterAll
  static void stop() {
    jetty.close();
    tomcat.close();
    pdpDown.close();
    issuer.close();
  }

  private static RawHttp.Response get(ServerHandle server, String target, String token) {
    return new RawHttp(server.port()).get(target).header("Authorization", "Bearer " + token).send();
  }

  private static String token(String sub, String... roles) {
    return issuer.token().subject(sub).scope("orders:read").roles(roles).build();
  }

  @Test
  void requireWhenCallerOwnsTheOrderThen200() {
    for (ServerHandle server : new ServerHandle[] {jetty, tomcat}) {
      RawHttp.Response res = get(server, "/orders/42", token("alice"));
      assertThat(res.status()).isEqualTo(200);
      assertThat(res.body()).contains("\"owner\":\"alice\"");
    }
  }

  @Test
  void requireWhenAnotherCallerAsksThen403ProblemJsonWithoutScopeChallenge() {
    for (ServerHandle server : new ServerHandle[] {jetty, tomcat}) {
      for (String target : new String[] {"/orders/42", "/orders/42?wrapped=1"}) {
        RawHttp.Response res = get(server, target, token("mallory"));
        assertThat(res.status()).as(target).isEqualTo(403);
        assertThat(res.header("Content-Type")).contains("application/problem+json");
        assertThat(res.headers("WWW-Authenticate")).isEmpty();
        assertThat(res.body()).contains("\"status\":403").doesNotContain("scope").doesNotContain("alice");
      }
    }
  }

  @Test
  void requireWhenCallerIsAdminThen200() {
    for (ServerHandle server : new ServerHandle[] {jetty, tomcat}) {
      assertThat(get(server, "/orders/42", token("root", "admin")).status()).isEqualTo(200);
    }
  }

  @Test
  void requireWhenPdpIsDownThen503WithRetryAfter() {
    RawHttp.Response res = get(pdpDown, "/orders/42", token("alice"));
    assertThat(res.status()).isEqualTo(503);
    assertThat(res.header("Retry-After")).contains("2");
    assertThat(res.body()).contains("policy-unavailable");
    assertThat(get(pdpDown, "/orders/42", token("mallory")).status()).isEqualTo(403); // object deny first
  }

  @Test
  void requireWhenOrderIsUnknownThenTheApplicationsOwn404() {
    assertThat(get(jetty, "/orders/7", token("alice")).status()).isEqualTo(404);
  }
}
