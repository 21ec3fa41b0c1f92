package dev.zt.samples.orders;

import dev.zt.core.Caller;
import dev.zt.core.Decision;
import dev.zt.netty.ZeroTrustHandler;
import dev.zt.samples.orders.model.Answer;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * {@link OrdersApi} on Netty, after {@link ZeroTrustHandler}: routes on {@link ZeroTrustHandler#PATH} (the path zt
 * authorized, never the raw URI), the caller from {@link ZeroTrustHandler#CALLER}; answers once the request's last
 * content arrived (the sample reads no bodies, so nothing is aggregated: a body is released unread, as Jetty discards
 * the one the servlet never reads). Reading an order is zt's object check first, which may complete later (a PDP);
 * the answer is then written on the channel's event loop, and answers leave in the order the requests came.
 */
final class OrdersNettyHandler extends ChannelInboundHandlerAdapter {

  private final OrdersApi api;
  private CompletionStage<Object> answer; // an Answer or zt's Decision.Deny
  private CompletableFuture<Void> written = CompletableFuture.completedFuture(null);
  private boolean keepAlive;
  private boolean head;

  OrdersNettyHandler(OrdersApi api) {
    this.api = api;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    try {
      if (msg instanceof HttpRequest request) {
        head = HttpMethod.HEAD.equals(request.method());
        keepAlive = HttpUtil.isKeepAlive(request);
        Caller caller = ZeroTrustHandler.caller(ctx.channel());
        OrdersApi.Step step = api.route(request.method().name(), ZeroTrustHandler.path(ctx.channel()), caller);
        answer = step instanceof OrdersApi.Step.Read read ? read(ctx, caller, read)
            : CompletableFuture.completedFuture(((OrdersApi.Step.Done) step).answer());
      }
      if (msg instanceof LastHttpContent && answer != null) {
        CompletionStage<Object> next = answer;
        boolean close = !keepAlive;
        boolean noBody = head;
        answer = null;
        // in request order, on the event loop (never blocked waiting: the stage calls back)
        written = written.thenCombine(next, (done, out) -> out)
            .thenAcceptAsync(out -> write(ctx, out, close, noBody), ctx.executor())
            .exceptionally(e -> {
              ctx.executor().execute(ctx::close);
              return null;
            });
      }
    } finally {
      ReferenceCountUtil.release(msg);
    }
  }

  /**
   * zt's object check (object rule, then the PDP if one is bound), without blocking the event loop: the stage
   * completes with the order's answer or zt's denial, perhaps later and on another thread.
   */
  private CompletionStage<Object> read(ChannelHandlerContext ctx, Caller caller, OrdersApi.Step.Read read) {
    return ZeroTrustHandler.authorization(ctx.channel()).checkAsync("read", read.resource())
        .thenApply(decision -> decision instanceof Decision.Allow ? api.show(read.order(), caller) : decision);
  }

  private static void write(ChannelHandlerContext ctx, Object out, boolean close, boolean noBody) {
    if (out instanceof Decision.Deny deny) {
      ZeroTrustHandler.writeDenial(ctx, deny); // zt's own answer: status, problem+json, keep-alive as zt decides
      return;
    }
    if (!(out instanceof Answer a)) { // an Allow became the order's answer: anything else fails closed
      ctx.close();
      return;
    }
    byte[] bytes = a.json().getBytes(StandardCharsets.UTF_8);
    ByteBuf content = noBody ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(bytes);
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
        HttpResponseStatus.valueOf(a.status()), content);
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, a.contentType());
    a.headers().forEach((name, value) -> response.headers().set(name, value));
    response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
    if (close) {
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
      ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    } else {
      ctx.writeAndFlush(response);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }
}
