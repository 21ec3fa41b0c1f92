package dev.zt.samples.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.SignedJWT;
import dev.zt.testkit.it.keycloak.KeycloakServer;
import dev.zt.testkit.spiffe.TestSvid;
import dev.zt.testkit.spiffe.TestTrustDomain;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway against a real Keycloak (opt-in: {@code ./mvnw -Pkeycloak verify -pl samples/orders-service,
 * samples/gateway -am -Dtest='Keycloak*Tests' -Dsurefire.failIfNoSpecifiedTests=false}): one gateway started from its
 * environment with {@code ZT_ISSUER} naming the realm, {@code GATEWAY_EXCHANGE=sts} at the realm's token endpoint
 * (client {@code gateway}) and browser sessions ({@code GATEWAY_SESSION_CLIENT_ID=gateway-web}), in front of
 * orders-service (the built jar, a child process) whose mTLS listener runs in internal mode with
 * {@code ZT_INTERNAL_ISSUER} = the same realm. The browser is an HTTP client that follows the redirects, posts
 * Keycloak's login form and keeps cookies by hand. Renewal is forced without waiting: {@code gateway-web}'s access
 * tokens live 60 s, below the gateway's renewal margin ({@code GATEWAY_SESSION_RENEW_BEFORE=120}), so every request
 * of a session renews first.
 */
@Tag("keycloak")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KeycloakGatewayTests {

  private static final TestTrustDomain EXAMPLE = TestTrustDomain.create("example.org");
  private static final String SESSION_COOKIE = "__Host-zt-session";
  private static final String LOGIN_COOKIE = "__Host-zt-login";
  private static final Pattern FORM_ACTION = Pattern.compile("<form[^>]*\\saction=\"([^\"]+)\"");

  @TempDir
  static Path dir;

  private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
      .connectTimeout(Duration.ofSeconds(5)).build();
  private KeycloakServer keycloak;
  private Gateway gateway;
  private OrdersServiceChild orders;
  private String base;
  private TestSvid gatewaySvid;
  private int ordersMtlsPort;

  @BeforeAll
  void start() throws Exception {
    keycloak = KeycloakServer.start();
    gatewaySvid = EXAMPLE.issueX509Svid("/ns/edge/sa/gateway");
    TestSvid ordersSvid = EXAMPLE.issueX509Svid("/ns/shop/sa/orders");
    Path bundle = Files.writeString(dir.resolve("bundle.pem"), EXAMPLE.bundle().pem());
    ordersMtlsPort = GatewayEndToEndTests.freePort();
    Map<String, String> env = new HashMap<>(Map.of(
        "ZT_ISSUER", keycloak.issuer(),
        "ZT_AUDIENCE", "gateway",
        "GATEWAY_UPSTREAM", "https://127.0.0.1:" + ordersMtlsPort,
        "ZT_SVID_CERT", Files.writeString(dir.resolve("gw.pem"), gatewaySvid.chainPem()).toString(),
        "ZT_SVID_KEY", Files.writeString(dir.resolve("gw.key"), gatewaySvid.keyPem()).toString(),
        "ZT_TRUST_DOMAIN", "example.org",
        "ZT_X509_BUNDLE", bundle.toString(),
        "ZT_HOST", "127.0.0.1",
        "PORT", "0"));
    env.put("GATEWAY_EXCHANGE", "sts");
    env.put("GATEWAY_STS_URI", keycloak.tokenEndpoint().toString());
    env.put("GATEWAY_STS_CLIENT_ID", "gateway");
    env.put("GATEWAY_STS_CLIENT_SECRET", "gateway-secret");
    env.put("GATEWAY_SESSION_CLIENT_ID", "gateway-web");
    env.put("GATEWAY_SESSION_CLIENT_SECRET", "gateway-web-secret");
    env.put("GATEWAY_SESSION_SCOPES", "openid");
    env.put("GATEWAY_SESSION_RENEW_BEFORE", "120");
    gateway = Gateway.start(env);
    base = "http://127.0.0.1:" + gateway.port(); // GATEWAY_PUBLIC_URL's default
    keycloak.setRedirectUris("gateway-web", base + "/callback");

    Map<String, String> ordersEnv = OrdersServiceChild.internalModeEnvironment(keycloak.issuer(), KeycloakServer.API,
        ordersMtlsPort,
        Files.writeString(dir.resolve("orders.pem"), ordersSvid.chainPem()),
        Files.writeString(dir.resolve("orders.key"), ordersSvid.keyPem()), bundle,
        keycloak.issuer(), gateway.spiffeId());
    orders = OrdersServiceChild.start(ordersEnv);
  }

  @AfterAll
  void stop() throws Exception {
    for (AutoCloseable c : new AutoCloseable[] {gateway, orders, keycloak}) {
      if (c != null) {
        c.close();
      }
    }
  }

  // ---- GATEWAY_EXCHANGE=sts: Keycloak's standard token exchange, orders-service trusting the realm internally

  @Test
  @Order(1)
  void stsWhenAliceCallsThroughTheGatewayThenKeycloakExchangesAndOrdersServiceSeesTheExchangedClaims()
      throws Exception {
    String user = (String) keycloak.password("shop-web", "shop-secret", "alice", "alice-password", "openid")
        .get("access_token");
    String sub = SignedJWT.parse(user).getJWTClaimsSet().getSubject();

    HttpResponse<String> list = send(get("/orders").header("Authorization", "Bearer " + user));
    HttpResponse<String> who = send(get("/whoami").header("Authorization", "Bearer " + user));

    assertThat(list.statusCode()).as(list.body()).isEqualTo(200);
    assertThat(who.statusCode()).as(who.body()).isEqualTo(200);
    Map<String, Object> claims = claims(who);
    System.out.println("keycloak exchanged claims at orders-service: " + claims.keySet() + "; client token "
        + user.length() + " B");
    assertThat(claims.get("aud")).isIn("orders-service", List.of("orders-service"));
    assertThat(claims).containsEntry("iss", keycloak.issuer()).containsEntry("sub", sub)
        .containsEntry("azp", "gateway").doesNotContainKey("act");
    assertThat(((String) claims.get("scope")).split(" ")).contains("orders:read");
  }

  @Test
  @Order(1)
  void stsWhenTheClientTokenLacksWhatTheRouteNeedsThenTheGatewayDeniesBeforeAnyExchange() throws Exception {
    String user = (String) keycloak.password("shop-web", "shop-secret", "alice", "alice-password", "openid")
        .get("access_token");
    String otherApi = (String) keycloak.password("orders-web", "web-secret", "alice", "alice-password", "openid")
        .get("access_token"); // aud orders-api: not the gateway's audience

    HttpResponse<String> write = send(HttpRequest.newBuilder(URI.create(base + "/orders"))
        .header("Authorization", "Bearer " + user).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"item\":\"book\",\"quantity\":1}")));
    HttpResponse<String> foreign = send(get("/whoami").header("Authorization", "Bearer " + otherApi));
    HttpResponse<String> none = send(get("/whoami"));

    assertThat(write.statusCode()).as("no orders:write").isEqualTo(403);
    assertThat(write.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(
        v -> assertThat(v).contains("insufficient_scope"));
    assertThat(foreign.statusCode()).isEqualTo(401);
    assertThat(none.statusCode()).isEqualTo(401);
  }

  @Test
  @Order(1)
  void internalListenerWhenKeycloakClientTokenSentStraightWithTheGatewaysSvidThenUnauthorized() throws Exception {
    String user = (String) keycloak.password("shop-web", "shop-secret", "alice", "alice-password", "openid")
        .get("access_token"); // the realm's own token, aud gateway: orders-service's internal audience is not in it

    String response = GatewayEndToEndTests.rawTls(TestTrustDomain.sslContextFor(gatewaySvid, EXAMPLE),
        ordersMtlsPort, "GET /whoami HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nAuthorization: Bearer "
            + user + "\r\n\r\n");

    assertThat(response).startsWith("HTTP/1.1 401").containsIgnoringCase("invalid_token").doesNotContain("claims");
  }

  // ---- browser sessions: authorization code + PKCE at Keycloak, renewal with rotation, the end of the session

  @Test
  @Order(2)
  void sessionWhenLoggedInAtKeycloakThenForwardedRenewedWithRotationAndEndedWhenKeycloakLogsTheUserOut()
      throws Exception {
    String cookie = login();

    // each request renews first (60 s tokens, 120 s margin); Keycloak rotates refresh tokens and refuses a reused
    // one, so the second and third renewals succeed only if the gateway kept the rotated token
    HttpResponse<String> who = send(get("/whoami").header("Cookie", cookie));
    HttpResponse<String> list = send(get("/orders").header("Cookie", cookie));
    HttpResponse<String> again = send(get("/whoami").header("Cookie", cookie));

    assertThat(who.statusCode()).as(who.body()).isEqualTo(200);
    assertThat(list.statusCode()).as(list.body()).isEqualTo(200);
    assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
    Map<String, Object> claims = claims(who);
    assertThat(claims).containsEntry("iss", keycloak.issuer()).containsEntry("azp", "gateway")
        .doesNotContainKey("act");
    assertThat(claims.get("aud")).isIn("orders-service", List.of("orders-service"));
    assertThat(claims(again)).containsEntry("sub", claims.get("sub"));

    keycloak.logoutUser("alice");
    HttpResponse<String> ended = send(get("/whoami").header("Cookie", cookie));
    HttpResponse<String> after = send(get("/whoami").header("Cookie", cookie));

    assertThat(ended.statusCode()).as(ended.body()).isEqualTo(401);
    assertThat(ended.body()).contains("session-ended");
    assertThat(ended.headers().allValues("Set-Cookie"))
        .anySatisfy(c -> assertThat(c).startsWith(SESSION_COOKIE + "=;").contains("Max-Age=0"));
    assertThat(after.statusCode()).isEqualTo(401);
    assertThat(after.body()).contains("no-session");
  }

  @Test
  @Order(3)
  void sessionWhenTheCallbackIsReplayedThenRefusedAndNoSessionIsMade() throws Exception {
    Login login = startLogin();
    String callback = postCredentials(login);
    HttpResponse<String> first = send(get(callback).header("Cookie", LOGIN_COOKIE + "=" + login.loginCookie()));
    HttpResponse<String> replay = send(get(callback).header("Cookie", LOGIN_COOKIE + "=" + login.loginCookie()));
    HttpResponse<String> cookieless = send(get(callback));

    assertThat(first.statusCode()).as(first.body()).isEqualTo(303);
    assertThat(replay.statusCode()).isEqualTo(400);
    assertThat(cookieless.statusCode()).isEqualTo(400);
    assertThat(replay.headers().allValues("Set-Cookie")).noneMatch(c -> c.startsWith(SESSION_COOKIE + "=")
        && !c.startsWith(SESSION_COOKIE + "=;"));
  }

  @Test
  @Order(3)
  void authorizeWhenNoPkceChallengeThenKeycloakRefusesTheLogin() throws Exception {
    HttpResponse<String> start = send(get("/login"));
    String withPkce = start.headers().firstValue("Location").orElseThrow();
    String withoutPkce = withPkce.replaceAll("&code_challenge(_method)?=[^&]*", "");

    HttpResponse<String> r = send(get(withoutPkce));

    String location = r.headers().firstValue("Location").orElse("");
    System.out.println("keycloak authorization request without PKCE: " + r.statusCode() + " " + location);
    if (r.statusCode() == 302 || r.statusCode() == 303) {
      assertThat(location).startsWith(base + "/callback").contains("error=invalid_request")
          .doesNotContain("code=");
    } else {
      assertThat(r.statusCode()).isEqualTo(400);
    }
  }

  /**
   * What Keycloak does with rotation ({@code revokeRefreshToken}, {@code refreshTokenMaxReuse: 0}): a refresh token,
   * once used, is refused, and presenting it again also kills the one that replaced it.
   */
  @Test
  @Order(4)
  void refreshWhenKeycloakRotatesThenTheReplacedRefreshTokenIsRefused() throws Exception {
    Map<String, Object> first = keycloak.password("shop-web", "shop-secret", "alice", "alice-password", "openid");
    String r0 = (String) first.get("refresh_token");

    HttpResponse<String> renewed = keycloak.refresh("shop-web", "shop-secret", r0);
    String r1 = (String) KeycloakServer.json(renewed, 200).get("refresh_token");
    HttpResponse<String> reuse = keycloak.refresh("shop-web", "shop-secret", r0);
    HttpResponse<String> next = keycloak.refresh("shop-web", "shop-secret", r1);

    System.out.println("keycloak refresh token reuse: " + reuse.statusCode() + " " + reuse.body()
        + "; the rotated one afterwards: " + next.statusCode() + " " + next.body());
    assertThat(r1).isNotEqualTo(r0);
    assertThat(reuse.statusCode()).isEqualTo(400);
    assertThat(reuse.body()).contains("invalid_grant");
    // Keycloak treats the reuse as a stolen token: the rotated refresh token stops working too
    assertThat(next.statusCode()).isEqualTo(400);
    assertThat(next.body()).contains("invalid_grant");
  }

  /** The STS sees what a signature check cannot: a token of a session Keycloak ended is not exchanged. */
  @Test
  @Order(5)
  void stsWhenKeycloakEndedTheSubjectTokensSessionThenTheExchangeIsRefusedAndNothingForwarded() throws Exception {
    String user = (String) keycloak.password("shop-web", "shop-secret", "alice", "alice-password", "openid")
        .get("access_token");
    keycloak.logoutUser("alice");

    HttpResponse<String> r = send(get("/whoami").header("Authorization", "Bearer " + user));

    System.out.println("keycloak exchange after logout: " + r.statusCode() + " " + r.body());
    assertThat(r.statusCode()).isEqualTo(403); // TOKEN_EXCHANGE_REFUSED: the STS said no, the token itself is valid
    assertThat(r.body()).doesNotContain("claims");
  }

  // ---- the browser

  private record Login(String loginCookie, String loginPage, Map<String, String> keycloakCookies) {}

  /** GET /login at the gateway, then Keycloak's authorization endpoint: its login page and cookies. */
  private Login startLogin() throws Exception {
    HttpResponse<String> start = send(get("/login"));
    assertThat(start.statusCode()).isEqualTo(302);
    String loginCookie = cookie(start, LOGIN_COOKIE);
    String authorize = start.headers().firstValue("Location").orElseThrow();
    assertThat(authorize).startsWith(keycloak.issuer() + "/").contains("code_challenge_method=S256");
    HttpResponse<String> page = send(get(authorize));
    assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
    Map<String, String> kc = new LinkedHashMap<>();
    keep(kc, page);
    return new Login(loginCookie, page.body(), kc);
  }

  /** Posts alice's credentials to the login form's action; the redirect back to the gateway's callback. */
  private String postCredentials(Login login) throws Exception {
    Matcher m = FORM_ACTION.matcher(login.loginPage());
    assertThat(m.find()).as("a form on Keycloak's login page").isTrue();
    String action = m.group(1).replace("&amp;", "&");
    HttpResponse<String> posted = send(HttpRequest.newBuilder(URI.create(action))
        .header("Cookie", login.keycloakCookies().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
            .collect(Collectors.joining("; ")))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString("username=alice&password=" + enc("alice-password")
            + "&credentialId=")));
    assertThat(posted.statusCode()).as(posted.body()).isEqualTo(302);
    String callback = posted.headers().firstValue("Location").orElseThrow();
    assertThat(callback).startsWith(base + "/callback?");
    return callback;
  }

  /** A full login; the session cookie as a {@code Cookie} header value. */
  private String login() throws Exception {
    Login login = startLogin();
    String callback = postCredentials(login);
    HttpResponse<String> done = send(get(callback).header("Cookie", LOGIN_COOKIE + "=" + login.loginCookie()));
    assertThat(done.statusCode()).as(done.body()).isEqualTo(303);
    return SESSION_COOKIE + "=" + cookie(done, SESSION_COOKIE);
  }

  private static String cookie(HttpResponse<?> r, String name) {
    return r.headers().allValues("Set-Cookie").stream()
        .filter(c -> c.startsWith(name + "=") && !c.startsWith(name + "=;"))
        .map(c -> c.substring(name.length() + 1, c.indexOf(';') < 0 ? c.length() : c.indexOf(';')))
        .findFirst().orElseThrow(() -> new AssertionError("no cookie " + name + " in " + r.headers()));
  }

  /** Keeps Keycloak's cookies (name and value; attributes ignored, expired ones dropped). */
  private static void keep(Map<String, String> jar, HttpResponse<?> r) {
    for (String c : r.headers().allValues("Set-Cookie")) {
      String pair = c.contains(";") ? c.substring(0, c.indexOf(';')) : c;
      int eq = pair.indexOf('=');
      if (eq <= 0) {
        continue;
      }
      String name = pair.substring(0, eq).trim();
      String value = pair.substring(eq + 1).trim();
      if (value.isEmpty() || c.toLowerCase().contains("max-age=0")) {
        jar.remove(name);
      } else {
        jar.put(name, value);
      }
    }
  }

  private static Map<String, Object> claims(HttpResponse<String> r) throws Exception {
    return JSONObjectUtils.getJSONObject(JSONObjectUtils.parse(r.body()), "claims");
  }

  private HttpRequest.Builder get(String pathOrUrl) {
    URI uri = URI.create(pathOrUrl.startsWith("/") ? base + pathOrUrl : pathOrUrl);
    return HttpRequest.newBuilder(uri).GET();
  }

  private HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
    return http.send(b.timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
