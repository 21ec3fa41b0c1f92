package dev.zt.benchmarks;

import dev.zt.samples.gateway.Gateway;
import dev.zt.spiffe.PeerAuthorizer;
import dev.zt.spiffe.SpiffeSslContexts;
import dev.zt.spiffe.SvidSnapshot;
import dev.zt.spiffe.TrustBundleSet;
import dev.zt.spiffe.X509Source;
import dev.zt.testkit.TestIssuer;
import dev.zt.testkit.spiffe.TestSvid;
import dev.zt.testkit.spiffe.TestTrustDomain;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP;
import org.eclipse.jetty.ee10.proxy.ProxyServlet;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The gateway's added latency per request (issue 16, acceptance 4): one client thread, keep-alive, Jetty's
 * {@link HttpClient}, {@code GET /orders} against an upstream that answers a small 200 over SPIFFE mTLS (its X.509-SVID
 * and the callers' from the testkit's authority; it checks the peer's SVID in the handshake and nothing else).
 *
 * <ul>
 *   <li>{@link #direct}: client → upstream over mTLS (the gateway's SVID), carrying an internal token the gateway
 *       minted during setup — what a caller that already holds one pays.
 *   <li>{@link #plainJettyProxy}: client → Jetty 12's ee10 {@code ProxyServlet.Transparent} with no zt (plain HTTP in,
 *       mTLS out with the gateway's SVID, the client's {@code Authorization} forwarded as is) → upstream — what a team
 *       would otherwise put there.
 *   <li>{@link #ztGateway}: client → the sample gateway ({@link Gateway#start}, its defaults: zt's rate gate included)
 *       → upstream: zt decides on the client token (validated-token cache hit), the internal token comes from the
 *       minter's cache (minted once per user in setup, reused until a quarter of its 60 s is left), forwarded over
 *       mTLS.
 * </ul>
 *
 * Every operation checks for status 200, so a deny or a proxy error cannot pass for a fast answer. Added latency =
 * {@code ztGateway − direct}; zt's own share = {@code ztGateway − plainJettyProxy}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 10, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@Threads(1)
public class GatewayBenchmark {

  private static final byte[] BODY = "{\"orders\":[]}".getBytes(StandardCharsets.US_ASCII);

  /**
   * How many users' tokens the clients take in turn. The gateway runs with zt's default rate limits (100 per second
   * and 1200 per minute per identity and route): one user's token would be refused 429 within a second, as it
   * should; 1024 users keep every one far below both at the rates measured here.
   */
  static final int USERS = 1024;

  /** Requests per path sent in setup, before JMH's own warm-up, so the JIT has compiled TLS and Jetty's paths. */
  static final int SETUP_WARMUP = 1500;

  private TestIssuer issuer;
  private Path dir;
  private Server upstream;
  private Server plainProxy;
  private Gateway gateway;
  private HttpClient mtlsClient;
  private HttpClient client;
  private volatile String seenAuthorization;
  /** Client tokens of distinct users, taken in turn (see {@link #USERS}). */
  private String[] clientTokens;
  private int next;
  private String clientToken;
  private String internalToken;
  private String upstreamUri;
  private String proxyUri;
  private String gatewayUri;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    issuer = TestIssuer.builder().audience("orders-api").start();
    clientTokens = new String[USERS];
    for (int i = 0; i < USERS; i++) {
      clientTokens[i] = issuer.token().subject("user-" + i).scope("orders:read").claim("sid", "s-" + i).build();
    }
    clientToken = clientTokens[0];
    TestTrustDomain td = TestTrustDomain.create("example.org");
    TestSvid upstreamSvid = td.issueX509Svid("/ns/shop/sa/orders");
    TestSvid gatewaySvid = td.issueX509Svid("/ns/edge/sa/gateway");
    TrustBundleSet bundle = TrustBundleSet.of(td.bundle().trustBundle());
    PeerAuthorizer anyWorkload = PeerAuthorizer.memberOf(td.trustDomain());

    upstream = upstream(SpiffeSslContexts.server(X509Source.of(new SvidSnapshot(upstreamSvid.toX509Svid(), bundle)),
        anyWorkload));
    upstreamUri = "https://127.0.0.1:" + ((ServerConnector) upstream.getConnectors()[0]).getLocalPort();
    SSLContext asGateway = SpiffeSslContexts.client(
        X509Source.of(new SvidSnapshot(gatewaySvid.toX509Svid(), bundle)), anyWorkload);

    plainProxy = plainProxy(upstreamUri, asGateway);
    proxyUri = "http://127.0.0.1:" + ((ServerConnector) plainProxy.getConnectors()[0]).getLocalPort();

    dir = Files.createTempDirectory("zt-gateway-benchmark");
    Map<String, String> env = new HashMap<>();
    env.put("ZT_ISSUER", issuer.issuer());
    env.put("ZT_AUDIENCE", issuer.audience());
    env.put("GATEWAY_UPSTREAM", upstreamUri);
    env.put("ZT_SVID_CERT", Files.writeString(dir.resolve("svid.pem"), gatewaySvid.chainPem()).toString());
    env.put("ZT_SVID_KEY", Files.writeString(dir.resolve("svid.key"), gatewaySvid.keyPem()).toString());
    env.put("ZT_TRUST_DOMAIN", "example.org");
    env.put("ZT_X509_BUNDLE", Files.writeString(dir.resolve("bundle.pem"), td.bundle().pem()).toString());
    env.put("ZT_HOST", "127.0.0.1");
    env.put("PORT", "0");
    gateway = Gateway.start(env);
    gatewayUri = "http://127.0.0.1:" + gateway.port();

    client = new HttpClient();
    client.start();
    mtlsClient = mtlsClient(asGateway);

    // the internal token the gateway forwards, as the upstream received it: what direct() carries
    check(get(client, gatewayUri, clientToken), "ztGateway");
    internalToken = seenAuthorization.substring("Bearer ".length());
    if (internalToken.equals(clientToken)) {
      throw new IllegalStateException("the gateway forwarded the client's token");
    }
    check(get(mtlsClient, upstreamUri, internalToken), "direct");
    check(get(client, proxyUri, clientToken), "plainJettyProxy");
    for (int i = 0; i < SETUP_WARMUP; i++) {
      direct();
      plainJettyProxy();
      ztGateway();
    }
  }

  private String nextClientToken() {
    String token = clientTokens[next];
    next = (next + 1) % USERS;
    return token;
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    for (Object o : new Object[] {client, mtlsClient, gateway, plainProxy, upstream, issuer}) {
      try {
        if (o instanceof org.eclipse.jetty.util.component.LifeCycle l) {
          l.stop();
        } else if (o instanceof AutoCloseable c) {
          c.close();
        }
      } catch (Exception e) {
        // stop the rest regardless
      }
    }
    if (dir != null) {
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  /** Client → upstream over mTLS with a pre-minted internal token. */
  @Benchmark
  public int direct() throws Exception {
    return check(get(mtlsClient, upstreamUri, internalToken), "direct");
  }

  /** Client → a plain Jetty ProxyServlet (no zt) → upstream over mTLS. */
  @Benchmark
  public int plainJettyProxy() throws Exception {
    return check(get(client, proxyUri, nextClientToken()), "plainJettyProxy");
  }

  /** Client → the zt gateway (decision, cached internal token) → upstream over mTLS. */
  @Benchmark
  public int ztGateway() throws Exception {
    return check(get(client, gatewayUri, nextClientToken()), "ztGateway");
  }

  private static ContentResponse get(HttpClient http, String base, String token) throws Exception {
    Request request = http.newRequest(base + "/orders")
        .headers(h -> h.put(HttpHeader.AUTHORIZATION, "Bearer " + token))
        .timeout(10, TimeUnit.SECONDS);
    return request.send();
  }

  private static int check(ContentResponse response, String what) {
    if (response.getStatus() != 200) {
      throw new IllegalStateException(what + ": status " + response.getStatus() + " " + response.getContentAsString());
    }
    return response.getStatus();
  }

  /** The upstream: a small 200 to any request, over TLS that requires a client X.509-SVID of the trust domain. */
  private Server upstream(SSLContext tls) throws Exception {
    Server server = new Server();
    SslContextFactory.Server ssl = new SslContextFactory.Server();
    ssl.setSslContext(tls);
    ssl.setNeedClientAuth(true);
    HttpConfiguration config = new HttpConfiguration();
    SecureRequestCustomizer secure = new SecureRequestCustomizer();
    secure.setSniHostCheck(false);
    config.addCustomizer(secure);
    ServerConnector connector = new ServerConnector(server, new SslConnectionFactory(ssl, "http/1.1"),
        new HttpConnectionFactory(config));
    connector.setHost("127.0.0.1");
    server.addConnector(connector);
    server.setHandler(new Handler.Abstract() {
      @Override
      public boolean handle(org.eclipse.jetty.server.Request request, Response response, Callback callback) {
        seenAuthorization = request.getHeaders().get(HttpHeader.AUTHORIZATION);
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, BODY.length);
        response.write(true, ByteBuffer.wrap(BODY), callback);
        return true;
      }
    });
    server.start();
    return server;
  }

  /** Jetty's transparent proxy servlet with an mTLS client: the gateway without zt. */
  private static Server plainProxy(String upstreamUri, SSLContext mtls) throws Exception {
    Server server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    server.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler();
    context.setContextPath("/");
    ServletHolder proxy = new ServletHolder(new ProxyServlet.Transparent() {
      @Override
      protected HttpClient newHttpClient() {
        ClientConnector clientConnector = new ClientConnector();
        clientConnector.setSslContextFactory(tlsClient(mtls));
        return new HttpClient(new HttpClientTransportOverHTTP(clientConnector));
      }
    });
    proxy.setInitParameter("proxyTo", upstreamUri);
    proxy.setAsyncSupported(true);
    context.addServlet(proxy, "/*");
    server.setHandler(context);
    server.start();
    return server;
  }

  private static HttpClient mtlsClient(SSLContext mtls) throws Exception {
    ClientConnector connector = new ClientConnector();
    connector.setSslContextFactory(tlsClient(mtls));
    HttpClient http = new HttpClient(new HttpClientTransportOverHTTP(connector));
    http.start();
    return http;
  }

  private static SslContextFactory.Client tlsClient(SSLContext mtls) {
    SslContextFactory.Client tls = new SslContextFactory.Client();
    tls.setSslContext(mtls);
    // the peer is a SPIFFE workload, checked by zt-spiffe's trust manager on its URI SAN, not by host name
    tls.setEndpointIdentificationAlgorithm(null);
    return tls;
  }
}
