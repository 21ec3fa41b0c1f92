package dev.zt.samples.orders;

import dev.zt.core.Decision;
import dev.zt.core.Enforcer;
import dev.zt.spiffe.SpiffePeerVerifier;
import dev.zt.spiffe.SvidSnapshot;
import dev.zt.spiffe.TrustBundleSet;
import dev.zt.spiffe.X509Source;
import dev.zt.testkit.spiffe.TestSvid;
import dev.zt.testkit.spiffe.TestTrustDomain;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import dev.zt.testkit.TestIssuer;
import dev.zt.testkit.pdp.FakeOpa;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The scripted tour: an in-process issuer signs tokens, orders-service enforces, and each step prints the request,
 * the HTTP answer, and zt's decision with its reason (taken from the audit hook, as an operator would see it).
 * Returns whether every step behaved as expected, so the demo doubles as a smoke test.
 */
final class Demo {

  private record Seen(Decision decision, String detail) {}

  private final PrintStream out;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final AtomicReference<Seen> last = new AtomicReference<>();
  private String base;
  private int failures;
  private int step;

  private Demo(PrintStream out) {
    this.out = out;
  }

  static boolean run(PrintStream out) throws Exception {
    return new Demo(out).tour();
  }

  private boolean tour() throws Exception {
    try (TestIssuer issuer = TestIssuer.builder().audience("orders-api").start();
        OrdersService service = OrdersService.startOnLoopback(
            issuer.bearerJwt().build(), (request, decision, detail) -> last.set(new Seen(decision, detail)))) {
      base = "http://127.0.0.1:" + service.port();
      out.println();
      out.println("zt demo — orders-service on " + base + ", tokens signed by an in-process issuer at "
          + issuer.issuer());
      out.println("routes: GET /orders, GET /orders/{id} need orders:read; POST /orders needs orders:write;");
      out.println("        an order is read by its owner or role admin only (zt's object rule);");
      out.println("        GET /admin/stats needs role admin; GET /health, GET /docs/** are public; the rest is denied");

      String reader = issuer.token().subject("alice").scope("orders:read").build();
      expect("Allowed read: GET /orders with scope orders:read", "GET", "/orders", reader, 200);
      expect("Missing scope: POST /orders with only orders:read", "POST", "/orders", reader, 403);
      expect("Unmatched route: GET /transactions has no rule, so it is denied by default", "GET", "/transactions",
          reader, 403);
      String expired = issuer.token().subject("alice").scope("orders:read").issuedIn(Duration.ofMinutes(-20))
          .expiresIn(Duration.ofMinutes(-10)).build();
      expect("Expired token: GET /orders with a token that expired 10 minutes ago", "GET", "/orders", expired, 401);
      expect("Path trick: GET /docs/..;/admin/stats climbs out of the public /docs prefix", "GET",
          "/docs/..;/admin/stats", reader, 400, 403);
      expect("Path trick: GET /docs/%2e%2e/admin/stats, the same with encoded dots", "GET",
          "/docs/%2e%2e/admin/stats", reader, 400, 403);
      expect("Path trick: GET /orders%2F..%2Fadmin/stats hides slashes in escapes", "GET",
          "/orders%2F..%2Fadmin/stats", reader, 400);
      expect("Path trick: GET /docs/x/../../admin/stats is the admin route once resolved, and zt judges it so",
          "GET", "/docs/x/../../admin/stats", reader, 403);
      expect("Case: GET /ORDERS is not GET /orders (paths are case-sensitive), so no rule matches", "GET",
          "/ORDERS", reader, 403);
      String forged = issuer.token().subject("mallory").scope("orders:read").roles("admin").unsigned().build();
      expect("Forged token: alg \"none\" with role admin", "GET", "/admin/stats", forged, 401);
      String admin = issuer.token().subject("root").roles("admin").build();
      expect("Role: GET /admin/stats with role admin", "GET", "/admin/stats", admin, 200);

      issuer.rotate();
      String rotated = issuer.token().subject("bob").scope("orders:read").build();
      expect("Key rotation: the issuer rotates its signing key; a token with the new kid, no restart", "GET",
          "/orders", rotated, 200);
      expect("Key rotation: a token signed by the previous key is still accepted while it is published", "GET",
          "/orders", reader, 200);
      expect("Public route: GET /health without a token", "GET", "/health", null, 200);

      objects(issuer);

      out.println();
      out.println("— continuous verification: a valid token is not enough —");
      String erin = issuer.token().subject("erin").scope("orders:read").build();
      expect("Device posture: erin's valid token from a non-compliant device (sample: X-Device-Posture header)",
          "GET", "/orders", erin, new String[] {"X-Device-Posture", "noncompliant"}, 401);
      expect("Device posture: the same token from a compliant device", "GET", "/orders", erin,
          new String[] {"X-Device-Posture", "compliant"}, 200);

      String carol = issuer.token().subject("carol").scope("orders:read").build();
      String injection = "/orders?id=1%27%20OR%20%271%27%3D%271";
      expect("SQL injection: carol sends id=1' OR '1'='1", "GET", injection, carol, 403);
      quietly(2, "GET", injection, carol, new String[0]);
      expect("SQL injection: after her third attempt carol's (still valid) credential is suspended for 15 min",
          "GET", "/orders", carol, 401);

      String dave = issuer.token().subject("dave").scope("orders:read").build();
      quietly(50, "GET", "/orders", dave, new String[0]);
      expect("Rate limit: dave's 51st GET /orders within 10 s (50 per 10 s per identity)", "GET", "/orders", dave,
          429);

      String stuffing = issuer.token().subject("victim").header("kid", "guessed").build();
      String[] attacker = {"X-Forwarded-For", "198.51.100.23"};
      quietly(20, "GET", "/orders", stuffing, attacker);
      expect("Credential stuffing: after 20 failed authentications from 198.51.100.23 (behind the gateway) in a "
          + "minute, even a valid token from there is refused", "GET", "/orders", bob(issuer), attacker, 403);
      expect("Credential stuffing: other sources are unaffected", "GET", "/orders", bob(issuer),
          new String[] {"X-Forwarded-For", "198.51.100.24"}, 200);

      serviceToService(issuer);

      out.println();
      out.println(failures == 0 ? "All " + step + " steps behaved as expected."
          : failures + " of " + step + " steps did NOT behave as expected.");
      return failures == 0;
    }
  }

  /**
   * Object-level authorization: the route rule lets any orders:read token reach {@code GET /orders/{id}}, and zt's
   * object rule then lets only the order's owner, or role admin, read it.
   */
  private void objects(TestIssuer issuer) throws Exception {
    out.println();
    out.println("— object-level authorization: orders have owners —");
    String alice = issuer.token().subject("alice").scope("orders:read orders:write").build();
    String location = create("Create: alice POSTs an order; it is hers (owner = her sub), its id 128 random bits",
        alice);
    if (location == null) {
      return;
    }
    expect("Owner: alice reads her order", "GET", location, alice, 200);
    expect("Not the owner: bob (orders:read, like alice) reads alice's order — the route allows, the object rule "
        + "does not", "GET", location, bob(issuer), 403);
    expect("Admin: role admin reads any order", "GET", location,
        issuer.token().subject("root").scope("orders:read").roles("admin").build(), 200);
    expect("Unknown id: an order that does not exist", "GET", "/orders/AAAAAAAAAAAAAAAAAAAAAA", alice, 404);
    pdp(issuer, alice);
  }

  /**
   * An external PDP after the object rule ({@code ZT_PDP_URL}): a second service asks an in-process stand-in for
   * OPA's Data API ({@link FakeOpa}, written to OPA's published contract) at {@code orders/allow}.
   */
  private void pdp(TestIssuer issuer, String alice) throws Exception {
    out.println();
    out.println("— an external PDP (OPA's Data API, here an in-process stand-in) asked after the object rule —");
    String main = base;
    try (FakeOpa opa = FakeOpa.start().result(false);
        OrdersService service = OrdersService.start("127.0.0.1", 0, OrdersSecurity.enforcer(
            java.util.List.of(issuer.bearerJwt().build()), (request, decision, detail) ->
                last.set(new Seen(decision, detail)), OrdersSecurity.Sender.NONE,
            java.util.Optional.of(OrdersSecurity.pdp(new OrdersService.Pdp(opa.baseUri(), Duration.ofMillis(500),
                true), java.time.Clock.systemUTC()))))) {
      base = "http://127.0.0.1:" + service.port();
      String first = create("Create: alice creates an order on a service with ZT_PDP_URL set", alice);
      String second = create("Create: and a second one", alice);
      if (first == null || second == null) {
        return;
      }
      expect("PDP says no: alice reads her own order; the object rule permits, OPA's orders/allow answers false",
          "GET", first, alice, 403);
      opa.close();
      expect("PDP down: OPA is stopped; alice reads her other order — no decision is never an allow", "GET", second,
          alice, 503);
    } finally {
      base = main;
    }
  }

  /** A {@code POST /orders} step expecting 201: prints it like the others and returns the {@code Location}. */
  private String create(String title, String token) throws Exception {
    HttpResponse<String> res = expect(title, "POST", "/orders", token, new String[0], 201);
    String location = res.headers().firstValue("Location").orElse(null);
    if (location != null) {
      out.println("      Location: " + location + "   " + res.body());
    }
    return res.statusCode() == 201 ? location : null;
  }

  /**
   * Service to service: a second listener requires an X.509-SVID in the TLS handshake, and route rules decide by the
   * calling workload's SPIFFE ID (the demo's trust domain and its SVIDs come from the testkit's test authority).
   */
  private void serviceToService(TestIssuer issuer) throws Exception {
    out.println();
    out.println("— service to service: mTLS with X.509-SVIDs, rules by SPIFFE principal —");
    TestTrustDomain td = TestTrustDomain.create("example.org");
    TestSvid own = td.issueX509Svid("/ns/shop/sa/orders");
    OrdersService.Mtls mtls = new OrdersService.Mtls(0, X509Source.of(new SvidSnapshot(own.toX509Svid(),
        TrustBundleSet.of(td.bundle().trustBundle()))), td.trustDomain());
    Enforcer workloads = OrdersSecurity.workloadEnforcer(issuer.bearerJwt().build(),
        SpiffePeerVerifier.of(mtls.source(), java.time.Clock.systemUTC()), "example.org",
        (request, decision, detail) -> last.set(new Seen(decision, detail)));
    try (OrdersService internal = OrdersService.start("127.0.0.1", 0,
        OrdersSecurity.enforcer(issuer.bearerJwt().build(), null), mtls, workloads)) {
      viaMtls("spiffe://example.org/ns/shop/sa/checkout calls GET /internal/inventory (its rule names it)",
          td, "/ns/shop/sa/checkout", internal.mtlsPort(), "/internal/inventory", 200);
      viaMtls("spiffe://example.org/ns/analytics/sa/report calls GET /internal/inventory (not named: denied)",
          td, "/ns/analytics/sa/report", internal.mtlsPort(), "/internal/inventory", 403);
    }
  }

  private void viaMtls(String title, TestTrustDomain td, String workload, int port, String path, int expected)
      throws Exception {
    step++;
    last.set(null);
    SSLContext tls = TestTrustDomain.sslContextFor(td.issueX509Svid(workload), td);
    int status;
    try (SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      String request = "GET " + path + " HTTP/1.1\r\nHost: orders.internal\r\nConnection: close\r\n\r\n";
      socket.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      String statusLine = new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(),
          java.nio.charset.StandardCharsets.US_ASCII)).readLine();
      status = Integer.parseInt(statusLine.split(" ")[1]);
    }
    boolean ok = status == expected;
    if (!ok) {
      failures++;
    }
    out.println();
    out.printf("%2d. %s%n", step, title);
    out.printf("    GET %s over mTLS (client X.509-SVID of %s)%n", path, workload);
    out.printf("    → %d %s%n", status, ok ? "" : "  ✗ UNEXPECTED");
    Seen seen = last.get();
    if (seen != null && seen.decision() instanceof Decision.Allow a) {
      out.println("      zt: allow by rule \"" + a.rule() + "\" for workload " + a.caller().workload().orElse("-"));
    } else if (seen != null) {
      Decision.Deny d = (Decision.Deny) seen.decision();
      out.println("      zt: deny by the " + d.gate() + " gate, reason " + d.reason() + ", rule \"" + d.rule() + "\"");
    }
  }

  private static String bob(TestIssuer issuer) {
    return issuer.token().subject("bob").scope("orders:read").build();
  }

  private void expect(String title, String method, String path, String token, int... statuses) throws Exception {
    expect(title, method, path, token, new String[0], statuses);
  }

  private HttpResponse<String> send(String method, String path, String token, String[] headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10))
        .method(method, method.equals("POST") ? HttpRequest.BodyPublishers.ofString("{}")
            : HttpRequest.BodyPublishers.noBody());
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    for (int i = 0; i + 1 < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Sends {@code n} requests without printing them (the run-up to a burst or a stuffing run). */
  private void quietly(int n, String method, String path, String token, String[] headers) throws Exception {
    for (int i = 0; i < n; i++) {
      send(method, path, token, headers);
    }
  }

  private HttpResponse<String> expect(String title, String method, String path, String token, String[] headers,
      int... statuses) throws Exception {
    step++;
    last.set(null);
    HttpResponse<String> res = send(method, path, token, headers);
    boolean ok = false;
    for (int s : statuses) {
      ok |= s == res.statusCode();
    }
    if (!ok) {
      failures++;
    }
    out.println();
    out.printf("%2d. %s%n", step, title);
    StringBuilder shown = new StringBuilder();
    for (int i = 0; i + 1 < headers.length; i += 2) {
      shown.append("  (").append(headers[i]).append(": ").append(headers[i + 1]).append(')');
    }
    out.printf("    %s %s%s%s%n", method, path, token == null ? "" : "  (Authorization: Bearer …)", shown);
    out.printf("    → %d %s%n", res.statusCode(), ok ? "" : "  ✗ UNEXPECTED");
    for (String h : new String[] {"WWW-Authenticate", "Retry-After", "RateLimit-Policy", "RateLimit"}) {
      res.headers().firstValue(h).ifPresent(v -> out.println("      " + h + ": " + v));
    }
    Seen seen = last.get();
    if (seen == null) {
      out.println("      zt: (the container refused the request before it reached zt)");
    } else if (seen.decision() instanceof Decision.Allow a) {
      out.println("      zt: allow by rule \"" + a.rule() + "\" for " + a.caller().getName());
    } else {
      Decision.Deny d = (Decision.Deny) seen.decision();
      out.println("      zt: deny by the " + d.gate() + " gate, reason " + d.reason() + ", rule \"" + d.rule() + "\""
          + (seen.detail().isEmpty() ? "" : " (" + seen.detail() + ")"));
    }
    return res;
  }
}
