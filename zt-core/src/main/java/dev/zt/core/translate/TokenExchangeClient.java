package dev.zt.core.translate;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.zt.core.Decision;
import dev.zt.core.DenyReason;
import dev.zt.core.credential.VerifiedCredential;
import dev.zt.core.internal.CredentialedHttpClient;
import dev.zt.core.internal.BoundedBody;
import dev.zt.core.internal.ClientCredentials;
import dev.zt.core.internal.Encodings;
import dev.zt.core.internal.Loopback;
import dev.zt.core.internal.StrictJson;
import dev.zt.core.internal.pipeline.AfterAllow;
import dev.zt.core.internal.pipeline.Assembly;
import dev.zt.core.internal.pipeline.Features;
import dev.zt.core.internal.pipeline.RequestState;
import dev.zt.core.internal.pipeline.Step;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;

/**
 * An RFC 8693 token-exchange client: a gateway's translation through a security token service (e.g. Keycloak 26's
 * standard token exchange) instead of its own {@link InternalTokenMinter}. Given to
 * {@code Enforcer.Builder.translate(TokenExchangeClient)}, every allow of a caller with a verified token exchanges that
 * token (§2.1: {@code subject_token}, {@code subject_token_type} access token, {@code audience} = the upstream,
 * {@code scope} = the client's scopes among {@link Builder#scopes}, {@code requested_token_type} access token) and
 * the allow carries the issued token to forward ({@code Decision.Allow.forward()}); the client's token is never what
 * is forwarded.
 *
 * <p>The answer must be a §2.2.1 success: {@code access_token}, {@code issued_token_type} access token,
 * {@code token_type} {@code Bearer} (any case; {@code N_A} is not an access token), a positive {@code expires_in}.
 * A §2.2.2 refusal is a denial: {@code invalid_grant} → {@code TOKEN_EXCHANGE_SUBJECT_REFUSED} (401
 * {@code invalid_token}); {@code invalid_target}, {@code unauthorized_client}, {@code invalid_scope},
 * {@code invalid_request}, {@code access_denied} → {@code TOKEN_EXCHANGE_REFUSED} (403); the audit names the STS's
 * {@code error}. Anything else — connect error, the deadline (default 2 s), a 5xx, a 401 or {@code invalid_client}
 * (the gateway's own client authentication), another error, an answer that is not a valid token response or is
 * larger than the bound — is an outage: {@code TOKEN_EXCHANGE_UNAVAILABLE}, 503 with {@code Retry-After}. Never an
 * allow without the exchanged token.
 *
 * <p>Issued tokens are cached per (SHA-256 of the subject token, audience, scopes, actor = this client), reused while
 * more than a quarter of their {@code expires_in} is left and never once the subject token has ended; refusals and
 * outages are never cached; concurrent requests with one unseen subject token share one call. A subject token the
 * enforcer refuses as suspended, inactive, expired or refused by the STS loses its entries. Time is the enforcer's
 * clock. The call runs asynchronously (java.net.http; the request, which may carry a signed client assertion, is
 * built on the enforcer's blocking executor), so an event loop never waits for it.
 *
 * <p>Client authentication as the introspection client's: {@code client_secret_basic}, {@code client_secret_post},
 * {@code private_key_jwt} (RFC 7523) or {@code tls_client_auth} (RFC 8705 §2.1), exactly one.
 *
 * @since 0.3
 */
public final class TokenExchangeClient {

  static {
    Features.register(TokenExchangeClient.class, new Installer());
  }

  static final String GRANT = "urn:ietf:params:oauth:grant-type:token-exchange";
  static final String ACCESS_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:access_token";
  private static final Set<String> FORBIDDING = Set.of("invalid_target", "unauthorized_client", "invalid_scope",
      "invalid_request", "access_denied");

  private final ClientCredentials credentials;
  private final URI tokenEndpoint;
  private final String assertionAudience;
  private final String audience;
  private final Set<String> scopes;
  private final Duration timeout;
  private final int maxResponseBytes;
  private final Cache<String, Issued> cache; // by the subject token's hash: one entry per token, emptied in O(1)
  private final ConcurrentHashMap<Key, CompletableFuture<Outcome>> inFlight = new ConcurrentHashMap<>();
  private final AtomicLong calls = new AtomicLong();
  private final CredentialedHttpClient http;

  private record Key(String subjectHash, String audience, Set<String> scopes, String actor) {}

  /** An issued token, the key it was asked for, and the end of its use: before its own end and the subject's. */
  private record Issued(Key key, String token, long untilMillis) {}

  /** What a call came to: a token to cache and forward, or the denial (with the audit's detail). */
  private record Outcome(Issued issued, DenyReason reason, String detail) {}

  private TokenExchangeClient(Builder b) {
    this.credentials = b.credentials;
    this.tokenEndpoint = b.tokenEndpoint;
    this.assertionAudience = b.assertionAudience == null ? b.tokenEndpoint.toString() : b.assertionAudience;
    this.audience = b.audience;
    this.scopes = Set.copyOf(b.scopes);
    this.timeout = b.timeout;
    this.http = new CredentialedHttpClient(b.credentials, b.timeout);
    this.maxResponseBytes = b.maxResponseBytes;
    // no time-based expiry in Caffeine (it reads the system ticker): each entry carries its end on the enforcer's clock
    this.cache = Caffeine.newBuilder().maximumSize(b.cacheSize).executor(Runnable::run).build();
  }

  /** Exchanges as {@code clientId} (the gateway's client at the STS); choose the authentication method next. */
  public static Builder client(String clientId) {
    return new Builder(clientId);
  }

  /** The token endpoint asked. */
  public URI tokenEndpoint() {
    return tokenEndpoint;
  }

  /** The {@code audience} every exchange asks for: the upstream. */
  public String audience() {
    return audience;
  }

  /** How many calls were made to the STS (started), for tests and metrics. */
  public long calls() {
    return calls.get();
  }

  /** Drops the cached tokens exchanged for {@code subjectToken} (a suspended or revoked client token). */
  public void invalidateSubject(String subjectToken) {
    String hash = SubjectTokens.sha256(Objects.requireNonNull(subjectToken, "subjectToken"));
    cache.invalidate(hash);
  }

  @Override
  public String toString() {
    return "TokenExchangeClient[client=" + credentials.clientId() + ", auth=" + credentials.method().wireName()
        + ", endpoint=" + tokenEndpoint + ", audience=" + audience + "]";
  }

  private Set<String> narrowed(VerifiedCredential credential) {
    Set<String> s = new TreeSet<>(credential.scopes());
    s.retainAll(scopes);
    return Set.copyOf(s);
  }

  /** The step's work: a cached token at once, else the (joined or started) call. */
  Step exchange(RequestState state, VerifiedCredential credential, String subjectToken, Clock clock,
      Executor executor) {
    long now = state.now();
    long subjectEnd = credential.expiresAt().toEpochMilli();
    if (now >= subjectEnd) { // the gate's clock skew may still admit it: never exchange a token that has ended
      state.note("token exchange: the subject token has ended");
      return Step.deny(DenyReason.TOKEN_EXPIRED);
    }
    Set<String> narrowed = narrowed(credential);
    Key key = new Key(SubjectTokens.sha256(subjectToken), audience, narrowed, credentials.clientId());
    Issued hit = cache.getIfPresent(key.subjectHash());
    if (hit != null && hit.key().equals(key) && now < hit.untilMillis()) {
      state.forward(Decision.ForwardedCredential.bearer(hit.token()));
      return Step.proceed();
    }
    CompletableFuture<Outcome> call = start(key, subjectToken, narrowed, now, subjectEnd, clock, executor);
    return Step.later(call.thenApply(outcome -> {
      if (outcome.issued() != null) {
        state.note("token exchange: issued");
        state.forward(Decision.ForwardedCredential.bearer(outcome.issued().token()));
        return Step.proceed();
      }
      state.note(outcome.detail());
      return Step.deny(outcome.reason());
    }));
  }

  /** Starts the call for {@code key}, or joins the one under way: never two at once for one key. */
  private CompletableFuture<Outcome> start(Key key, String subjectToken, Set<String> narrowed, long now,
      long subjectEnd, Clock clock, Executor executor) {
    CompletableFuture<Outcome> mine = new CompletableFuture<>();
    CompletableFuture<Outcome> current = inFlight.putIfAbsent(key, mine);
    if (current != null) {
      return current;
    }
    // a token may have landed between the probe and now (it is cached before its call leaves inFlight)
    Issued landed = cache.getIfPresent(key.subjectHash());
    if (landed != null && landed.key().equals(key) && now < landed.untilMillis()) {
      inFlight.remove(key, mine);
      mine.complete(new Outcome(landed, null, null));
      return mine;
    }
    calls.incrementAndGet();
    CompletableFuture<Outcome> call;
    try {
      call = call(key, subjectToken, narrowed, now, subjectEnd, clock, executor);
    } catch (RuntimeException e) {
      call = CompletableFuture.completedFuture(unavailable("token exchange not started: "
          + e.getClass().getSimpleName()));
    }
    call.whenComplete((outcome, error) -> {
      Outcome o = outcome != null ? outcome : unavailable(describe(error));
      if (o.issued() != null && o.issued().untilMillis() > clock.millis()) {
        cache.put(key.subjectHash(), o.issued());
      }
      inFlight.remove(key, mine);
      mine.complete(o);
    });
    return mine;
  }

  private CompletableFuture<Outcome> call(Key key, String subjectToken, Set<String> narrowed, long now,
      long subjectEnd, Clock clock, Executor executor) {
    return CompletableFuture.supplyAsync(() -> request(subjectToken, narrowed, clock.millis()), executor)
        .thenCompose(request -> http.get().sendAsync(request, ignored -> new BoundedBody(maxResponseBytes,
            () -> new IllegalStateException("answer larger than " + maxResponseBytes + " bytes"))))
        .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .thenApply(response -> read(key, response, now, subjectEnd))
        .exceptionally(e -> unavailable(describe(e)));
  }

  /** The RFC 8693 §2.1 request with the client's authentication. */
  HttpRequest request(String subjectToken, Set<String> narrowed, long nowMillis) {
    StringBuilder form = new StringBuilder(subjectToken.length() + 256)
        .append("grant_type=").append(ClientCredentials.enc(GRANT))
        .append("&subject_token=").append(ClientCredentials.enc(subjectToken))
        .append("&subject_token_type=").append(ClientCredentials.enc(ACCESS_TOKEN_TYPE))
        .append("&requested_token_type=").append(ClientCredentials.enc(ACCESS_TOKEN_TYPE))
        .append("&audience=").append(ClientCredentials.enc(audience));
    if (!narrowed.isEmpty()) {
      form.append("&scope=").append(ClientCredentials.enc(String.join(" ", new TreeSet<>(narrowed))));
    }
    HttpRequest.Builder b = HttpRequest.newBuilder(tokenEndpoint)
        .timeout(timeout)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .header("Accept", "application/json");
    credentials.apply(b, form, assertionAudience, nowMillis);
    return b.POST(HttpRequest.BodyPublishers.ofString(form.toString(), StandardCharsets.US_ASCII)).build();
  }

  /** Judges the answer: a §2.2.1 success, a §2.2.2 refusal, or an outage. */
  private Outcome read(Key key, HttpResponse<byte[]> response, long now, long subjectEnd) {
    int status = response.statusCode();
    if (status == 401) {
      return unavailable("the STS refused the gateway's client authentication (401)");
    }
    Map<String, Object> json = json(response);
    if (status == 400 || status == 403) {
      if (json == null || !(json.get("error") instanceof String error)) {
        return unavailable("the STS answered " + status + " without an OAuth error");
      }
      String code = Encodings.printableAscii(error, 40, "")
          + (json.get("error_description") instanceof String d ? " (" + Encodings.printableAscii(d, 80, "") + ")" : "");
      if (error.equals("invalid_grant")) {
        return new Outcome(null, DenyReason.TOKEN_EXCHANGE_SUBJECT_REFUSED, "token exchange refused: error=" + code);
      }
      if (FORBIDDING.contains(error)) {
        return new Outcome(null, DenyReason.TOKEN_EXCHANGE_REFUSED, "token exchange refused: error=" + code);
      }
      // invalid_client (the gateway's own client: Keycloak 26 also says so, with 400, of an audience not available
      // to it), unsupported_grant_type (no exchange at this STS), unknown codes: the gateway's set-up, not the caller
      return unavailable("the STS answered " + status + " error=" + code);
    }
    if (status != 200) {
      return unavailable("the STS answered " + status);
    }
    if (json == null) {
      return unavailable("the STS's answer is not a JSON object");
    }
    if (!(json.get("access_token") instanceof String token) || token.isEmpty()
        || !token.chars().allMatch(c -> c > 0x20 && c < 0x7f && c != ',' && c != '"')) {
      return unavailable("the STS's answer has no usable access_token");
    }
    if (!ACCESS_TOKEN_TYPE.equals(json.get("issued_token_type"))) {
      return unavailable("the STS's answer is not an access token (issued_token_type)");
    }
    if (!(json.get("token_type") instanceof String type) || !type.equalsIgnoreCase("Bearer")) {
      return unavailable("the STS's answer is not a Bearer token (token_type)");
    }
    long expiresIn = json.get("expires_in") instanceof Long l ? l : -1;
    if (expiresIn <= 0 || expiresIn > 86_400L * 365) {
      return unavailable("the STS's answer has no usable expires_in");
    }
    long until = Math.min(now + expiresIn * 750L, subjectEnd); // reused while more than a quarter is left
    return new Outcome(new Issued(key, token, until), null, null);
  }

  private static Map<String, Object> json(HttpResponse<byte[]> response) {
    String type = response.headers().firstValue("Content-Type").orElse("");
    int semi = type.indexOf(';');
    String media = (semi < 0 ? type : type.substring(0, semi)).strip().toLowerCase(Locale.ROOT);
    if (!media.equals("application/json")) {
      return null;
    }
    return StrictJson.object(response.body());
  }

  private Outcome unavailable(String detail) {
    return new Outcome(null, DenyReason.TOKEN_EXCHANGE_UNAVAILABLE, "token exchange at " + tokenEndpoint + ": "
        + detail);
  }

  private String describe(Throwable e) {
    Throwable cause = e;
    while ((cause instanceof CompletionException || cause instanceof java.util.concurrent.ExecutionException)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    if (cause instanceof TimeoutException || cause instanceof java.net.http.HttpTimeoutException) {
      return "timed out after " + timeout.toMillis() + " ms";
    }
    if (cause instanceof IllegalStateException ise && ise.getMessage() != null
        && ise.getMessage().startsWith("answer larger")) {
      return ise.getMessage();
    }
    return "unavailable: " + (cause == null ? "-" : cause.getClass().getSimpleName());
  }

  /** Puts the FORWARD step (and the emptying of a refused subject token's entries) into an enforcer being built. */
  private static final class Installer implements Features.Installer<TokenExchangeClient> {
    @Override
    public void install(TokenExchangeClient sts, Assembly assembly) {
      Clock clock = assembly.clock();
      Executor executor = assembly.executor();
      assembly.afterAllow(AfterAllow.Stage.FORWARD, new SubjectTokens.Forward("token-exchange",
          (state, credential, subjectToken) -> sts.exchange(state, credential, subjectToken, clock, executor)));
      assembly.afterAnswer(new SubjectTokens.Emptying(sts::invalidateSubject));
    }
  }

  /** Set-once builder; see {@link TokenExchangeClient}. The token endpoint, the audience and a client authentication
   * method are required. */
  public static final class Builder {
    private final String clientId;
    private ClientCredentials credentials;
    private URI tokenEndpoint;
    private String assertionAudience;
    private String audience;
    private final Set<String> scopes = new LinkedHashSet<>();
    private Duration timeout = Duration.ofSeconds(2);
    private int maxResponseBytes = 64 * 1024;
    private long cacheSize = 10_000;
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

    private Builder auth(Supplier<ClientCredentials> make, String method) {
      if (credentials != null) {
        throw new IllegalStateException("client authentication " + method + " contradicts "
            + credentials.method().wireName() + ": choose one");
      }
      credentials = make.get();
      return this;
    }

    /** HTTP Basic authentication (RFC 6749 §2.3.1): id and secret form-urlencoded, then Base64. */
    public Builder clientSecretBasic(String clientSecret) {
      return auth(() -> ClientCredentials.secret(clientId, ClientCredentials.Method.CLIENT_SECRET_BASIC,
          clientSecret), "client_secret_basic");
    }

    /** {@code client_id} and {@code client_secret} in the request body (RFC 6749 §2.3.1). */
    public Builder clientSecretPost(String clientSecret) {
      return auth(() -> ClientCredentials.secret(clientId, ClientCredentials.Method.CLIENT_SECRET_POST,
          clientSecret), "client_secret_post");
    }

    /**
     * A client assertion (RFC 7523 §2.2) signed with {@code key} (RSA ≥ 2048 bits: RS256; EC P-256: ES256), its one
     * {@code aud} the {@link #issuer(String) STS's issuer} (default: the token endpoint).
     */
    public Builder privateKeyJwt(PrivateKey key) {
      return auth(() -> ClientCredentials.privateKeyJwt(clientId, key, null), "private_key_jwt");
    }

    /** As {@link #privateKeyJwt(PrivateKey)}, naming the key ({@code kid}) in the assertion's header. */
    public Builder privateKeyJwt(PrivateKey key, String keyId) {
      if (keyId == null || keyId.isBlank()) {
        throw new IllegalArgumentException("key id must not be blank");
      }
      return auth(() -> ClientCredentials.privateKeyJwt(clientId, key, keyId), "private_key_jwt");
    }

    /** Mutual TLS (RFC 8705 §2.1) with the certificate of the context {@code sslContext} supplies; https only. */
    public Builder tlsClientAuth(Supplier<SSLContext> sslContext) {
      return auth(() -> ClientCredentials.tls(clientId, sslContext), "tls_client_auth");
    }

    /** The STS's token endpoint (RFC 8693 §2.1): https, or plain http to a loopback literal. */
    public Builder tokenEndpoint(URI endpoint) {
      once("tokenEndpoint");
      this.tokenEndpoint = Objects.requireNonNull(endpoint, "endpoint");
      return this;
    }

    /** The STS's issuer identifier: the {@code aud} of a {@code private_key_jwt} assertion (default the endpoint). */
    public Builder issuer(String issuer) {
      once("issuer");
      this.assertionAudience = requireText(issuer, "issuer");
      return this;
    }

    /** The {@code audience} asked for: the upstream (Keycloak 26: the target client's id). */
    public Builder audience(String audience) {
      once("audience");
      this.audience = requireText(audience, "audience");
      return this;
    }

    /**
     * The scopes the upstream needs: the {@code scope} asked for is the client's scopes among these, and none is
     * asked for when nothing is left or none are named (the STS's default for the audience).
     */
    public Builder scopes(String... scopes) {
      once("scopes");
      for (String s : scopes) {
        if (requireText(s, "scope").contains(" ")) {
          throw new IllegalArgumentException("a scope has no space: " + s);
        }
        this.scopes.add(s);
      }
      return this;
    }

    /** The deadline of one exchange, connect to last byte; default 2 s, within [1 ms, 10 s]. */
    public Builder timeout(Duration timeout) {
      once("timeout");
      Objects.requireNonNull(timeout, "timeout");
      if (timeout.compareTo(Duration.ofMillis(1)) < 0 || timeout.compareTo(Duration.ofSeconds(10)) > 0) {
        throw new IllegalArgumentException("timeout must be within [1 ms, 10 s]: " + timeout);
      }
      this.timeout = timeout;
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

    /** How many exchanged tokens are cached; default 10 000, within [1, 10 000 000]. */
    public Builder cacheSize(long entries) {
      once("cacheSize");
      if (entries < 1 || entries > 10_000_000) {
        throw new IllegalArgumentException("cache size must be within [1, 10000000]: " + entries);
      }
      this.cacheSize = entries;
      return this;
    }

    /**
     * Allows a plain {@code http} token endpoint on hosts other than loopback: the client's credentials, every
     * client token and every exchanged token then cross the network in clear. Use only inside a network you control.
     */
    public Builder allowPlainHttpEndpoint() {
      once("allowPlainHttpEndpoint");
      this.allowPlainHttp = true;
      return this;
    }

    /**
     * @throws IllegalStateException without the token endpoint, the audience or a client authentication method, with
     *     a plain-http endpoint (other than loopback, unless {@link #allowPlainHttpEndpoint()}), or
     *     {@code tls_client_auth} to a non-https endpoint
     */
    public TokenExchangeClient build() {
      if (credentials == null) {
        throw new IllegalStateException("a client authentication method is required: clientSecretBasic(…), "
            + "clientSecretPost(…), privateKeyJwt(…) or tlsClientAuth(…)");
      }
      if (tokenEndpoint == null || audience == null) {
        throw new IllegalStateException("tokenEndpoint and audience are required");
      }
      String scheme = tokenEndpoint.getScheme() == null ? "" : tokenEndpoint.getScheme().toLowerCase(Locale.ROOT);
      if (tokenEndpoint.getHost() == null || tokenEndpoint.getRawUserInfo() != null
          || tokenEndpoint.getRawFragment() != null) {
        throw new IllegalStateException("the token endpoint must be an absolute URL with a host, no user info or "
            + "fragment: " + tokenEndpoint);
      }
      if (!scheme.equals("https") && !(scheme.equals("http")
          && (allowPlainHttp || Loopback.isLoopback(tokenEndpoint.getHost())))) {
        throw new IllegalStateException("the token endpoint must use https (plain http only to loopback, or with "
            + "allowPlainHttpEndpoint()): " + tokenEndpoint);
      }
      if (credentials.method() == ClientCredentials.Method.TLS_CLIENT_AUTH && !scheme.equals("https")) {
        throw new IllegalStateException("tlsClientAuth needs an https endpoint: " + tokenEndpoint);
      }
      return new TokenExchangeClient(this);
    }

    private static String requireText(String s, String what) {
      if (Objects.requireNonNull(s, what).isBlank()) {
        throw new IllegalArgumentException(what + " is blank");
      }
      return s;
    }
  }
}
