package dev.zt.samples.gateway;

import com.nimbusds.jose.util.JSONObjectUtils;
import dev.zt.core.Decision;
import dev.zt.testkit.TestIssuer;
import dev.zt.testkit.spiffe.TestSvid;
import dev.zt.testkit.spiffe.TestTrustDomain;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * The gateway's scripted tour ({@code java -jar gateway.jar demo}): an in-process issuer and the testkit's SPIFFE
 * authority, orders-service from its built jar as a child process with its mTLS listener in internal mode, and the
 * gateway in-process in front of it. Each step prints the request, the answer and zt's reason (the gateway's audit
 * hook for its own decisions; orders-service's {@code WWW-Authenticate} for its). Returns whether every step behaved
 * as expected, so the tour doubles as a smoke test.
 */
final class GatewayDemo {

  private record Seen(Decision decision, String detail) {}

  /** What a step got back: status, header fields (lower-case names) and body. */
  private record Answer(int status, Map<String, List<String>> headers, String body) {
    Optional<String> header(String name) {
      List<String> values = headers.getOrDefault(name.toLowerCase(java.util.Locale.ROOT), List.of());
      return values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }
  }

  static final String GATEWAY_PATH = "/ns/edge/sa/gateway";
  static final String ORDERS_PATH = "/ns/shop/sa/orders";
  static final String WEB_CLIENT = "gateway-web";
  /** The path of the gateway's internal issuer (its default, {@code http://127.0.0.1:{PORT}/internal}). */
  private static final String INTERNAL_PATH = "/internal/";
  private static final Set<String> INTERNAL_CLAIMS =
      Set.of("iss", "aud", "sub", "sid", "client_id", "scope", "act", "iat", "exp", "jti");

  private final PrintStream out;
  private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
      .connectTimeout(Duration.ofSeconds(5)).version(HttpClient.Version.HTTP_1_1).build();
  private final AtomicReference<Seen> last = new AtomicReference<>();
  private String base;
  private int failures;
  private int step;

  private GatewayDemo(PrintStream out) {
    this.out = out;
  }

  static boolean run(PrintStream out) throws Exception {
    return new GatewayDemo(out).tour();
  }

  private boolean tour() throws Exception {
    Optional<Path> jar = OrdersServiceChild.findJar();
    if (jar.isEmpty()) {
      out.println("gateway demo: no samples/orders-service/target/orders-service.jar; build it first:"
          + " ./mvnw -B -q -DskipTests package");
      return false;
    }
    Path dir = Files.createTempDirectory("zt-gateway-demo");
    try (TestIssuer issuer = TestIssuer.builder().audience("orders-api").start()) {
      TestTrustDomain td = TestTrustDomain.create("example.org");
      TestSvid gatewaySvid = td.issueX509Svid(GATEWAY_PATH);
      TestSvid ordersSvid = td.issueX509Svid(ORDERS_PATH);
      Path svidCert = Files.writeString(dir.resolve("gateway-svid.pem"), gatewaySvid.chainPem());
      Path svidKey = Files.writeString(dir.resolve("gateway-svid.key"), gatewaySvid.keyPem());
      Path ordersCert = Files.writeString(dir.resolve("orders-svid.pem"), ordersSvid.chainPem());
      Path ordersKey = Files.writeString(dir.resolve("orders-svid.key"), ordersSvid.keyPem());
      Path bundle = Files.writeString(dir.resolve("bundle.pem"), td.bundle().pem());
      int mtlsPort = freePort();

      Map<String, String> gatewayEnv = new HashMap<>();
      gatewayEnv.put("ZT_ISSUER", issuer.issuer());
      gatewayEnv.put("ZT_AUDIENCE", issuer.audience());
      gatewayEnv.put("GATEWAY_UPSTREAM", "https://127.0.0.1:" + mtlsPort);
      gatewayEnv.put("GATEWAY_UPSTREAM_ID", td.id(ORDERS_PATH).toString());
      gatewayEnv.put("ZT_SVID_CERT", svidCert.toString());
      gatewayEnv.put("ZT_SVID_KEY", svidKey.toString());
      gatewayEnv.put("ZT_TRUST_DOMAIN", "example.org");
      gatewayEnv.put("ZT_X509_BUNDLE", bundle.toString());
      gatewayEnv.put("ZT_HOST", "127.0.0.1");
      gatewayEnv.put("PORT", "0");
      gatewayEnv.put("GATEWAY_SESSION_CLIENT_ID", WEB_CLIENT);
      gatewayEnv.put("GATEWAY_SESSION_CLIENT_SECRET", "gateway-web-secret");
      gatewayEnv.put("GATEWAY_SESSION_SCOPES", "openid orders:read");

      try (Gateway gateway = Gateway.start(gatewayEnv, Clock.systemUTC(),
          (request, decision, detail) -> {
            if (!request.rawPath().startsWith(INTERNAL_PATH)) { // not orders-service fetching the internal JWKS
              last.set(new Seen(decision, detail));
            }
          })) {
        Map<String, String> ordersEnv = OrdersServiceChild.internalModeEnvironment(issuer.issuer(),
            issuer.audience(), mtlsPort, ordersCert, ordersKey, bundle, gateway.internalIssuer(),
            gateway.spiffeId());
        try (OrdersServiceChild orders = OrdersServiceChild.start(jar.get(), ordersEnv)) {
          base = "http://127.0.0.1:" + gateway.port();
          out.println();
          out.println("zt gateway demo — the gateway on " + base + " (workload " + gateway.spiffeId() + ")");
          out.println("  in front of orders-service (" + jar.get().getFileName() + ", a child process) whose mTLS"
              + " listener on port " + mtlsPort + " runs in internal mode:");
          out.println("  it takes only the gateway's X.509-SVID and internal tokens of " + gateway.internalIssuer());
          out.println("  client tokens are signed by an in-process issuer at " + issuer.issuer());
          String alice = tokens(issuer, gateway, td, mtlsPort);
          rotation(gateway, td, svidCert, svidKey, alice);
          browser(issuer, gateway);
        }
      }
      out.println();
      out.println(failures == 0 ? "All " + step + " steps behaved as expected."
          : failures + " of " + step + " steps did NOT behave as expected.");
      return failures == 0;
    } finally {
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  /** Token clients: allowed and denied at the gateway, the translation, and the internal listener's two gates. */
  private String tokens(TestIssuer issuer, Gateway gateway, TestTrustDomain td, int mtlsPort) throws Exception {
    out.println();
    out.println("— token clients: zt decides at the gateway, orders-service gets a small internal token —");
    String alice = keycloakLikeToken(issuer, "alice");
    expect("Allowed read: GET /orders via the gateway with scope orders:read", "GET", "/orders", alice, null, 200);
    String internal = forwarded().orElse("");

    Answer whoami = expect("Translation: GET /whoami — orders-service shows the internal token it verified", "GET",
        "/whoami", alice, null, 200);
    Map<String, Object> claims = claims(whoami.body());
    out.println("      claims at orders-service: " + JSONObjectUtils.toJSONString(claims));
    int clientBytes = alice.getBytes(StandardCharsets.US_ASCII).length;
    int internalBytes = internal.getBytes(StandardCharsets.US_ASCII).length;
    out.printf("      client token %d bytes → internal token %d bytes (%d claims kept of the client's many)%n",
        clientBytes, internalBytes, claims.size());
    check("the internal claims are minimised and name the gateway in act",
        INTERNAL_CLAIMS.containsAll(claims.keySet())
            && Map.of("sub", gateway.spiffeId()).equals(claims.get("act"))
            && "alice".equals(claims.get("sub")) && claims.containsKey("sid")
            && internalBytes > 0 && internalBytes < clientBytes);

    expect("No token: GET /orders without Authorization", "GET", "/orders", null, null, 401);
    expect("Missing scope: POST /orders with only orders:read", "POST", "/orders", alice, null, 403);

    SSLContext asGateway = TestTrustDomain.sslContextFor(td.issueX509Svid(GATEWAY_PATH), td);
    internalListener("Client token straight to the internal listener (with the gateway's own SVID): a client token"
        + " is not an internal token", asGateway, "gateway", mtlsPort, alice, 401);
    SSLContext asCheckout = TestTrustDomain.sslContextFor(td.issueX509Svid("/ns/shop/sa/checkout"), td);
    internalListener("Another workload's certificate: checkout presents the gateway's valid internal token",
        asCheckout, "checkout", mtlsPort, internal, 403);

    Answer first = expect("Cached internal token: GET /whoami again with the same client token", "GET", "/whoami",
        alice, null, 200);
    Object jti1 = claims.get("jti");
    Object jti2 = claims(first.body()).get("jti");
    out.println("      jti before " + jti1 + ", now " + jti2 + (internal.equals(forwarded().orElse(""))
        ? " — the same internal token, reused (not minted per request)" : ""));
    check("the same internal token was reused", jti1 != null && jti1.equals(jti2)
        && internal.equals(forwarded().orElse("")));
    return alice;
  }

  /** The gateway's SVID is replaced on disk and picked up without a restart; traffic goes on. */
  private void rotation(Gateway gateway, TestTrustDomain td, Path svidCert, Path svidKey, String token)
      throws Exception {
    out.println();
    out.println("— workload identity rotation —");
    TestSvid next = td.issueX509Svid(GATEWAY_PATH);
    Files.writeString(svidKey, next.keyPem());
    Files.writeString(svidCert, next.chainPem());
    SvidFiles.Outcome outcome = gateway.checkCredentials();
    out.println("      new SVID files written (serial " + next.leaf().getSerialNumber().toString(16)
        + "); the gateway's check: " + outcome);
    check("the gateway took the new SVID", outcome == SvidFiles.Outcome.ROTATED);
    expect("After SVID rotation: the next GET /orders via the gateway still works", "GET",
        "/orders", token, null, 200);
  }

  /** A browser: login through the gateway, a cookie instead of a token, renewal with rotation, revocation. */
  private void browser(TestIssuer issuer, Gateway gateway) throws Exception {
    out.println();
    out.println("— a browser session: the gateway keeps the tokens, the browser a cookie —");
    issuer.registerClient(WEB_CLIENT, "gateway-web-secret", URI.create(base + "/callback"));
    issuer.loginAs("alice");
    // below the gateway's renewal margin (GATEWAY_SESSION_RENEW_BEFORE, 30 s): every call renews, no waiting
    issuer.accessTokenLifetime(Duration.ofSeconds(20));

    step++;
    out.println();
    out.printf("%2d. Browser login: GET /login, follow the redirects through the issuer, keep the cookies%n", step);
    Answer login = send("GET", base + "/login", null, null);
    String loginCookie = cookie(login, "__Host-zt-login").orElse("");
    String authorize = login.header("Location").orElse("");
    out.printf("    GET /login → %d, Location: %s…%n", login.status(), cut(authorize));
    Answer issuerAnswer = send("GET", authorize, null, null);
    String callback = issuerAnswer.header("Location").orElse("");
    out.printf("    GET {issuer}/authorize → %d, Location: %s…%n", issuerAnswer.status(), cut(callback));
    Answer done = send("GET", callback, null, loginCookie);
    String session = cookie(done, "__Host-zt-session").orElse("");
    out.printf("    GET /callback (Cookie: __Host-zt-login=…) → %d, Location: %s%n", done.status(),
        done.header("Location").orElse("-"));
    done.headers().getOrDefault("set-cookie", List.of()).stream().filter(c -> c.startsWith("__Host-zt-session"))
        .forEach(c -> out.println("      Set-Cookie: " + c.replaceFirst("=[^;]+", "=…")));
    out.println("      the browser holds no token: " + !done.body().contains("eyJ") + "; code redeemed at the"
        + " token endpoint " + issuer.tokenRequests("authorization_code") + " time");
    boolean loggedIn = login.status() == 302 && issuerAnswer.status() == 302 && done.status() == 303
        && !session.isEmpty() && !done.body().contains("eyJ");
    verdict(loggedIn);

    Answer who1 = expect("Cookie call: GET /whoami with the session cookie (its access token was already near its end,"
        + " so the gateway renewed it first)", "GET", "/whoami", null, session, 200);
    Map<String, Object> c1 = claims(who1.body());
    int refreshes1 = issuer.tokenRequests("refresh_token");
    out.println("      internal claims: sub " + c1.get("sub") + ", sid " + c1.get("sid") + ", jti " + c1.get("jti")
        + "; refresh grants so far: " + refreshes1);

    Answer who2 = expect("Renewal with rotation: the next call renews again with the refresh token the last renewal"
        + " returned", "GET", "/whoami", null, session, 200);
    Map<String, Object> c2 = claims(who2.body());
    int refreshes2 = issuer.tokenRequests("refresh_token");
    out.println("      same sid " + c2.get("sid") + ", new access token (internal jti " + c2.get("jti")
        + "); refresh grants so far: " + refreshes2 + " (a replayed, rotated refresh token would have ended the"
        + " session)");
    check("the session was renewed on each call, with the rotated refresh token",
        refreshes1 >= 1 && refreshes2 == refreshes1 + 1 && c1.get("sid") != null && c1.get("sid").equals(c2.get("sid"))
            && c1.get("jti") != null && !c1.get("jti").equals(c2.get("jti")));

    if (c1.get("sid") instanceof String sid) {
      issuer.revokeSession(sid);
      out.println();
      out.println("    (the issuer revokes login session " + sid + ")");
    }
    Answer revoked = expect("Revoked session: GET /orders with the cookie; the renewal is refused, the session ends",
        "GET", "/orders", null, session, 401);
    revoked.headers().getOrDefault("set-cookie", List.of()).forEach(c -> out.println("      Set-Cookie: " + c));
  }

  // ---- steps ---------------------------------------------------------------------------------------------------

  private Answer expect(String title, String method, String path, String token, String cookie, int expected)
      throws Exception {
    step++;
    last.set(null);
    String bearer = token;
    Answer res = send(method, base + path, bearer, cookie);
    boolean ok = res.status() == expected;
    if (!ok) {
      failures++;
    }
    out.println();
    out.printf("%2d. %s%n", step, title);
    out.printf("    %s %s%s%s%n", method, path, bearer == null ? "" : "  (Authorization: Bearer …)",
        cookie == null ? "" : "  (Cookie: __Host-zt-session=…)");
    out.printf("    → %d %s%n", res.status(), ok ? "" : "  ✗ UNEXPECTED");
    res.header("WWW-Authenticate").ifPresent(v -> out.println("      WWW-Authenticate: " + v));
    Seen seen = last.get();
    if (seen == null) {
      out.println("      zt: (answered before zt's filter: the gateway's session filter)");
    } else if (seen.decision() instanceof Decision.Allow a) {
      out.println("      zt: allow by rule \"" + a.rule() + "\" for " + a.caller().getName()
          + a.forward().map(f -> "; forwards an internal token instead of the client's").orElse(""));
    } else {
      Decision.Deny d = (Decision.Deny) seen.decision();
      out.println("      zt: deny by the " + d.gate() + " gate, reason " + d.reason() + ", rule \"" + d.rule() + "\""
          + (seen.detail().isEmpty() ? "" : " (" + seen.detail() + ")"));
    }
    return res;
  }

  /** A request straight to orders-service's mTLS listener, as the workload {@code tls} holds the SVID of. */
  private void internalListener(String title, SSLContext tls, String workload, int port, String token, int expected)
      throws IOException {
    step++;
    String response;
    try (SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      String request = "GET /whoami HTTP/1.1\r\nHost: orders.internal\r\nConnection: close\r\nAuthorization: Bearer "
          + token + "\r\n\r\n";
      socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
      try (InputStream in = socket.getInputStream()) {
        response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
    }
    int status = Integer.parseInt(response.split(" ", 3)[1]);
    boolean ok = status == expected;
    if (!ok) {
      failures++;
    }
    out.println();
    out.printf("%2d. %s%n", step, title);
    out.printf("    GET /whoami on orders-service's mTLS listener (client SVID of %s, Authorization: Bearer …)%n",
        workload);
    out.printf("    → %d %s%n", status, ok ? "" : "  ✗ UNEXPECTED");
    response.lines().takeWhile(l -> !l.isEmpty())
        .filter(l -> l.regionMatches(true, 0, "WWW-Authenticate:", 0, 17))
        .forEach(l -> out.println("      " + l + "   (orders-service's zt)"));
    int body = response.indexOf("\r\n\r\n");
    if (body > 0) {
      try {
        Map<String, Object> problem = JSONObjectUtils.parse(response.substring(body + 4).strip());
        out.println("      problem: " + problem.get("title") + " — " + problem.get("detail"));
      } catch (ParseException e) {
        // not a problem document
      }
    }
  }

  /** A check inside the last step: printed, and counted as that step's failure when false. */
  private void check(String what, boolean ok) {
    if (!ok) {
      failures++;
    }
    out.println("      " + (ok ? "✓ " : "✗ UNEXPECTED: not ") + what);
  }

  private void verdict(boolean ok) {
    if (!ok) {
      failures++;
    }
    out.println("    → " + (ok ? "logged in" : "  ✗ UNEXPECTED: no session"));
  }

  private Optional<String> forwarded() {
    Seen seen = last.get();
    if (seen != null && seen.decision() instanceof Decision.Allow a) {
      return a.forward().map(Decision.ForwardedCredential::token);
    }
    return Optional.empty();
  }

  private Answer send(String method, String uri, String token, String cookie) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(uri)).timeout(Duration.ofSeconds(10))
        .method(method, method.equals("POST") ? HttpRequest.BodyPublishers.ofString("{\"item\":\"book\"}")
            : HttpRequest.BodyPublishers.noBody());
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    if (cookie != null) {
      b.header("Cookie", cookie);
    }
    if (method.equals("POST")) {
      b.header("Content-Type", "application/json");
    }
    HttpResponse<String> res = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    Map<String, List<String>> headers = new HashMap<>();
    res.headers().map().forEach((k, v) -> headers.put(k.toLowerCase(java.util.Locale.ROOT), v));
    return new Answer(res.statusCode(), headers, res.body());
  }

  /** {@code name=value} of the {@code Set-Cookie} named {@code name}, as a browser sends it back. */
  private static Optional<String> cookie(Answer res, String name) {
    return res.headers().getOrDefault("set-cookie", List.of()).stream()
        .filter(c -> c.startsWith(name + "=")).map(c -> c.split(";", 2)[0])
        .filter(c -> c.length() > name.length() + 1).findFirst();
  }

  private static Map<String, Object> claims(String whoami) {
    try {
      Object claims = JSONObjectUtils.parse(whoami).get("claims");
      if (claims instanceof Map<?, ?> m) {
        @SuppressWarnings("unchecked")
        Map<String, Object> typed = (Map<String, Object>) m;
        return typed;
      }
    } catch (ParseException e) {
      // not a whoami answer
    }
    return Map.of();
  }

  private static String cut(String uri) {
    int q = uri.indexOf('?');
    return q < 0 ? uri : uri.substring(0, q) + "?" + uri.substring(q + 1, Math.min(uri.length(), q + 40));
  }

  /**
   * A client token of {@code subject} the size a Keycloak access token has: the claims a realm adds by default (the
   * end-to-end tests measure the translation with it too).
   */
  static String keycloakLikeToken(TestIssuer issuer, String subject) {
    return issuer.token().subject(subject).claim("sid", "0b6e3c1d-9f2a-4e8b")
        .scope("openid", "profile", "email", "orders:read")
        .claim("typ", "Bearer").claim("azp", "shop-web").claim("acr", "1")
        .claim("session_state", "0b6e3c1d-9f2a-4e8b-b1c7-5a6d2e3f4a5b")
        .claim("allowed-origins", List.of("https://shop.example.com"))
        .claim("realm_access", Map.of("roles", List.of("offline_access", "uma_authorization", "default-roles-shop")))
        .claim("resource_access", Map.of("account",
            Map.of("roles", List.of("manage-account", "manage-account-links", "view-profile"))))
        .claim("email_verified", true).claim("name", "Alice Example").claim("preferred_username", "alice")
        .claim("given_name", "Alice").claim("family_name", "Example").claim("email", "alice@example.com")
        .build();
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
