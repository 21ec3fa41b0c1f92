package dev.zt.netty;

import static org.assertj.core.api.Assertions.assertThat;


import dev.zt.core.credential.BearerJwt;
import dev.zt.core.detect.Detection;
import dev.zt.core.Enforcer;
import dev.zt.core.rate.RatePolicy;
import dev.zt.core.policy.Requirement;
import dev.zt.core.policy.RoutePolicy;
import dev.zt.testkit.TestClock;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.opentelemetry.api.OpenTelemetry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A URL-encoded form that arrives streamed (no {@code HttpObjectAggregator}: an {@code HttpRequest}, then
 * {@code HttpContent}s) is read before the decision and inspected as the servlet filter inspects it: an injected
 * field is refused whichever way the body is cut, an over-long form is refused whole, a benign one reaches the
 * application unchanged and in order, and nothing leaks on any path.
 */
@ExtendWith(NoLeaksOrBlocking.class)
class StreamedFormTests {

  private static final String FORM = "application/x-www-form-urlencoded";
  private static final String INJECTED = "name=x&comment=1%27%20OR%20%271%27%3D%271";
  private static final int LIMIT = 1024;

  private final List<EmbeddedChannel> channels = new ArrayList<>();
  private final List<Object> received = new ArrayList<>();

  @AfterEach
  void close() {
    channels.forEach(EmbeddedChannel::finishAndReleaseAll);
    received.forEach(ReferenceCountUtil::release);
  }

  private static Enforcer enforcer(UnaryOperator<Enforcer.Builder> extra) {
    return extra.apply(Enforcer.builder()
        .bearerJwt(BearerJwt.issuer("https://issuer.test").audience("api")
            .keySource((selector, context) -> List.of()).build())
        .routes(RoutePolicy.builder().post("/comments", Requirement.permitAll()).build())
        .rateLimits(RatePolicy.none())
        .detection(Detection.defaults().withMaxFormBytes(LIMIT))
        .openTelemetry(OpenTelemetry.noop()))
        .build();
  }

  private EmbeddedChannel channel(Enforcer enforcer) {
    EmbeddedChannel ch = new EmbeddedChannel(new HttpRequestDecoder(), new ZeroTrustHandler(enforcer));
    channels.add(ch);
    return ch;
  }

  private EmbeddedChannel channel() {
    return channel(enforcer(b -> b));
  }

  private static void send(EmbeddedChannel ch, String text) {
    ch.writeInbound(Unpooled.copiedBuffer(text, StandardCharsets.ISO_8859_1));
  }

  private static String head(String contentType, long length, String... headers) {
    StringBuilder b = new StringBuilder("POST /comments HTTP/1.1\r\nHost: x\r\nContent-Type: ").append(contentType)
        .append("\r\n");
    if (length >= 0) {
      b.append("Content-Length: ").append(length).append("\r\n");
    }
    for (int i = 0; i + 1 < headers.length; i += 2) {
      b.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
    }
    return b.append("\r\n").toString();
  }

  /** Everything the application was handed so far (kept for release after the test). */
  private List<Object> inbound(EmbeddedChannel ch) {
    List<Object> out = new ArrayList<>();
    Object m;
    while ((m = ch.readInbound()) != null) {
      out.add(m);
      received.add(m);
    }
    return out;
  }

  private static FullHttpResponse response(EmbeddedChannel ch) {
    Object out = ch.readOutbound();
    assertThat(out).isInstanceOf(FullHttpResponse.class);
    return (FullHttpResponse) out;
  }

  private static int status(EmbeddedChannel ch) {
    FullHttpResponse r = response(ch);
    try {
      return r.status().code();
    } finally {
      r.release();
    }
  }

  /** The bytes of the contents the application received, in order. */
  private static String body(List<Object> messages) {
    StringBuilder b = new StringBuilder();
    for (Object m : messages) {
      if (m instanceof HttpContent c && !(m instanceof HttpRequest)) {
        ByteBuf buf = c.content();
        assertThat(buf.readerIndex()).as("zt copied the body; it did not read it").isZero();
        b.append(buf.toString(StandardCharsets.ISO_8859_1));
      }
    }
    return b.toString();
  }

  @Test
  void handlerWhenStreamedFormCarriesSqlInjectionThenRefuses403() {
    EmbeddedChannel ch = channel();

    send(ch, head(FORM, INJECTED.length()) + INJECTED);

    assertThat(status(ch)).isEqualTo(403);
    assertThat(inbound(ch)).isEmpty();
    assertThat(ch.isOpen()).isTrue();
  }

  @Test
  void handlerWhenInjectedFormArrivesInPiecesThenNothingIsPassedOnAndItIsRefusedAtTheEnd() {
    EmbeddedChannel ch = channel();

    send(ch, head(FORM, INJECTED.length()));
    send(ch, INJECTED.substring(0, 17));
    assertThat((Object) ch.readOutbound()).as("undecided while the form is incomplete").isNull();
    assertThat(inbound(ch)).as("the application sees nothing before the decision").isEmpty();
    send(ch, INJECTED.substring(17));

    assertThat(status(ch)).isEqualTo(403);
    assertThat(inbound(ch)).isEmpty();
  }

  @Test
  void handlerWhenChunkedFormCarriesSqlInjectionThenRefuses403() {
    EmbeddedChannel ch = channel();
    String a = INJECTED.substring(0, 20);
    String b = INJECTED.substring(20);

    send(ch, head(FORM, -1, "Transfer-Encoding", "chunked")
        + Integer.toHexString(a.length()) + "\r\n" + a + "\r\n"
        + Integer.toHexString(b.length()) + "\r\n" + b + "\r\n0\r\n\r\n");

    assertThat(status(ch)).isEqualTo(403);
    assertThat(inbound(ch)).isEmpty();
  }

  @Test
  void handlerWhenStreamedFormIsBenignThenTheApplicationGetsTheRequestAndEveryContentUnchanged() {
    EmbeddedChannel ch = channel();
    String form = "name=O%27Brien&comment=It%27s+a+%22quote%22";

    send(ch, head(FORM + "; charset=UTF-8", form.length()) + form.substring(0, 10));
    send(ch, form.substring(10, 30));
    assertThat(inbound(ch)).isEmpty();
    send(ch, form.substring(30));

    List<Object> got = inbound(ch);
    assertThat(got.get(0)).isInstanceOf(HttpRequest.class).isNotInstanceOf(FullHttpRequest.class);
    assertThat(got.get(got.size() - 1)).isInstanceOf(LastHttpContent.class);
    assertThat(body(got)).isEqualTo(form);
    assertThat((Object) ch.readOutbound()).isNull();
  }

  @Test
  void handlerWhenStreamedFormIsAtTheLimitThenAllowedAndOneByteOverThenRefused413KeepingTheConnection() {
    EmbeddedChannel ch = channel();
    String atLimit = "a=" + "b".repeat(LIMIT - 2);
    send(ch, head(FORM, atLimit.length()) + atLimit);
    assertThat(body(inbound(ch))).isEqualTo(atLimit);
    ch.writeOutbound(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK));
    ReferenceCountUtil.release(ch.readOutbound());

    String over = "a=" + "b".repeat(LIMIT - 1);
    send(ch, head(FORM, over.length()) + over.substring(0, 500));
    send(ch, over.substring(500));

    FullHttpResponse r = response(ch);
    assertThat(r.status().code()).isEqualTo(413);
    assertThat(r.headers().get("Connection")).as("a small body is drained: the connection stays").isNull();
    r.release();
    assertThat(inbound(ch)).isEmpty();
    assertThat(ch.isOpen()).isTrue();
  }

  @Test
  void handlerWhenLargeStreamedFormIsRefusedThenClosesWithoutWaitingForTheRest() {
    EmbeddedChannel ch = channel();

    send(ch, head(FORM, 1_000_000) + "a=" + "b".repeat(3000));

    FullHttpResponse r = response(ch);
    assertThat(r.status().code()).isEqualTo(413);
    assertThat(r.headers().get("Connection")).isEqualTo("close");
    r.release();
    assertThat(inbound(ch)).isEmpty();
    assertThat(ch.isOpen()).isFalse();
  }

  @Test
  void handlerWhenStreamedFormExpectsContinueThenAnswers100AndPassesTheRequestOnWithoutTheExpectation() {
    EmbeddedChannel ch = channel();
    String form = "comment=hello";

    send(ch, head(FORM, form.length(), "Expect", "100-continue"));

    FullHttpResponse cont = response(ch);
    assertThat(cont.status()).isEqualTo(HttpResponseStatus.CONTINUE);
    cont.release();
    assertThat(inbound(ch)).isEmpty();
    send(ch, form);
    List<Object> got = inbound(ch);
    assertThat(((HttpRequest) got.get(0)).headers().contains("Expect")).isFalse();
    assertThat(body(got)).isEqualTo(form);
  }

  @Test
  void handlerWhenInjectedFormExpectsContinueThenRefusedAfterTheBody() {
    EmbeddedChannel ch = channel();

    send(ch, head(FORM, INJECTED.length(), "Expect", "100-continue"));
    ReferenceCountUtil.release(ch.readOutbound()); // 100 Continue
    send(ch, INJECTED);

    assertThat(status(ch)).isEqualTo(403);
    assertThat(inbound(ch)).isEmpty();
  }

  @Test
  void handlerWhenFormsArePipelinedThenEachIsDecidedOnItsOwnBodyInOrder() {
    EmbeddedChannel ch = channel();
    String benign = "comment=fine";

    send(ch, head(FORM, benign.length()) + benign + head(FORM, INJECTED.length()) + INJECTED);

    List<Object> first = inbound(ch);
    assertThat(body(first)).isEqualTo(benign);
    assertThat((Object) ch.readOutbound()).as("the second waits for the first answer").isNull();
    ch.writeOutbound(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK));
    ReferenceCountUtil.release(ch.readOutbound());
    ch.runPendingTasks();
    assertThat(status(ch)).isEqualTo(403);
    assertThat(inbound(ch)).isEmpty();
  }

  @Test
  void handlerWhenDecisionOnAStreamedFormIsPendingThenTheBodyWaitsAndFollowsTheRequest() {
    TestingGates.Held held = new TestingGates.Held();
    EmbeddedChannel ch = channel(enforcer(b -> TestingGates.with(b, held)));
    String form = "comment=" + "x".repeat(900);

    send(ch, head(FORM, form.length()) + form.substring(0, 400));
    send(ch, form.substring(400));
    assertThat(held.waiting()).isEqualTo(1);
    assertThat(inbound(ch)).isEmpty();
    held.proceed();
    ch.runPendingTasks();

    List<Object> got = inbound(ch);
    assertThat(got.get(0)).isInstanceOf(HttpRequest.class);
    assertThat(body(got)).isEqualTo(form);
  }

  @Test
  void handlerWhenChannelClosesWhileAFormIsReadThenNothingIsHeldOrPassedOn() {
    EmbeddedChannel ch = new EmbeddedChannel(new ZeroTrustHandler(enforcer(b -> b)));
    channels.add(ch);
    HttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/comments");
    request.headers().set("Content-Type", FORM).set("Content-Length", 2000);
    HttpContent part = new DefaultHttpContent(Unpooled.copiedBuffer("comment=" + "x".repeat(600),
        StandardCharsets.US_ASCII));

    ch.writeInbound(request, part);
    assertThat(part.refCnt()).as("copied and released at once, not passed on").isZero();
    assertThat(inbound(ch)).isEmpty();
    ch.close(); // the copy is released too: NoLeaksOrBlocking fails the class on a leak

    assertThat(inbound(ch)).isEmpty();
  }

  @Test
  void handlerWhenDeniedAfterReadingAStreamedFormThenEveryHeldContentIsReleased() {
    EmbeddedChannel ch = new EmbeddedChannel(new ZeroTrustHandler(enforcer(b -> b)));
    channels.add(ch);
    HttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/comments");
    request.headers().set("Content-Type", FORM).set("Content-Length", INJECTED.length());
    HttpContent first = new DefaultHttpContent(Unpooled.copiedBuffer(INJECTED.substring(0, 9),
        StandardCharsets.US_ASCII));
    LastHttpContent last = new DefaultLastHttpContent(Unpooled.copiedBuffer(INJECTED.substring(9),
        StandardCharsets.US_ASCII));

    ch.writeInbound(request, first, last);

    assertThat(status(ch)).isEqualTo(403);
    assertThat(first.refCnt()).isZero();
    assertThat(last.refCnt()).isZero();
    assertThat(ch.isOpen()).isTrue();
  }

  @Test
  void handlerWhenStreamedFormIsCompressedThenRefuses415AsItCannotBeInspected() {
    EmbeddedChannel ch = channel();
    String form = "comment=anything";

    send(ch, head(FORM, form.length(), "Content-Encoding", "gzip") + form);

    assertThat(status(ch)).isEqualTo(415);
    assertThat(inbound(ch)).isEmpty();
  }

  @Test
  void handlerWhenApplicationReadsByHandThenTheHandlerReadsOnUntilTheFormIsComplete() {
    ZeroTrustHandlerTests.ReadCounter reads = new ZeroTrustHandlerTests.ReadCounter();
    EmbeddedChannel ch = new EmbeddedChannel(reads, new HttpRequestDecoder(), new ZeroTrustHandler(enforcer(b -> b)));
    channels.add(ch);
    ch.config().setAutoRead(false); // the application reads by hand, and asks for nothing until it sees a request
    String form = "comment=" + "x".repeat(100);
    reads.count = 0;

    send(ch, head(FORM, form.length()) + form.substring(0, 50));
    int whileReading = reads.count;
    assertThat(whileReading).as("the application cannot ask for a body it has not seen: zt reads on").isPositive();
    send(ch, form.substring(50));

    assertThat(reads.count).as("no read past the form: the application drives the rest").isEqualTo(whileReading);
    assertThat(body(inbound(ch))).isEqualTo(form);
  }

  @Test
  void handlerWhenAnotherContentTypeIsStreamedThenItIsPassedOnAtOnceUnread() {
    EmbeddedChannel ch = channel();
    String json = "{\"comment\":\"1' OR '1'='1\"}";

    send(ch, head("application/json", json.length() + 10) + json);

    List<Object> got = inbound(ch);
    assertThat(got).hasSize(2);
    assertThat(body(got)).isEqualTo(json);
  }

  // ------------------------------------------------------------------------------------ issue 12 §3 and §8

  private static Enforcer protectedEnforcer(TestClock clock) {
    return Enforcer.builder()
        .bearerJwt(BearerJwt.issuer("https://issuer.test").audience("api")
            .keySource((selector, context) -> List.of()).build())
        .routes(RoutePolicy.builder()
            .post("/comments", Requirement.permitAll())
            .post("/orders", Requirement.allScopes("orders:write"))
            .build())
        .rateLimits(RatePolicy.none())
        .detection(Detection.defaults().withMaxFormBytes(LIMIT).withFormReadTimeout(Duration.ofSeconds(10)))
        .clock(clock)
        .openTelemetry(OpenTelemetry.noop())
        .build();
  }

  private static String headTo(String path, long length) {
    return "POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Type: " + FORM + "\r\nContent-Length: " + length
        + "\r\n\r\n";
  }

  @Test
  void handlerWhenAnonymousFormToAProtectedRouteThen401AtOnceAndItsBodyIsDiscardedUnread() {
    EmbeddedChannel ch = channel(protectedEnforcer(TestClock.create()));

    send(ch, headTo("/orders", 100));

    assertThat(status(ch)).as("answered before a byte of the body").isEqualTo(401);
    ByteBuf rest = Unpooled.copiedBuffer("a=" + "b".repeat(98), StandardCharsets.US_ASCII);
    ch.writeInbound(rest);
    assertThat(rest.refCnt()).isZero();
    assertThat(inbound(ch)).isEmpty();
    assertThat(ch.isOpen()).as("a small body is drained: the connection stays").isTrue();
  }

  @Test
  void handlerWhenAllowedFormStallsThenTheTimerAnswers408AndCloses() {
    EmbeddedChannel ch = channel(protectedEnforcer(TestClock.create()));

    send(ch, headTo("/comments", 100) + "a=1");
    assertThat((Object) ch.readOutbound()).as("still reading").isNull();
    ch.advanceTimeBy(10_001, java.util.concurrent.TimeUnit.MILLISECONDS);
    ch.runScheduledPendingTasks();

    FullHttpResponse r = response(ch);
    assertThat(r.status().code()).isEqualTo(408);
    assertThat(r.headers().get("Connection")).isEqualTo("close");
    r.release();
    assertThat(inbound(ch)).isEmpty();
    assertThat(ch.isOpen()).isFalse();
  }

  @Test
  void handlerWhenFormContentArrivesAfterTheDeadlineThen408AndCloses() {
    TestClock clock = TestClock.create();
    EmbeddedChannel ch = channel(protectedEnforcer(clock));

    send(ch, headTo("/comments", 100) + "a=1");
    clock.advance(Duration.ofSeconds(11));
    send(ch, "&b=2");

    assertThat(status(ch)).isEqualTo(408);
    assertThat(inbound(ch)).isEmpty();
    assertThat(ch.isOpen()).isFalse();
  }

  @Test
  void handlerWhenFormIsDecidedInTimeThenTheTimerIsCancelled() {
    EmbeddedChannel ch = channel(protectedEnforcer(TestClock.create()));

    send(ch, headTo("/comments", 3) + "a=1");
    assertThat(body(inbound(ch))).isEqualTo("a=1");
    ch.advanceTimeBy(20, java.util.concurrent.TimeUnit.SECONDS);
    ch.runScheduledPendingTasks();

    assertThat((Object) ch.readOutbound()).isNull();
    assertThat(ch.isOpen()).isTrue();
  }

  /**
   * Issue 12 §8: a form sent one byte per {@code HttpContent}, each a slice of its own 16 KiB buffer (as a decoder's
   * slices pin their read buffers), holds the form's bytes, not a buffer per content.
   */
  @Test
  void handlerWhenFormArrivesOneByteAtATimeThenHeldMemoryStaysWithinTheLimit() {
    UnpooledByteBufAllocator alloc = new UnpooledByteBufAllocator(false);
    EmbeddedChannel ch = new EmbeddedChannel(new ZeroTrustHandler(enforcer(b -> b)));
    ch.config().setAllocator(alloc);
    channels.add(ch);
    String form = "a=" + "b".repeat(LIMIT - 3);
    HttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/comments");
    request.headers().set("Content-Type", FORM).set("Transfer-Encoding", "chunked");
    ch.writeInbound(request);
    List<HttpContent> sent = new ArrayList<>();

    for (int i = 0; i < form.length(); i++) {
      ByteBuf big = Unpooled.buffer(16 * 1024);
      big.writeByte(form.charAt(i));
      HttpContent c = new DefaultHttpContent(big);
      sent.add(c);
      ch.writeInbound(c);
    }

    long held = sent.stream().filter(c -> c.refCnt() > 0).mapToLong(c -> c.content().capacity()).sum();
    assertThat(held).as("contents held after %d one-byte chunks", form.length()).isZero();
    assertThat(alloc.metric().usedHeapMemory()).as("zt's own copy").isLessThanOrEqualTo(LIMIT + 1);
    assertThat(inbound(ch)).isEmpty();

    ch.writeInbound(LastHttpContent.EMPTY_LAST_CONTENT);
    List<Object> got = inbound(ch);
    assertThat(got.get(0)).isSameAs(request);
    assertThat(body(got)).isEqualTo(form);
    assertThat(got.get(got.size() - 1)).isInstanceOf(LastHttpContent.class);
  }

  @Test
  void handlerWhenAllowedFormCrossesTheLimitWithDetectionOffButAnIdentifierFieldThenTheWholeBodyGoesOn() {
    EmbeddedChannel ch = channel(Enforcer.builder()
        .bearerJwt(BearerJwt.issuer("https://issuer.test").audience("api")
            .keySource((selector, context) -> List.of()).build())
        .routes(RoutePolicy.builder().post("/comments", Requirement.permitAll()).build())
        .rateLimits(RatePolicy.none())
        .detection(Detection.off().withMaxFormBytes(LIMIT).withIdentifierField("user"))
        .openTelemetry(OpenTelemetry.noop())
        .build());
    String form = "user=x&pad=" + "b".repeat(LIMIT + 500);

    send(ch, head(FORM, form.length()) + form);

    assertThat(body(inbound(ch))).isEqualTo(form);
  }

  @Test
  void handlerWhenMessageIsNotHttpThenItIsReleasedAndTheConnectionClosed() {
    EmbeddedChannel ch = new EmbeddedChannel(new ZeroTrustHandler(enforcer(b -> b)));
    channels.add(ch);
    ByteBuf frame = Unpooled.copiedBuffer("not http", StandardCharsets.US_ASCII);

    ch.writeInbound(frame);

    assertThat(frame.refCnt()).isZero();
    assertThat(inbound(ch)).isEmpty();
    assertThat(ch.isOpen()).isFalse();
  }

  @Test
  void handlerWhenH2cUpgradeRequestedThenTheApplicationGetsTheRequestWithoutIt() {
    EmbeddedChannel ch = channel(protectedEnforcer(TestClock.create()));

    send(ch, "POST /comments HTTP/1.1\r\nHost: x\r\nConnection: Upgrade, HTTP2-Settings, keep-alive\r\n"
        + "Upgrade: h2c\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\nContent-Length: 0\r\n\r\n");

    List<Object> got = inbound(ch);
    HttpRequest request = (HttpRequest) got.get(0);
    assertThat(request.headers().contains("Upgrade")).isFalse();
    assertThat(request.headers().contains("HTTP2-Settings")).isFalse();
    assertThat(request.headers().getAll("Connection")).containsExactly("keep-alive");
    assertThat((Object) ch.readOutbound()).as("no 101, no refusal").isNull();
  }

  @Test
  void handlerWhenWebSocketUpgradeRequestedThen403() {
    EmbeddedChannel ch = channel(protectedEnforcer(TestClock.create()));

    send(ch, "POST /comments HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
        + "Content-Length: 0\r\n\r\n");

    assertThat(status(ch)).isEqualTo(403);
    assertThat(inbound(ch)).isEmpty();
  }
}
