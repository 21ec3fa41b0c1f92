package dev.zt.samples.orders;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zt.testkit.spiffe.TestSvid;
import dev.zt.testkit.spiffe.TestTrustDomain;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The standalone mTLS listener end to end: configured through the environment (PEM files written from a test trust
 * domain), real TLS over loopback, clients presenting good and deliberately broken X.509-SVIDs. Run against Jetty
 * ({@link MtlsStandaloneTests}) and Netty ({@link NettyMtlsStandaloneTests}), the same checks on both.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class MtlsChecks {

  private static final TestTrustDomain EXAMPLE = TestTrustDomain.create("example.org").withIntermediate();
  private static final TestTrustDomain OTHER = TestTrustDomain.create("other.test");

  @TempDir
  static Path dir; // static: injected before @BeforeAll (each test class gets its own)

  private OrdersService service;

  /** {@code servlet} or {@code netty}: the {@code ZT_SERVER} the checks run against. */
  abstract String server();

  @BeforeAll
  void start() throws Exception {
    TestSvid own = EXAMPLE.issueX509Svid("/ns/shop/sa/orders");
    Path cert = Files.writeString(dir.resolve("svid.pem"), own.chainPem());
    Path key = Files.writeString(dir.resolve("svid.key"), own.keyPem());
    Path bundle = Files.writeString(dir.resolve("bundle.pem"), EXAMPLE.bundle().pem());
    service = OrdersService.startFromEnvironment(Map.of(
        "ZT_ISSUER", "http://127.0.0.1:9/issuer",
        "ZT_AUDIENCE", "orders-api",
        "PORT", "0",
        "ZT_MTLS_PORT", "0",
        "ZT_SVID_CERT", cert.toString(),
        "ZT_SVID_KEY", key.toString(),
        "ZT_TRUST_DOMAIN", "example.org",
        "ZT_X509_BUNDLE", bundle.toString(),
        "ZT_SERVER", server()), "127.0.0.1");
  }

  @AfterAll
  void stop() throws Exception {
    if (service != null) {
      service.close();
    }
  }

  @Test
  void getWhenCheckoutSvidThenInventoryAllowedAndAuditForbidden() throws Exception {
    SSLContext checkout = TestTrustDomain.sslContextFor(EXAMPLE.issueX509Svid("/ns/shop/sa/checkout"), EXAMPLE);

    Response inventory = get(checkout, "/internal/inventory");
    Response audit = get(checkout, "/internal/audit");

    assertThat(inventory.status()).isEqualTo(200);
    assertThat(inventory.body()).contains("spiffe://example.org/ns/shop/sa/checkout");
    assertThat(audit.status()).isEqualTo(403);
    assertThat(audit.body()).doesNotContain("spiffe").doesNotContain("ns/ops").doesNotContain("rule");
  }

  @Test
  void getWhenOpsSvidThenAuditAllowedAndInventoryForbidden() throws Exception {
    SSLContext ops = TestTrustDomain.sslContextFor(EXAMPLE.issueX509Svid("/ns/ops/sa/auditor"), EXAMPLE);

    assertThat(get(ops, "/internal/audit").status()).isEqualTo(200);
    assertThat(get(ops, "/internal/inventory").status()).isEqualTo(403);
  }

  @Test
  void getWhenNsOpsItselfThenAuditForbidden() throws Exception {
    SSLContext ops = TestTrustDomain.sslContextFor(EXAMPLE.issueX509Svid("/ns/ops"), EXAMPLE);

    assertThat(get(ops, "/internal/audit").status()).isEqualTo(403);
  }

  @Test
  void getWhenAnyValidSvidThenHealthAllowedAndOtherRoutesDenied() throws Exception {
    SSLContext any = TestTrustDomain.sslContextFor(EXAMPLE.issueX509Svid("/ns/misc/sa/x"), EXAMPLE);

    assertThat(get(any, "/health").status()).isEqualTo(200);
    assertThat(get(any, "/orders").status()).isEqualTo(403);
    assertThat(get(any, "/internal/inventory").status()).isEqualTo(403);
  }

  static Stream<Arguments> invalidSvids() {
    String checkout = "/ns/shop/sa/checkout";
    Instant now = Instant.now();
    return Stream.of(
        Arguments.of("CA-flagged leaf", (Supplier<TestSvid>) () -> EXAMPLE.leaf(checkout).ca().issue()),
        Arguments.of("leaf of another trust domain", (Supplier<TestSvid>) () -> OTHER.issueX509Svid(checkout)),
        Arguments.of("signed by another domain's CA", (Supplier<TestSvid>) () -> EXAMPLE.leaf(checkout).signedBy(OTHER)
            .issue()),
        Arguments.of("two URI SANs", (Supplier<TestSvid>) () -> EXAMPLE.leaf(checkout)
            .extraUriSan("spiffe://example.org/ns/ops/sa/x").issue()),
        Arguments.of("no URI SAN", (Supplier<TestSvid>) () -> EXAMPLE.leaf(checkout).noUriSan().issue()),
        Arguments.of("without digitalSignature", (Supplier<TestSvid>) () -> EXAMPLE.leaf(checkout)
            .withoutDigitalSignature().issue()),
        Arguments.of("with keyCertSign", (Supplier<TestSvid>) () -> EXAMPLE.leaf(checkout).withKeyCertSign().issue()),
        Arguments.of("expired", (Supplier<TestSvid>) () -> EXAMPLE.leaf(checkout)
            .validity(now.minus(Duration.ofDays(2)), now.minus(Duration.ofDays(1))).issue()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidSvids")
  void getWhenInvalidSvidThenRefusedNever2xx(String name, Supplier<TestSvid> svid) throws Exception {
    SSLContext bad = TestTrustDomain.sslContextFor(svid.get(), EXAMPLE, OTHER);

    for (String path : new String[] {"/internal/inventory", "/internal/audit", "/health"}) {
      int status = get(bad, path).status();
      assertThat(status).as(path).isIn(-1, 401, 403);
    }
  }

  @Test
  void getWhenNoClientCertificateThenHandshakeRefused() throws Exception {
    SSLContext none = withoutClientCertificate(EXAMPLE.root());

    assertThat(get(none, "/health").status()).isEqualTo(-1);
  }

  @Test
  void getWhenPlainHttpListenerThenWorkloadRoutesAreNotThere() throws Exception {
    java.net.http.HttpResponse<String> r = java.net.http.HttpClient.newHttpClient().send(
        java.net.http.HttpRequest.newBuilder(
            java.net.URI.create("http://127.0.0.1:" + service.port() + "/internal/inventory")).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());

    assertThat(r.statusCode()).isEqualTo(401);
  }

  record Response(int status, String body) {}

  /** One request over a fresh TLS connection; status -1 when TLS refused the client. */
  private Response get(SSLContext client, String path) throws IOException {
    try (SSLSocket socket = (SSLSocket) client.getSocketFactory().createSocket("127.0.0.1", service.mtlsPort())) {
      socket.setSoTimeout(10_000);
      socket.startHandshake();
      OutputStream out = socket.getOutputStream();
      out.write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      if (response.isEmpty()) {
        return new Response(-1, "");
      }
      int status = Integer.parseInt(response.substring(9, 12));
      int split = response.indexOf("\r\n\r\n");
      return new Response(status, split < 0 ? "" : response.substring(split + 4));
    } catch (javax.net.ssl.SSLException | java.net.SocketException e) {
      return new Response(-1, "");
    }
  }

  /** A client that trusts {@code root} and presents no certificate: the mTLS listener must refuse its handshake. */
  static SSLContext withoutClientCertificate(java.security.cert.X509Certificate root) throws Exception {
    KeyStore ts = KeyStore.getInstance("PKCS12");
    ts.load(null, null);
    ts.setCertificateEntry("root", root);
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ts);
    SSLContext none = SSLContext.getInstance("TLS");
    none.init(null, tmf.getTrustManagers(), null);
    return none;
  }
}
