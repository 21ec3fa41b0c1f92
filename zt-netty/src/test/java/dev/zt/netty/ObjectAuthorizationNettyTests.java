package dev.zt.netty;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zt.core.Decision;
import dev.zt.core.Enforcer;
import dev.zt.core.authz.Condition;
import dev.zt.core.authz.ObjectPolicy;
import dev.zt.core.authz.PdpBinding;
import dev.zt.core.authz.PdpDecision;
import dev.zt.core.authz.PdpInput;
import dev.zt.core.authz.PolicyDecisionPoint;
import dev.zt.core.authz.Resource;
import dev.zt.core.policy.Requirement;
import dev.zt.core.policy.RoutePolicy;
import dev.zt.testkit.TestIssuer;
import dev.zt.testkit.conformance.RawHttp;
import dev.zt.testkit.conformance.ServerHandle;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.opentelemetry.api.OpenTelemetry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The one-liner on the Netty handler, end to end over a socket: {@code checkAsync} never blocks the event loop (a
 * PDP answering on another thread), a denial is written with {@code writeDenial} in zt's format, and the connection
 * stays open for the next request.
 */
@ExtendWith(NoLeaksOrBlocking.class)
class ObjectAuthorizationNettyTests {

  static final Map<String, String> OWNERS = Map.of("42", "alice");
  static TestIssuer issuer;
  static ServerHandle plain;
  static ServerHandle withPdp;
  static volatile PdpDecision pdpAnswer = new PdpDecision.Allow(java.util.Optional.empty(),
      java.util.Optional.empty());

  /** The application: checks on the event loop without blocking, answers back on it. */
  static final class Orders extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      FullHttpRequest request = (FullHttpRequest) msg;
      String id = ZeroTrustHandler.path(ctx.channel()).substring("/orders/".length());
      request.release();
      String owner = OWNERS.get(id);
      if (owner == null) {
        ctx.writeAndFlush(response(HttpResponseStatus.NOT_FOUND, ""));
        return;
      }
      ZeroTrustHandler.authorization(ctx.channel())
          .checkAsync("read", Resource.of("order", id).with("owner", owner))
          .whenCompleteAsync((decision, error) -> {
            if (decision instanceof Decision.Deny deny) {
              ZeroTrustHandler.writeDenial(ctx, deny);
            } else {
              ctx.writeAndFlush(response(HttpResponseStatus.OK, "{\"id\":\"" + id + "\",\"owner\":\"" + owner
                  + "\"}"));
            }
          }, ctx.executor());
    }
  }

  static FullHttpResponse response(HttpResponseStatus status, String body) {
    FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
        Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
    res.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, res.content().readableBytes());
    return res;
  }

  static Enforcer enforcer(boolean pdp) {
    Enforcer.Builder b = Enforcer.builder()
        .bearerJwt(issuer.bearerJwt().build())
        .routes(RoutePolicy.builder().get("/orders/{id}", Requirement.allScopes("orders:read")).build())
        .objects(ObjectPolicy.builder()
            .permit("owner-reads", "order", Set.of("read"), Condition.owner("owner"))
            .permit("admin-reads", "order", Set.of("read"), Condition.anyRole("admin"))
            .build())
        .openTelemetry(OpenTelemetry.noop());
    if (pdp) {
      Executor elsewhere = CompletableFuture.delayedExecutor(1, java.util.concurrent.TimeUnit.MILLISECONDS);
      b.pdp(PdpBinding.to(new PolicyDecisionPoint() {
        @Override
        public CompletionStage<PdpDecision> decide(PdpInput input) {
          return CompletableFuture.supplyAsync(() -> pdpAnswer, elsewhere); // answers on another thread
        }

        @Override
        public String name() {
          return "remote";
        }
      }).resourceTypes("order").actions("read").build());
    }
    return b.build();
  }

  @BeforeAll
  static void start() throws Exception {
    issuer = TestIssuer.start();
    plain = NettyServer.start(enforcer(false), true, Orders::new);
    withPdp = NettyServer.start(enforcer(true), true, Orders::new);
  }

  @AfterAll
  static void stop() {
    plain.close();
    withPdp.close();
    issuer.close();
  }

  private static String token(String sub, String... roles) {
    return issuer.token().subject(sub).scope("orders:read").roles(roles).build();
  }

  @Test
  void checkAsyncWhenOwnerThenAdminThenOtherOnOneConnectionThen200200403AndStaysOpen() {
    try (RawHttp.Connection c = new RawHttp(plain.port()).get("/orders/42")
        .header("Authorization", "Bearer " + token("alice")).open()) {
      RawHttp.Response owner = c.response();
      assertThat(owner.status()).isEqualTo(200);
      assertThat(owner.body()).contains("\"owner\":\"alice\"");
      c.write("GET /orders/42 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token("root", "admin") + "\r\n\r\n");
      assertThat(c.response().status()).isEqualTo(200);
      c.write("GET /orders/42 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token("mallory") + "\r\n\r\n");
      RawHttp.Response other = c.response();
      assertThat(other.status()).isEqualTo(403);
      assertThat(other.header("Content-Type")).contains("application/problem+json");
      assertThat(other.headers("WWW-Authenticate")).isEmpty();
      assertThat(other.body()).contains("\"status\":403").doesNotContain("scope");
      c.write("GET /orders/42 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token("alice") + "\r\n\r\n");
      assertThat(c.response().status()).isEqualTo(200); // the 403 kept the connection
    }
  }

  @Test
  void checkAsyncWhenPdpAnswersOnAnotherThreadThenAllowDenyAndUnavailableAreWrittenOnTheEventLoop() {
    pdpAnswer = new PdpDecision.Allow(java.util.Optional.empty(), java.util.Optional.empty());
    assertThat(get(withPdp, token("alice")).status()).isEqualTo(200);
    pdpAnswer = new PdpDecision.Deny(java.util.Optional.empty(), java.util.Optional.empty(), "result false");
    assertThat(get(withPdp, token("alice")).status()).isEqualTo(403);
    pdpAnswer = new PdpDecision.Unavailable("connection refused", Duration.ofSeconds(3));
    RawHttp.Response down = get(withPdp, token("alice"));
    assertThat(down.status()).isEqualTo(503);
    assertThat(down.header("Retry-After")).contains("3");
    assertThat(down.body()).contains("policy-unavailable");
    pdpAnswer = new PdpDecision.Allow(java.util.Optional.empty(), java.util.Optional.empty());
  }

  @Test
  void writeDenialWhenRequestAsksToCloseThenAnswersAndCloses() {
    try (RawHttp.Connection c = new RawHttp(plain.port()).get("/orders/42")
        .header("Authorization", "Bearer " + token("mallory")).header("Connection", "close").open()) {
      RawHttp.Response res = c.response();
      assertThat(res.status()).isEqualTo(403);
      assertThat(res.header("Connection")).contains("close");
      assertThat(c.closedByServer()).isTrue();
    }
  }

  @Test
  void writeDenialWhenHeadThenNoBody() {
    RawHttp.Response res = new RawHttp(plain.port()).request("HEAD", "/orders/42")
        .header("Authorization", "Bearer " + token("mallory")).send();
    assertThat(res.status()).isEqualTo(403);
    assertThat(res.body()).isEmpty();
    assertThat(res.header("Content-Type")).contains("application/problem+json");
  }

  private static RawHttp.Response get(ServerHandle server, String token) {
    return new RawHttp(server.port()).get("/orders/42").header("Authorization", "Bearer " + token).send();
  }
}
