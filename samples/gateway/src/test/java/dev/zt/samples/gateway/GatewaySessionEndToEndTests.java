package dev.zt.samples.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.util.JSONObjectUtils;
import dev.zt.testkit.TestClock;
import dev.zt.testkit.TestIssuer;
import dev.zt.testkit.spiffe.TestSvid;
import dev.zt.testkit.spiffe.TestTrustDomain;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A browser session end to end: browser → gateway (session cookie → access token → zt → internal token) →
 * orders-service (the built jar, internal mode, over real mTLS), logged in against {@link TestIssuer}'s
 * authorization and token endpoints. The gateway and the issuer share a {@link TestClock} standing at the real time,
 * so the access token expires without a sleep; the clock moves less than orders-service's 60 s clock skew, because
 * orders-service (a child process) keeps the real time.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GatewaySessionEndToEndTests {

  private static final TestTrustDomain EXAMPLE = TestTrustDomain.create("example.org");
  private static final String CLIENT = "gateway-web";
  private static final String SECRET = "gateway-web-secret";

  @TempDir
  static Path dir;

  private final TestClock clock = TestClock.at(Instant.now());
  private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
  private TestIssuer issuer;
  private Gateway gateway;
  private OrdersServiceChild orders;
  private String base;

  @BeforeAll
  void start() throws Exception {
    issuer = TestIssuer.start(clock);
    issuer.accessTokenLifetime(Duration.ofSeconds(40));
    issuer.loginAs("alice");
    TestSvid gatewaySvid = EXAMPLE.issueX509Svid("/ns/edge/sa/gateway");
    TestSvid ordersSvid = EXAMPLE.issueX509Svid("/ns/shop/sa/orders");
    Path bundle = Files.writeString(dir.resolve("bundle.pem"), EXAMPLE.bundle().pem());
    int ordersMtlsPort = GatewayEndToEndTests.freePort();
    Map<String, String> env = new HashMap<>(Map.of(
        "ZT_ISSUER", issuer.issuer(),
        "ZT_AUDIENCE", TestIssuer.defaultAudience(),
        "GATEWAY_UPSTREAM", "https://127.0.0.1:" + ordersMtlsPort,
        "ZT_SVID_CERT", Files.writeString(dir.resolve("gw.pem"), gatewaySvid.chainPem()).toString(),
        "ZT_SVID_KEY", Files.writeString(dir.resolve("gw.key"), gatewaySvid.keyPem()).toString(),
        "ZT_TRUST_DOMAIN", "example.org",
        "ZT_X509_BUNDLE", bundle.toString(),
        "ZT_HOST", "127.0.0.1",
        "PORT", "0"));
    env.put("GATEWAY_SESSION_CLIENT_ID", CLIENT);
    env.put("GATEWAY_SESSION_CLIENT_SECRET", SECRET);
    env.put("GATEWAY_SESSION_SCOPES", "openid orders:read orders:write");
    gateway = Gateway.start(GatewayConfig.fromEnvironment(env), clock, env);
    base = "http://127.0.0.1:" + gateway.port(); // GATEWAY_PUBLIC_URL's default
    issuer.registerClient(CLIENT, SECRET, URI.create(base + "/callback"));

    Map<String, String> ordersEnv = OrdersServiceChild.internalModeEnvironment(issuer.issuer(),
        TestIssuer.defaultAudience(), ordersMtlsPort,
        Files.writeString(dir.resolve("orders.pem"), ordersSvid.chainPem()),
        Files.writeString(dir.resolve("orders.key"), ordersSvid.keyPem()), bundle,
        gateway.internalIssuer(), gateway.spiffeId());
    orders = OrdersServiceChild.start(ordersEnv);
  }

  @AfterAll
  void stop() throws Exception {
    for (AutoCloseable c : new AutoCloseable[] {gateway, orders, issuer}) {
      if (c != null) {
        c.close();
      }
    }
  }

  @Test
  void sessionWhenAccessTokenExpiresThenRenewedAndOrdersServiceKeepsAnswering() throws Exception {
    String cookie = login();

    HttpResponse<String> created = send(HttpRequest.newBuilder(URI.create(base + "/orders"))
        .header("Cookie", cookie).header("Origin", base).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"item\":\"book\",\"quantity\":1}")));
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    HttpResponse<String> who = send(get("/whoami").header("Cookie", cookie));
    assertThat(who.statusCode()).as(who.body()).isEqualTo(200);
    Map<String, Object> claims = JSONObjectUtils.getJSONObject(JSONObjectUtils.parse(who.body()), "claims");
    assertThat(claims).containsEntry("sub", "alice").containsEntry("client_id", CLIENT)
        .containsEntry("act", Map.of("sub", gateway.spiffeId())).containsKey("sid");
    assertThat(issuer.tokenRequests("refresh_token")).isZero();

    clock.advance(Duration.ofSeconds(41)); // the login's access token has expired
    HttpResponse<String> list = send(get("/orders").header("Cookie", cookie));
    assertThat(list.statusCode()).as(list.body()).isEqualTo(200);
    assertThat(list.body()).contains("\"owner\":\"alice\"");
    assertThat(issuer.tokenRequests("refresh_token")).isEqualTo(1);
    HttpResponse<String> again = send(get("/whoami").header("Cookie", cookie));
    assertThat(again.statusCode()).isEqualTo(200);
    assertThat(JSONObjectUtils.getJSONObject(JSONObjectUtils.parse(again.body()), "claims"))
        .containsEntry("sid", claims.get("sid"));
    assertThat(issuer.tokenRequests("refresh_token")).isEqualTo(1);

    HttpResponse<String> foreign = send(HttpRequest.newBuilder(URI.create(base + "/orders"))
        .header("Cookie", cookie).header("Origin", "https://evil.example")
        .POST(HttpRequest.BodyPublishers.ofString("{\"item\":\"book\",\"quantity\":1}")));
    assertThat(foreign.statusCode()).isEqualTo(403);
  }

  @Test
  void sessionWhenIssuerRevokesItThenNextRenewalEndsItWith401() throws Exception {
    String cookie = login();
    HttpResponse<String> who = send(get("/whoami").header("Cookie", cookie));
    String sid = (String) JSONObjectUtils.getJSONObject(JSONObjectUtils.parse(who.body()), "claims").get("sid");
    issuer.revokeSession(sid);
    // 29 s left: within the renewal margin; both tests together move the clock 52 s, inside orders-service's 60 s skew
    clock.advance(Duration.ofSeconds(11));
    HttpResponse<String> res = send(get("/orders").header("Cookie", cookie));
    assertThat(res.statusCode()).isEqualTo(401);
    assertThat(res.headers().allValues("Set-Cookie")).anySatisfy(c -> assertThat(c)
        .startsWith("__Host-zt-session=;").contains("Max-Age=0"));
    assertThat(res.headers().firstValue("Location")).isEmpty();
  }

  private String login() throws Exception {
    HttpResponse<String> started = send(get("/login"));
    assertThat(started.statusCode()).isEqualTo(302);
    String loginCookie = started.headers().allValues("Set-Cookie").get(0).split(";")[0];
    HttpResponse<String> authorized = send(HttpRequest.newBuilder(
        URI.create(started.headers().firstValue("Location").orElseThrow())).GET());
    assertThat(authorized.statusCode()).as(authorized.body()).isEqualTo(302);
    URI callback = URI.create(authorized.headers().firstValue("Location").orElseThrow());
    assertThat(callback.toString()).startsWith(base + "/callback?");
    HttpResponse<String> done = send(HttpRequest.newBuilder(callback).header("Cookie", loginCookie).GET());
    assertThat(done.statusCode()).as(done.body()).isEqualTo(303);
    List<String> cookies = done.headers().allValues("Set-Cookie");
    return cookies.stream().filter(c -> c.startsWith("__Host-zt-session=")).findFirst().orElseThrow().split(";")[0];
  }

  private HttpRequest.Builder get(String path) {
    return HttpRequest.newBuilder(URI.create(base + path)).GET();
  }

  private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return http.send(request.timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
