package dev.zt.core.translate;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.zt.core.Caller;
import dev.zt.core.DenyReason;
import dev.zt.core.credential.VerifiedCredential;
import dev.zt.core.internal.pipeline.AfterAllow;
import dev.zt.core.internal.pipeline.Features;
import dev.zt.core.internal.pipeline.RequestState;
import dev.zt.core.internal.pipeline.Step;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * Mints the small internal access tokens a gateway forwards in place of the client's token (issue 16; RFC 9068 JWT
 * access tokens, {@code act} per RFC 8693 §4.1), signed with the gateway's own key. An internal token carries
 * {@code iss} (this issuer), {@code aud} (the upstream only), {@code sub}, {@code sid} and {@code client_id} when the
 * client token had them, {@code scope} narrowed to the client's scopes the upstream needs, {@code act: {"sub": actor}},
 * {@code iat}, {@code exp} (lifetime, default 60 s, never past the client token's {@code exp}) and a random
 * {@code jti}; header {@code typ: at+jwt}, {@code kid}, ES256 (P-256) by default. No other claim of the client token
 * is copied unless configured ({@link Builder#copyClaims}).
 *
 * <p>Services verify internal tokens with an ordinary {@code BearerJwt} against {@link #jwks()} (served with
 * {@link #discovery()}). Keys rotate in stages: {@link #rotate(JWK, Duration)} publishes the next key in the JWKS at
 * once and signs with it only from the activation instant on (on this minter's clock: the first mint at or after it,
 * or {@link #activateIfDue()}), so a verifier whose JWKS cache refreshes within that time knows the new {@code kid}
 * before the first token names it and never depends on a refetch for an unknown {@code kid} (which verifiers limit,
 * and which anyone may spend with a made-up {@code kid}); the previous key stays published while a token it signed
 * can still be accepted. {@link #rotate(JWK)} switches at once (a compromised key). Given to
 * {@code Enforcer.Builder.translate}, every allow of a token caller carries a minted token to forward
 * ({@code Decision.Allow.forward()}); tokens are cached per (SHA-256 of the subject token, audience, scopes, actor)
 * and reused until less than a quarter of their lifetime is left.
 *
 * @since 0.3
 */
public final class InternalTokenMinter {

  static {
    Features.register(InternalTokenMinter.class, new Installer());
  }

  /** Claims the minter sets itself: never copied from the client token. */
  private static final Set<String> OWN_CLAIMS = Set.of("iss", "aud", "exp", "iat", "nbf", "jti", "act", "scope",
      "cnf", "sub", "sid", "client_id", "may_act");

  private final String issuer;
  private final URI jwksUri;
  private final String audience;
  private final Duration lifetime;
  private final String actor;
  private final Set<String> upstreamScopes;
  private final List<String> copyClaims;
  private final Clock clock;
  private final Duration retention; // how long a key stays published after it stopped signing
  private final Cache<String, Minted> cache; // by the subject token's hash: one entry per token, emptied in O(1)
  private volatile Keys keys;

  /**
   * How long after it stops signing a key stays in the JWKS beyond the lifetime: the verifiers' clock skew (a
   * {@code BearerJwt} accepts a token up to 60 s past its {@code exp} by default).
   */
  static final Duration RETIRE_MARGIN = Duration.ofSeconds(60);

  /** At most this many former keys stay published (the oldest goes first): rotations beyond are emergencies. */
  static final int MAX_PREVIOUS = 4;

  /**
   * One snapshot of the keys, swapped whole: the signing key, the published next key (private, not signing yet) and
   * when it starts signing (empty: only by {@link #activateNext()}), the former keys (public) and until when each
   * stays published.
   */
  private record Keys(ECKey current, JWSAlgorithm algorithm, ECDSASigner signer, Optional<ECKey> next,
      Optional<Instant> activateAt, List<Former> previous) {

    Keys withNext(Optional<ECKey> key, Optional<Instant> at) {
      return new Keys(current, algorithm, signer, key, at, previous);
    }
  }

  /** A key that no longer signs, published until {@code until}. */
  private record Former(ECKey publicKey, Instant until) {}

  private record Key(String subjectHash, String audience, Set<String> scopes, String actor) {}

  private record Minted(Key key, String token, Instant issuedAt, Instant expiresAt) {}

  private InternalTokenMinter(Builder b) {
    this.issuer = b.issuer;
    this.jwksUri = b.jwksUri == null ? URI.create(b.issuer + "/jwks") : b.jwksUri;
    this.audience = b.audience;
    this.lifetime = b.lifetime;
    this.actor = b.actor;
    this.upstreamScopes = Set.copyOf(b.upstreamScopes);
    this.copyClaims = List.copyOf(b.copyClaims);
    this.clock = b.clock;
    this.cache = Caffeine.newBuilder().maximumSize(b.cacheSize).expireAfterWrite(b.lifetime).build();
    this.keys = keys(b.signingKey, List.of());
    this.retention = b.lifetime.plus(RETIRE_MARGIN);
  }

  public static Builder builder() {
    return new Builder();
  }

  private static Keys keys(ECKey key, List<Former> previous) {
    JWSAlgorithm alg = algorithm(key);
    try {
      return new Keys(key, alg, new ECDSASigner(key), Optional.empty(), Optional.empty(), List.copyOf(previous));
    } catch (JOSEException e) {
      throw new IllegalArgumentException("unusable signing key", e);
    }
  }

  private static JWSAlgorithm algorithm(ECKey key) {
    JWSAlgorithm alg;
    if (Curve.P_256.equals(key.getCurve())) {
      alg = JWSAlgorithm.ES256;
    } else if (Curve.P_384.equals(key.getCurve())) {
      alg = JWSAlgorithm.ES384;
    } else if (Curve.P_521.equals(key.getCurve())) {
      alg = JWSAlgorithm.ES512;
    } else {
      throw new IllegalArgumentException("a signing key is an EC key on P-256, P-384 or P-521");
    }
    return alg;
  }

  private static ECKey signingKey(JWK jwk) {
    Objects.requireNonNull(jwk, "signingKey");
    if (!(jwk instanceof ECKey ec) || !ec.isPrivate()) {
      throw new IllegalArgumentException("a signing key is a private EC key (ES256 by default)");
    }
    if (ec.getKeyID() == null || ec.getKeyID().isBlank()) {
      try {
        return new ECKey.Builder(ec).keyIDFromThumbprint().build();
      } catch (JOSEException e) {
        throw new IllegalArgumentException("cannot compute the key's thumbprint", e);
      }
    }
    return ec;
  }

  /**
   * Emergency rotation (a compromised or lost key): signs with {@code newKey} from now on, at once. Verifiers learn
   * the new {@code kid} only by refetching the JWKS, which they limit (a {@code BearerJwt}: once per 30 s by default)
   * and which any caller can spend with a made-up {@code kid}, so tokens may be refused until their next fetch; for a
   * planned rotation use {@link #rotate(JWK, Duration)}. The current key's public half stays in the {@link #jwks()}
   * for the lifetime plus 60 s, so tokens minted before stay valid until they end; a next key that was published and
   * not yet active is dropped (it never signed). The cache is emptied: from now on only the new key signs.
   *
   * @throws IllegalArgumentException if the key is not a private EC key of the configured algorithm, or its
   *     {@code kid} is one the JWKS holds
   */
  public synchronized void rotate(JWK newKey) {
    ECKey next = checkedNext(newKey, keys.withNext(Optional.empty(), Optional.empty()));
    activate(next);
  }

  /**
   * Planned rotation: publishes {@code nextKey} in the {@link #jwks()} now and signs with it from
   * {@code now + publishAhead} on (the first mint at or after that instant, on this minter's clock, or
   * {@link #activateIfDue()}; no timer). Choose {@code publishAhead} longer than the verifiers' JWKS cache lifetime (a
   * {@code BearerJwt}: 5 min by default), so each has fetched the new key before it signs anything. Until then the
   * current key signs and cached tokens stay in use. A next key already published and not yet active is replaced
   * (it never signed) and the time counts from now.
   *
   * @throws IllegalArgumentException if the key is not a private EC key of the configured algorithm, its {@code kid}
   *     is one the JWKS holds, or {@code publishAhead} is not positive
   */
  public synchronized void rotate(JWK nextKey, Duration publishAhead) {
    Objects.requireNonNull(publishAhead, "publishAhead");
    if (publishAhead.isNegative() || publishAhead.isZero()) {
      throw new IllegalArgumentException("publishAhead must be positive (rotate(newKey) switches at once)");
    }
    stage(nextKey, Optional.of(clock.instant().plus(publishAhead)));
  }

  /**
   * Publishes {@code nextKey} in the {@link #jwks()} without signing with it; {@link #activateNext()} makes it the
   * signing key (for deployments that decide the moment themselves). A next key already published and not yet active
   * is replaced.
   *
   * @throws IllegalArgumentException as {@link #rotate(JWK, Duration)}
   */
  public synchronized void publishNext(JWK nextKey) {
    stage(nextKey, Optional.empty());
  }

  private void stage(JWK nextKey, Optional<Instant> activateAt) {
    Keys now = keys;
    ECKey next = checkedNext(nextKey, now.withNext(Optional.empty(), Optional.empty()));
    this.keys = now.withNext(Optional.of(next), activateAt);
  }

  /**
   * Makes the published next key the signing key now, whatever its activation instant.
   *
   * @return false if no next key was published
   */
  public synchronized boolean activateNext() {
    Optional<ECKey> next = keys.next();
    next.ifPresent(this::activate);
    return next.isPresent();
  }

  /**
   * Withdraws the published next key before it signs (a rotation called off): it leaves the JWKS at once, which is
   * safe because it never signed a token.
   *
   * @return false if no next key was published
   */
  public synchronized boolean withdrawNext() {
    Keys now = keys;
    if (now.next().isEmpty()) {
      return false;
    }
    this.keys = now.withNext(Optional.empty(), Optional.empty());
    return true;
  }

  /**
   * Makes the published next key the signing key if its activation instant has come (this minter's clock); minting
   * does the same, so call this only to switch without traffic (e.g. from a poller).
   *
   * @return whether it switched
   */
  public boolean activateIfDue() {
    Keys k = keys;
    if (!due(k, clock.instant())) {
      return false;
    }
    synchronized (this) {
      k = keys;
      if (!due(k, clock.instant())) {
        return false;
      }
      activate(k.next().orElseThrow());
      return true;
    }
  }

  private static boolean due(Keys k, Instant now) {
    return k.activateAt().isPresent() && !now.isBefore(k.activateAt().get());
  }

  /** The {@code kid} of the key that signs now (after activating a due next key). */
  public String signingKeyId() {
    activateIfDue();
    return keys.current().getKeyID();
  }

  /** The key of a rotation, checked against the published ones. Called holding the lock. */
  private ECKey checkedNext(JWK candidate, Keys published) {
    ECKey next = signingKey(candidate);
    if (!algorithm(next).equals(published.algorithm())) {
      throw new IllegalArgumentException("the next key is for " + algorithm(next) + ", the minter signs "
          + published.algorithm());
    }
    for (JWK k : published(published, clock.instant())) {
      if (next.getKeyID().equals(k.getKeyID())) {
        throw new IllegalArgumentException("the next key needs a kid of its own (" + next.getKeyID()
            + " is published)");
      }
    }
    return next;
  }

  /** Called holding the lock: {@code next} signs from now on, the current key is kept published, the cache emptied. */
  private void activate(ECKey next) {
    Keys now = keys;
    Instant t = clock.instant();
    List<Former> former = new ArrayList<>();
    former.add(new Former(now.current().toPublicJWK(), t.plus(retention)));
    for (Former f : now.previous()) {
      if (t.isBefore(f.until()) && former.size() < MAX_PREVIOUS) {
        former.add(f);
      }
    }
    this.keys = keys(next, former);
    cache.invalidateAll(); // cached tokens name the previous key: from now on only the new key signs
  }

  /** The issuer this minter writes in {@code iss}. */
  public String issuer() {
    return issuer;
  }

  /** The audience ({@code aud}) of every minted token: the upstream. */
  public String audience() {
    return audience;
  }

  /**
   * Mints a fresh internal token for a verified caller (no cache).
   *
   * @throws IllegalArgumentException if the caller has no verified credential, or its credential has ended
   */
  public String mint(Caller caller) {
    VerifiedCredential credential = caller.credential()
        .orElseThrow(() -> new IllegalArgumentException("only a caller with a verified credential gets a token"));
    return mint(credential, narrowed(credential)).token();
  }

  /** The token for {@code credential}, from the cache when one minted for the same subject token is fresh enough. */
  String cachedMint(VerifiedCredential credential, String subjectToken) {
    Set<String> scopes = narrowed(credential);
    Key key = new Key(SubjectTokens.sha256(subjectToken), audience, scopes, actor);
    activateIfDue(); // empties the cache when the next key starts signing
    Instant now = clock.instant();
    Minted m = cache.getIfPresent(key.subjectHash());
    if (m != null && m.key().equals(key) && fresh(m, now)) {
      return m.token();
    }
    Minted minted = mint(credential, scopes);
    cache.put(key.subjectHash(), new Minted(key, minted.token(), minted.issuedAt(), minted.expiresAt()));
    return minted.token();
  }

  /** Reusable while more than a quarter of its lifetime is left (and so before the subject token ends). */
  private static boolean fresh(Minted m, Instant now) {
    Duration life = Duration.between(m.issuedAt(), m.expiresAt());
    return now.isBefore(m.expiresAt().minus(life.dividedBy(4)));
  }

  /** Drops the cached tokens minted for {@code subjectToken} (a suspended or revoked client token). */
  public void invalidateSubject(String subjectToken) {
    String hash = SubjectTokens.sha256(Objects.requireNonNull(subjectToken, "subjectToken"));
    cache.invalidate(hash);
  }

  private Set<String> narrowed(VerifiedCredential credential) {
    Set<String> scopes = new TreeSet<>(credential.scopes());
    scopes.retainAll(upstreamScopes);
    return Set.copyOf(scopes);
  }

  private Minted mint(VerifiedCredential credential, Set<String> scopes) {
    activateIfDue();
    Instant now = clock.instant();
    Instant subjectEnd = credential.expiresAt();
    Instant iat = Instant.ofEpochSecond(now.getEpochSecond());
    Instant exp = now.plus(lifetime);
    if (subjectEnd.isBefore(exp)) {
      exp = subjectEnd;
    }
    exp = Instant.ofEpochSecond(exp.getEpochSecond()); // NumericDate: whole seconds, rounded down, never later
    if (!exp.isAfter(now)) {
      throw new IllegalArgumentException("the subject token has ended");
    }
    JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
        .issuer(issuer)
        .audience(audience)
        .issueTime(Date.from(iat))
        .expirationTime(Date.from(exp))
        .jwtID(UUID.randomUUID().toString());
    credential.subject().ifPresent(claims::subject);
    Object sid = credential.claims().get("sid");
    if (sid instanceof String s) {
      claims.claim("sid", s);
    }
    credential.clientId().ifPresent(c -> claims.claim("client_id", c));
    if (!scopes.isEmpty()) {
      claims.claim("scope", String.join(" ", new TreeSet<>(scopes)));
    }
    claims.claim("act", Map.of("sub", actor));
    for (String name : copyClaims) {
      Object value = credential.claims().get(name);
      if (value != null) {
        claims.claim(name, value);
      }
    }
    Keys k = keys;
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(k.algorithm())
        .type(new JOSEObjectType("at+jwt"))
        .keyID(k.current().getKeyID())
        .build(), claims.build());
    try {
      jwt.sign(k.signer());
    } catch (JOSEException e) {
      throw new IllegalStateException("signing failed", e);
    }
    return new Minted(null, jwt.serialize(), iat, exp);
  }

  /**
   * The public JWK set ({@code {"keys":[…]}}, RFC 7517 §5): the signing key, the published next key if any, then the
   * former keys still published (each until the lifetime plus 60 s after it stopped signing).
   */
  public String jwks() {
    return publicKeys().toString(true);
  }

  /** The public keys as a Nimbus {@link JWKSet} (e.g. for an in-process {@code BearerJwt} key source). */
  public JWKSet publicKeys() {
    return new JWKSet(published(keys, clock.instant()));
  }

  private static List<JWK> published(Keys k, Instant now) {
    List<JWK> all = new ArrayList<>();
    all.add(k.current().toPublicJWK());
    k.next().ifPresent(n -> all.add(n.toPublicJWK()));
    for (Former f : k.previous()) {
      if (now.isBefore(f.until())) {
        all.add(f.publicKey());
      }
    }
    return all;
  }

  /**
   * The minimal authorization server metadata (RFC 8414 §2 / OpenID Connect Discovery 1.0 §3) a service's
   * {@code BearerJwt} discovers the keys by: {@code issuer}, {@code jwks_uri}.
   */
  public String discovery() {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("issuer", issuer);
    doc.put("jwks_uri", jwksUri.toString());
    doc.put("id_token_signing_alg_values_supported", List.of(keys.algorithm().getName()));
    doc.put("response_types_supported", List.of("token"));
    doc.put("subject_types_supported", List.of("public"));
    return com.nimbusds.jose.util.JSONObjectUtils.toJSONString(doc);
  }

  /** The URI {@link #discovery()} names for the JWKS. */
  public URI jwksUri() {
    return jwksUri;
  }

  /** Puts the FORWARD step into an enforcer being built. */
  private static final class Installer implements Features.Installer<InternalTokenMinter> {
    @Override
    public void install(InternalTokenMinter minter, dev.zt.core.internal.pipeline.Assembly assembly) {
      assembly.afterAllow(AfterAllow.Stage.FORWARD, new SubjectTokens.Forward("translate", minter::translate));
      assembly.afterAnswer(new SubjectTokens.Emptying(minter::invalidateSubject));
    }
  }

  /** The internal token to forward, minted (or from the cache) for the allowed token caller. */
  private Step translate(RequestState state, VerifiedCredential credential, String subjectToken) {
    String token;
    try {
      token = cachedMint(credential, subjectToken);
    } catch (IllegalArgumentException ended) { // ended between the check and now: as the credential gate does
      return Step.deny(DenyReason.TOKEN_EXPIRED);
    }
    state.forward(dev.zt.core.Decision.ForwardedCredential.bearer(token));
    return Step.proceed();
  }

  /** Set-once builder; issuer, signing key, audience and actor are required. */
  public static final class Builder {
    private String issuer;
    private URI jwksUri;
    private ECKey signingKey;
    private String audience;
    private Duration lifetime = Duration.ofSeconds(60);
    private String actor;
    private final Set<String> upstreamScopes = new LinkedHashSet<>();
    private final List<String> copyClaims = new ArrayList<>();
    private Clock clock = Clock.systemUTC();
    private long cacheSize = 10_000;
    private final Set<String> set = new java.util.HashSet<>();

    private Builder() {}

    private void once(String option) {
      if (!set.add(option)) {
        throw new IllegalStateException(option + " was already set");
      }
    }

    /** The issuer URL written in {@code iss} (https, or http for loopback tests), without a trailing slash. */
    public Builder issuer(String issuer) {
      once("issuer");
      URI u = URI.create(Objects.requireNonNull(issuer, "issuer"));
      if (u.getScheme() == null || u.getHost() == null || issuer.endsWith("/") || u.getQuery() != null
          || u.getFragment() != null || !(u.getScheme().equals("https") || u.getScheme().equals("http"))) {
        throw new IllegalArgumentException("an issuer is an http(s) URL without query, fragment or trailing slash");
      }
      this.issuer = issuer;
      return this;
    }

    /** Where the JWKS is served (default {@code {issuer}/jwks}). */
    public Builder jwksUri(URI jwksUri) {
      once("jwksUri");
      this.jwksUri = Objects.requireNonNull(jwksUri, "jwksUri");
      return this;
    }

    /** The private EC signing key (P-256 → ES256); a key without {@code kid} gets its RFC 7638 thumbprint. */
    public Builder signingKey(JWK key) {
      once("signingKey");
      this.signingKey = InternalTokenMinter.signingKey(key);
      return this;
    }

    /** The upstream: the only {@code aud} of every minted token. */
    public Builder audience(String audience) {
      once("audience");
      this.audience = requireText(audience, "audience");
      return this;
    }

    /** How long a minted token lives (default 60 s, at most 10 min); never past the subject token's {@code exp}. */
    public Builder lifetime(Duration lifetime) {
      once("lifetime");
      if (lifetime.compareTo(Duration.ofSeconds(1)) < 0 || lifetime.compareTo(Duration.ofMinutes(10)) > 0) {
        throw new IllegalArgumentException("a lifetime is between 1 s and 10 min");
      }
      this.lifetime = lifetime;
      return this;
    }

    /** The gateway's workload identity (its SPIFFE ID), written as {@code act: {"sub": actor}} (RFC 8693 §4.1). */
    public Builder actor(String actor) {
      once("actor");
      this.actor = requireText(actor, "actor");
      return this;
    }

    /** The scopes the upstream needs: a minted {@code scope} is the client's scopes among these (default none). */
    public Builder upstreamScopes(String... scopes) {
      once("upstreamScopes");
      for (String s : scopes) {
        upstreamScopes.add(requireText(s, "scope"));
      }
      return this;
    }

    /** Further claims of the client token to copy as they are (default none); the minter's own claims are refused. */
    public Builder copyClaims(String... names) {
      once("copyClaims");
      for (String n : names) {
        if (OWN_CLAIMS.contains(requireText(n, "claim"))) {
          throw new IllegalArgumentException("the minter sets " + n + " itself");
        }
        copyClaims.add(n);
      }
      return this;
    }

    /** The clock (tests). */
    public Builder clock(Clock clock) {
      once("clock");
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** How many minted tokens the cache keeps (default 10 000). */
    public Builder cacheSize(long entries) {
      once("cacheSize");
      if (entries < 1) {
        throw new IllegalArgumentException("cacheSize >= 1");
      }
      this.cacheSize = entries;
      return this;
    }

    public InternalTokenMinter build() {
      if (issuer == null || signingKey == null || audience == null || actor == null) {
        throw new IllegalStateException("issuer, signingKey, audience and actor are required");
      }
      return new InternalTokenMinter(this);
    }

    private static String requireText(String s, String what) {
      if (Objects.requireNonNull(s, what).isBlank()) {
        throw new IllegalArgumentException(what + " is blank");
      }
      return s;
    }
  }
}
