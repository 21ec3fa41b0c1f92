package dev.zt.netty;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zt.apicheck.JavadocExamples;
import dev.zt.core.Caller;
import dev.zt.core.Decision;
import dev.zt.core.authz.Resource;
import dev.zt.core.Enforcer;
import dev.zt.core.credential.BearerJwt;
import dev.zt.core.policy.Requirement;
import dev.zt.core.policy.RoutePolicy;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * zt-netty's Javadoc examples, compiled here (the regions between the example markers) and run on an
 * {@link EmbeddedChannel} with the HTTP codec; {@link JavadocExamples} fails when an example in the main sources is
 * not in one of these regions.
 */
class JavadocExamplesTests {

  private final Enforcer enforcer = Enforcer.builder()
      .bearerJwt(BearerJwt.issuer("https://idp.example.com").audience("orders-api").build())
      .routes(RoutePolicy.builder()
          .get("/orders", Requirement.allScopes("orders:read"))
          .get("/health", Requirement.permitAll())
          .build())
      .build();

  @Test
  void javadocWhenScannedThenEveryExampleIsCompiledHere() {
    JavadocExamples.assertEveryExampleCompiles();
  }

  @Test
  void packageExampleWhenPublicRouteThenApplicationSeesCallerAndPath() {
    ServerBootstrap bootstrap = new ServerBootstrap();
    // example: netty package
    ChannelInitializer<Channel> perConnection = new ChannelInitializer<>() {
      @Override
      protected void initChannel(Channel ch) {
        ch.pipeline().addLast(new HttpServerCodec(), new ZeroTrustHandler(enforcer), new OrdersHandler());
      }
    };
    bootstrap.childHandler(perConnection);
    // end example
    EmbeddedChannel ch = new EmbeddedChannel(perConnection);
    try {
      assertThat(exchange(ch, "GET /health HTTP/1.1\r\nHost: orders\r\n\r\n"))
          .startsWith("HTTP/1.1 200 OK").endsWith("anonymous /health");
      assertThat(exchange(ch, "GET /orders HTTP/1.1\r\nHost: orders\r\n\r\n"))
          .startsWith("HTTP/1.1 401 Unauthorized").doesNotContain("anonymous");
    } finally {
      ch.finishAndReleaseAll();
    }
  }

  @Test
  void handlerExampleWhenNoCredentialThenDeniedBeforeTheApplication() {
    EmbeddedChannel ch = new EmbeddedChannel(new ChannelInitializer<Channel>() {
      @Override
      protected void initChannel(Channel ch) {
        // example: ZeroTrustHandler
        ch.pipeline().addLast(new HttpServerCodec(),
            new ZeroTrustHandler(enforcer),       // one instance per channel: it holds the connection's state
            new OrdersHandler());                 // reads ZeroTrustHandler.CALLER and routes on ZeroTrustHandler.PATH
        // end example
      }
    });
    try {
      assertThat(exchange(ch, "GET /orders HTTP/1.1\r\nHost: orders\r\n\r\n"))
          .startsWith("HTTP/1.1 401 Unauthorized").contains("WWW-Authenticate: Bearer");
      assertThat(exchange(ch, "GET /health HTTP/1.1\r\nHost: orders\r\n\r\n")).endsWith("anonymous /health");
    } finally {
      ch.finishAndReleaseAll();
    }
  }

  /** Writes {@code request}'s bytes and returns what the channel wrote back. */
  private static String exchange(EmbeddedChannel ch, String request) {
    ch.writeInbound(Unpooled.copiedBuffer(request, StandardCharsets.US_ASCII));
    StringBuilder out = new StringBuilder();
    for (Object o; (o = ch.readOutbound()) != null; ) {
      ByteBuf b = (ByteBuf) o;
      out.append(b.toString(StandardCharsets.US_ASCII));
      b.release();
    }
    return out.toString();
  }

  static FullHttpResponse order(String id) {
    return new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
  }

  /** Compiled only (run end to end in ObjectAuthorizationNettyTests). */
  static void objectCheck(ChannelHandlerContext ctx, String id, String owner) {
    // example: ZeroTrustHandler.authorization
    ZeroTrustHandler.authorization(ctx.channel())
        .checkAsync("read", Resource.of("order", id).with("owner", owner))
        .whenCompleteAsync((decision, error) -> {
          if (decision instanceof Decision.Deny deny) {
            ZeroTrustHandler.writeDenial(ctx, deny);
          } else {
            ctx.writeAndFlush(order(id));
          }
        }, ctx.executor());
    // end example
  }

  /** The application: answers with who zt allowed and the path it authorized. */
  static final class OrdersHandler extends SimpleChannelInboundHandler<HttpObject> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
      if (!(msg instanceof HttpRequest)) {
        return;
      }
      // example: netty application handler
      Caller caller = ZeroTrustHandler.caller(ctx.channel()); // who it is (anonymous on a public route)
      String path = ZeroTrustHandler.path(ctx.channel());     // route on this: the path zt authorized
      // end example
      String who = caller.isAuthenticated() ? caller.getName() : "anonymous";
      FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
          Unpooled.copiedBuffer(who + " " + path, StandardCharsets.UTF_8));
      response.headers().set(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
      ctx.writeAndFlush(response);
    }
  }
}
