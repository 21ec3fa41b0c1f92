package dev.zt.samples.orders;

import static dev.zt.samples.orders.model.Variables.flag;
import static dev.zt.samples.orders.model.Variables.isRemotePlainHttp;
import static dev.zt.samples.orders.model.Variables.printable;
import static dev.zt.samples.orders.model.Variables.refuseRemotePlainHttp;
import static dev.zt.samples.orders.model.Variables.required;
import static dev.zt.samples.orders.model.Variables.uri;
import static dev.zt.samples.orders.model.Variables.value;

import dev.zt.core.AuditListener;
import dev.zt.core.credential.BearerJwt;
import dev.zt.core.credential.Introspection;
import dev.zt.core.Enforcer;
import dev.zt.core.spi.SecurityState;
import dev.zt.netty.ZeroTrustHandler;
import dev.zt.redis.RedisState;
import dev.zt.samples.orders.model.OrderStore;
import dev.zt.samples.orders.model.TokenRules;
import dev.zt.samples.orders.model.Variables;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import dev.zt.spiffe.PeerAuthorizer;
import dev.zt.spiffe.SpiffePeerVerifier;
import dev.zt.spiffe.SpiffeSslContexts;
import dev.zt.spiffe.SpiffeId;
import dev.zt.spiffe.SvidSnapshot;
import dev.zt.spiffe.TrustBundle;
import dev.zt.spiffe.TrustBundleSet;
import dev.zt.spiffe.TrustDomain;
import dev.zt.spiffe.X509Source;
import dev.zt.spiffe.X509Svid;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import dev.zt.policy.InvalidPolicyException;
import dev.zt.policy.LivePolicy;
import dev.zt.policy.PolicyProblem;
import dev.zt.policy.PolicyReload;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * orders-service: a small orders API on embedded Jetty 12 (zt's servlet filter) or on Netty 4.2 (zt's Netty handler),
 * protected by zt with the same rules and answering the same way on both.
 *
 * <ul>
 *   <li>{@code java -jar orders-service.jar demo} starts an in-process issuer and the service, and walks through a
 *       scripted scenario, printing each request, zt's decision and its reason.</li>
 *   <li>{@code java -jar orders-service.jar} runs standalone, configured by environment: {@code ZT_ISSUER},
 *       {@code ZT_AUDIENCE}, optional {@code ZT_JWKS_URI} (else discovery), optional {@code ZT_MAX_TOKEN_LIFETIME}
 *       (ISO-8601 duration or seconds; default 1 h), {@code PORT} (default 8080), {@code ZT_HOST} (bind address,
 *       default {@code 0.0.0.0}), {@code ZT_SERVER} ({@code servlet}, the default: Jetty; or {@code netty}),
 *       {@code ZT_ACCESS_TOKEN_TYPE}, {@code ZT_ALGORITHMS}, {@code ZT_ROLES_CLAIM} and {@code ZT_ALLOW_PLAIN_HTTP}
 *       (see {@link #jwtFromEnvironment(Map)}), optional {@code ZT_ISSUERS} (more issuers, same audience and rules,
 *       see {@link #issuersFromEnvironment}), optional {@code ZT_INTROSPECTION_*} and {@code ZT_INTROSPECT_JWTS}
 *       (opaque tokens by RFC 7662 introspection, see {@link #introspectionFromEnvironment}), optional
 *       {@code ZT_PUBLIC_ORIGIN}, {@code ZT_REQUIRE_DPOP} and {@code ZT_DPOP_NONCE} (DPoP and RFC 9728 metadata, see
 *       {@link #senderFromEnvironment}), optional {@code ZT_CLIENT_CERT_HEADER} (the RFC 9440 {@code Client-Cert}
 *       header from loopback as the client certificate of certificate-bound tokens, see
 *       {@link #clientCertHeaderFromEnvironment}), optional {@code ZT_PDP_URL} and {@code ZT_PDP_TIMEOUT_MS} (an OPA
 *       server asked on {@code GET /orders/{id}} after zt's object rule allowed, see {@link #pdpFromEnvironment}). A
 *       plain-http issuer, JWKS URI or PDP URL that is not loopback is refused unless
 *       {@code ZT_ALLOW_PLAIN_HTTP=true}.</li>
 *   <li>With {@code ZT_POLICY_FILE} (a {@code zt-policy.yaml}, see docs/policy-file.md; the shipped
 *       {@code samples/orders-service/zt-policy.yaml} is the built-in configuration as a file), the bearer listener's
 *       whole configuration comes from the file instead: issuers, audience, routes, the object rule, trust, rate
 *       limits, detection, countermeasures, PDP bindings, forwarded-for trust. The file may reference the environment
 *       as {@code ${NAME}}; a variable it replaces ({@link #POLICY_FILE_COVERS}) that is set but not referenced is a
 *       start-up error. An invalid file stops the service (exit 2, each problem at {@code file:line} on stderr); at run
 *       time a changed file is applied within 2 s on both servers ({@link LivePolicy}), a bad one keeps the last good
 *       policy and is logged as a WARN naming the file and the reason. {@code PORT}, {@code ZT_HOST},
 *       {@code ZT_SERVER} and the mTLS listener stay environment variables. Check a file before deploying it with the
 *       {@code zt} CLI ({@code java -jar zt-cli/target/zt.jar check|test|explain|diff}, docs/cli.md). See
 *       {@link #startFromPolicyFile}.</li>
 *   <li>With {@code ZT_REDIS_URL} ({@code redis://host:port}, {@code rediss://} for TLS, credentials in the URL),
 *       optional {@code ZT_REDIS_NAMESPACE} (default {@code zt}) and {@code ZT_REDIS_TIMEOUT_MS} (default 100), the
 *       bearer listener keeps its suspensions, blocks, flags, detector counters and rate limits in Redis, shared with
 *       every instance of the namespace, in both modes above (see {@link RedisSettings}, {@link SharedState}).</li>
 *   <li>Orders have owners: {@code POST /orders} stores one owned by the caller's {@code sub} (201, {@code Location});
 *       {@code GET /orders} lists the caller's own (all of them for role {@code admin}); {@code GET /orders/{id}} is
 *       404 for an unknown id, else zt's object check decides (the owner or role {@code admin}; then the PDP, if
 *       configured). See {@link dev.zt.samples.orders.model.OrderStore} for the bounds.</li>
 *   <li>With {@code ZT_MTLS_PORT} set, a second listener (Jetty or Netty, as {@code ZT_SERVER} says) requires a
 *       client X.509-SVID: the service's own SVID from {@code ZT_SVID_CERT} (PEM: leaf, then intermediates) and
 *       {@code ZT_SVID_KEY} (PEM, PKCS#8), the peers' trust domain {@code ZT_TRUST_DOMAIN} and its CA certificates
 *       {@code ZT_X509_BUNDLE} (PEM). Its routes are {@link OrdersSecurity#workloadRoutes}, decided by SPIFFE
 *       principal.</li>
 *   <li>Internal mode, behind the gateway: with {@code ZT_INTERNAL_ISSUER} (the gateway's internal issuer, keys by
 *       its discovery), {@code ZT_INTERNAL_AUDIENCE} (default {@code orders-service}) and {@code ZT_GATEWAY_ID} (the
 *       gateway's SPIFFE ID) set, the mTLS listener also serves orders-service's API and {@code GET /whoami}
 *       (the internal token's claims as {@code {"claims": {…}}}); each needs both the peer SVID
 *       {@code ZT_GATEWAY_ID} (another workload: 403) and a valid internal token (none, or a client token of another
 *       issuer: 401 {@code invalid_token}). The listener then accepts tokens of {@code ZT_INTERNAL_ISSUER} only. See
 *       {@link OrdersSecurity#internalRoutes}. {@code ZT_INTERNAL_ISSUER} without {@code ZT_MTLS_PORT} or
 *       {@code ZT_GATEWAY_ID} is a start-up error.</li>
 * </ul>
 */
public final class OrdersService implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(OrdersService.class);

  /** Which server carries the service: zt's servlet filter in Jetty, or zt's handler in a Netty pipeline. */
  enum ServerKind {
    SERVLET,
    NETTY
  }

  /**
   * The standalone mTLS listener's configuration: its port, the service's own SVID with the peers' bundle (one
   * snapshot, swapped whole should it rotate), and the peers' trust domain.
   */
  record Mtls(int port, X509Source source, TrustDomain trustDomain) {
    /**
     * zt-spiffe's server context: our SVID from the snapshot, the peer's chain verified as an X.509-SVID (X509-SVID
     * §5) of the trust domain in the handshake; the peer gate verifies it again per request.
     */
    SSLContext serverContext() {
      return SpiffeSslContexts.server(source, PeerAuthorizer.memberOf(trustDomain));
    }
  }

  /** A started server: its port, how to wait for it, how to stop it. */
  private interface Running {
    int port();

    default int mtlsPort() {
      return -1;
    }

    /** The address the listener is bound to. */
    InetSocketAddress address();

    /** The address the mTLS listener is bound to, if there is one. */
    Optional<InetSocketAddress> mtlsAddress();

    void join() throws InterruptedException;

    void stop() throws Exception;
  }

  private final Running server;
  private final Optional<LivePolicy> policy; // ZT_POLICY_FILE's, followed while the service runs
  private final Optional<RedisState> redis; // ZT_REDIS_URL's, closed after the server stopped

  private OrdersService(Running server) {
    this(server, Optional.empty(), Optional.empty());
  }

  private OrdersService(Running server, Optional<LivePolicy> policy, Optional<RedisState> redis) {
    this.server = server;
    this.policy = policy;
    this.redis = redis;
  }

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("demo")) {
      // the tour prints each decision itself; keep the audit log (stderr) for warnings only
      System.setProperty("org.slf4j.simpleLogger.log.dev.zt.audit", "warn");
      System.exit(Demo.run(System.out) ? 0 : 1);
      return;
    }
    if (args.length > 0) {
      System.err.println("usage: java -jar orders-service.jar [demo]");
      System.exit(2);
      return;
    }
    OrdersService service;
    try {
      service = startFromEnvironment(System.getenv());
    } catch (IllegalArgumentException | IllegalStateException e) {
      System.err.println("orders-service: " + e.getMessage());
      System.exit(2);
      return;
    }
    service.server.join();
  }

  /** The standalone service as configured by {@code env}, listening on {@code ZT_HOST} (default all addresses). */
  static OrdersService startFromEnvironment(Map<String, String> env) throws Exception {
    return startFromEnvironment(env, hostFromEnvironment(env));
  }

  /**
   * {@code ZT_HOST}: the address both listeners (and either server) bind to; {@value #DEFAULT_HOST}, every address,
   * when unset. An IP literal ({@code 127.0.0.1}, {@code ::1} or {@code [::1]}) or a host name that resolves here;
   * anything else is a start-up error naming the variable.
   */
  static String hostFromEnvironment(Map<String, String> env) {
    String v = env.get("ZT_HOST");
    if (v == null || v.isBlank()) {
      return DEFAULT_HOST;
    }
    String host = v.strip();
    if (!host.matches("[A-Za-z0-9.:\\[\\]%_-]+")) {
      throw new IllegalArgumentException("ZT_HOST is not an address or host name: '" + printable(host) + "'");
    }
    try {
      return InetAddress.getByName(host).getHostAddress();
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("ZT_HOST does not resolve to an address here: '" + host + "'");
    }
  }

  /** Every address: the sample's bind address when {@code ZT_HOST} is not set. */
  static final String DEFAULT_HOST = "0.0.0.0";

  /** The standalone service as configured by {@code env}, listening on {@code host} (not read from the environment). */
  static OrdersService startFromEnvironment(Map<String, String> env, String host) throws Exception {
    Optional<Path> policyFile = policyFileFromEnvironment(env);
    if (policyFile.isPresent()) {
      return startFromPolicyFile(env, host, policyFile.get());
    }
    List<BearerJwt> jwts = jwtsFromEnvironment(env);
    int port = Variables.port(env);
    ServerKind kind = serverFromEnvironment(env);
    Optional<Mtls> mtls = mtlsFromEnvironment(env);
    Optional<Pdp> pdp = pdpFromEnvironment(env);
    OrdersSecurity.Sender sender = senderFromEnvironment(env).withClientCertHeader(
        clientCertHeaderFromEnvironment(env));
    Optional<Internal> internalMode = internalFromEnvironment(env, mtls.isPresent());
    Optional<RedisSettings> redisSettings = redisFromEnvironment(env);
    Optional<RedisState> redis = redisSettings.map(RedisSettings::connect); // the last step that may fail alone
    OrdersService service;
    try {
      Enforcer enforcer = OrdersSecurity.enforcer(jwts, null, sender,
          pdp.map(p -> OrdersSecurity.pdp(p, Clock.systemUTC())), redis.map(r -> (SecurityState) r));
      Enforcer workloadEnforcer = mtls.map(m -> internalMode.isPresent()
          ? internalMode.get().enforcer(m)
          : OrdersSecurity.workloadEnforcer(jwts, SpiffePeerVerifier.of(m.source(), Clock.systemUTC()),
              m.trustDomain().name(), null)).orElse(null);
      OrdersService started = kind == ServerKind.NETTY
          ? startNetty(host, port, () -> enforcer, mtls.orElse(null), workloadEnforcer, NETTY_IDLE_TIMEOUT, redis)
          : start(host, port, () -> enforcer, mtls.orElse(null), workloadEnforcer, redis);
      service = new OrdersService(started.server, Optional.empty(), redis);
    } catch (Exception | Error e) {
      redis.ifPresent(RedisState::close);
      throw e;
    }
    LOG.info("orders-service listening on port {} with {} (issuers {}, audience {})", service.port(),
        kind == ServerKind.NETTY ? "Netty" : "Jetty", jwts.stream().map(BearerJwt::issuer).toList(),
        jwts.get(0).audiences());
    jwts.get(0).introspection().ifPresent(i -> LOG.info("orders-service introspects {}'s opaque tokens{} as {} "
        + "({}), answers cached up to {}", jwts.get(0).issuer(), i.introspectJwts() ? " and JWTs" : "", i.clientId(),
        i.clientAuth().wireName(), i.cacheTtl()));
    pdp.ifPresent(p -> LOG.info("orders-service asks the OPA at {} (data path orders/allow, timeout {} ms) on "
        + "GET /orders/{id} after the object rule allowed; decisions cached 5 s", p.base(), p.timeout().toMillis()));
    if (mtls.isPresent()) {
      LOG.info("orders-service mTLS listener on port {} for workloads of {}", service.mtlsPort(),
          mtls.get().trustDomain());
    }
    internalMode.ifPresent(Internal::log);
    redisSettings.ifPresent(OrdersService::logRedis);
    return service;
  }

  /**
   * {@code ZT_REDIS_URL}, {@code ZT_REDIS_NAMESPACE}, {@code ZT_REDIS_TIMEOUT_MS}: where the bearer listener keeps its
   * security state when instances share it (see {@link RedisSettings}); empty (in memory) without the URL.
   */
  static Optional<RedisSettings> redisFromEnvironment(Map<String, String> env) {
    return RedisSettings.fromEnvironment(env);
  }

  private static void logRedis(RedisSettings redis) {
    LOG.info("orders-service keeps suspensions, blocks, flags, detector counters and rate limits in Redis at {}, "
        + "shared with every instance of namespace {} (each call within {} ms)", redis.shown(), redis.namespace(),
        redis.timeout().toMillis());
  }

  /** The Redis state the bearer listener keeps its security state in ({@code ZT_REDIS_URL}), if any. */
  Optional<RedisState> redis() {
    return redis;
  }

  /**
   * {@code ZT_POLICY_FILE}: the path of a {@code zt-policy.yaml} holding the whole bearer-side configuration (issuers,
   * audience, routes, object rules, trust, rate limits, detection, countermeasures, PDP bindings, forwarded-for); empty
   * when unset or blank.
   */
  static Optional<Path> policyFileFromEnvironment(Map<String, String> env) {
    String v = value(env, "ZT_POLICY_FILE");
    if (v == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(Path.of(v));
    } catch (java.nio.file.InvalidPathException e) {
      throw new IllegalArgumentException("ZT_POLICY_FILE is not a path: '" + printable(v) + "'");
    }
  }

  /**
   * The variables a policy file replaces, each with the place in the file that says the same. With
   * {@code ZT_POLICY_FILE} set, one of them that is set but not referenced by the file as {@code ${NAME}} is a
   * start-up error: it would be silently ignored, and a setting that silently does nothing is a weakening nobody
   * chose. ({@code ZT_ISSUER} and {@code ZT_AUDIENCE} are also read by the mTLS listener when {@code ZT_MTLS_PORT} is
   * set.)
   */
  static final Map<String, String> POLICY_FILE_COVERS = policyFileCovers();

  private static Map<String, String> policyFileCovers() {
    Map<String, String> m = new java.util.LinkedHashMap<>();
    m.put("ZT_ISSUER", "issuers: - issuer:");
    m.put("ZT_AUDIENCE", "issuers: audience:");
    m.put("ZT_ISSUERS", "issuers: (one entry per issuer)");
    m.put("ZT_JWKS_URI", "issuers: jwks_uri:");
    m.put("ZT_MAX_TOKEN_LIFETIME", "issuers: max_token_lifetime:");
    m.put("ZT_ACCESS_TOKEN_TYPE", "issuers: require_access_token_type:");
    m.put("ZT_ALGORITHMS", "issuers: algorithms:");
    m.put("ZT_ROLES_CLAIM", "issuers: roles_claim:");
    for (String name : List.of("ZT_INTROSPECTION_CLIENT_ID", "ZT_INTROSPECTION_CLIENT_SECRET",
        "ZT_INTROSPECTION_CLIENT_KEY", "ZT_INTROSPECTION_CLIENT_AUTH", "ZT_INTROSPECTION_URI", "ZT_INTROSPECT_JWTS",
        "ZT_INTROSPECTION_CACHE_TTL")) {
      m.put(name, "issuers: introspection:");
    }
    m.put("ZT_ALLOW_PLAIN_HTTP", "allow_plain_http_key_source: / allow_plain_http: (per issuer or PDP)");
    m.put("ZT_PUBLIC_ORIGIN", "public_origin:");
    m.put("ZT_REQUIRE_DPOP", "routes: require: sender_constrained:");
    m.put("ZT_DPOP_NONCE", "dpop: require_nonce:");
    m.put("ZT_CLIENT_CERT_HEADER", "trust_client_cert_header:");
    m.put("ZT_PDP_URL", "pdp: - opa: url:");
    m.put("ZT_PDP_TIMEOUT_MS", "pdp: timeout:");
    return java.util.Collections.unmodifiableMap(m);
  }

  /** How often the service's {@link LivePolicy} looks at the file besides file-system events: well within 2 s. */
  static final Duration POLICY_POLL_INTERVAL = Duration.ofMillis(500);

  /**
   * The standalone service with its bearer listener's configuration from the policy file {@code file}
   * ({@code ZT_POLICY_FILE}), followed while it runs: {@link LivePolicy} validates a changed file, runs its embedded
   * tests and swaps it in, or keeps the last good policy and logs a WARN (plus the {@code zt.policy.reload} audit
   * event). {@code PORT}, {@code ZT_HOST}, {@code ZT_SERVER} and the mTLS listener ({@code ZT_MTLS_*}) still come from
   * {@code env}; the variables in {@link #POLICY_FILE_COVERS} only through the file's {@code ${NAME}} references.
   *
   * @throws IllegalArgumentException the file is unreadable or invalid (every problem, each as {@code file:line}),
   *     or a covered variable is set that the file does not reference
   */
  static OrdersService startFromPolicyFile(Map<String, String> env, String host, Path file) throws Exception {
    int port = Variables.port(env);
    ServerKind kind = serverFromEnvironment(env);
    Optional<Mtls> mtls = mtlsFromEnvironment(env);
    Optional<RedisSettings> redisSettings = redisFromEnvironment(env);
    Optional<RedisState> redis = redisSettings.map(RedisSettings::connect);
    LivePolicy live;
    try {
      live = livePolicy(env, file, redis.map(SharedState::new));
    } catch (Exception | Error e) {
      redis.ifPresent(RedisState::close);
      throw e;
    }
    try {
      refuseVariablesTheFileDoesNotUse(env, file, mtls.isPresent());
      Enforcer workloadEnforcer = null;
      Optional<Internal> internalMode = internalFromEnvironment(env, mtls.isPresent());
      if (internalMode.isPresent()) {
        workloadEnforcer = internalMode.get().enforcer(mtls.get());
      } else if (mtls.isPresent()) {
        // its routes take no token alone, but the builder needs a token configuration: ZT_ISSUER's, as before
        String issuer = required(env, "ZT_ISSUER");
        refuseRemotePlainHttp("ZT_ISSUER", uri(issuer, "ZT_ISSUER"), false);
        BearerJwt jwt = BearerJwt.issuer(issuer).audience(required(env, "ZT_AUDIENCE")).build();
        workloadEnforcer = OrdersSecurity.workloadEnforcer(jwt, SpiffePeerVerifier.of(mtls.get().source(),
            Clock.systemUTC()), mtls.get().trustDomain().name(), null);
      }
      OrdersService started = kind == ServerKind.NETTY
          ? startNetty(host, port, live, mtls.orElse(null), workloadEnforcer, NETTY_IDLE_TIMEOUT, redis)
          : start(host, port, live, mtls.orElse(null), workloadEnforcer, redis);
      OrdersService service = new OrdersService(started.server, Optional.of(live), redis);
      LOG.info("orders-service listening on port {} with {}, configured by the policy file {} (revision {}, "
          + "followed: a changed file is applied within 2 s, a bad one refused)", service.port(),
          kind == ServerKind.NETTY ? "Netty" : "Jetty", file, live.revision());
      if (mtls.isPresent()) {
        LOG.info("orders-service mTLS listener on port {} for workloads of {}", service.mtlsPort(),
            mtls.get().trustDomain());
      }
      internalMode.ifPresent(Internal::log);
      redisSettings.ifPresent(OrdersService::logRedis);
      return service;
    } catch (Exception | Error e) {
      live.close();
      redis.ifPresent(RedisState::close);
      throw e;
    }
  }

  /**
   * The sample's live policy for {@code file}: {@code env} for its {@code ${NAME}} references, the sample's
   * extensions ({@link OrdersSecurity#policyExtensions()}), checked every {@link #POLICY_POLL_INTERVAL} besides
   * file-system events, every reload logged by the sample ({@link #reloadLine}).
   *
   * @throws IllegalArgumentException the file is unreadable or invalid ({@link #refusal})
   */
  static LivePolicy livePolicy(Map<String, String> env, Path file) {
    return livePolicy(env, file, Optional.empty());
  }

  /**
   * {@link #livePolicy(Map, Path)} with every enforcer it builds keeping its state in {@code shared}
   * ({@code ZT_REDIS_URL}): the same stores across reloads.
   */
  static LivePolicy livePolicy(Map<String, String> env, Path file, Optional<SharedState> shared) {
    try {
      LivePolicy.Builder b = LivePolicy.builder(file).env(env).extensions(OrdersSecurity.policyExtensions())
          .pollInterval(POLICY_POLL_INTERVAL).onReload(OrdersService::logReload);
      shared.ifPresent(state -> b.customize(enforcer -> enforcer.state(state)));
      return b.start();
    } catch (InvalidPolicyException e) {
      throw new IllegalArgumentException(refusal(file, e));
    }
  }

  /** A start-up refusal of the policy file: each problem on its own line, as {@code file:line: pointer: message}. */
  static String refusal(Path file, InvalidPolicyException e) {
    StringBuilder b = new StringBuilder("ZT_POLICY_FILE: ").append(file).append(" is refused (")
        .append(e.problems().size()).append(e.problems().size() == 1 ? " problem" : " problems").append("):");
    for (PolicyProblem p : e.problems()) {
      b.append(System.lineSeparator()).append("  ").append(p);
    }
    return b.toString();
  }

  /** The sample's own log line for a reload: INFO when applied, a WARN naming the file and the reason when not. */
  private static void logReload(PolicyReload reload) {
    switch (reload.outcome()) {
      case REJECTED -> LOG.warn(reloadLine(reload));
      case APPLIED -> LOG.info(reloadLine(reload));
      case LOADED -> { } // the start-up line says it
    }
  }

  /** {@link #logReload}'s text (one line: the reason's line breaks are escaped). */
  static String reloadLine(PolicyReload reload) {
    if (reload.outcome() == PolicyReload.Outcome.REJECTED) {
      return "policy file " + reload.file() + " rejected, the last good policy (" + reload.oldRevision()
          + ") stays in force: " + reload.reason().orElse("?").replace("\r", "\\r").replace("\n", "\\n");
    }
    return "policy file " + reload.file() + " applied: " + reload.oldRevision() + " -> " + reload.newRevision();
  }

  /**
   * Refuses every variable of {@link #POLICY_FILE_COVERS} that is set while the file does not reference it (the mTLS
   * listener's {@code ZT_ISSUER} and {@code ZT_AUDIENCE} excepted): all of them in one message.
   */
  private static void refuseVariablesTheFileDoesNotUse(Map<String, String> env, Path file, boolean mtls) {
    Set<String> referenced;
    try {
      referenced = referencedVariables(Files.readString(file, java.nio.charset.StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new IllegalArgumentException("ZT_POLICY_FILE: " + file + " became unreadable ("
          + e.getClass().getSimpleName() + ")");
    }
    List<String> unused = new ArrayList<>();
    POLICY_FILE_COVERS.forEach((name, where) -> {
      boolean mtlsUses = mtls && (name.equals("ZT_ISSUER") || name.equals("ZT_AUDIENCE"));
      if (value(env, name) != null && !referenced.contains(name) && !mtlsUses) {
        unused.add(name + " (the file's " + where + ")");
      }
    });
    if (!unused.isEmpty()) {
      throw new IllegalArgumentException("ZT_POLICY_FILE is set, and the file configures what these variables would:"
          + " " + String.join(", ", unused) + ". The file does not reference them as ${NAME}, so they would be "
          + "ignored: write the setting into " + file + " (a value may be ${NAME}) or unset them");
    }
  }

  private static final java.util.regex.Pattern REFERENCE =
      java.util.regex.Pattern.compile("(?<!\\$)\\$\\{([A-Za-z_][A-Za-z0-9_]{0,127})(?::-[^}]*)?}");

  /**
   * The names a policy file references as {@code ${NAME}} or {@code ${NAME:-default}} outside comments ({@code $${}
   * is a literal, not a reference). Read from the text: a {@code #} at the start of a line or after a blank starts a
   * comment (inside a quoted value too, which can only make a used variable look unused: refused, never ignored).
   */
  static Set<String> referencedVariables(String text) {
    Set<String> names = new HashSet<>();
    for (String line : text.split("\\R", -1)) {
      String code = line.replaceFirst("(^|\\s)#.*$", "");
      java.util.regex.Matcher m = REFERENCE.matcher(code);
      while (m.find()) {
        names.add(m.group(1));
      }
    }
    return names;
  }

  /**
   * {@code ZT_MTLS_PORT}, {@code ZT_SVID_CERT}, {@code ZT_SVID_KEY}, {@code ZT_TRUST_DOMAIN}, {@code ZT_X509_BUNDLE}:
   * empty when {@code ZT_MTLS_PORT} is not set; all of them are required when it is.
   */
  static Optional<Mtls> mtlsFromEnvironment(Map<String, String> env) {
    String portText = env.get("ZT_MTLS_PORT");
    if (portText == null || portText.isBlank()) {
      return Optional.empty();
    }
    int port = Integer.parseInt(portText.strip());
    TrustDomain td = TrustDomain.parse(required(env, "ZT_TRUST_DOMAIN"));
    X509Svid own = X509Svid.fromPem(readFile(env, "ZT_SVID_CERT"), readFile(env, "ZT_SVID_KEY"));
    TrustBundle bundle = TrustBundle.fromPem(td, readFile(env, "ZT_X509_BUNDLE"));
    return Optional.of(new Mtls(port, X509Source.of(new SvidSnapshot(own, TrustBundleSet.of(bundle))), td));
  }

  /**
   * Internal mode of the mTLS listener: the internal issuer's token configuration and the gateway's SPIFFE ID.
   *
   * @param jwt {@code ZT_INTERNAL_ISSUER}'s tokens for {@code ZT_INTERNAL_AUDIENCE}, typed {@code at+jwt}
   * @param gatewayId {@code ZT_GATEWAY_ID}, the only peer the internal routes admit
   */
  record Internal(BearerJwt jwt, String gatewayId) {
    /** Says at start-up that the mTLS listener runs in internal mode, and for whom. */
    void log() {
      LOG.info("orders-service mTLS listener in internal mode: the orders API and /whoami for {} with tokens of {}"
          + " (audience {}); client tokens refused", gatewayId, jwt.issuer(), jwt.audiences());
    }

    /** The listener's enforcer in internal mode ({@link OrdersSecurity#internalEnforcer}). */
    Enforcer enforcer(Mtls mtls) {
      return OrdersSecurity.internalEnforcer(jwt, SpiffePeerVerifier.of(mtls.source(), Clock.systemUTC()),
          mtls.trustDomain().name(), gatewayId, null);
    }
  }

  /** The internal audience when {@code ZT_INTERNAL_AUDIENCE} is not set: the gateway's default upstream audience. */
  static final String DEFAULT_INTERNAL_AUDIENCE = "orders-service";

  /**
   * {@code ZT_INTERNAL_ISSUER}, {@code ZT_INTERNAL_AUDIENCE}, {@code ZT_GATEWAY_ID}: empty when
   * {@code ZT_INTERNAL_ISSUER} is not set. With it, the mTLS listener ({@code mtls}) and {@code ZT_GATEWAY_ID} (a
   * SPIFFE ID, exact: no wildcard) are required; the issuer follows {@code ZT_ISSUER}'s rule on plain http (loopback
   * only, unless {@code ZT_ALLOW_PLAIN_HTTP=true}). {@code ZT_INTERNAL_AUDIENCE} or {@code ZT_GATEWAY_ID} set without
   * {@code ZT_INTERNAL_ISSUER} is an error too: a setting that does nothing. Every error names its variable.
   */
  static Optional<Internal> internalFromEnvironment(Map<String, String> env, boolean mtls) {
    String issuer = value(env, "ZT_INTERNAL_ISSUER");
    if (issuer == null) {
      for (String name : List.of("ZT_INTERNAL_AUDIENCE", "ZT_GATEWAY_ID")) {
        if (value(env, name) != null) {
          throw new IllegalArgumentException(name + " is set but ZT_INTERNAL_ISSUER is not: internal mode needs"
              + " the gateway's internal issuer");
        }
      }
      return Optional.empty();
    }
    if (!mtls) {
      throw new IllegalArgumentException("ZT_INTERNAL_ISSUER needs ZT_MTLS_PORT: internal mode runs on the mTLS"
          + " listener");
    }
    String gateway = value(env, "ZT_GATEWAY_ID");
    if (gateway == null) {
      throw new IllegalArgumentException("ZT_INTERNAL_ISSUER needs ZT_GATEWAY_ID: the gateway's SPIFFE ID");
    }
    String gatewayId;
    try {
      gatewayId = SpiffeId.parse(gateway.strip()).toString();
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("ZT_GATEWAY_ID is not a SPIFFE ID: '" + printable(gateway.strip()) + "'");
    }
    if (!gatewayId.equals(gateway.strip())) {
      throw new IllegalArgumentException("ZT_GATEWAY_ID is not a canonical SPIFFE ID: '" + printable(gateway.strip())
          + "' (write it as " + gatewayId + ")");
    }
    String iss = issuer.strip();
    URI issuerUri = uri(iss, "ZT_INTERNAL_ISSUER");
    boolean allowPlainHttp = allowPlainHttp(env);
    refuseRemotePlainHttp("ZT_INTERNAL_ISSUER", issuerUri, allowPlainHttp);
    String audience = value(env, "ZT_INTERNAL_AUDIENCE");
    BearerJwt.Builder b = BearerJwt.issuer(iss)
        .audience(audience == null ? DEFAULT_INTERNAL_AUDIENCE : audience.strip())
        .requireAccessTokenType();
    if (allowPlainHttp && isRemotePlainHttp(issuerUri)) {
      LOG.warn("ZT_ALLOW_PLAIN_HTTP=true: fetching keys over plain http from a non-loopback host ({})", iss);
      b.allowPlainHttpKeySource();
    }
    return Optional.of(new Internal(b.build(), gatewayId));
  }

  private static String readFile(Map<String, String> env, String name) {
    Path path = Path.of(required(env, name));
    try {
      return Files.readString(path);
    } catch (IOException e) {
      throw new IllegalArgumentException(name + ": cannot read " + path + " (" + e.getClass().getSimpleName() + ")");
    }
  }

  /** {@code ZT_SERVER}: {@code servlet} (default) or {@code netty}, case-insensitive. */
  static ServerKind serverFromEnvironment(Map<String, String> env) {
    String v = env.getOrDefault("ZT_SERVER", "").strip().toLowerCase(Locale.ROOT);
    return switch (v) {
      case "", "servlet" -> ServerKind.SERVLET;
      case "netty" -> ServerKind.NETTY;
      default -> throw new IllegalArgumentException("ZT_SERVER must be servlet or netty, not '" + v + "'");
    };
  }

  /**
   * The standalone token configuration, read from environment variables: {@code ZT_ISSUER}, {@code ZT_AUDIENCE},
   * {@code ZT_JWKS_URI}, {@code ZT_MAX_TOKEN_LIFETIME}, {@code ZT_ACCESS_TOKEN_TYPE}, {@code ZT_ALGORITHMS},
   * {@code ZT_ROLES_CLAIM}, {@code ZT_ALLOW_PLAIN_HTTP}. Every value that is present and not understood is an
   * error naming its variable: a misspelt setting never silently weakens, or drops, a check.
   */
  static BearerJwt jwtFromEnvironment(Map<String, String> env) {
    String issuer = required(env, "ZT_ISSUER");
    String jwks = env.get("ZT_JWKS_URI");
    URI jwksUri = jwks == null || jwks.isBlank() ? null : uri(jwks.strip(), "ZT_JWKS_URI");
    return jwtFromEnvironment(env, issuer, "ZT_ISSUER", jwksUri);
  }

  /**
   * Introspection of {@code ZT_ISSUER}'s tokens (RFC 7662), from {@code ZT_INTROSPECTION_CLIENT_ID} (which turns it
   * on), {@code ZT_INTROSPECTION_CLIENT_AUTH} ({@code client_secret_basic}, the default, {@code client_secret_post} or
   * {@code private_key_jwt}), {@code ZT_INTROSPECTION_CLIENT_SECRET} (the secret methods) or
   * {@code ZT_INTROSPECTION_CLIENT_KEY} ({@code private_key_jwt}: a PKCS#8 PEM, the text itself or a file holding it;
   * RSA ≥ 2048 bits or EC P-256), {@code ZT_INTROSPECTION_URI} (else the issuer's discovery),
   * {@code ZT_INTROSPECT_JWTS} ({@code true}/{@code false}) and {@code ZT_INTROSPECTION_CACHE_TTL} (ISO-8601
   * {@code PT30S}, or seconds {@code 30} / {@code 30s}; 1 s to 1 h, default 30 s). Empty when none is set; a setting
   * without the client id, a missing or contradicting credential, or a value not understood is an error naming the
   * variable.
   */
  static Optional<Introspection> introspectionFromEnvironment(Map<String, String> env) {
    String id = value(env, "ZT_INTROSPECTION_CLIENT_ID");
    String secret = value(env, "ZT_INTROSPECTION_CLIENT_SECRET");
    String key = value(env, "ZT_INTROSPECTION_CLIENT_KEY");
    String auth = value(env, "ZT_INTROSPECTION_CLIENT_AUTH");
    String uri = value(env, "ZT_INTROSPECTION_URI");
    String jwts = value(env, "ZT_INTROSPECT_JWTS");
    String ttl = value(env, "ZT_INTROSPECTION_CACHE_TTL");
    if (id == null) {
      for (String[] other : new String[][] {{"ZT_INTROSPECTION_CLIENT_SECRET", secret},
          {"ZT_INTROSPECTION_CLIENT_KEY", key}, {"ZT_INTROSPECTION_CLIENT_AUTH", auth}, {"ZT_INTROSPECTION_URI", uri},
          {"ZT_INTROSPECT_JWTS", jwts}, {"ZT_INTROSPECTION_CACHE_TTL", ttl}}) {
        if (other[1] != null) {
          throw new IllegalArgumentException(other[0] + " is set but ZT_INTROSPECTION_CLIENT_ID is not: "
              + "introspection needs the client id (see the README)");
        }
      }
      return Optional.empty();
    }
    Introspection.ClientAuth method = auth == null ? Introspection.ClientAuth.CLIENT_SECRET_BASIC
        : Introspection.ClientAuth.ofWireName(auth.toLowerCase(Locale.ROOT))
            .filter(m -> m != Introspection.ClientAuth.TLS_CLIENT_AUTH)
            .orElseThrow(() -> new IllegalArgumentException("ZT_INTROSPECTION_CLIENT_AUTH must be "
                + "client_secret_basic, client_secret_post or private_key_jwt, not '" + printable(auth) + "'"));
    Introspection.Builder b = Introspection.client(id);
    if (method == Introspection.ClientAuth.PRIVATE_KEY_JWT) {
      if (key == null) {
        throw new IllegalArgumentException("ZT_INTROSPECTION_CLIENT_AUTH=private_key_jwt needs "
            + "ZT_INTROSPECTION_CLIENT_KEY (a PKCS#8 PEM private key)");
      }
      if (secret != null) {
        throw new IllegalArgumentException("ZT_INTROSPECTION_CLIENT_SECRET is set but ZT_INTROSPECTION_CLIENT_AUTH "
            + "is private_key_jwt: set one credential");
      }
      b.privateKeyJwt(privateKey(key));
    } else {
      if (secret == null) {
        throw new IllegalArgumentException("ZT_INTROSPECTION_CLIENT_AUTH=" + method.wireName()
            + " needs ZT_INTROSPECTION_CLIENT_SECRET");
      }
      if (key != null) {
        throw new IllegalArgumentException("ZT_INTROSPECTION_CLIENT_KEY is set but ZT_INTROSPECTION_CLIENT_AUTH is "
            + method.wireName() + ": set ZT_INTROSPECTION_CLIENT_AUTH=private_key_jwt, or drop the key");
      }
      if (method == Introspection.ClientAuth.CLIENT_SECRET_POST) {
        b.clientSecretPost(secret);
      } else {
        b.clientSecretBasic(secret);
      }
    }
    boolean allowPlainHttp = allowPlainHttp(env);
    if (uri != null) {
      URI u = uri(uri, "ZT_INTROSPECTION_URI");
      String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
      if (!(scheme.equals("https") || scheme.equals("http")) || u.getHost() == null || u.getRawUserInfo() != null
          || u.getRawFragment() != null) {
        throw new IllegalArgumentException("ZT_INTROSPECTION_URI: '" + printable(uri) + "' is not an absolute "
            + "https URL with a host (no user info or fragment)");
      }
      if (isRemotePlainHttp(u) && !allowPlainHttp) {
        throw new IllegalArgumentException("ZT_INTROSPECTION_URI uses plain http to a host that is not loopback ("
            + printable(uri) + "): the client secret and every token would cross the network in clear. Use https, "
            + "or set ZT_ALLOW_PLAIN_HTTP=true inside a network you control");
      }
      b.endpoint(u);
    }
    if (allowPlainHttp) {
      b.allowPlainHttpEndpoint();
    }
    if (jwts != null) {
      if (jwts.equalsIgnoreCase("true")) {
        b.introspectJwts();
      } else if (!jwts.equalsIgnoreCase("false")) {
        throw new IllegalArgumentException("ZT_INTROSPECT_JWTS must be true or false, not '" + printable(jwts) + "'");
      }
    }
    if (ttl != null) {
      b.cacheTtl(cacheTtl(ttl));
    }
    return Optional.of(b.build());
  }

  /** {@code ZT_INTROSPECTION_CACHE_TTL}: {@code PT30S}, {@code 30} or {@code 30s}; within [1 s, 1 h]. */
  static Duration cacheTtl(String value) {
    Duration d;
    try {
      if (value.toUpperCase(Locale.ROOT).startsWith("PT")) {
        d = Duration.parse(value.toUpperCase(Locale.ROOT));
      } else if (value.matches("[0-9]{1,7}[sS]?")) {
        d = Duration.ofSeconds(Long.parseLong(value.replaceAll("[sS]$", "")));
      } else {
        d = null;
      }
    } catch (java.time.format.DateTimeParseException e) {
      d = null;
    }
    if (d == null || d.compareTo(Duration.ofSeconds(1)) < 0 || d.compareTo(Duration.ofHours(1)) > 0) {
      throw new IllegalArgumentException("ZT_INTROSPECTION_CACHE_TTL must be a duration from 1 s to 1 h, as "
          + "PT30S, 30 or 30s (seconds), not '" + printable(value) + "'");
    }
    return d;
  }

  /** A PKCS#8 PEM private key (RSA or EC): the PEM text itself, or the path of a file holding it. */
  private static java.security.PrivateKey privateKey(String value) {
    String pem = value;
    if (!value.contains("-----BEGIN")) {
      try {
        pem = Files.readString(Path.of(value));
      } catch (IOException | java.nio.file.InvalidPathException e) {
        throw new IllegalArgumentException("ZT_INTROSPECTION_CLIENT_KEY is neither a PEM private key nor a readable "
            + "file (" + e.getClass().getSimpleName() + ")");
      }
    }
    int begin = pem.indexOf("-----BEGIN PRIVATE KEY-----");
    int end = pem.indexOf("-----END PRIVATE KEY-----");
    if (begin < 0 || end < begin) {
      throw new IllegalArgumentException("ZT_INTROSPECTION_CLIENT_KEY must be a PKCS#8 PEM key (-----BEGIN PRIVATE "
          + "KEY-----); convert others with: openssl pkcs8 -topk8 -nocrypt");
    }
    byte[] der;
    try {
      der = java.util.Base64.getMimeDecoder().decode(pem.substring(begin + 27, end));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("ZT_INTROSPECTION_CLIENT_KEY: the PEM body is not Base64");
    }
    for (String algorithm : new String[] {"RSA", "EC"}) {
      try {
        java.security.PrivateKey k = java.security.KeyFactory.getInstance(algorithm)
            .generatePrivate(new java.security.spec.PKCS8EncodedKeySpec(der));
        return k;
      } catch (java.security.GeneralSecurityException e) {
        // try the next algorithm
      }
    }
    throw new IllegalArgumentException("ZT_INTROSPECTION_CLIENT_KEY is not an RSA or EC PKCS#8 private key");
  }

  /**
   * Every accepted issuer's configuration: {@code ZT_ISSUER}'s ({@link #jwtFromEnvironment(Map)}) first, then one
   * per {@code ZT_ISSUERS} entry ({@link #issuersFromEnvironment}) with the same audience and token rules, its keys
   * found by its own discovery ({@code ZT_JWKS_URI} is {@code ZT_ISSUER}'s alone: keys are never pooled).
   */
  static List<BearerJwt> jwtsFromEnvironment(Map<String, String> env) {
    List<BearerJwt> jwts = new ArrayList<>();
    jwts.add(jwtFromEnvironment(env));
    for (String issuer : issuersFromEnvironment(env)) {
      jwts.add(jwtFromEnvironment(env, issuer, "ZT_ISSUERS", null));
    }
    return List.copyOf(jwts);
  }

  /**
   * {@code ZT_ISSUERS}: the issuers accepted besides {@code ZT_ISSUER}, comma-separated, in order; none when unset
   * or blank. Each entry is an absolute {@code https} URL with a host, a port (if any) from 1 to 65535, and no user
   * info, query or fragment (an issuer identifier, RFC 8414 §2; plain {@code http} only as {@code ZT_ISSUER} may use
   * it, see {@link Variables#isRemotePlainHttp}); no empty entry, no entry twice, not {@code ZT_ISSUER} again (scheme and host
   * compared without regard to case). Anything else is an error naming the variable.
   */
  static List<String> issuersFromEnvironment(Map<String, String> env) {
    String value = env.get("ZT_ISSUERS");
    if (value == null || value.isBlank()) {
      return List.of();
    }
    String primary = required(env, "ZT_ISSUER");
    boolean allowPlainHttp = allowPlainHttp(env);
    Set<String> seen = new HashSet<>();
    seen.add(sameIssuerKey(uri(primary, "ZT_ISSUER")));
    List<String> issuers = new ArrayList<>();
    for (String entry : value.split(",", -1)) {
      String issuer = entry.strip();
      if (issuer.isEmpty()) {
        throw new IllegalArgumentException("ZT_ISSUERS has an empty entry: '" + printable(value.strip())
            + "' (comma-separated issuer URLs, none blank)");
      }
      URI u = uri(issuer, "ZT_ISSUERS");
      String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
      if (!(scheme.equals("https") || scheme.equals("http")) || u.isOpaque() || u.getHost() == null
          || u.getRawUserInfo() != null || u.getRawQuery() != null || u.getRawFragment() != null
          || u.getPort() == 0 || u.getPort() > 65535) {
        throw new IllegalArgumentException("ZT_ISSUERS: '" + printable(issuer) + "' is not an issuer URL (absolute"
            + " https, a host, a port up to 65535 if any, no user info, query or fragment)");
      }
      refuseRemotePlainHttp("ZT_ISSUERS", u, allowPlainHttp);
      String key = sameIssuerKey(u);
      if (issuer.equals(primary) || key.equals(sameIssuerKey(uri(primary, "ZT_ISSUER")))) {
        throw new IllegalArgumentException("ZT_ISSUERS names ZT_ISSUER (" + printable(issuer) + ") again: list"
            + " only the issuers accepted besides it");
      }
      if (!seen.add(key)) {
        throw new IllegalArgumentException("ZT_ISSUERS names " + printable(issuer) + " twice");
      }
      issuers.add(issuer);
    }
    return List.copyOf(issuers);
  }

  /** An issuer URL with scheme and host in lower case (they are case-insensitive, RFC 3986 §6.2.2.1). */
  private static String sameIssuerKey(URI u) {
    String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
    String host = u.getHost() == null ? "" : u.getHost().toLowerCase(Locale.ROOT);
    return scheme + "://" + host + ":" + u.getPort() + u.getRawPath();
  }

  /** One issuer's configuration: the audience and token rules of the environment, keys for {@code issuer}. */
  private static BearerJwt jwtFromEnvironment(Map<String, String> env, String issuer, String variable,
      URI jwksUri) {
    String audience = required(env, "ZT_AUDIENCE");
    BearerJwt.Builder b = BearerJwt.issuer(issuer).audience(audience);
    URI issuerUri = uri(issuer, variable);
    if (jwksUri != null) {
      b.jwksUri(jwksUri);
    }
    if (variable.equals("ZT_ISSUER")) {
      introspectionFromEnvironment(env).ifPresent(b::introspection);
    }
    boolean allowPlainHttp = allowPlainHttp(env);
    refuseRemotePlainHttp(variable, issuerUri, allowPlainHttp);
    if (jwksUri != null) {
      refuseRemotePlainHttp("ZT_JWKS_URI", jwksUri, allowPlainHttp);
    }
    if (allowPlainHttp && (isRemotePlainHttp(issuerUri) || (jwksUri != null && isRemotePlainHttp(jwksUri)))) {
      LOG.warn("ZT_ALLOW_PLAIN_HTTP=true: fetching keys over plain http from a non-loopback host ({})", issuer);
      b.allowPlainHttpKeySource();
    }
    return TokenRules.read(env).applyTo(b).build();
  }

  /**
   * {@code ZT_CLIENT_CERT_HEADER}: {@code true} takes the client certificate of {@code cnf.x5t#S256}-bound tokens
   * (RFC 8705) from the RFC 9440 {@code Client-Cert} header when the direct peer is one of the sample's trusted proxies
   * (loopback): for the plain port behind a proxy that terminates the clients' TLS. {@code false} or unset: the
   * header is ignored. Anything else is refused, naming the variable.
   */
  static boolean clientCertHeaderFromEnvironment(Map<String, String> env) {
    return flag(env, "ZT_CLIENT_CERT_HEADER");
  }

  /**
   * The external policy decision point the standalone service asks on {@code GET /orders/{id}}: an OPA server's base
   * URL ({@code ZT_PDP_URL}) and the deadline of each call ({@code ZT_PDP_TIMEOUT_MS}).
   *
   * @param base the OPA base URL, without a trailing slash; the Data API path {@code /v1/data/orders/allow} is added
   * @param timeout no answer within it → 503 with {@code Retry-After}, never an allow
   * @param plainHttp the base is plain {@code http}, which {@link #pdpFromEnvironment} accepted: loopback (by the
   *     sample's own rule, {@link Variables#isRemotePlainHttp}), or any host under {@code ZT_ALLOW_PLAIN_HTTP=true}
   */
  record Pdp(URI base, Duration timeout, boolean plainHttp) {}

  /** {@code ZT_PDP_TIMEOUT_MS} when unset: 2 s. */
  static final Duration DEFAULT_PDP_TIMEOUT = Duration.ofMillis(2000);

  /**
   * {@code ZT_PDP_URL} (an OPA base URL such as {@code http://127.0.0.1:8181}; a trailing slash is tolerated; http or
   * https, a host, no user info, query or fragment; plain {@code http} to a host that is not loopback only with
   * {@code ZT_ALLOW_PLAIN_HTTP=true}, since an answer forged in transit would be an allow) and
   * {@code ZT_PDP_TIMEOUT_MS} (milliseconds, 1 to 60000, default 2000). Empty when {@code ZT_PDP_URL} is not set; the
   * timeout without the URL, or any value not understood, is a start-up error naming the variable.
   */
  static Optional<Pdp> pdpFromEnvironment(Map<String, String> env) {
    String url = value(env, "ZT_PDP_URL");
    String timeoutText = value(env, "ZT_PDP_TIMEOUT_MS");
    if (url == null) {
      if (timeoutText != null) {
        throw new IllegalArgumentException("ZT_PDP_TIMEOUT_MS is set but ZT_PDP_URL is not: the timeout is the "
            + "deadline of each call to the PDP at ZT_PDP_URL");
      }
      return Optional.empty();
    }
    URI u = uri(url, "ZT_PDP_URL");
    String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
    if (!(scheme.equals("https") || scheme.equals("http")) || u.isOpaque() || u.getHost() == null
        || u.getRawUserInfo() != null || u.getRawQuery() != null || u.getRawFragment() != null
        || u.getPort() == 0 || u.getPort() > 65535) {
      throw new IllegalArgumentException("ZT_PDP_URL: '" + printable(url) + "' is not an OPA base URL (http or https,"
          + " a host, a port up to 65535 if any, no user info, query or fragment), e.g. http://127.0.0.1:8181");
    }
    if (isRemotePlainHttp(u) && !allowPlainHttp(env)) {
      throw new IllegalArgumentException("ZT_PDP_URL uses plain http to a host that is not loopback ("
          + printable(url) + "): a decision forged in transit would let requests through. Use https, or set "
          + "ZT_ALLOW_PLAIN_HTTP=true inside a network you control");
    }
    String base = u.toString();
    while (base.endsWith("/")) {
      base = base.substring(0, base.length() - 1);
    }
    Duration timeout = DEFAULT_PDP_TIMEOUT;
    if (timeoutText != null) {
      long ms = timeoutText.matches("[0-9]{1,9}") ? Long.parseLong(timeoutText) : -1;
      if (ms < 1 || ms > 60_000) {
        throw new IllegalArgumentException("ZT_PDP_TIMEOUT_MS must be a whole number of milliseconds from 1 to 60000,"
            + " not '" + printable(timeoutText) + "'");
      }
      timeout = Duration.ofMillis(ms);
    }
    return Optional.of(new Pdp(URI.create(base), timeout, scheme.equals("http")));
  }

  /** {@code ZT_ALLOW_PLAIN_HTTP}: {@code true} or {@code false} (any case), unset meaning false. */
  private static boolean allowPlainHttp(Map<String, String> env) {
    return flag(env, "ZT_ALLOW_PLAIN_HTTP");
  }

  /**
   * {@code ZT_PUBLIC_ORIGIN} (the origin clients address, e.g. {@code https://orders.example.com}, optionally with the
   * path a proxy publishes the service under; used exactly as given: DPoP {@code htu}s are built from it, never from
   * {@code Host}, and it is the RFC 9728 metadata's {@code resource}), {@code ZT_REQUIRE_DPOP} ({@code true}: the
   * {@code /orders} routes take DPoP-bound tokens only) and {@code ZT_DPOP_NONCE} ({@code true}: proofs need server
   * nonces). Both flags need the origin: a start-up error otherwise, never a silently unchecked setting.
   */
  static OrdersSecurity.Sender senderFromEnvironment(Map<String, String> env) {
    String origin = env.get("ZT_PUBLIC_ORIGIN");
    boolean requireDpop = flag(env, "ZT_REQUIRE_DPOP");
    boolean nonce = flag(env, "ZT_DPOP_NONCE");
    if (origin == null || origin.isBlank()) {
      if (requireDpop || nonce) {
        throw new IllegalArgumentException((requireDpop ? "ZT_REQUIRE_DPOP" : "ZT_DPOP_NONCE") + "=true needs "
            + "ZT_PUBLIC_ORIGIN: a DPoP proof names the URI clients use, which zt never takes from Host");
      }
      return OrdersSecurity.Sender.NONE;
    }
    URI u = uri(origin.strip(), "ZT_PUBLIC_ORIGIN");
    try {
      dev.zt.core.RequestContext.builder("GET", "/").publicOrigin(u);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("ZT_PUBLIC_ORIGIN: " + printable(e.getMessage()));
    }
    return new OrdersSecurity.Sender(Optional.of(u), requireDpop, nonce);
  }

  /** Starts the service on {@code kind}, on {@code host}:{@code port} (0 = any free port), behind {@code enforcer}. */
  static OrdersService start(ServerKind kind, String host, int port, Enforcer enforcer) throws Exception {
    return kind == ServerKind.NETTY ? startNetty(host, port, enforcer) : start(host, port, enforcer);
  }

  /** Starts the service on Jetty on {@code host}:{@code port} (0 = any free port) behind {@code enforcer}. */
  static OrdersService start(String host, int port, Enforcer enforcer) throws Exception {
    return start(host, port, enforcer, null, null);
  }

  /**
   * Starts the service on Jetty and, when {@code mtls} is given, a second Jetty server on {@code mtls.port()} that
   * requires a client X.509-SVID of {@code mtls.trustDomain()} in the handshake (zt-spiffe's {@code SSLContext})
   * and serves only the workload routes, behind {@code workloadEnforcer}. Two servers rather than two connectors of
   * one: the bearer routes and the workload routes can never be reached through the other listener.
   */
  static OrdersService start(String host, int port, Enforcer enforcer, Mtls mtls, Enforcer workloadEnforcer)
      throws Exception {
    return start(host, port, () -> enforcer, mtls, workloadEnforcer);
  }

  /**
   * {@link #start(String, int, Enforcer, Mtls, Enforcer)} with the bearer listener's enforcer read from
   * {@code enforcer} at the start of each request (a {@link LivePolicy}: a reloaded policy applies from the next
   * request on).
   */
  static OrdersService start(String host, int port, Supplier<Enforcer> enforcer, Mtls mtls,
      Enforcer workloadEnforcer) throws Exception {
    return start(host, port, enforcer, mtls, workloadEnforcer, Optional.empty());
  }

  /**
   * {@link #start(String, int, Supplier, Mtls, Enforcer)} whose {@code GET /health} says whether {@code redis} is in
   * step.
   */
  private static OrdersService start(String host, int port, Supplier<Enforcer> enforcer, Mtls mtls,
      Enforcer workloadEnforcer, Optional<RedisState> redis) throws Exception {
    OrdersApi api = new OrdersApi(new OrderStore(), redis); // one store per service, shared by its listeners
    Server internal = mtls == null ? null : startMtls(host, mtls, workloadEnforcer, api);
    Server server = new Server();
    HttpConfiguration http = new HttpConfiguration();
    // Room for large (even oversized) tokens to reach zt, which answers 401 with a reason instead of the
    // container's bare 431; zt's own cap (8 KiB per token) still applies.
    http.setRequestHeaderSize(32 * 1024);
    http.setSendServerVersion(false);
    ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
    connector.setHost(host);
    connector.setPort(port);
    server.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler();
    context.setContextPath("/");
    OrdersSecurity.protect(context, enforcer);
    context.addServlet(new ServletHolder(new OrdersServlet(api)), "/");
    server.setHandler(context);
    try {
      server.start();
    } catch (Exception e) {
      if (internal != null) {
        internal.stop();
      }
      throw e;
    }
    return new OrdersService(new Running() {
      @Override
      public int port() {
        return connector.getLocalPort();
      }

      @Override
      public int mtlsPort() {
        return internal == null ? -1 : ((ServerConnector) internal.getConnectors()[0]).getLocalPort();
      }

      @Override
      public InetSocketAddress address() {
        return boundAddress(connector);
      }

      @Override
      public Optional<InetSocketAddress> mtlsAddress() {
        return Optional.ofNullable(internal).map(s -> boundAddress((ServerConnector) s.getConnectors()[0]));
      }

      @Override
      public void join() throws InterruptedException {
        server.join();
      }

      @Override
      public void stop() throws Exception {
        try {
          server.stop();
        } finally {
          if (internal != null) {
            internal.stop();
          }
        }
      }
    });
  }

  private static InetSocketAddress boundAddress(ServerConnector connector) {
    try {
      return (InetSocketAddress) ((ServerSocketChannel) connector.getTransport()).getLocalAddress();
    } catch (IOException e) {
      throw new IllegalStateException("listener has no address", e);
    }
  }

  private static Server startMtls(String host, Mtls mtls, Enforcer workloadEnforcer, OrdersApi api)
      throws Exception {
    Server server = new Server();
    SslContextFactory.Server tls = new SslContextFactory.Server();
    tls.setSslContext(mtls.serverContext());
    tls.setNeedClientAuth(true);
    tls.setEndpointIdentificationAlgorithm(null);
    HttpConfiguration https = new HttpConfiguration();
    https.setSendServerVersion(false);
    SecureRequestCustomizer secure = new SecureRequestCustomizer();
    secure.setSniHostCheck(false); // SVIDs name workloads by URI SAN, not host names
    secure.setSniRequired(false);
    https.addCustomizer(secure); // sets jakarta.servlet.request.X509Certificate, which zt's filter reads
    ServerConnector connector = new ServerConnector(server,
        new SslConnectionFactory(tls, "http/1.1"), new HttpConnectionFactory(https));
    connector.setHost(host);
    connector.setPort(mtls.port());
    server.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler();
    context.setContextPath("/");
    OrdersSecurity.protect(context, workloadEnforcer);
    context.addServlet(new ServletHolder(new OrdersServlet(api)), "/");
    server.setHandler(context);
    server.start();
    return server;
  }

  /**
   * Starts the service on Netty: an idle-connection close after {@link #NETTY_IDLE_TIMEOUT} (as Jetty's connector
   * has), the HTTP codec (request line and headers up to 32 KiB each, as Jetty is configured here, so oversized
   * tokens get zt's 401 and long paths zt's decision), {@link ZeroTrustHandler}, then {@link OrdersNettyHandler}.
   */
  static OrdersService startNetty(String host, int port, Enforcer enforcer) throws InterruptedException {
    return startNetty(host, port, enforcer, null, null, NETTY_IDLE_TIMEOUT);
  }

  /**
   * How long a Netty connection may sit without reading or writing before the server closes it: Jetty's default
   * connector idle timeout, so a client that opens connections and sends nothing (or a header every so often) holds
   * them no longer on one server than on the other.
   */
  static final Duration NETTY_IDLE_TIMEOUT = Duration.ofSeconds(30);

  /**
   * Starts the service on Netty and, when {@code mtls} is given, a second Netty listener on {@code mtls.port()} with
   * the same pipeline behind a TLS handler that requires a client X.509-SVID of {@code mtls.trustDomain()} in the
   * handshake (zt-spiffe's {@code SSLContext}), serving only the workload routes behind {@code workloadEnforcer}
   * (whose peer gate reads the chain from the {@code SslHandler}'s session): the Netty counterpart of the Jetty pair.
   */
  static OrdersService startNetty(String host, int port, Enforcer enforcer, Mtls mtls, Enforcer workloadEnforcer,
      Duration idleTimeout) throws InterruptedException {
    return startNetty(host, port, () -> enforcer, mtls, workloadEnforcer, idleTimeout);
  }

  /**
   * {@link #startNetty(String, int, Enforcer, Mtls, Enforcer, Duration)} with the bearer listener's enforcer read from
   * {@code enforcer} at the start of each request (a {@link LivePolicy}).
   */
  static OrdersService startNetty(String host, int port, Supplier<Enforcer> enforcer, Mtls mtls,
      Enforcer workloadEnforcer, Duration idleTimeout) throws InterruptedException {
    return startNetty(host, port, enforcer, mtls, workloadEnforcer, idleTimeout, Optional.empty());
  }

  /**
   * {@link #startNetty(String, int, Supplier, Mtls, Enforcer, Duration)} whose {@code GET /health} says whether
   * {@code redis} is in step.
   */
  private static OrdersService startNetty(String host, int port, Supplier<Enforcer> enforcer, Mtls mtls,
      Enforcer workloadEnforcer, Duration idleTimeout, Optional<RedisState> redis) throws InterruptedException {
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(NioIoHandler.newFactory());
    OrdersApi api = new OrdersApi(new OrderStore(), redis); // one store per service, shared by its listeners
    Channel channel;
    Channel internal = null;
    try {
      if (mtls != null) {
        internal = bindNetty(group, host, mtls.port(), () -> workloadEnforcer, idleTimeout,
            mtls.serverContext(), api);
      }
      channel = bindNetty(group, host, port, enforcer, idleTimeout, null, api);
    } catch (InterruptedException | RuntimeException e) {
      group.shutdownGracefully(0, 2, TimeUnit.SECONDS);
      throw e;
    }
    Channel mtlsChannel = internal;
    return new OrdersService(new Running() {
      @Override
      public int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
      }

      @Override
      public int mtlsPort() {
        return mtlsChannel == null ? -1 : ((InetSocketAddress) mtlsChannel.localAddress()).getPort();
      }

      @Override
      public InetSocketAddress address() {
        return (InetSocketAddress) channel.localAddress();
      }

      @Override
      public Optional<InetSocketAddress> mtlsAddress() {
        return Optional.ofNullable(mtlsChannel).map(c -> (InetSocketAddress) c.localAddress());
      }

      @Override
      public void join() throws InterruptedException {
        channel.closeFuture().sync();
      }

      @Override
      public void stop() throws InterruptedException {
        channel.close().sync();
        if (mtlsChannel != null) {
          mtlsChannel.close().sync();
        }
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).sync();
      }
    });
  }

  /** One Netty listener: idle close, TLS when {@code tls} is given (client certificate required), codec, zt, app. */
  private static Channel bindNetty(EventLoopGroup group, String host, int port, Supplier<Enforcer> enforcer,
      Duration idleTimeout, SSLContext tls, OrdersApi api) throws InterruptedException {
    return new ServerBootstrap()
        .group(group)
        .channel(NioServerSocketChannel.class)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            ch.pipeline().addLast(new IdleStateHandler(0, 0, idleTimeout.toMillis(), TimeUnit.MILLISECONDS) {
              @Override
              protected void channelIdle(ChannelHandlerContext ctx, IdleStateEvent event) {
                ctx.close(); // neither read nor written for the idle timeout
              }
            });
            if (tls != null) {
              SSLEngine engine = tls.createSSLEngine();
              engine.setUseClientMode(false);
              engine.setNeedClientAuth(true);
              ch.pipeline().addLast(new SslHandler(engine));
            }
            // tag::readme-netty[]
            ch.pipeline().addLast(
                new HttpServerCodec(new HttpDecoderConfig()
                    .setMaxInitialLineLength(32 * 1024).setMaxHeaderSize(32 * 1024)),  // Jetty's limits here
                new ZeroTrustHandler(enforcer),   // one per channel; before any handler that reads requests
                new OrdersNettyHandler(api));  // reads ZeroTrustHandler.CALLER, routes on ZeroTrustHandler.PATH
            // end::readme-netty[]
          }
        })
        .bind(host, port)
        .sync()
        .channel();
  }

  /** For demos and tests: a service whose enforcer also reports decisions to {@code listener}. */
  static OrdersService startOnLoopback(BearerJwt jwt, AuditListener listener) throws Exception {
    return start("127.0.0.1", 0, OrdersSecurity.enforcer(jwt, listener));
  }

  int port() {
    return server.port();
  }

  /** The mTLS listener's port, or -1 without one. */
  int mtlsPort() {
    return server.mtlsPort();
  }

  /** The address the listener is bound to ({@code ZT_HOST}). */
  InetSocketAddress address() {
    return server.address();
  }

  /** The address the mTLS listener is bound to, if there is one. */
  Optional<InetSocketAddress> mtlsAddress() {
    return server.mtlsAddress();
  }

  /** The policy file the service follows ({@code ZT_POLICY_FILE}), if it was started with one. */
  Optional<LivePolicy> policy() {
    return policy;
  }

  @Override
  public void close() throws Exception {
    try {
      server.stop();
    } finally {
      try {
        policy.ifPresent(LivePolicy::close);
      } finally {
        redis.ifPresent(RedisState::close);
      }
    }
  }
}
