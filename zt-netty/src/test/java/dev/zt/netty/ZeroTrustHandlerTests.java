package dev.zt.netty;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zt.core.Decision;
import dev.zt.core.DenyReason;
import dev.zt.core.Enforcer;
import dev.zt.core.RequestContext;
import dev.zt.core.WireResponse;
import dev.zt.testkit.TestClock;
import dev.zt.testkit.TestIssuer;
import dev.zt.testkit.TestRequest;
import dev.zt.testkit.ZtAssertions;
import dev.zt.testkit.conformance.AdapterConformanceSuite;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.util.ReferenceCountUtil;
import io.opentelemetry.api.OpenTelemetry;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link ZeroTrustHandler} in an {@link EmbeddedChannel}, message by message: what goes on to the application, what
 * is written back, what is released, when reading pauses and resumes, and in which order pipelined requests are
 * answered. Asynchronous decisions are driven by hand through a {@link TestingGates.Held} gate, completed on the
 * test's thread, so every step is deterministic.
 */
@ExtendWith(NoLeaksOrBlocking.class)
class ZeroTrustHandlerTests {

  static TestClock clock;
  static TestIssuer issuer;
  static Enforcer enforcer;
  static String reader;
  static String writer;

  private final List<EmbeddedChannel> channels = new ArrayList<>();

  @BeforeAll
  static void start() {
    clock = TestClock.create();
    issuer = TestIssuer.start(clock);
    enforcer = enforcer(UnaryOperator.identity());
    reader = issuer.token().scope("orders:read").build();
    writer = issuer.token().scope("orders:write").build();
    // validated once, blocking, so the handler finds both in the cache and decides at once
    ZtAssertions.assertThatDecision(enforcer.enforce(TestRequest.get("/orders").bearer(reader).clock(clock).build()))
        .isAllowed();
    ZtAssertions.assertThatDecision(enforcer.enforce(TestRequest.post("/orders").bearer(writer).clock(clock).build()))
        .isAllowed();
  }

  @AfterAll
  static void stop() {
    issuer.close();
  }

  @AfterEach
  void closeChannels() {
    for (EmbeddedChannel ch : channels) {
      ch.finishAndReleaseAll();
    }
  }

  static Enforcer enforcer(UnaryOperator<Enforcer.Builder> more) {
    return more.apply(Enforcer.builder()
            .bearerJwt(issuer.bearerJwt().build())
            .routes(AdapterConformanceSuite.routes())
            .realm("orders")
            .clock(clock)
            .openTelemetry(OpenTelemetry.noop())
            .blockingExecutor(Runnable::run))
        .build();
  }

  private EmbeddedChannel channel(Enforcer e) {
    EmbeddedChannel ch = new EmbeddedChannel(new ZeroTrustHandler(e));
    channels.add(ch);
    return ch;
  }

  // ------------------------------------------------------------------------------------------------ allow

  @Test
  void allowWhenBodyArrivesInChunksThenRequestAndContentsPassOnWithCallerAndPath() {
    EmbeddedChannel ch = channel(enforcer);
    HttpRequest request = request(HttpMethod.POST, "/orders", "Authorization", "Bearer " + writer,
        "Content-Length", "11");
    HttpContent first = content("hello ");
    LastHttpContent last = last("world");
    ch.writeInbound(request, first, last);

    assertThat(inbound(ch)).containsExactly(request, first, last);
    assertThat(ZeroTrustHandler.caller(ch).subject()).contains("user-1");
    assertThat(ZeroTrustHandler.path(ch)).isEqualTo("/orders");
    assertThat((Object) ch.readOutbound()).isNull();
    release(request, first, last);
  }

  @Test
  void contextWhenPlainConnectionThenSchemeHttpAndTheEffectiveUriFromHostOrTheAbsoluteTarget() {
    EmbeddedChannel ch = channel(enforcer);
    HttpRequest viaHost = request(HttpMethod.GET, "/health?x=1", "Host", "API.example.com:8080");
    ch.writeInbound(viaHost);

    RequestContext context = ZeroTrustHandler.context(ch).orElseThrow();
    assertThat(context.scheme()).contains("http");
    assertThat(context.effectiveUri()).contains(java.net.URI.create("http://api.example.com:8080/health"));
    release(viaHost);

    EmbeddedChannel other = channel(enforcer);
    HttpRequest absolute = request(HttpMethod.GET, "http://api.example.com/health", "Host", "evil.example");
    other.writeInbound(absolute);

    assertThat(ZeroTrustHandler.context(other).orElseThrow().effectiveUri())
        .as("RFC 9112 §3.2.2: an absolute-form target's authority, not Host")
        .contains(java.net.URI.create("http://api.example.com/health"));
    release(absolute);
  }

  @Test
  void allowWhenFullHttpRequestThenPassedOnWhole() {
    EmbeddedChannel ch = channel(enforcer);
    FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/admin/../orders",
        buffer(""));
    request.headers().set("Authorization", "Bearer " + reader);
    ch.writeInbound(request);

    assertThat(inbound(ch)).containsExactly(request);
    assertThat(ZeroTrustHandler.path(ch)).isEqualTo("/orders");
    request.release();
  }

  @Test
  void allowWhenAbsoluteFormThenAuthorizesItsPathOnly() {
    EmbeddedChannel ch = channel(enforcer);
    HttpRequest request = request(HttpMethod.GET, "http://evil.example/admin/../orders",
        "Authorization", "Bearer " + reader);
    ch.writeInbound(request, LastHttpContent.EMPTY_LAST_CONTENT);

    assertThat(inbound(ch)).containsExactly(request, LastHttpContent.EMPTY_LAST_CONTENT);
    assertThat(ZeroTrustHandler.path(ch)).isEqualTo("/orders");
  }

  // ------------------------------------------------------------------------------------------------ deny

  @Test
  void denyWhenNoTokenThenWritesTheWireTableAnswerReleasesTheBodyAndKeepsTheConnection() {
    EmbeddedChannel ch = channel(enforcer);
    HttpContent first = content("hello ");
    LastHttpContent last = last("world");
    ch.writeInbound(request(HttpMethod.POST, "/orders", "Content-Length", "11"), first, last);

    assertThat(inbound(ch)).isEmpty();
    assertAnswer(ch.readOutbound(), DenyReason.CREDENTIAL_MISSING, false, null);
    assertThat(first.refCnt()).isZero();
    assertThat(last.refCnt()).isZero();
    assertThat(ch.isOpen()).isTrue();

    // the connection still serves the next request
    ch.writeInbound(request(HttpMethod.GET, "/health"), LastHttpContent.EMPTY_LAST_CONTENT);
    assertThat(inbound(ch)).hasSize(2);
    assertThat(ZeroTrustHandler.caller(ch).isAuthenticated()).isFalse();
  }

  @Test
  void denyWhenScopeMissingThenAnswersInsufficientScopeNamingIt() {
    EmbeddedChannel ch = channel(enforcer);
    ch.writeInbound(request(HttpMethod.POST, "/orders", "Authorization", "Bearer " + reader),
        LastHttpContent.EMPTY_LAST_CONTENT);
    FullHttpResponse r = ch.readOutbound();
    assertThat(r.status().code()).isEqualTo(403);
    assertThat(r.headers().get("WWW-Authenticate"))
        .isEqualTo("Bearer realm=\"orders\", error=\"insufficient_scope\", scope=\"orders:write\"");
    r.release();
  }

  @Test
  void denyWhenRequestAsksToCloseThenAnswersAndCloses() {
    EmbeddedChannel ch = channel(enforcer);
    ch.writeInbound(request(HttpMethod.GET, "/orders", "Connection", "close"));
    assertAnswer(ch.readOutbound(), DenyReason.CREDENTIAL_MISSING, false, "close");
    assertThat(ch.isOpen()).isFalse();
  }

  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource({
      "Transfer-Encoding, chunked",
      "Content-Length, 65537",
      "Expect, 100-continue",
  })
  void denyWhenBodyNotHereAndNotSafelyDrainableThenAnswersConnectionCloseAndCloses(String name, String value) {
    EmbeddedChannel ch = channel(enforcer);
    HttpRequest request = request(HttpMethod.POST, "/orders", name, value);
    if (name.equals("Expect")) {
      request.headers().set("Content-Length", "10");
    }
    ch.writeInbound(request);
    assertAnswer(ch.readOutbound(), DenyReason.CREDENTIAL_MISSING, false, "close");
    assertThat(ch.isOpen()).isFalse();
    assertThat(inbound(ch)).isEmpty();
  }

  @Test
  void denyWhenChunkedBodyArrivedWhileDecidingThenKeepsTheConnection() {
    TestingGates.Held held = new TestingGates.Held();
    EmbeddedChannel ch = channel(enforcer(b -> TestingGates.with(b, held)));
    HttpContent first = content("x");
    LastHttpContent last = last("y");
    ch.writeInbound(request(HttpMethod.POST, "/orders", "Authorization", "Bearer " + writer,
        "Transfer-Encoding", "chunked"), first, last);
    held.deny(DenyReason.INSUFFICIENT_ROLE);
    ch.runPendingTasks();
    FullHttpResponse r = ch.readOutbound();
    assertThat(r.headers().get("Connection")).as("the whole body is here: nothing to drain").isNull();
    r.release();
    assertThat(first.refCnt()).isZero();
    assertThat(last.refCnt()).isZero();
    assertThat(ch.isOpen()).isTrue();
  }

  @Test
  void denyWhenHeadThenNoBodyButItsContentLength() {
    EmbeddedChannel ch = channel(enforcer);
    ch.writeInbound(request(HttpMethod.HEAD, "/orders"), LastHttpContent.EMPTY_LAST_CONTENT);
    assertAnswer(ch.readOutbound(), DenyReason.CREDENTIAL_MISSING, true, null);
  }

  @Test
  void denyWhenHttp10KeepAliveThenAnswersKeepAlive() {
    EmbeddedChannel ch = channel(enforcer);
    HttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_0, HttpMethod.GET, "/orders");
    request.headers().set("Connection", "keep-alive");
    ch.writeInbound(request, LastHttpContent.EMPTY_LAST_CONTENT);
    assertAnswer(ch.readOutbound(), DenyReason.CREDENTIAL_MISSING, false, "keep-alive");
    assertThat(ch.isOpen()).isTrue();
  }

  @Test
  void denyWhenHttp10WithoutKeepAliveThenCloses() {
    EmbeddedChannel ch = channel(enforcer);
    ch.writeInbound(new DefaultHttpRequest(HttpVersion.HTTP_1_0, HttpMethod.GET, "/orders"));
    assertAnswer(ch.readOutbound(), DenyReason.CREDENTIAL_MISSING, false, "close");
    assertThat(ch.isOpen()).isFalse();
  }

  @Test
  void denyWhenFullHttpRequestThenReleasedAndConnectionKept() {
    EmbeddedChannel ch = channel(enforcer);
    FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/orders",
        buffer("{\"item\":1}"));
    request.headers().set("Content-Length", "10");
    ch.writeInbound(request);
    assertAnswer(ch.readOutbound(), DenyReason.CREDENTIAL_MISSING, false, null);
    assertThat(request.refCnt()).isZero();
    assertThat(ch.isOpen()).isTrue();
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({
      "OPTIONS, *",
      "CONNECT, example.com:443",
      "GET, orders",
      "GET, ftp://example.com/orders",
      "GET, http://user@example.com/health",
      "GET, /health#x",
  })
  void requestWhenTargetNeitherOriginNorAbsoluteFormThenZtRefusesThePath(String method, String target) {
    EmbeddedChannel ch = channel(enforcer);
    ch.writeInbound(request(HttpMethod.valueOf(method), target), LastHttpContent.EMPTY_LAST_CONTENT);
    assertThat(inbound(ch)).isEmpty();
    assertAnswer(ch.readOutbound(), DenyReason.PATH_REJECTED, false, null);
  }

  @Test
  void requestWhenCodecFailedOnOversizedHeadersThen431AndCloses() {
    EmbeddedChannel ch = channel(enforcer);
    HttpRequest request = request(HttpMethod.GET, "/orders");
    request.setDecoderResult(DecoderResult.failure(new TooLongHttpHeaderException("too long")));
    ch.writeInbound(request);
    FullHttpResponse r = ch.readOutbound();
    assertThat(r.status()).isEqualTo(HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE);
    assertThat(r.headers().get("Connection")).isEqualTo("close");
    assertThat(r.headers().getInt("Content-Length")).isZero();
    r.release();
    assertThat(inbound(ch)).isEmpty();
    assertThat(ch.isOpen()).isFalse();
  }

  @Test
  void contentWhenNoRequestWasAllowedThenReleasedNeverPassedOn() {
    EmbeddedChannel ch = channel(enforcer);
    HttpContent stray = content("stray");
    ch.writeInbound(stray);
    assertThat(stray.refCnt()).isZero();
    assertThat(inbound(ch)).isEmpty();
  }

  // ------------------------------------------------------------------------------------------------ order

  @Test
  void pipelinedWhenPreviousResponseNotWrittenThenNextRequestWaitsAndIsAnsweredAfterIt() {
    EmbeddedChannel ch = channel(enforcer);
    HttpRequest health = request(HttpMethod.GET, "/health");
    ch.writeInbound(health, LastHttpContent.EMPTY_LAST_CONTENT,
        request(HttpMethod.GET, "/orders"), LastHttpContent.EMPTY_LAST_CONTENT);

    assertThat(inbound(ch)).containsExactly(health, LastHttpContent.EMPTY_LAST_CONTENT);
    assertThat((Object) ch.readOutbound()).as("the denial must wait for the health answer").isNull();
    assertThat(ch.config().isAutoRead()).isFalse();

    // an interim 100 is not the answer
    ch.writeOutbound(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
    ch.runPendingTasks();
    assertThat(((FullHttpResponse) ch.readOutbound()).status()).isEqualTo(HttpResponseStatus.CONTINUE);
    assertThat((Object) ch.readOutbound()).isNull();

    ch.writeOutbound(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK));
    ch.runPendingTasks();
    FullHttpResponse first = ch.readOutbound();
    assertThat(first.status()).isEqualTo(HttpResponseStatus.OK);
    first.release();
    assertAnswer(ch.readOutbound(), DenyReason.CREDENTIAL_MISSING, false, null);
    assertThat(ch.config().isAutoRead()).isTrue();
  }

  @Test
  void pendingWhenDecisionNotReadyThenStopsReadingQueuesAndReplaysInOrder() {
    TestingGates.Held held = new TestingGates.Held();
    EmbeddedChannel ch = channel(enforcer(b -> TestingGates.with(b, held)));
    HttpRequest post = request(HttpMethod.POST, "/orders", "Authorization", "Bearer " + writer,
        "Content-Length", "11");
    HttpContent first = content("hello ");
    ch.writeInbound(post, first);

    assertThat(held.waiting()).isEqualTo(1);
    assertThat(ch.config().isAutoRead()).as("reading paused while deciding").isFalse();
    assertThat(inbound(ch)).isEmpty();

    LastHttpContent last = last("world");
    HttpRequest health = request(HttpMethod.GET, "/health");
    ch.writeInbound(last, health, LastHttpContent.EMPTY_LAST_CONTENT);
    assertThat(inbound(ch)).as("everything queued").isEmpty();

    held.proceed();
    ch.runPendingTasks();
    assertThat(inbound(ch)).containsExactly(post, first, last);
    assertThat(held.waiting()).as("the next request waits for the POST's answer").isZero();
    assertThat(ch.config().isAutoRead()).isFalse();

    ch.writeOutbound(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CREATED));
    ch.runPendingTasks();
    assertThat(held.waiting()).isEqualTo(1);
    held.proceed();
    ch.runPendingTasks();
    assertThat(inbound(ch)).containsExactly(health, LastHttpContent.EMPTY_LAST_CONTENT);
    assertThat(ch.config().isAutoRead()).as("reading resumed").isTrue();
    ReferenceCountUtil.release(ch.readOutbound());
    release(post, first, last);
  }

  @Test
  void pendingWhenDeniedThenQueuedBodyReleasedAndAnswerWritten() {
    TestingGates.Held held = new TestingGates.Held();
    EmbeddedChannel ch = channel(enforcer(b -> TestingGates.with(b, held)));
    HttpContent first = content("hello ");
    LastHttpContent last = last("world");
    ch.writeInbound(request(HttpMethod.POST, "/orders", "Authorization", "Bearer " + writer,
        "Content-Length", "11"), first, last);

    held.deny(DenyReason.INSUFFICIENT_ROLE);
    ch.runPendingTasks();
    assertThat(inbound(ch)).isEmpty();
    FullHttpResponse r = ch.readOutbound();
    assertThat(r.status().code()).isEqualTo(403);
    r.release();
    assertThat(first.refCnt()).isZero();
    assertThat(last.refCnt()).isZero();
    assertThat(ch.isOpen()).isTrue();
    assertThat(ch.config().isAutoRead()).isTrue();
  }

  @Test
  void pendingWhenApplicationAsksToReadThenTheReadIsHeldUntilDecided() {
    TestingGates.Held held = new TestingGates.Held();
    ReadCounter reads = new ReadCounter();
    EmbeddedChannel ch = new EmbeddedChannel(reads, new ZeroTrustHandler(enforcer(b -> TestingGates.with(b, held))));
    channels.add(ch);
    ch.config().setAutoRead(false); // the application reads by hand
    reads.count = 0;

    ch.writeInbound(request(HttpMethod.GET, "/health"), LastHttpContent.EMPTY_LAST_CONTENT);
    ch.read();
    assertThat(reads.count).as("held while deciding").isZero();

    held.proceed();
    ch.runPendingTasks();
    assertThat(reads.count).isEqualTo(1);
    assertThat(ch.config().isAutoRead()).as("the application's own setting is kept").isFalse();
    assertThat(inbound(ch)).hasSize(2);
  }

  @Test
  void pendingWhenChannelClosesThenEverythingReleasedAndTheLateDecisionIgnored() {
    TestingGates.Held held = new TestingGates.Held();
    EmbeddedChannel ch = channel(enforcer(b -> TestingGates.with(b, held)));
    FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/health",
        buffer("body"));
    HttpContent queued = content("queued");
    ch.writeInbound(request, queued);
    ch.close();
    assertThat(request.refCnt()).isZero();
    assertThat(queued.refCnt()).isZero();

    held.proceed();
    ch.runPendingTasks();
    assertThat(inbound(ch)).isEmpty();
    assertThat((Object) ch.readOutbound()).isNull();
  }

  // ------------------------------------------------------------------------------------------------ helpers

  /** Counts {@code read()} calls that get past the handler toward the transport. */
  static final class ReadCounter extends ChannelOutboundHandlerAdapter {
    int count;

    @Override
    public void read(ChannelHandlerContext ctx) {
      count++;
      ctx.read();
    }
  }

  private static void assertAnswer(Object written, DenyReason reason, boolean head, String connection) {
    assertThat(written).isInstanceOf(FullHttpResponse.class);
    FullHttpResponse r = (FullHttpResponse) written;
    try {
      WireResponse wire = enforcer.respond(new Decision.Deny(reason, "test", "none", List.of()));
      assertThat(r.status().code()).isEqualTo(wire.status());
      wire.headers().forEach((name, value) -> assertThat(r.headers().getAll(name)).as(name).containsExactly(value));
      byte[] body = wire.body().getBytes(StandardCharsets.UTF_8);
      assertThat(r.headers().getInt("Content-Length")).isEqualTo(body.length);
      assertThat(r.content().toString(StandardCharsets.UTF_8)).isEqualTo(head ? "" : wire.body());
      assertThat(r.headers().get("Connection")).isEqualTo(connection);
    } finally {
      r.release();
    }
  }

  private static List<Object> inbound(EmbeddedChannel ch) {
    List<Object> out = new ArrayList<>();
    Object m;
    while ((m = ch.readInbound()) != null) {
      out.add(m);
    }
    return out;
  }

  static HttpRequest request(HttpMethod method, String target, String... headers) {
    HttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, method, target);
    for (int i = 0; i < headers.length; i += 2) {
      request.headers().add(headers[i], headers[i + 1]);
    }
    return request;
  }

  static ByteBuf buffer(String text) {
    ByteBuf b = ByteBufAllocator.DEFAULT.buffer();
    b.writeCharSequence(text, StandardCharsets.UTF_8);
    return b;
  }

  static HttpContent content(String text) {
    return new DefaultHttpContent(buffer(text));
  }

  static LastHttpContent last(String text) {
    return new DefaultLastHttpContent(buffer(text));
  }

  private static void release(Object... messages) {
    for (Object m : messages) {
      ReferenceCountUtil.release(m);
    }
  }
}
