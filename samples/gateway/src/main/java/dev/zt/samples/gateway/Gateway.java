package dev.zt.samples.gateway;

import com.nimbusds.jose.jwk.ECKey;
import dev.zt.core.AuditListener;
import dev.zt.core.Enforcer;
import dev.zt.core.credential.BearerJwt;
import dev.zt.core.policy.Requirement;
import dev.zt.core.policy.RoutePolicy;
import dev.zt.core.translate.InternalTokenMinter;
import dev.zt.core.translate.TokenExchangeClient;
import dev.zt.samples.gateway.session.BrowserSessions;
import dev.zt.servlet.ZeroTrustFilter;
import dev.zt.spiffe.PeerAuthorizer;
import dev.zt.spiffe.SpiffeSslContexts;
import dev.zt.spiffe.TrustBundleSet;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sample gateway: a Policy Enforcement Point in front of orders-service. zt decides on the client's token; on an
 * allow the gateway strips it, forwards a small internal token minted for the upstream and calls orders-service's
 * mTLS listener with its own X.509-SVID. Configured from the environment (see the module's README and
 * {@link GatewayConfig}); {@code java -jar samples/gateway/target/gateway.jar}.
 *
 * <p>Its routes ({@link #routes}) are orders-service's public API with the same scope and role requirements, plus
 * {@code GET /whoami} for any authenticated client; everything else is denied. It publishes its internal issuer's
 * discovery document ({@code {issuer}/.well-known/openid-configuration}) and JWKS ({@code {issuer}/jwks}) on its own
 * port, so orders-service verifies internal tokens with an ordinary {@code BearerJwt}.
 */
public final class Gateway implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);

  /** The scopes the upstream's routes use: an internal token carries the client's scopes among these only. */
  static final String[] UPSTREAM_SCOPES = {"orders:read", "orders:write"};

  /** How often the SVID files (and {@code GATEWAY_SIGNING_KEY}) are checked for a change. */
  static final Duration POLL_INTERVAL = Duration.ofSeconds(5);

  /** The line the gateway logs once it serves: tests and scripts wait for it. */
  static final String READY = "gateway ready on port";

  private final Server server;
  private final ServerConnector connector;
  private final InternalTokenMinter minter;
  private final SvidFiles svid;
  private final SigningKeyFile signingKey;
  private final ScheduledExecutorService poller;
  private final String issuer;
  private final Duration keyActivation;
  private final Enforcer enforcer;

  private Gateway(Server server, ServerConnector connector, InternalTokenMinter minter, SvidFiles svid,
      SigningKeyFile signingKey, ScheduledExecutorService poller, String issuer, Duration keyActivation,
      Enforcer enforcer) {
    this.enforcer = enforcer;
    this.server = server;
    this.connector = connector;
    this.minter = minter;
    this.svid = svid;
    this.signingKey = signingKey;
    this.poller = poller;
    this.issuer = issuer;
    this.keyActivation = keyActivation;
  }

  /** Starts the gateway from the environment. */
  public static void main(String[] args) throws Exception {
    if (args.length == 1 && args[0].equals("demo")) {
      System.exit(GatewayDemo.run(System.out) ? 0 : 1);
      return;
    }
    if (args.length > 0) {
      System.err.println("usage: java -jar gateway.jar [demo] (configured by environment: see"
          + " samples/gateway/README.md)");
      System.exit(2);
      return;
    }
    Gateway gateway;
    try {
      gateway = start(System.getenv());
    } catch (IllegalArgumentException | IllegalStateException e) {
      System.err.println("gateway: " + e.getMessage());
      System.exit(2);
      return;
    } catch (Exception e) { // e.g. the port is taken
      System.err.println("gateway: could not start: " + e);
      System.exit(1);
      return;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(gateway::close, "gateway-stop"));
    gateway.server.join();
  }

  /** A running gateway configured by {@code env}; every bad or missing variable is an error naming it. */
  public static Gateway start(Map<String, String> env) throws Exception {
    return start(GatewayConfig.fromEnvironment(env), Clock.systemUTC(), env);
  }

  static Gateway start(GatewayConfig config, Clock clock) throws Exception {
    return start(config, clock, Map.of());
  }

  /** {@code env} is read for the browser sessions ({@code GATEWAY_SESSION_*}, {@code GATEWAY_PUBLIC_URL}). */
  static Gateway start(GatewayConfig config, Clock clock, Map<String, String> env) throws Exception {
    return start(config, clock, env, Optional.empty());
  }

  /** The gateway for the demo: as {@link #start(Map)}, and zt's decisions also reported to {@code audit}. */
  static Gateway start(Map<String, String> env, Clock clock, AuditListener audit) throws Exception {
    return start(GatewayConfig.fromEnvironment(env), clock, env, Optional.of(audit));
  }

  private static Gateway start(GatewayConfig config, Clock clock, Map<String, String> env,
      Optional<AuditListener> audit) throws Exception {
    // errors name ZT_SVID_CERT / ZT_SVID_KEY; the SVID must also verify against the bundle now
    SvidFiles svid = new SvidFiles(config.svidCert(), config.svidKey(), TrustBundleSet.of(config.bundle()), clock);
    PeerAuthorizer upstreamPeer = config.upstreamId().map(id -> PeerAuthorizer.only(id))
        .orElseGet(() -> PeerAuthorizer.memberOf(config.trustDomain()));

    Server server = new Server();
    HttpConfiguration http = new HttpConfiguration();
    http.setRequestHeaderSize(32 * 1024); // room for large tokens to reach zt, which answers with a reason
    http.setSendServerVersion(false);
    ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
    connector.setHost(config.host());
    connector.setPort(config.port());
    server.addConnector(connector);
    connector.open(); // bound now: the default internal issuer names the actual port (PORT=0 in tests)
    try {
      // names the GATEWAY_SESSION_* variable, or ZT_ISSUER's unfit metadata
      Optional<BrowserSessions> sessions = BrowserSessions.fromEnvironment(env, connector.getLocalPort(), clock);
      return serve(config, clock, svid, upstreamPeer, server, connector, sessions, audit);
    } catch (Exception | Error e) {
      connector.close(); // a start that fails leaves no port bound
      throw e;
    }
  }

  private static Gateway serve(GatewayConfig config, Clock clock, SvidFiles svid, PeerAuthorizer upstreamPeer,
      Server server, ServerConnector connector, Optional<BrowserSessions> sessions, Optional<AuditListener> audit)
      throws Exception {
    BearerJwt.Builder clients = BearerJwt.issuer(config.issuer()).audience(config.audience());
    if (config.allowPlainHttp() && GatewayConfig.isRemotePlainHttp(URI.create(config.issuer()))) {
      LOG.warn("ZT_ALLOW_PLAIN_HTTP=true: fetching keys over plain http from a non-loopback host ({})",
          config.issuer());
      clients.allowPlainHttpKeySource();
    }
    Enforcer.Builder enforcerBuilder = Enforcer.builder()
        .bearerJwt(clients.build())
        .realm("gateway")
        .clock(clock);
    audit.ifPresent(enforcerBuilder::auditListener);
    String issuer;
    Optional<String> issuerPath;
    InternalTokenMinter minter = null;
    SigningKeyFile signingKey = null;
    if (config.exchange() == GatewayConfig.Exchange.STS) {
      // the STS issues the internal tokens: the gateway publishes no issuer of its own (Keycloak issues no act)
      GatewayConfig.Sts sts = config.sts().orElseThrow();
      TokenExchangeClient.Builder exchange = TokenExchangeClient.client(sts.clientId())
          .clientSecretBasic(sts.clientSecret())
          .tokenEndpoint(sts.tokenEndpoint())
          .audience(config.upstreamAudience())
          .scopes(UPSTREAM_SCOPES);
      if (GatewayConfig.isRemotePlainHttp(sts.tokenEndpoint())) {
        exchange.allowPlainHttpEndpoint(); // checked: only with ZT_ALLOW_PLAIN_HTTP=true
      }
      enforcerBuilder.translate(exchange.build());
      issuer = sts.tokenEndpoint().toString();
      issuerPath = Optional.empty();
    } else {
      issuer = config.internalIssuer().map(URI::toString)
          .orElse("http://127.0.0.1:" + connector.getLocalPort() + "/internal");
      signingKey = new SigningKeyFile(config.signingKey());
      minter = InternalTokenMinter.builder()
          .issuer(issuer)
          .signingKey(signingKey.initial())
          .audience(config.upstreamAudience())
          .actor(svid.id().toString())
          .upstreamScopes(UPSTREAM_SCOPES)
          .clock(clock)
          .build();
      enforcerBuilder.translate(minter);
      issuerPath = Optional.of(URI.create(issuer).getRawPath() == null ? "" : URI.create(issuer).getRawPath());
    }
    Enforcer enforcer = enforcerBuilder.routes(routes(issuerPath)).build();

    ServletContextHandler context = new ServletContextHandler();
    context.setContextPath("/");
    installFilters(context, enforcer, sessions);
    if (minter != null) {
      InternalIssuerServlet published = new InternalIssuerServlet(minter);
      context.addServlet(new ServletHolder("internal-issuer", published), issuerPath.get() + DISCOVERY);
      context.addServlet(new ServletHolder("internal-jwks", published), issuerPath.get() + JWKS);
    }
    ServletHolder proxy = new ServletHolder("upstream",
        new UpstreamProxy(config.upstream(), SpiffeSslContexts.client(svid.source(), upstreamPeer, clock)));
    proxy.setInitParameter("timeout", Long.toString(UpstreamProxy.REQUEST_TIMEOUT.toMillis()));
    proxy.setInitParameter("idleTimeout", "30000");
    proxy.setAsyncSupported(true);
    context.addServlet(proxy, "/");
    server.setHandler(context);

    ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "gateway-credential-poll");
      t.setDaemon(true);
      return t;
    });
    Gateway gateway = new Gateway(server, connector, minter, svid, signingKey, poller, issuer,
        config.keyActivation(), enforcer);
    try {
      server.start();
    } catch (Exception e) {
      poller.shutdownNow();
      server.stop();
      throw e;
    }
    poller.scheduleWithFixedDelay(gateway::checkCredentials, POLL_INTERVAL.toMillis(), POLL_INTERVAL.toMillis(),
        TimeUnit.MILLISECONDS);
    LOG.info("gateway for {} (workload {}, peer {}), client tokens of {} for {}; internal tokens from {}, audience {},"
        + " exchange {}", config.upstream(), svid.id(),
        config.upstreamId().map(Object::toString).orElse("any workload of " + config.trustDomain().name()),
        config.issuer(), config.audience(), issuer, config.upstreamAudience(),
        config.exchange().name().toLowerCase(java.util.Locale.ROOT));
    LOG.info("{} {}", READY, connector.getLocalPort());
    return gateway;
  }

  /**
   * The gateway's servlet filters, in order: zt's filter decides every request. A filter that must see requests
   * before zt (e.g. a browser-session filter that turns a session cookie into a bearer token) is added here, before
   * it.
   */
  static void installFilters(ServletContextHandler context, Enforcer enforcer, Optional<BrowserSessions> sessions) {
    sessions.ifPresent(s -> context.addFilter(new FilterHolder(s.filter()), "/*", EnumSet.of(DispatcherType.REQUEST)));
    context.addFilter(new FilterHolder(new ZeroTrustFilter(enforcer)), "/*", EnumSet.of(DispatcherType.REQUEST));
  }

  /** Where, under the internal issuer's path, its discovery document is served. */
  static final String DISCOVERY = "/.well-known/openid-configuration";

  /** Where, under the internal issuer's path, its JWKS is served (the minter's default {@code jwks_uri}). */
  static final String JWKS = "/jwks";

  /**
   * The gateway's routes, deny by default: orders-service's public API with its scope and role requirements
   * ({@code GET /orders} and {@code GET /orders/{id}}: {@code orders:read}; {@code POST /orders}:
   * {@code orders:write}; {@code GET /admin/stats}: role {@code admin}; {@code GET /health} and
   * {@code GET /docs/**} public), {@code GET /whoami} for any authenticated client, and the internal issuer's
   * discovery and JWKS (public; {@code issuerPath} empty: none, as with an STS). orders-service's trust floor on {@code GET /orders} is not repeated: its signals
   * are the sample's stand-in headers, which a gateway has no business trusting from the internet.
   */
  static RoutePolicy routes(Optional<String> issuerPath) {
    RoutePolicy.Builder b = RoutePolicy.builder()
        .get("/orders", Requirement.allScopes("orders:read"))
        .get("/orders/{id}", Requirement.allScopes("orders:read"))
        .post("/orders", Requirement.allScopes("orders:write"))
        .get("/admin/stats", Requirement.allRoles("admin"))
        .get("/whoami", Requirement.authenticated())
        .get("/health", Requirement.permitAll())
        .get("/docs/{**}", Requirement.permitAll());
    issuerPath.ifPresent(p -> b.get(p + DISCOVERY, Requirement.permitAll()).get(p + JWKS, Requirement.permitAll()));
    return b.build();
  }

  /** The enforcer deciding at the gateway (for tests: its countermeasures show what the detectors concluded). */
  Enforcer enforcer() {
    return enforcer;
  }

  /** The port the gateway listens on. */
  public int port() {
    return connector.getLocalPort();
  }

  /**
   * The internal issuer it publishes ({@code GATEWAY_INTERNAL_ISSUER} or the default); with
   * {@code GATEWAY_EXCHANGE=sts}, the STS's token endpoint.
   */
  public String internalIssuer() {
    return issuer;
  }

  /** The gateway's SPIFFE ID (from its SVID): the {@code act} of its internal tokens. */
  public String spiffeId() {
    return svid.id().toString();
  }

  /**
   * Checks the SVID files and {@code GATEWAY_SIGNING_KEY} for a change now, as the scheduled poll does every
   * {@link #POLL_INTERVAL}; a usable change is applied, a bad one is logged and the current credential stays. A new
   * signing key is published in the JWKS at once and signs from {@code GATEWAY_KEY_ACTIVATION} later (on the
   * gateway's clock: this check or the first mint at or after that instant switches).
   *
   * @return what happened to the SVID
   */
  SvidFiles.Outcome checkCredentials() {
    try {
      Optional<ECKey> changed = signingKey == null ? Optional.empty() : signingKey.changed();
      changed.ifPresent(k -> {
        if (k.getKeyID().equals(minter.signingKeyId())) { // the file is back to the key that signs: called off
          if (minter.withdrawNext()) {
            LOG.info("GATEWAY_SIGNING_KEY holds the signing key kid {} again: the published next key is withdrawn",
                k.getKeyID());
          }
        } else if (keyActivation.isZero()) {
          minter.rotate(k);
          LOG.warn("gateway signing key rotated to kid {} at once (GATEWAY_KEY_ACTIVATION=0): services that have not"
              + " fetched it refuse its tokens until their next JWKS fetch", k.getKeyID());
        } else {
          minter.rotate(k, keyActivation);
          LOG.info("gateway signing key kid {} published in the JWKS; it signs in {} s, kid {} until then",
              k.getKeyID(), keyActivation.toSeconds(), minter.signingKeyId());
        }
      });
    } catch (RuntimeException e) {
      LOG.warn("GATEWAY_SIGNING_KEY changed but is not usable, keeping the current key: {}", e.getMessage());
    }
    if (minter != null && minter.activateIfDue()) {
      LOG.info("gateway signing key kid {} signs from now on; the former key stays in the JWKS for its tokens",
          minter.signingKeyId());
    }
    try {
      return svid.check();
    } catch (RuntimeException e) {
      LOG.warn("gateway SVID check failed, keeping the current SVID: {}", e.toString());
      return SvidFiles.Outcome.REJECTED;
    }
  }

  /** The minter (for tests: its JWKS and key rotation); null with {@code GATEWAY_EXCHANGE=sts}. */
  InternalTokenMinter minter() {
    return minter;
  }

  @Override
  public void close() {
    poller.shutdownNow();
    try {
      server.stop();
    } catch (Exception e) {
      LOG.warn("gateway stop: {}", e.toString());
    }
  }

  /** Serves the internal issuer's discovery document and JWKS (public keys only). */
  private static final class InternalIssuerServlet extends HttpServlet {
    private final transient InternalTokenMinter minter;

    InternalIssuerServlet(InternalTokenMinter minter) {
      this.minter = minter;
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse res) throws IOException {
      String body = req.getRequestURI().endsWith(JWKS) ? minter.jwks() : minter.discovery();
      res.setContentType(req.getRequestURI().endsWith(JWKS) ? "application/jwk-set+json" : "application/json");
      res.setHeader("Cache-Control", "max-age=60");
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      res.setContentLength(bytes.length);
      res.getOutputStream().write(bytes);
    }
  }

  /** {@code GATEWAY_SIGNING_KEY}, followed on disk when set; else one key generated at start. */
  static final class SigningKeyFile {
    private final Optional<Path> file;
    private final ECKey initial;
    private String appliedKid;

    SigningKeyFile(Optional<Path> file) {
      this.file = file;
      this.initial = file.map(SigningKeys::read).orElseGet(SigningKeys::generate);
      this.appliedKid = initial.getKeyID();
    }

    ECKey initial() {
      return initial;
    }

    /** The key the file holds now, when it is another one than the key in use. */
    synchronized Optional<ECKey> changed() {
      if (file.isEmpty()) {
        return Optional.empty();
      }
      ECKey now = SigningKeys.read(file.get());
      if (now.getKeyID().equals(appliedKid)) {
        return Optional.empty();
      }
      appliedKid = now.getKeyID();
      return Optional.of(now);
    }
  }
}
