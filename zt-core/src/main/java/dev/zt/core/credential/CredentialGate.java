package dev.zt.core.credential;

import dev.zt.core.internal.pipeline.CoreAccess;
import dev.zt.core.internal.Encodings;
import dev.zt.core.Caller;
import dev.zt.core.DenyReason;
import dev.zt.core.RequestContext;
import dev.zt.core.internal.SourceKey;
import dev.zt.core.internal.pipeline.CountermeasureHooks;
import dev.zt.core.internal.pipeline.Gate;
import dev.zt.core.internal.pipeline.RequestState;
import dev.zt.core.internal.pipeline.Step;
import dev.zt.core.policy.Route;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Policy;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The credential gate for bearer JWTs (RFC 6750 §2.1): reads exactly one {@code Authorization: Bearer} credential,
 * validates it (or finds it in the validated-token cache, re-checking its time claims), and records the caller.
 * Without a credential it lets the request go on anonymously; the policy gate decides whether the route needs one.
 */
final class CredentialGate implements Gate {

  static final String NAME = "credential";
  private static final long MAX_CACHE_ENTRY_MILLIS = 10 * 60 * 1000L;
  private static final int RECORDED_HIT_ONE_IN = 16; // a power of two

  private final java.util.List<Issuer> issuers = new java.util.ArrayList<>(); // in configuration order
  private volatile Issuer[] byOrder; // the same, for the request path
  private final BearerJwt first;
  private final Clock clock;
  private final Executor blockingExecutor;
  private final Cache<TokenKey, Entry> validated;
  private final Policy<TokenKey, Entry> validatedPolicy; // for quiet reads
  private final CountermeasureHooks countermeasures;
  private final ValidationBudget budget;

  /**
   * One accepted issuer: its verifier (its own keys, audience and rules), its clock skew and maximum age, and the
   * qualifier its callers' identity keys carry ({@code null} for the first issuer: keys as with a single issuer).
   */
  private record Issuer(JwtVerifier verifier, long skewMillis, long maxAgeMillis, String qualifier,
      Introspector jwtIntrospector) {}

  /**
   * A validated token: the caller, the time bounds re-checked on every hit, the issuer's skew and maximum age, and the
   * issuer's introspection client when it introspects its JWTs too ({@code null} otherwise).
   */
  private record Entry(Caller caller, long expMillis, long nbfMillis, long iatMillis, long untilMillis,
      long skewMillis, long maxAgeMillis, Introspector jwtIntrospector, Introspector.TokenHash introspectionKey) {}

  private final java.util.concurrent.atomic.AtomicLong nextSweep = new java.util.concurrent.atomic.AtomicLong();

  private final WorkloadTokenVerifier workloadTokens;
  // the one issuer's introspection client that opaque tokens (no JWT of an accepted issuer) go to, or null
  private Introspector introspector;
  private String introspectingIssuer;

  CredentialGate(BearerJwt config, Clock clock, Executor blockingExecutor, CountermeasureHooks countermeasures,
      WorkloadTokenVerifier workloadTokens, dev.zt.core.spi.SecurityState state) {
    this.workloadTokens = workloadTokens;
    this.countermeasures = countermeasures;
    this.first = config;
    this.clock = clock;
    this.budget = ValidationBudget.of(config, clock, state);
    this.blockingExecutor = blockingExecutor;
    add(config);
    if (config.validatedCacheSize() == 0) {
      this.validated = null;
      this.validatedPolicy = null;
    } else {
      // No time-based expiry in Caffeine: it would read the clock on every hit. Each entry carries its own end
      // (MAX_CACHE_ENTRY_MILLIS after validation, so a key removed from the JWKS stops being honoured; the token's
      // own expiry is checked by admit) and a hit checks it against the request's time, read once for the whole
      // request. Entries past their end are dropped when met, and swept at most once a minute when a new token is
      // validated; in between, the size bound holds.
      this.validated = Caffeine.newBuilder()
          .maximumSize(config.validatedCacheSize())
          // maintenance on the caller's thread: no pool thread woken per request (it showed up as ~1 µs/request on
          // a busy event loop), and eviction work stays amortized
          .executor(Runnable::run)
          .build();
      this.validatedPolicy = validated.policy();
    }
  }

  /**
   * The issuer's key source: the configured one, or discovery + JWKS from {@link IssuerKeySource} under Nimbus'
   * caching, refresh-ahead, rate-limited refetch, retry and outage tolerance; with whether its last fetch failed
   * (never, for a configured source: zt cannot tell).
   */
  private static JwtVerifier verifier(BearerJwt config) {
    if (config.keySource().isPresent()) {
      return new JwtVerifier(config, config.keySource().get());
    }
    int timeout = (int) config.httpTimeout().toMillis();
    DefaultResourceRetriever retriever = new DefaultResourceRetriever(timeout, timeout, config.jwksSizeLimit());
    IssuerKeySource source = new IssuerKeySource(
        config.issuer(), config.jwksUri().orElse(null), retriever, config.allowPlainHttp());
    long refetch = config.jwksRefetchMinInterval().toMillis();
    JWKSourceBuilder<SecurityContext> b = JWKSourceBuilder.create(source)
        .cache(config.jwksCacheTtl().toMillis(), Math.max(1000L, config.httpTimeout().toMillis() * 3))
        .refreshAheadCache(config.jwksRefreshAhead().toMillis(), false)
        .retrying(true);
    b = refetch == 0 ? b.rateLimited(false) : b.rateLimited(refetch);
    long outage = config.jwksOutageTolerance().toMillis();
    b = outage == 0 ? b.outageTolerant(false) : b.outageTolerant(outage);
    return new JwtVerifier(config, b.build(), source::lastFetchFailed);
  }

  /**
   * Accepts the tokens of one more issuer ({@code Enforcer.Builder.bearerJwt} given again), while the enforcer is
   * assembled. The issuers share this gate's validated-token cache and per-source budget, so the options that
   * configure those must agree with the first issuer's.
   *
   * @throws IllegalStateException if the issuer is configured already, or a shared option differs
   */
  void add(BearerJwt config) {
    for (Issuer i : issuers) {
      if (i.verifier().issuer().equals(config.issuer())) {
        throw new IllegalStateException("bearerJwt for issuer " + config.issuer() + " was already set");
      }
    }
    if (config != first) {
      shared(config, "validationBudget", b -> b.validationBudgetPerAddress() + "/" + b.validationBudgetPerNetwork()
          + "/" + b.validationBudgetWindow());
      shared(config, "validatedTokenCacheSize", BearerJwt::validatedCacheSize);
      shared(config, "maxTokenLength", BearerJwt::maxTokenLength);
    }
    JwtVerifier verifier = verifier(config);
    String qualifier = issuers.isEmpty() ? null : config.issuer();
    Introspector introspecting = null;
    if (config.introspection().isPresent()) {
      if (introspector != null) {
        throw new IllegalStateException("bearerJwt for " + config.issuer() + " sets introspection, as "
            + introspectingIssuer + " does: an opaque token names no issuer, so only one issuer may introspect");
      }
      introspecting = new Introspector(config, config.introspection().get(), verifier, qualifier, clock,
          blockingExecutor);
      introspector = introspecting;
      introspectingIssuer = config.issuer();
    }
    issuers.add(new Issuer(verifier, config.clockSkew().toMillis(),
        config.maxAge().map(java.time.Duration::toMillis).orElse(-1L), qualifier,
        introspecting != null && introspecting.introspectsJwts() ? introspecting : null));
    byOrder = issuers.toArray(Issuer[]::new);
  }

  private void shared(BearerJwt config, String option, java.util.function.Function<BearerJwt, Object> value) {
    if (!value.apply(config).equals(value.apply(first))) {
      throw new IllegalStateException("bearerJwt for " + config.issuer() + " sets " + option + " differently from "
          + first.issuer() + ": the issuers share one validated-token cache and one budget per source");
    }
  }

  /**
   * The issuer a token goes to: the only one, or the one its unverified {@code iss} names exactly; {@code null} when
   * it names none of them. A token whose {@code iss} cannot be read goes to the first issuer, whose verifier then
   * refuses it for what it is (malformed, …), as with a single issuer.
   */
  private Issuer issuerOf(String token) {
    Issuer[] all = byOrder;
    if (all.length == 1) {
      return all[0];
    }
    String iss = JwtVerifier.unverifiedIssuer(token, first.maxTokenLength());
    if (iss == null) {
      return all[0];
    }
    for (Issuer i : all) {
      if (i.verifier().issuer().equals(iss)) {
        return i;
      }
    }
    return null;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Step evaluate(RequestState exchange) {
    RequestContext request = exchange.request();
    List<String> values = request.headers().values("Authorization");
    if (values.isEmpty()) {
      return Step.proceed(); // a token in the query string is not accepted (RFC 6750 §2.3 is off)
    }
    if (values.size() > 1) {
      return Step.deny(DenyReason.MULTIPLE_CREDENTIALS);
    }
    if (hasQueryToken(request.rawQuery())) {
      return Step.deny(DenyReason.MULTIPLE_CREDENTIALS); // RFC 6750 §2: one method per request
    }
    // Parse: scheme (case-insensitive) 1*SP b64token (RFC 6750 §2.1). Only the scheme is looked at before the cache:
    // the token in one canonical spelling is the cache key, so "Bearer X", "bearer X" and "Bearer  X" are one entry,
    // never three signature checks; a cached token was checked to be a well-formed b64token when it was validated.
    String h = values.get(0).strip();
    int sp = h.indexOf(' ');
    if (sp != 6 || !h.regionMatches(true, 0, "Bearer", 0, 6)) {
      String scheme = sp < 0 ? h : h.substring(0, sp);
      if (scheme.equalsIgnoreCase("Bearer")) {
        return Step.deny(DenyReason.MALFORMED_CREDENTIAL); // "Bearer" alone
      }
      if (!Encodings.isToken(scheme)) {
        return Step.deny(DenyReason.MALFORMED_CREDENTIAL);
      }
      return Step.proceed(); // another scheme (Basic, DPoP…) is not a bearer credential: anonymous
    }
    int start = sp + 1;
    while (start < h.length() && h.charAt(start) == ' ') {
      start++;
    }
    // the key is the canonical spelling "Bearer <token>": the header itself when it is spelled so (no copy), else
    // that spelling built once
    TokenKey probe = validated == null ? null
        : new TokenKey(start == 7 && h.startsWith("Bearer") ? h : "Bearer " + h.substring(start));
    if (validated != null && start < h.length()) {
      Entry hit = cached(probe);
      if (hit != null) {
        if (exchange.now() < hit.untilMillis()) {
          return admit(exchange, hit, probe);
        }
        validated.asMap().remove(probe, hit); // validated long enough ago: checked against today's keys again below
      }
    }
    String token = h.substring(start);
    if (token.indexOf(',') >= 0) {
      return Step.deny(DenyReason.MULTIPLE_CREDENTIALS);
    }
    if (token.isEmpty() || !isB64Token(token)) {
      return Step.deny(DenyReason.MALFORMED_CREDENTIAL);
    }
    if (introspector != null && JwtVerifier.unverifiedIssuer(token, first.maxTokenLength()) == null) {
      // not a JWT naming an issuer (an opaque token): the introspecting issuer's endpoint says what it is
      if (token.length() > first.maxTokenLength()) {
        exchange.note("token length " + token.length());
        return Step.deny(DenyReason.TOKEN_TOO_LARGE);
      }
      return introspector.opaque(exchange, token, budget, this::admitCredential);
    }
    // not validated before: a signature check, paid for from the source's budget before any work is done
    if (budget != null) {
      Step allowed = budget.take(exchange);
      if (allowed != Step.Proceed.INSTANCE) {
        return allowed;
      }
    }
    if (!request.mayBlock()) {
      try {
        return Step.later(CompletableFuture.supplyAsync(() -> validate(exchange, token, probe), blockingExecutor));
      } catch (RejectedExecutionException e) {
        return Step.deny(DenyReason.KEYS_UNAVAILABLE);
      }
    }
    return validate(exchange, token, probe);
  }

  private Step validate(RequestState exchange, String token, TokenKey cacheKey) {
    long now = clock.millis();
    Issuer issuer = issuerOf(token);
    JwtVerifier.Result result = issuer == null
        ? new JwtVerifier.Fail(DenyReason.TOKEN_ISSUER_MISMATCH, "iss names no configured issuer")
        : issuer.verifier().verify(token, now);
    if (result instanceof JwtVerifier.Fail fail) {
      exchange.note(fail.detail());
      if (workloadTokens != null && workloadTokenCandidate(fail.reason())) {
        return asWorkloadToken(exchange, token, fail);
      }
      return Step.deny(fail.reason());
    }
    VerifiedJwt jwt = ((JwtVerifier.Ok) result).jwt();
    if (!jwt.issuer().equals(issuer.verifier().issuer())) { // its own verifier checked iss; never a pooled key
      exchange.note("verified for another issuer than the token names");
      return Step.deny(DenyReason.TOKEN_ISSUER_MISMATCH);
    }
    Caller caller = CoreAccess.callers().caller(jwt, issuer.verifier().roles(jwt), issuer.qualifier());
    Introspector.TokenHash introspectionKey =
        issuer.jwtIntrospector() == null ? null : Introspector.TokenHash.of(token);
    long exp = jwt.expiresAt().toEpochMilli();
    Entry entry = new Entry(caller, exp,
        jwt.notBefore().map(java.time.Instant::toEpochMilli).orElse(Long.MIN_VALUE),
        jwt.issuedAt().map(java.time.Instant::toEpochMilli).orElse(Long.MIN_VALUE), now + MAX_CACHE_ENTRY_MILLIS,
        issuer.skewMillis(), issuer.maxAgeMillis(), issuer.jwtIntrospector(), introspectionKey);
    if (cacheKey != null) {
      sweep(now);
      validated.put(cacheKey, entry);
    }
    if (issuer.jwtIntrospector() != null) { // verified locally: the issuer is asked whether it still stands
      return issuer.jwtIntrospector().jwt(exchange, introspectionKey, () -> token,
          () -> admitCaller(exchange, jwt, caller));
    }
    return admitCaller(exchange, jwt, caller);
  }

  /**
   * {@code null} when the credential is not suspended; else the denial: {@link DenyReason#TOKEN_SUSPENDED}, or
   * {@link DenyReason#STATE_UNAVAILABLE} (503) when the suspensions cannot be checked — never an allow.
   */
  private Step suspended(RequestState exchange, VerifiedCredential credential) {
    dev.zt.core.spi.Presence p = countermeasures.suspension(credential);
    if (p == dev.zt.core.spi.Presence.ABSENT) {
      return null;
    }
    if (p == dev.zt.core.spi.Presence.PRESENT) {
      exchange.note("credential suspended");
      return Step.deny(DenyReason.TOKEN_SUSPENDED);
    }
    exchange.note("suspensions unavailable: credential refused");
    return Step.deny(DenyReason.STATE_UNAVAILABLE);
  }

  /**
   * Failures that say "not one of our issuer's access tokens" rather than "broken": a workload token may fit. The
   * issuer's keys being unavailable is one too: a workload token has its own key source.
   */
  private static boolean workloadTokenCandidate(DenyReason reason) {
    return reason == DenyReason.TOKEN_KEY_UNKNOWN || reason == DenyReason.KEYS_UNAVAILABLE
        || reason == DenyReason.TOKEN_ISSUER_MISMATCH
        || reason == DenyReason.TOKEN_CLAIM_INVALID || reason == DenyReason.TOKEN_AUDIENCE_MISMATCH
        || reason == DenyReason.TOKEN_HEADER_REJECTED;
  }

  private Step asWorkloadToken(RequestState exchange, String token, JwtVerifier.Fail accessTokenFailure) {
    PeerVerifier.Result r;
    try {
      r = workloadTokens.verify(token);
    } catch (RuntimeException e) {
      r = new PeerVerifier.Rejected("workload token verifier failed: " + e.getClass().getSimpleName());
    }
    if (r instanceof PeerVerifier.Verified v) {
      String peer = CoreAccess.callers().workloadOrNull(exchange.caller());
      if (peer != null && !peer.equals(v.workloadId())) {
        exchange.note("workload token names " + v.workloadId() + " but the mTLS peer is " + peer);
        return Step.deny(DenyReason.TOKEN_CLAIM_INVALID);
      }
      exchange.note("");
      exchange.authenticate(CoreAccess.callers().workload(v.workloadId()));
      return Step.proceed();
    }
    exchange.note(accessTokenFailure.detail() + "; not a workload token either: "
        + (r instanceof PeerVerifier.Rejected rejected ? rejected.reason() : "no answer"));
    return Step.deny(accessTokenFailure.reason());
  }

  /**
   * The validated-token cache probe. Most hits are read quietly: the entry's expiry is still honoured, but the read
   * is not recorded for the eviction policy, so a hit writes nothing shared (no read buffer, no timer-wheel
   * reschedule) and never runs the cache's maintenance under its lock on the caller's thread. One hit in
   * {@value #RECORDED_HIT_ONE_IN} is recorded as a normal read, which keeps the frequency sketch and the LRU order
   * (what size eviction uses to keep tokens in use) roughly informed: eviction only affects how often a token is
   * validated again, never whether it is accepted.
   */
  private Entry cached(TokenKey key) {
    if ((ThreadLocalRandom.current().nextInt() & (RECORDED_HIT_ONE_IN - 1)) == 0) {
      return validated.getIfPresent(key);
    }
    return validatedPolicy.getIfPresentQuietly(key);
  }

  /** Drops entries past their end, at most once a minute, on the path that validates a new token anyway. */
  private void sweep(long now) {
    long due = nextSweep.get();
    if (now >= due && nextSweep.compareAndSet(due, now + 60_000L)) {
      validated.asMap().values().removeIf(e -> e.untilMillis() <= now || e.expMillis() + e.skewMillis() <= now);
    }
  }

  private Step admit(RequestState exchange, Entry e, TokenKey key) {
    long now = exchange.now();
    long skewMillis = e.skewMillis();
    long maxAgeMillis = e.maxAgeMillis();
    if (now >= e.expMillis() + skewMillis) {
      return Step.deny(DenyReason.TOKEN_EXPIRED);
    }
    if (e.nbfMillis() != Long.MIN_VALUE && now < e.nbfMillis() - skewMillis) {
      return Step.deny(DenyReason.TOKEN_NOT_YET_VALID);
    }
    if (maxAgeMillis > 0 && (e.iatMillis() == Long.MIN_VALUE || now - e.iatMillis() > maxAgeMillis + skewMillis)) {
      return Step.deny(DenyReason.TOKEN_LIFETIME_EXCEEDED);
    }
    VerifiedJwt jwt = e.caller().token().orElseThrow();
    if (e.jwtIntrospector() != null) {
      return e.jwtIntrospector().jwt(exchange, e.introspectionKey(), key::token,
          () -> admitCaller(exchange, jwt, e.caller()));
    }
    return admitCaller(exchange, jwt, e.caller());
  }

  /**
   * What every admitted token gets, fresh or from the cache, on every request: its certificate binding (the same token
   * may arrive over another connection) and its suspension are checked; then the caller is authenticated, keeping the
   * mTLS peer's workload.
   */
  private Step admitCaller(RequestState exchange, VerifiedJwt jwt, Caller caller) {
    if (jwt.isCertificateBound()) {
      Step binding = binding(exchange, jwt);
      if (binding != null) {
        return binding;
      }
    }
    return admitCredential(exchange, jwt, caller);
  }

  /**
   * What every admitted credential gets, of whatever kind (a JWT after its binding check, an introspected token): its
   * suspension is checked, then the caller is authenticated, keeping the mTLS peer's workload.
   */
  private Step admitCredential(RequestState exchange, VerifiedCredential credential, Caller caller) {
    Step suspended = suspended(exchange, credential);
    if (suspended != null) {
      return suspended;
    }
    CoreAccess.Callers callers = CoreAccess.callers();
    exchange.authenticate(callers.withWorkload(caller, callers.workloadOrNull(exchange.caller())));
    return Step.proceed();
  }

  /**
   * RFC 8705 §3.1: a token bound to a certificate ({@code cnf.x5t#S256}) is honoured only over an mTLS connection
   * whose client certificate is that one (SHA-256 of the leaf's DER, compared in constant time). {@code null} when the
   * token is unbound or the binding holds, else the denial.
   */
  private static Step binding(RequestState exchange, VerifiedJwt jwt) {
    byte[] expected = jwt.certificateThumbprintOrNull();
    if (expected == null) {
      return null;
    }
    List<java.security.cert.X509Certificate> chain = exchange.request().peerCertificates();
    if (chain.isEmpty()) {
      exchange.note("certificate-bound token (cnf x5t#S256) without an mTLS client certificate");
      return Step.deny(DenyReason.TOKEN_BINDING_UNVERIFIED);
    }
    byte[] actual;
    try {
      actual = java.security.MessageDigest.getInstance("SHA-256").digest(chain.get(0).getEncoded());
    } catch (java.security.GeneralSecurityException e) {
      exchange.note("client certificate thumbprint unavailable: " + e.getClass().getSimpleName());
      return Step.deny(DenyReason.TOKEN_BINDING_UNVERIFIED);
    }
    if (!java.security.MessageDigest.isEqual(expected, actual)) {
      exchange.note("certificate-bound token (cnf x5t#S256) presented with another client certificate");
      return Step.deny(DenyReason.TOKEN_BINDING_UNVERIFIED);
    }
    return null;
  }

  private static boolean hasQueryToken(String rawQuery) {
    if (rawQuery.isEmpty()) {
      return false;
    }
    for (String pair : rawQuery.split("&")) {
      if (pair.equals("access_token") || pair.startsWith("access_token=")) {
        return true;
      }
    }
    return false;
  }

  /** RFC 6750 §2.1 b64token: 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"=" */
  private static boolean isB64Token(String t) {
    int i = 0;
    int n = t.length();
    while (i < n) {
      char c = t.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || c == '-' || c == '.' || c == '_' || c == '~' || c == '+' || c == '/';
      if (!ok) {
        break;
      }
      i++;
    }
    if (i == 0) {
      return false;
    }
    while (i < n && t.charAt(i) == '=') {
      i++;
    }
    return i == n;
  }

  /**
   * The cache key: the token in its canonical spelling {@code Bearer <token>}, so a hit always means the very same
   * token (header, payload and signature) whatever spelling of the scheme and spaces carried it. Its hash covers only
   * the length and the last 32 characters — the signature, unique per valid token — so the hot path does not hash a
   * kilobyte; equality still compares every character ({@link String#equals}, an intrinsic).
   */
  static final class TokenKey {
    private final String value;
    private final int hash;

    TokenKey(String value) {
      this.value = value;
      int h = value.length();
      for (int i = Math.max(0, value.length() - 32); i < value.length(); i++) {
        h = 31 * h + value.charAt(i);
      }
      this.hash = h;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof TokenKey k && k.hash == hash && k.value.equals(value);
    }

    @Override
    public int hashCode() {
      return hash;
    }

    /** The token itself (after {@code "Bearer "}). */
    String token() {
      return value.substring(7);
    }

    @Override
    public String toString() {
      return "TokenKey[redacted]";
    }
  }
}
