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
 * {@link #discovery()}). {@link #rotate} switches to a new key and keeps the previous public key in the JWKS, so
 * tokens already forwarded stay valid until they end. Given to {@code Enforcer.Builder.translate}, every allow of a
 * token caller carries a minted token to forward ({@code Decision.Allow.forward()}); tokens are cached per (SHA-256 of
 * the subject token, audience, scopes, actor) and reused until less than a quarter of their lifetime is left.
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
  private final Cache<String, Minted> cache; // by the subject token's hash: one entry per token, emptied in O(1)
  private volatile Keys keys;

  private record Keys(ECKey current, JWSAlgorithm algorithm, ECDSASigner signer, List<ECKey> previous) {}

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
  }

  public static Builder builder() {
    return new Builder();
  }

  private static Keys keys(ECKey key, List<ECKey> previous) {
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
    try {
      return new Keys(key, alg, new ECDSASigner(key), previous);
    } catch (JOSEException e) {
      throw new IllegalArgumentException("unusable signing key", e);
    }
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
   * Signs with {@code newKey} from now on and keeps the current key's public half in the {@link #jwks()} (one
   * previous key: a second rotation drops the oldest), so tokens minted before stay valid until they end; rotate at
   * most once per {@link Builder#lifetime lifetime}. The cache is emptied: from now on only the new key signs.
   *
   * @throws IllegalArgumentException if the key is not a private EC key or has the current key's {@code kid}
   */
  public synchronized void rotate(JWK newKey) {
    ECKey next = signingKey(newKey);
    Keys now = keys;
    if (next.getKeyID().equals(now.current().getKeyID())) {
      throw new IllegalArgumentException("the new key needs a kid of its own");
    }
    this.keys = keys(next, List.of(now.current().toPublicJWK()));
    cache.invalidateAll(); // cached tokens name the previous key: the next rotation would orphan them
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

  /** The public JWK set ({@code {"keys":[…]}}, RFC 7517 §5): the current key, then the previous one if any. */
  public String jwks() {
    Keys k = keys;
    List<JWK> all = new ArrayList<>();
    all.add(k.current().toPublicJWK());
    all.addAll(k.previous());
    return new JWKSet(all).toString(true);
  }

  /** The public keys as a Nimbus {@link JWKSet} (e.g. for an in-process {@code BearerJwt} key source). */
  public JWKSet publicKeys() {
    Keys k = keys;
    List<JWK> all = new ArrayList<>();
    all.add(k.current().toPublicJWK());
    all.addAll(k.previous());
    return new JWKSet(all);
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
      assembly.afterAllow(AfterAllow.Stage.FORWARD, new Translate(minter));
      assembly.afterAnswer(new SubjectTokens.Emptying(minter::invalidateSubject));
    }
  }

  /** On an allow of a token caller, the internal token to forward; anonymous and workload-only allows get none. */
  private record Translate(InternalTokenMinter minter) implements AfterAllow {
    @Override
    public String name() {
      return "translate";
    }

    @Override
    public Step evaluate(RequestState state) {
      Caller caller = state.caller();
      if (caller.credential().isEmpty()) {
        return Step.proceed();
      }
      String subjectToken = SubjectTokens.of(state);
      if (subjectToken == null) {
        return Step.deny(DenyReason.INTERNAL_ERROR); // an allowed token caller always sent its token
      }
      String token;
      try {
        token = minter.cachedMint(caller.credential().get(), subjectToken);
      } catch (IllegalArgumentException ended) { // ended between the check and now: as the credential gate does
        return Step.deny(DenyReason.TOKEN_EXPIRED);
      }
      state.forward(dev.zt.core.Decision.ForwardedCredential.bearer(token));
      return Step.proceed();
    }
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
