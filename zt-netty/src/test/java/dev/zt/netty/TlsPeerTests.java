package dev.zt.netty;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zt.core.credential.BearerJwt;
import dev.zt.core.Caller;
import dev.zt.core.Enforcer;
import dev.zt.core.credential.PeerVerifier;
import dev.zt.core.rate.RatePolicy;
import dev.zt.core.policy.Requirement;
import dev.zt.core.policy.RoutePolicy;
import dev.zt.testkit.TestClock;
import dev.zt.testkit.TestIssuer;
import dev.zt.testkit.TestRequest;
import dev.zt.testkit.ZtAssertions;
import dev.zt.testkit.spiffe.TestSvid;
import dev.zt.testkit.spiffe.TestTrustDomain;
import io.netty.buffer.ByteBuf;
import io.netty.channel.DefaultChannelId;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import io.opentelemetry.api.OpenTelemetry;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;
import javax.net.ssl.SSLEngine;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The mTLS peer chain as {@link ZeroTrustHandler} reads it: from the {@link SslHandler}'s session after a real TLS
 * handshake (two embedded channels exchanging the handshake's bytes), in the connection's own pipeline or, for a
 * stream child channel as HTTP/2 multiplexing creates them, in its parent's. The enforcer's peer gate gets exactly
 * the chain the client presented; without TLS it gets none and a route that needs a workload is refused.
 */
@ExtendWith(NoLeaksOrBlocking.class)
class TlsPeerTests {

  private static final TestTrustDomain DOMAIN = TestTrustDomain.create("example.org");
  private static final String CLIENT_ID = "spiffe://example.org/ns/shop/sa/checkout";

  private final List<List<X509Certificate>> seen = new CopyOnWriteArrayList<>();
  private final List<EmbeddedChannel> channels = new ArrayList<>();

  @AfterEach
  void close() {
    channels.forEach(EmbeddedChannel::finishAndReleaseAll);
  }

  private Enforcer enforcer() {
    PeerVerifier verifier = chain -> {
      seen.add(chain);
      return new PeerVerifier.Verified(uriSan(chain.get(0)));
    };
    return Enforcer.builder()
        .bearerJwt(BearerJwt.issuer("https://issuer.test").audience("api")
            .keySource((selector, context) -> List.of()).build())
        .peerVerifier(verifier)
        .routes(RoutePolicy.builder().get("/internal/inventory", Requirement.workload(CLIENT_ID)).build())
        .rateLimits(RatePolicy.none())
        .openTelemetry(OpenTelemetry.noop())
        .build();
  }

  /** A server channel whose SslHandler completed a handshake with a client presenting {@code CLIENT_ID}'s SVID. */
  private EmbeddedChannel handshaken() {
    return handshaken(DOMAIN.issueX509Svid("/ns/shop/sa/checkout"));
  }

  /** A server channel whose SslHandler completed a handshake with a client presenting {@code clientSvid}. */
  private EmbeddedChannel handshaken(TestSvid clientSvid) {
    return handshaken(clientSvid, engine -> engine);
  }

  /** As {@link #handshaken(TestSvid)}, the server's engine wrapped by {@code wrap}. */
  private EmbeddedChannel handshaken(TestSvid clientSvid, UnaryOperator<SSLEngine> wrap) {
    SSLEngine serverEngine = TestTrustDomain.sslContextFor(DOMAIN.issueX509Svid("/ns/shop/sa/orders"), DOMAIN)
        .createSSLEngine();
    serverEngine.setUseClientMode(false);
    serverEngine.setNeedClientAuth(true);
    SSLEngine clientEngine = TestTrustDomain.sslContextFor(clientSvid, DOMAIN).createSSLEngine("localhost", 443);
    clientEngine.setUseClientMode(true);
    SslHandler serverSsl = new SslHandler(wrap.apply(serverEngine));
    SslHandler clientSsl = new SslHandler(clientEngine);
    EmbeddedChannel server = new EmbeddedChannel(serverSsl);
    EmbeddedChannel client = new EmbeddedChannel(clientSsl);
    channels.add(server);
    channels.add(client);
    for (int i = 0; i < 50 && !(serverSsl.handshakeFuture().isDone() && clientSsl.handshakeFuture().isDone()); i++) {
      shuttle(client, server);
      shuttle(server, client);
    }
    assertThat(serverSsl.handshakeFuture().isSuccess()).as("handshake: %s", serverSsl.handshakeFuture().cause())
        .isTrue();
    return server;
  }

  private static void shuttle(EmbeddedChannel from, EmbeddedChannel to) {
    Object out;
    while ((out = from.readOutbound()) != null) {
      to.writeInbound((ByteBuf) out);
    }
    from.runPendingTasks();
    to.runPendingTasks();
  }

  /** The certificate's URI SAN (an X.509-SVID has exactly one: its SPIFFE ID). */
  private static String uriSan(X509Certificate cert) {
    try {
      for (List<?> san : cert.getSubjectAlternativeNames()) {
        if (((Integer) san.get(0)) == 6) {
          return (String) san.get(1);
        }
      }
    } catch (CertificateParsingException e) {
      throw new AssertionError(e);
    }
    throw new AssertionError("no URI SAN in " + cert.getSubjectX500Principal());
  }

  private static HttpRequest inventory() {
    return new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/internal/inventory");
  }

  @Test
  void handlerWhenBehindSslHandlerThenThePeerGateGetsTheClientsChainAndTheCallerIsTheWorkload() {
    EmbeddedChannel server = handshaken();
    server.pipeline().addLast(new ZeroTrustHandler(enforcer()));

    server.writeInbound(inventory(), LastHttpContent.EMPTY_LAST_CONTENT); // past the SslHandler: not bytes

    assertThat(seen).hasSize(1);
    assertThat(uriSan(seen.get(0).get(0))).isEqualTo(CLIENT_ID);
    Object request = server.readInbound();
    assertThat(request).isInstanceOf(HttpRequest.class);
    Caller caller = ZeroTrustHandler.caller(server);
    assertThat(caller.workload()).contains(CLIENT_ID);
    ReferenceCountUtil.release(request);
    ReferenceCountUtil.release(server.readInbound());
  }

  @Test
  void handlerWhenInAStreamChildChannelThenReadsThePeerChainFromTheParentsSslHandler() {
    EmbeddedChannel connection = handshaken();
    EmbeddedChannel stream = new EmbeddedChannel(connection, DefaultChannelId.newInstance(), true, false,
        new ZeroTrustHandler(enforcer()));
    channels.add(stream);

    stream.writeInbound(inventory(), LastHttpContent.EMPTY_LAST_CONTENT);

    assertThat(seen).hasSize(1);
    assertThat(uriSan(seen.get(0).get(0))).isEqualTo(CLIENT_ID);
    assertThat(ZeroTrustHandler.caller(stream).workload()).contains(CLIENT_ID);
    ReferenceCountUtil.release(stream.readInbound());
    ReferenceCountUtil.release(stream.readInbound());
  }

  @Test
  void handlerWhenNoTlsThenNoChainReachesThePeerGateAndTheWorkloadRouteIsRefused() {
    EmbeddedChannel plain = new EmbeddedChannel(new ZeroTrustHandler(enforcer()));
    channels.add(plain);

    plain.writeInbound(inventory(), LastHttpContent.EMPTY_LAST_CONTENT);

    assertThat(seen).as("nothing to verify").isEmpty();
    FullHttpResponse r = plain.readOutbound();
    assertThat(r.status().code()).isIn(401, 403);
    r.release();
    assertThat((Object) plain.readInbound()).isNull();
  }

  private static String boundTo(TestIssuer issuer, TestSvid svid) throws Exception {
    byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest(svid.leaf().getEncoded());
    return issuer.token().claim("cnf", java.util.Map.of("x5t#S256", java.util.Base64.getUrlEncoder().withoutPadding()
        .encodeToString(digest))).scope("orders:read").build();
  }

  private static HttpRequest orders(String token) {
    HttpRequest r = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/orders");
    r.headers().set("Authorization", "Bearer " + token);
    return r;
  }

  @Test
  void handlerWhenCertificateBoundTokenThenAllowedOverItsClientCertificateAndRefusedOverAnother() throws Exception {
    TestClock clock = TestClock.create();
    try (TestIssuer issuer = TestIssuer.start(clock)) {
      Enforcer e = Enforcer.builder()
          .bearerJwt(issuer.bearerJwt().build())
          .routes(RoutePolicy.builder().get("/orders", Requirement.allScopes("orders:read")).build())
          .rateLimits(RatePolicy.none())
          .clock(clock)
          .openTelemetry(OpenTelemetry.noop())
          .build();
      TestSvid client = DOMAIN.issueX509Svid("/ns/shop/sa/checkout");
      TestSvid other = DOMAIN.issueX509Svid("/ns/shop/sa/other");
      String token = boundTo(issuer, client);
      // validated once, blocking, so the handler decides from the cache; the binding is checked on every request
      ZtAssertions.assertThatDecision(e.enforce(TestRequest.get("/orders").bearer(token)
          .peerCertificates(client.chain()).clock(clock).build())).isAllowed();

      EmbeddedChannel own = handshaken(client);
      own.pipeline().addLast(new ZeroTrustHandler(e));
      own.writeInbound(orders(token), LastHttpContent.EMPTY_LAST_CONTENT);
      Object passed = own.readInbound();
      assertThat(passed).as("over its own certificate").isInstanceOf(HttpRequest.class);
      ReferenceCountUtil.release(passed);
      ReferenceCountUtil.release(own.readInbound());

      // the answer is read in clear from a stream child channel (the connection's own would be TLS records)
      EmbeddedChannel strangerConnection = handshaken(other);
      EmbeddedChannel stranger = new EmbeddedChannel(strangerConnection, DefaultChannelId.newInstance(), true, false,
          new ZeroTrustHandler(e));
      channels.add(stranger);
      stranger.writeInbound(orders(token), LastHttpContent.EMPTY_LAST_CONTENT);
      FullHttpResponse refused = stranger.readOutbound();
      assertThat(refused.status().code()).as("over another certificate").isEqualTo(401);
      assertThat(refused.headers().get("WWW-Authenticate")).contains("invalid_token");
      refused.release();
      assertThat((Object) stranger.readInbound()).isNull();
    }
  }

  @Test
  void contextWhenRequestsFollowOnOneConnectionThenOneChainListServesThemAndAnotherSessionsChainIsReadAfresh() {
    SessionSwitchingEngine[] engine = new SessionSwitchingEngine[1];
    EmbeddedChannel connection = handshaken(DOMAIN.issueX509Svid("/ns/shop/sa/checkout"),
        e -> engine[0] = new SessionSwitchingEngine(e));
    EmbeddedChannel stream = new EmbeddedChannel(connection, DefaultChannelId.newInstance(), true, false,
        new ZeroTrustHandler(enforcer()));
    channels.add(stream);

    List<X509Certificate> first = allowedChain(stream);
    List<X509Certificate> second = allowedChain(stream);

    assertThat(second).as("no copy per request").isSameAs(first);
    assertThat(uriSan(first.get(0))).isEqualTo(CLIENT_ID);

    // the session now presents another client's chain (a renegotiation): read again, never the cached one
    List<X509Certificate> other = DOMAIN.issueX509Svid("/ns/shop/sa/other").chain();
    engine[0].session = peerSession(other);
    stream.writeInbound(inventory(), LastHttpContent.EMPTY_LAST_CONTENT);

    assertThat(seen.get(seen.size() - 1)).isEqualTo(other);
    FullHttpResponse refused = stream.readOutbound();
    assertThat(refused.status().code()).as("the other workload is not allowed").isEqualTo(403);
    refused.release();
    assertThat((Object) stream.readInbound()).isNull();
  }

  /** Sends one request that is allowed, answers it, and returns the peer chain of its context. */
  private static List<X509Certificate> allowedChain(EmbeddedChannel stream) {
    stream.writeInbound(inventory(), LastHttpContent.EMPTY_LAST_CONTENT);
    List<X509Certificate> chain = ZeroTrustHandler.context(stream).orElseThrow().peerCertificates();
    ReferenceCountUtil.release(stream.readInbound());
    ReferenceCountUtil.release(stream.readInbound());
    stream.writeOutbound(new io.netty.handler.codec.http.DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
        io.netty.handler.codec.http.HttpResponseStatus.OK));
    ReferenceCountUtil.release(stream.readOutbound());
    return chain;
  }

  /** A session whose peer presented {@code chain}; nothing else of it is read. */
  private static javax.net.ssl.SSLSession peerSession(List<X509Certificate> chain) {
    return (javax.net.ssl.SSLSession) java.lang.reflect.Proxy.newProxyInstance(TlsPeerTests.class.getClassLoader(),
        new Class<?>[] {javax.net.ssl.SSLSession.class}, (proxy, method, args) -> {
          if (method.getName().equals("getPeerCertificates")) {
            return chain.toArray(new java.security.cert.Certificate[0]);
          }
          throw new UnsupportedOperationException(method.getName());
        });
  }

  /** A real server engine whose session a test can replace, as a renegotiation would. */
  private static final class SessionSwitchingEngine extends SSLEngine {
    private final SSLEngine engine;
    volatile javax.net.ssl.SSLSession session;

    SessionSwitchingEngine(SSLEngine engine) {
      this.engine = engine;
    }

    @Override
    public javax.net.ssl.SSLSession getSession() {
      javax.net.ssl.SSLSession s = session;
      return s != null ? s : engine.getSession();
    }

    @Override
    public javax.net.ssl.SSLEngineResult wrap(java.nio.ByteBuffer[] srcs, int offset, int length,
        java.nio.ByteBuffer dst) throws javax.net.ssl.SSLException {
      return engine.wrap(srcs, offset, length, dst);
    }

    @Override
    public javax.net.ssl.SSLEngineResult unwrap(java.nio.ByteBuffer src, java.nio.ByteBuffer[] dsts, int offset,
        int length) throws javax.net.ssl.SSLException {
      return engine.unwrap(src, dsts, offset, length);
    }

    @Override
    public Runnable getDelegatedTask() {
      return engine.getDelegatedTask();
    }

    @Override
    public void closeInbound() throws javax.net.ssl.SSLException {
      engine.closeInbound();
    }

    @Override
    public boolean isInboundDone() {
      return engine.isInboundDone();
    }

    @Override
    public void closeOutbound() {
      engine.closeOutbound();
    }

    @Override
    public boolean isOutboundDone() {
      return engine.isOutboundDone();
    }

    @Override
    public String[] getSupportedCipherSuites() {
      return engine.getSupportedCipherSuites();
    }

    @Override
    public String[] getEnabledCipherSuites() {
      return engine.getEnabledCipherSuites();
    }

    @Override
    public void setEnabledCipherSuites(String[] suites) {
      engine.setEnabledCipherSuites(suites);
    }

    @Override
    public String[] getSupportedProtocols() {
      return engine.getSupportedProtocols();
    }

    @Override
    public String[] getEnabledProtocols() {
      return engine.getEnabledProtocols();
    }

    @Override
    public void setEnabledProtocols(String[] protocols) {
      engine.setEnabledProtocols(protocols);
    }

    @Override
    public javax.net.ssl.SSLSession getHandshakeSession() {
      return engine.getHandshakeSession();
    }

    @Override
    public void beginHandshake() throws javax.net.ssl.SSLException {
      engine.beginHandshake();
    }

    @Override
    public javax.net.ssl.SSLEngineResult.HandshakeStatus getHandshakeStatus() {
      return engine.getHandshakeStatus();
    }

    @Override
    public void setUseClientMode(boolean mode) {
      engine.setUseClientMode(mode);
    }

    @Override
    public boolean getUseClientMode() {
      return engine.getUseClientMode();
    }

    @Override
    public void setNeedClientAuth(boolean need) {
      engine.setNeedClientAuth(need);
    }

    @Override
    public boolean getNeedClientAuth() {
      return engine.getNeedClientAuth();
    }

    @Override
    public void setWantClientAuth(boolean want) {
      engine.setWantClientAuth(want);
    }

    @Override
    public boolean getWantClientAuth() {
      return engine.getWantClientAuth();
    }

    @Override
    public void setEnableSessionCreation(boolean flag) {
      engine.setEnableSessionCreation(flag);
    }

    @Override
    public boolean getEnableSessionCreation() {
      return engine.getEnableSessionCreation();
    }

    @Override
    public javax.net.ssl.SSLParameters getSSLParameters() {
      return engine.getSSLParameters();
    }

    @Override
    public void setSSLParameters(javax.net.ssl.SSLParameters params) {
      engine.setSSLParameters(params);
    }

    @Override
    public String getApplicationProtocol() {
      return engine.getApplicationProtocol();
    }

    @Override
    public String getHandshakeApplicationProtocol() {
      return engine.getHandshakeApplicationProtocol();
    }
  }
}
