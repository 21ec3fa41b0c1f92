package dev.zt.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zt.core.detect.Detection;
import dev.zt.core.Enforcer;
import dev.zt.core.RequestContext;
import dev.zt.core.policy.Requirement;
import dev.zt.core.countermeasure.Countermeasure;
import dev.zt.core.countermeasure.Countermeasures;
import dev.zt.core.policy.RoutePolicy;
import dev.zt.testkit.TestIssuer;
import dev.zt.testkit.conformance.RawHttp;
import dev.zt.testkit.conformance.ServerHandle;
import io.opentelemetry.api.OpenTelemetry;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletRequestWrapper;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Form posts through {@link ZeroTrustFilter} in real Jetty 12 and Tomcat 10.1: form fields are inspected before the
 * application runs, the application still reads the same parameters and the same raw bytes, and failed logins feed
 * the per-identifier credential-stuffing detectors.
 */
class FormPostTests {

  private static final String FORM = "application/x-www-form-urlencoded";
  private static final int LIMIT = 4096;

  private TestIssuer issuer;
  private Enforcer enforcer;
  private ServerHandle server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
    if (issuer != null) {
      issuer.close();
    }
  }

  private RawHttp start(String container) throws Exception {
    issuer = TestIssuer.start();
    enforcer = Enforcer.builder()
        .bearerJwt(issuer.bearerJwt().build())
        .routes(RoutePolicy.builder()
            .post("/params", Requirement.permitAll())
            .put("/params", Requirement.permitAll())
            .post("/body", Requirement.permitAll())
            .post("/reader", Requirement.permitAll())
            .post("/login", Requirement.permitAll())
            .post("/signin", Requirement.permitAll())
            .get("/hello", Requirement.permitAll())
            .build())
        .detection(Detection.defaults().withMaxFormBytes(LIMIT).withIdentifierField("username")
            .withStuffing(1000, Duration.ofMinutes(1))
            .withIdentifierStuffing(4, Duration.ofMinutes(15))
            .withIdentifiersPerSource(5, Duration.ofMinutes(10)))
        .trustForwardedFor(InetAddress::isLoopbackAddress)
        .openTelemetry(OpenTelemetry.noop())
        .build();
    Map<String, Supplier<HttpServlet>> app = new TreeMap<>();
    app.put("/params", Params::new);
    app.put("/body", Body::new);
    app.put("/reader", Reader::new);
    app.put("/login", () -> new Login(enforcer));
    app.put("/signin", SignIn::new);
    app.put("/hello", Body::new);
    server = container.equals("jetty") ? jetty(enforcer, app) : tomcat(enforcer, app);
    return new RawHttp(server.port());
  }

  private static RawHttp.Response post(RawHttp http, String target, String contentType, String body,
      String... headers) {
    RawHttp.Request r = http.post(target).header("Content-Type", contentType);
    for (int i = 0; i < headers.length; i += 2) {
      r.header(headers[i], headers[i + 1]);
    }
    return r.body(body).send();
  }

  // ---- inspection

  @ParameterizedTest
  @ValueSource(strings = {"jetty", "tomcat"})
  void filterWhenFormFieldCarriesSqlInjectionThenRefuses403BeforeTheApplication(String container) throws Exception {
    RawHttp http = start(container);
    for (String target : new String[] {"/params", "/body", "/login"}) {
      RawHttp.Response res = post(http, target, FORM, "name=x&comment=1%27%20OR%20%271%27%3D%271");
      assertThat(res.status()).as(target).isEqualTo(403);
      assertThat(res.body()).contains("request-rejected").doesNotContain("app:");
    }
    RawHttp.Response res = post(http, "/params", FORM + "; charset=UTF-8", "a=1&comment=%27+UNION+SELECT+1--");
    assertThat(res.status()).isEqualTo(403);
  }

  @ParameterizedTest
  @ValueSource(strings = {"jetty", "tomcat"})
  void filterWhenBenignFormThenTheApplicationReadsTheSameParameters(String container) throws Exception {
    RawHttp http = start(container);
    RawHttp.Response res = post(http, "/params?name=fromQuery", FORM + "; charset=UTF-8",
        "name=O%27Brien&comment=It%27s+a+%22quote%22&city=J%C3%B6rg%26Co&empty=");

    assertThat(res.status()).isEqualTo(200);
    assertThat(res.body()).isEqualTo("app: city=[Jörg&Co] comment=[It's a \"quote\"] empty=[] "
        + "name=[fromQuery, O'Brien] wrapped=true");
  }

  @ParameterizedTest
  @ValueSource(strings = {"jetty", "tomcat"})
  void filterWhenBenignFormThenTheApplicationReadsTheSameRawBytes(String container) throws Exception {
    RawHttp http = start(container);
    String body = "name=O'Brien&comment=It's a \"quote\"&x=%zz&" + "pad=" + "y".repeat(LIMIT - 60);

    RawHttp.Response stream = post(http, "/body", FORM, body);
    assertThat(stream.status()).isEqualTo(200);
    assertThat(stream.body()).isEqualTo("app: " + body.length() + " " + body);
    RawHttp.Response reader = post(http, "/reader", FORM + ";charset=ISO-8859-1", "n=J%F6rg&m=caf\u00e9");
    assertThat(reader.status()).isEqualTo(200);
    // the body was sent as UTF-8 bytes and read in the declared ISO-8859-1: exactly what the container would do
    assertThat(reader.body()).isEqualTo("app: n=J%F6rg&m=caf\u00c3\u00a9");
  }

  @ParameterizedTest
  @ValueSource(strings = {"jetty", "tomcat"})
  void filterWhenFormIsOverTheLimitThenRefuses413(String container) throws Exception {
    RawHttp http = start(container);
    String atLimit = "a=" + "b".repeat(LIMIT - 2);
    assertThat(post(http, "/body", FORM, atLimit).body()).isEqualTo("app: " + LIMIT + " " + atLimit);
    // padded past the limit, an injection at the end would go uninspected: the whole request is refused
    RawHttp.Response over = post(http, "/body", FORM, atLimit + "&c=%27%20OR%201%3D1--");
    assertThat(over.status()).isEqualTo(413);
    assertThat(over.body()).contains("content-too-large").doesNotContain("app:");
  }

  @ParameterizedTest
  @ValueSource(strings = {"jetty", "tomcat"})
  void filterWhenAnotherContentTypeThenTheBodyIsNeitherReadNorWrapped(String container) throws Exception {
    RawHttp http = start(container);
    String json = "{\"comment\":\"1' OR '1'='1\"}";
    RawHttp.Response res = post(http, "/body", "application/json", json);
    assertThat(res.status()).isEqualTo(200);
    assertThat(res.body()).isEqualTo("app: " + json.length() + " " + json);
    RawHttp.Response text = post(http, "/params", "text/plain", "a=%27%20OR%201%3D1--");
    assertThat(text.status()).isEqualTo(200);
    assertThat(text.body()).isEqualTo("app: wrapped=false");
    assertThat(new RawHttp(server.port()).get("/hello").send().body()).isEqualTo("app: 0 ");
  }

  @ParameterizedTest
  @ValueSource(strings = {"jetty", "tomcat"})
  void filterWhenFormCharsetCannotBeInspectedThenRefuses415(String container) throws Exception {
    RawHttp http = start(container);
    RawHttp.Response res = post(http, "/params", FORM + "; charset=UTF-16", "name=x");
    assertThat(res.status()).isEqualTo(415);
    assertThat(res.body()).doesNotContain("app:");
  }

  @ParameterizedTest
  @ValueSource(strings = {"jetty", "tomcat"})
  void filterWhenPutFormThenInspectedAndTheStreamStillReplays(String container) throws Exception {
    RawHttp http = start(container);
    RawHttp.Response attack = http.request("PUT", "/params").header("Content-Type", FORM)
        .body("c=%27%20OR%201%3D1--").send();
    assertThat(attack.status()).isEqualTo(403);
  }

  // ---- credential stuffing by identifier, end to end

  @ParameterizedTest
  @ValueSource(strings = {"jetty", "tomcat"})
  void loginWhenOneSourceFailsForManyIdentifiersThenThatSourceIsBlockedAndOthersAreNot(String container)
      throws Exception {
    RawHttp http = start(container);
    for (int i = 0; i < 5; i++) {
      RawHttp.Response res = post(http, "/login", FORM, "user=victim" + i + "&password=guess",
          "X-Forwarded-For", "203.0.113.9");
      assertThat(res.status()).isEqualTo(401);
      assertThat(res.body()).isEqualTo("app: wrong password");
    }
    RawHttp.Response blocked = post(http, "/login", FORM, "user=alice&password=right",
        "X-Forwarded-For", "203.0.113.9");
    assertThat(blocked.status()).isEqualTo(403);
    assertThat(blocked.body()).contains("source-blocked");
    assertThat(post(http, "/login", FORM, "user=alice&password=right", "X-Forwarded-For", "203.0.113.10").status())
        .isEqualTo(200);
    assertThat(enforcer.countermeasures().active()).anyMatch(a -> a.kind() == Countermeasure.Kind.BLOCK_SOURCE
        && a.target().equals("203.0.113.9") && a.rule().equals("stuffing.identifiers"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"jetty", "tomcat"})
  void signinWhenOneIdentifierFailsFromManySourcesThenMonitoredButTheAccountIsNeverLockedOut(String container)
      throws Exception {
    RawHttp http = start(container);
    // the form field "username" of requests the application answers 401: no call from the application
    for (int i = 0; i < 4; i++) {
      assertThat(post(http, "/signin", FORM, "username=Alice&password=guess" + i,
          "X-Forwarded-For", "198.51.100." + (i + 1)).status()).isEqualTo(401);
    }
    // the filter reports the status when the application returned; SignIn sets no Content-Length, so the container
    // sends its answer only after that (when the filter returns), and the verdict is in before the client reads
    assertThat(enforcer.countermeasures().active()).extracting(Countermeasures.Active::rule).containsOnly("stuffing.identifier");
    assertThat(enforcer.countermeasures().active()).singleElement().satisfies(a -> {
      assertThat(a.kind()).isEqualTo(Countermeasure.Kind.ENHANCED_MONITORING);
      assertThat(a.target()).isEqualTo("ip:198.51.100.4");
    });
    // no source is blocked, and alice herself, from any of those sources, still signs in
    for (int i = 1; i <= 4; i++) {
      assertThat(post(http, "/signin", FORM, "username=alice&password=right", "X-Forwarded-For",
          "198.51.100." + i).status()).isEqualTo(200);
    }
  }

  // ---- the application

  /** Echoes the parameters the application sees, sorted, and whether the filter wrapped the body. */
  static final class Params extends HttpServlet {
    @Override
    protected void service(HttpServletRequest req, HttpServletResponse res) throws IOException {
      StringBuilder out = new StringBuilder("app:");
      new TreeMap<>(req.getParameterMap()).forEach((k, v) -> out.append(' ').append(k).append('=')
          .append(Arrays.toString(v)));
      out.append(" wrapped=").append(wrapped(req));
      answer(res, 200, out.toString());
    }
  }

  /** Echoes the raw body through getInputStream. */
  static final class Body extends HttpServlet {
    @Override
    protected void service(HttpServletRequest req, HttpServletResponse res) throws IOException {
      byte[] body = req.getInputStream().readAllBytes();
      answer(res, 200, "app: " + body.length + " " + new String(body, StandardCharsets.UTF_8));
    }
  }

  /** Echoes the body through getReader. */
  static final class Reader extends HttpServlet {
    @Override
    protected void service(HttpServletRequest req, HttpServletResponse res) throws IOException {
      StringBuilder out = new StringBuilder("app: ");
      int c;
      while ((c = req.getReader().read()) >= 0) {
        out.append((char) c);
      }
      answer(res, 200, out.toString());
    }
  }

  /** A login endpoint that reports the identifier of a failed login itself. */
  static final class Login extends HttpServlet {
    private final transient Enforcer enforcer;

    Login(Enforcer enforcer) {
      this.enforcer = enforcer;
    }

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse res) throws IOException {
      String user = req.getParameter("user");
      if (!"right".equals(req.getParameter("password"))) {
        enforcer.reportAuthenticationFailure(
            (RequestContext) req.getAttribute(ZeroTrustFilter.CONTEXT_ATTRIBUTE), user);
        answer(res, 401, "app: wrong password");
        return;
      }
      answer(res, 200, "app: welcome " + user);
    }
  }

  /** A login endpoint that only answers 401: zt reads the identifier from the configured form field. */
  static final class SignIn extends HttpServlet {
    @Override
    protected void service(HttpServletRequest req, HttpServletResponse res) throws IOException {
      int status = "right".equals(req.getParameter("password")) ? 200 : 401;
      // no Content-Length and a small body: the container commits the answer when the filter chain returns
      res.setStatus(status);
      res.setContentType("text/plain;charset=utf-8");
      res.getWriter().write("app: " + req.getParameter("username"));
    }
  }

  private static boolean wrapped(ServletRequest req) {
    while (req instanceof ServletRequestWrapper w) {
      if (w instanceof FormReplayRequest) {
        return true;
      }
      req = w.getRequest();
    }
    return false;
  }

  private static void answer(HttpServletResponse res, int status, String text) throws IOException {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    res.setStatus(status);
    if (status == 401) {
      res.setHeader("WWW-Authenticate", "Form");
    }
    res.setContentType("text/plain;charset=utf-8");
    res.setContentLength(bytes.length);
    res.getOutputStream().write(bytes);
  }

  // ---- containers

  private static java.util.List<Containers.Mapped> servlets(Map<String, Supplier<HttpServlet>> app) {
    java.util.List<Containers.Mapped> out = new java.util.ArrayList<>();
    app.forEach((path, servlet) -> out.add(new Containers.Mapped(path, java.util.List.of(path), servlet.get())));
    return out;
  }

  private static ServerHandle jetty(Enforcer enforcer, Map<String, Supplier<HttpServlet>> app) throws Exception {
    return Containers.jetty(enforcer, "/", servlets(app));
  }

  private static ServerHandle tomcat(Enforcer enforcer, Map<String, Supplier<HttpServlet>> app) throws Exception {
    return Containers.tomcat(enforcer, "", servlets(app));
  }
}
