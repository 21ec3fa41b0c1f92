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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An OAuth 2.0 / OpenID Connect issuer in the test's own process, serving real HTTP on loopback: discovery
 * ({@code /.well-known/openid-configuration} and {@code /.well-known/oauth-authorization-server}) and the JWKS
 * ({@code /jwks}). It signs tokens through {@link #token()} and rotates keys without a restart, so tests drive zt
 * exactly as a real identity provider would. Since 0.3 it is also an authorization server for registered clients:
 * {@link #authorizationEndpoint()} (code + PKCE S256, the user of {@link #loginAs(String)}) and
 * {@link #tokenEndpoint()} (code, refresh with rotation, client credentials, RFC 8693 token exchange), strict like
 * a real one, with knobs for failure tests.
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

  /**
   * The audience of a suite that names none: {@code zt-testkit.properties} on the class path may name another with
   * {@code audience=...} (see {@link #defaultAudience()}).
   *
   * @since 0.4
   */
  public static final String FALLBACK_AUDIENCE = "test-api";

  /** Where a test suite names its audience once, for every issuer it starts. */
  static final String SUITE_PROPERTIES = "zt-testkit.properties";

  private final String audience;

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
  private final AuthorizationServer endpoints;

  private TestIssuer(Clock clock, TestKey initial, String audience) throws IOException {
    this.clock = clock;
    this.audience = audience;
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
    this.endpoints = new AuthorizationServer(issuer, audience, clock, () -> signingKey, this::publishedKeys);
    server.createContext("/authorize", endpoints::authorize);
    server.createContext("/token", endpoints::token);
    server.createContext("/", ex -> {
      otherRequests.computeIfAbsent(ex.getRequestURI().getPath(), k -> new AtomicInteger()).incrementAndGet();
      respond(ex, 404, "{}");
    });
    server.start();
  }

  /**
   * Starts an issuer on the system clock (the clock an enforcer uses unless told otherwise, so its tokens are not
   * expired for it) with a fresh RSA key and the suite's {@link #defaultAudience()}.
   */
  public static TestIssuer start() {
    return builder().start();
  }

  /** Starts an issuer whose tokens are stamped by {@code clock}, with a fresh RSA key. */
  public static TestIssuer start(Clock clock) {
    return builder().clock(clock).start();
  }

  /** Starts an issuer whose first signing key is {@code key}. */
  public static TestIssuer start(Clock clock, TestKey key) {
    return builder().clock(clock).key(key).start();
  }

  /**
   * A builder for an issuer with another audience, clock or first key than the defaults (the suite's
   * {@link #defaultAudience()}, the system clock, a fresh RSA key).
   *
   * @since 0.4
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The audience a suite's issuers put in their tokens unless told otherwise: the {@code audience} named once for the
   * whole suite in {@code zt-testkit.properties} at the root of the test class path, else
   * {@link #FALLBACK_AUDIENCE}. A test sets the same audience on the enforcer it builds ({@link #bearerJwt()} does).
   *
   * @throws IllegalStateException if that file cannot be read or names a blank audience
   * @since 0.4
   */
  public static String defaultAudience() {
    return SuiteDefaults.AUDIENCE;
  }

  /** The audience this issuer's tokens carry unless a test tells a token otherwise. @since 0.4 */
  public String audience() {
    return audience;
  }

  /** The issuer identifier ({@code iss}), an {@code http://127.0.0.1:port} URL. */
  public String issuer() {
    return issuer;
  }

  /** The JWKS endpoint. */
  public URI jwksUri() {
    return URI.create(issuer + "/jwks");
  }

  /** A zt configuration for this issuer and its {@link #audience()}, using discovery; add options, then build. */
  public BearerJwt.Builder bearerJwt() {
    return BearerJwt.issuer(issuer).audience(audience);
  }

  /** A token builder whose defaults make a valid token signed by the current key, for {@link #audience()}. */
  public TokenBuilder token() {
    return new TokenBuilder(issuer, audience, clock, signingKey);
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

  /**
   * The authorization endpoint ({@code /authorize}, RFC 6749 §4.1.1): {@code response_type=code} with PKCE S256
   * only, the exact registered redirect URI, and the user of {@link #loginAs(String)} logged in without any UI.
   * It answers 302 to the redirect URI with {@code code}, {@code state} and {@code iss} (RFC 9207).
   *
   * @since 0.3
   */
  public URI authorizationEndpoint() {
    return URI.create(issuer + "/authorize");
  }

  /**
   * The token endpoint ({@code /token}, RFC 6749 §3.2): grants {@code authorization_code}, {@code refresh_token}
   * (rotated on every use; a rotated one presented again revokes its session), {@code client_credentials} and
   * RFC 8693 token exchange; refusals are RFC 6749 §5.2 JSON errors.
   *
   * @since 0.3
   */
  public URI tokenEndpoint() {
    return URI.create(issuer + "/token");
  }

  /**
   * Registers a confidential client that authenticates with {@code client_secret_basic} or
   * {@code client_secret_post} and may be redirected only to one of {@code redirectUris} (compared exactly).
   *
   * @throws IllegalStateException if {@code clientId} is already registered
   * @since 0.3
   */
  public void registerClient(String clientId, String secret, URI... redirectUris) {
    endpoints.registerClient(clientId, Optional.of(Objects.requireNonNull(secret, "secret")), redirectUris);
  }

  /**
   * Registers a public client (no secret, RFC 6749 §2.1): it may use the authorization code with PKCE and refresh
   * grants only.
   *
   * @throws IllegalStateException if {@code clientId} is already registered
   * @since 0.3
   */
  public void registerPublicClient(String clientId, URI... redirectUris) {
    endpoints.registerClient(clientId, Optional.empty(), redirectUris);
  }

  /**
   * Lets the confidential client {@code clientId} exchange this issuer's access tokens (RFC 8693) for tokens
   * addressed to {@code audiences}; any other audience is refused {@code invalid_target}, and a client never
   * allowed is refused {@code unauthorized_client}.
   *
   * @since 0.3
   */
  public void allowExchange(String clientId, String... audiences) {
    endpoints.allowExchange(clientId, audiences);
  }

  /**
   * Makes {@code subject} the user the authorization endpoint logs in from now on (no UI). Until a user is set,
   * or after {@link #logout()}, it answers {@code error=access_denied}.
   *
   * @since 0.3
   */
  public void loginAs(String subject) {
    endpoints.loginAs(subject, Map.of());
  }

  /**
   * As {@link #loginAs(String)}, and the tokens of that login carry {@code claims} (e.g. {@code roles}); claims
   * the issuer sets itself ({@code sub}, {@code sid}, {@code scope}…) are refused.
   *
   * @since 0.3
   */
  public void loginAs(String subject, Map<String, Object> claims) {
    endpoints.loginAs(subject, Objects.requireNonNull(claims, "claims"));
  }

  /**
   * Nobody is logged in any more: the authorization endpoint answers {@code access_denied}. Sessions already
   * granted live on; end one with {@link #revokeSession(String)}.
   *
   * @since 0.3
   */
  public void logout() {
    endpoints.logout();
  }

  /**
   * The {@code aud} of the access tokens the token endpoint issues (except exchanged ones, whose audience the
   * client asks for); {@link #audience()} unless told otherwise.
   *
   * @since 0.3
   */
  public void accessTokenAudience(String... audiences) {
    endpoints.accessTokenAudience(audiences);
  }

  /**
   * How long the token endpoint's access tokens live from now on (default 5 minutes, on this issuer's clock).
   *
   * @since 0.3
   */
  public void accessTokenLifetime(Duration lifetime) {
    endpoints.accessTokenLifetime(lifetime);
  }

  /**
   * How long a refresh token lives from its issue (default 30 minutes, on this issuer's clock).
   *
   * @since 0.3
   */
  public void refreshTokenLifetime(Duration lifetime) {
    endpoints.refreshTokenLifetime(lifetime);
  }

  /**
   * Makes the token endpoint answer {@code status} to everything (e.g. 503 for an outage, with
   * {@code temporarily_unavailable}); 200 restores it. Requests are still counted by {@link #tokenRequests}.
   *
   * @since 0.3
   */
  public void tokenEndpointStatus(int status) {
    endpoints.tokenEndpointStatus(status);
  }

  /**
   * Ends the login session {@code sid} (the access tokens' {@code sid} claim): its refresh tokens are refused
   * {@code invalid_grant} and its access tokens can no longer be exchanged.
   *
   * @since 0.3
   */
  public void revokeSession(String sid) {
    endpoints.revokeSession(sid);
  }

  /**
   * How many requests reached the token endpoint with {@code grant_type} (e.g. {@code "refresh_token"}), refused
   * ones included: what a single-flight assertion counts.
   *
   * @since 0.3
   */
  public int tokenRequests(String grantType) {
    return endpoints.tokenRequests(grantType);
  }

  private void metadata(HttpExchange ex) throws IOException {
    discoveryRequests.incrementAndGet();
    String claimed = metadataIssuer == null ? issuer : metadataIssuer;
    String body = "{\"issuer\":\"" + claimed + "\",\"jwks_uri\":\"" + jwksUri() + "\","
        + "\"response_types_supported\":[\"code\"],\"subject_types_supported\":[\"public\"],"
        + "\"id_token_signing_alg_values_supported\":[\"RS256\",\"ES256\",\"EdDSA\"],"
        + "\"authorization_endpoint\":\"" + authorizationEndpoint() + "\","
        + "\"token_endpoint\":\"" + tokenEndpoint() + "\","
        + "\"grant_types_supported\":[\"authorization_code\",\"refresh_token\",\"client_credentials\","
        + "\"" + AuthorizationServer.TOKEN_EXCHANGE + "\"],"
        + "\"code_challenge_methods_supported\":[\"S256\"],"
        + "\"token_endpoint_auth_methods_supported\":[\"client_secret_basic\",\"client_secret_post\",\"none\"],"
        + "\"authorization_response_iss_parameter_supported\":true}";
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

  /**
   * Starts a {@link TestIssuer}; each option may be set once.
   *
   * @since 0.4
   */
  public static final class Builder {

    private String audience;
    private Clock clock;
    private TestKey key;

    private Builder() {
    }

    /** The audience tokens carry unless told otherwise (default: the suite's {@link #defaultAudience()}). */
    public Builder audience(String audience) {
      if (this.audience != null) {
        throw new IllegalStateException("audience is already set");
      }
      this.audience = requireText(audience);
      return this;
    }

    /**
     * The clock that stamps tokens (default: the system clock, as an enforcer's); a {@link TestClock} for tests that
     * move time, given to the enforcer too.
     */
    public Builder clock(Clock clock) {
      if (this.clock != null) {
        throw new IllegalStateException("clock is already set");
      }
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** The first signing key (default: a fresh RSA key). */
    public Builder key(TestKey key) {
      if (this.key != null) {
        throw new IllegalStateException("key is already set");
      }
      this.key = Objects.requireNonNull(key, "key");
      return this;
    }

    /** Starts the issuer on a free loopback port. */
    public TestIssuer start() {
      try {
        return new TestIssuer(clock == null ? Clock.systemUTC() : clock, key == null ? TestKey.rsa() : key,
            audience == null ? defaultAudience() : audience);
      } catch (IOException e) {
        throw new IllegalStateException("cannot start the test issuer", e);
      }
    }
  }

  private static String requireText(String audience) {
    Objects.requireNonNull(audience, "audience");
    if (audience.isBlank()) {
      throw new IllegalArgumentException("the audience is blank");
    }
    return audience;
  }

  /** The suite's defaults, read once from the class path: immutable after. */
  private static final class SuiteDefaults {

    static final String AUDIENCE = suiteAudience(TestIssuer.class.getClassLoader());
  }

  /** The audience {@code zt-testkit.properties} names in {@code loader}, else {@link #FALLBACK_AUDIENCE}. */
  static String suiteAudience(ClassLoader loader) {
    java.util.Properties p = new java.util.Properties();
    try (java.io.InputStream in = loader.getResourceAsStream(SUITE_PROPERTIES)) {
      if (in == null) {
        return FALLBACK_AUDIENCE;
      }
      p.load(new java.io.InputStreamReader(in, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + SUITE_PROPERTIES, e);
    }
    String named = p.getProperty("audience");
    if (named == null) {
      return FALLBACK_AUDIENCE;
    }
    if (named.isBlank()) {
      throw new IllegalStateException(SUITE_PROPERTIES + " names a blank audience");
    }
    return named.strip();
  }
}
