package dev.zt.netty;

import dev.zt.core.DenyReason;
import dev.zt.core.WireResponse;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;
import java.util.Map;

/**
 * Writes zt's answers on a Netty channel: exactly the enforcer's {@link WireResponse} (status, fields with
 * {@code Content-Length}, body bytes; no body for {@code HEAD}), plus what only the connection knows — whether it
 * stays open.
 */
final class Answers {

  private Answers() {}

  /**
   * Answers {@code request} (released here) with {@code wire}. The connection stays open unless the request asked
   * to close it, the answer closes it ({@link WireResponse#closesConnection()}), or the body has not arrived
   * ({@code bodyHere} false) and cannot be drained safely. Returns true when the channel closes once it is written.
   */
  static boolean deny(ChannelHandlerContext ctx, HttpRequest request, WireResponse wire, boolean bodyHere) {
    boolean keepAlive = HttpUtil.isKeepAlive(request) && (bodyHere || drainable(request)) && !wire.closesConnection();
    boolean head = HttpMethod.HEAD.equals(request.method());
    HttpVersion version = request.protocolVersion();
    ReferenceCountUtil.release(request);
    ChannelFuture written = write(ctx, wire, head, keepAlive, version);
    if (!keepAlive) {
      written.addListener(ChannelFutureListener.CLOSE);
    }
    return !keepAlive;
  }

  /** Writes {@code wire}; {@code Connection: close} when not {@code keepAlive}, {@code keep-alive} for HTTP/1.0. */
  static ChannelFuture write(ChannelHandlerContext ctx, WireResponse wire, boolean head, boolean keepAlive,
      HttpVersion version) {
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
        HttpResponseStatus.valueOf(wire.status()),
            head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(wire.bodyBytes()));
    for (Map.Entry<String, String> field : wire.fields()) {
      response.headers().set(field.getKey(), field.getValue());
    }
    if (!keepAlive) {
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    } else if (version.equals(HttpVersion.HTTP_1_0)) {
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
    }
    return ctx.writeAndFlush(response);
  }

  /** Why the codec could not parse a request: 431, 414, else 400. */
  static DenyReason unparsed(Throwable cause) {
    return cause instanceof TooLongHttpHeaderException ? DenyReason.HEADERS_TOO_LARGE
        : cause instanceof TooLongHttpLineException ? DenyReason.REQUEST_LINE_TOO_LONG
        : DenyReason.REQUEST_MALFORMED;
  }

  /** A body not yet received can be read and dropped only when it is small and known to come. */
  private static boolean drainable(HttpRequest request) {
    return !HttpUtil.isTransferEncodingChunked(request)
        && !HttpUtil.is100ContinueExpected(request)
        && HttpUtil.getContentLength(request, 0L) <= ZeroTrustHandler.MAX_DRAIN_BYTES;
  }
}
