package dev.zt.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.zt.core.Enforcer;
import dev.zt.testkit.TestIssuer;
import dev.zt.testkit.conformance.AdapterConformanceSuite;
import dev.zt.testkit.conformance.RawHttp;
import dev.zt.testkit.conformance.ServerHandle;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.opentelemetry.api.OpenTelemetry;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.blockhound.BlockingOperationError;

/**
 * BlockHound watches the event loop (Netty's own integration marks its threads non-blocking): a request whose keys
 * must first be fetched — a cold issuer, then an unknown {@code kid} after a rotation — is decided without blocking
 * it, while a deliberately blocking test-only gate or application handler is caught. The last two prove that the
 * first proves something.
 */
@ExtendWith(NoLeaksOrBlocking.class)
class BlockHoundTests {

  private static Enforcer enforcer(TestIssuer issuer, UnaryOperator<Enforcer.Builder> more) {
    return more.apply(Enforcer.builder()
            .bearerJwt(issuer.bearerJwt().jwksRefetchMinInterval(Duration.ZERO).build())
            .routes(AdapterConformanceSuite.routes())
            .realm("orders")
            .openTelemetry(OpenTelemetry.noop()))
        .build();
  }

  private static RawHttp.Response get(ServerHandle server, String target, String token) {
    RawHttp.Request r = new RawHttp(server.port()).get(target);
    return (token == null ? r : r.header("Authorization", "Bearer " + token)).send();
  }

  @Test
  void coldIssuerWhenFirstRequestsArriveOnTheEventLoopThenKeysAreFetchedWithoutBlockingIt() throws Exception {
    List<BlockingOperationError> before = NettyTestEnvironment.blockingCalls();
    try (TestIssuer issuer = TestIssuer.start();
        ServerHandle server = NettyServer.start(enforcer(issuer, UnaryOperator.identity()), false,
            ConformanceApp::new)) {
      assertThat(issuer.jwksRequests()).isZero();

      RawHttp.Response first = get(server, "/orders", issuer.token().scope("orders:read").build());
      assertThat(first.status()).as("%s", first).isEqualTo(200);
      assertThat(issuer.jwksRequests()).as("discovery and the JWKS fetched, off the event loop").isEqualTo(1);

      issuer.rotate(); // a token with a kid the cached key set does not know: refetch
      RawHttp.Response rotated = get(server, "/orders", issuer.token().scope("orders:read").build());
      assertThat(rotated.status()).as("%s", rotated).isEqualTo(200);
      assertThat(issuer.jwksRequests()).isEqualTo(2);

      RawHttp.Response unknown = get(server, "/orders",
          issuer.token().signedWith(dev.zt.testkit.TestKey.rsa()).scope("orders:read").build());
      assertThat(unknown.status()).as("%s", unknown).isEqualTo(401);
    }
    assertThat(NettyTestEnvironment.blockingCalls()).as("nothing blocked the event loop").isEqualTo(before);
  }

  @Test
  void introspectionWhenOpaqueTokensArriveOnTheEventLoopThenTheEndpointIsAskedWithoutBlockingIt() throws Exception {
    List<BlockingOperationError> before = NettyTestEnvironment.blockingCalls();
    AtomicInteger calls = new AtomicInteger();
    com.sun.net.httpserver.HttpServer endpoint = com.sun.net.httpserver.HttpServer.create(
        new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 16);
    try (TestIssuer issuer = TestIssuer.start()) {
      endpoint.createContext("/introspect", ex -> {
        calls.incrementAndGet();
        String form = new String(ex.getRequestBody().readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII);
        long exp = java.time.Instant.now().plusSeconds(300).getEpochSecond();
        byte[] body = (form.startsWith("token=active-opaque&")
            ? "{\"active\":true,\"iss\":\"" + issuer.issuer() + "\",\"sub\":\"user-1\",\"aud\":\"orders-api\","
                + "\"scope\":\"orders:read\",\"exp\":" + exp + "}"
            : "{\"active\":false}").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(200, body.length);
        ex.getResponseBody().write(body);
        ex.close();
      });
      endpoint.start();
      Enforcer enforcer = Enforcer.builder()
          .bearerJwt(issuer.bearerJwt().introspection(dev.zt.core.credential.Introspection.client("orders")
              .clientSecretBasic("s").endpoint(java.net.URI.create("http://127.0.0.1:"
                  + endpoint.getAddress().getPort() + "/introspect")).build()).build())
          .routes(AdapterConformanceSuite.routes())
          .realm("orders")
          .openTelemetry(OpenTelemetry.noop())
          .build();
      try (ServerHandle server = NettyServer.start(enforcer, false, ConformanceApp::new)) {
        RawHttp.Response first = get(server, "/orders", "active-opaque");
        assertThat(first.status()).as("%s", first).isEqualTo(200);
        RawHttp.Response cached = get(server, "/orders", "active-opaque");
        assertThat(cached.status()).as("%s", cached).isEqualTo(200);
        RawHttp.Response inactive = get(server, "/orders", "revoked-opaque");
        assertThat(inactive.status()).as("%s", inactive).isEqualTo(401);
        assertThat(calls).hasValue(2);
      }
    } finally {
      endpoint.stop(0);
    }
    assertThat(NettyTestEnvironment.blockingCalls()).as("nothing blocked the event loop").isEqualTo(before);
  }

  @Test
  void tokenExchangeWhenTokensArriveOnTheEventLoopThenTheStsIsAskedWithoutBlockingIt() throws Exception {
    List<BlockingOperationError> before = NettyTestEnvironment.blockingCalls();
    AtomicInteger calls = new AtomicInteger();
    com.sun.net.httpserver.HttpServer sts = com.sun.net.httpserver.HttpServer.create(
        new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 16);
    try (TestIssuer issuer = TestIssuer.start()) {
      String refused = issuer.token().subject("refused").scope("orders:read").build();
      String down = issuer.token().subject("down").scope("orders:read").build();
      sts.createContext("/token", ex -> {
        calls.incrementAndGet();
        String form = new String(ex.getRequestBody().readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII);
        int status = form.contains(refused) ? 400 : form.contains(down) ? 500 : 200;
        byte[] body = (status == 400 ? "{\"error\":\"invalid_grant\"}" : status == 500 ? "{}"
            : "{\"access_token\":\"internal-" + calls.get() + "\",\"issued_token_type\":"
                + "\"urn:ietf:params:oauth:token-type:access_token\",\"token_type\":\"Bearer\",\"expires_in\":60}")
            .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, body.length);
        ex.getResponseBody().write(body);
        ex.close();
      });
      sts.start();
      dev.zt.core.translate.TokenExchangeClient exchange = dev.zt.core.translate.TokenExchangeClient
          .client("gateway").clientSecretBasic("s")
          .tokenEndpoint(java.net.URI.create("http://127.0.0.1:" + sts.getAddress().getPort() + "/token"))
          .audience("orders-service").build();
      try (ServerHandle server = NettyServer.start(enforcer(issuer, b -> b.translate(exchange)), false,
          ConformanceApp::new)) {
        String token = issuer.token().scope("orders:read").build();
        RawHttp.Response first = get(server, "/orders", token);
        assertThat(first.status()).as("%s", first).isEqualTo(200);
        RawHttp.Response cached = get(server, "/orders", token);
        assertThat(cached.status()).as("%s", cached).isEqualTo(200);
        assertThat(calls).as("the second allow forwards the cached exchanged token").hasValue(1);
        RawHttp.Response subjectRefused = get(server, "/orders", refused);
        assertThat(subjectRefused.status()).as("%s", subjectRefused).isEqualTo(401);
        RawHttp.Response outage = get(server, "/orders", down);
        assertThat(outage.status()).as("%s", outage).isEqualTo(503);
        assertThat(calls).hasValue(3);
      }
    } finally {
      sts.stop(0);
    }
    assertThat(NettyTestEnvironment.blockingCalls()).as("nothing blocked the event loop").isEqualTo(before);
  }

  @Test
  void blockHoundWhenAnEventLoopTaskSleepsThenFailsIt() throws Exception {
    EventLoopGroup group = NettyServer.oneEventLoop();
    try {
      Future<?> task = group.next().submit(() -> {
        Thread.sleep(1);
        return null;
      });
      task.await(5, TimeUnit.SECONDS);
      assertThat(task.cause()).isInstanceOf(BlockingOperationError.class);
    } finally {
      group.shutdownGracefully(0, 2, TimeUnit.SECONDS).sync();
    }
    assertThat(NettyTestEnvironment.takeBlockingCalls()).singleElement()
        .satisfies(e -> assertThat(e.getMethod().toString()).contains("java.lang.Thread.sleep"));
  }

  @Test
  void blockingGateWhenEvaluatedOnTheEventLoopThenBlockHoundCatchesItAndNothingReachesTheApplication()
      throws Exception {
    AtomicInteger reached = new AtomicInteger();
    try (TestIssuer issuer = TestIssuer.start();
        ServerHandle server = NettyServer.start(
            enforcer(issuer, b -> TestingGates.with(b, TestingGates.blocking(Duration.ofMillis(5)))), false,
            () -> new EchoApp(reached))) {
      // the blocking gate runs inline on the event loop for a public route (no token: nothing goes off the loop)
      assertThatThrownBy(() -> get(server, "/health", null))
          .as("the handler closes the connection without an answer").isInstanceOf(UncheckedIOException.class);
    }
    assertThat(reached).hasValue(0);
    assertThat(NettyTestEnvironment.takeBlockingCalls()).singleElement()
        .satisfies(e -> assertThat(e.getMethod().toString()).contains("java.lang.Thread.sleep"));
  }

  @Test
  void blockingApplicationHandlerWhenOnTheEventLoopThenBlockHoundReportsIt() throws Exception {
    List<Throwable> caught = new CopyOnWriteArrayList<>();
    try (TestIssuer issuer = TestIssuer.start();
        ServerHandle server = NettyServer.start(enforcer(issuer, UnaryOperator.identity()), false,
            () -> new SleepingApp(caught))) {
      assertThatThrownBy(() -> get(server, "/health", null)).isInstanceOf(UncheckedIOException.class);
    }
    assertThat(caught).singleElement().isInstanceOf(BlockingOperationError.class);
    assertThat(NettyTestEnvironment.takeBlockingCalls()).singleElement()
        .satisfies(e -> assertThat(e.getMethod().toString()).contains("java.lang.Thread.sleep"));
  }

  /** A deliberately wrong application handler: sleeps on the event loop. */
  private static final class SleepingApp extends ChannelInboundHandlerAdapter {
    private final List<Throwable> caught;

    SleepingApp(List<Throwable> caught) {
      this.caught = caught;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
      ReferenceCountUtil.release(msg);
      if (msg instanceof HttpRequest) {
        Thread.sleep(5);
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      caught.add(cause);
      ctx.close();
    }
  }

}
