package dev.zt.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zt.core.Enforcer;
import dev.zt.core.policy.Requirement;
import dev.zt.core.policy.RoutePolicy;
import dev.zt.testkit.TestIssuer;
import dev.zt.testkit.conformance.RawHttp;
import dev.zt.testkit.conformance.ServerHandle;
import io.opentelemetry.api.OpenTelemetry;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link ZeroTrustFilter} over a swappable enforcer ({@code Supplier<Enforcer>}, e.g. a hot-reloaded policy): read
 * once at the start of each request, used for all of it; the next request sees a swap; no enforcer fails closed.
 */
class ZeroTrustFilterTests {

  static TestIssuer issuer;
  static Enforcer readers;
  static Enforcer adminsOnly;
  static final AtomicReference<Enforcer> current = new AtomicReference<>();
  static final AtomicInteger reads = new AtomicInteger();
  static ServerHandle jetty;
  static ServerHandle tomcat;
  static String reader;

  @BeforeAll
  static void start() throws Exception {
    issuer = TestIssuer.start();
    readers = enforcer(Requirement.allScopes("orders:read"));
    adminsOnly = enforcer(Requirement.allRoles("admin"));
    current.set(readers);
    Supplier<Enforcer> supplier = () -> {
      reads.incrementAndGet();
      return current.get();
    };
    jetty = Containers.jetty(new ZeroTrustFilter(supplier), "", ConformanceSupportServlet.all());
    tomcat = Containers.tomcat(new ZeroTrustFilter(supplier), "", ConformanceSupportServlet.all());
    reader = issuer.token().scope("orders:read").build();
  }

  private static Enforcer enforcer(Requirement orders) {
    return Enforcer.builder()
        .bearerJwt(issuer.bearerJwt().build())
        .routes(RoutePolicy.builder().get("/orders", orders).post("/orders", orders).build())
        .openTelemetry(OpenTelemetry.noop())
        .build();
  }

  @AfterAll
  static void stop() {
    jetty.close();
    tomcat.close();
    issuer.close();
  }

  private static RawHttp.Response get(ServerHandle server) {
    return new RawHttp(server.port()).get("/orders").header("Authorization", "Bearer " + reader).send();
  }

  @Test
  void doFilterWhenTheSuppliedEnforcerIsSwappedThenTheNextRequestIsDecidedByTheNewOne() {
    try {
      for (ServerHandle server : new ServerHandle[] {jetty, tomcat}) {
        current.set(readers);
        assertThat(get(server).status()).isEqualTo(200);
        current.set(adminsOnly);
        RawHttp.Response after = get(server);
        assertThat(after.status()).isEqualTo(403);
        assertThat(after.body()).doesNotContain("handler=");
        current.set(readers);
        assertThat(get(server).status()).isEqualTo(200);
      }
    } finally {
      current.set(readers);
    }
  }

  @Test
  void doFilterWhenARequestReadsItsFormThenAsksTheSupplierOnce() {
    for (ServerHandle server : new ServerHandle[] {jetty, tomcat}) {
      int before = reads.get();
      RawHttp.Response res = new RawHttp(server.port()).post("/orders")
          .header("Authorization", "Bearer " + reader)
          .header("Content-Type", "application/x-www-form-urlencoded")
          .body("item=book&qty=1").send();
      assertThat(res.status()).isEqualTo(200);
      assertThat(reads.get() - before).as("supplier reads for one request").isEqualTo(1);
    }
  }

  @Test
  void doFilterWhenTheSupplierHasNoEnforcerThenTheRequestNeverReachesTheApplication() throws Exception {
    try (ServerHandle none = Containers.jetty(new ZeroTrustFilter(() -> null), "", ConformanceSupportServlet.all())) {
      RawHttp.Response res = new RawHttp(none.port()).get("/orders").header("Authorization", "Bearer " + reader)
          .send();
      assertThat(res.status()).isEqualTo(500);
      assertThat(res.body()).doesNotContain("handler=");
    }
  }

  /** Echoes what {@link ZeroTrustFilter#forwardedCredential} gives the application, and the client's own header. */
  private static final class ForwardEcho extends jakarta.servlet.http.HttpServlet {
    @Override
    protected void doGet(jakarta.servlet.http.HttpServletRequest req, jakarta.servlet.http.HttpServletResponse res)
        throws java.io.IOException {
      res.getWriter().print("forward=" + ZeroTrustFilter.forwardedCredential(req)
          .map(dev.zt.core.Decision.ForwardedCredential::authorization).orElse("none"));
    }
  }

  @Test
  void forwardedCredentialWhenTranslatedAllowThenTheInternalTokenAndNeverTheClients() throws Exception {
    dev.zt.core.translate.InternalTokenMinter minter = dev.zt.core.translate.InternalTokenMinter.builder()
        .issuer("https://gateway.example/internal")
        .signingKey(new com.nimbusds.jose.jwk.gen.ECKeyGenerator(com.nimbusds.jose.jwk.Curve.P_256).generate())
        .audience("orders-service").actor("spiffe://example.org/gateway").upstreamScopes("orders:read").build();
    Enforcer translating = Enforcer.builder().bearerJwt(issuer.bearerJwt().build())
        .routes(RoutePolicy.builder().get("/orders", Requirement.allScopes("orders:read"))
            .get("/public", Requirement.permitAll()).build())
        .translate(minter).openTelemetry(OpenTelemetry.noop()).build();
    java.util.List<Containers.Mapped> app = java.util.List.of(
        new Containers.Mapped("echo", java.util.List.of("/orders", "/public"), new ForwardEcho()));
    try (ServerHandle server = Containers.jetty(translating, "", app)) {
      RawHttp.Response allowed = new RawHttp(server.port()).get("/orders")
          .header("Authorization", "Bearer " + reader).send();
      RawHttp.Response anonymous = new RawHttp(server.port()).get("/public").send();

      assertThat(allowed.status()).isEqualTo(200);
      assertThat(allowed.body()).startsWith("forward=Bearer ey").doesNotContain(reader);
      assertThat(anonymous.body()).isEqualTo("forward=none");
    }
  }

  @Test
  void forwardedCredentialWhenEnforcerDoesNotTranslateThenEmpty() throws Exception {
    java.util.List<Containers.Mapped> app = java.util.List.of(
        new Containers.Mapped("echo", java.util.List.of("/orders"), new ForwardEcho()));
    try (ServerHandle server = Containers.jetty(readers, "", app)) {
      RawHttp.Response allowed = new RawHttp(server.port()).get("/orders")
          .header("Authorization", "Bearer " + reader).send();

      assertThat(allowed.status()).isEqualTo(200);
      assertThat(allowed.body()).isEqualTo("forward=none");
    }
  }
}
