package dev.zt.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.zt.core.credential.BearerJwt;
import dev.zt.core.Decision;
import dev.zt.core.DenyReason;
import dev.zt.core.detect.Detection;
import dev.zt.core.Enforcer;
import dev.zt.core.rate.RatePolicy;
import dev.zt.core.policy.Requirement;
import dev.zt.core.policy.RoutePolicy;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.opentelemetry.api.OpenTelemetry;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Issue 13: the answers the handler used to make on its own — a request the codec could not parse, a form body that
 * broke while zt read it — are the enforcer's refusals, audited like every decision; and the handler's state machine
 * refuses the transitions its table does not list.
 */
@ExtendWith(NoLeaksOrBlocking.class)
class AdapterRefusalTests {

  private final List<EmbeddedChannel> channels = new ArrayList<>();
  private final List<Decision> audited = new ArrayList<>();
  private final List<String> details = new ArrayList<>();

  @AfterEach
  void close() {
    channels.forEach(EmbeddedChannel::finishAndReleaseAll);
  }

  private EmbeddedChannel channel() {
    Enforcer enforcer = Enforcer.builder()
        .bearerJwt(BearerJwt.issuer("https://issuer.test").audience("api")
            .keySource((selector, context) -> List.of()).build())
        .routes(RoutePolicy.builder().post("/comments", Requirement.permitAll()).build())
        .rateLimits(RatePolicy.none())
        .detection(Detection.defaults().withMaxFormBytes(1024))
        .openTelemetry(OpenTelemetry.noop())
        .auditListener((request, decision, detail) -> {
          audited.add(decision);
          details.add(detail);
        })
        .build();
    EmbeddedChannel ch = new EmbeddedChannel(new ZeroTrustHandler(enforcer));
    channels.add(ch);
    return ch;
  }

  @Test
  void requestWhenCodecFailedOnOversizedHeadersThenRefusalAuditedAsHeadersTooLarge() {
    EmbeddedChannel ch = channel();
    HttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/bad-request");
    request.setDecoderResult(DecoderResult.failure(new TooLongHttpHeaderException("too long")));

    ch.writeInbound(request);

    FullHttpResponse r = ch.readOutbound();
    assertThat(r.status().code()).isEqualTo(431);
    r.release();
    assertThat(audited).singleElement().isInstanceOfSatisfying(Decision.Deny.class, d -> {
      assertThat(d.reason()).isEqualTo(DenyReason.HEADERS_TOO_LARGE);
      assertThat(d.gate()).isEqualTo("adapter");
    });
    assertThat(details.get(0)).contains("TooLongHttpHeaderException");
    assertThat(ch.isOpen()).isFalse();
  }

  @Test
  void requestWhenRequestLineTooLongThen414AuditedAndClosed() {
    EmbeddedChannel ch = channel();
    HttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/bad-request");
    request.setDecoderResult(DecoderResult.failure(new TooLongHttpLineException("too long")));

    ch.writeInbound(request);

    FullHttpResponse r = ch.readOutbound();
    assertThat(r.status().code()).isEqualTo(414);
    assertThat(r.headers().get("Connection")).isEqualTo("close");
    assertThat(r.content().readableBytes()).isZero();
    r.release();
    assertThat(audited).singleElement().extracting(d -> ((Decision.Deny) d).reason())
        .isEqualTo(DenyReason.REQUEST_LINE_TOO_LONG);
    assertThat(ch.isOpen()).isFalse();
  }

  @Test
  void formWhenBodyBrokeWhileReadThenRefusalAuditedAndConnectionClosed() {
    EmbeddedChannel ch = channel();
    HttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/comments");
    request.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/x-www-form-urlencoded")
        .set(HttpHeaderNames.CONTENT_LENGTH, 10);
    ch.writeInbound(request);
    assertThat(audited).as("asked for the body: nothing decided yet").isEmpty();
    HttpContent broken = new DefaultHttpContent(Unpooled.copiedBuffer("a=1", StandardCharsets.US_ASCII));
    broken.setDecoderResult(DecoderResult.failure(new IllegalStateException("bad chunk")));

    ch.writeInbound(broken);

    assertThat((Object) ch.readInbound()).as("nothing reaches the application").isNull();
    assertThat(audited).singleElement().extracting(d -> ((Decision.Deny) d).reason())
        .isEqualTo(DenyReason.REQUEST_MALFORMED);
    assertThat(ch.isOpen()).isFalse();
  }

  @Test
  void toWhenASecondDecisionOrFormWouldStartThenRefused() {
    assertThatThrownBy(() -> ConnectionState.DECIDING.to(ConnectionState.DECIDING))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> ConnectionState.READING_FORM.to(ConnectionState.READING_FORM))
        .isInstanceOf(IllegalStateException.class);
    assertThat(ConnectionState.READING_FORM.to(ConnectionState.DECIDING)).isEqualTo(ConnectionState.DECIDING);
  }

  @ParameterizedTest
  @EnumSource(value = ConnectionState.class, names = "CLOSED", mode = EnumSource.Mode.EXCLUDE)
  void toWhenClosedThenNothingButClosed(ConnectionState next) {
    assertThatThrownBy(() -> ConnectionState.CLOSED.to(next)).isInstanceOf(IllegalStateException.class);
    assertThat(next.to(ConnectionState.CLOSED)).isEqualTo(ConnectionState.CLOSED);
  }
}
