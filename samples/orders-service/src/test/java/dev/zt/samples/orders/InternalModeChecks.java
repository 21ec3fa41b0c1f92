package dev.zt.samples.orders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.zt.testkit.TestIssuer;
import dev.zt.testkit.TestKey;
import dev.zt.testkit.spiffe.TestTrustDomain;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * orders-service's internal mode end to end: the mTLS listener configured through the environment with
 * {@code ZT_INTERNAL_ISSUER} (a test issuer standing in for the gateway's internal issuer: ES256, {@code at+jwt},
 * {@code act}), {@code ZT_GATEWAY_ID}, real TLS over loopback. Run against Jetty ({@link InternalModeTests}) and
 * Netty ({@link NettyInternalModeTests}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class InternalModeChecks {

  private static final TestTrustDomain EXAMPLE = TestTrustDomain.create("example.org");
  static final String GATEWAY = "spiffe://example.org/ns/edge/sa/gateway";

  @TempDir
  static Path dir;

  private TestIssuer internal;
  private TestIssuer client;
  private OrdersService service;
  private Map<String, String> env;
  private SSLContext gateway;

  /** {@code servlet} or {@code netty}: the {@code ZT_SERVER} the checks run against. */
  abstract String server();

  @BeforeAll
  void start() throws Exception {
    internal = TestIssuer.start(Clock.systemUTC(), TestKey.ec256());
    client = TestIssuer.start();
    var own = EXAMPLE.issueX509Svid("/ns/shop/sa/orders");
    Path cert = Files.writeString(dir.resolve("svid.pem"), own.chainPem());
    Path key = Files.writeString(dir.resolve("svid.key"), own.keyPem());
    Path bundle = Files.writeString(dir.resolve("bundle.pem"), EXAMPLE.bundle().pem());
    env = new HashMap<>(Map.of(
        "ZT_ISSUER", client.issuer(),
        "ZT_AUDIENCE", "orders-api",
        "PORT", "0",
        "ZT_MTLS_PORT", "0",
        "ZT_SVID_CERT", cert.toString(),
        "ZT_SVID_KEY", key.toString(),
        "ZT_TRUST_DOMAIN", "example.org",
        "ZT_X509_BUNDLE", bundle.toString(),
        "ZT_SERVER", server()));
    env.put("ZT_INTERNAL_ISSUER", internal.issuer());
    env.put("ZT_GATEWAY_ID", GATEWAY);
    service = OrdersService.startFromEnvironment(env, "127.0.0.1");
    gateway = TestTrustDomain.sslContextFor(EXAMPLE.issueX509Svid("/ns/edge/sa/gateway"), EXAMPLE);
  }

  @AfterAll
  void stop() throws Exception {
    if (service != null) {
      service.close();
    }
    internal.close();
    client.close();
  }

  /** An internal token as the gateway mints it: aud orders-service, sub, sid, narrowed scope, act. */
  private String internalToken(String scope) {
    return internal.token().audience("orders-service").subject("alice").claim("sid", "s-1").scope(scope)
        .claim("act", Map.of("sub", GATEWAY)).build();
  }

  @Test
  void whoamiWhenGatewaySvidAndInternalTokenThenClaimsReturned() throws Exception {
    Response r = request(gateway, "GET", "/whoami", internalToken("orders:read"));

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.body()).startsWith("{\"claims\":{").contains("\"sub\":\"alice\"").contains("\"sid\":\"s-1\"")
        .contains("\"act\":{\"sub\":\"" + GATEWAY + "\"}").contains("\"aud\":\"orders-service\"")
        .contains("\"iss\":\"" + internal.issuer() + "\"");
  }

  @Test
  void ordersWhenGatewaySvidAndInternalTokenThenServed() throws Exception {
    Response created = request(gateway, "POST", "/orders", internalToken("orders:write"));
    Response list = request(gateway, "GET", "/orders", internalToken("orders:read"));

    assertThat(created.status()).isEqualTo(201);
    assertThat(created.body()).contains("\"owner\":\"alice\"");
    assertThat(list.status()).isEqualTo(200);
    assertThat(list.body()).contains("list-orders").contains("\"owner\":\"alice\"");
  }

  @Test
  void ordersWhenInternalTokenLacksScopeThenForbidden() throws Exception {
    assertThat(request(gateway, "POST", "/orders", internalToken("orders:read")).status()).isEqualTo(403);
  }

  @Test
  void whoamiWhenClientTokenThenInvalidToken() throws Exception {
    String clientToken = client.token().scope("orders:read").build(); // valid on the public listener

    Response r = request(gateway, "GET", "/whoami", clientToken);
    Response orders = request(gateway, "GET", "/orders", clientToken);

    assertThat(r.status()).isEqualTo(401);
    assertThat(r.headers()).containsIgnoringCase("invalid_token");
    assertThat(orders.status()).isEqualTo(401);
    assertThat(orders.body()).doesNotContain("list-orders");
  }

  @Test
  void whoamiWhenInternalTokenForAnotherAudienceThenInvalidToken() throws Exception {
    String other = internal.token().audience("billing").subject("alice").claim("act", Map.of("sub", GATEWAY))
        .build();

    Response r = request(gateway, "GET", "/whoami", other);

    assertThat(r.status()).isEqualTo(401);
    assertThat(r.headers()).containsIgnoringCase("invalid_token");
  }

  @Test
  void whoamiWhenInternalTokenNotTypedAtJwtThenInvalidToken() throws Exception {
    String typedJwt = internal.token().audience("orders-service").subject("alice").header("typ", "JWT").build();

    assertThat(request(gateway, "GET", "/whoami", typedJwt).status()).isEqualTo(401);
  }

  @Test
  void whoamiWhenGatewaySvidWithoutTokenThenUnauthorized() throws Exception {
    assertThat(request(gateway, "GET", "/whoami", null).status()).isEqualTo(401);
    assertThat(request(gateway, "GET", "/orders", null).status()).isEqualTo(401);
  }

  @Test
  void whoamiWhenAnotherWorkloadWithInternalTokenThenForbidden() throws Exception {
    SSLContext checkout = TestTrustDomain.sslContextFor(EXAMPLE.issueX509Svid("/ns/shop/sa/checkout"), EXAMPLE);
    SSLContext gatewayChild = TestTrustDomain.sslContextFor(
        EXAMPLE.issueX509Svid("/ns/edge/sa/gateway/x"), EXAMPLE);

    Response r = request(checkout, "GET", "/whoami", internalToken("orders:read"));

    assertThat(r.status()).isEqualTo(403);
    assertThat(r.body()).doesNotContain("claims").doesNotContain("alice");
    assertThat(request(checkout, "GET", "/orders", internalToken("orders:read")).status()).isEqualTo(403);
    assertThat(request(gatewayChild, "GET", "/whoami", internalToken("orders:read")).status()).isEqualTo(403);
  }

  @Test
  void whoamiWhenNoClientCertificateThenHandshakeRefused() throws Exception {
    SSLContext none = MtlsChecks.withoutClientCertificate(EXAMPLE.root());

    assertThat(request(none, "GET", "/whoami", internalToken("orders:read")).status()).isEqualTo(-1);
  }

  @Test
  void workloadRoutesWhenInternalModeThenUnchanged() throws Exception {
    SSLContext checkout = TestTrustDomain.sslContextFor(EXAMPLE.issueX509Svid("/ns/shop/sa/checkout"), EXAMPLE);

    assertThat(request(checkout, "GET", "/internal/inventory", null).status()).isEqualTo(200);
    assertThat(request(gateway, "GET", "/internal/inventory", internalToken("orders:read")).status())
        .isEqualTo(403);
    assertThat(request(gateway, "GET", "/health", null).status()).isEqualTo(200);
  }

  @Test
  void whoamiWhenPublicListenerThenNotServed() throws Exception {
    java.net.http.HttpResponse<String> r = java.net.http.HttpClient.newHttpClient().send(
        java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + service.port() + "/whoami"))
            .header("Authorization", "Bearer " + client.token().scope("orders:read").build()).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());

    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(r.body()).doesNotContain("claims");
  }

  @Test
  void whoamiWhenPolicyFileAndInternalModeThenSameRules() throws Exception {
    Map<String, String> e = new HashMap<>(env);
    e.put("ZT_POLICY_FILE", PolicyFileEquivalenceTests.SHIPPED.toString());
    OrdersService withFile = OrdersService.startFromEnvironment(e, "127.0.0.1");
    OrdersService builtIn = service;
    try {
      service = withFile;
      SSLContext checkout = TestTrustDomain.sslContextFor(EXAMPLE.issueX509Svid("/ns/shop/sa/checkout"), EXAMPLE);

      assertThat(request(gateway, "GET", "/whoami", internalToken("orders:read")).body()).contains("\"sid\":\"s-1\"");
      assertThat(request(gateway, "GET", "/whoami", client.token().build()).status()).isEqualTo(401);
      assertThat(request(checkout, "GET", "/whoami", internalToken("orders:read")).status()).isEqualTo(403);
    } finally {
      service = builtIn;
      withFile.close();
    }
  }

  @Test
  void startWhenInternalIssuerWithoutGatewayIdThenErrorNamesIt() {
    Map<String, String> e = new HashMap<>(env);
    e.remove("ZT_GATEWAY_ID");

    assertThatThrownBy(() -> OrdersService.startFromEnvironment(e, "127.0.0.1"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ZT_GATEWAY_ID");
  }

  @Test
  void startWhenInternalIssuerWithoutMtlsPortThenErrorNamesIt() {
    Map<String, String> e = new HashMap<>(env);
    e.remove("ZT_MTLS_PORT");

    assertThatThrownBy(() -> OrdersService.startFromEnvironment(e, "127.0.0.1"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ZT_MTLS_PORT");
  }

  @Test
  void internalFromEnvironmentWhenGatewayIdMalformedOrWildcardThenErrorNamesIt() {
    for (String bad : List.of("spiffe://example.org/ns/edge/sa/*", "https://example.org/gw", "gateway",
        "spiffe://Example.org/ns/edge")) {
      Map<String, String> e = Map.of("ZT_INTERNAL_ISSUER", internal.issuer(), "ZT_GATEWAY_ID", bad);
      assertThatThrownBy(() -> OrdersService.internalFromEnvironment(e, true)).as(bad)
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ZT_GATEWAY_ID");
    }
  }

  @Test
  void internalFromEnvironmentWhenOnlyGatewayIdOrAudienceThenError() {
    assertThatThrownBy(() -> OrdersService.internalFromEnvironment(Map.of("ZT_GATEWAY_ID", GATEWAY), true))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ZT_GATEWAY_ID");
    assertThatThrownBy(() -> OrdersService.internalFromEnvironment(Map.of("ZT_INTERNAL_AUDIENCE", "x"), true))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ZT_INTERNAL_AUDIENCE");
    assertThat(OrdersService.internalFromEnvironment(Map.of(), true)).isEmpty();
  }

  @Test
  void internalFromEnvironmentWhenRemotePlainHttpIssuerThenErrorNamesIt() {
    Map<String, String> e = Map.of("ZT_INTERNAL_ISSUER", "http://gateway.example:8080/internal",
        "ZT_GATEWAY_ID", GATEWAY);

    assertThatThrownBy(() -> OrdersService.internalFromEnvironment(e, true))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ZT_INTERNAL_ISSUER");
  }

  record Response(int status, String headers, String body) {}

  /** One request over a fresh TLS connection; status -1 when TLS refused the client. */
  private Response request(SSLContext tls, String method, String path, String token) throws IOException {
    try (SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket("127.0.0.1", service.mtlsPort())) {
      socket.setSoTimeout(10_000);
      socket.startHandshake();
      OutputStream out = socket.getOutputStream();
      out.write((method + " " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
          + (token == null ? "" : "Authorization: Bearer " + token + "\r\n")
          + (method.equals("POST") ? "Content-Length: 0\r\n" : "") + "\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      if (response.isEmpty()) {
        return new Response(-1, "", "");
      }
      int status = Integer.parseInt(response.substring(9, 12));
      int split = response.indexOf("\r\n\r\n");
      return new Response(status, split < 0 ? response : response.substring(0, split),
          split < 0 ? "" : response.substring(split + 4));
    } catch (javax.net.ssl.SSLException | java.net.SocketException e) {
      return new Response(-1, "", "");
    }
  }
}
