package dev.zt.samples.orders;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zt.core.credential.BearerJwt;
import dev.zt.core.Enforcer;
import dev.zt.core.countermeasure.Countermeasure;
import dev.zt.core.countermeasure.SecurityEvent;
import dev.zt.testkit.TestIssuer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The parts of continuous verification only an in-process enforcer shows, over HTTP against the sample on a real
 * server: access ended by a security event handed to the enforcer, the countermeasures an enumerating identity gets,
 * and what the audit evidence quotes. What HTTP alone shows is checked for every orders sample by the shared
 * {@code dev.zt.samples.checks.ContinuousChecks} ({@link ServletSharedContinuousTests},
 * {@link NettySharedContinuousTests}). Each test uses its own subjects, since the service's state lives as long as
 * the class.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ContinuousInProcessChecks {

  TestIssuer issuer;
  Enforcer enforcer;
  OrdersService service;
  final HttpClient http = HttpClient.newHttpClient();
  /** The audit detail of every decision (evidence included), for the checks of what evidence quotes. */
  final java.util.Queue<String> details = new java.util.concurrent.ConcurrentLinkedQueue<>();

  abstract OrdersService.ServerKind server();

  @BeforeAll
  void start() throws Exception {
    issuer = TestIssuer.start();
    BearerJwt jwt = OrdersService.jwtFromEnvironment(Map.of("ZT_ISSUER", issuer.issuer(), "ZT_AUDIENCE", "orders-api"));
    enforcer = OrdersSecurity.enforcer(jwt, (request, decision, detail) -> details.add(detail));
    service = OrdersService.start(server(), "127.0.0.1", 0, enforcer);
  }

  @AfterAll
  void stop() throws Exception {
    service.close();
    issuer.close();
  }

  private HttpResponse<String> get(String path, String token, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.port() + path))
        .timeout(Duration.ofSeconds(10)).GET();
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    for (int i = 0; i + 1 < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private String reader(String subject) {
    return issuer.token().subject(subject).scope("orders:read").build();
  }

  @Test
  void ordersWhenSecurityEventArrivesThenAccessEndsForAValidToken() throws Exception {
    String token = reader("cv-caep");
    assertThat(get("/orders", token).statusCode()).isEqualTo(200);
    enforcer.countermeasures().accept(SecurityEvent.deviceComplianceChange("cv-caep", false, Instant.now()));
    assertThat(get("/orders", token).statusCode()).isEqualTo(401);
    enforcer.countermeasures().accept(SecurityEvent.sessionRevoked("cv-caep", Instant.now()));
    assertThat(get("/orders/1", token).statusCode()).isEqualTo(401);
  }

  @Test
  void apiWhenIdentityEnumeratesThenItIsThrottledAndMonitored() throws Exception {
    String token = reader("cv-enum");
    for (int i = 0; i < 20; i++) {
      assertThat(get("/orders/" + i + "/secrets", token).statusCode()).isEqualTo(403);
    }
    assertThat(enforcer.countermeasures().active()).anyMatch(a -> a.kind() == Countermeasure.Kind.THROTTLE
        && a.target().equals("sub:cv-enum") && a.rule().equals("enumeration.identity"));
    assertThat(enforcer.countermeasures().active()).anyMatch(a -> a.kind() == Countermeasure.Kind.ENHANCED_MONITORING
        && a.target().equals("sub:cv-enum"));
    // the tightened limit bites, and says why
    HttpResponse<String> limited = null;
    for (int i = 0; i < 20 && (limited == null || limited.statusCode() != 429); i++) {
      limited = get("/orders/7", token);
    }
    assertThat(limited.statusCode()).isEqualTo(429);
    assertThat(limited.body()).contains("abnormal-usage-detected");
  }

  private HttpResponse<String> postForm(String form, String token) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.port() + "/orders"))
        .timeout(Duration.ofSeconds(10))
        .header("Authorization", "Bearer " + token)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(form))
        .build();
    return http.send(request, HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void ordersWhenAPasswordFieldHoldsAnInjectionThenEvidenceNeverQuotesIt() throws Exception {
    details.clear();
    String writer = issuer.token().subject("cv-redact").scope("orders:write").build();
    assertThat(postForm("item=1&password=hunter2%27%20OR%20%271%27%3D%271", writer).statusCode()).isEqualTo(403);
    assertThat(details).anySatisfy(d -> assertThat(d).contains("location=form:password")
        .contains("excerpt=(redacted"));
    assertThat(details).noneSatisfy(d -> assertThat(d).containsAnyOf("unter2", "OR '1'='1"));
  }
}
