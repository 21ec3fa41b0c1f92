package dev.zt.testkit.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.util.JSONObjectUtils;
import dev.zt.core.credential.BearerJwt;
import dev.zt.core.Caller;
import dev.zt.core.Decision;
import dev.zt.core.detect.Detection;
import dev.zt.core.Enforcer;
import dev.zt.core.RequestContext;
import dev.zt.core.policy.Requirement;
import dev.zt.core.policy.Route;
import dev.zt.core.policy.RoutePolicy;
import dev.zt.core.WireResponse;
import dev.zt.testkit.TestClock;
import dev.zt.testkit.TestIssuer;
import dev.zt.testkit.TestKey;
import dev.zt.testkit.TestRequest;
import dev.zt.testkit.TokenBuilder;
import dev.zt.testkit.ZtAssertions;
import io.opentelemetry.api.OpenTelemetry;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.text.ParseException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The conformance suite every zt adapter passes: real HTTP over loopback, byte-exact requests ({@link RawHttp}), a
 * real issuer ({@link TestIssuer}), and assertions on what reaches the wire and what reaches the application. It
 * proves that the adapter writes zt's decision → wire table faithfully and that the route zt authorizes is the route
 * the server dispatches to, including for the path tricks that split authorization from routing.
 *
 * <p>An adapter's test extends this class and implements {@link #start(Enforcer)}: start a server with the adapter
 * in front of an application that routes like {@link Handler} and answers every request it receives with 200 and
 * {@link #applicationBody}. The suite owns the issuer, the clock and the enforcers (realm {@value #REALM}, the
 * routes of {@link #routes()}), starts one server per test class, and a second, short-lived one for the key outage.
 *
 * <pre>{@code
 * class MyAdapterConformanceTests extends AdapterConformanceSuite {
 *   @Override
 *   protected ServerHandle start(Enforcer enforcer) throws Exception {
 *     MyServer server = MyServer.start(enforcer); // yours: the adapter in front of a handler per Handler constant
 *     return new ServerHandle(server.port(), server::stop);
 *   }
 * }
 * }</pre>
 *
 * <p>zt's own are complete examples: {@code JettyConformanceTests} and {@code TomcatConformanceTests} in zt-servlet,
 * {@code NettyConformanceTests} in zt-netty.
 *
 * <p>Where the server refuses a request before the adapter sees it (a 400 for an ambiguous path, a 431 for an
 * oversized header), the suite accepts any 4xx: the container's own refusal is not a zt answer, and is fine as long
 * as no handler answered.
 *
 * @since 0.1
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class AdapterConformanceSuite {

  /** The realm of every challenge the suite expects. */
  public static final String REALM = "orders";

  /** The problem type every zt body names a subtype of. */
  private static final String PROBLEM_TYPE_PREFIX = WireResponse.PROBLEM_BASE;

  /**
   * The application behind the adapter: one handler per constant, routed by the server the way a servlet container
   * maps {@link #mappings()} (exact paths, {@code /prefix/*}, and {@code /} for everything else). Each answers every
   * method with 200 and {@link AdapterConformanceSuite#applicationBody}.
   */
  public enum Handler {
    /** {@code /orders} and everything under it. */
    ORDERS("/orders", "/orders/*"),
    /** Everything under {@code /admin}: must never answer a caller without the {@code admin} role. */
    ADMIN("/admin/*"),
    /** {@code /health}. */
    HEALTH("/health"),
    /** Everything under {@code /docs}. */
    DOCS("/docs/*"),
    /** Everything else. */
    DEFAULT("/");

    private final List<String> mappings;

    Handler(String... mappings) {
      this.mappings = List.of(mappings);
    }

    /** The servlet-style URL patterns (Servlet 6.0 §12.2) this handler is mapped to. */
    public List<String> mappings() {
      return mappings;
    }

    /** The name the handler writes into its body, e.g. {@code orders}. */
    public String id() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private TestClock clock;
  private TestIssuer issuer;
  private Enforcer enforcer;
  private Enforcer enforcerWithoutKeys;
  private ServerHandle server;
  private RawHttp http;

  /**
   * Starts a server with the adapter under test enforcing {@code enforcer} in front of the application described
   * by {@link Handler}, on an ephemeral loopback port. Called once per test class, and once more for the outage test.
   */
  protected abstract ServerHandle start(Enforcer enforcer) throws Exception;

  /**
   * What a handler answers: its name, the path the server resolved for it (for a servlet,
   * {@code getServletPath() + getPathInfo()}: decoded, normalized, without path parameters), and the caller as the
   * application sees it. The suite compares the resolved path with the path zt authorized.
   *
   * @param handler the handler that answers
   * @param resolvedPath the path the server dispatched on
   * @param caller the {@link Caller} the adapter exposed, or {@code null} if it exposed none
   * @param principal the principal the server's own API reports ({@code getUserPrincipal()}), or {@code null}
   * @param inAdminRole what the server's own role check ({@code isUserInRole("admin")}) says
   */
  public static String applicationBody(
      Handler handler, String resolvedPath, Caller caller, Principal principal, boolean inAdminRole) {
    return applicationBody(handler, resolvedPath, caller, principal, inAdminRole, List.of());
  }

  /**
   * {@link #applicationBody(Handler, String, Caller, Principal, boolean)} with what the application saw of a
   * protocol upgrade: the values of the {@code Upgrade} and {@code HTTP2-Settings} fields it was handed (the suite
   * checks that an {@code h2c} upgrade zt ignored never reaches it).
   *
   * @param upgradeFields the {@code Upgrade} and {@code HTTP2-Settings} values the application saw, in order
   * @since 0.1
   */
  public static String applicationBody(Handler handler, String resolvedPath, Caller caller, Principal principal,
      boolean inAdminRole, List<String> upgradeFields) {
    return "handler=" + handler.id() + "\n"
        + "route=" + resolvedPath + "\n"
        + "sub=" + (caller == null ? "(no caller)" : caller.subject().orElse("anonymous")) + "\n"
        + "principal=" + (principal == null ? "(none)" : principal.getName()) + "\n"
        + "admin=" + inAdminRole + "\n"
        + "upgrade=" + (upgradeFields.isEmpty() ? "(none)" : String.join(",", upgradeFields)) + "\n";
  }

  /** The route rules the suite enforces. */
  public static RoutePolicy routes() {
    return RoutePolicy.builder()
        .get("/orders", Requirement.allScopes("orders:read"))
        .get("/orders/{*}", Requirement.allScopes("orders:read"))
        .post("/orders", Requirement.allScopes("orders:write"))
        .get("/admin/stats", Requirement.allRoles("admin"))
        .get("/health", Requirement.permitAll())
        .get("/docs/{**}", Requirement.permitAll())
        .preflight("/orders")
        .build();
  }

  @BeforeAll
  protected final void startServer() throws Exception {
    clock = TestClock.create();
    issuer = TestIssuer.start(clock);
    // Refetch at once on an unknown kid, so a rotation is picked up by the very next request.
    enforcer = enforcer(b -> b.jwksRefetchMinInterval(Duration.ZERO));
    // Never fetched its keys, and told exactly where they are: the outage test takes the JWKS down under it.
    enforcerWithoutKeys = enforcer(b -> b.jwksUri(issuer.jwksUri()));
    server = start(enforcer);
    http = new RawHttp(server.port());
  }

  @AfterAll
  protected final void stopServer() {
    try {
      if (server != null) {
        server.close();
      }
    } finally {
      if (issuer != null) {
        issuer.close();
      }
    }
  }

  private Enforcer enforcer(UnaryOperator<BearerJwt.Builder> jwt) {
    return Enforcer.builder()
        .bearerJwt(jwt.apply(issuer.bearerJwt()).build())
        .routes(routes())
        .realm(REALM)
        .clock(clock)
        .openTelemetry(OpenTelemetry.noop())
        .build();
  }

  private String readToken() {
    return issuer.token().scope("orders:read").build();
  }

  private RawHttp.Response get(String target, String token) {
    return http.get(target).header("Authorization", "Bearer " + token).send();
  }

  // ---------------------------------------------------------------------------------------------- allowed

  @Test
  public void getOrdersWhenTokenValidThenOrdersHandlerAnswersAsCaller() {
    String token = readToken();
    RawHttp.Response r = get("/orders", token);
    Map<String, String> app = assertAnsweredBy(r, Handler.ORDERS, "/orders", "user-1", token);
    assertThat(app).containsEntry("principal", "user-1").containsEntry("admin", "false");
  }

  @Test
  public void getOrderWhenTokenValidThenOrdersHandlerAnswers() {
    String token = readToken();
    assertAnsweredBy(get("/orders/42", token), Handler.ORDERS, "/orders/42", "user-1", token);
  }

  @Test
  public void postOrdersWhenWriteScopeGrantedThenOrdersHandlerAnswers() {
    String token = issuer.token().scope("orders:write").build();
    RawHttp.Response r = http.post("/orders").header("Authorization", "Bearer " + token).send();
    assertAnsweredBy(r, Handler.ORDERS, "/orders", "user-1", token);
  }

  @Test
  public void getAdminStatsWhenAdminRoleThenApplicationSeesPrincipalAndRole() {
    String token = issuer.token().subject("admin-7").roles("admin").build();
    Map<String, String> app = assertAnsweredBy(get("/admin/stats", token), Handler.ADMIN, "/admin/stats", "admin-7",
        token);
    assertThat(app).containsEntry("principal", "admin-7").containsEntry("admin", "true");
  }

  @Test
  public void getHealthWhenNoTokenThenHealthHandlerAnswersAnonymously() {
    RawHttp.Response r = http.get("/health").send();
    Map<String, String> app = assertAnsweredBy(r, Handler.HEALTH, "/health", "anonymous");
    assertThat(app).containsEntry("principal", "(none)").containsEntry("admin", "false");
  }

  @Test
  public void getDocsWhenNoTokenThenDocsHandlerAnswersAnonymously() {
    assertAnsweredBy(http.get("/docs/guide/intro").send(), Handler.DOCS, "/docs/guide/intro", "anonymous");
  }

  @Test
  public void getOrdersWhenKeysRotatedThenNewAndOldKeysTokensAllowed() {
    TestKey old = issuer.signingKey();
    String before = readToken();
    assertAnsweredBy(get("/orders", before), Handler.ORDERS, "/orders", "user-1", before);

    issuer.rotate();
    String fresh = readToken();
    assertThat(fresh.equals(before)).isFalse();
    assertAnsweredBy(get("/orders", fresh), Handler.ORDERS, "/orders", "user-1", fresh);
    // the token seen before (a cache hit) and a new one signed by the old key (verified again) both still pass
    assertAnsweredBy(get("/orders", before), Handler.ORDERS, "/orders", "user-1", before);
    String oldKeyToken = issuer.token().signedWith(old).scope("orders:read").build();
    assertAnsweredBy(get("/orders", oldKeyToken), Handler.ORDERS, "/orders", "user-1", oldKeyToken);
  }

  // ---------------------------------------------------------------------------------------------- 401

  @Test
  public void getOrdersWhenNoTokenThen401WithBareChallenge() {
    assertProblem(http.get("/orders").send(), 401, "Bearer realm=\"orders\"");
  }

  /** Tokens that are well-formed bearer credentials but not valid ones; each must be refused as invalid_token. */
  protected Stream<Arguments> invalidTokens() {
    Map<String, UnaryOperator<TokenBuilder>> cases = new LinkedHashMap<>();
    cases.put("expired", t -> t.issuedIn(Duration.ofMinutes(-20)).expiresIn(Duration.ofMinutes(-10)));
    cases.put("wrong audience", t -> t.audience("billing-api"));
    cases.put("wrong issuer", t -> t.issuer("https://evil.example"));
    cases.put("bad signature", t -> t.signedWith(TestKey.rsa()).header("kid", issuer.signingKey().keyId()));
    cases.put("unknown key", t -> t.signedWith(TestKey.rsa()));
    cases.put("alg none", t -> t.unsigned());
    cases.put("alg HS256", t -> t.header("alg", "HS256"));
    return cases.entrySet().stream().map(e -> Arguments.of(e.getKey(), e.getValue()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidTokens")
  public void getOrdersWhenTokenInvalidThen401InvalidToken(String name, UnaryOperator<TokenBuilder> mutation) {
    String token = mutation.apply(issuer.token().scope("orders:read")).build();
    assertInvalidToken(get("/orders", token), token);
  }

  @Test
  public void getOrdersWhenTokenOnlyInQueryThenIgnoredAnd401WithBareChallenge() {
    String token = readToken();
    RawHttp.Response r = http.get("/orders?access_token=" + token).send();
    assertProblem(r, 401, "Bearer realm=\"orders\"", token);
  }

  @Test
  public void getHealthWhenTokenInvalidThen401InvalidToken() {
    String token = issuer.token().expiresIn(Duration.ofMinutes(-10)).issuedIn(Duration.ofMinutes(-20)).build();
    assertInvalidToken(get("/health", token), token);
  }

  @Test
  public void getOrdersWhenHeaderOversizedThenRefusedNeither2xxNor5xx(TestReporter reporter) {
    String token = issuer.token().scope("orders:read").claim("pad", "x".repeat(20 * 1024)).build();
    assertThat(token.length()).isGreaterThan(20 * 1024);
    RawHttp.Response r = get("/orders", token);
    reporter.publishEntry("oversized header", r.status() + " by " + answeredBy(r));
    assertThat(r.status()).as("%s", r).isBetween(400, 499);
    assertNoSecret(r, token);
    if (isProblem(r)) {
      assertInvalidToken(r, token);
    } else {
      assertThat(r.status()).as("the server's own refusal of an oversized header: %s", r).isIn(400, 413, 431);
    }
  }

  // ---------------------------------------------------------------------------------------------- 400

  @ParameterizedTest
  @ValueSource(strings = {"Bearer", "Bearer a b", "Bearer {token} extra", "Bearer {token}\"", "Bearer @{token}"})
  public void getOrdersWhenAuthorizationMalformedThen400InvalidRequest(String template) {
    String token = readToken();
    RawHttp.Response r = http.get("/orders").header("Authorization", template.replace("{token}", token)).send();
    assertProblem(r, 400, "Bearer realm=\"orders\", error=\"invalid_request\"", token);
  }

  @Test
  public void getOrdersWhenTwoAuthorizationHeadersThen400InvalidRequest() {
    String token = readToken();
    RawHttp.Response r = http.get("/orders")
        .header("Authorization", "Bearer " + token)
        .header("Authorization", "Bearer " + token)
        .send();
    assertProblem(r, 400, "Bearer realm=\"orders\", error=\"invalid_request\"", token);
  }

  @Test
  public void getOrdersWhenCredentialsCommaJoinedThen400InvalidRequest() {
    String token = readToken();
    RawHttp.Response r = http.get("/orders").header("Authorization", "Bearer " + token + ", Bearer " + token).send();
    assertProblem(r, 400, "Bearer realm=\"orders\", error=\"invalid_request\"", token);
  }

  @Test
  public void getOrdersWhenTokenInHeaderAndQueryThen400InvalidRequest() {
    String token = readToken();
    RawHttp.Response r = get("/orders?access_token=" + token, token);
    assertProblem(r, 400, "Bearer realm=\"orders\", error=\"invalid_request\"", token);
  }

  // ---------------------------------------------------------------------------------------------- 403

  @Test
  public void getOrdersWhenScopeMissingThen403InsufficientScopeNamingIt() {
    String token = issuer.token().scope("profile").build();
    assertProblem(get("/orders", token), 403,
        "Bearer realm=\"orders\", error=\"insufficient_scope\", scope=\"orders:read\"", token);
  }

  @Test
  public void postOrdersWhenFormFieldCarriesSqlInjectionThen403BeforeTheApplication() {
    String token = issuer.token().subject("form-sqli").scope("orders:write").build();
    RawHttp.Response r = http.post("/orders").header("Authorization", "Bearer " + token)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body("item=42&note=1%27%20OR%20%271%27%3D%271")
        .send();
    assertProblem(r, 403, null, token);
    assertThat(r.body()).as("%s", r).contains("request-rejected").doesNotContain("handler=").doesNotContain("OR");
  }

  /**
   * Hard SQL-injection cases as a client sends them: the value percent-encoded by {@code URLEncoder} (a space as
   * {@code +}, UTF-8), so what reaches the detector is the container's raw query or body, not the suite's spelling.
   * Attacks and benign values side by side, with the spellings a container might mangle on the way: {@code #},
   * {@code &}, {@code +} and {@code %} inside the value, a no-break space, a replacement character, fullwidth and
   * typographic quotes, an emoji; escapes written in the value (which the application receives as text, and the
   * detector reads decoded a second time), line breaks and ODBC braces. The verdict must be the detector's on every
   * adapter.
   */
  protected static Stream<Arguments> sqlCases() {
    return Stream.of(
        Arguments.of("1' OR '1'='1", true),
        Arguments.of("1\u00A0and\u00A01=1\u00A0--", true),
        Arguments.of("admin'#", true),
        Arguments.of("1 AND 1=1 -- &x=1", true),
        Arguments.of("x' UNION SELECT NULL,NULL--+", true),
        Arguments.of("1;WAITFOR DELAY '0:0:5'--", true),
        Arguments.of("1\uFFFDand\uFFFD1=1\uFFFD--", true),
        Arguments.of("1/**/UNION/**/SELECT/**/1", true),
        Arguments.of("test'), ('admin', 'admin')-- -", true),
        Arguments.of("'; exec master..xp_cmdshell 'ping 127.0.0.1'--", true),
        Arguments.of("1 OR '{\"a\":1}' ? 'a'", true),
        Arguments.of("\uFF35\uFF2E\uFF29\uFF2F\uFF2E \uFF33\uFF25\uFF2C\uFF25\uFF23\uFF34 1,2", true),
        Arguments.of("1\u2019 OR \u20191\u2019=\u20191", true),
        Arguments.of("' UNION%0aSELECT%0a1,2,3--", true),
        Arguments.of("' UNI\r\nON SELECT 1,2--", true),
        Arguments.of("' AND{x 1}=1--", true),
        Arguments.of("O'Brien", false),
        Arguments.of("it's John's book -- really", false),
        Arguments.of("Mr. O\u2019Neil", false),
        Arguments.of("Select your size", false),
        Arguments.of("rock & roll", false),
        Arguments.of("50% off + free shipping", false),
        Arguments.of("\"quoted\" -- by me", false),
        Arguments.of("files: ['**/*.js']", false),
        Arguments.of("emoji \uD83D\uDE00 and \u00FCn\u00EFc\u00F6d\u00E9", false),
        Arguments.of("#hashtag", false),
        Arguments.of("Caf\uFFFD au lait", false),
        Arguments.of("O%27Brien", false),
        Arguments.of("Dear team,\r\nplease select\r\none option", false));
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("sqlCases")
  public void getDocsWhenQueryValueIsAHardSqlCaseThenTheDetectorsVerdict(String value, boolean attack) {
    RawHttp.Response r = http.get("/docs/search?lang=en&q=" + URLEncoder.encode(value, StandardCharsets.UTF_8))
        .send();
    if (attack) {
      assertProblem(r, 403, null);
      assertThat(r.body()).as("%s", r).contains("request-rejected").doesNotContain("handler=");
    } else {
      assertAnsweredBy(r, Handler.DOCS, "/docs/search", "anonymous");
    }
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("sqlCases")
  public void postOrdersWhenFormFieldIsAHardSqlCaseThenTheDetectorsVerdict(String value, boolean attack) {
    // a subject per case, so no automated response to one case's attack reaches another case
    String subject = "form-case-" + Integer.toHexString(value.hashCode());
    String token = issuer.token().subject(subject).scope("orders:write").build();
    RawHttp.Response r = http.post("/orders").header("Authorization", "Bearer " + token)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body("item=42&note=" + URLEncoder.encode(value, StandardCharsets.UTF_8))
        .send();
    if (attack) {
      assertProblem(r, 403, null, token);
      assertThat(r.body()).as("%s", r).contains("request-rejected").doesNotContain("handler=");
    } else {
      assertAnsweredBy(r, Handler.ORDERS, "/orders", subject, token);
    }
  }

  @Test
  public void postOrdersWhenFormIsBenignThenOrdersHandlerAnswers() {
    String token = issuer.token().scope("orders:write").build();
    RawHttp.Response r = http.post("/orders").header("Authorization", "Bearer " + token)
        .header("Content-Type", "application/x-www-form-urlencoded; charset=UTF-8")
        .body("item=42&note=O%27Brien%27s+order")
        .send();
    assertAnsweredBy(r, Handler.ORDERS, "/orders", "user-1", token);
  }

  @Test
  public void postOrdersWhenOnlyReadScopeThen403InsufficientScopeNamingWrite() {
    String token = readToken();
    RawHttp.Response r = http.post("/orders").header("Authorization", "Bearer " + token).send();
    assertProblem(r, 403, "Bearer realm=\"orders\", error=\"insufficient_scope\", scope=\"orders:write\"", token);
  }

  @Test
  public void getAdminStatsWhenNoAdminRoleThen403WithoutScopeChallenge() {
    String token = readToken();
    RawHttp.Response r = get("/admin/stats", token);
    assertProblem(r, 403, null, token);
    assertThat(r.body()).as("%s", r).contains("/problems/forbidden").doesNotContain("scope");
  }

  @Test
  public void getWhenNoRouteMatchesThen403WithoutChallenge() {
    String token = readToken();
    assertProblem(get("/billing", token), 403, null, token);
  }

  // ---------------------------------------------------------------------------------------------- HEAD, OPTIONS

  @Test
  public void headOrdersWhenTokenValidThenGetRuleDecidesAndApplicationAnswersWithoutContent() {
    String token = readToken();
    RawHttp.Response get = get("/orders", token);
    RawHttp.Response head = http.request("HEAD", "/orders").header("Authorization", "Bearer " + token).send();

    assertThat(head.status()).as("%s", head).isEqualTo(200);
    assertThat(head.body()).isEmpty();
    // the same handler as GET answered: same fields, same length of what it would have sent
    assertThat(head.header("Content-Type")).isEqualTo(get.header("Content-Type"));
    assertThat(head.header("Content-Length")).contains(Integer.toString(
        get.body().getBytes(java.nio.charset.StandardCharsets.UTF_8).length));
  }

  @Test
  public void headOrdersWhenNoTokenThen401WithBareChallengeAndNoContent() {
    RawHttp.Response r = http.request("HEAD", "/orders").send();
    assertThat(r.status()).as("%s", r).isEqualTo(401);
    assertThat(r.headers("WWW-Authenticate")).containsExactly("Bearer realm=\"orders\"");
    assertThat(r.body()).isEmpty();
  }

  @Test
  public void headAdminStatsWhenNoAdminRoleThen403() {
    String token = readToken();
    RawHttp.Response r = http.request("HEAD", "/admin/stats").header("Authorization", "Bearer " + token).send();
    assertThat(r.status()).as("%s", r).isEqualTo(403);
    assertThat(r.body()).isEmpty();
  }

  @Test
  public void optionsOrdersWhenCorsPreflightAndPreflightRuleThenApplicationAnswersAnonymously() {
    RawHttp.Response r = http.request("OPTIONS", "/orders").header("Origin", "https://app.example")
        .header("Access-Control-Request-Method", "POST").header("Access-Control-Request-Headers", "authorization")
        .send();
    assertAnsweredBy(r, Handler.ORDERS, "/orders", "anonymous");
  }

  @Test
  public void optionsWhenCorsPreflightWithoutPreflightRuleThen401() {
    RawHttp.Response r = http.request("OPTIONS", "/admin/stats").header("Origin", "https://app.example")
        .header("Access-Control-Request-Method", "GET").send();
    assertProblem(r, 401, "Bearer realm=\"orders\"");
  }

  @Test
  public void optionsOrdersWhenNotAPreflightThen401() {
    assertProblem(http.request("OPTIONS", "/orders").send(), 401, "Bearer realm=\"orders\"");
    assertProblem(http.request("OPTIONS", "/orders").header("Origin", "https://app.example").send(), 401,
        "Bearer realm=\"orders\"");
  }

  // ---------------------------------------------------------------------------------------------- form bodies

  private static final String FORM = "application/x-www-form-urlencoded";

  /**
   * Issue 12 §3: a form body is read only for a request that would otherwise be allowed. An anonymous form to a
   * protected route whose body never comes is answered at once (it used to hold a server thread, or on Netty a
   * buffer, until the body came).
   */
  @Test
  public void postOrdersWhenAnonymousAndFormBodyNeverArrivesThen401AtOnce() {
    try (RawHttp.Connection c = http.post("/orders").header("Content-Type", FORM).contentLength(100).open()) {
      assertProblem(c.response(), 401, "Bearer realm=\"orders\"");
    }
  }

  @Test
  public void postOrdersWhenScopeMissingAndFormBodyNeverArrivesThen403AtOnce() {
    String token = readToken();
    try (RawHttp.Connection c = http.post("/orders").header("Authorization", "Bearer " + token)
        .header("Content-Type", FORM).contentLength(100).open()) {
      assertProblem(c.response(), 403,
          "Bearer realm=\"orders\", error=\"insufficient_scope\", scope=\"orders:write\"", token);
    }
  }

  @Test
  public void postOrdersWhenAnonymousAndInjectedFormThen401NotTheDetectorsVerdict() {
    RawHttp.Response r = http.post("/orders").header("Content-Type", FORM)
        .body("item=42&note=1%27%20OR%20%271%27%3D%271").send();
    assertProblem(r, 401, "Bearer realm=\"orders\"");
  }

  /**
   * An allowed form whose body is slower than {@link Detection#formReadTimeout()} is answered 408 and the connection
   * closed. The client waits for {@code 100 Continue} (sent when the body is first read, so after zt allowed the
   * request without it), moves the clock past the deadline, and sends one more byte.
   */
  @Test
  public void postOrdersWhenAllowedFormBodyIsTooSlowThen408AndClosed() {
    String token = issuer.token().scope("orders:write").build();
    try (RawHttp.Connection c = http.post("/orders").header("Authorization", "Bearer " + token)
        .header("Content-Type", FORM).header("Expect", "100-continue").contentLength(20).open()) {
      RawHttp.Response interim = c.response();
      assertThat(interim.status()).as("%s", interim).isEqualTo(100);
      clock.advance(Detection.DEFAULT_FORM_READ_TIMEOUT.plusSeconds(1));
      c.write("item=4");
      RawHttp.Response r = c.response();
      assertProblem(r, 408, null, token);
      assertThat(r.body()).doesNotContain("handler=");
      assertThat(c.closedByServer()).as("the connection closes after a 408").isTrue();
    }
  }

  // ---------------------------------------------------------------------------------------------- upgrades

  /** An {@code h2c} upgrade is ignored (RFC 9110 §7.8): answered over HTTP/1.1, the application never sees it. */
  @Test
  public void getHealthWhenH2cUpgradeRequestedThenAnsweredOverHttp11AndTheApplicationSeesNoUpgrade() {
    RawHttp.Response r = http.get("/health").header("Connection", "Upgrade, HTTP2-Settings")
        .header("Upgrade", "h2c").header("HTTP2-Settings", "AAMAAABkAARAAAAAAAIAAAAA").send();
    Map<String, String> app = assertAnsweredBy(r, Handler.HEALTH, "/health", "anonymous");
    assertThat(app).containsEntry("upgrade", "(none)");
    assertThat(r.headers("Upgrade")).isEmpty();
  }

  /** Any other upgrade is refused: the messages of an upgraded connection would pass undecided. */
  @ParameterizedTest
  @ValueSource(strings = {"websocket", "h2c, websocket", "TLS/1.2"})
  public void getWhenWebSocketOrOtherUpgradeRequestedThen403AndNoHandlerAnswers(String protocol) {
    String token = readToken();
    RawHttp.Response r = http.get("/orders").header("Authorization", "Bearer " + token)
        .header("Connection", "Upgrade").header("Upgrade", protocol)
        .header("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==").header("Sec-WebSocket-Version", "13").send();
    assertProblem(r, 403, null, token);
    assertThat(r.body()).doesNotContain("handler=");
  }

  // ---------------------------------------------------------------------------------------------- 503

  @Test
  public void getOrdersWhenKeysUnavailableThen503WithRetryAfter() throws Exception {
    String token = readToken();
    RawHttp.Response r;
    issuer.jwksStatus(500);
    try (ServerHandle outage = start(enforcerWithoutKeys)) {
      r = new RawHttp(outage.port()).get("/orders").header("Authorization", "Bearer " + token).send();
    } finally {
      issuer.jwksStatus(200);
    }
    assertProblem(r, 503, null, token);
    assertThat(r.headers("Retry-After")).as("%s", r).containsExactly("5");
  }

  // ---------------------------------------------------------------------------------------------- path tricks

  /**
   * Each target is sent byte for byte with a valid token that holds {@code orders:read} and no role. Whatever the
   * server does, no handler other than the one zt's rule allowed may answer: a 2xx must come from a handler whose
   * resolved path is exactly the path zt authorized, under a rule that allowed it; a zt refusal must be the one the
   * enforcer decides for that raw path; a refusal of the server's own must be a 4xx.
   */
  @ParameterizedTest
  @ValueSource(strings = {
      "/admin/../orders",
      "/orders/..;/admin/stats",
      "/docs/..;/admin/stats",
      "/docs/%2e%2e/admin/stats",
      "/%2e%2e/admin",
      "/orders%2F..%2Fadmin",
      "//admin/stats",
      "/ORDERS",
      "/orders/",
      "/orders;x=1",
      "/docs/..%2fadmin/stats",
      "/docs/%252e%252e/admin/stats",
      "/orders/%2e%2e/admin/stats",
      "/orders/..%5cadmin/stats",
      "/admin%2Fstats",
      "/admin/stats;/../../orders",
      "/docs/./../admin/stats",
      "/orders/.",
      "/%6Frders",
      "/orders/%C3%A9",
      "/orders/%FF",
      "/orders/%00",
      "/docs/%c0%ae%c0%ae/admin/stats",
      "/admin\\stats",
      "http://{authority}/orders",
      "http://{authority}/admin/../orders",
      "http://{authority}/docs/..;/admin/stats",
  })
  public void getWhenPathTrickThenOnlyTheAllowedHandlerEverAnswers(String template, TestReporter reporter) {
    String target = template.replace("{authority}", "127.0.0.1:" + http.port());
    String token = readToken();
    RawHttp.Response r = get(target, token);
    reporter.publishEntry(target, r.status() + " by " + answeredBy(r));
    assertThat(r.status()).as("%s → %s", target, r).matches(s -> s / 100 == 2 || s / 100 == 4, "2xx or 4xx");
    assertNoSecret(r, token);

    String path = pathOf(target);
    Decision decision = ZtAssertions.await(enforcer.enforce(TestRequest.get(path).bearer(token).clock(clock).build()));
    if (r.status() / 100 == 2) {
      Map<String, String> app = application(r);
      assertThat(app.get("handler")).as("%s → %s", target, r).isNotIn(Handler.ADMIN.id(), Handler.DEFAULT.id());
      assertThat(decision).as("zt's decision on %s", target).isInstanceOf(Decision.Allow.class);
      String authorized = RequestContext.builder("GET", path).build().normalizedPath().orElseThrow();
      assertThat(app.get("route")).as("the path the server dispatched %s on, against the one zt authorized", target)
          .isEqualTo(authorized);
      Route rule = ruleById(decision.rule());
      assertThat(rule.matches("GET", app.get("route"))).as("rule %s covers %s", rule.id(), app.get("route")).isTrue();
      assertThat(app.get("sub")).isEqualTo("user-1");
    } else if (isProblem(r)) {
      assertThat(decision).as("zt answered %s, so it must have denied it", target).isInstanceOf(Decision.Deny.class);
      WireResponse wire = enforcer.respond((Decision.Deny) decision);
      assertProblem(r, wire.status(), wire.headers().get("WWW-Authenticate"), token);
    } else {
      assertThat(r.status()).as("the server's own refusal of %s: %s", target, r).isBetween(400, 499);
    }
  }

  // ---------------------------------------------------------------------------------------------- assertions

  /** The path of a request-target: origin-form as it is, absolute-form without scheme and authority. */
  private static String pathOf(String target) {
    int scheme = target.indexOf("://");
    if (target.startsWith("/") || scheme < 0) {
      return target;
    }
    int slash = target.indexOf('/', scheme + 3);
    return slash < 0 ? "/" : target.substring(slash);
  }

  private Route ruleById(String id) {
    return enforcer.routes().routes().stream().filter(route -> route.id().equals(id)).findFirst()
        .orElseThrow(() -> new AssertionError("no rule with id " + id));
  }

  private static String answeredBy(RawHttp.Response r) {
    if (r.status() / 100 == 2 && r.body().startsWith("handler=")) {
      return "handler " + r.body().substring("handler=".length(), r.body().indexOf('\n'));
    }
    return isProblem(r) ? "zt" : "server";
  }

  private static boolean isProblem(RawHttp.Response r) {
    return r.header("Content-Type").map(v -> v.startsWith(WireResponse.PROBLEM_JSON)).orElse(false);
  }

  private Map<String, String> assertAnsweredBy(
      RawHttp.Response r, Handler handler, String route, String subject, String... secrets) {
    assertThat(r.status()).as("%s", r).isEqualTo(200);
    Map<String, String> app = application(r);
    assertThat(app).as("%s", r)
        .containsEntry("handler", handler.id())
        .containsEntry("route", route)
        .containsEntry("sub", subject);
    for (String secret : secrets) {
      assertNoSecret(r, secret);
    }
    return app;
  }

  private static Map<String, String> application(RawHttp.Response r) {
    Map<String, String> app = new LinkedHashMap<>();
    for (String line : r.body().split("\n")) {
      int eq = line.indexOf('=');
      if (eq > 0) {
        app.put(line.substring(0, eq), line.substring(eq + 1));
      }
    }
    assertThat(app).as("an application body: %s", r).containsKeys("handler", "route", "sub", "principal", "admin");
    return app;
  }

  /**
   * A zt denial: the status, exactly {@code challenge} as {@code WWW-Authenticate} (none when {@code null}),
   * {@code application/problem+json}, {@code Cache-Control: no-store}, an RFC 9457 body with the same status, and
   * nothing of the secrets anywhere.
   */
  private void assertProblem(RawHttp.Response r, int status, String challenge, String... secrets) {
    assertThat(r.status()).as("%s", r).isEqualTo(status);
    if (challenge == null) {
      assertThat(r.headers("WWW-Authenticate")).as("%s", r).isEmpty();
    } else {
      assertThat(r.headers("WWW-Authenticate")).as("%s", r).containsExactly(challenge);
    }
    assertThat(r.headers("Content-Type")).as("%s", r).containsExactly(WireResponse.PROBLEM_JSON);
    assertThat(r.headers("Cache-Control")).as("%s", r).containsExactly("no-store");
    Map<String, Object> problem;
    try {
      problem = JSONObjectUtils.parse(r.body());
    } catch (ParseException e) {
      throw new AssertionError("not a JSON problem body: " + r, e);
    }
    assertThat(problem.get("status")).as("problem status in %s", r).isInstanceOf(Number.class);
    assertThat(((Number) problem.get("status")).intValue()).as("problem status in %s", r).isEqualTo(status);
    assertThat(problem.get("type")).as("problem type in %s", r).asString().startsWith(PROBLEM_TYPE_PREFIX);
    assertThat(problem.get("title")).as("problem title in %s", r).isInstanceOf(String.class);
    for (String secret : secrets) {
      assertNoSecret(r, secret);
    }
  }

  /**
   * A zt 401 {@code invalid_token}: the challenge carries one of the fixed {@code error_description} texts of
   * {@link dev.zt.core.DenyReason#description()}, and nothing of the token.
   */
  private void assertInvalidToken(RawHttp.Response r, String token) {
    List<String> challenges = r.headers("WWW-Authenticate");
    assertThat(challenges).as("%s", r).hasSize(1);
    String prefix = "Bearer realm=\"orders\", error=\"invalid_token\", error_description=\"";
    assertThat(challenges.get(0)).as("%s", r).startsWith(prefix).endsWith("\"");
    String description = challenges.get(0).substring(prefix.length(), challenges.get(0).length() - 1);
    assertThat(Stream.of(dev.zt.core.DenyReason.values()).map(dev.zt.core.DenyReason::description)
        .flatMap(java.util.Optional::stream)).as("%s", r).contains(description);
    assertProblem(r, 401, challenges.get(0), token);
  }

  /** Neither the body nor any header holds the token, nor any of its three parts. */
  private static void assertNoSecret(RawHttp.Response r, String token) {
    List<String> parts = Stream.concat(Stream.of(token), Stream.of(token.split("\\.")))
        .filter(p -> p.length() >= 16)
        .toList();
    for (String part : parts) {
      assertThat(r.body()).as("the response body must not echo the token").doesNotContain(part);
      r.headers().forEach((name, values) -> values.forEach(v ->
          assertThat(v).as("header %s must not echo the token", name).doesNotContain(part)));
    }
  }

  /** For subclasses that add tests of their own: the suite's issuer. */
  protected final TestIssuer issuer() {
    return issuer;
  }

  /** For subclasses that add tests of their own: a client for the suite's server. */
  protected final RawHttp http() {
    return http;
  }

  /** For subclasses that add tests of their own: the enforcer the suite's server runs. */
  protected final Enforcer enforcer() {
    return enforcer;
  }
}

