package dev.zt.testkit;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.zt.core.credential.BearerJwt;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An OAuth 2.0 / OpenID Connect issuer in the test's own process, serving real HTTP on loopback: discovery
 * ({@code /.well-known/openid-configuration} and {@code /.well-known/oauth-authorization-server}) and the JWKS
 * ({@code /jwks}). It signs tokens through {@link #token()} and rotates keys without a restart, so tests drive zt
 * exactly as a real identity provider would.
 *
 * <pre>{@code
 * try (TestIssuer issuer = TestIssuer.start()) {
 *   Enforcer enforcer = Enforcer.builder().bearerJwt(issuer.bearerJwt().build()).routes(routes).build();
 *   String token = issuer.token().scope("orders:read").build();
 *   assertThatDecision(enforcer.enforce(TestRequest.get("/orders").bearer(token).build())).isAllowed();
 * }
 * }</pre>
 *
 * @since 0.1
 */
public final class TestIssuer implements AutoCloseable {

  /** The audience tokens carry unless told otherwise. */
  public static final String DEFAULT_AUDIENCE = "orders-api";

  private final HttpServer server;
  private final ExecutorService executor;
  private final String issuer;
  private final Clock clock;
  private final List<TestKey> published = new CopyOnWriteArrayList<>();
  private volatile TestKey signingKey;
  private volatile int jwksStatus = 200;
  private volatile boolean openIdDiscovery = true;
  private volatile String metadataIssuer;
  private final AtomicInteger jwksRequests = new AtomicInteger();
  private final AtomicInteger discoveryRequests = new AtomicInteger();
  private final java.util.concurrent.ConcurrentHashMap<String, AtomicInteger> otherRequests =
      new java.util.concurrent.ConcurrentHashMap<>();

  private TestIssuer(Clock clock, TestKey initial) throws IOException {
    this.clock = clock;
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    this.executor = Executors.newFixedThreadPool(2, r -> {
      Thread t = new Thread(r, "zt-test-issuer");
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(executor);
    this.issuer = "http://127.0.0.1:" + server.getAddress().getPort();
    this.signingKey = initial;
    published.add(initial);
    server.createContext("/.well-known/openid-configuration", ex -> {
      if (openIdDiscovery) {
        metadata(ex);
      } else {
        respond(ex, 404, "{}");
      }
    });
    server.createContext("/.well-known/oauth-authorization-server", this::metadata);
    server.createContext("/jwks", this::jwks);
    server.createContext("/", ex -> {
      otherRequests.computeIfAbsent(ex.getRequestURI().getPath(), k -> new AtomicInteger()).incrementAndGet();
      respond(ex, 404, "{}");
    });
    server.start();
  }

  /** Starts an issuer on the system clock with a fresh RSA key. */
  public static TestIssuer start() {
    return start(Clock.systemUTC());
  }

  /** Starts an issuer whose tokens are stamped by {@code clock}, with a fresh RSA key. */
  public static TestIssuer start(Clock clock) {
    return start(clock, TestKey.rsa());
  }

  /** Starts an issuer whose first signing key is {@code key}. */
  public static TestIssuer start(Clock clock, TestKey key) {
    try {
      return new TestIssuer(Objects.requireNonNull(clock), Objects.requireNonNull(key));
    } catch (IOException e) {
      throw new IllegalStateException("cannot start the test issuer", e);
    }
  }

  /** The issuer identifier ({@code iss}), an {@code http://127.0.0.1:port} URL. */
  public String issuer() {
    return issuer;
  }

  /** The JWKS endpoint. */
  public URI jwksUri() {
    return URI.create(issuer + "/jwks");
  }

  /** A zt configuration for this issuer and {@link #DEFAULT_AUDIENCE}, using discovery; add options, then build. */
  public BearerJwt.Builder bearerJwt() {
    return BearerJwt.issuer(issuer).audience(DEFAULT_AUDIENCE);
  }

  /** A token builder whose defaults make a valid token signed by the current key. */
  public TokenBuilder token() {
    return new TokenBuilder(issuer, DEFAULT_AUDIENCE, clock, signingKey);
  }

  /** The key tokens are signed with now. */
  public TestKey signingKey() {
    return signingKey;
  }

  /** Every key the JWKS publishes now. */
  public List<TestKey> publishedKeys() {
    return List.copyOf(published);
  }

  /**
   * Rotates: a fresh key of the same kind is published and signs from now on; the previous key stays published
   * (tokens it signed keep working) until {@link #retire(TestKey)}.
   */
  public TestKey rotate() {
    TestKey next = switch (signingKey.algorithm().getName()) {
      case "ES256" -> TestKey.ec256();
      case "ES384" -> TestKey.ec384();
      case "EdDSA" -> TestKey.ed25519();
      default -> TestKey.rsa(signingKey.algorithm(), 2048);
    };
    return rotateTo(next);
  }

  /** Publishes {@code next} and signs with it from now on. */
  public TestKey rotateTo(TestKey next) {
    publish(next);
    signingKey = next;
    return next;
  }

  /** Adds {@code key} to the JWKS without signing with it. */
  public void publish(TestKey key) {
    published.add(key);
  }

  /** Removes {@code key} from the JWKS: tokens it signed no longer verify once zt refetches. */
  public void retire(TestKey key) {
    published.remove(key);
  }

  /** Makes the JWKS endpoint answer {@code status} (e.g. 500 for an outage); 200 restores it. */
  public void jwksStatus(int status) {
    this.jwksStatus = status;
  }

  /** Turns OpenID Connect discovery off (404), leaving only RFC 8414 metadata, as plain OAuth servers do. */
  public void openIdDiscovery(boolean served) {
    this.openIdDiscovery = served;
  }

  /** Makes the metadata claim another {@code issuer} (a mix-up attack); {@code null} restores the truth. */
  public void metadataIssuer(String issuer) {
    this.metadataIssuer = issuer;
  }

  /** How many times the JWKS has been fetched. */
  public int jwksRequests() {
    return jwksRequests.get();
  }

  /** How many times discovery metadata has been fetched. */
  public int discoveryRequests() {
    return discoveryRequests.get();
  }

  /**
   * How many requests arrived for {@code path}, which this issuer does not serve: a test points a token's
   * {@code jku} or {@code x5u} here and asserts that zt never fetched it.
   */
  public int requestsTo(String path) {
    AtomicInteger n = otherRequests.get(path);
    return n == null ? 0 : n.get();
  }

  private void metadata(HttpExchange ex) throws IOException {
    discoveryRequests.incrementAndGet();
    String claimed = metadataIssuer == null ? issuer : metadataIssuer;
    String body = "{\"issuer\":\"" + claimed + "\",\"jwks_uri\":\"" + jwksUri() + "\","
        + "\"response_types_supported\":[\"code\"],\"subject_types_supported\":[\"public\"],"
        + "\"id_token_signing_alg_values_supported\":[\"RS256\",\"ES256\",\"EdDSA\"]}";
    respond(ex, 200, body);
  }

  private void jwks(HttpExchange ex) throws IOException {
    jwksRequests.incrementAndGet();
    if (jwksStatus != 200) {
      respond(ex, jwksStatus, "{\"error\":\"unavailable\"}");
      return;
    }
    List<JWK> keys = new ArrayList<>();
    for (TestKey k : published) {
      keys.add(k.publicJwk());
    }
    respond(ex, 200, new JWKSet(keys).toString());
  }

  private static void respond(HttpExchange ex, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }

  /** Stops the server. */
  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
