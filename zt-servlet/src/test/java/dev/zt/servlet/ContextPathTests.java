package dev.zt.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zt.core.credential.BearerJwt;
import dev.zt.core.Enforcer;
import dev.zt.core.policy.Requirement;
import dev.zt.core.policy.RoutePolicy;
import dev.zt.testkit.TestIssuer;
import dev.zt.testkit.conformance.RawHttp;
import dev.zt.testkit.conformance.ServerHandle;
import io.opentelemetry.api.OpenTelemetry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An application mounted at {@code /app}: routes are written relative to it, the whole raw URI is normalized once
 * and the context path stripped afterwards, so spellings of the mount point the container accepts reach the right
 * rule and nothing is decoded twice.
 */
class ContextPathTests {

  static TestIssuer issuer;
  static ServerHandle jetty;
  static ServerHandle tomcat;
  static String reader;

  @BeforeAll
  static void start() throws Exception {
    issuer = TestIssuer.start();
    Enforcer enforcer = Enforcer.builder()
        .bearerJwt(issuer.bearerJwt().build())
        .routes(RoutePolicy.builder()
            .get("/orders", Requirement.allScopes("orders:read"))
            .get("/admin/stats", Requirement.allRoles("admin"))
            .get("/docs/{**}", Requirement.permitAll())
            .build())
        .openTelemetry(OpenTelemetry.noop())
        .build();
    jetty = JettyConformanceTests.start(enforcer, "/app");
    tomcat = TomcatConformanceTests.start(enforcer, "/app");
    reader = issuer.token().scope("orders:read").build();
  }

  @AfterAll
  static void stop() {
    jetty.close();
    tomcat.close();
    issuer.close();
  }

  private static RawHttp.Response get(ServerHandle server, String target) {
    return new RawHttp(server.port()).get(target).header("Authorization", "Bearer " + reader).send();
  }

  @Test
  void filterWhenMountedAtAContextPathThenMatchesRoutesRelativeToIt() {
    for (ServerHandle server : new ServerHandle[] {jetty, tomcat}) {
      RawHttp.Response orders = get(server, "/app/orders");
      assertThat(orders.status()).isEqualTo(200);
      assertThat(orders.body()).contains("handler=orders");
      assertThat(get(server, "/app/admin/stats").status()).isEqualTo(403);
    }
  }

  @Test
  void filterWhenTheMountPointIsSpelledOddlyThenNeverReachesAnotherHandler() {
    String[] tricks = {"/app;x=1/orders", "/%61pp/orders", "//app/orders", "/app/..;/app/admin/stats",
        "/app/docs/..;/admin/stats", "/app/docs/%2e%2e/admin/stats", "/app/docs/%252e%252e/admin/stats",
        "/app/x/../admin/stats", "/app/./orders"};
    for (ServerHandle server : new ServerHandle[] {jetty, tomcat}) {
      for (String trick : tricks) {
        RawHttp.Response res = get(server, trick);
        if (res.status() / 100 == 2) {
          assertThat(res.body()).as(trick).containsAnyOf("handler=orders", "handler=docs");
        } else {
          assertThat(res.status()).as(trick).isBetween(400, 499);
        }
        assertThat(res.body()).as(trick).doesNotContain("handler=admin");
      }
    }
  }

  @Test
  void filterWhenOddButEquivalentMountSpellingThenAllowsTheRealRoute() {
    // Tomcat merges "//" and resolves these to /app/orders; zt must agree rather than refuse
    RawHttp.Response res = get(tomcat, "//app/orders");
    assertThat(res.status()).isEqualTo(200);
    assertThat(res.body()).contains("handler=orders");
  }
}
