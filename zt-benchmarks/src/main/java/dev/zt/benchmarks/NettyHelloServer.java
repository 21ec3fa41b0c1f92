package dev.zt.benchmarks;

import dev.zt.core.Enforcer;
import dev.zt.core.policy.Requirement;
import dev.zt.core.policy.RoutePolicy;
import dev.zt.netty.ZeroTrustHandler;
import dev.zt.testkit.TestIssuer;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.opentelemetry.api.OpenTelemetry;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The two servers of the Netty throughput benchmark ({@code zt-benchmarks/netty-wrk.sh} drives them with wrk), in one
 * JVM, each on its own single-thread event loop on loopback:
 *
 * <ul>
 *   <li><b>plain</b>: {@code HttpServerCodec} → hello handler;</li>
 *   <li><b>zt</b>: {@code HttpServerCodec} → {@link ZeroTrustHandler} → the same hello handler, the route
 *       {@code GET /hello} requiring scope {@code orders:read}, with an in-process issuer's RS256 token that the
 *       first request validates (keys fetched once) and every later request finds in the validated-token cache.</li>
 * </ul>
 *
 * <p>With the argument {@code plain} or {@code zt} only that server is started (in its own JVM, so the two servers
 * share no JIT profiles; the other port is printed as 0); without one, both. Two controls take zt's place (and port):
 * {@code passthrough}, a handler that forwards everything (what one more handler costs), and {@code spin<n>}, a
 * handler that burns {@code n} nanoseconds of CPU per request (what a known amount of per-request work costs under
 * wrk, to set beside zt's cost without sockets in {@link NettyHandlerBenchmark}). Prints one line,
 * {@code <plain port> <zt port> <token>}, then serves until stdin closes. The hello handler
 * answers {@code 200 hello} (keep-alive) once the request's last content arrived, and only when zt's caller, if
 * any, is the token's subject — so a misconfigured zt cannot pass for a fast one.
 */
public final class NettyHelloServer {

  private NettyHelloServer() {}

  public static void main(String[] args) throws Exception {
    TestIssuer issuer = TestIssuer.builder().audience("orders-api").start();
    String token = issuer.token().subject("bench").scope("orders:read").expiresIn(Duration.ofMinutes(50)).build();
    Enforcer enforcer = helloEnforcer(issuer);
    String mode = args.length == 0 ? "both" : args[0];
    // what sits between the codec and hello in the second server (zt's place); null: there is no second server
    Supplier<ChannelHandler> middle = switch (mode) {
      case "both", "zt" -> () -> new ZeroTrustHandler(enforcer);
      case "passthrough" -> PassThrough::new;
      case "plain" -> null;
      default -> {
        long nanos = mode.matches("spin[1-9][0-9]*") ? Long.parseLong(mode.substring(4)) : -1;
        if (nanos < 0) {
          throw new IllegalArgumentException("mode must be both, plain, zt, passthrough or spin<nanoseconds>: "
              + mode);
        }
        yield () -> new Spin(nanos);
      }
    };
    EventLoopGroup plainLoop = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    EventLoopGroup ztLoop = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    try {
      int plain = mode.equals("plain") || mode.equals("both") ? port(bind(plainLoop, null, false)) : 0;
      int zt = middle == null ? 0 : port(bind(ztLoop, middle, mode.equals("both") || mode.equals("zt")));
      System.out.println(plain + " " + zt + " " + token);
      System.out.flush();
      while (System.in.read() >= 0) {
        // serve until the driver closes our stdin
      }
    } finally {
      plainLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      ztLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      issuer.close();
    }
  }

  /**
   * The enforcer both Netty benchmarks put in front of hello: {@code GET /hello} needs scope {@code orders:read}.
   * It measures the adapter's cost over authentication and the route policy; continuous verification (trust, rate
   * limits, detection) is measured on its own in {@code BearerTokenBenchmark.cachedEnforcerContinuous}.
   */
  static Enforcer helloEnforcer(TestIssuer issuer) {
    return Enforcer.builder()
        .bearerJwt(issuer.bearerJwt().build())
        .routes(RoutePolicy.builder().get("/hello", Requirement.allScopes("orders:read")).build())
        .openTelemetry(OpenTelemetry.noop())
        .trust(dev.zt.core.trust.TrustPolicy.builder().build())
        .rateLimits(dev.zt.core.rate.RatePolicy.none())
        .detection(dev.zt.core.detect.Detection.off())
        .build();
  }

  private static int port(Channel ch) {
    return ((InetSocketAddress) ch.localAddress()).getPort();
  }

  /**
   * A server: codec, then {@code middle}'s handler (zt, a do-nothing pass-through, a spin handler; none when null),
   * then hello, which checks zt's caller when {@code behindZt}. The pass-through is the control for what one more
   * handler that sees every inbound message and every write costs, with no zt code; the spin handler for what a known
   * amount of CPU per request costs.
   */
  private static Channel bind(EventLoopGroup loop, Supplier<ChannelHandler> middle, boolean behindZt)
      throws InterruptedException {
    return new ServerBootstrap()
        .group(loop)
        .channel(NioServerSocketChannel.class)
        .option(ChannelOption.SO_BACKLOG, 1024)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            ch.pipeline().addLast(new HttpServerCodec());
            if (middle != null) {
              ch.pipeline().addLast(middle.get());
            }
            ch.pipeline().addLast(new Hello(behindZt));
          }
        })
        .bind("127.0.0.1", 0)
        .sync()
        .channel();
  }

  /** Forwards everything, in both directions. */
  static final class PassThrough extends io.netty.channel.ChannelDuplexHandler {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, io.netty.channel.ChannelPromise promise) {
      ctx.write(msg, promise);
    }
  }

  /**
   * Burns {@code nanos} of CPU on each request, touching no memory: the control for how much a known amount of
   * per-request work costs the server under wrk on this machine, to compare with what zt costs.
   */
  static final class Spin extends ChannelInboundHandlerAdapter {
    private final long nanos;

    Spin(long nanos) {
      this.nanos = nanos;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof HttpRequest) {
        long end = System.nanoTime() + nanos;
        while (System.nanoTime() < end) {
          // busy, as real work would be (no pause hint that would lend the core's resources to wrk)
        }
      }
      ctx.fireChannelRead(msg);
    }
  }

  /** Answers {@code hello}; behind zt, only to the benchmark's caller. Also used by {@link NettyHandlerBenchmark}. */
  static final class Hello extends ChannelInboundHandlerAdapter {
    private static final byte[] HELLO = "hello".getBytes(StandardCharsets.US_ASCII);
    private final boolean behindZt;
    private boolean keepAlive;

    Hello(boolean behindZt) {
      this.behindZt = behindZt;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      try {
        if (msg instanceof HttpRequest request) {
          keepAlive = HttpUtil.isKeepAlive(request);
          if (behindZt && !"bench".equals(ZeroTrustHandler.caller(ctx.channel()).getName())) {
            throw new IllegalStateException("zt passed a request without the benchmark's caller");
          }
        }
        if (msg instanceof LastHttpContent) {
          ByteBuf body = Unpooled.wrappedBuffer(HELLO);
          FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, body);
          response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.TEXT_PLAIN);
          response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, HELLO.length);
          if (keepAlive) {
            ctx.writeAndFlush(response);
          } else {
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
          }
        }
      } finally {
        ReferenceCountUtil.release(msg);
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      if (!(cause instanceof java.io.IOException)) { // wrk resets its connections when a run ends
        cause.printStackTrace();
      }
      ctx.close();
    }
  }
}
