package dev.zt.core.credential;

import dev.zt.core.internal.pipeline.CoreAccess;
import dev.zt.core.internal.Encodings;
import dev.zt.core.Caller;
import dev.zt.core.DenyReason;
import dev.zt.core.RequestContext;
import dev.zt.core.internal.SourceKey;
import dev.zt.core.internal.pipeline.CountermeasureHooks;
import dev.zt.core.internal.pipeline.Gate;
import dev.zt.core.internal.pipeline.AfterAllow;
import dev.zt.core.internal.pipeline.Assembly;
import dev.zt.core.internal.pipeline.LongSlot;
import dev.zt.core.internal.pipeline.Slot;
import dev.zt.core.Decision;
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
  private static final int FRONT_SLOTS = 1024; // a power of two

  private final java.util.List<Issuer> issuers = new java.util.ArrayList<>(); // in configuration order
  // the key sources zt fetches itself, for health; filled while the enforcer is assembled, read-only afterwards
  private final java.util.List<IssuerKeySource> keySources = new java.util.concurrent.CopyOnWriteArrayList<>();
  private volatile Issuer[] byOrder; // the same, for the request path
  private final BearerJwt first;
  private final Clock clock;
  private final Executor blockingExecutor;
  private final Cache<TokenKey, Entry> validated;
  private final Policy<TokenKey, Entry> validatedPolicy; // for quiet reads
  // In front of the cache: the entries of tokens in use, one per slot by their key's hash, each slot an immutable
  // (key, entry) pair. A hit on a header spelled canonically allocates nothing (no probe key); a miss, a collision
  // or another spelling goes to the cache. Only entries the cache held are put here, and a hit honours the same
  // bounds as a cache hit (the entry's end, then admit's time checks), so it never accepts what the cache would not.
  private final java.util.concurrent.atomic.AtomicReferenceArray<Front> front;
  private final int frontMask;

  /** One slot of the front table: a validated token's cache key and its entry. */
  private record Front(TokenKey key, Entry entry) {}
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
  private final CertificateBinding certificates; // RFC 8705: where a bound token's client certificate comes from

  // DPoP (RFC 9449), when the enforcer has a public origin; else all null
  private Dpop dpop;
  private DpopProofs proofs;
  private DpopNonces nonces;
  private dev.zt.core.spi.SingleUse proofIds;
  private Slot<String> proofSlot; // the request's one DPoP proof, when it used the DPoP scheme
  private Slot<String> tokenSlot; // the token it carried (for ath)
  private LongSlot schemeSlot; // SCHEME_DPOP when the request used the DPoP scheme, else SCHEME_NONE
  private LongSlot staleNonceSlot; // 1 when the proof's nonce was the previous period's
  private Cache<String, Boolean> overProofBudget; // sources whose bad proof signatures used up their budget
  private String resourceMetadata; // the RFC 9728 URL, or null
  private static final long SCHEME_NONE = 0;
  private static final long SCHEME_DPOP = 1;

  // the one issuer's introspection client that opaque tokens (no JWT of an accepted issuer) go to, or null
  private Introspector introspector;
  private String introspectingIssuer;
  private final Introspector.Admission admitIntrospected = this::admitIntrospected; // one instance, not one a request

  private final dev.zt.core.internal.SignatureVerifiers signatures; // one choice of provider per algorithm

  CredentialGate(BearerJwt config, Clock clock, Executor blockingExecutor, CountermeasureHooks countermeasures,
      WorkloadTokenVerifier workloadTokens, dev.zt.core.spi.SecurityState state, CertificateBinding certificates,
      dev.zt.core.internal.SignatureVerifiers signatures) {
    this.signatures = signatures;
    this.certificates = certificates;
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
      this.front = null;
      this.frontMask = 0;
    } else {
      int slots = (int) Math.min(FRONT_SLOTS, Long.highestOneBit(Math.max(1, config.validatedCacheSize())));
      this.front = new java.util.concurrent.atomic.AtomicReferenceArray<>(slots);
      this.frontMask = slots - 1;
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
   * Understands {@code Authorization: DPoP} (RFC 9449) from now on: proofs checked per {@code dpop}, {@code jti}s in
   * the state's single-use store, the challenges chosen per request, and — with server nonces — a fresh
   * {@code DPoP-Nonce} on an allowed answer once the client's nonce has rotated. Called once, while the enforcer is
   * assembled.
   */
  void enableDpop(Dpop dpop, Assembly assembly) {
    this.dpop = dpop;
    this.nonces = dpop.nonceSecretOrNull() == null ? null
        : new DpopNonces(dpop.nonceSecretOrNull(), dpop.nonceRotation());
    this.proofs = new DpopProofs(dpop, nonces, signatures);
    this.proofIds = assembly.state().singleUse("dpop.jti",
        new dev.zt.core.spi.StoreSettings(clock, ValidationBudget.MAX_KEYS * 10L));
    assembly.allocateLate(() -> { // written by DPoP requests only: after the slots every scored request writes
      this.proofSlot = assembly.slots().slot("dpop.proof");
      this.tokenSlot = assembly.slots().slot("dpop.token");
      this.schemeSlot = assembly.slots().longSlot("credential.scheme", SCHEME_NONE);
      this.staleNonceSlot = assembly.slots().longSlot("dpop.staleNonce", 0);
    });
    this.resourceMetadata = assembly.resourceMetadataUri().orElse(null);
    if (budget != null) {
      this.overProofBudget = Caffeine.newBuilder().maximumSize(ValidationBudget.MAX_KEYS)
          .expireAfterWrite(java.time.Duration.ofMillis(Math.max(1000, first.validationBudgetWindow().toMillis())))
          .ticker(() -> clock.millis() * 1_000_000L).executor(Runnable::run).build();
    }
    String algs = dpop.algsParameter();
    assembly.challengeChooser((state, reason) -> challenges(state, reason, algs));
    if (nonces != null) {
      assembly.afterAllow(AfterAllow.Stage.RESPONSE, new AfterAllow() {
        @Override
        public String name() {
          return "dpop-nonce";
        }

        @Override
        public Step evaluate(RequestState state) {
          if (state.get(staleNonceSlot) == 1) { // RFC 9449 §8.2: the next nonce, on a successful answer
            state.addResponseHeader("DPoP-Nonce", nonces.current(state.now()));
          }
          return Step.proceed();
        }
      });
    }
  }

  /**
   * The challenges of a 401 on a service that understands DPoP (RFC 9449 §7.1, RFC 6750 §3, RFC 9728 §5.1):
   * {@code DPoP algs="…"} first, then {@code Bearer} unless the route requires a sender-constrained token; the error
   * goes on the scheme the client used (on {@code DPoP} for a proof's errors and wherever Bearer is not offered); each
   * carries {@code resource_metadata} when the service has a public origin.
   */
  private List<Decision.Challenge> challenges(RequestState state, DenyReason reason, String algs) {
    Route route = state.routeOrNull();
    boolean bearerAllowed = route == null || !route.requirement().requiresSenderConstraint();
    long scheme = state.get(schemeSlot);
    boolean proofError = reason.kind() == DenyReason.Kind.INVALID_DPOP_PROOF
        || reason.kind() == DenyReason.Kind.USE_DPOP_NONCE;
    boolean errorOnDpop = !bearerAllowed || proofError || scheme == SCHEME_DPOP;
    java.util.Map<String, String> dpopParams = new java.util.LinkedHashMap<>();
    dpopParams.put("algs", algs);
    java.util.Map<String, String> bearerParams = new java.util.LinkedHashMap<>();
    if (resourceMetadata != null) {
      dpopParams.put("resource_metadata", resourceMetadata);
      bearerParams.put("resource_metadata", resourceMetadata);
    }
    Decision.Challenge dpopChallenge = new Decision.Challenge("DPoP", errorOnDpop, dpopParams);
    if (!bearerAllowed) {
      return List.of(dpopChallenge);
    }
    return List.of(dpopChallenge, new Decision.Challenge("Bearer", !errorOnDpop, bearerParams));
  }

  /**
   * The issuer's key source: the configured one, or discovery + JWKS from {@link IssuerKeySource} under Nimbus'
   * caching, refresh-ahead, retry and outage tolerance, topped by {@link ClockedKeySource} (the enforcer's clock, the
   * unknown-kid refetch limit); with whether its last fetch failed (never, for a configured source: zt cannot tell).
   */
  private JwtVerifier verifier(BearerJwt config, Clock clock) {
    if (config.keySource().isPresent()) {
      return new JwtVerifier(config, config.keySource().get(), () -> false, signatures);
    }
    int timeout = (int) config.httpTimeout().toMillis();
    DefaultResourceRetriever retriever = new DefaultResourceRetriever(timeout, timeout, config.jwksSizeLimit());
    IssuerKeySource source = new IssuerKeySource(
        config.issuer(), config.jwksUri().orElse(null), retriever, config.allowPlainHttp());
    keySources.add(source);
    long refetch = config.jwksRefetchMinInterval().toMillis();
    JWKSourceBuilder<SecurityContext> b = JWKSourceBuilder.create(source)
        .cache(config.jwksCacheTtl().toMillis(), Math.max(1000L, config.httpTimeout().toMillis() * 3))
        .refreshAheadCache(config.jwksRefreshAhead().toMillis(), false)
        .retrying(true);
    b = refetch == 0 ? b.rateLimited(false) : b.rateLimited(refetch);
    long outage = config.jwksOutageTolerance().toMillis();
    b = outage == 0 ? b.outageTolerant(false) : b.outageTolerant(outage);
    // the enforcer's clock for every layer, and the refetch on an unknown kid limited exactly (ClockedKeySource);
    // build() returns the JWKSetBasedJWKSource whose System.currentTimeMillis() this replaces
    JWKSource<SecurityContext> built = b.build();
    if (!(built instanceof com.nimbusds.jose.jwk.source.JWKSetBasedJWKSource<SecurityContext> setBased)) {
      throw new IllegalStateException("unexpected key source from Nimbus: " + built.getClass().getName());
    }
    ClockedKeySource keys = new ClockedKeySource(setBased.getJWKSetSource(), clock, refetch,
        Math.max(1000L, config.httpTimeout().toMillis() * 3)); // as the cache's own wait for a load
    return new JwtVerifier(config, keys, source::lastFetchFailed, signatures);
  }

  /** The health of the key sources zt fetches itself, in configuration order. */
  java.util.List<KeySourceHealth> keySourceHealth() {
    return keySources.stream().map(IssuerKeySource::health).toList();
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
      if (overlap(i.verifier(), config)) {
        throw new IllegalStateException("bearerJwt for " + config.issuer() + " accepts an issuer that "
            + i.verifier().issuer() + " accepts too: a token must go to exactly one issuer's keys");
      }
    }
    if (config != first) {
      shared(config, "validationBudget", b -> b.validationBudgetPerAddress() + "/" + b.validationBudgetPerNetwork()
          + "/" + b.validationBudgetWindow());
      shared(config, "validatedTokenCacheSize", BearerJwt::validatedCacheSize);
      shared(config, "maxTokenLength", BearerJwt::maxTokenLength);
    }
    JwtVerifier verifier = verifier(config, clock);
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

  /**
   * Whether two configurations could both claim one {@code iss}: an exact issuer the other names, or a tenant of
   * one multi-tenant issuer the other names (two issuers that each accept any tenant are compared by their templates
   * only).
   */
  private static boolean overlap(JwtVerifier existing, BearerJwt added) {
    return claims(added, existing.config()) || claims(existing.config(), added);
  }

  /** Whether {@code b} names an issuer that {@code a} accepts (its exact issuer, or one of its listed tenants'). */
  private static boolean claims(BearerJwt a, BearerJwt b) {
    TenantIssuers t = a.tenantIssuers();
    if (t == null) {
      return b.namesIssuer(a.issuer());
    }
    if (!t.anyTenant()) {
      for (String tid : t.tenants()) {
        if (b.namesIssuer(t.issuerOf(tid))) {
          return true;
        }
      }
    }
    return false;
  }

  private void shared(BearerJwt config, String option, java.util.function.Function<BearerJwt, Object> value) {
    if (!value.apply(config).equals(value.apply(first))) {
      throw new IllegalStateException("bearerJwt for " + config.issuer() + " sets " + option + " differently from "
          + first.issuer() + ": the issuers share one validated-token cache and one budget per source");
    }
  }

  /**
   * The issuer a token goes to: the one its unverified {@code iss} names exactly; {@code null} when it names none of
   * them (with one issuer too: a foreign token is {@code TOKEN_ISSUER_MISMATCH} without a key lookup; a single
   * multi-tenant issuer gets every token, its verifier judging {@code iss} with the {@code tid}). A token whose
   * {@code iss} cannot be read goes to the first issuer, whose verifier then refuses it for what it is (malformed,
   * {@code iss} missing, …).
   */
  private Issuer issuerOf(JwtVerifier.Routing routing) {
    Issuer[] all = byOrder;
    if (all.length == 1 && all[0].verifier().multiTenant()) {
      return all[0]; // its verifier reads iss against the tid, and says which of the two is wrong
    }
    if (routing == null) {
      return all[0]; // no readable iss: the verifier refuses it for what it is (malformed, iss missing …)
    }
    // one issuer too: a token naming another issuer is refused as such before any key lookup (no JWKS refetch for
    // its unknown kid, and the audit says TOKEN_ISSUER_MISMATCH rather than TOKEN_KEY_UNKNOWN)
    for (Issuer i : all) {
      if (i.verifier().namesIssuer(routing.iss())) {
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
    List<String> proofHeaders = dpop == null ? List.of() : request.headers().values("DPoP");
    if (values.isEmpty()) {
      if (!proofHeaders.isEmpty()) { // a proof without its token proves nothing: refused, not ignored
        exchange.note("a DPoP proof without an Authorization: DPoP token");
        return Step.deny(DenyReason.DPOP_PROOF_INVALID);
      }
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
    boolean viaDpop = false;
    boolean spelledBearer = sp == 6 && h.startsWith("Bearer"); // the usual spelling, without a case-blind compare
    if (!spelledBearer && (sp != 6 || !h.regionMatches(true, 0, "Bearer", 0, 6))) {
      String scheme = sp < 0 ? h : h.substring(0, sp);
      if (scheme.equalsIgnoreCase("Bearer")) {
        return Step.deny(DenyReason.MALFORMED_CREDENTIAL); // "Bearer" alone
      }
      if (!Encodings.isToken(scheme)) {
        return Step.deny(DenyReason.MALFORMED_CREDENTIAL);
      }
      if (dpop == null || !scheme.equalsIgnoreCase("DPoP")) {
        return Step.proceed(); // another scheme (Basic, or DPoP without a public origin) is not ours: anonymous
      }
      exchange.set(schemeSlot, SCHEME_DPOP);
      if (sp < 0) {
        return Step.deny(DenyReason.MALFORMED_CREDENTIAL); // "DPoP" alone
      }
      if (proofHeaders.size() != 1) { // RFC 9449 §4.3: exactly one DPoP field
        exchange.note(proofHeaders.isEmpty() ? "DPoP token without a proof" : "more than one DPoP proof");
        return Step.deny(DenyReason.DPOP_PROOF_INVALID);
      }
      viaDpop = true;
    } else if (dpop != null) { // Bearer: the scheme slot stays SCHEME_NONE (nothing written on the bearer path)
      if (!proofHeaders.isEmpty()) { // a proof beside a Bearer token: the client meant DPoP; never half of it
        exchange.note("a DPoP proof with a Bearer token");
        return Step.deny(DenyReason.DPOP_PROOF_INVALID);
      }
    }
    int start = sp + 1;
    while (start < h.length() && h.charAt(start) == ' ') {
      start++;
    }
    if (viaDpop) { // the proof is checked on every request, cached token or not: it is per request
      exchange.set(proofSlot, proofHeaders.get(0));
      exchange.set(tokenSlot, h.substring(start));
    }
    int end = h.length();
    // A JWS compact serialization has exactly two '.' (RFC 7515 §7.1) and the verifier accepts nothing else: with an
    // introspecting issuer, a token with fewer is never in the validated-token cache and names no issuer, so it skips
    // that probe and goes to the introspection cache (without one, no scan: such a token is refused either way).
    boolean jwsShaped = introspector == null || jwsShaped(h, start);
    TokenKey probe = null;
    if (validated != null && start < end && jwsShaped) {
      // the key is the canonical spelling "Bearer <token>": the header itself when it is spelled so (no copy), else
      // that spelling built once
      boolean canonical = start == 7 && spelledBearer;
      Front f = canonical ? frontHit(h) : null;
      Entry hit;
      if (f != null) {
        probe = f.key();
        hit = f.entry();
      } else {
        probe = new TokenKey(canonical ? h : "Bearer " + h.substring(start));
        hit = cached(probe);
      }
      if (hit != null) {
        if (exchange.now() < hit.untilMillis()) {
          TokenKey key = probe;
          if (f == null) { // in use: the next request finds it in the front table
            front.lazySet(key.hash() & frontMask, new Front(key, hit));
          }
          if (viaDpop && !request.mayBlock()) { // a proof's signature check never runs on an event loop
            try {
              return Step.later(CompletableFuture.supplyAsync(() -> admit(exchange, hit, key), blockingExecutor));
            } catch (RejectedExecutionException e) {
              return Step.deny(DenyReason.KEYS_UNAVAILABLE);
            }
          }
          return admit(exchange, hit, key);
        }
        validated.asMap().remove(probe, hit); // validated long enough ago: checked against today's keys again below
        if (f != null) {
          front.compareAndSet(probe.hash() & frontMask, f, null);
        }
      }
    }
    // An opaque token's answer is cached by its SHA-256, hashed straight from the header. Only a token that passed
    // every check below has an answer (a non-ASCII one never hashes to its key): a hit is that very token, so it is
    // decided before the checks, as a cached JWT is; a miss runs them all before any call.
    Introspector.TokenHash opaqueKey = null;
    if (!jwsShaped && start < end && end - start <= first.maxTokenLength()) {
      opaqueKey = Introspector.TokenHash.ofAsciiOrNull(h, start, end);
      Step hit = opaqueKey == null ? null : introspector.cachedOpaqueOrNull(exchange, opaqueKey, admitIntrospected);
      if (hit != null) {
        return hit;
      }
    }
    String token = h.substring(start);
    if (token.indexOf(',') >= 0) {
      return Step.deny(DenyReason.MULTIPLE_CREDENTIALS);
    }
    if (token.isEmpty() || !isB64Token(token)) {
      return Step.deny(DenyReason.MALFORMED_CREDENTIAL);
    }
    if (introspector != null && (!jwsShaped || JwtVerifier.unverifiedIssuer(token, first.maxTokenLength()) == null)) {
      // not a JWT naming an issuer (an opaque token): the introspecting issuer's endpoint says what it is
      if (token.length() > first.maxTokenLength()) {
        exchange.note("token length " + token.length());
        return Step.deny(DenyReason.TOKEN_TOO_LARGE);
      }
      return introspector.opaque(exchange, opaqueKey != null ? opaqueKey : Introspector.TokenHash.of(token), token,
          budget, admitIntrospected);
    }
    // not validated before: a signature check, paid for from the source's budget before any work is done
    if (budget != null) {
      Step allowed = budget.take(exchange);
      if (allowed != Step.Proceed.INSTANCE) {
        return allowed;
      }
    }
    TokenKey cacheKey = probe;
    if (!request.mayBlock()) {
      try {
        return Step.later(CompletableFuture.supplyAsync(() -> validate(exchange, token, cacheKey), blockingExecutor));
      } catch (RejectedExecutionException e) {
        return Step.deny(DenyReason.KEYS_UNAVAILABLE);
      }
    }
    return validate(exchange, token, cacheKey);
  }

  private Step validate(RequestState exchange, String token, TokenKey cacheKey) {
    long now = clock.millis();
    // the payload is decoded once: scanned for iss here (nothing else of it is read before the signature holds), then
    // parsed by the chosen issuer's verifier once its signature verified
    Issuer[] all = byOrder;
    JwtVerifier.Routing routing = all.length == 1 && all[0].verifier().multiTenant() ? null
        : JwtVerifier.routing(token, first.maxTokenLength());
    Issuer issuer = issuerOf(routing);
    JwtVerifier.Result result = issuer == null
        ? new JwtVerifier.Fail(DenyReason.TOKEN_ISSUER_MISMATCH, "iss names no configured issuer")
        : issuer.verifier().verify(token, routing == null ? null : routing.payloadText(), now);
    if (result instanceof JwtVerifier.Fail fail) {
      exchange.note(fail.detail());
      if (workloadTokens != null && workloadTokenCandidate(fail.reason())) {
        return asWorkloadToken(exchange, token, fail);
      }
      return Step.deny(fail.reason());
    }
    VerifiedJwt jwt = ((JwtVerifier.Ok) result).jwt();
    if (!issuer.verifier().namesIssuer(jwt.issuer())) { // its own verifier checked iss; never a pooled key
      exchange.note("verified for another issuer than the token names");
      return Step.deny(DenyReason.TOKEN_ISSUER_MISMATCH);
    }
    // a multi-tenant issuer's callers are known per tenant: the tenant's issuer qualifies their identity keys
    Caller caller = CoreAccess.callers().caller(jwt, issuer.verifier().roles(jwt),
        issuer.verifier().multiTenant() ? jwt.issuer() : issuer.qualifier());
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
      if (dpop != null && exchange.get(proofSlot) != null) { // a workload token binds no DPoP key
        exchange.note("a workload token sent with the DPoP scheme");
        return Step.deny(DenyReason.TOKEN_NOT_SENDER_CONSTRAINED);
      }
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

  /**
   * The front table's slot for {@code header} (the canonical {@code Bearer <token>}) when it holds that very token,
   * else {@code null}: the same hash, then the whole value compared.
   */
  private Front frontHit(String header) {
    int hash = TailHashedKey.hashOf(header);
    Front f = front.get(hash & frontMask);
    return f != null && f.key().hash() == hash && f.key().value.equals(header) ? f : null;
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
    Step bound = binding(exchange, jwt.binding(), "token");
    return bound != null ? bound : admitCredential(exchange, jwt, caller);
  }

  /**
   * What an introspected token gets before {@link #admitCredential}, on every request: the binding its answer's
   * {@code cnf} names, checked as a JWT's is (RFC 7662 §2.2 with RFC 8705 §3.2 and RFC 9449 §6.2).
   */
  private Step admitIntrospected(RequestState exchange, VerifiedCredential credential, Caller caller) {
    if (dpop != null && !exchange.request().mayBlock() && exchange.get(proofSlot) != null
        && ((IntrospectedToken) credential).binding().keyThumbprintOrNull() != null) {
      try { // a proof's signature check never runs on an event loop (a cached answer is decided on the caller's thread)
        return Step.later(CompletableFuture.supplyAsync(
            () -> admitIntrospectedNow(exchange, credential, caller), blockingExecutor));
      } catch (RejectedExecutionException e) {
        return Step.deny(DenyReason.KEYS_UNAVAILABLE);
      }
    }
    return admitIntrospectedNow(exchange, credential, caller);
  }

  private Step admitIntrospectedNow(RequestState exchange, VerifiedCredential credential, Caller caller) {
    Step bound = binding(exchange, ((IntrospectedToken) credential).binding(), "introspected token");
    return bound != null ? bound : admitCredential(exchange, credential, caller);
  }

  /**
   * A credential's sender constraint, fresh or cached, on every request (the same token may arrive over another
   * connection, and a DPoP proof is per request): {@code x5t#S256} against the client certificate (RFC 8705 §3),
   * {@code jkt} against the request's DPoP proof (RFC 9449 §7.1: never accepted as a bearer token), an unbound
   * credential refused with the DPoP scheme, and on a route that requires a sender-constrained credential.
   * {@code null} when it holds, else the denial.
   */
  private Step binding(RequestState exchange, SenderBinding binding, String what) {
    // --- RFC 8705 certificate binding: CertificateBinding holds the whole check ---
    byte[] thumbprint = binding.certificateThumbprintOrNull();
    if (thumbprint != null) {
      Step refused = certificates.check(exchange, thumbprint);
      if (refused != null) {
        return refused;
      }
    }
    // --- end certificate binding ---
    String proof = dpop == null ? null : exchange.get(proofSlot);
    String jkt = binding.keyThumbprintOrNull();
    if (jkt != null) {
      if (proof == null) { // RFC 9449 §7.1: never accepted as a bearer token
        exchange.note(dpop == null ? "DPoP-bound " + what + " (cnf.jkt) and DPoP is not configured (no public origin)"
            : "DPoP-bound " + what + " (cnf.jkt) sent without its proof");
        return Step.deny(DenyReason.TOKEN_BINDING_UNVERIFIED);
      }
      Step proven = proof(exchange, proof, jkt);
      if (proven != null) {
        return proven;
      }
    } else if (proof != null) {
      exchange.note("an unbound " + what + " (no cnf.jkt) sent with the DPoP scheme");
      return Step.deny(DenyReason.TOKEN_NOT_SENDER_CONSTRAINED);
    }
    Route route = exchange.routeOrNull();
    if (route != null && !binding.isBound() && route.requirement().requiresSenderConstraint()) {
      exchange.note("a bearer " + what + " on a route that requires a sender-constrained one");
      return Step.deny(DenyReason.TOKEN_NOT_SENDER_CONSTRAINED);
    }
    return null;
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
   * RFC 9449 §4.3, §7.1: the request's proof for a token bound to the key {@code jkt}; {@code null} when it holds (and
   * its {@code jti} was unused), else the denial. A source whose bad proof signatures used up its validation budget is
   * refused before any further proof signature check.
   */
  private Step proof(RequestState exchange, String proof, String jkt) {
    java.util.Optional<java.net.URI> htu = exchange.effectiveUri();
    if (htu.isEmpty()) {
      exchange.note("no effective URI for the request: its htu cannot be checked");
      return Step.deny(DenyReason.DPOP_PROOF_INVALID);
    }
    String source = overProofBudget == null ? null : proofSource(exchange);
    if (source != null && overProofBudget.getIfPresent(source) != null) {
      exchange.note("DPoP proof signatures: the source's validation budget is used up by bad proofs");
      return Step.deny(DenyReason.VALIDATION_BUDGET_EXCEEDED, java.util.Map.of(), java.util.Map.of("Retry-After",
          Long.toString(Math.max(1, first.validationBudgetWindow().toSeconds()))));
    }
    DpopProofs.Result r = proofs.verify(proof, exchange.request().method(), htu.get(), exchange.get(tokenSlot), jkt,
        exchange.now());
    if (r instanceof DpopProofs.NonceNeeded nonce) {
      exchange.note("DPoP " + nonce.detail());
      return new Step.Stop(DenyReason.DPOP_NONCE_REQUIRED, List.of(), java.util.Map.of(),
          java.util.Map.of("DPoP-Nonce", nonces.current(exchange.now())));
    }
    if (r instanceof DpopProofs.Fail fail) {
      exchange.note("DPoP " + fail.detail());
      if (fail.signatureChecked() && source != null) { // a bad signature cost a check: charged to the source
        Step charged = budget.take(exchange);
        if (charged != Step.Proceed.INSTANCE) {
          overProofBudget.put(source, Boolean.TRUE);
        }
      }
      return Step.deny(fail.reason());
    }
    DpopProofs.Ok ok = (DpopProofs.Ok) r;
    dev.zt.core.spi.SingleUse.Use use;
    try { // last: only a proof that holds in every other respect spends its jti (RFC 9449 §11.1)
      use = proofIds.putIfAbsent(jkt + ' ' + ok.jti(), proofs.replayWindow());
    } catch (RuntimeException e) {
      use = dev.zt.core.spi.SingleUse.Use.UNAVAILABLE;
    }
    if (use == dev.zt.core.spi.SingleUse.Use.REPLAY) {
      exchange.note("DPoP proof replayed (jti used before)");
      return Step.deny(DenyReason.DPOP_PROOF_INVALID);
    }
    if (use != dev.zt.core.spi.SingleUse.Use.FIRST) {
      exchange.note("DPoP jti store unavailable: proof refused");
      return Step.deny(DenyReason.STATE_UNAVAILABLE);
    }
    if (ok.staleNonce()) {
      exchange.set(staleNonceSlot, 1);
    }
    return null;
  }

  /** The key the proof budget marks a source by: its address, or its network's key when it is unknown. */
  private static String proofSource(RequestState exchange) {
    if (exchange.clientAddress().isEmpty()) {
      return "unknown via " + exchange.request().clientAddress().map(java.net.InetAddress::getHostAddress).orElse("-");
    }
    return exchange.budgetedSource() ? exchange.clientAddress().get().getHostAddress() : null;
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

  /** Whether the token from {@code start} has two '.', as a JWS compact serialization has (RFC 7515 §7.1). */
  private static boolean jwsShaped(String h, int start) {
    int dot1 = h.indexOf('.', start);
    return dot1 >= 0 && h.indexOf('.', dot1 + 1) >= 0;
  }

  private static final boolean[] B64TOKEN = new boolean[128]; // ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/"

  static {
    for (char c = 0; c < 128; c++) {
      B64TOKEN[c] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || c == '-' || c == '.' || c == '_' || c == '~' || c == '+' || c == '/';
    }
  }

  /** RFC 6750 §2.1 b64token: 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"=" */
  private static boolean isB64Token(String t) {
    int i = 0;
    int n = t.length();
    while (i < n) {
      char c = t.charAt(i);
      if (c >= 128 || !B64TOKEN[c]) {
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
   * token (header, payload and signature) whatever spelling of the scheme and spaces carried it; hashed over its
   * length and last 32 characters — the signature, unique per valid token — as every {@link TailHashedKey}.
   */
  static final class TokenKey extends TailHashedKey {
    TokenKey(String value) {
      super(value);
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
