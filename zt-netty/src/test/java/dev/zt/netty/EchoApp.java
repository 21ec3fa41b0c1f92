package dev.zt.netty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/** Answers each request with what it received: the method, the path zt authorized, the caller, and the whole body. */
final class EchoApp extends ChannelInboundHandlerAdapter {

  final AtomicInteger requests;
  private final StringBuilder body = new StringBuilder();
  private String head;

  EchoApp(AtomicInteger requests) {
    this.requests = requests;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    try {
      if (msg instanceof HttpRequest request) {
        requests.incrementAndGet();
        head = request.method() + " " + ZeroTrustHandler.path(ctx.channel()) + " "
            + ZeroTrustHandler.caller(ctx.channel()).subject().orElse("anonymous");
        body.setLength(0);
      }
      if (msg instanceof HttpContent content) {
        body.append(content.content().toString(StandardCharsets.UTF_8));
      }
      if (msg instanceof LastHttpContent) {
        ByteBuf bytes = Unpooled.copiedBuffer(head + " body=" + body, StandardCharsets.UTF_8);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, bytes);
        response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.readableBytes());
        ctx.writeAndFlush(response);
      }
    } finally {
      ReferenceCountUtil.release(msg);
    }
  }
}
