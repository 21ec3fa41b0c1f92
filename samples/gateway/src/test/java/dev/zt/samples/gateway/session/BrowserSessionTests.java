package dev.zt.samples.gateway.session;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.JWTParser;
import dev.zt.core.Caller;
import dev.zt.core.Enforcer;
import dev.zt.core.policy.Requirement;
import dev.zt.core.policy.RoutePolicy;
import dev.zt.servlet.ZeroTrustFilter;
import dev.zt.testkit.TestClock;
import dev.zt.testkit.TestIssuer;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The session filter in a real Jetty context, in front of zt's filter and a recording servlet, logging in against
 * {@link TestIssuer}'s authorization and token endpoints on a {@link TestClock}. The public URL is
 * {@code https://shop.example} (a TLS terminator in front); the test talks to Jetty directly.
 */
class BrowserSessionTests {

  private static final String PUBLIC = "https://shop.example";
  private static final String CLIENT = "gateway-web";
  private static final String SECRET = "gateway-web-secret";

  private final TestClock clock = TestClock.create();
  private final TestIssuer issuer = TestIssuer.start(clock);
  private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
      .connectTimeout(Duration.ofSeconds(5)).build();
  private final List<String> forwardedAuthorization = new CopyOnWriteArrayList<>();
  private final List<String> callers = new CopyOnWriteArrayList<>();
  private BrowserSessions sessions;
  private Server server;
  private String base;

  private void start(Map<String, String> extraEnv, int maxPendingLogins) throws Exception {
    Map<String, String> env = new HashMap<>();
    env.put("ZT_ISSUER", issuer.issuer());
    env.put("GATEWAY_SESSION_CLIENT_ID", CLIENT);
    env.put("GATEWAY_SESSION_CLIENT_SECRET", SECRET);
    env.put("GATEWAY_PUBLIC_URL", PUBLIC);
    env.put("GATEWAY_SESSION_SCOPES", "openid orders:read");
    env.putAll(extraEnv);
    env.values().removeIf(v -> v == null);
    SessionSettings settings = SessionSettings.fromEnvironment(env, 8080).orElseThrow();
    IssuerEndpoints endpoints = IssuerEndpoints.discover(settings.issuer(), http, Duration.ofSeconds(5));
    sessions = new BrowserSessions(settings, endpoints, http, clock, maxPendingLogins);

    Enforcer enforcer = Enforcer.builder().clock(clock).bearerJwt(issuer.bearerJwt().build())
        .routes(RoutePolicy.builder()
            .get("/orders", Requirement.allScopes("orders:read"))
            .post("/orders", Requirement.allScopes("orders:read"))
            .get("/admin", Requirement.allScopes("admin"))
            .build())
        .build();
    QueuedThreadPool threads = new QueuedThreadPool(24, 2);
    server = new Server(threads);
    ServerConnector connector = new ServerConnector(server, 1, 1);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler();
    context.setContextPath("/");
    context.addFilter(new FilterHolder(sessions.filter()), "/*", EnumSet.of(DispatcherType.REQUEST));
    context.addFilter(new FilterHolder(new ZeroTrustFilter(enforcer)), "/*", EnumSet.of(DispatcherType.REQUEST));
    context.addServlet(new ServletHolder(new HttpServlet() {
      @Override
      protected void service(HttpServletRequest req, HttpServletResponse res) throws IOException {
        forwardedAuthorization.add(String.valueOf(req.getHeader("Authorization")));
        Object caller = req.getAttribute(ZeroTrustFilter.CALLER_ATTRIBUTE);
        callers.add(caller instanceof Caller c ? c.subject().orElse("none") : "none");
        res.setStatus(200);
        res.getWriter().write("upstream");
      }
    }), "/*");
    server.setHandler(context);
    server.start();
    base = "http://127.0.0.1:" + connector.getLocalPort();
    issuer.registerClient(CLIENT, SECRET, URI.create(PUBLIC + "/callback"));
    issuer.loginAs("alice");
  }

  private void start() throws Exception {
    start(Map.of(), 10_000);
  }

  @AfterEach
  void stop() throws Exception {
    if (server != null) {
      server.stop();
    }
    issuer.close();
  }

  // ---- the login --------------------------------------------------------------------------------------------

  @Test
  void loginWhenStartedThenRedirectsToIssuerWithPkceStateNonceAndLaxLoginCookie() throws Exception {
    start();
    HttpResponse<String> res = send(get("/login"));
    assertThat(res.statusCode()).isEqualTo(302);
    URI location = URI.create(res.headers().firstValue("Location").orElseThrow());
    assertThat(location.getScheme() + "://" + location.getAuthority() + location.getPath())
        .isEqualTo(issuer.authorizationEndpoint().toString());
    Map<String, String> q = query(location);
    assertThat(q).containsEntry("response_type", "code").containsEntry("client_id", CLIENT)
        .containsEntry("redirect_uri", PUBLIC + "/callback").containsEntry("scope", "openid orders:read")
        .containsEntry("code_challenge_method", "S256");
    assertThat(q.get("state")).matches("[A-Za-z0-9_-]{43}");
    assertThat(q.get("nonce")).matches("[A-Za-z0-9_-]{43}").isNotEqualTo(q.get("state"));
    assertThat(q.get("code_challenge")).matches("[A-Za-z0-9_-]{43}");
    assertThat(res.headers().firstValue("Cache-Control")).contains("no-store");
    Map<String, String> cookie = setCookie(res, SessionFilter.LOGIN_COOKIE).orElseThrow();
    assertThat(cookie).containsEntry("path", "/").containsEntry("samesite", "Lax").containsKeys("secure", "httponly")
        .containsEntry("max-age", "300").doesNotContainKey("domain");
    HttpResponse<String> second = send(get("/login"));
    assertThat(query(URI.create(second.headers().firstValue("Location").orElseThrow())).get("state"))
        .isNotEqualTo(q.get("state"));
  }

  @Test
  void callbackWhenRoundTripThenStrictHostSessionCookieAndRequestForwardedWithAccessToken() throws Exception {
    start();
    HttpResponse<String> done = login();
    assertThat(done.statusCode()).isEqualTo(303);
    assertThat(done.headers().firstValue("Location")).contains(PUBLIC + "/");
    Map<String, String> cookie = setCookie(done, SessionFilter.SESSION_COOKIE).orElseThrow();
    assertThat(cookie.get("value")).matches("[A-Za-z0-9_-]{43}");
    assertThat(cookie).containsEntry("path", "/").containsEntry("samesite", "Strict")
        .containsKeys("secure", "httponly").doesNotContainKey("domain");
    assertThat(setCookie(done, SessionFilter.LOGIN_COOKIE).orElseThrow()).containsEntry("max-age", "0");
    assertThat(done.body()).doesNotContain("eyJ"); // no token reaches the browser

    HttpResponse<String> res = send(get("/orders").header("Cookie", session(done)));
    assertThat(res.statusCode()).isEqualTo(200);
    assertThat(callers).containsExactly("alice");
    String access = bearer(forwardedAuthorization.get(0));
    assertThat(JWTParser.parse(access).getJWTClaimsSet().getSubject()).isEqualTo("alice");
    assertThat(issuer.tokenRequests("authorization_code")).isEqualTo(1);
  }

  @Test
  void callbackWhenPublicClientThenLogsInWithPkceAlone() throws Exception {
    Map<String, String> env = new HashMap<>();
    env.put("GATEWAY_SESSION_CLIENT_ID", "spa-bff");
    env.put("GATEWAY_SESSION_CLIENT_SECRET", null);
    start(env, 10_000);
    issuer.registerPublicClient("spa-bff", URI.create(PUBLIC + "/callback"));
    HttpResponse<String> done = login();
    assertThat(done.statusCode()).isEqualTo(303);
    assertThat(send(get("/orders").header("Cookie", session(done))).statusCode()).isEqualTo(200);
  }

  @Test
  void callbackWhenStateDiffersThenBadRequestAndLoginSpent() throws Exception {
    start();
    HttpResponse<String> started = send(get("/login"));
    String loginCookie = cookiePair(started, SessionFilter.LOGIN_COOKIE);
    URI callback = authorize(started);
    String forged = callback.getRawQuery().replaceFirst("state=[^&]+", "state=" + Randoms.token());
    HttpResponse<String> res = send(get("/callback?" + forged).header("Cookie", loginCookie));
    assertProblem(res, 400, "state-mismatch");
    assertThat(setCookie(res, SessionFilter.SESSION_COOKIE)).isEmpty();
    // the real state afterwards finds no login: a callback is answered once
    assertProblem(send(get("/callback?" + callback.getRawQuery()).header("Cookie", loginCookie)), 400, "no-login");
    assertThat(issuer.tokenRequests("authorization_code")).isZero();
  }

  @Test
  void callbackWhenLoginCookieMissingThenBadRequest() throws Exception {
    start();
    URI callback = authorize(send(get("/login")));
    assertProblem(send(get("/callback?" + callback.getRawQuery())), 400, "no-login");
    assertThat(issuer.tokenRequests("authorization_code")).isZero();
  }

  @Test
  void callbackWhenAnotherBrowsersLoginCookieThenBadRequest() throws Exception {
    start();
    HttpResponse<String> victim = send(get("/login"));
    HttpResponse<String> attacker = send(get("/login"));
    URI attackersCallback = authorize(attacker);
    // login CSRF: the attacker's callback URL in the victim's browser, which holds its own login cookie
    HttpResponse<String> res = send(get("/callback?" + attackersCallback.getRawQuery())
        .header("Cookie", cookiePair(victim, SessionFilter.LOGIN_COOKIE)));
    assertProblem(res, 400, "state-mismatch");
    assertThat(issuer.tokenRequests("authorization_code")).isZero();
  }

  @Test
  void callbackWhenLoginOlderThanFiveMinutesThenBadRequest() throws Exception {
    start();
    HttpResponse<String> started = send(get("/login"));
    URI callback = authorize(started);
    clock.advance(Duration.ofMinutes(5));
    assertProblem(send(get("/callback?" + callback.getRawQuery())
        .header("Cookie", cookiePair(started, SessionFilter.LOGIN_COOKIE))), 400, "no-login");
  }

  @Test
  void callbackWhenIssDiffersOrMissingThenBadRequest() throws Exception {
    start();
    for (String iss : List.of("iss=" + enc("https://evil.example"), "")) {
      HttpResponse<String> started = send(get("/login"));
      URI callback = authorize(started);
      String query = callback.getRawQuery().replaceFirst("&?iss=[^&]+", "")
          + (iss.isEmpty() ? "" : "&" + iss);
      HttpResponse<String> res = send(get("/callback?" + query)
          .header("Cookie", cookiePair(started, SessionFilter.LOGIN_COOKIE)));
      assertProblem(res, 400, "issuer-mismatch");
    }
    assertThat(issuer.tokenRequests("authorization_code")).isZero();
  }

  @Test
  void callbackWhenIssuerDeniesLoginThenForbidden() throws Exception {
    start();
    issuer.logout();
    HttpResponse<String> started = send(get("/login"));
    URI callback = authorize(started);
    assertThat(query(callback)).containsEntry("error", "access_denied");
    HttpResponse<String> res = send(get("/callback?" + callback.getRawQuery())
        .header("Cookie", cookiePair(started, SessionFilter.LOGIN_COOKIE)));
    assertProblem(res, 403, "login-refused");
    assertThat(res.body()).doesNotContain("no user logged in"); // the issuer's text is not echoed
  }

  @Test
  void callbackWhenCodeRedeemedTwiceThenSecondRefused() throws Exception {
    start();
    HttpResponse<String> started = send(get("/login"));
    URI callback = authorize(started);
    String loginCookie = cookiePair(started, SessionFilter.LOGIN_COOKIE);
    assertThat(send(get("/callback?" + callback.getRawQuery()).header("Cookie", loginCookie)).statusCode())
        .isEqualTo(303);
    HttpResponse<String> again = send(get("/callback?" + callback.getRawQuery()).header("Cookie", loginCookie));
    assertProblem(again, 400, "no-login");
  }

  @Test
  void callbackWhenTokenEndpointDownThenServiceUnavailable() throws Exception {
    start();
    HttpResponse<String> started = send(get("/login"));
    URI callback = authorize(started);
    issuer.tokenEndpointStatus(503);
    HttpResponse<String> res = send(get("/callback?" + callback.getRawQuery())
        .header("Cookie", cookiePair(started, SessionFilter.LOGIN_COOKIE)));
    assertProblem(res, 503, "issuer-unavailable");
    assertThat(setCookie(res, SessionFilter.SESSION_COOKIE)).isEmpty();
  }

  @Test
  void loginWhenFloodedThenPendingLoginsStayBounded() throws Exception {
    start(Map.of(), 50);
    for (int i = 0; i < 300; i++) {
      assertThat(send(get("/login")).statusCode()).isEqualTo(302);
    }
    assertThat(sessions.pendingLogins().size()).isLessThanOrEqualTo(50);
    clock.advance(SessionFilter.LOGIN_LIFETIME);
    assertThat(sessions.pendingLogins().size()).isZero();
  }

  // ---- renewal ----------------------------------------------------------------------------------------------

  @Test
  void requestWhenAccessTokenExpiredThenRenewedWithRotationAndOldRefreshTokenDead() throws Exception {
    issuer.accessTokenLifetime(Duration.ofSeconds(60));
    start();
    String cookie = session(login());
    Session s = sessions.sessions().find(cookieValue(cookie)).orElseThrow();
    String firstRefresh = s.tokens().refreshToken().orElseThrow();
    assertThat(send(get("/orders").header("Cookie", cookie)).statusCode()).isEqualTo(200);
    assertThat(issuer.tokenRequests("refresh_token")).isZero();

    clock.advance(Duration.ofSeconds(31)); // 29 s left: under the 30 s margin
    assertThat(send(get("/orders").header("Cookie", cookie)).statusCode()).isEqualTo(200);
    assertThat(issuer.tokenRequests("refresh_token")).isEqualTo(1);
    clock.advance(Duration.ofSeconds(120)); // the first access token is long expired
    assertThat(send(get("/orders").header("Cookie", cookie)).statusCode()).isEqualTo(200);
    assertThat(issuer.tokenRequests("refresh_token")).isEqualTo(2);

    List<String> tokens = forwardedAuthorization.stream().map(BrowserSessionTests::bearer).toList();
    assertThat(tokens).hasSize(3).doesNotHaveDuplicates();
    assertThat(callers).containsOnly("alice");
    String lastRefresh = s.tokens().refreshToken().orElseThrow();
    assertThat(lastRefresh).isNotEqualTo(firstRefresh);

    // the first refresh token was rotated away: presented again it is refused (and the issuer ends the family)
    HttpResponse<String> replay = http.send(HttpRequest.newBuilder(issuer.tokenEndpoint())
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString("grant_type=refresh_token&refresh_token=" + enc(firstRefresh)
            + "&client_id=" + CLIENT + "&client_secret=" + SECRET)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(replay.statusCode()).isEqualTo(400);
    assertThat(replay.body()).contains("invalid_grant");
  }

  @Test
  void requestWhenManyAtOnceNeedRenewalThenOneRefreshCall() throws Exception {
    issuer.accessTokenLifetime(Duration.ofSeconds(60));
    start();
    String cookie = session(login());
    clock.advance(Duration.ofSeconds(59));
    int n = 12;
    ExecutorService pool = Executors.newFixedThreadPool(n);
    CountDownLatch go = new CountDownLatch(1);
    try {
      List<Future<Integer>> statuses = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        statuses.add(pool.submit(() -> {
          go.await(10, TimeUnit.SECONDS);
          return send(get("/orders").header("Cookie", cookie)).statusCode();
        }));
      }
      go.countDown();
      for (Future<Integer> f : statuses) {
        assertThat(f.get(20, TimeUnit.SECONDS)).isEqualTo(200);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(issuer.tokenRequests("refresh_token")).isEqualTo(1);
    assertThat(forwardedAuthorization.stream().distinct().count()).isEqualTo(1);
  }

  @Test
  void requestWhenRefreshRefusedThenUnauthorizedCookieClearedAndSessionGone() throws Exception {
    issuer.accessTokenLifetime(Duration.ofSeconds(60));
    start();
    String cookie = session(login());
    assertThat(send(get("/orders").header("Cookie", cookie)).statusCode()).isEqualTo(200);
    String sid = (String) JWTParser.parse(bearer(forwardedAuthorization.get(0))).getJWTClaimsSet().getClaim("sid");
    issuer.revokeSession(sid);
    clock.advance(Duration.ofSeconds(45));

    HttpResponse<String> res = send(get("/orders").header("Cookie", cookie));
    assertProblem(res, 401, "session-ended");
    assertThat(res.headers().firstValue("WWW-Authenticate")).contains("Bearer realm=\"zt\"");
    assertThat(res.headers().firstValue("Location")).isEmpty();
    assertThat(setCookie(res, SessionFilter.SESSION_COOKIE).orElseThrow())
        .containsEntry("value", "").containsEntry("max-age", "0").containsEntry("path", "/");
    assertThat(issuer.tokenRequests("refresh_token")).isEqualTo(1);
    assertThat(forwardedAuthorization).hasSize(1);

    assertProblem(send(get("/orders").header("Cookie", cookie)), 401, "no-session");
    assertThat(issuer.tokenRequests("refresh_token")).isEqualTo(1);
  }

  @Test
  void requestWhenIssuerDownAtRenewalThenServiceUnavailableAndSessionKept() throws Exception {
    issuer.accessTokenLifetime(Duration.ofSeconds(60));
    start();
    String cookie = session(login());
    clock.advance(Duration.ofSeconds(45));
    issuer.tokenEndpointStatus(503);
    HttpResponse<String> res = send(get("/orders").header("Cookie", cookie));
    assertProblem(res, 503, "issuer-unavailable");
    assertThat(res.headers().firstValue("Retry-After")).contains("5");
    assertThat(setCookie(res, SessionFilter.SESSION_COOKIE)).isEmpty();
    assertThat(forwardedAuthorization).isEmpty();

    issuer.tokenEndpointStatus(200);
    assertThat(send(get("/orders").header("Cookie", cookie)).statusCode()).isEqualTo(200);
    assertThat(issuer.tokenRequests("refresh_token")).isEqualTo(2);
  }

  @Test
  void requestWhenRenewedTokenLacksScopeThenZtDecidesAsForAnyToken() throws Exception {
    start();
    String cookie = session(login());
    HttpResponse<String> res = send(get("/admin").header("Cookie", cookie));
    assertThat(res.statusCode()).isEqualTo(403);
    assertThat(res.headers().firstValue("WWW-Authenticate").orElseThrow()).contains("insufficient_scope");
  }

  // ---- what the session cookie may not do -------------------------------------------------------------------

  @Test
  void requestWhenSessionUnknownThenUnauthorizedNeverARedirect() throws Exception {
    start();
    for (String value : List.of(Randoms.token(), "short", "../../etc")) {
      HttpResponse<String> res = send(get("/orders").header("Cookie", SessionFilter.SESSION_COOKIE + "=" + value));
      assertProblem(res, 401, "no-session");
      assertThat(res.headers().firstValue("Location")).isEmpty();
      assertThat(setCookie(res, SessionFilter.SESSION_COOKIE).orElseThrow()).containsEntry("max-age", "0");
    }
    assertThat(forwardedAuthorization).isEmpty();
  }

  @Test
  void requestWhenSessionIdleTooLongThenUnauthorized() throws Exception {
    start();
    String cookie = session(login());
    clock.advance(Duration.ofMinutes(30));
    assertProblem(send(get("/orders").header("Cookie", cookie)), 401, "no-session");
  }

  @Test
  void requestWhenSessionCookieAndAuthorizationThenBadRequest() throws Exception {
    start();
    String cookie = session(login());
    String token = issuer.token().scope("orders:read").build();
    HttpResponse<String> res = send(get("/orders").header("Cookie", cookie).header("Authorization", "Bearer " + token));
    assertProblem(res, 400, "ambiguous-credentials");
    assertThat(forwardedAuthorization).isEmpty();
  }

  @Test
  void requestWhenTwoSessionCookiesThenBadRequest() throws Exception {
    start();
    String cookie = session(login());
    HttpResponse<String> res = send(get("/orders")
        .header("Cookie", cookie + "; " + SessionFilter.SESSION_COOKIE + "=" + Randoms.token()));
    assertProblem(res, 400, "ambiguous-session");
  }

  @Test
  void requestWhenUnsafeMethodWithoutSameOriginThenForbidden() throws Exception {
    start();
    String cookie = session(login());
    for (String method : List.of("POST", "PUT", "PATCH", "DELETE")) {
      HttpResponse<String> none = send(request("/orders").method(method, HttpRequest.BodyPublishers.noBody())
          .header("Cookie", cookie));
      assertProblem(none, 403, "cross-origin");
      for (String origin : List.of("https://evil.example", "http://shop.example", "https://shop.example:8443",
          "null")) {
        HttpResponse<String> foreign = send(request("/orders").method(method, HttpRequest.BodyPublishers.noBody())
            .header("Cookie", cookie).header("Origin", origin));
        assertProblem(foreign, 403, "cross-origin");
      }
    }
    assertThat(forwardedAuthorization).isEmpty();
    HttpResponse<String> same = send(request("/orders").POST(HttpRequest.BodyPublishers.noBody())
        .header("Cookie", cookie).header("Origin", PUBLIC));
    assertThat(same.statusCode()).isEqualTo(200);
    assertThat(forwardedAuthorization).hasSize(1);
  }

  @Test
  void requestWhenNoSessionCookieThenZtDecidesOnTheRequestAsSent() throws Exception {
    start();
    assertThat(send(get("/orders")).statusCode()).isEqualTo(401);
    String token = issuer.token().scope("orders:read").build();
    assertThat(send(get("/orders").header("Authorization", "Bearer " + token)).statusCode()).isEqualTo(200);
    assertThat(forwardedAuthorization).containsExactly("Bearer " + token);
    // a token client's POST needs no Origin: no cookie, no ambient authority to forge
    assertThat(send(request("/orders").POST(HttpRequest.BodyPublishers.noBody())
        .header("Authorization", "Bearer " + token)).statusCode()).isEqualTo(200);
  }

  @Test
  void logoutWhenPostedFromOwnOriginThenSessionEndsServerSide() throws Exception {
    start();
    String cookie = session(login());
    HttpResponse<String> foreign = send(request("/logout").POST(HttpRequest.BodyPublishers.noBody())
        .header("Cookie", cookie).header("Origin", "https://evil.example"));
    assertProblem(foreign, 403, "cross-origin");
    assertThat(send(get("/orders").header("Cookie", cookie)).statusCode()).isEqualTo(200);

    HttpResponse<String> out = send(request("/logout").POST(HttpRequest.BodyPublishers.noBody())
        .header("Cookie", cookie).header("Origin", PUBLIC));
    assertThat(out.statusCode()).isEqualTo(204);
    assertThat(setCookie(out, SessionFilter.SESSION_COOKIE).orElseThrow()).containsEntry("max-age", "0");
    // the browser kept the cookie (a copy, a stolen one): it opens nothing any more
    assertProblem(send(get("/orders").header("Cookie", cookie)), 401, "no-session");
    assertThat(send(get("/logout").header("Cookie", cookie)).statusCode()).isEqualTo(405);
  }

  // ---- helpers ----------------------------------------------------------------------------------------------

  /** GET /login, the issuer's authorization endpoint, then /callback with the login cookie: the last answer. */
  private HttpResponse<String> login() throws Exception {
    HttpResponse<String> started = send(get("/login"));
    URI callback = authorize(started);
    return send(get("/callback?" + callback.getRawQuery())
        .header("Cookie", cookiePair(started, SessionFilter.LOGIN_COOKIE)));
  }

  /** Follows /login's redirect to the issuer; the issuer's redirect back to the public callback URL. */
  private URI authorize(HttpResponse<String> started) throws Exception {
    URI location = URI.create(started.headers().firstValue("Location").orElseThrow());
    HttpResponse<String> res = http.send(HttpRequest.newBuilder(location).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(res.statusCode()).as(res.body()).isEqualTo(302);
    URI back = URI.create(res.headers().firstValue("Location").orElseThrow());
    assertThat(back.getScheme() + "://" + back.getAuthority() + back.getPath()).isEqualTo(PUBLIC + "/callback");
    return back;
  }

  private HttpRequest.Builder get(String pathAndQuery) {
    return request(pathAndQuery).GET();
  }

  private HttpRequest.Builder request(String pathAndQuery) {
    return HttpRequest.newBuilder(URI.create(base + pathAndQuery)).timeout(Duration.ofSeconds(15));
  }

  private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static void assertProblem(HttpResponse<String> res, int status, String type) {
    assertThat(res.statusCode()).as(res.body()).isEqualTo(status);
    assertThat(res.headers().firstValue("Content-Type")).contains("application/problem+json");
    assertThat(res.headers().firstValue("Cache-Control")).contains("no-store");
    assertThat(res.body()).contains("\"type\":\"https://zt.dev/problems/" + type + "\"");
  }

  private static String session(HttpResponse<String> loggedIn) {
    return cookiePair(loggedIn, SessionFilter.SESSION_COOKIE);
  }

  private static String cookiePair(HttpResponse<String> res, String name) {
    return name + "=" + setCookie(res, name).orElseThrow().get("value");
  }

  private static String cookieValue(String pair) {
    return pair.substring(pair.indexOf('=') + 1);
  }

  /** The attributes of the Set-Cookie for {@code name} (lower-case keys; "value" the cookie's value). */
  private static Optional<Map<String, String>> setCookie(HttpResponse<String> res, String name) {
    for (String header : res.headers().allValues("Set-Cookie")) {
      String[] parts = header.split(";");
      String[] nv = parts[0].trim().split("=", 2);
      if (!nv[0].equals(name)) {
        continue;
      }
      Map<String, String> attrs = new LinkedHashMap<>();
      attrs.put("value", nv.length > 1 ? nv[1] : "");
      for (int i = 1; i < parts.length; i++) {
        String[] kv = parts[i].trim().split("=", 2);
        attrs.put(kv[0].toLowerCase(java.util.Locale.ROOT), kv.length > 1 ? kv[1] : "");
      }
      return Optional.of(attrs);
    }
    return Optional.empty();
  }

  private static Map<String, String> query(URI uri) {
    Map<String, String> q = new LinkedHashMap<>();
    for (String p : uri.getRawQuery().split("&")) {
      String[] kv = p.split("=", 2);
      q.put(URLDecoder.decode(kv[0], StandardCharsets.UTF_8),
          kv.length > 1 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "");
    }
    return q;
  }

  private static String bearer(String authorization) {
    assertThat(authorization).startsWith("Bearer ");
    return authorization.substring("Bearer ".length());
  }

  private static String enc(String s) {
    return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
