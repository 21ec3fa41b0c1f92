package dev.zt.benchmarks;

import dev.zt.core.Decision;
import dev.zt.core.Enforcer;
import dev.zt.core.RequestContext;
import dev.zt.netty.ZeroTrustHandler;
import dev.zt.testkit.TestIssuer;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The Netty adapter's own cost, without sockets: the same pipelines as {@link NettyHelloServer} — {@code
 * HttpServerCodec} → hello handler ({@link #plain}) and {@code HttpServerCodec} → {@link ZeroTrustHandler} → hello
 * handler ({@link #zt}) — in an {@code EmbeddedChannel}. One operation feeds the bytes of one keep-alive
 * {@code GET /hello} with the benchmark's bearer token (as wrk sends it), and reads and releases the encoded
 * {@code 200 hello}. The token is validated once in setup, so every operation is a validated-token cache hit; the
 * difference between the two benchmarks is what zt adds per request on the event loop, free of the scheduling
 * noise a wrk run on a shared machine has. The hello handler throws unless zt's caller is the token's subject.
 * {@link #passthrough} puts a handler that only passes messages on in zt's place: what one more handler costs.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(2)
public class NettyHandlerBenchmark {

  private TestIssuer issuer;
  private EmbeddedChannel plain;
  private EmbeddedChannel zt;
  private EmbeddedChannel passthrough;
  private ByteBuf request;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    issuer = TestIssuer.builder().audience("orders-api").start();
    String token = issuer.token().subject("bench").scope("orders:read").expiresIn(Duration.ofMinutes(50)).build();
    Enforcer enforcer = NettyHelloServer.helloEnforcer(issuer);
    String authorization = "Bearer " + token;
    // validate once, blocking, so every measured request is a cache hit
    Decision first = enforcer.enforce(RequestContext.builder("GET", "/hello")
            .headers(name -> "Authorization".equalsIgnoreCase(name) ? List.of(authorization) : List.of())
            .build())
        .toCompletableFuture().join();
    if (!(first instanceof Decision.Allow)) {
      throw new IllegalStateException("the benchmark token was not allowed: " + first);
    }
    request = Unpooled.unreleasableBuffer(Unpooled.directBuffer().writeBytes(
        ("GET /hello HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nAuthorization: " + authorization + "\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII)));
    plain = channel(new HttpServerCodec(), new NettyHelloServer.Hello(false));
    zt = channel(new HttpServerCodec(), new ZeroTrustHandler(enforcer), new NettyHelloServer.Hello(true));
    passthrough = channel(new HttpServerCodec(), new NettyHelloServer.PassThrough(), new NettyHelloServer.Hello(false));
    for (int i = 0; i < 1000; i++) { // fail at once on a wrong answer
      plain();
      zt();
      passthrough();
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    plain.finishAndReleaseAll();
    zt.finishAndReleaseAll();
    passthrough.finishAndReleaseAll();
    issuer.close();
  }

  /** {@code HttpServerCodec} → hello. */
  @Benchmark
  public int plain() {
    return exchange(plain);
  }

  /** {@code HttpServerCodec} → {@code ZeroTrustHandler} (cached token) → hello. */
  @Benchmark
  public int zt() {
    return exchange(zt);
  }

  /**
   * {@code HttpServerCodec} → a handler that passes every message on in both directions → hello: the floor any handler
   * in zt's place pays (one more inbound and outbound hop), so {@code zt − passthrough} is zt's own code.
   */
  @Benchmark
  public int passthrough() {
    return exchange(passthrough);
  }

  private int exchange(EmbeddedChannel ch) {
    ch.writeInbound(request.duplicate());
    Object out = ch.readOutbound();
    if (!(out instanceof ByteBuf buf) || buf.getByte(9) != '2') {
      ReferenceCountUtil.release(out);
      throw new IllegalStateException("expected a 2xx answer, got " + out);
    }
    int n = buf.readableBytes();
    buf.release();
    return n;
  }

  /** An embedded channel whose peer is a loopback TCP address, as on a real server. */
  private static EmbeddedChannel channel(io.netty.channel.ChannelHandler... handlers) {
    return new EmbeddedChannel(handlers) {
      private final SocketAddress peer = new InetSocketAddress("127.0.0.1", 40000);

      @Override
      protected SocketAddress remoteAddress0() {
        return peer;
      }
    };
  }
}
