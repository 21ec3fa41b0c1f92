package dev.zt.samples.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.zt.spiffe.TrustBundleSet;
import dev.zt.testkit.TestIssuer;
import dev.zt.testkit.conformance.RawHttp;
import dev.zt.testkit.spiffe.TestSvid;
import dev.zt.testkit.spiffe.TestTrustDomain;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GATEWAY_EXCHANGE=sts}: the internal token comes from an RFC 8693 exchange at an STS (a small stand-in on
 * the JDK's HTTP server, answering as RFC 8693 §2.2 says) instead of the gateway's own minter; forwarded over mTLS to
 * a recording upstream.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GatewayStsTests {

  private static final TestTrustDomain EXAMPLE = TestTrustDomain.create("example.org");

  @TempDir
  static Path dir;

  private TestIssuer client;
  private HttpServer sts;
  private final List<Map<String, String>> exchanges = new CopyOnWriteArrayList<>();
  private final AtomicBoolean refuse = new AtomicBoolean();
  private final AtomicInteger issued = new AtomicInteger();
  private RecordingUpstream stub;
  private Gateway gateway;
  private Map<String, String> env;

  @BeforeAll
  void start() throws Exception {
    client = TestIssuer.start();
    sts = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    sts.createContext("/token", ex -> {
      String auth = ex.getRequestHeaders().getFirst("Authorization");
      String expected = "Basic " + Base64.getEncoder().encodeToString("gateway:s3cret".getBytes(StandardCharsets.UTF_8));
      Map<String, String> form = new HashMap<>();
      for (String pair : new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8).split("&")) {
        int eq = pair.indexOf('=');
        if (eq > 0) {
          form.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
              URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
      }
      exchanges.add(form);
      String body;
      int status;
      if (!expected.equals(auth)) {
        status = 401;
        body = "{\"error\":\"invalid_client\"}";
      } else if (refuse.get()) {
        status = 400;
        body = "{\"error\":\"invalid_grant\",\"error_description\":\"subject token not active\"}";
      } else {
        status = 200;
        body = "{\"access_token\":\"exchanged-" + issued.incrementAndGet() + "\",\"issued_token_type\":"
            + "\"urn:ietf:params:oauth:token-type:access_token\",\"token_type\":\"Bearer\",\"expires_in\":60}";
      }
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().set("Content-Type", "application/json");
      ex.sendResponseHeaders(status, bytes.length);
      ex.getResponseBody().write(bytes);
      ex.close();
    });
    sts.start();
    TestSvid gatewaySvid = EXAMPLE.issueX509Svid("/ns/edge/sa/gateway");
    TestSvid ordersSvid = EXAMPLE.issueX509Svid("/ns/shop/sa/orders");
    stub = new RecordingUpstream(ordersSvid.toX509Svid(), TrustBundleSet.of(EXAMPLE.bundle().trustBundle()),
        EXAMPLE.trustDomain());
    env = new HashMap<>(Map.of(
        "ZT_ISSUER", client.issuer(),
        "ZT_AUDIENCE", "orders-api",
        "GATEWAY_UPSTREAM", "https://127.0.0.1:" + stub.port(),
        "ZT_SVID_CERT", Files.writeString(dir.resolve("svid.pem"), gatewaySvid.chainPem()).toString(),
        "ZT_SVID_KEY", Files.writeString(dir.resolve("svid.key"), gatewaySvid.keyPem()).toString(),
        "ZT_TRUST_DOMAIN", "example.org",
        "ZT_X509_BUNDLE", Files.writeString(dir.resolve("bundle.pem"), EXAMPLE.bundle().pem()).toString(),
        "ZT_HOST", "127.0.0.1",
        "PORT", "0"));
    env.put("GATEWAY_EXCHANGE", "sts");
    env.put("GATEWAY_STS_URI", "http://127.0.0.1:" + sts.getAddress().getPort() + "/token");
    env.put("GATEWAY_STS_CLIENT_ID", "gateway");
    env.put("GATEWAY_STS_CLIENT_SECRET", "s3cret");
    gateway = Gateway.start(env);
  }

  @AfterAll
  void stop() throws Exception {
    gateway.close();
    stub.close();
    sts.stop(0);
    client.close();
  }

  private RawHttp.Response get(String path, String token) {
    return new RawHttp(gateway.port()).get(path).header("Authorization", "Bearer " + token).send();
  }

  @Test
  void forwardWhenTheStsExchangesThenUpstreamGetsTheExchangedTokenNeverTheClients() {
    String token = client.token().subject("alice").scope("orders:read", "profile").build();

    RawHttp.Response r = get("/orders", token);
    RawHttp.Response again = get("/orders/7", token);

    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    assertThat(again.status()).isEqualTo(200);
    Map<String, String> form = exchanges.get(exchanges.size() - 1);
    assertThat(form).containsEntry("grant_type", "urn:ietf:params:oauth:grant-type:token-exchange")
        .containsEntry("subject_token", token).containsEntry("audience", "orders-service")
        .containsEntry("scope", "orders:read");
    String forwarded = stub.last().header("Authorization").get(0);
    assertThat(forwarded).startsWith("Bearer exchanged-").doesNotContain(token);
    assertThat(stub.seen.get(stub.seen.size() - 2).header("Authorization")).containsExactly(forwarded); // cached
  }

  @Test
  void ordersWhenTheStsRefusesTheSubjectTokenThenUnauthorizedAndNothingForwarded() {
    int before = stub.seen.size();
    refuse.set(true);
    try {
      RawHttp.Response r = get("/orders", client.token().subject("mallory").scope("orders:read").build());

      assertThat(r.status()).isEqualTo(401);
      assertThat(stub.seen).hasSize(before);
    } finally {
      refuse.set(false);
    }
  }

  @Test
  void ordersWhenTheStsIsDownThenServiceUnavailableAndNothingForwarded() throws Exception {
    Map<String, String> e = new HashMap<>(env);
    e.put("GATEWAY_STS_URI", "http://127.0.0.1:" + GatewayEndToEndTests.freePort() + "/token"); // nothing there
    int before = stub.seen.size();
    try (Gateway down = Gateway.start(e)) {
      RawHttp.Response r = new RawHttp(down.port()).get("/orders")
          .header("Authorization", "Bearer " + client.token().scope("orders:read").build()).send();

      assertThat(r.status()).isEqualTo(503);
      assertThat(r.header("Retry-After")).isPresent();
      assertThat(stub.seen).hasSize(before);
    }
  }

  @Test
  void issuerDocumentsWhenStsThenNotServed() {
    RawHttp.Response jwks = new RawHttp(gateway.port()).get("/internal/jwks").send();
    RawHttp.Response discovery = new RawHttp(gateway.port()).get("/internal/.well-known/openid-configuration").send();

    assertThat(jwks.status()).isIn(401, 403); // no route: denied by default, anonymous callers asked to authenticate
    assertThat(jwks.body()).doesNotContain("keys");
    assertThat(discovery.status()).isIn(401, 403);
    assertThat(discovery.body()).doesNotContain("jwks_uri");
  }
}
