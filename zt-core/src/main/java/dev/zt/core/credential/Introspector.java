package dev.zt.core.credential;

import dev.zt.core.Caller;
import dev.zt.core.DenyReason;
import dev.zt.core.internal.CredentialedHttpClient;
import dev.zt.core.internal.BoundedBody;
import dev.zt.core.internal.Encodings;
import dev.zt.core.internal.JsonClaims;
import dev.zt.core.internal.StrictJson;
import dev.zt.core.internal.pipeline.CoreAccess;
import dev.zt.core.internal.pipeline.RequestState;
import dev.zt.core.internal.pipeline.Step;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jose.util.JSONObjectUtils;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The RFC 7662 client of one issuer: asks its introspection endpoint (java.net.http, asynchronous, a deadline on
 * every call, a bounded answer), judges the answer by the issuer's rules, and caches it by the token's SHA-256 (never
 * the token). Concurrent requests with one unseen token share one call (single flight). An answer is cached for
 * min(cache TTL, {@code exp − now}) when active, the inactive TTL otherwise; a failed call never. While the endpoint
 * cannot be asked, a token whose last answer was active within the stale-if-error window stays accepted until its
 * {@code exp}.
 *
 * <p>Every time decision reads the enforcer's clock; Caffeine only bounds the size.
 */
final class Introspector {

  private static final String FORM = "application/x-www-form-urlencoded";
  private static final String JSON = "application/json";
  private static final String JWT_ANSWER = "application/token-introspection+jwt";
  private static final long SIGNED_ANSWER_MAX_AGE_MILLIS = 5 * 60 * 1000L;
  private static final Set<String> ACCESS_TOKEN_TYPES = Set.of("bearer", "access_token", "dpop",
      "urn:ietf:params:oauth:token-type:access_token");
  private static final String[] STRING_MEMBERS =
      {"iss", "sub", "jti", "client_id", "username", "scope", "token_type"};
  // one digest per thread with its scratch buffers, reset by each digest(): a clone or getInstance per request, or
  // the token's bytes and the digest's result allocated per request, cost more than the hash
  private static final ThreadLocal<Sha256> SHA256 = ThreadLocal.withInitial(Sha256::new);
  private static final java.lang.invoke.VarHandle LONGS =
      java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.BIG_ENDIAN);

  /** A thread's SHA-256 and the buffers it hashes from and into. */
  private static final class Sha256 {
    final MessageDigest digest;
    final byte[] in = new byte[512];
    final byte[] out = new byte[32];

    Sha256() {
      try {
        digest = MessageDigest.getInstance("SHA-256");
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  /** The cache key: a token's SHA-256, as four longs (the token itself is never kept). */
  record TokenHash(long a, long b, long c, long d) {

    /**
     * The SHA-256 of a token that is ASCII (what every token that reaches the endpoint is: a b64token).
     *
     * @throws IllegalArgumentException if it is not ASCII
     */
    static TokenHash of(String token) {
      TokenHash h = ofAsciiOrNull(token, 0, token.length());
      if (h == null) {
        throw new IllegalArgumentException("not an ASCII token");
      }
      return h;
    }

    /**
     * The SHA-256 of the characters {@code from}..{@code to} of {@code s} as ASCII bytes, hashed straight from the
     * string (no substring, no byte copy of the whole token, no result array), or {@code null} when one of them is
     * not ASCII: the key is then never one that an ASCII token has (a {@code char} is never truncated to a byte that
     * another token spells), and the caller refuses the token by its full checks.
     */
    static TokenHash ofAsciiOrNull(String s, int from, int to) {
      Sha256 t = SHA256.get();
      byte[] in = t.in;
      int seen = 0;
      int i = from;
      while (i < to) {
        int n = Math.min(in.length, to - i);
        for (int j = 0; j < n; j++) {
          char c = s.charAt(i + j);
          seen |= c;
          in[j] = (byte) c;
        }
        t.digest.update(in, 0, n);
        i += n;
      }
      byte[] out = t.out;
      try {
        t.digest.digest(out, 0, out.length); // resets the digest, also after a non-ASCII token
      } catch (java.security.DigestException e) {
        throw new IllegalStateException(e);
      }
      if ((seen & ~0x7F) != 0) {
        return null;
      }
      return new TokenHash((long) LONGS.get(out, 0), (long) LONGS.get(out, 8), (long) LONGS.get(out, 16),
          (long) LONGS.get(out, 24));
    }

    @Override
    public String toString() {
      return "TokenHash[" + Long.toHexString(a) + "…]";
    }
  }

  /**
   * An answer, as judged: active (with the token and caller, for an opaque token) or refused (inactive, or active but
   * failing zt's rules) with the reason. {@code fetchedMillis} is when it was received, {@code untilMillis} the end of
   * its cache life, {@code expMillis} the token's {@code exp} (active answers).
   */
  record Answer(boolean active, DenyReason reason, String detail, IntrospectedToken token, Caller caller,
      long fetchedMillis, long untilMillis, long expMillis) {

    boolean freshAt(long now) {
      return now < untilMillis;
    }

    /** Whether it may stand in for an answer the endpoint cannot give now (stale-if-error). */
    boolean servesStaleAt(long now, long windowMillis) {
      return active && now - fetchedMillis <= windowMillis && now < expMillis;
    }

    /** Whether it is of no use any more, fresh or stale. */
    boolean deadAt(long now, long windowMillis) {
      return now >= untilMillis && !servesStaleAt(now, windowMillis);
    }
  }

  /** The endpoint could not be asked or gave no usable answer: never cached, never an allow. */
  static final class Unavailable extends Exception {
    private static final long serialVersionUID = 1L;

    Unavailable(String detail) {
      super(detail, null, false, false);
    }
  }

  /** What the credential gate does with an accepted opaque token (suspension check, then authenticate). */
  interface Admission {
    Step admit(RequestState exchange, IntrospectedToken token, Caller caller);
  }

  private final BearerJwt issuerConfig;
  private final Introspection config;
  private final JwtVerifier verifier;
  private final String qualifier;
  private final Clock clock;
  private final Executor executor;
  private final long skewMillis;
  private final long ttlMillis;
  private final long inactiveTtlMillis;
  private final long staleMillis;
  private final long maxAgeMillis;
  private final Cache<TokenHash, Answer> answers;
  private final com.github.benmanes.caffeine.cache.Policy<TokenHash, Answer> answersPolicy; // quiet reads
  private final ConcurrentHashMap<TokenHash, CompletableFuture<Answer>> inFlight = new ConcurrentHashMap<>();
  private final AtomicLong nextSweep = new AtomicLong();
  private final AtomicLong calls = new AtomicLong();
  private volatile CompletableFuture<URI> endpoint;
  private final CredentialedHttpClient http;

  Introspector(BearerJwt issuerConfig, Introspection config, JwtVerifier verifier, String qualifier, Clock clock,
      Executor executor) {
    this.issuerConfig = issuerConfig;
    this.config = config;
    this.http = new CredentialedHttpClient(config.credentials(), config.timeout());
    this.verifier = verifier;
    this.qualifier = qualifier;
    this.clock = clock;
    this.executor = executor;
    this.skewMillis = issuerConfig.clockSkew().toMillis();
    this.ttlMillis = config.cacheTtl().toMillis();
    this.inactiveTtlMillis = config.inactiveCacheTtl().toMillis();
    this.staleMillis = config.staleIfError().toMillis();
    this.maxAgeMillis = issuerConfig.maxAge().map(java.time.Duration::toMillis).orElse(-1L);
    // no time-based expiry in Caffeine (it would read the system ticker): each answer carries its own end, checked
    // against the enforcer's clock; the size bound holds in between, and dead answers are swept once a minute
    this.answers = Caffeine.newBuilder().maximumSize(config.cacheSize()).executor(Runnable::run).build();
    this.answersPolicy = answers.policy();
    this.endpoint = config.endpoint().map(CompletableFuture::completedFuture).orElse(null);
  }

  boolean introspectsJwts() {
    return config.introspectJwts();
  }

  /** How many calls were made to the endpoint (started), for tests. */
  long calls() {
    return calls.get();
  }

  /**
   * The step for a token that is not a JWT of an accepted issuer: a fresh cached answer decides at once; else the
   * answer is asked for (or joined, when a call for the same token is under way) and the step completes with it.
   * A call for a token not known to be active is paid for from the source's validation budget first.
   */
  Step opaque(RequestState exchange, String token, ValidationBudget budget, Admission admission) {
    return opaque(exchange, TokenHash.of(token), token, budget, admission);
  }

  /** {@link #opaque(RequestState, String, ValidationBudget, Admission)} with the token's hash computed already. */
  Step opaque(RequestState exchange, TokenHash key, String token, ValidationBudget budget, Admission admission) {
    long now = exchange.now();
    Answer cached = cached(key);
    if (cached != null && cached.freshAt(now)) {
      return decide(exchange, cached, true, () -> admission.admit(exchange, cached.token(), cached.caller()));
    }
    CompletableFuture<Answer> call = inFlight.get(key);
    if (call == null) {
      if (budget != null && (cached == null || !cached.active())) {
        Step allowed = budget.take(exchange);
        if (allowed != Step.Proceed.INSTANCE) {
          return allowed;
        }
      }
      call = start(key, token, true);
    }
    return Step.later(call.handle((answer, error) -> answer != null
        ? decide(exchange, answer, false, () -> admission.admit(exchange, answer.token(), answer.caller()))
        : outage(exchange, key, error, stale -> admission.admit(exchange, stale.token(), stale.caller()))));
  }

  /**
   * The step for an opaque token whose fresh answer is cached, decided at once; {@code null} when none is (the caller
   * then checks the token in full and calls {@link #opaque}). Only a token that passed every check before its call
   * has an answer, and the key is its SHA-256: a hit is that very token, so the hot path skips the checks a miss runs.
   */
  Step cachedOpaqueOrNull(RequestState exchange, TokenHash key, Admission admission) {
    Answer cached = cached(key);
    if (cached == null || !cached.freshAt(exchange.now())) {
      return null;
    }
    if (cached.active()) {
      exchange.note("introspection: active (cached)");
      return admission.admit(exchange, cached.token(), cached.caller());
    }
    exchange.note("introspection: " + cached.detail() + " (cached)");
    return Step.deny(cached.reason());
  }

  /**
   * The step for a JWT that verified locally, when the issuer introspects its JWTs too: {@code admitted} runs once
   * the (cached or fresh) answer is active. Not budgeted: only the issuer can mint a token that verifies. The key is
   * the token's hash, computed once when the JWT was validated (a cached JWT is not hashed again on every request);
   * the token itself is read only for a call.
   */
  Step jwt(RequestState exchange, TokenHash key, java.util.function.Supplier<String> token,
      java.util.function.Supplier<Step> admitted) {
    long now = exchange.now();
    Answer cached = cached(key);
    if (cached != null && cached.freshAt(now)) {
      return decide(exchange, cached, true, admitted);
    }
    CompletableFuture<Answer> call = inFlight.get(key);
    if (call == null) {
      call = start(key, token.get(), false);
    }
    return Step.later(call.handle((answer, error) -> answer != null
        ? decide(exchange, answer, false, admitted)
        : outage(exchange, key, error, stale -> admitted.get())));
  }

  /**
   * The cache probe, read quietly as the validated-token cache's (most hits record nothing shared and run no cache
   * maintenance on the caller's thread; one in 16 is a recorded read, which keeps size eviction informed).
   */
  private Answer cached(TokenHash key) {
    if ((java.util.concurrent.ThreadLocalRandom.current().nextInt() & 15) == 0) {
      return answers.getIfPresent(key);
    }
    return answersPolicy.getIfPresentQuietly(key);
  }

  private static Step decide(RequestState exchange, Answer answer, boolean cached,
      java.util.function.Supplier<Step> admitted) {
    if (answer.active()) {
      exchange.note(cached ? "introspection: active (cached)" : "introspection: active");
      return admitted.get();
    }
    exchange.note("introspection: " + answer.detail() + (cached ? " (cached)" : ""));
    return Step.deny(answer.reason());
  }

  private Step outage(RequestState exchange, TokenHash key, Throwable error,
      java.util.function.Function<Answer, Step> stale) {
    Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    String why = cause instanceof Unavailable u ? u.getMessage()
        : "introspection failed: " + (cause == null ? "-" : cause.getClass().getSimpleName());
    long now = clock.millis();
    Answer last = answers.getIfPresent(key);
    if (last != null && last.servesStaleAt(now, staleMillis)) {
      exchange.note(why + "; stale-if-error: active " + (now - last.fetchedMillis()) / 1000 + " s ago, served");
      return stale.apply(last);
    }
    exchange.note(why);
    return Step.deny(DenyReason.INTROSPECTION_UNAVAILABLE);
  }

  /** Starts the call for {@code key}, or joins the one under way; never two at once for one token. */
  private CompletableFuture<Answer> start(TokenHash key, String token, boolean opaque) {
    CompletableFuture<Answer> mine = new CompletableFuture<>();
    CompletableFuture<Answer> current = inFlight.putIfAbsent(key, mine);
    if (current != null) {
      return current;
    }
    // an answer may have landed between the caller's probe and now (it is cached before its call leaves inFlight)
    Answer landed = answers.getIfPresent(key);
    if (landed != null && landed.freshAt(clock.millis())) {
      inFlight.remove(key, mine);
      mine.complete(landed);
      return mine;
    }
    calls.incrementAndGet();
    CompletableFuture<Answer> call;
    try {
      call = call(token, opaque);
    } catch (RuntimeException e) {
      call = CompletableFuture.failedFuture(new Unavailable("introspection not started: "
          + e.getClass().getSimpleName()));
    }
    call.whenComplete((answer, error) -> {
      if (answer != null) {
        long now = clock.millis();
        if (answer.untilMillis() > now) {
          sweep(now);
          answers.put(key, answer);
        }
      }
      inFlight.remove(key, mine);
      if (answer != null) {
        mine.complete(answer);
      } else {
        mine.completeExceptionally(error);
      }
    });
    return mine;
  }

  private void sweep(long now) {
    long due = nextSweep.get();
    if (now >= due && nextSweep.compareAndSet(due, now + 60_000L)) {
      answers.asMap().values().removeIf(a -> a.deadAt(now, staleMillis));
    }
  }

  private CompletableFuture<Answer> call(String token, boolean opaque) {
    long timeout = config.timeout().toMillis();
    return endpoint()
        // built off the caller's thread: a private_key_jwt assertion is a signature (an event loop never signs)
        .thenApplyAsync(uri -> request(uri, token), executor)
        .thenCompose(request -> http.get().sendAsync(request, ignored -> new BoundedBody(config.maxResponseBytes(),
            () -> new Unavailable("introspection answer larger than " + config.maxResponseBytes() + " bytes")))
            .thenApply(response -> read(request.uri(), response)))
        .orTimeout(timeout, TimeUnit.MILLISECONDS)
        .thenApply(answer -> judge(answer, opaque, clock.millis()))
        .exceptionallyCompose(e -> CompletableFuture.failedFuture(unavailable(e)));
  }

  private Unavailable unavailable(Throwable e) {
    Throwable cause = e;
    while ((cause instanceof CompletionException || cause instanceof java.util.concurrent.ExecutionException)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    if (cause instanceof Unavailable u) {
      return u;
    }
    String where = endpoint != null && endpoint.isDone() && !endpoint.isCompletedExceptionally()
        ? " at " + endpoint.join() : "";
    if (cause instanceof TimeoutException) {
      return new Unavailable("introspection" + where + " timed out after " + config.timeout().toMillis() + " ms");
    }
    return new Unavailable("introspection" + where + " unavailable: " + JwtVerifier.describe(cause));
  }

  /** The endpoint: configured, or discovered once from the issuer's metadata (retried after a failure). */
  private CompletableFuture<URI> endpoint() {
    CompletableFuture<URI> e = endpoint;
    if (e != null && !e.isCompletedExceptionally()) {
      return e;
    }
    synchronized (this) {
      e = endpoint;
      if (e == null || e.isCompletedExceptionally()) {
        e = CompletableFuture.supplyAsync(this::discover, executor);
        endpoint = e;
      }
      return e;
    }
  }

  private URI discover() {
    int timeout = (int) config.timeout().toMillis();
    try {
      String found = IssuerKeySource.discover(issuerConfig.issuer(),
          new DefaultResourceRetriever(timeout, timeout, 64 * 1024), "introspection_endpoint");
      URI uri = URI.create(found);
      Introspection.checkEndpoint(uri, config.allowPlainHttp());
      if (config.clientAuth() == Introspection.ClientAuth.TLS_CLIENT_AUTH
          && !"https".equalsIgnoreCase(uri.getScheme())) {
        throw new IllegalStateException("tls_client_auth needs an https endpoint: " + uri);
      }
      return uri;
    } catch (com.nimbusds.jose.KeySourceException | RuntimeException ex) {
      throw new CompletionException(new Unavailable("introspection endpoint not discovered: "
          + JwtVerifier.describe(ex)));
    }
  }

  /** The introspection request (RFC 7662 §2.1) with the client's authentication. */
  HttpRequest request(URI uri, String token) {
    StringBuilder form = new StringBuilder(token.length() + 128)
        .append("token=").append(enc(token)).append("&token_type_hint=access_token");
    HttpRequest.Builder b = HttpRequest.newBuilder(uri)
        .timeout(config.timeout())
        .header("Content-Type", FORM)
        .header("Accept", config.jwtResponses() ? JWT_ANSWER : JSON);
    config.credentials().apply(b, form, issuerConfig.issuer(), clock.millis());
    return b.POST(HttpRequest.BodyPublishers.ofString(form.toString(), StandardCharsets.US_ASCII)).build();
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  /** The answer's members: a 200 with JSON (or, when asked for, an RFC 9701 signed answer); anything else fails. */
  private Map<String, Object> read(URI uri, HttpResponse<byte[]> response) {
    if (response.statusCode() != 200) {
      throw new CompletionException(new Unavailable("introspection at " + uri + " answered "
          + response.statusCode()));
    }
    String type = response.headers().firstValue("Content-Type").orElse("");
    int semi = type.indexOf(';');
    String media = (semi < 0 ? type : type.substring(0, semi)).strip().toLowerCase(Locale.ROOT);
    String text = utf8(response.body());
    if (text == null) {
      throw new CompletionException(new Unavailable("introspection at " + uri + ": answer is not UTF-8"));
    }
    Map<String, Object> answer;
    if (config.jwtResponses()) {
      if (!media.equals(JWT_ANSWER)) {
        throw new CompletionException(new Unavailable("introspection at " + uri + ": answer is "
            + Encodings.printableAscii(media, 60, "") + ", not the signed answer asked for (RFC 9701)"));
      }
      answer = signedAnswer(uri, text.strip());
    } else {
      if (!media.equals(JSON)) {
        throw new CompletionException(new Unavailable("introspection at " + uri + ": answer is "
            + Encodings.printableAscii(media, 60, "") + ", not application/json"));
      }
      answer = json(text);
      if (answer == null) {
        throw new CompletionException(new Unavailable("introspection at " + uri + ": answer is not a JSON object"));
      }
    }
    if (!(answer.get("active") instanceof Boolean)) {
      throw new CompletionException(new Unavailable("introspection at " + uri
          + ": not an introspection answer (active missing or not a boolean)"));
    }
    return answer;
  }

  /** RFC 9701 §5: signed by the issuer, typ token-introspection+jwt, iss, aud = our client id, a recent iat. */
  private Map<String, Object> signedAnswer(URI uri, String jws) {
    JwtVerifier.SignedAnswer signed = verifier.verifySignedAnswer(jws);
    String problem = signed.failure();
    Map<String, Object> c = signed.claims();
    if (problem == null) {
      long now = clock.millis();
      List<String> aud = JsonClaims.stringOrStrings(c.get("aud"));
      long iat = JsonClaims.numericDateMillis(c.get("iat"));
      if (!issuerConfig.issuer().equals(c.get("iss"))) {
        problem = "iss is not the issuer";
      } else if (aud == null || !aud.contains(config.clientId())) {
        problem = "aud does not name this client";
      } else if (iat == Long.MIN_VALUE) {
        problem = "iat missing or not a NumericDate";
      } else if (iat > now + skewMillis || now - iat > SIGNED_ANSWER_MAX_AGE_MILLIS + skewMillis) {
        problem = "iat not recent";
      } else if (!(c.get("token_introspection") instanceof Map<?, ?>)) {
        problem = "token_introspection missing or not an object";
      }
    }
    if (problem != null) {
      throw new CompletionException(new Unavailable("introspection at " + uri + ": signed answer refused: "
          + problem));
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> answer = (Map<String, Object>) c.get("token_introspection");
    return answer;
  }

  private static String utf8(byte[] bytes) {
    try {
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  private static Map<String, Object> json(String text) {
    if (!StrictJson.valid(text)) {
      return null;
    }
    try {
      return JSONObjectUtils.parse(text);
    } catch (java.text.ParseException e) {
      return null;
    }
  }

  /**
   * Judges an answer by the issuer's rules: inactive → refused; active → {@code exp} required and in the future,
   * {@code nbf}, {@code iat}, {@code iss}, {@code aud}, the token type, and for an opaque token {@code sub} (unless
   * the issuer allows it missing) and {@code cnf}.
   */
  Answer judge(Map<String, Object> a, boolean opaque, long now) {
    if (!Boolean.TRUE.equals(a.get("active"))) {
      return refused(DenyReason.TOKEN_INACTIVE, "inactive", now);
    }
    for (String name : STRING_MEMBERS) {
      if (a.containsKey(name) && !(a.get(name) instanceof String)) {
        return refused(DenyReason.TOKEN_CLAIM_INVALID, name + " is not a string", now);
      }
    }
    if (a.get("token_type") instanceof String type && !ACCESS_TOKEN_TYPES.contains(type.toLowerCase(Locale.ROOT))) {
      return refused(DenyReason.TOKEN_NOT_ACCESS_TOKEN, "token_type " + printable(type) + " is not an access token",
          now);
    }
    if (a.containsKey("typ")) { // Keycloak's own token kind: Bearer, DPoP; Refresh, ID, Logout … are not access tokens
      if (!(a.get("typ") instanceof String typ)) {
        return refused(DenyReason.TOKEN_CLAIM_INVALID, "typ is not a string", now);
      }
      String t = typ.toLowerCase(Locale.ROOT);
      if (!t.equals("bearer") && !t.equals("dpop") && !t.equals("at+jwt") && !t.equals("application/at+jwt")) {
        return refused(DenyReason.TOKEN_NOT_ACCESS_TOKEN, "typ " + printable(typ) + " is not an access token", now);
      }
    }
    if (a.containsKey("token_use") && !"access".equals(a.get("token_use"))) {
      return refused(DenyReason.TOKEN_NOT_ACCESS_TOKEN, "token_use is not access", now);
    }
    if (!a.containsKey("exp")) {
      return refused(DenyReason.TOKEN_CLAIM_INVALID, "exp missing", now);
    }
    long exp = JsonClaims.numericDateMillis(a.get("exp"));
    long iat = a.containsKey("iat") ? JsonClaims.numericDateMillis(a.get("iat")) : 0;
    long nbf = a.containsKey("nbf") ? JsonClaims.numericDateMillis(a.get("nbf")) : 0;
    if (exp == Long.MIN_VALUE || iat == Long.MIN_VALUE || nbf == Long.MIN_VALUE) {
      return refused(DenyReason.TOKEN_CLAIM_INVALID, "exp, iat or nbf is not a NumericDate", now);
    }
    if (now >= exp + skewMillis) {
      return refused(DenyReason.TOKEN_EXPIRED, "expired", now);
    }
    if (a.containsKey("nbf") && now < nbf - skewMillis) {
      return refused(DenyReason.TOKEN_NOT_YET_VALID, "not yet valid", now);
    }
    if (a.containsKey("iat") && iat > now + skewMillis) {
      return refused(DenyReason.TOKEN_ISSUED_IN_FUTURE, "iat in the future", now);
    }
    if (maxAgeMillis > 0 && (!a.containsKey("iat") || now - iat > maxAgeMillis + skewMillis)) {
      return refused(DenyReason.TOKEN_LIFETIME_EXCEEDED, "older than the maximum age (or no iat)", now);
    }
    if (a.containsKey("iss") && !issuerConfig.issuer().equals(a.get("iss"))) {
      return refused(DenyReason.TOKEN_ISSUER_MISMATCH, "iss is not the issuer", now);
    }
    List<String> aud = JsonClaims.stringOrStrings(a.get("aud"));
    if (a.containsKey("aud") && aud == null) {
      return refused(DenyReason.TOKEN_CLAIM_INVALID, "aud is not a string or array of strings", now);
    }
    if (!issuerConfig.audiences().isEmpty()) {
      if (aud == null || aud.isEmpty()) {
        if (!config.allowMissingAudience()) {
          return refused(DenyReason.TOKEN_AUDIENCE_MISMATCH, "aud missing", now);
        }
      } else if (aud.stream().noneMatch(issuerConfig.audiences()::contains)) {
        return refused(DenyReason.TOKEN_AUDIENCE_MISMATCH, "aud does not name this service", now);
      }
    }
    long until = Math.min(now + ttlMillis, exp);
    if (!opaque) {
      return new Answer(true, null, "active", null, null, now, until, exp);
    }
    if (issuerConfig.requireSubject() && (!(a.get("sub") instanceof String sub) || sub.isEmpty())) {
      return refused(DenyReason.TOKEN_CLAIM_INVALID, "sub missing", now);
    }
    // cnf (RFC 7662 §2.2 with RFC 8705 §3.2, RFC 9449 §6.2): read as a JWT's is; its binding is checked per request
    SenderBinding.Read cnfRead = SenderBinding.of(a.get("cnf"), a.containsKey("cnf"));
    if (cnfRead instanceof SenderBinding.Refused r) {
      return refused(r.reason(), r.detail(), now);
    }
    SenderBinding binding = ((SenderBinding.Bound) cnfRead).binding();
    Map<String, Object> claims = new LinkedHashMap<>(a);
    claims.remove("active");
    claims = JwtVerifier.deepUnmodifiable(claims);
    Set<String> scopes = new LinkedHashSet<>();
    if (a.get("scope") instanceof String s) {
      for (String part : s.split(" ")) {
        if (!part.isEmpty()) {
          scopes.add(part);
        }
      }
    }
    @SuppressWarnings("unchecked")
    Optional<Map<String, Object>> cnf = Optional.ofNullable((Map<String, Object>) claims.get("cnf"));
    IntrospectedToken token = new IntrospectedToken(issuerConfig.issuer(), claims,
        Optional.ofNullable((String) a.get("sub")), Optional.ofNullable((String) a.get("client_id")),
        Optional.ofNullable((String) a.get("jti")), Optional.ofNullable((String) a.get("username")),
        Optional.ofNullable((String) a.get("token_type")), aud == null ? List.of() : List.copyOf(aud),
        Instant.ofEpochMilli(exp), a.containsKey("iat") ? Optional.of(Instant.ofEpochMilli(iat)) : Optional.empty(),
        Collections.unmodifiableSet(scopes), cnf, binding);
    Caller caller = CoreAccess.callers().caller(token, roles(token), qualifier);
    return new Answer(true, null, "active", token, caller, now, until, exp);
  }

  private Set<String> roles(IntrospectedToken token) {
    Optional<Object> v = token.claimAtPath(issuerConfig.rolesClaim());
    List<String> list = v.map(JsonClaims::stringOrStrings).orElse(null);
    return list == null ? Set.of() : Set.copyOf(list);
  }

  private Answer refused(DenyReason reason, String detail, long now) {
    return new Answer(false, reason, detail, null, null, now, now + inactiveTtlMillis, Long.MIN_VALUE);
  }

  private static String printable(String s) {
    return Encodings.printableAscii(s, 40, "");
  }
}
