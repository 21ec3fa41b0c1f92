package dev.zt.netty;

import dev.zt.core.Caller;
import dev.zt.core.Decision;
import dev.zt.core.DenyReason;
import dev.zt.core.Enforcer;
import dev.zt.core.FormBody;
import dev.zt.core.RequestContext;
import dev.zt.core.RequestHeaders;
import dev.zt.core.WireResponse;
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
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
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
 * are inspected either way, as the servlet filter does: an aggregated form is read in place; a streamed one is read
 * before the decision (its contents are held back, at most the limit plus one decoder chunk, and passed on unchanged
 * after an allow; a client expecting {@code 100 Continue} gets it first). Any other body is passed on unread.
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
  // A streamed URL-encoded form being read before its request is decided (the servlet filter reads it too):
  private HttpRequest collecting;      // its request, or null
  private final ArrayList<HttpContent> held = new ArrayList<>(); // its contents so far, in order
  private int heldBytes;               // their readable bytes

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
      ctx.fireChannelRead(msg); // not HTTP (e.g. frames after an allowed upgrade): not a request to judge
    }
  }

  private void onRequest(ChannelHandlerContext ctx, HttpRequest request) {
    body = Body.NONE;
    if (request.decoderResult().isFailure()) {
      refuseUnparsable(ctx, request);
      return;
    }
    if (!(request instanceof FullHttpRequest) && enforcer.formBodyLimit() > 0
        && FormBody.isForm(request.headers().get(HttpHeaderNames.CONTENT_TYPE))) {
      startCollecting(ctx, request);
      return;
    }
    decideAndApply(ctx, request, null);
  }

  /** Decides on {@code request} ({@code form}: the start of its streamed form body, or null) and applies it. */
  private void decideAndApply(ChannelHandlerContext ctx, HttpRequest request, byte[] form) {
    RequestContext context;
    CompletableFuture<Decision> decision;
    boolean ok = false;
    try {
      context = context(ctx, request, form);
      decision = decide(context);
      ok = true;
    } finally {
      if (!ok) { // an Error from the pipeline (never a RuntimeException: decide() maps those to a deny)
        ReferenceCountUtil.release(request);
        releaseHeld();
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
      body = request instanceof LastHttpContent || heldLast() ? Body.NONE : Body.FORWARD;
      if (held.isEmpty()) {
        ctx.fireChannelRead(request);
        return;
      }
      HttpContent[] contents = held.toArray(new HttpContent[0]); // the form read for the decision, in order
      held.clear();
      heldBytes = 0;
      ctx.fireChannelRead(request);
      for (HttpContent c : contents) {
        ctx.fireChannelRead(c);
      }
    } else {
      deny(ctx, request, (Decision.Deny) decision);
    }
  }

  /**
   * A URL-encoded form whose body has not arrived yet: its contents are held (not passed on, not read), and the
   * enforcer gets a copy of their first {@link Enforcer#formBodyLimit()} {@code + 1} bytes, so it inspects the fields
   * the application will read, as the servlet filter does. Reading goes on meanwhile; the decision follows the body's last content, or
   * the byte past the limit (the enforcer refuses such a form whole, 413). The held contents are bounded by the limit
   * plus one decoder chunk. A client that expects {@code 100 Continue} gets it now, since the body is needed for the
   * decision (a servlet container sends it when the filter reads); the request then goes on without the
   * expectation, which is met.
   */
  private void startCollecting(ChannelHandlerContext ctx, HttpRequest request) {
    collecting = request;
    if (HttpUtil.is100ContinueExpected(request)) {
      request.headers().remove(HttpHeaderNames.EXPECT);
      ctx.writeAndFlush(new DefaultFullHttpResponse(
          HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE, Unpooled.EMPTY_BUFFER));
    }
    readOnIfNeeded(ctx);
  }

  private void collect(ChannelHandlerContext ctx, HttpContent content) {
    if (content.decoderResult().isFailure()) { // a broken body: nothing to decide on, and the stream is lost
      content.release();
      dropCollecting();
      shutDown(ctx);
      return;
    }
    held.add(content);
    heldBytes += content.content().readableBytes();
    int cap = enforcer.formBodyLimit() + 1;
    if (content instanceof LastHttpContent || heldBytes >= cap) {
      HttpRequest request = collecting;
      collecting = null;
      decideAndApply(ctx, request, heldPrefix(cap));
    } else {
      readOnIfNeeded(ctx);
    }
  }

  /** A copy of the held contents' first {@code cap} bytes; no reader index moves. */
  private byte[] heldPrefix(int cap) {
    byte[] prefix = new byte[Math.min(heldBytes, cap)];
    int at = 0;
    for (HttpContent c : held) {
      ByteBuf b = c.content();
      int n = Math.min(b.readableBytes(), prefix.length - at);
      b.getBytes(b.readerIndex(), prefix, at, n);
      at += n;
    }
    return prefix;
  }

  /** Whether the held contents end with their request's last content (the whole body is here). */
  private boolean heldLast() {
    return !held.isEmpty() && held.get(held.size() - 1) instanceof LastHttpContent;
  }

  /** Releases a form request being read and its held contents (the channel closes, or its body broke). */
  private void dropCollecting() {
    if (collecting != null) {
      ReferenceCountUtil.release(collecting);
      collecting = null;
    }
    releaseHeld();
  }

  /** While a form is read for its decision the application has not seen the request: read for it if it would not. */
  private void readOnIfNeeded(ChannelHandlerContext ctx) {
    if (!paused && !ctx.channel().config().isAutoRead()) {
      ctx.read();
    }
  }

  private void releaseHeld() {
    for (HttpContent c : held) {
      ReferenceCountUtil.release(c);
    }
    held.clear();
    heldBytes = 0;
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
    boolean bodyHere = request instanceof LastHttpContent || heldLast() || queueHoldsEndOfBody();
    boolean keepAlive = HttpUtil.isKeepAlive(request) && (bodyHere || drainable(request));
    boolean head = HttpMethod.HEAD.equals(request.method());
    HttpVersion version = request.protocolVersion();
    ReferenceCountUtil.release(request);
    body = request instanceof LastHttpContent || heldLast() ? Body.NONE : Body.DISCARD;
    releaseHeld();

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

  private RequestContext context(ChannelHandlerContext ctx, HttpRequest request, byte[] form) {
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
    if (form != null) {
      b.formBody(form);
    } else if (request instanceof FullHttpRequest full) {
      formBody(b, full);
    }
    return b.build();
  }

  /**
   * An aggregated URL-encoded form: a copy of its first {@link Enforcer#formBodyLimit()} {@code + 1} bytes for
   * inspection; the content itself is neither read nor released, and goes on to the application unchanged. A form
   * that arrives streamed (no {@code HttpObjectAggregator} in front) is not seen.
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
        "X-Forwarded-For", AsciiString.cached("x-forwarded-for"));

    private final io.netty.handler.codec.http.HttpHeaders headers;

    Headers(io.netty.handler.codec.http.HttpHeaders headers) {
      this.headers = headers;
    }

    @Override
    public List<String> values(String name) {
      AsciiString known = KNOWN.get(name);
      return known != null ? headers.getAll(known) : headers.getAll(name);
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
