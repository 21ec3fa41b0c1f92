package dev.zt.spiffe.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.zt.core.Enforcer;
import dev.zt.core.policy.Requirement;
import dev.zt.core.policy.RoutePolicy;
import dev.zt.servlet.ZeroTrustFilter;
import dev.zt.spiffe.PeerAuthorizer;
import dev.zt.spiffe.SpiffeId;
import dev.zt.spiffe.SpiffePeerVerifier;
import dev.zt.spiffe.SpiffeSslContexts;
import dev.zt.spiffe.SvidSnapshot;
import dev.zt.spiffe.X509Source;
import dev.zt.testkit.TestIssuer;
import dev.zt.testkit.spiffe.TestSvid;
import dev.zt.testkit.spiffe.TestTrustDomain;
import io.opentelemetry.api.OpenTelemetry;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two services over real mTLS on loopback, each getting its X.509-SVID from a (fake) Workload API over a Unix
 * socket: the orders service on embedded Jetty with zt's SSLContext and the peer gate, the checkout service as the
 * client. The caller is allowed by principal on one route and denied on another, a non-SPIFFE certificate is
 * refused, and both SVIDs rotate through the Workload API mid-test without a failed request (issue 5, acceptance 2).
 */
class ServiceToServiceTests {

  static final String ORDERS = "spiffe://example.org/ns/shop/sa/orders";
  static final String CHECKOUT = "spiffe://example.org/ns/shop/sa/checkout";

  static TestTrustDomain td;
  static TestIssuer issuer;
  static FakeWorkloadApi ordersAgent;
  static FakeWorkloadApi checkoutAgent;
  static WorkloadApiClient ordersClient;
  static WorkloadApiClient checkoutClient;
  static X509Source ordersSource;
  static X509Source checkoutSource;
  static Server orders;
  static final LinkedBlockingQueue<SvidSnapshot> ordersUpdates = new LinkedBlockingQueue<>();
  static final LinkedBlockingQueue<SvidSnapshot> checkoutUpdates = new LinkedBlockingQueue<>();
  static int port;

  @BeforeAll
  static void start() throws Exception {
    td = TestTrustDomain.create("example.org");
    issuer = TestIssuer.start();
    ordersAgent = FakeWorkloadApi.start(td, td.issueX509Svid("/ns/shop/sa/orders"));
    checkoutAgent = FakeWorkloadApi.start(td, td.issueX509Svid("/ns/shop/sa/checkout"));
    ordersClient = WorkloadApiClient.builder().endpoint(ordersAgent.endpoint()).onSnapshot(ordersUpdates::add).build();
    checkoutClient = WorkloadApiClient.builder().endpoint(checkoutAgent.endpoint()).onSnapshot(checkoutUpdates::add)
        .build();
    ordersSource = ordersClient.awaitFirstSnapshot(Duration.ofSeconds(10));
    checkoutSource = checkoutClient.awaitFirstSnapshot(Duration.ofSeconds(10));

    Enforcer enforcer = Enforcer.builder()
        .bearerJwt(issuer.bearerJwt().build())
        .peerVerifier(SpiffePeerVerifier.of(ordersSource, Clock.systemUTC()))
        .routes(RoutePolicy.builder()
            .get("/inventory", Requirement.workload(CHECKOUT))
            .get("/audit", Requirement.workload("spiffe://example.org/ns/ops/**"))
            .build())
        .openTelemetry(OpenTelemetry.noop())
        .build();
    orders = new Server();
    SslContextFactory.Server tls = new SslContextFactory.Server();
    tls.setSslContext(SpiffeSslContexts.server(ordersSource, PeerAuthorizer.memberOf(td.trustDomain())));
    tls.setNeedClientAuth(true);
    tls.setEndpointIdentificationAlgorithm(null);
    HttpConfiguration https = new HttpConfiguration();
    SecureRequestCustomizer secure = new SecureRequestCustomizer();
    secure.setSniHostCheck(false);
    secure.setSniRequired(false);
    https.addCustomizer(secure);
    ServerConnector connector = new ServerConnector(orders, new SslConnectionFactory(tls, "http/1.1"),
        new HttpConnectionFactory(https));
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    orders.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler();
    context.addFilter(new FilterHolder(new ZeroTrustFilter(enforcer)), "/*", EnumSet.of(DispatcherType.REQUEST));
    context.addServlet(new ServletHolder(new HttpServlet() {
      @Override
      protected void doGet(HttpServletRequest req, HttpServletResponse res) throws IOException {
        res.setContentType("text/plain");
        res.getWriter().write("served " + req.getUserPrincipal().getName());
      }
    }), "/");
    orders.setHandler(context);
    orders.start();
    port = connector.getLocalPort();
  }

  @AfterAll
  static void stop() throws Exception {
    orders.stop();
    ordersClient.close();
    checkoutClient.close();
    ordersAgent.close();
    checkoutAgent.close();
    issuer.close();
  }

  /** One call from the checkout service: a fresh connection with its current SVID; the status and the server leaf. */
  private record Call(int status, X509Certificate serverLeaf) {}

  private static Call call(SSLContext client, String path) throws IOException {
    try (SSLSocket socket = (SSLSocket) client.getSocketFactory().createSocket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: orders\r\nConnection: close\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      String status = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII))
          .readLine();
      return new Call(Integer.parseInt(status.split(" ")[1]),
          (X509Certificate) socket.getSession().getPeerCertificates()[0]);
    }
  }

  private static SSLContext checkout() {
    return SpiffeSslContexts.client(checkoutSource, PeerAuthorizer.only(SpiffeId.parse(ORDERS)));
  }

  /** Waits (bounded) for the Workload API client to deliver a snapshot whose leaf is not {@code old}. */
  private static void awaitRotation(LinkedBlockingQueue<SvidSnapshot> updates, X509Certificate old)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      SvidSnapshot s = updates.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      if (s == null) {
        throw new AssertionError("no rotated SVID within 10 s");
      }
      if (!s.svid().leaf().equals(old)) {
        return;
      }
    }
  }

  @Test
  void callWhenBothSvidsRotateMidwayThenNoRequestFails() throws Exception {
    X509Certificate ordersLeaf = ordersSource.current().svid().leaf();
    X509Certificate checkoutLeaf = checkoutSource.current().svid().leaf();
    List<Integer> statuses = new ArrayList<>();
    List<X509Certificate> seen = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      if (i == 15) {
        ordersAgent.push(td.issueX509Svid("/ns/shop/sa/orders"));
        checkoutAgent.push(td.issueX509Svid("/ns/shop/sa/checkout"));
        awaitRotation(ordersUpdates, ordersLeaf);
        awaitRotation(checkoutUpdates, checkoutLeaf);
      }
      Call c = call(checkout(), "/inventory");
      statuses.add(c.status());
      seen.add(c.serverLeaf());
    }
    assertThat(statuses).hasSize(30).containsOnly(200);
    assertThat(seen.get(0)).isEqualTo(ordersLeaf);
    assertThat(seen.get(29)).isNotEqualTo(ordersLeaf).isEqualTo(ordersSource.current().svid().leaf());
    assertThat(checkoutSource.current().svid().leaf()).isNotEqualTo(checkoutLeaf);
  }

  @Test
  void callWhenWorkloadNotNamedByTheRouteThenForbidden() throws Exception {
    assertThat(call(checkout(), "/inventory").status()).isEqualTo(200);
    assertThat(call(checkout(), "/audit").status()).isEqualTo(403);
    assertThat(call(checkout(), "/elsewhere").status()).isEqualTo(403);
  }

  @Test
  void callWhenClientCertificateIsNotAnSvidThenRefused() {
    TestSvid notSpiffe = td.leaf("/ns/shop/sa/checkout").noUriSan().issue();
    SSLContext client = TestTrustDomain.sslContextFor(notSpiffe, td);
    assertThatThrownBy(() -> {
      Call c = call(client, "/inventory");
      // a handshake that somehow completed must still never be served
      assertThat(c.status()).isBetween(400, 499);
      throw new IOException("refused with " + c.status());
    }).isInstanceOf(IOException.class);
  }
}
