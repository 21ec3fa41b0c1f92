package dev.zt.netty;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zt.core.Enforcer;
import dev.zt.testkit.TestIssuer;
import dev.zt.testkit.conformance.AdapterConformanceSuite;
import dev.zt.testkit.conformance.ServerHandle;
import io.opentelemetry.api.OpenTelemetry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Over a real connection, every decision made slow by an asynchronous test-only gate: pipelined requests are
 * answered in the order they were sent, bodies that arrive while a decision is pending reach the application whole,
 * denied requests' bodies are dropped, and the event loop never blocks (BlockHound) nor leaks (paranoid detection).
 */
@ExtendWith(NoLeaksOrBlocking.class)
class AsyncDecisionTests {

  static TestIssuer issuer;
  static TestingGates.Slow slow;
  static ServerHandle server;
  static final AtomicInteger reachedApplication = new AtomicInteger();

  @BeforeAll
  static void start() throws Exception {
    issuer = TestIssuer.start();
    slow = new TestingGates.Slow(Duration.ofMillis(60));
    Enforcer enforcer = TestingGates.with(Enforcer.builder()
            .bearerJwt(issuer.bearerJwt().build())
            .routes(AdapterConformanceSuite.routes())
            .realm("orders")
            .openTelemetry(OpenTelemetry.noop()), slow)
        .build();
    server = NettyServer.start(enforcer, false, () -> new EchoApp(reachedApplication));
  }

  @AfterAll
  static void stop() {
    server.close();
    issuer.close();
  }

  @Test
  void pipelinedWhenEveryDecisionIsSlowThenAnsweredInOrderWithBodiesWhole() {
    String writer = issuer.token().subject("w-1").scope("orders:write").build();
    String reader = issuer.token().subject("r-1").scope("orders:read").build();
    String requests = Pipelined.request("POST", "/orders", "first body", "Authorization", "Bearer " + writer)
        + Pipelined.request("POST", "/orders", "dropped", "Authorization", "Bearer " + reader)
        + "POST /orders HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + writer
        + "\r\nTransfer-Encoding: chunked\r\n\r\n6\r\nsecond\r\n5\r\n body\r\n0\r\n\r\n"
        + Pipelined.request("GET", "/orders", null)
        + Pipelined.request("GET", "/admin/../health", null)
        + Pipelined.request("GET", "/orders/7", null, "Authorization", "Bearer " + reader);
    int before = reachedApplication.get();
    int gateBefore = slow.seen();

    List<Pipelined.Answer> answers = Pipelined.exchange(server.port(), requests, 6);

    assertThat(answers).extracting(Pipelined.Answer::status).containsExactly(200, 403, 200, 401, 200, 200);
    assertThat(answers.get(0).body()).isEqualTo("POST /orders w-1 body=first body");
    assertThat(answers.get(1).headers().get("WWW-Authenticate")).contains("scope=\"orders:write\"");
    assertThat(answers.get(2).body()).isEqualTo("POST /orders w-1 body=second body");
    assertThat(answers.get(3).headers().get("WWW-Authenticate")).isEqualTo("Bearer realm=\"orders\"");
    assertThat(answers.get(4).body()).isEqualTo("GET /health anonymous body=");
    assertThat(answers.get(5).body()).isEqualTo("GET /orders/7 r-1 body=");
    assertThat(reachedApplication.get() - before).isEqualTo(4);
    assertThat(slow.seen() - gateBefore).as("every request passed the slow gate").isEqualTo(6);
  }

  @Test
  void keepAliveWhenRequestsFollowOneAnotherThenEachWaitsForItsSlowDecision() {
    String reader = issuer.token().scope("orders:read").build();
    for (int i = 0; i < 3; i++) {
      List<Pipelined.Answer> answers = Pipelined.exchange(server.port(),
          Pipelined.request("GET", "/orders/" + i, null, "Authorization", "Bearer " + reader)
              + Pipelined.request("GET", "/billing", null, "Authorization", "Bearer " + reader), 2);
      assertThat(answers).extracting(Pipelined.Answer::status).containsExactly(200, 403);
      assertThat(answers.get(0).body()).isEqualTo("GET /orders/" + i + " user-1 body=");
    }
  }
}
