package dev.zt.netty;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zt.core.Enforcer;
import dev.zt.core.credential.BearerJwt;
import dev.zt.core.detect.Detection;
import dev.zt.core.policy.Requirement;
import dev.zt.core.policy.RoutePolicy;
import dev.zt.core.rate.RatePolicy;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import io.opentelemetry.api.OpenTelemetry;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@link ZeroTrustHandler} over a swappable enforcer ({@code Supplier<Enforcer>}, e.g. a hot-reloaded policy): the
 * enforcer is read once when a request starts and decides all of it, a streamed form included, even when it is
 * swapped meanwhile; the next request on the same connection sees the swap; no enforcer closes the connection.
 */
@ExtendWith(NoLeaksOrBlocking.class)
class SuppliedEnforcerTests {

  private static final Enforcer OPEN = enforcer(Requirement.permitAll());
  private static final Enforcer CLOSED = enforcer(Requirement.allRoles("admin"));

  private final List<EmbeddedChannel> channels = new ArrayList<>();
  private final List<Object> received = new ArrayList<>();
  private final AtomicReference<Enforcer> current = new AtomicReference<>(OPEN);
  private final AtomicInteger reads = new AtomicInteger();
  private final Supplier<Enforcer> supplier = () -> {
    reads.incrementAndGet();
    return current.get();
  };

  @AfterEach
  void close() {
    channels.forEach(EmbeddedChannel::finishAndReleaseAll);
    received.forEach(ReferenceCountUtil::release);
  }

  private static Enforcer enforcer(Requirement comments) {
    return Enforcer.builder()
        .bearerJwt(BearerJwt.issuer("https://issuer.test").audience("api")
            .keySource((selector, context) -> List.of()).build())
        .routes(RoutePolicy.builder().post("/comments", comments).get("/comments", comments).build())
        .rateLimits(RatePolicy.none())
        .detection(Detection.defaults().withMaxFormBytes(1024))
        .openTelemetry(OpenTelemetry.noop())
        .build();
  }

  private EmbeddedChannel channel(Supplier<Enforcer> enforcers) {
    EmbeddedChannel ch = new EmbeddedChannel(new HttpRequestDecoder(), new ZeroTrustHandler(enforcers));
    channels.add(ch);
    return ch;
  }

  private static void send(EmbeddedChannel ch, String text) {
    ch.writeInbound(Unpooled.copiedBuffer(text, StandardCharsets.ISO_8859_1));
  }

  private List<Object> inbound(EmbeddedChannel ch) {
    List<Object> out = new ArrayList<>();
    Object m;
    while ((m = ch.readInbound()) != null) {
      out.add(m);
      received.add(m);
    }
    return out;
  }

  private static int status(EmbeddedChannel ch) {
    Object out = ch.readOutbound();
    assertThat(out).isInstanceOf(FullHttpResponse.class);
    FullHttpResponse r = (FullHttpResponse) out;
    try {
      return r.status().code();
    } finally {
      r.release();
    }
  }

  private static void answerOk(EmbeddedChannel ch) {
    ch.writeOutbound(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK));
    ReferenceCountUtil.release(ch.readOutbound());
  }

  @Test
  void channelReadWhenTheEnforcerIsSwappedBetweenRequestsThenTheNextRequestIsDecidedByTheNewOne() {
    EmbeddedChannel ch = channel(supplier);
    send(ch, "GET /comments HTTP/1.1\r\nHost: x\r\n\r\n");
    assertThat(inbound(ch)).hasSize(2); // the request and its empty last content
    answerOk(ch);

    current.set(CLOSED);
    send(ch, "GET /comments HTTP/1.1\r\nHost: x\r\n\r\n");
    assertThat(inbound(ch)).isEmpty();
    assertThat(status(ch)).isEqualTo(401);
    assertThat(ch.isOpen()).isTrue();
    assertThat(reads).hasValue(2);
  }

  @Test
  void channelReadWhenSwappedWhileAStreamedFormIsReadThenTheRequestIsDecidedByItsFirstEnforcer() {
    EmbeddedChannel ch = channel(supplier);
    send(ch, "POST /comments HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
        + "Content-Length: 11\r\n\r\nname=");
    assertThat(inbound(ch)).as("the form is being read").isEmpty();

    current.set(CLOSED); // swapped halfway through the request
    send(ch, "alice1");
    List<Object> app = inbound(ch);
    assertThat(app).isNotEmpty();
    assertThat(app.get(0)).isInstanceOf(HttpRequest.class);
    StringBuilder body = new StringBuilder();
    app.stream().filter(m -> m instanceof HttpContent && !(m instanceof HttpRequest))
        .forEach(m -> body.append(((HttpContent) m).content().toString(StandardCharsets.ISO_8859_1)));
    assertThat(body).hasToString("name=alice1");
    assertThat(reads).as("one read for the whole request").hasValue(1);
    answerOk(ch);

    send(ch, "GET /comments HTTP/1.1\r\nHost: x\r\n\r\n");
    assertThat(inbound(ch)).isEmpty();
    assertThat(status(ch)).isEqualTo(401);
  }

  @Test
  void channelReadWhenTheSupplierHasNoEnforcerThenClosesWithoutPassingTheRequestOn() {
    EmbeddedChannel ch = channel(() -> null);
    send(ch, "GET /comments HTTP/1.1\r\nHost: x\r\n\r\n");
    assertThat(inbound(ch)).isEmpty();
    assertThat(ch.isOpen()).isFalse();
  }

  @Test
  void channelReadWhenTheSupplierThrowsThenClosesWithoutPassingTheRequestOn() {
    EmbeddedChannel ch = channel(() -> {
      throw new IllegalStateException("no policy");
    });
    send(ch, "GET /comments HTTP/1.1\r\nHost: x\r\n\r\n");
    assertThat(inbound(ch)).isEmpty();
    assertThat(ch.isOpen()).isFalse();
  }
}
