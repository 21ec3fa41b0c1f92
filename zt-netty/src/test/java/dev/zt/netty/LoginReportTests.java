package dev.zt.netty;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zt.core.credential.BearerJwt;
import dev.zt.core.detect.Detection;
import dev.zt.core.Enforcer;
import dev.zt.core.rate.RatePolicy;
import dev.zt.core.RequestContext;
import dev.zt.core.policy.Requirement;
import dev.zt.core.policy.RoutePolicy;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.opentelemetry.api.OpenTelemetry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A Netty login endpoint behind {@link ZeroTrustHandler} reports failed logins with {@link ZeroTrustHandler#context}:
 * the context is the allowed request's while its answer is prepared, and gone once the final response is written.
 */
@ExtendWith(NoLeaksOrBlocking.class)
class LoginReportTests {

  private final Enforcer enforcer = Enforcer.builder()
      .bearerJwt(BearerJwt.issuer("https://issuer.test").audience("api")
          .keySource((selector, context) -> List.of()).build())
      .routes(RoutePolicy.builder().post("/login", Requirement.permitAll()).build())
      .rateLimits(RatePolicy.none())
      .detection(Detection.defaults().withIdentifierStuffing(3, Duration.ofMinutes(15)))
      .openTelemetry(OpenTelemetry.noop())
      .build();
  private final List<EmbeddedChannel> channels = new ArrayList<>();
  private final List<Optional<RequestContext>> seen = new ArrayList<>();

  @AfterEach
  void close() {
    channels.forEach(EmbeddedChannel::finishAndReleaseAll);
  }

  /** Refuses every password; reports the user name through the context zt hands out. */
  private final class Login extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      FullHttpRequest request = (FullHttpRequest) msg;
      try {
        Optional<RequestContext> context = ZeroTrustHandler.context(ctx.channel());
        seen.add(context);
        String form = request.content().toString(StandardCharsets.UTF_8);
        String user = new QueryStringDecoder(form, false).parameters().get("user").get(0);
        enforcer.reportAuthenticationFailure(context.orElseThrow(), user);
      } finally {
        request.release();
      }
      FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.UNAUTHORIZED,
          Unpooled.EMPTY_BUFFER);
      res.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
      ctx.writeAndFlush(res);
    }
  }

  /** An embedded channel whose peer is a routable client address, as a socket's would be. */
  private static final class FromClient extends EmbeddedChannel {
    FromClient(io.netty.channel.ChannelHandler... handlers) {
      super(handlers);
    }

    @Override
    protected java.net.SocketAddress remoteAddress0() {
      return new java.net.InetSocketAddress("203.0.113.5", 40000);
    }
  }

  private EmbeddedChannel channel() {
    EmbeddedChannel ch = new FromClient(new HttpRequestDecoder(), new HttpObjectAggregator(1 << 16),
        new ZeroTrustHandler(enforcer), new Login());
    channels.add(ch);
    return ch;
  }

  private static int login(EmbeddedChannel ch, String user) {
    byte[] body = ("user=" + user + "&password=guess").getBytes(StandardCharsets.UTF_8);
    String head = "POST /login HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
        + "Content-Length: " + body.length + "\r\n\r\n";
    ch.writeInbound(Unpooled.wrappedBuffer(head.getBytes(StandardCharsets.US_ASCII), body));
    FullHttpResponse res = ch.readOutbound();
    try {
      return res.status().code();
    } finally {
      res.release();
    }
  }

  @Test
  void contextWhileAnsweringThenTheAllowedRequestsAndAfterTheAnswerEmpty() {
    EmbeddedChannel ch = channel();
    assertThat(ZeroTrustHandler.context(ch)).isEmpty();
    assertThat(login(ch, "alice")).isEqualTo(401);
    assertThat(seen).singleElement().satisfies(c -> {
      assertThat(c).isPresent();
      assertThat(c.get().method()).isEqualTo("POST");
      assertThat(c.get().normalizedPath()).contains("/login");
    });
    assertThat(ZeroTrustHandler.context(ch)).as("after the final response").isEmpty();
  }

  @Test
  void contextWhenChannelHasNoZeroTrustHandlerThenEmpty() {
    EmbeddedChannel ch = new EmbeddedChannel();
    channels.add(ch);
    assertThat(ZeroTrustHandler.context(ch)).isEmpty();
  }

  @Test
  void reportWhenOneIdentifierFailsRepeatedlyThenTheSourceIsMonitoredAndTheAccountUntouched() {
    EmbeddedChannel ch = channel();
    for (int i = 0; i < 2; i++) {
      assertThat(login(ch, "Alice")).isEqualTo(401);
    }
    assertThat(enforcer.countermeasures().active()).as("below the threshold").isEmpty();
    assertThat(login(ch, "alice")).isEqualTo(401);
    assertThat(seen).hasSize(3).allMatch(Optional::isPresent);
    assertThat(enforcer.countermeasures().active()).singleElement().satisfies(a -> {
      assertThat(a.rule()).isEqualTo("stuffing.identifier");
      assertThat(a.target()).isEqualTo("ip:203.0.113.5");
    });
  }
}
