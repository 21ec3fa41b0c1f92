package dev.zt.netty;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zt.core.Enforcer;
import dev.zt.testkit.TestIssuer;
import dev.zt.testkit.conformance.AdapterConformanceSuite;
import dev.zt.testkit.conformance.ServerHandle;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.util.ReferenceCountUtil;
import io.opentelemetry.api.OpenTelemetry;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Paranoid leak detection with a detector that records (see {@link NettyTestEnvironment}): denied requests with
 * bodies, on the synchronous and the asynchronous path, leak nothing; and a deliberately leaking test-only handler
 * is caught, which shows the check can fail.
 */
@ExtendWith(NoLeaksOrBlocking.class)
class LeakDetectionTests {

  private static final String HINT = "zt-deliberate-leak";

  @Test
  void deniedRequestsWhenBodiesArriveOverTheWireThenNothingLeaks() throws Exception {
    AtomicInteger reached = new AtomicInteger();
    try (TestIssuer issuer = TestIssuer.start();
        ServerHandle server = NettyServer.start(Enforcer.builder()
            .bearerJwt(issuer.bearerJwt().build())
            .routes(AdapterConformanceSuite.routes())
            .openTelemetry(OpenTelemetry.noop())
            .build(), false, () -> new EchoApp(reached))) {
      String reader = issuer.token().scope("orders:read").build(); // cold: decided off the loop, body queued
      String body = "x".repeat(3000);
      StringBuilder requests = new StringBuilder();
      for (int i = 0; i < 20; i++) {
        requests.append(Pipelined.request("POST", "/orders", body, "Authorization", "Bearer " + reader))
            .append(Pipelined.request("POST", "/orders", body))
            .append(Pipelined.request("POST", "/admin/stats", body, "Authorization", "Bearer " + reader));
      }
      requests.append(Pipelined.request("POST", "/docs/x", body));
      List<Pipelined.Answer> answers = Pipelined.exchange(server.port(), requests.toString(), 61);
      assertThat(answers).extracting(Pipelined.Answer::status).filteredOn(s -> s == 200).hasSize(0);
      assertThat(answers.get(60).status()).isEqualTo(401); // POST on a GET-only public route: no rule, anonymous
    }
    assertThat(reached).hasValue(0);
    assertThat(NettyTestEnvironment.leaks()).isEmpty();
  }

  @Test
  void leakWhenATestOnlyHandlerDropsABufferThenTheDetectorReportsIt() {
    leakOneBuffer();
    List<String> found = List.of();
    for (int attempt = 0; attempt < 20 && found.isEmpty(); attempt++) {
      NettyTestEnvironment.leaks();
      found = NettyTestEnvironment.takeLeaksTouched(HINT);
    }
    assertThat(found).as("the deliberately leaked buffer is reported").isNotEmpty();
  }

  /** Passes an allowed request with a body to a handler that never releases the body, then forgets everything. */
  private static void leakOneBuffer() {
    try (TestIssuer issuer = TestIssuer.start()) {
      Enforcer enforcer = Enforcer.builder()
          .bearerJwt(issuer.bearerJwt().build())
          .routes(AdapterConformanceSuite.routes())
          .openTelemetry(OpenTelemetry.noop())
          .build();
      EmbeddedChannel ch = new EmbeddedChannel(new ZeroTrustHandler(enforcer), new LeakyApp());
      ch.writeInbound(ZeroTrustHandlerTests.request(HttpMethod.GET, "/health"),
          ZeroTrustHandlerTests.last("never released"));
      ch.finishAndReleaseAll();
    }
  }

  /** A deliberately wrong application handler: keeps no reference to the body and never releases it. */
  private static final class LeakyApp extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof HttpContent content) {
        content.touch(HINT); // dropped here without release()
      } else {
        ReferenceCountUtil.release(msg);
      }
    }
  }
}
