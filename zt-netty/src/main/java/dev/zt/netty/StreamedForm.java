package dev.zt.netty;

import dev.zt.core.Decision;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.time.Clock;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A streamed URL-encoded form being read because every check that needs no body allowed its request
 * ({@link Decision.ReadForm}), as the servlet filter reads it then. Each content is copied into one heap buffer of
 * at most {@link Decision.ReadForm#maxBytes()} {@code + 1} bytes and released at once, so the memory held does not
 * grow with the number of contents; the part of a content past the limit is kept, only for an allow. The deadline is
 * checked on the enforcer's clock as contents arrive and by a timer on the event loop for a client that sends
 * nothing. Confined to the event loop; one per channel, reused request after request.
 */
final class StreamedForm {

  /** What a content did to the form. */
  enum Progress { MORE, COMPLETE, BROKEN, LATE }

  private Clock clock;                  // the request's enforcer's
  private HttpRequest request;          // the request being read, or null
  private Decision.ReadForm step;       // the enforcer's step for it
  private ByteBuf form;                 // a copy of its first bytes, at most the limit + 1
  private HttpContent overflow;         // the part of the content that crossed the limit, kept for an allow
  private boolean last;                 // its last content has arrived: the whole body is in form (+ overflow)
  private HttpHeaders trailers;         // that last content's trailing fields
  private ScheduledFuture<?> timer;

  /**
   * Starts reading {@code request}'s body for {@code step}. A client that expects {@code 100 Continue} gets it now (a
   * servlet container sends it when the filter reads); the request then goes on without the expectation, which is
   * met. {@code clock} is the request's enforcer's; {@code onDeadline} runs on the event loop when the body is not
   * complete by the step's deadline.
   */
  void begin(ChannelHandlerContext ctx, Clock clock, HttpRequest request, Decision.ReadForm step,
      Runnable onDeadline) {
    this.clock = clock;
    this.request = request;
    this.step = step;
    if (HttpUtil.is100ContinueExpected(request)) {
      request.headers().remove(HttpHeaderNames.EXPECT);
      ctx.writeAndFlush(new DefaultFullHttpResponse(
          HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE, Unpooled.EMPTY_BUFFER));
    }
    long delay = Math.max(0, step.deadlineMillis() - clock.millis());
    timer = ctx.executor().schedule(onDeadline, delay, TimeUnit.MILLISECONDS);
  }

  /** Whether a form is being read (its request not decided yet). */
  boolean reading() {
    return request != null;
  }

  /** Whether {@code step} is the one being read (not decided, nor the channel closed, meanwhile). */
  boolean readingFor(Decision.ReadForm step) {
    return step != null && this.step == step;
  }

  Decision.ReadForm step() {
    return step;
  }

  /** Adds one content (released here, whatever happens). */
  Progress add(ChannelHandlerContext ctx, HttpContent content) {
    if (content.decoderResult().isFailure()) { // a broken body: nothing to decide on, and the stream is lost
      content.release();
      return Progress.BROKEN;
    }
    if (clock.millis() > step.deadlineMillis()) {
      content.release();
      return Progress.LATE;
    }
    int cap = step.maxBytes() + 1;
    ByteBuf in = content.content();
    try {
      if (form == null) {
        long declared = HttpUtil.getContentLength(request, -1L);
        int initial = (int) Math.min(cap, declared >= 0 ? declared : Math.max(in.readableBytes(), 256));
        form = ctx.alloc().heapBuffer(Math.max(initial, 1), cap);
      }
      int take = Math.min(in.readableBytes(), cap - form.readableBytes());
      form.writeBytes(in, in.readerIndex(), take);
      if (take < in.readableBytes()) { // crossed the limit: the rest is kept for an allow, never inspected
        overflow = content.replace(in.retainedSlice(in.readerIndex() + take, in.readableBytes() - take));
      }
      if (content instanceof LastHttpContent lastContent) {
        last = true;
        trailers = lastContent.trailingHeaders();
      }
    } finally {
      content.release();
    }
    return last || form.readableBytes() >= cap ? Progress.COMPLETE : Progress.MORE;
  }

  /** Ends reading: returns the request (the bytes stay here for {@link #forward} or {@link #release}). */
  HttpRequest end() {
    HttpRequest r = request;
    request = null;
    step = null;
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
    return r;
  }

  /** A copy of the bytes read, for {@code step.context().withFormBody(…)}. */
  byte[] bytes() {
    return ByteBufUtil.getBytes(form);
  }

  /** Whether the whole body has been read (its last content arrived). */
  boolean bodyComplete() {
    return last;
  }

  /** After an allow: the bytes read as one content (the last one, with the trailers, when the body ended), then
   * what crossed the limit. */
  void forward(ChannelHandlerContext ctx) {
    if (form == null) {
      return;
    }
    ByteBuf bytes = form;
    HttpContent rest = overflow;
    HttpHeaders trailing = trailers;
    boolean lastHere = last && rest == null;
    form = null;
    overflow = null;
    trailers = null;
    last = false;
    ctx.fireChannelRead(lastHere
        ? new DefaultLastHttpContent(bytes, trailing == null ? DefaultHttpHeadersFactory.trailersFactory()
            .newHeaders() : trailing)
        : new DefaultHttpContent(bytes));
    if (rest != null) {
      ctx.fireChannelRead(rest);
    }
  }

  /** Releases what was read (a denial, or the channel closes). */
  void release() {
    if (form != null) {
      form.release();
      form = null;
    }
    if (overflow != null) {
      overflow.release();
      overflow = null;
    }
    trailers = null;
    last = false;
  }

  /** The channel closes: the request being read and what was read of it are released. */
  void drop() {
    HttpRequest r = end();
    if (r != null) {
      ReferenceCountUtil.release(r);
    }
    release();
  }
}
