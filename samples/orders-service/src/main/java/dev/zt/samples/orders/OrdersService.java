package dev.zt.samples.orders;

import dev.zt.core.AuditListener;
import dev.zt.core.BearerJwt;
import dev.zt.core.Enforcer;
import dev.zt.netty.ZeroTrustHandler;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
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
 *       (ISO-8601 duration or seconds; default 1 h), {@code PORT} (default 8080), {@code ZT_SERVER}
 *       ({@code servlet}, the default: Jetty; or {@code netty}).</li>
 * </ul>
 */
public final class OrdersService implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(OrdersService.class);

  /** Which server carries the service: zt's servlet filter in Jetty, or zt's handler in a Netty pipeline. */
  enum ServerKind {
    SERVLET,
    NETTY
  }

  /** A started server: its port, how to wait for it, how to stop it. */
  private interface Running {
    int port();

    void join() throws InterruptedException;

    void stop() throws Exception;
  }

  private final Running server;

  private OrdersService(Running server) {
    this.server = server;
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
    BearerJwt jwt;
    int port;
    ServerKind kind;
    try {
      jwt = jwtFromEnvironment(System.getenv());
      port = Integer.parseInt(System.getenv().getOrDefault("PORT", "8080"));
      kind = serverFromEnvironment(System.getenv());
    } catch (IllegalArgumentException | IllegalStateException e) {
      System.err.println("orders-service: " + e.getMessage());
      System.exit(2);
      return;
    }
    OrdersService service = start(kind, "0.0.0.0", port, OrdersSecurity.enforcer(jwt, null));
    LOG.info("orders-service listening on port {} with {} (issuer {}, audience {})", service.port(),
        kind == ServerKind.NETTY ? "Netty" : "Jetty", jwt.issuer(), jwt.audiences());
    service.server.join();
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

  /** The standalone configuration, read from environment variables. */
  static BearerJwt jwtFromEnvironment(Map<String, String> env) {
    String issuer = required(env, "ZT_ISSUER");
    String audience = required(env, "ZT_AUDIENCE");
    BearerJwt.Builder b = BearerJwt.issuer(issuer).audience(audience);
    String jwks = env.get("ZT_JWKS_URI");
    URI jwksUri = jwks == null || jwks.isBlank() ? null : URI.create(jwks.strip());
    if (jwksUri != null) {
      b.jwksUri(jwksUri);
    }
    if (isRemotePlainHttp(URI.create(issuer)) || (jwksUri != null && isRemotePlainHttp(jwksUri))) {
      // The sample runs wherever a tester points it; a production service would use https only.
      LOG.warn("fetching keys over plain http from a non-loopback host: use https in production");
      b.allowPlainHttpKeySource();
    }
    String lifetime = env.get("ZT_MAX_TOKEN_LIFETIME");
    if (lifetime != null && !lifetime.isBlank()) {
      String v = lifetime.strip();
      b.maxTokenLifetime(v.toUpperCase(Locale.ROOT).startsWith("P") ? Duration.parse(v)
          : Duration.ofSeconds(Long.parseLong(v)));
    }
    return b.build();
  }

  private static boolean isRemotePlainHttp(URI uri) {
    String host = uri.getHost() == null ? "" : uri.getHost();
    return "http".equalsIgnoreCase(uri.getScheme())
        && !(host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]"));
  }

  private static String required(Map<String, String> env, String name) {
    String v = env.get(name);
    if (v == null || v.isBlank()) {
      throw new IllegalArgumentException(name + " is required (see the README)");
    }
    return v.strip();
  }

  /** Starts the service on {@code kind}, on {@code host}:{@code port} (0 = any free port), behind {@code enforcer}. */
  static OrdersService start(ServerKind kind, String host, int port, Enforcer enforcer) throws Exception {
    return kind == ServerKind.NETTY ? startNetty(host, port, enforcer) : start(host, port, enforcer);
  }

  /** Starts the service on Jetty on {@code host}:{@code port} (0 = any free port) behind {@code enforcer}. */
  static OrdersService start(String host, int port, Enforcer enforcer) throws Exception {
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
    context.addServlet(new ServletHolder(new OrdersServlet()), "/");
    server.setHandler(context);
    server.start();
    return new OrdersService(new Running() {
      @Override
      public int port() {
        return connector.getLocalPort();
      }

      @Override
      public void join() throws InterruptedException {
        server.join();
      }

      @Override
      public void stop() throws Exception {
        server.stop();
      }
    });
  }

  /**
   * Starts the service on Netty: the HTTP codec (headers up to 32 KiB, as on Jetty, so oversized tokens get zt's
   * 401), {@link ZeroTrustHandler}, then {@link OrdersNettyHandler}.
   */
  static OrdersService startNetty(String host, int port, Enforcer enforcer) throws InterruptedException {
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(NioIoHandler.newFactory());
    Channel channel;
    try {
      channel = new ServerBootstrap()
          .group(group)
          .channel(NioServerSocketChannel.class)
          .childHandler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
              // tag::readme-netty[]
              ch.pipeline().addLast(
                  new HttpServerCodec(new HttpDecoderConfig().setMaxHeaderSize(32 * 1024)),
                  new ZeroTrustHandler(enforcer),   // one per channel; before any handler that reads requests
                  new OrdersNettyHandler());        // reads ZeroTrustHandler.CALLER, routes on ZeroTrustHandler.PATH
              // end::readme-netty[]
            }
          })
          .bind(host, port)
          .sync()
          .channel();
    } catch (InterruptedException | RuntimeException e) {
      group.shutdownGracefully(0, 2, TimeUnit.SECONDS);
      throw e;
    }
    return new OrdersService(new Running() {
      @Override
      public int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
      }

      @Override
      public void join() throws InterruptedException {
        channel.closeFuture().sync();
      }

      @Override
      public void stop() throws InterruptedException {
        channel.close().sync();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).sync();
      }
    });
  }

  /** For demos and tests: a service whose enforcer also reports decisions to {@code listener}. */
  static OrdersService startOnLoopback(BearerJwt jwt, AuditListener listener) throws Exception {
    return start("127.0.0.1", 0, OrdersSecurity.enforcer(jwt, listener));
  }

  int port() {
    return server.port();
  }

  @Override
  public void close() throws Exception {
    server.stop();
  }
}
