package dev.zt.netty;

import dev.zt.core.Caller;
import dev.zt.testkit.conformance.AdapterConformanceSuite;
import dev.zt.testkit.conformance.AdapterConformanceSuite.Handler;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;

/**
 * The conformance suite's application on Netty: routes on the path zt authorized ({@link ZeroTrustHandler#PATH}) the
 * way a servlet container maps {@link Handler#mappings()} (exact, then the longest {@code /prefix/*}, then
 * {@code /}), and answers 200 with {@link AdapterConformanceSuite#applicationBody} once the request's last content
 * arrived. The principal is the authenticated caller, the role check the caller's roles.
 */
final class ConformanceApp extends ChannelInboundHandlerAdapter {

  private String answer;
  private boolean keepAlive;

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    try {
      if (msg instanceof HttpRequest request) {
        String path = ZeroTrustHandler.path(ctx.channel());
        Caller caller = ZeroTrustHandler.caller(ctx.channel());
        answer = AdapterConformanceSuite.applicationBody(route(path), path, caller,
            caller != null && caller.isAuthenticated() ? caller : null, caller != null && caller.hasRole("admin"),
            upgradeFields(request));
        keepAlive = HttpUtil.isKeepAlive(request);
      }
      if (msg instanceof LastHttpContent && answer != null) {
        byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
        answer = null;
        FullHttpResponse response = new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1, HttpResponseStatus.OK, Unpooled.wrappedBuffer(bytes));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain;charset=utf-8");
        response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
        if (!keepAlive) {
          response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
          ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        } else {
          ctx.writeAndFlush(response);
        }
      }
    } finally {
      ReferenceCountUtil.release(msg);
    }
  }

  private static java.util.List<String> upgradeFields(HttpRequest request) {
    java.util.List<String> seen = new java.util.ArrayList<>(request.headers().getAll(HttpHeaderNames.UPGRADE));
    seen.addAll(request.headers().getAll("HTTP2-Settings"));
    return seen;
  }

  /** Servlet-style mapping (Servlet 6.0 §12.2) of {@link Handler#mappings()}. */
  static Handler route(String path) {
    Handler best = Handler.DEFAULT;
    int bestLength = -1;
    for (Handler h : Handler.values()) {
      for (String m : h.mappings()) {
        if (m.endsWith("/*")) {
          String prefix = m.substring(0, m.length() - 2);
          if ((path.equals(prefix) || path.startsWith(prefix + "/")) && prefix.length() > bestLength) {
            best = h;
            bestLength = prefix.length();
          }
        } else if (!m.equals("/") && m.equals(path)) {
          return h;
        }
      }
    }
    return best;
  }
}
