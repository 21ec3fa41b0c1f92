package dev.zt.core.credential;

import dev.zt.core.internal.ClientCredentials;
import dev.zt.core.internal.Loopback;

import java.net.URI;
import java.security.PrivateKey;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;

/**
 * Token introspection (RFC 7662) for one issuer, given to that issuer's {@link BearerJwt} with
 * {@link BearerJwt.Builder#introspection(Introspection)}: every syntactically valid bearer token that is not a JWT of an
 * accepted issuer is sent to the issuer's introspection endpoint, and with {@link Builder#introspectJwts()} the issuer's
 * JWTs too, after their local verification (a revocation at the issuer is then seen within the cache life).
 *
 * <p>It belongs to an issuer because the issuer's rules judge the answer: after {@code active: true}, {@code exp} must
 * be in the future (the issuer's clock skew), {@code iss} (when given) must be the issuer, {@code aud} must name the
 * issuer's configured audience, {@code token_type} must be an access-token type, and a {@code cnf} binding zt cannot
 * check is refused. The endpoint comes from the issuer's discovery metadata ({@code introspection_endpoint}, RFC 8414)
 * unless {@link Builder#endpoint(URI)} names it; RFC 9701 signed answers are verified with the issuer's keys.
 *
 * <p>Answers are cached by the token's SHA-256 (never the token): an active answer for min({@link Builder#cacheTtl},
 * {@code exp − now}), an inactive one for {@link Builder#inactiveCacheTtl}; transport errors, 4xx/5xx answers and
 * unusable answers never. HTTP cache headers on the answer ({@code Cache-Control: no-cache}, which Keycloak always
 * sends) are meant for intermediaries and do not change this. Concurrent requests with one unseen token share one
 * call. When the endpoint cannot be asked, a token seen active within {@link Builder#staleIfError} keeps being
 * accepted until its {@code exp}; any other is refused 503 ({@code INTROSPECTION_UNAVAILABLE}), never allowed.
 *
 * <p>Set-once builder; exactly one client authentication method (RFC 7591 §2 names): {@code client_secret_basic},
 * {@code client_secret_post}, {@code private_key_jwt} (RFC 7523) or {@code tls_client_auth} (RFC 8705 §2.1).
 *
 * @since 0.3
 */
public final class Introspection {

  /** Default maximum life of a cached active answer. */
  public static final Duration DEFAULT_CACHE_TTL = Duration.ofSeconds(30);

  /** Default life of a cached inactive answer. */
  public static final Duration DEFAULT_INACTIVE_CACHE_TTL = Duration.ofSeconds(10);

  /** Default window in which a token seen active is still accepted while the endpoint cannot be asked. */
  public static final Duration DEFAULT_STALE_IF_ERROR = Duration.ofMinutes(5);

  /** The client authentication methods (RFC 7591 §2 {@code token_endpoint_auth_method} names). */
  public enum ClientAuth {
    /** HTTP Basic with the form-urlencoded client id and secret (RFC 6749 §2.3.1). */
    CLIENT_SECRET_BASIC("client_secret_basic"),
    /** {@code client_id} and {@code client_secret} in the form body (RFC 6749 §2.3.1). */
    CLIENT_SECRET_POST("client_secret_post"),
    /** A short-lived JWT signed with the client's private key (RFC 7523 §2.2, OIDC Core §9). */
    PRIVATE_KEY_JWT("private_key_jwt"),
    /** Mutual TLS with the client's certificate (RFC 8705 §2.1), e.g. the workload's X.509-SVID. */
    TLS_CLIENT_AUTH("tls_client_auth");

    private final String wireName;

    ClientAuth(String wireName) {
      this.wireName = wireName;
    }

    /** The registered name ({@code client_secret_basic}, …). */
    public String wireName() {
      return wireName;
    }

    /** The method a registered name stands for. */
    public static Optional<ClientAuth> ofWireName(String name) {
      for (ClientAuth a : values()) {
        if (a.wireName.equals(name)) {
          return Optional.of(a);
        }
      }
      return Optional.empty();
    }
  }

  private final String clientId;
  private final ClientAuth clientAuth;
  private final ClientCredentials credentials; // the secret or key: never printed
  private final Optional<URI> endpoint;
  private final boolean introspectJwts;
  private final boolean jwtResponses;
  private final Duration cacheTtl;
  private final Duration inactiveCacheTtl;
  private final Duration staleIfError;
  private final long cacheSize;
  private final Duration timeout;
  private final int maxResponseBytes;
  private final boolean allowMissingAudience;
  private final boolean allowPlainHttp;

  private Introspection(Builder b) {
    this.clientId = b.clientId;
    this.clientAuth = b.clientAuth;
    this.credentials = b.credentials;
    this.endpoint = Optional.ofNullable(b.endpoint);
    this.introspectJwts = b.introspectJwts;
    this.jwtResponses = b.jwtResponses;
    this.cacheTtl = b.cacheTtl == null ? DEFAULT_CACHE_TTL : b.cacheTtl;
    this.inactiveCacheTtl = b.inactiveCacheTtl == null ? DEFAULT_INACTIVE_CACHE_TTL : b.inactiveCacheTtl;
    this.staleIfError = b.staleIfError == null ? DEFAULT_STALE_IF_ERROR : b.staleIfError;
    this.cacheSize = b.cacheSize == 0 ? 10_000 : b.cacheSize;
    this.timeout = b.timeout == null ? Duration.ofSeconds(2) : b.timeout;
    this.maxResponseBytes = b.maxResponseBytes == 0 ? 64 * 1024 : b.maxResponseBytes;
    this.allowMissingAudience = b.allowMissingAudience;
    this.allowPlainHttp = b.allowPlainHttp;
  }

  /** Introspects as {@code clientId}; choose the authentication method next. */
  public static Builder client(String clientId) {
    return new Builder(clientId);
  }

  public String clientId() {
    return clientId;
  }

  public ClientAuth clientAuth() {
    return clientAuth;
  }

  /** The configured endpoint; empty when it is discovered from the issuer's metadata. */
  public Optional<URI> endpoint() {
    return endpoint;
  }

  /** Whether the issuer's JWTs are introspected too, after their local verification. */
  public boolean introspectJwts() {
    return introspectJwts;
  }

  /** Whether RFC 9701 signed answers are asked for (and then required). */
  public boolean jwtResponses() {
    return jwtResponses;
  }

  public Duration cacheTtl() {
    return cacheTtl;
  }

  public Duration inactiveCacheTtl() {
    return inactiveCacheTtl;
  }

  public Duration staleIfError() {
    return staleIfError;
  }

  public Duration timeout() {
    return timeout;
  }

  /** Whether an active answer without {@code aud} is accepted ({@link Builder#allowMissingAudience()}). */
  public boolean allowMissingAudience() {
    return allowMissingAudience;
  }

  long cacheSize() {
    return cacheSize;
  }

  int maxResponseBytes() {
    return maxResponseBytes;
  }

  boolean allowPlainHttp() {
    return allowPlainHttp;
  }

  ClientCredentials credentials() {
    return credentials;
  }

  @Override
  public String toString() {
    return "Introspection[client=" + clientId + ", auth=" + clientAuth.wireName() + ", endpoint="
        + endpoint.map(URI::toString).orElse("discovered") + "]";
  }

  /** Set-once builder; see {@link Introspection}. */
  public static final class Builder {
    private final String clientId;
    private ClientAuth clientAuth;
    private ClientCredentials credentials;
    private URI endpoint;
    private boolean introspectJwts;
    private boolean jwtResponses;
    private Duration cacheTtl;
    private Duration inactiveCacheTtl;
    private Duration staleIfError;
    private long cacheSize;
    private Duration timeout;
    private int maxResponseBytes;
    private boolean allowMissingAudience;
    private boolean allowPlainHttp;
    private final Set<String> set = new LinkedHashSet<>();

    private Builder(String clientId) {
      this.clientId = ClientCredentials.clientId(clientId);
    }

    private void once(String option) {
      if (!set.add(option)) {
        throw new IllegalStateException(option + " was already set");
      }
    }

    private void auth(ClientAuth method) {
      if (clientAuth != null) {
        throw new IllegalStateException("client authentication " + method.wireName() + " contradicts "
            + clientAuth.wireName() + ": choose one");
      }
      clientAuth = method;
    }

    /** HTTP Basic authentication (RFC 6749 §2.3.1): id and secret form-urlencoded, then Base64. */
    public Builder clientSecretBasic(String clientSecret) {
      auth(ClientAuth.CLIENT_SECRET_BASIC);
      this.credentials = ClientCredentials.secret(clientId, ClientCredentials.Method.CLIENT_SECRET_BASIC, clientSecret);
      return this;
    }

    /** {@code client_id} and {@code client_secret} in the request body (RFC 6749 §2.3.1). */
    public Builder clientSecretPost(String clientSecret) {
      auth(ClientAuth.CLIENT_SECRET_POST);
      this.credentials = ClientCredentials.secret(clientId, ClientCredentials.Method.CLIENT_SECRET_POST, clientSecret);
      return this;
    }

    /**
     * A client assertion (RFC 7523 §2.2) signed with {@code key} (RSA: RS256, at least 2048 bits; EC P-256: ES256):
     * {@code iss} = {@code sub} = the client id, {@code aud} = the issuer identifier (one string), a random {@code jti},
     * {@code exp} 60 s ahead.
     */
    public Builder privateKeyJwt(PrivateKey key) {
      auth(ClientAuth.PRIVATE_KEY_JWT);
      this.credentials = ClientCredentials.privateKeyJwt(clientId, key, null);
      return this;
    }

    /** As {@link #privateKeyJwt(PrivateKey)}, naming the key ({@code kid}) in the assertion's header. */
    public Builder privateKeyJwt(PrivateKey key, String keyId) {
      auth(ClientAuth.PRIVATE_KEY_JWT);
      if (keyId == null || keyId.isBlank()) {
        throw new IllegalArgumentException("key id must not be blank");
      }
      this.credentials = ClientCredentials.privateKeyJwt(clientId, key, keyId);
      return this;
    }

    /**
     * Mutual TLS (RFC 8705 §2.1): the client certificate comes from the {@link SSLContext} {@code sslContext}
     * supplies (asked before each call; a new instance replaces the connection pool), e.g. zt-spiffe's context over
     * the workload's rotating X.509-SVID. The endpoint must be {@code https}.
     */
    public Builder tlsClientAuth(Supplier<SSLContext> sslContext) {
      auth(ClientAuth.TLS_CLIENT_AUTH);
      this.credentials = ClientCredentials.tls(clientId, sslContext);
      return this;
    }

    /** The introspection endpoint; without it, {@code introspection_endpoint} of the issuer's metadata. */
    public Builder endpoint(URI endpoint) {
      once("endpoint");
      this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
      return this;
    }

    /**
     * Introspects the issuer's JWTs too, after their local verification succeeded, so a token revoked at the issuer
     * is refused within the cache life; both the signature and the introspection answer must hold.
     */
    public Builder introspectJwts() {
      once("introspectJwts");
      this.introspectJwts = true;
      return this;
    }

    /**
     * Asks for JWT-secured answers (RFC 9701: {@code Accept: application/token-introspection+jwt}) and accepts no
     * other: the answer's signature (issuer's keys), {@code typ}, {@code iss}, {@code aud} (= the client id) and
     * {@code iat} must hold.
     */
    public Builder jwtResponses() {
      once("jwtResponses");
      this.jwtResponses = true;
      return this;
    }

    /** The longest an active answer is cached (never past the token's {@code exp}); default 30 s, within [1 s, 1 h]. */
    public Builder cacheTtl(Duration ttl) {
      once("cacheTtl");
      this.cacheTtl = within("cache TTL", ttl, Duration.ofSeconds(1), Duration.ofHours(1));
      return this;
    }

    /** How long an inactive answer is cached; default 10 s, within [0, 10 min] (0: not cached). */
    public Builder inactiveCacheTtl(Duration ttl) {
      once("inactiveCacheTtl");
      this.inactiveCacheTtl = within("inactive cache TTL", ttl, Duration.ZERO, Duration.ofMinutes(10));
      return this;
    }

    /**
     * While the endpoint cannot be asked, a token whose last answer (within {@code window}) was active is still
     * accepted until its {@code exp}; default 5 min, within [0, 1 h] (0: every outage refuses with 503).
     */
    public Builder staleIfError(Duration window) {
      once("staleIfError");
      this.staleIfError = within("stale-if-error window", window, Duration.ZERO, Duration.ofHours(1));
      return this;
    }

    /** How many answers are cached; default 10 000, within [1, 10 000 000]. */
    public Builder cacheSize(long entries) {
      once("cacheSize");
      if (entries < 1 || entries > 10_000_000) {
        throw new IllegalArgumentException("cache size must be within [1, 10000000]: " + entries);
      }
      this.cacheSize = entries;
      return this;
    }

    /** The deadline of one introspection call, connect to last byte; default 2 s, within (0, 10 s]. */
    public Builder timeout(Duration timeout) {
      once("timeout");
      if (timeout.isZero()) {
        throw new IllegalArgumentException("timeout must be positive");
      }
      this.timeout = within("timeout", timeout, Duration.ofMillis(1), Duration.ofSeconds(10));
      return this;
    }

    /** The largest answer read, in bytes; default 64 KiB, within [1 KiB, 1 MiB]. */
    public Builder maxResponseBytes(int bytes) {
      once("maxResponseBytes");
      if (bytes < 1024 || bytes > 1024 * 1024) {
        throw new IllegalArgumentException("max response size must be within [1 KiB, 1 MiB]: " + bytes);
      }
      this.maxResponseBytes = bytes;
      return this;
    }

    /**
     * Accepts an active answer that carries no {@code aud} (RFC 7662 makes it optional). By default such an answer
     * is refused ({@code TOKEN_AUDIENCE_MISMATCH}): a token minted for another service must not work here, and
     * without {@code aud} nothing says it was not. An answer that carries {@code aud} must still name this service.
     */
    public Builder allowMissingAudience() {
      once("allowMissingAudience");
      this.allowMissingAudience = true;
      return this;
    }

    /**
     * Allows a plain {@code http} endpoint on hosts other than loopback: the client's credentials and every token
     * then cross the network in clear. Use only inside a network you control.
     */
    public Builder allowPlainHttpEndpoint() {
      once("allowPlainHttpEndpoint");
      this.allowPlainHttp = true;
      return this;
    }

    private static Duration within(String what, Duration d, Duration min, Duration max) {
      Objects.requireNonNull(d, what);
      if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
        throw new IllegalArgumentException(what + " must be within [" + min + ", " + max + "]: " + d);
      }
      return d;
    }

    /**
     * @throws IllegalStateException without a client authentication method, with a plain-http endpoint (other than
     *     loopback, unless {@link #allowPlainHttpEndpoint()}), or {@code tls_client_auth} to a non-https endpoint
     */
    public Introspection build() {
      if (clientAuth == null) {
        throw new IllegalStateException("a client authentication method is required: clientSecretBasic(…), "
            + "clientSecretPost(…), privateKeyJwt(…) or tlsClientAuth(…)");
      }
      if (endpoint != null) {
        checkEndpoint(endpoint, allowPlainHttp);
        if (clientAuth == ClientAuth.TLS_CLIENT_AUTH && !"https".equalsIgnoreCase(endpoint.getScheme())) {
          throw new IllegalStateException("tlsClientAuth needs an https endpoint: " + endpoint);
        }
      }
      return new Introspection(this);
    }
  }

  /** https, or plain http to a loopback literal (as {@link BearerJwt}'s key source) or when allowed by name. */
  static void checkEndpoint(URI endpoint, boolean allowPlainHttp) {
    String scheme = endpoint.getScheme() == null ? "" : endpoint.getScheme().toLowerCase(Locale.ROOT);
    if (endpoint.getHost() == null || endpoint.getRawUserInfo() != null || endpoint.getRawFragment() != null) {
      throw new IllegalStateException("introspection endpoint must be an absolute URL with a host, no user info or "
          + "fragment: " + endpoint);
    }
    if (scheme.equals("https")) {
      return;
    }
    if (scheme.equals("http") && (allowPlainHttp || Loopback.isLoopback(endpoint.getHost()))) {
      return;
    }
    throw new IllegalStateException("introspection endpoint must use https (plain http only to loopback, or with "
        + "allowPlainHttpEndpoint()): " + endpoint);
  }
}
