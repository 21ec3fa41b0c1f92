package dev.zt.netty;

import dev.zt.core.Caller;
import dev.zt.core.Decision;
import dev.zt.core.DenyReason;
import dev.zt.core.Enforcer;
import dev.zt.core.RequestContext;
import dev.zt.core.WireResponse;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;
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
 * (each released at once), within {@link dev.zt.core.detect.Detection#formReadTimeout()} (else 408 and close), and
 * passed
 * on as one content after an allow; a client expecting {@code 100 Continue} gets it then. Any other body is passed
 * on unread.
 *
 * <p>An {@code h2c} upgrade is ignored (its fields removed; the request is answered over HTTP/1.1, RFC 9110 §7.8);
 * any other {@code Upgrade} is refused by the enforcer (403). A message that is not HTTP (frames of a protocol a
 * handler before zt upgraded to) closes the connection: nothing passes undecided.
 * For each request it builds a {@link RequestContext} from the request-target as received (origin-form or
 * absolute-form; anything else is refused as a servlet container would, see
 * {@link RequestContext#forRequestTarget}), the headers (read through Netty's
 * {@code io.netty.handler.codec.http.HttpHeaders},
 * nothing copied), the client address and the TLS peer's chain when an {@code SslHandler} is in the pipeline (or, for
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
 * <p>Not sharable: create one per channel (it is cheap). Every method runs on the channel's event loop. Inside, the
 * connection's progress is an explicit state machine ({@code ConnectionState}); building the context, reading a
 * streamed form, watching the response, pausing reads and writing answers are small package-private collaborators,
 * and every answer zt writes — its own refusals of a request the codec could not parse included — is the
 * enforcer's, audited.
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

  private final Supplier<Enforcer> enforcers;
  private final MessageKinds kinds = new MessageKinds(); // this connection's message classes, on its event loop
  private final Contexts contexts = new Contexts(kinds);
  private final ResponseWatch response = new ResponseWatch(kinds);
  private final StreamedForm form = new StreamedForm();
  private final ReadPause reads = new ReadPause();

  // Confined to the event loop.
  private final Backlog queue = new Backlog(); // messages that wait for a decision or a response
  private ConnectionState state = ConnectionState.IDLE;
  private HttpRequest deciding; // the request whose decision is pending (DECIDING), or null
  private boolean drainScheduled;
  private Enforcer enforcer; // the current request's: read from enforcers once, when the request starts

  /** A handler that enforces with {@code enforcer}. */
  public ZeroTrustHandler(Enforcer enforcer) {
    Objects.requireNonNull(enforcer, "enforcer");
    this.enforcers = () -> enforcer;
    this.enforcer = enforcer;
  }

  /**
   * A handler that asks {@code enforcers} for the enforcer when each request starts and uses that one for the whole
   * request (its decision, the form read, the answer and the outcome report), so a policy swapped meanwhile (e.g. a
   * hot-reloaded policy file, {@code dev.zt.policy.LivePolicy}) applies from the next request on, never halfway
   * through one. The supplier is called on the event loop, once per request: it must not block (a volatile read). A
   * supplier that returns no enforcer, or throws, closes the connection: nothing passes undecided.
   *
   * @since 0.3
   */
  public ZeroTrustHandler(Supplier<Enforcer> enforcers) {
    this.enforcers = Objects.requireNonNull(enforcers, "enforcers");
  }

  /** Reads the enforcer for the request that starts now; false (and the connection closed) when there is none. */
  private boolean enforcerForNextRequest(ChannelHandlerContext ctx, HttpRequest request) {
    Enforcer next;
    try {
      next = enforcers.get();
    } catch (RuntimeException e) {
      LOG.error("zt enforcer supplier failed; closing the connection", e);
      next = null;
    }
    if (next == null) {
      LOG.error("zt has no enforcer for a request; closing the connection");
      ReferenceCountUtil.release(request);
      shutDown(ctx);
      return false;
    }
    enforcer = next;
    return true;
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
  public static Optional<RequestContext> context(Channel channel) {
    if (!channel.eventLoop().inEventLoop()) {
      throw new IllegalStateException("ZeroTrustHandler.context must be called on the channel's event loop");
    }
    ZeroTrustHandler handler = channel.pipeline().get(ZeroTrustHandler.class);
    return handler == null ? Optional.empty() : Optional.ofNullable(handler.response.context());
  }

  /**
   * The object-level checks ({@code check}, {@code checkAsync}, {@code require}) of the allowed request being
   * answered on {@code channel}, from the moment zt passes it on until its final response is written. Get it on the
   * channel's event loop; then check with {@code checkAsync} (never blocks: a PDP answer completes the stage later,
   * on another thread, so go back to {@code ctx.executor()} to write) and answer a denial with
   * {@link #writeDenial}:
   *
   * <pre>{@code
   * ZeroTrustHandler.authorization(ctx.channel())
   *     .checkAsync("read", Resource.of("order", id).with("owner", owner))
   *     .whenCompleteAsync((decision, error) -> {
   *       if (decision instanceof Decision.Deny deny) {
   *         ZeroTrustHandler.writeDenial(ctx, deny);
   *       } else {
   *         ctx.writeAndFlush(order(id));
   *       }
   *     }, ctx.executor());
   * }</pre>
   *
   * @throws IllegalStateException off the event loop, or when no allowed request is being answered on the channel
   * @since 0.3
   */
  public static dev.zt.core.authz.Authorization authorization(Channel channel) {
    ZeroTrustHandler handler = current(channel, "authorization");
    dev.zt.core.authz.Authorization authz = handler.response.authorization();
    if (authz == null) {
      throw new IllegalStateException("no request zt allowed is being answered on this channel");
    }
    return authz;
  }

  /**
   * Answers the request being handled on {@code ctx}'s channel with zt's own answer to {@code deny} (an object
   * check's denial: 403 problem+json, or 503 with {@code Retry-After}), exactly as the handler answers its own
   * denials: {@code Enforcer.respond(deny)}, no body for {@code HEAD}, and the connection kept unless the request
   * asked to close it or the answer closes it. Call it on the event loop, from a handler after this one, instead of
   * writing the application's response.
   *
   * @throws IllegalStateException off the event loop, or when no allowed request is being answered on the channel
   * @since 0.3
   */
  public static void writeDenial(ChannelHandlerContext ctx, Decision.Deny deny) {
    Objects.requireNonNull(deny, "deny");
    ZeroTrustHandler handler = current(ctx.channel(), "writeDenial");
    if (!handler.response.awaiting()) {
      throw new IllegalStateException("no request zt allowed is being answered on this channel");
    }
    WireResponse wire = handler.enforcer.respond(deny);
    boolean keepAlive = handler.response.keepAlive() && !wire.closesConnection();
    ChannelFuture written = Answers.write(ctx, wire, handler.response.head(), keepAlive, handler.response.version());
    if (!keepAlive) {
      written.addListener(ChannelFutureListener.CLOSE);
    }
  }

  private static ZeroTrustHandler current(Channel channel, String what) {
    if (!channel.eventLoop().inEventLoop()) {
      throw new IllegalStateException("ZeroTrustHandler." + what + " must be called on the channel's event loop");
    }
    ZeroTrustHandler handler = channel.pipeline().get(ZeroTrustHandler.class);
    if (handler == null) {
      throw new IllegalStateException("no ZeroTrustHandler on this channel");
    }
    return handler;
  }

  /** The normalized path zt authorized for the request being handled on {@code channel}, or {@code null}. */
  public static String path(Channel channel) {
    return channel.attr(PATH).get();
  }

  // ------------------------------------------------------------------------------------------------ inbound

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (state.closed()) {
      ReferenceCountUtil.release(msg);
    } else if (state == ConnectionState.DECIDING || !queue.isEmpty() || waitsForItsTurn(msg)) {
      queue.add(msg);
      reads.pause(ctx);
    } else {
      process(ctx, msg);
    }
  }

  /** A request waits while the previous one's final response is not written, or its form is still being read. */
  private boolean waitsForItsTurn(Object msg) {
    return MessageKinds.is(kinds.of(msg), MessageKinds.REQUEST)
        && (response.awaiting() || state == ConnectionState.READING_FORM);
  }

  private void process(ChannelHandlerContext ctx, Object msg) {
    int kind = kinds.of(msg);
    if (state == ConnectionState.READING_FORM && (kind & (MessageKinds.CONTENT | MessageKinds.REQUEST))
        == MessageKinds.CONTENT) {
      collect(ctx, (HttpContent) msg);
    } else if (MessageKinds.is(kind, MessageKinds.REQUEST)) {
      onRequest(ctx, (HttpRequest) msg);
    } else if (MessageKinds.is(kind, MessageKinds.CONTENT)) {
      onContent(ctx, (HttpContent) msg, MessageKinds.is(kind, MessageKinds.LAST));
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
    state = state.to(ConnectionState.IDLE); // a body the codec cut short ends here
    if (!enforcerForNextRequest(ctx, request)) {
      return;
    }
    if (request.decoderResult().isFailure()) {
      refuseUnparsed(ctx, request);
      return;
    }
    Contexts.ignoreH2c(request.headers());
    decide(ctx, request, null, null);
  }

  private void onContent(ChannelHandlerContext ctx, HttpContent content, boolean last) {
    if (state == ConnectionState.FORWARDING) {
      if (last) {
        state = state.to(ConnectionState.IDLE);
      }
      ctx.fireChannelRead(content);
    } else if (state == ConnectionState.DISCARDING) {
      boolean failed = content.decoderResult().isFailure();
      content.release();
      if (failed) {
        shutDown(ctx);
      } else if (last) {
        state = state.to(ConnectionState.IDLE);
      }
    } else {
      content.release(); // content of no request zt allowed never reaches the application
    }
  }

  // ------------------------------------------------------------------------------------------------ decisions

  /**
   * Decides on {@code request} and applies the decision: with {@code step} null, asks the enforcer; else completes
   * {@code step} with {@code withForm}, the request with its form body read.
   */
  private void decide(ChannelHandlerContext ctx, HttpRequest request, Decision.ReadForm step,
      RequestContext withForm) {
    RequestContext context;
    CompletableFuture<Decision> decision;
    boolean ok = false;
    try {
      context = step == null ? contexts.of(enforcer, ctx, request) : withForm;
      decision = ask(context, step);
      ok = true;
    } finally {
      if (!ok) { // an Error from the pipeline (never a RuntimeException: ask() maps those to a deny)
        ReferenceCountUtil.release(request);
        form.release();
        shutDown(ctx);
      }
    }
    if (decision.isDone()) {
      apply(ctx, request, context, decision.join());
      return;
    }
    deciding = request;
    state = state.to(ConnectionState.DECIDING);
    reads.pause(ctx);
    decision.whenComplete((d, e) -> {
      try {
        ctx.executor().execute(() -> decided(ctx, request, context, d));
      } catch (RejectedExecutionException gone) { // the event loop has shut down: nothing to answer
        ReferenceCountUtil.release(request);
      }
    });
  }

  /** The enforcer's decision; a fault (which by contract never happens) is its audited INTERNAL_ERROR. */
  private CompletableFuture<Decision> ask(RequestContext context, Decision.ReadForm step) {
    try {
      CompletableFuture<Decision> f = (step == null ? enforcer.enforce(context) : enforcer.enforceForm(step, context))
          .toCompletableFuture();
      if (f.isDone() && !f.isCompletedExceptionally()) {
        return f; // the usual case: decided on this thread, nothing more to allocate
      }
      return f.handle((d, e) -> d != null ? d : fault(context, e));
    } catch (RuntimeException e) {
      return CompletableFuture.completedFuture(fault(context, e));
    }
  }

  private Decision fault(RequestContext context, Throwable e) {
    LOG.error("zt enforcer failed; denying", e);
    return enforcer.refuse(context, DenyReason.INTERNAL_ERROR,
        "netty: the enforcer failed: " + (e == null ? "no decision" : e.getClass().getSimpleName()));
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
      response.start(enforcer, context, allow, request);
      state = state.to(bodyHere(request) ? ConnectionState.IDLE : ConnectionState.FORWARDING);
      ctx.fireChannelRead(request);
      form.forward(ctx); // a form read for the decision: its bytes as one content, then what crossed the limit
    } else if (decision instanceof Decision.ReadForm step) {
      startReading(ctx, request, step);
    } else if (decision instanceof Decision.Answer answer) {
      answer(ctx, request, answer.response()); // a document zt serves itself (RFC 9728 metadata)
    } else {
      deny(ctx, request, (Decision.Deny) decision);
    }
  }

  /** Whether the whole body of {@code request} has passed this handler already (in it, or read as a form). */
  private boolean bodyHere(HttpRequest request) {
    return MessageKinds.is(kinds.of(request), MessageKinds.LAST) || form.bodyComplete();
  }

  // ------------------------------------------------------------------------------------------------ form

  /**
   * Every check that needs no body allowed a URL-encoded form request ({@link Decision.ReadForm}): its body is read
   * now ({@link StreamedForm}), and reading goes on meanwhile; the decision is completed after the last content or
   * the byte past the limit, or refused with 408 when the body is not here by the step's deadline.
   */
  private void startReading(ChannelHandlerContext ctx, HttpRequest request, Decision.ReadForm step) {
    if (request instanceof LastHttpContent whole) { // its body is here already (not given to the context)
      ByteBuf c = whole.content();
      byte[] bytes = ByteBufUtil.getBytes(c, c.readerIndex(), Math.min(c.readableBytes(), step.maxBytes() + 1));
      decide(ctx, request, step, step.context().withFormBody(bytes));
      return;
    }
    state = state.to(ConnectionState.READING_FORM);
    form.begin(ctx, enforcer.clock(), request, step, () -> formTimedOut(ctx, step, true));
    reads.readOnIfNeeded(ctx);
  }

  private void collect(ChannelHandlerContext ctx, HttpContent content) {
    Decision.ReadForm step = form.step();
    switch (form.add(ctx, content)) {
      case MORE -> reads.readOnIfNeeded(ctx);
      case COMPLETE -> decide(ctx, form.end(), step, step.context().withFormBody(form.bytes()));
      case LATE -> formTimedOut(ctx, step, false);
      case BROKEN -> { // the stream is lost: nothing to answer on, but the refusal is audited
        ReferenceCountUtil.release(form.end());
        form.release();
        enforcer.refuse(step, DenyReason.REQUEST_MALFORMED, "netty: the form body could not be decoded");
        shutDown(ctx);
      }
    }
  }

  /** The form of {@code step} did not arrive in time: 408, and the connection closes. */
  private void formTimedOut(ChannelHandlerContext ctx, Decision.ReadForm step, boolean byTimer) {
    if (!form.readingFor(step)) { // decided, or the channel closed, meanwhile
      return;
    }
    deny(ctx, form.end(), enforcer.formTimedOut(step));
    if (byTimer) {
      drain(ctx);
    }
  }

  // ------------------------------------------------------------------------------------------------ answers

  private void deny(ChannelHandlerContext ctx, HttpRequest request, Decision.Deny deny) {
    answer(ctx, request, enforcer.respond(deny));
  }

  /** Answers {@code request} with {@code wire} instead of passing it on; its body, if any, is discarded. */
  private void answer(ChannelHandlerContext ctx, HttpRequest request, WireResponse wire) {
    boolean complete = bodyHere(request);
    boolean bodyHere = complete || queue.holdsEndOfBody();
    state = state.to(complete ? ConnectionState.IDLE : ConnectionState.DISCARDING);
    form.release();
    if (Answers.deny(ctx, request, wire, bodyHere)) {
      state = state.to(ConnectionState.CLOSED);
      queue.release();
    }
  }

  /** A request the codec could not parse: the enforcer's audited refusal (400, 414, 431, no body), then close. */
  private void refuseUnparsed(ChannelHandlerContext ctx, HttpRequest request) {
    Throwable cause = request.decoderResult().cause();
    DenyReason reason = Answers.unparsed(cause);
    Decision.Deny deny = enforcer.refuse(contexts.unparsed(enforcer, ctx, request), reason,
        "netty: the codec could not parse the request: " + (cause == null ? "?" : cause.getClass().getSimpleName()));
    ReferenceCountUtil.release(request);
    state = state.to(ConnectionState.CLOSED);
    queue.release();
    Answers.write(ctx, enforcer.respond(deny), false, false, HttpVersion.HTTP_1_1)
        .addListener(ChannelFutureListener.CLOSE);
  }

  // ------------------------------------------------------------------------------------------------ flow

  /** Replays queued messages through the same steps until a decision or a response is awaited again. */
  private void drain(ChannelHandlerContext ctx) {
    drainScheduled = false;
    while (state != ConnectionState.DECIDING && !state.closed()) {
      Object next = queue.peek();
      if (next == null || waitsForItsTurn(next)) {
        break;
      }
      queue.poll();
      process(ctx, next);
    }
    if (state.closed()) {
      queue.release();
    }
    if (state != ConnectionState.DECIDING && queue.isEmpty()) { // nothing pending: read again
      reads.resume(ctx);
    }
  }

  @Override
  public void read(ChannelHandlerContext ctx) {
    reads.read(ctx); // held while a decision is pending
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (response.written(msg) && !queue.isEmpty() && !drainScheduled) {
      drainScheduled = true;
      ctx.executor().execute(() -> drain(ctx)); // not from inside the application's write
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
    reads.removed(ctx);
  }

  private void shutDown(ChannelHandlerContext ctx) {
    state = state.to(ConnectionState.CLOSED);
    queue.release();
    ctx.close();
  }

  private void discardAll() {
    state = state.to(ConnectionState.CLOSED);
    if (deciding != null) {
      ReferenceCountUtil.release(deciding);
      deciding = null;
    }
    form.drop();
    queue.release();
  }

}
