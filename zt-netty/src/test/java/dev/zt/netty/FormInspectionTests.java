package dev.zt.netty;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zt.core.credential.BearerJwt;
import dev.zt.core.detect.Detection;
import dev.zt.core.Enforcer;
import dev.zt.core.rate.RatePolicy;
import dev.zt.core.policy.Requirement;
import dev.zt.core.policy.RoutePolicy;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.util.ReferenceCountUtil;
import io.opentelemetry.api.OpenTelemetry;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Form fields through {@link ZeroTrustHandler} when an {@link HttpObjectAggregator} hands the handler a
 * {@code FullHttpRequest}: inspected in place, the content then reaching the application untouched. Streamed forms:
 * {@link StreamedFormTests}.
 */
@ExtendWith(NoLeaksOrBlocking.class)
class FormInspectionTests {

  private static final String FORM = "application/x-www-form-urlencoded";

  private final Enforcer enforcer = Enforcer.builder()
      .bearerJwt(BearerJwt.issuer("https://issuer.test").audience("api")
          .keySource((selector, context) -> List.of()).build())
      .routes(RoutePolicy.builder().post("/comments", Requirement.permitAll()).build())
      .rateLimits(RatePolicy.none())
      .detection(Detection.defaults().withMaxFormBytes(1024))
      .openTelemetry(OpenTelemetry.noop())
      .build();
  private final List<EmbeddedChannel> channels = new ArrayList<>();

  @AfterEach
  void close() {
    channels.forEach(EmbeddedChannel::finishAndReleaseAll);
  }

  private EmbeddedChannel aggregated() {
    return channel(new HttpRequestDecoder(), new HttpObjectAggregator(1 << 16), new ZeroTrustHandler(enforcer));
  }

  private EmbeddedChannel channel(ChannelHandler... handlers) {
    EmbeddedChannel ch = new EmbeddedChannel(handlers);
    channels.add(ch);
    return ch;
  }

  private static void post(EmbeddedChannel ch, String contentType, String body) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    String head = "POST /comments HTTP/1.1\r\nHost: x\r\nContent-Type: " + contentType + "\r\nContent-Length: "
        + bytes.length + "\r\n\r\n";
    ch.writeInbound(Unpooled.wrappedBuffer(head.getBytes(StandardCharsets.US_ASCII), bytes));
  }

  private static int answered(EmbeddedChannel ch) {
    FullHttpResponse res = ch.readOutbound();
    try {
      return res.status().code();
    } finally {
      res.release();
    }
  }

  @Test
  void handlerWhenAggregatedFormCarriesSqlInjectionThenRefuses403() {
    EmbeddedChannel ch = aggregated();
    post(ch, FORM, "name=x&comment=1%27%20OR%20%271%27%3D%271");

    assertThat(answered(ch)).isEqualTo(403);
    assertThat((Object) ch.readInbound()).isNull();
  }

  @Test
  void handlerWhenAggregatedFormIsBenignThenTheApplicationGetsTheContentUnread() {
    EmbeddedChannel ch = aggregated();
    String body = "name=O%27Brien&comment=It%27s+a+%22quote%22";
    post(ch, FORM + "; charset=UTF-8", body);

    FullHttpRequest request = ch.readInbound();
    try {
      assertThat(request.content().readerIndex()).isZero();
      assertThat(request.content().toString(StandardCharsets.UTF_8)).isEqualTo(body);
      assertThat(request.refCnt()).isEqualTo(1);
      assertThat((Object) ch.readOutbound()).isNull();
    } finally {
      request.release();
    }
  }

  @Test
  void handlerWhenAggregatedFormIsOverTheLimitThenRefuses413() {
    EmbeddedChannel ch = aggregated();
    post(ch, FORM, "a=" + "b".repeat(1022));
    FullHttpRequest ok = ch.readInbound();
    ok.release();
    ch.writeOutbound(new io.netty.handler.codec.http.DefaultFullHttpResponse(
        io.netty.handler.codec.http.HttpVersion.HTTP_1_1, io.netty.handler.codec.http.HttpResponseStatus.OK));
    ReferenceCountUtil.release(ch.readOutbound());
    ch.runPendingTasks();

    post(ch, FORM, "a=" + "b".repeat(1023));
    assertThat(answered(ch)).isEqualTo(413);
    assertThat((Object) ch.readInbound()).isNull();
  }

  @Test
  void handlerWhenAnotherContentTypeThenTheBodyIsNotInspected() {
    EmbeddedChannel ch = aggregated();
    post(ch, "application/json", "{\"q\":\"1' OR '1'='1\"}");

    FullHttpRequest request = ch.readInbound();
    assertThat(request).isNotNull();
    request.release();
  }
}
