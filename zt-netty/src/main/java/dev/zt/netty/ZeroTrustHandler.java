package dev.zt.netty;

import dev.zt.core.Caller;
import dev.zt.core.Decision;
import dev.zt.core.DenyReason;
import dev.zt.core.Enforcer;
import dev.zt.core.FormBody;
import dev.zt.core.RequestContext;
import dev.zt.core.RequestHeaders;
import dev.zt.core.WireResponse;
import dev.zt.core.internal.Upgrades;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.AsciiString;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Netty 4.2 HTTP/1.1 adapter: every request passes the {@link Enforcer} before the application's handlers see
 * it, with the same decisions and the same wire answers as the servlet filter, and without ever blocking the event
 * loop.
 *
 * <pre>{@code
 * ch.pipeline().addLast(new HttpServerCodec(),
 *     new ZeroTrustHandler(enforcer),       // one instance per channel: it holds the connection's state
 *     new OrdersHandler());                 // reads ZeroTrustHandler.CALLER and routes on ZeroTrustHandler.PATH
 * }</pre>
 *
 * <p>Put it right after the HTTP codec (and after an {@code HttpObjectAggregator} if there is one; it works with
 * and without, i.e. with a {@code FullHttpRequest} or an {@code HttpRequest} followed by {@code HttpContent}s).
 * When the enforcer inspects forms ({@link Enforcer#formBodyLimit()} above 0), the fields of a URL-encoded form body
 * are inspected either way, as the servlet filter does, and only for a request every other check would allow: an
 * aggregated form is read in place; a streamed one is read only when the enforcer asks for it
 * ({@link Decision.ReadForm}) — copied into one buffer of at most the limit plus one byte as its contents arrive
 * (each released at once), within {@link dev.zt.core.detect.Detection#formReadTimeout()} (else 408 and close), and passed
 * on as one content after an allow; a client expecting {@code 100 Continue} gets it then. Any other body is passed
 * on unread.
 *
 * <p>An {@code h2c} upgrade is ignored (its fields removed; the request is answered over HTTP/1.1, RFC 9110 §7.8);
 * any other {@code Upgrade} is refused by the enforcer (403). A message that is not HTTP (frames of a protocol a
 * handler before zt upgraded to) closes the connection: nothing passes undecided.
 * For each request it builds a {@link RequestContext} from the request-target as received (origin-form or
 * absolute-form; anything else is refused as a servlet container would, see
 * {@link RequestContext#forRequestTarget}), the headers (read through Netty's {@link io.netty.handler.codec.http.HttpHeaders},
 * nothing copied), the client address and the TLS peer's chain when an {@link SslHandler} is in the pipeline (or, for
 * a stream child channel as HTTP/2 multiplexing creates them, in its parent connection's pipeline), and
 * asks the enforcer with {@link RequestContext.Builder#nonBlocking()}.
 *
 * <ul>
 *   <li><b>Allow</b>: sets the channel attributes {@link #CALLER} (the verified {@link Caller}) and {@link #PATH} (the
 *       normalized path zt authorized: route on it, never on the raw URI) and passes the request and its contents on
 *       unchanged.</li>
 *   <li><b>Deny</b>: writes exactly {@link Enforcer#respond} (status, headers, problem+json body, {@code
 *       Content-Length}; no body for {@code HEAD}), releases the request and every later {@code HttpContent} up to
 *       its {@link LastHttpContent}, and keeps the connection open — unless the request asked to close it, or its
 *       body has not arrived and cannot be drained safely (chunked, an {@code Expect: 100-continue} not answered,
 *       more than {@value #MAX_DRAIN_BYTES} bytes): then the answer says {@code Connection: close} and the channel is
 *       closed once it is written.</li>
 * </ul>
 *
 * <p><b>Never blocking.</b> A decision is usually ready at once (a cached token, a public route, any denial before a
 * key lookup) and is applied inline. When it is not (a cold token validated on the enforcer's blocking executor,
 * perhaps fetching the issuer's keys), the handler stops reading (turns {@code autoRead} off, and holds
 * {@code read()} calls), queues every message that still arrives, and applies the decision on the channel's event
 * loop when it completes; then it replays the queue through the same steps and reads again.
 *
 * <p><b>Order.</b> HTTP/1.1 answers requests in the order they came. A request is decided only once the previous
 * one's final response has been written through this handler (its {@code LastHttpContent}, or a
 * {@code FullHttpResponse}; {@code 1xx} responses other than {@code 101} do not count). Until then later requests
 * are queued and reading is paused, as servlet containers handle a pipelined connection one request at a time. The
 * application must therefore answer every request it receives with {@code HttpResponse}/{@code HttpContent}
 * messages written through this handler (from a handler after it), as Netty's HTTP codec expects anyway.
 *
 * <p>Not sharable: create one per channel (it is cheap). Every method runs on the channel's event loop.
 *
 * @since 0.1
 */
public final class ZeroTrustHandler extends ChannelDuplexHandler {

  /** The verified caller of the request being passed on (anonymous on a public route). */
  public static final AttributeKey<Caller> CALLER = AttributeKey.valueOf(ZeroTrustHandler.class, "CALLER");

  /**
   * The normalized path zt authorized for the request being passed on ({@code /admin/../orders} arrives as
   * {@code /orders}). Route on this: a router that decodes or resolves the raw URI differently could reach a handler
   * zt never authorized.
   */
  public static final AttributeKey<String> PATH = AttributeKey.valueOf(ZeroTrustHandler.class, "PATH");

  /** The largest body of a denied request that is read and discarded to keep the connection; beyond, it closes. */
  public static final int MAX_DRAIN_BYTES = 64 * 1024;

  private static final Logger LOG = LoggerFactory.getLogger(ZeroTrustHandler.class);

  private static final AsciiString HTTP2_SETTINGS = AsciiString.cached("http2-settings");

  /** What happens to the {@code HttpContent}s of the current request. */
  private enum Body {
    /** No request in progress: a stray content is released, never passed on. */
    NONE,
    /** The request was allowed: contents go on to the application. */
    FORWARD,
    /** The request was denied: contents are released up to the last one. */
    DISCARD
  }

  private final Enforcer enforcer;

  // Confined to the event loop.
  private final ArrayDeque<Object> queue = new ArrayDeque<>();
  private Body body = Body.NONE;
  private HttpRequest deciding;        // the request whose decision is pending, or null
  private boolean answering;           // an allowed request's final response is not written yet
  private boolean responseInformational;
  private RequestContext answeringContext;  // for the outcome report once the application has answered
  private Decision answeringDecision;
  private int answeringStatus;
  private boolean closing;             // the connection closes: everything that still arrives is released
  private boolean paused;
  private boolean restoreAutoRead;
  private boolean readHeld;
  private boolean drainScheduled;
  private SslHandler ssl;
  private boolean sslLooked;
  // A streamed URL-encoded form being read because every check that needs no body allowed its request
  // (Decision.ReadForm), as the servlet filter reads it then:
  private HttpRequest collecting;      // its request, or null
  private Decision.ReadForm reading;   // the enforcer's step for it
  private ByteBuf form;                // a copy of its first bytes, at most the limit + 1 (the contents are released)
  private HttpContent overflow;        // the part of the content that crossed the limit, kept for an allow
  private boolean formLast;            // its last content has arrived: the whole body is in form (+ overflow)
  private HttpHeaders trailers;        // that last content's trailing fields
  private ScheduledFuture<?> formTimer;

  /** A handler that enforces with {@code enforcer}. */
  public ZeroTrustHandler(Enforcer enforcer) {
    this.enforcer = Objects.requireNonNull(enforcer, "enforcer");
  }

  /** The caller zt allowed for the request being handled on {@code channel}, or {@code null} if none was. */
  public static Caller caller(Channel channel) {
    return channel.attr(CALLER).get();
  }

  /**
   * The request context of the allowed request whose answer is being prepared on {@code channel}: from the moment zt
   * passes the request on until its final response is written; empty otherwise (and on a channel without this
   * handler). For login endpoints: {@code enforcer.reportAuthenticationFailure(ZeroTrustHandler.context(ch)
   * .orElseThrow(), user)} feeds the per-identifier stuffing detectors. Capture it in the handler that reads the
   * request, on the channel's event loop (it throws elsewhere); the context itself may then go to any thread.
   *
   * @since 0.1
   */
  public static java.util.Optional<RequestContext> context(Channel channel) {
    if (!channel.eventLoop().inEventLoop()) {
      throw new IllegalStateException("ZeroTrustHandler.context must be called on the channel's event loop");
    }
    ZeroTrustHandler handler = channel.pipeline().get(ZeroTrustHandler.class);
    return handler == null ? java.util.Optional.empty() : java.util.Optional.ofNullable(handler.answeringContext);
  }

  /** The normalized path zt authorized for the request being handled on {@code channel}, or {@code null}. */
  public static String path(Channel channel) {
    return channel.attr(PATH).get();
  }

  // ------------------------------------------------------------------------------------------------ inbound

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (closing) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (deciding != null || !queue.isEmpty() || (answering && msg instanceof HttpRequest)) {
      queue.add(msg);
      pause(ctx);
      return;
    }
    process(ctx, msg);
  }

  private void process(ChannelHandlerContext ctx, Object msg) {
    if (collecting != null && msg instanceof HttpContent content && !(msg instanceof HttpRequest)) {
      collect(ctx, content);
    } else if (msg instanceof HttpRequest request) {
      onRequest(ctx, request);
    } else if (msg instanceof HttpContent content) {
      onContent(ctx, content);
    } else {
      // Not HTTP: frames of an upgraded protocol (a handler before zt upgraded the connection) or a misplaced
      // handler. zt cannot decide them, so they never pass undecided: the connection closes.
      ReferenceCountUtil.release(msg);
      LOG.warn("zt closes a connection that delivered a {} instead of HTTP messages (upgraded or misconfigured)",
          msg.getClass().getSimpleName());
      shutDown(ctx);
    }
  }

  private void onRequest(ChannelHandlerContext ctx, HttpRequest request) {
    body = Body.NONE;
    if (request.decoderResult().isFailure()) {
      refuseUnparsable(ctx, request);
      return;
    }
    ignoreH2c(request.headers());
    decideAndApply(ctx, request, null, null);
  }

  /**
   * An {@code h2c} upgrade is ignored, as RFC 9110 §7.8 lets a server do: {@code Upgrade}, {@code HTTP2-Settings} and
   * their {@code Connection} options are removed before anything decides on or sees the request, which is answered
   * over HTTP/1.1. Any other {@code Upgrade} stays, and the enforcer refuses it (403).
   */
  private static void ignoreH2c(io.netty.handler.codec.http.HttpHeaders headers) {
    boolean settings = headers.contains(HTTP2_SETTINGS);
    if (!headers.contains(HttpHeaderNames.UPGRADE) && !settings) {
      return;
    }
    if (!Upgrades.onlyH2c(headers.getAll(HttpHeaderNames.UPGRADE), settings)) {
      return;
    }
    headers.remove(HttpHeaderNames.UPGRADE);
    headers.remove(HTTP2_SETTINGS);
    List<String> connection = new ArrayList<>();
    for (String v : headers.getAll(HttpHeaderNames.CONNECTION)) {
      String rest = Upgrades.connectionWithoutUpgrade(v);
      if (!rest.isEmpty()) {
        connection.add(rest);
      }
    }
    headers.remove(HttpHeaderNames.CONNECTION);
    if (!connection.isEmpty()) {
      headers.add(HttpHeaderNames.CONNECTION, connection);
    }
  }

  /**
   * Decides on {@code request} and applies the decision: with {@code step} null, asks the enforcer; else completes
   * {@code step} with {@code context}, the request with its form body read.
   */
  private void decideAndApply(ChannelHandlerContext ctx, HttpRequest request, Decision.ReadForm step,
      RequestContext withForm) {
    RequestContext context;
    CompletableFuture<Decision> decision;
    boolean ok = false;
    try {
      context = step == null ? context(ctx, request) : withForm;
      decision = step == null ? decide(context) : complete(step, withForm);
      ok = true;
    } finally {
      if (!ok) { // an Error from the pipeline (never a RuntimeException: decide() maps those to a deny)
        ReferenceCountUtil.release(request);
        releaseForm();
        shutDown(ctx);
      }
    }
    if (decision.isDone()) {
      apply(ctx, request, context, decision.join());
      return;
    }
    deciding = request;
    pause(ctx);
    decision.whenComplete((d, e) -> {
      try {
        ctx.executor().execute(() -> decided(ctx, request, context, d));
      } catch (RejectedExecutionException gone) { // the event loop has shut down: nothing to answer
        ReferenceCountUtil.release(request);
      }
    });
  }

  private CompletableFuture<Decision> decide(RequestContext context) {
    try {
      CompletableFuture<Decision> f = enforcer.enforce(context).toCompletableFuture();
      if (f.isDone() && !f.isCompletedExceptionally()) {
        return f; // the usual case: decided on this thread, nothing more to allocate
      }
      return f.handle((d, e) -> d != null ? d : fault(e));
    } catch (RuntimeException e) { // enforce never throws by contract; if it does, the request is still denied
      return CompletableFuture.completedFuture(fault(e));
    }
  }

  private CompletableFuture<Decision> complete(Decision.ReadForm step, RequestContext withForm) {
    try {
      CompletableFuture<Decision> f = enforcer.enforceForm(step, withForm).toCompletableFuture();
      return f.isDone() && !f.isCompletedExceptionally() ? f : f.handle((d, e) -> d != null ? d : fault(e));
    } catch (RuntimeException e) {
      return CompletableFuture.completedFuture(fault(e));
    }
  }

  private static Decision fault(Throwable e) {
    LOG.error("zt enforcer failed; denying", e);
    return new Decision.Deny(DenyReason.INTERNAL_ERROR, "netty", "none", List.of());
  }

  private void decided(ChannelHandlerContext ctx, HttpRequest request, RequestContext context, Decision decision) {
    if (deciding != request) { // the channel closed or the handler was removed meanwhile; the request is released
      return;
    }
    deciding = null;
    apply(ctx, request, context, decision);
    drain(ctx);
  }

  private void apply(ChannelHandlerContext ctx, HttpRequest request, RequestContext context, Decision decision) {
    if (decision instanceof Decision.Allow allow) {
      ctx.channel().attr(CALLER).set(allow.caller());
      ctx.channel().attr(PATH).set(context.normalizedPath().orElseThrow());
      answering = true;
      answeringContext = context;
      answeringDecision = allow;
      answeringStatus = 0;
      responseInformational = false;
      body = request instanceof LastHttpContent || formLast ? Body.NONE : Body.FORWARD;
      ctx.fireChannelRead(request);
      if (form != null) { // the form read for the decision: its bytes as one content, then what crossed the limit
        ByteBuf bytes = form;
        HttpContent rest = overflow;
        HttpHeaders trailing = trailers;
        boolean last = formLast && rest == null;
        form = null;
        overflow = null;
        trailers = null;
        formLast = false;
        ctx.fireChannelRead(last
            ? new DefaultLastHttpContent(bytes, trailing == null ? DefaultHttpHeadersFactory.trailersFactory()
                .newHeaders() : trailing)
            : new DefaultHttpContent(bytes));
        if (rest != null) {
          ctx.fireChannelRead(rest);
        }
      }
    } else if (decision instanceof Decision.ReadForm step) {
      startReading(ctx, request, step);
    } else {
      deny(ctx, request, (Decision.Deny) decision);
    }
  }

  /**
   * Every check that needs no body allowed a URL-encoded form request ({@link Decision.ReadForm}): its body is read
   * now, as the servlet filter reads it. Each content is copied into one buffer of at most
   * {@link Decision.ReadForm#maxBytes()} {@code + 1} bytes and released at once, so the memory held does not grow
   * with the number of contents (a form sent a byte at a time holds the limit, not a buffer per byte); the part of
   * a content past the limit is kept, only for an allow. Reading goes on meanwhile; the decision is completed after
   * the last content or the byte past the limit, or the request is refused with 408 when the body is not here by the
   * step's deadline: checked on the enforcer's clock as contents arrive, and by a timer on the event loop for a
   * client that sends nothing. A client that expects {@code 100 Continue} gets it now (a servlet container sends it
   * when the filter reads); the request then goes on without the expectation, which is met.
   */
  private void startReading(ChannelHandlerContext ctx, HttpRequest request, Decision.ReadForm step) {
    if (request instanceof LastHttpContent whole) { // its body is here already (not given to the context)
      ByteBuf c = whole.content();
      byte[] bytes = ByteBufUtil.getBytes(c, c.readerIndex(), Math.min(c.readableBytes(), step.maxBytes() + 1));
      decideAndApply(ctx, request, step, step.context().withFormBody(bytes));
      return;
    }
    collecting = request;
    reading = step;
    if (HttpUtil.is100ContinueExpected(request)) {
      request.headers().remove(HttpHeaderNames.EXPECT);
      ctx.writeAndFlush(new DefaultFullHttpResponse(
          HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE, Unpooled.EMPTY_BUFFER));
    }
    long delay = Math.max(0, step.deadlineMillis() - enforcer.clock().millis());
    formTimer = ctx.executor().schedule(() -> formTimedOut(ctx, step, true), delay, TimeUnit.MILLISECONDS);
    readOnIfNeeded(ctx);
  }

  private void collect(ChannelHandlerContext ctx, HttpContent content) {
    if (content.decoderResult().isFailure()) { // a broken body: nothing to decide on, and the stream is lost
      content.release();
      dropCollecting();
      shutDown(ctx);
      return;
    }
    Decision.ReadForm step = reading;
    if (enforcer.clock().millis() > step.deadlineMillis()) {
      content.release();
      formTimedOut(ctx, step, false);
      return;
    }
    int cap = step.maxBytes() + 1;
    ByteBuf in = content.content();
    try {
      if (form == null) {
        long declared = HttpUtil.getContentLength(collecting, -1L);
        int initial = (int) Math.min(cap, declared >= 0 ? declared : Math.max(in.readableBytes(), 256));
        form = ctx.alloc().heapBuffer(Math.max(initial, 1), cap);
      }
      int take = Math.min(in.readableBytes(), cap - form.readableBytes());
      form.writeBytes(in, in.readerIndex(), take);
      if (take < in.readableBytes()) { // crossed the limit: the rest is kept for an allow, never inspected
        overflow = content.replace(in.retainedSlice(in.readerIndex() + take, in.readableBytes() - take));
      }
      if (content instanceof LastHttpContent last) {
        formLast = true;
        trailers = last.trailingHeaders();
      }
    } finally {
      content.release();
    }
    if (formLast || form.readableBytes() >= cap) {
      HttpRequest request = collecting;
      collecting = null;
      reading = null;
      cancelFormTimer();
      decideAndApply(ctx, request, step, step.context().withFormBody(ByteBufUtil.getBytes(form)));
    } else {
      readOnIfNeeded(ctx);
    }
  }

  /** The form of {@code step} did not arrive in time: 408, and the connection closes. */
  private void formTimedOut(ChannelHandlerContext ctx, Decision.ReadForm step, boolean byTimer) {
    if (reading != step) { // decided, or the channel closed, meanwhile
      return;
    }
    HttpRequest request = collecting;
    collecting = null;
    reading = null;
    cancelFormTimer();
    Decision.Deny deny = enforcer.formTimedOut(step);
    deny(ctx, request, deny);
    if (byTimer) {
      drain(ctx);
    }
  }

  private void cancelFormTimer() {
    if (formTimer != null) {
      formTimer.cancel(false);
      formTimer = null;
    }
  }

  /** Releases a form request being read and what was read of it (the channel closes, or its body broke). */
  private void dropCollecting() {
    if (collecting != null) {
      ReferenceCountUtil.release(collecting);
      collecting = null;
    }
    reading = null;
    cancelFormTimer();
    releaseForm();
  }

  /** While a form is read for its decision the application has not seen the request: read for it if it would not. */
  private void readOnIfNeeded(ChannelHandlerContext ctx) {
    if (!paused && !ctx.channel().config().isAutoRead()) {
      ctx.read();
    }
  }

  private void releaseForm() {
    if (form != null) {
      form.release();
      form = null;
    }
    if (overflow != null) {
      overflow.release();
      overflow = null;
    }
    trailers = null;
    formLast = false;
  }

  private void onContent(ChannelHandlerContext ctx, HttpContent content) {
    boolean last = content instanceof LastHttpContent;
    switch (body) {
      case FORWARD -> {
        if (last) {
          body = Body.NONE;
        }
        ctx.fireChannelRead(content);
      }
      case DISCARD -> {
        boolean failed = content.decoderResult().isFailure();
        content.release();
        if (failed) {
          shutDown(ctx);
        } else if (last) {
          body = Body.NONE;
        }
      }
      case NONE -> content.release(); // content of no request zt allowed never reaches the application
    }
  }

  // ------------------------------------------------------------------------------------------------ answers

  private void deny(ChannelHandlerContext ctx, HttpRequest request, Decision.Deny deny) {
    WireResponse wire = enforcer.respond(deny);
    boolean bodyHere = request instanceof LastHttpContent || formLast || queueHoldsEndOfBody();
    boolean keepAlive = HttpUtil.isKeepAlive(request) && (bodyHere || drainable(request))
        && deny.reason() != DenyReason.FORM_READ_TIMEOUT; // RFC 9110 §15.5.9: a 408 closes
    boolean head = HttpMethod.HEAD.equals(request.method());
    HttpVersion version = request.protocolVersion();
    ReferenceCountUtil.release(request);
    body = request instanceof LastHttpContent || formLast ? Body.NONE : Body.DISCARD;
    releaseForm();

    byte[] bytes = wire.body().getBytes(StandardCharsets.UTF_8);
    ByteBuf content = head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(bytes);
    FullHttpResponse response =
        new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(wire.status()), content);
    for (Map.Entry<String, String> h : wire.headers().entrySet()) {
      response.headers().set(h.getKey(), h.getValue());
    }
    response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
    if (!keepAlive) {
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    } else if (version.equals(HttpVersion.HTTP_1_0)) {
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
    }
    ChannelFuture written = ctx.writeAndFlush(response);
    if (!keepAlive) {
      closing = true;
      releaseQueue();
      written.addListener(ChannelFutureListener.CLOSE);
    }
  }

  /** A request the codec could not parse: not a zt decision (nothing reliable to decide on), the server's own 4xx. */
  private void refuseUnparsable(ChannelHandlerContext ctx, HttpRequest request) {
    Throwable cause = request.decoderResult().cause();
    ReferenceCountUtil.release(request);
    HttpResponseStatus status = cause instanceof TooLongHttpHeaderException
        ? HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE
        : cause instanceof TooLongHttpLineException ? HttpResponseStatus.REQUEST_URI_TOO_LONG
        : HttpResponseStatus.BAD_REQUEST;
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.EMPTY_BUFFER);
    response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
    response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    closing = true;
    releaseQueue();
    ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
  }

  /** A body not yet received can be read and dropped only when it is small and known to come. */
  private static boolean drainable(HttpRequest request) {
    return !HttpUtil.isTransferEncodingChunked(request)
        && !HttpUtil.is100ContinueExpected(request)
        && HttpUtil.getContentLength(request, 0L) <= MAX_DRAIN_BYTES;
  }

  private boolean queueHoldsEndOfBody() {
    for (Object m : queue) {
      if (m instanceof LastHttpContent) {
        return true;
      }
      if (m instanceof HttpRequest) {
        return false;
      }
    }
    return false;
  }

  // ------------------------------------------------------------------------------------------------ context

  private RequestContext context(ChannelHandlerContext ctx, HttpRequest request) {
    RequestContext.Builder b = RequestContext.forRequestTarget(request.method().name(), request.uri())
        .headers(new Headers(request.headers()))
        .arrival(Instant.ofEpochMilli(enforcer.clock().millis())) // millis(): an intrinsic, no native call
        .nonBlocking();
    SocketAddress remote = ctx.channel().remoteAddress();
    if (remote instanceof InetSocketAddress inet && inet.getAddress() != null) {
      b.clientAddress(inet.getAddress()); // the peer's literal address: no lookup
    }
    List<X509Certificate> chain = peerChain(ctx);
    if (!chain.isEmpty()) {
      b.peerCertificates(chain);
    }
    b.scheme(ssl != null ? "https" : "http"); // the Host field is read through the headers view when needed
    if (request instanceof FullHttpRequest full) {
      formBody(b, full);
    }
    return b.build();
  }

  /**
   * An aggregated URL-encoded form: a copy of its first {@link Enforcer#formBodyLimit()} {@code + 1} bytes for
   * inspection (the aggregator has read it already; the enforcer still inspects it only after every other gate); the
   * content itself is neither read nor released, and goes on to the application unchanged. A form that arrives
   * streamed is read only when the enforcer asks for it ({@link #startReading}).
   */
  private void formBody(RequestContext.Builder b, FullHttpRequest request) {
    int limit = enforcer.formBodyLimit();
    if (limit > 0 && FormBody.isForm(request.headers().get(HttpHeaderNames.CONTENT_TYPE))) {
      ByteBuf content = request.content();
      b.formBody(ByteBufUtil.getBytes(content, content.readerIndex(), Math.min(content.readableBytes(), limit + 1)));
    }
  }

  /**
   * The request's headers as core reads them. The names core asks for on every request are looked up as
   * {@link AsciiString}s, whose case-insensitive hash Netty computes once rather than on each lookup; any other name
   * (a configured inspection header) is looked up as given. A class, not a lambda, so creating it stays a plain
   * allocation on the hot path.
   */
  private static final class Headers implements RequestHeaders {
    private static final Map<String, AsciiString> KNOWN = Map.of(
        "Authorization", HttpHeaderNames.AUTHORIZATION,
        "X-Forwarded-For", AsciiString.cached("x-forwarded-for"),
        "Upgrade", HttpHeaderNames.UPGRADE);

    private final io.netty.handler.codec.http.HttpHeaders headers;

    Headers(io.netty.handler.codec.http.HttpHeaders headers) {
      this.headers = headers;
    }

    @Override
    public List<String> values(String name) {
      AsciiString known = KNOWN.get(name);
      return known != null ? headers.getAll(known) : headers.getAll(name);
    }

    @Override
    public boolean contains(String name) {
      AsciiString known = KNOWN.get(name);
      return known != null ? headers.contains(known) : headers.contains(name);
    }
  }

  private List<X509Certificate> peerChain(ChannelHandlerContext ctx) {
    if (!sslLooked) {
      ssl = ctx.pipeline().get(SslHandler.class);
      Channel parent = ctx.channel().parent();
      if (ssl == null && parent != null) {
        // a stream child channel (HTTP/2 multiplexing): TLS terminates in the connection's pipeline
        ssl = parent.pipeline().get(SslHandler.class);
      }
      sslLooked = true;
    }
    if (ssl == null) {
      return List.of();
    }
    try {
      Certificate[] certs = ssl.engine().getSession().getPeerCertificates();
      List<X509Certificate> chain = new ArrayList<>(certs.length);
      for (Certificate c : certs) {
        if (c instanceof X509Certificate x) {
          chain.add(x);
        }
      }
      return chain;
    } catch (SSLPeerUnverifiedException noClientCertificate) {
      return List.of();
    }
  }

  // ------------------------------------------------------------------------------------------------ flow

  private void pause(ChannelHandlerContext ctx) {
    if (paused) {
      return;
    }
    paused = true;
    ChannelConfig config = ctx.channel().config();
    if (config.isAutoRead()) {
      config.setAutoRead(false);
      restoreAutoRead = true;
    }
  }

  private void resume(ChannelHandlerContext ctx) {
    if (!paused) {
      return;
    }
    paused = false;
    if (restoreAutoRead) {
      restoreAutoRead = false;
      readHeld = false;
      ctx.channel().config().setAutoRead(true); // reads again at once
    } else if (readHeld) {
      readHeld = false;
      ctx.read();
    }
  }

  /** Replays queued messages through the same steps until a decision or a response is awaited again. */
  private void drain(ChannelHandlerContext ctx) {
    drainScheduled = false;
    while (deciding == null && !closing) {
      Object next = queue.peek();
      if (next == null || (answering && next instanceof HttpRequest)) {
        break;
      }
      queue.poll();
      process(ctx, next);
    }
    if (closing) {
      releaseQueue();
    }
    if (deciding == null && queue.isEmpty()) {
      resume(ctx);
    }
  }

  @Override
  public void read(ChannelHandlerContext ctx) {
    if (paused) {
      readHeld = true; // an application with autoRead off asked for more while a decision is pending
    } else {
      ctx.read();
    }
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (answering) {
      if (msg instanceof HttpResponse response) {
        HttpResponseStatus status = response.status();
        responseInformational = status.codeClass() == HttpStatusClass.INFORMATIONAL
            && status.code() != HttpResponseStatus.SWITCHING_PROTOCOLS.code();
        if (!responseInformational) {
          answeringStatus = status.code();
        }
      }
      if (msg instanceof LastHttpContent) {
        if (responseInformational) {
          responseInformational = false;
        } else {
          answering = false;
          if (answeringContext != null) {
            // outcome detectors (enumeration, behaviour) learn how the application answered; never blocks
            enforcer.report(answeringContext, answeringDecision, answeringStatus);
            answeringContext = null;
            answeringDecision = null;
          }
          if (!queue.isEmpty() && !drainScheduled) {
            drainScheduled = true;
            ctx.executor().execute(() -> drain(ctx)); // not from inside the application's write
          }
        }
      }
    }
    ctx.write(msg, promise);
  }

  // ------------------------------------------------------------------------------------------------ lifecycle

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    discardAll();
    ctx.fireChannelInactive();
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    discardAll();
    if (restoreAutoRead) {
      restoreAutoRead = false;
      ctx.channel().config().setAutoRead(true);
    }
  }

  private void shutDown(ChannelHandlerContext ctx) {
    closing = true;
    releaseQueue();
    ctx.close();
  }

  private void discardAll() {
    closing = true;
    if (deciding != null) {
      ReferenceCountUtil.release(deciding);
      deciding = null;
    }
    dropCollecting();
    releaseQueue();
  }

  private void releaseQueue() {
    Object m;
    while ((m = queue.poll()) != null) {
      ReferenceCountUtil.release(m);
    }
  }
}
