package dev.zt.core.credential;

import dev.zt.core.internal.Loopback;
import dev.zt.core.internal.pipeline.Assembly;
import dev.zt.core.internal.pipeline.Features;
import dev.zt.core.DenyReason;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * How bearer JWT access tokens are validated (RFC 6750, RFC 7519, RFC 8725, RFC 9068). Strict by default: the
 * issuer must match exactly, the audience must be present and contain the configured one, {@code exp}, {@code iat}
 * and {@code sub} are required (RFC 9068 §2.2), lifetimes are short, only asymmetric algorithms are allowed, keys come
 * only from the issuer's JWKS (never from {@code jku}, {@code x5u} or an embedded {@code jwk}), ID tokens and other
 * JWTs that are not access tokens are refused, a {@code cnf}-bound token is honoured only over its mTLS certificate
 * (RFC 8705 §3.1), and signature checks are budgeted per client source.
 *
 * <p>Every weakening is a method whose name says so ({@code allow…}, {@code unsafe…}); passing fewer arguments never
 * weakens a check. Options may be set once; {@link Builder#build()} fails fast on a missing or contradictory one.
 *
 * @since 0.1
 */
public final class BearerJwt {

  static {
    Features.register(BearerJwt.class, (config, assembly) -> {
      // one credential gate for every issuer: the first configuration makes it, each further one adds its issuer
      boolean[] made = new boolean[1];
      CredentialGate gate = assembly.shared(CredentialGate.class, () -> {
        made[0] = true;
        assembly.peerVerifier().ifPresent(v -> assembly.add(Assembly.Stage.PEER, new PeerGate(v)));
        CredentialGate g = new CredentialGate(config, assembly.clock(), assembly.executor(),
            assembly.countermeasures(), assembly.workloadTokens().orElse(null), assembly.state(),
            assembly.clientCertHeaderProxies().map(CertificateBinding::withClientCertHeader)
                .orElseGet(CertificateBinding::tlsOnly), assembly.signatures());
        assembly.add(Assembly.Stage.CREDENTIAL, g);
        assembly.keySources(g::keySourceHealth);
        assembly.dpop().ifPresent(d -> g.enableDpop(d, assembly));
        return g;
      });
      if (!made[0]) {
        gate.add(config);
      }
    });
  }

  /** The algorithms accepted by default: asymmetric signatures only (no {@code none}, no HMAC). */
  public static final Set<String> DEFAULT_ALGORITHMS =
      Set.of("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "EdDSA");

  /** Default budget of uncached (signature-checking) validations per client address and window. */
  public static final int DEFAULT_BUDGET_PER_ADDRESS = 60;

  /** Default budget of uncached validations per /24 (IPv4) or /64 (IPv6) network and window. */
  public static final int DEFAULT_BUDGET_PER_NETWORK = 600;

  /** Default window of the validation budget. */
  public static final Duration DEFAULT_BUDGET_WINDOW = Duration.ofMinutes(1);

  /** The largest clock skew that can be configured. */
  public static final Duration MAX_CLOCK_SKEW = Duration.ofMinutes(5);

  private final String issuer;
  private final Set<String> audiences;
  private final Optional<URI> jwksUri;
  private final Optional<JWKSource<SecurityContext>> keySource;
  private final Set<JWSAlgorithm> algorithms;
  private final Duration clockSkew;
  private final Duration maxLifetime;
  private final Optional<Duration> maxAge;
  private final boolean requireAccessTokenType;
  private final boolean requireIssuedAt;
  private final boolean requireSubject;
  private final int budgetPerAddress;
  private final int budgetPerNetwork;
  private final Duration budgetWindow;
  private final int maxTokenLength;
  private final String rolesClaim;
  private final long validatedCacheSize;
  private final Duration jwksCacheTtl;
  private final Duration jwksRefreshAhead;
  private final Duration jwksRefetchMinInterval;
  private final Duration jwksOutageTolerance;
  private final Duration httpTimeout;
  private final int jwksSizeLimit;
  private final boolean allowPlainHttp;
  private final TenantIssuers tenantIssuers; // null: one issuer, compared exactly
  private final Optional<Introspection> introspection;

  private BearerJwt(Builder b) {
    this.issuer = b.issuer;
    this.audiences = Set.copyOf(b.audiences);
    this.jwksUri = Optional.ofNullable(b.jwksUri);
    this.keySource = Optional.ofNullable(b.keySource);
    Set<JWSAlgorithm> algs = new LinkedHashSet<>();
    for (String a : b.algorithms == null ? DEFAULT_ALGORITHMS : b.algorithms) {
      algs.add(JWSAlgorithm.parse(a));
    }
    this.algorithms = Set.copyOf(algs);
    this.clockSkew = b.clockSkew == null ? Duration.ofSeconds(60) : b.clockSkew;
    this.maxLifetime = b.maxLifetime == null ? Duration.ofHours(1) : b.maxLifetime;
    this.maxAge = Optional.ofNullable(b.maxAge);
    this.requireAccessTokenType = b.requireAccessTokenType;
    this.requireIssuedAt = !b.allowMissingIssuedAt;
    this.requireSubject = !b.allowMissingSubject;
    this.budgetPerAddress = b.budgetWindow == null ? DEFAULT_BUDGET_PER_ADDRESS : b.budgetPerAddress;
    this.budgetPerNetwork = b.budgetWindow == null ? DEFAULT_BUDGET_PER_NETWORK : b.budgetPerNetwork;
    this.budgetWindow = b.budgetWindow == null ? DEFAULT_BUDGET_WINDOW : b.budgetWindow;
    this.maxTokenLength = b.maxTokenLength == 0 ? 8192 : b.maxTokenLength;
    this.rolesClaim = b.rolesClaim == null ? "roles" : b.rolesClaim;
    this.validatedCacheSize = b.validatedCacheSize < 0 ? 10_000 : b.validatedCacheSize;
    this.jwksCacheTtl = b.jwksCacheTtl == null ? Duration.ofMinutes(5) : b.jwksCacheTtl;
    this.jwksRefreshAhead = Duration.ofSeconds(30);
    this.jwksRefetchMinInterval =
        b.jwksRefetchMinInterval == null ? Duration.ofSeconds(30) : b.jwksRefetchMinInterval;
    this.jwksOutageTolerance = b.jwksOutageTolerance == null ? Duration.ofHours(1) : b.jwksOutageTolerance;
    this.httpTimeout = b.httpTimeout == null ? Duration.ofSeconds(2) : b.httpTimeout;
    this.jwksSizeLimit = b.jwksSizeLimit == 0 ? 64 * 1024 : b.jwksSizeLimit;
    this.allowPlainHttp = b.allowPlainHttp;
    this.tenantIssuers = b.multiTenant ? new TenantIssuers(b.issuer, b.anyTenant ? Set.of() : b.tenants) : null;
    this.introspection = Optional.ofNullable(b.introspection);
  }

  /** Starts a configuration for tokens issued by {@code issuer} (compared exactly, as a string). */
  public static Builder issuer(String issuer) {
    return new Builder(issuer);
  }

  /**
   * Starts a configuration for a multi-tenant issuer whose tenants share one key source, as Microsoft Entra ID's
   * {@code https://login.microsoftonline.com/{tenantid}/v2.0}: a token is accepted only when its {@code iss} equals
   * {@code issuerTemplate} with {@code {tenantid}} replaced by the token's own {@code tid} claim, and that tenant is
   * one of {@link Builder#tenants(String...)} ({@link Builder#unsafeAnyTenant()} to accept every tenant). The keys come
   * from {@link Builder#jwksUri(URI)} or {@link Builder#keySource} (required: the template is not a URL to discover
   * from); a tenant id is never part of a URL zt contacts. Callers are known per tenant: the same {@code sub} in two
   * tenants is two identities, and {@link VerifiedJwt#issuer()} is the tenant's issuer.
   *
   * @param issuerTemplate an issuer URL holding {@code {tenantid}} exactly once
   * @since 0.2
   */
  public static Builder multiTenant(String issuerTemplate) {
    Builder b = new Builder(issuerTemplate);
    new TenantIssuers(issuerTemplate, Set.of()); // the template is checked at once
    b.multiTenant = true;
    return b;
  }

  /** The issuer, compared exactly; for a {@link #multiTenant(String)} configuration, its template. */
  public String issuer() {
    return issuer;
  }

  /**
   * The issuer identifiers whose tokens this configuration accepts, as RFC 9728 metadata lists them under
   * {@code authorization_servers}: the issuer; for a {@link #multiTenant(String)} configuration each allowed
   * tenant's issuer (none under {@link Builder#unsafeAnyTenant()}: the template is no issuer identifier).
   *
   * @since 0.2
   */
  public java.util.List<String> acceptedIssuers() {
    return tenantIssuers == null ? java.util.List.of(issuer) : tenantIssuers.issuers();
  }

  /** The multi-tenant issuers, or {@code null} for one issuer compared exactly. */
  TenantIssuers tenantIssuers() {
    return tenantIssuers;
  }

  /**
   * Whether a token's {@code iss} (unverified, for routing to this configuration only) names this issuer: exactly,
   * or for a multi-tenant issuer, one of its allowed tenants' issuers.
   */
  boolean namesIssuer(String iss) {
    return tenantIssuers == null ? issuer.equals(iss) : tenantIssuers.names(iss);
  }

  /** The accepted audiences; a token's {@code aud} must contain at least one. Empty only after the unsafe skip. */
  public Set<String> audiences() {
    return audiences;
  }

  public Optional<URI> jwksUri() {
    return jwksUri;
  }

  Optional<JWKSource<SecurityContext>> keySource() {
    return keySource;
  }

  Set<JWSAlgorithm> algorithms() {
    return algorithms;
  }

  public Duration clockSkew() {
    return clockSkew;
  }

  public Duration maxLifetime() {
    return maxLifetime;
  }

  public Optional<Duration> maxAge() {
    return maxAge;
  }

  public boolean requireAccessTokenType() {
    return requireAccessTokenType;
  }

  public boolean requireIssuedAt() {
    return requireIssuedAt;
  }

  /** Whether {@code sub} is required (RFC 9068 §2.2); true unless {@link Builder#allowMissingSubject()}. */
  public boolean requireSubject() {
    return requireSubject;
  }

  /** Uncached validations per client address per {@link #validationBudgetWindow()}; 0 when unlimited. */
  public int validationBudgetPerAddress() {
    return budgetPerAddress;
  }

  /** Uncached validations per /24 · /64 network per {@link #validationBudgetWindow()}; 0 when unlimited. */
  public int validationBudgetPerNetwork() {
    return budgetPerNetwork;
  }

  public Duration validationBudgetWindow() {
    return budgetWindow;
  }

  public int maxTokenLength() {
    return maxTokenLength;
  }

  public String rolesClaim() {
    return rolesClaim;
  }

  long validatedCacheSize() {
    return validatedCacheSize;
  }

  Duration jwksCacheTtl() {
    return jwksCacheTtl;
  }

  Duration jwksRefreshAhead() {
    return jwksRefreshAhead;
  }

  Duration jwksRefetchMinInterval() {
    return jwksRefetchMinInterval;
  }

  Duration jwksOutageTolerance() {
    return jwksOutageTolerance;
  }

  Duration httpTimeout() {
    return httpTimeout;
  }

  int jwksSizeLimit() {
    return jwksSizeLimit;
  }

  boolean allowPlainHttp() {
    return allowPlainHttp;
  }

  /**
   * Introspection (RFC 7662) of this issuer's tokens, when configured: opaque tokens, and its JWTs too with
   * {@link Introspection#introspectJwts()}.
   *
   * @since 0.3
   */
  public Optional<Introspection> introspection() {
    return introspection;
  }

  /** Set-once builder; see {@link BearerJwt}. */
  public static final class Builder {
    private final String issuer;
    private final Set<String> audiences = new LinkedHashSet<>();
    private boolean audienceSet;
    private boolean skipAudience;
    private URI jwksUri;
    private JWKSource<SecurityContext> keySource;
    private Set<String> algorithms;
    private Duration clockSkew;
    private Duration maxLifetime;
    private Duration maxAge;
    private boolean requireAccessTokenType;
    private boolean allowMissingIssuedAt;
    private boolean allowMissingSubject;
    private int budgetPerAddress;
    private int budgetPerNetwork;
    private Duration budgetWindow;
    private int maxTokenLength;
    private String rolesClaim;
    private long validatedCacheSize = -1;
    private Duration jwksCacheTtl;
    private Duration jwksRefetchMinInterval;
    private Duration jwksOutageTolerance;
    private Duration httpTimeout;
    private int jwksSizeLimit;
    private boolean allowPlainHttp;
    private boolean multiTenant;
    private Set<String> tenants = Set.of();
    private boolean anyTenant;
    private Introspection introspection;
    private final Set<String> set = new LinkedHashSet<>();

    private Builder(String issuer) {
      Objects.requireNonNull(issuer, "issuer");
      if (issuer.isBlank()) {
        throw new IllegalArgumentException("issuer must not be blank");
      }
      this.issuer = issuer;
    }

    private void once(String option) {
      if (!set.add(option)) {
        throw new IllegalStateException(option + " was already set");
      }
    }

    /** The audience(s) this service answers to; a token must name at least one of them in {@code aud}. */
    public Builder audience(String... audiences) {
      once("audience");
      if (audiences.length == 0) {
        throw new IllegalArgumentException("at least one audience is required");
      }
      for (String a : audiences) {
        if (a == null || a.isBlank()) {
          throw new IllegalArgumentException("audience must not be blank");
        }
        this.audiences.add(a);
      }
      audienceSet = true;
      return this;
    }

    /**
     * The tenants whose tokens a {@link BearerJwt#multiTenant(String)} issuer accepts (their {@code tid}, e.g. Entra
     * directory ids), compared exactly.
     */
    public Builder tenants(String... tenantIds) {
      once("tenants");
      if (tenantIds.length == 0) {
        throw new IllegalArgumentException("at least one tenant is required (unsafeAnyTenant() to accept every one)");
      }
      Set<String> ids = new LinkedHashSet<>();
      for (String t : tenantIds) {
        if (t == null || !TenantIssuers.isTenantId(t)) {
          throw new IllegalArgumentException("not a tenant id (1–64 of A-Z a-z 0-9 . _ -): " + t);
        }
        ids.add(t);
      }
      this.tenants = Set.copyOf(ids);
      return this;
    }

    /**
     * Accepts the tokens of every tenant of a {@link BearerJwt#multiTenant(String)} issuer (still only with {@code iss}
     * built from the token's own {@code tid}). Dangerous: anyone can create a tenant at a public identity provider and
     * mint tokens for your audience there; authorize on the tenant ({@code tid}) in your rules.
     */
    public Builder unsafeAnyTenant() {
      once("unsafeAnyTenant");
      this.anyTenant = true;
      return this;
    }

    /** Accepts tokens whatever their {@code aud}. Dangerous: tokens minted for other services then work here. */
    public Builder unsafeSkipAudienceCheck() {
      once("unsafeSkipAudienceCheck");
      skipAudience = true;
      return this;
    }

    /** The JWKS location; without it, {@code jwks_uri} is discovered from the issuer's metadata. */
    public Builder jwksUri(URI jwksUri) {
      once("jwksUri");
      this.jwksUri = Objects.requireNonNull(jwksUri, "jwksUri");
      return this;
    }

    /**
     * A key source of your own (an in-memory {@code ImmutableJWKSet}, a pre-built Nimbus source); replaces the
     * remote JWKS and discovery.
     */
    public Builder keySource(JWKSource<SecurityContext> keySource) {
      once("keySource");
      this.keySource = Objects.requireNonNull(keySource, "keySource");
      return this;
    }

    /** Narrows the algorithm allow-list (names as in RFC 7518, e.g. {@code RS256}); a subset of the defaults. */
    public Builder algorithms(String... algorithms) {
      once("algorithms");
      Set<String> algs = new LinkedHashSet<>(List.of(algorithms));
      if (algs.isEmpty()) {
        throw new IllegalArgumentException("at least one algorithm is required");
      }
      for (String a : algs) {
        if (!DEFAULT_ALGORITHMS.contains(a)) {
          throw new IllegalArgumentException(
              "algorithm " + a + " is not allowed; choose from " + DEFAULT_ALGORITHMS);
        }
      }
      this.algorithms = algs;
      return this;
    }

    /** Tolerated clock difference for {@code exp}, {@code nbf}, {@code iat}; default 60 s, at most 5 min. */
    public Builder clockSkew(Duration skew) {
      once("clockSkew");
      if (skew.isNegative() || skew.compareTo(MAX_CLOCK_SKEW) > 0) {
        throw new IllegalArgumentException("clock skew must be between 0 and " + MAX_CLOCK_SKEW + ": " + skew);
      }
      this.clockSkew = skew;
      return this;
    }

    /** The longest {@code exp − iat} accepted; default 1 hour. Short-lived tokens limit a leak's reach. */
    public Builder maxTokenLifetime(Duration maxLifetime) {
      once("maxTokenLifetime");
      if (maxLifetime.isNegative() || maxLifetime.isZero() || maxLifetime.compareTo(Duration.ofDays(1)) > 0) {
        throw new IllegalArgumentException("max token lifetime must be within (0, 24h]: " + maxLifetime);
      }
      this.maxLifetime = maxLifetime;
      return this;
    }

    /** The oldest token accepted ({@code now − iat}), whatever its {@code exp}; default: none beyond lifetime. */
    public Builder maxTokenAge(Duration maxAge) {
      once("maxTokenAge");
      if (maxAge.isNegative() || maxAge.isZero()) {
        throw new IllegalArgumentException("max token age must be positive: " + maxAge);
      }
      this.maxAge = maxAge;
      return this;
    }

    /** Requires {@code typ: at+jwt} (RFC 9068 §2.1). By default {@code at+jwt}, {@code JWT} or no typ pass. */
    public Builder requireAccessTokenType() {
      once("requireAccessTokenType");
      this.requireAccessTokenType = true;
      return this;
    }

    /**
     * Accepts tokens without {@code iat} (RFC 9068 §2.2 requires it). No {@code iat} is made up for them: only the
     * remaining lifetime ({@code exp − now}) is bounded by {@link #maxTokenLifetime}; a revocation of the subject
     * ("issued before T") refuses them whatever T; age rules cannot be met ({@link #maxTokenAge} cannot be combined
     * with this, and the trust gate scores their age as the oldest); {@link VerifiedJwt#issuedAt()} is empty.
     */
    public Builder allowMissingIssuedAt() {
      once("allowMissingIssuedAt");
      this.allowMissingIssuedAt = true;
      return this;
    }

    /**
     * Accepts tokens without {@code sub} (RFC 9068 §2.2 requires it). Such a caller is known by {@code client_id}
     * (or {@code azp}) alone, for rate limits and responses too, and subject-wide suspensions cannot reach it.
     */
    public Builder allowMissingSubject() {
      once("allowMissingSubject");
      this.allowMissingSubject = true;
      return this;
    }

    /**
     * How many token validations that need a signature check (a token not in the validated-token cache) one client
     * address, and one /24 (IPv4) or /64 (IPv6) network, may cause per {@code window}; beyond that the request is
     * refused before any signature work ({@link DenyReason#VALIDATION_BUDGET_EXCEEDED}, 429 with
     * {@code Retry-After}). A forged token naming a real {@code kid} costs a full signature check, so without a
     * budget one client buys as much CPU as it can send requests. Defaults: {@value #DEFAULT_BUDGET_PER_ADDRESS} per
     * address and {@value #DEFAULT_BUDGET_PER_NETWORK} per network per minute. A client whose address is unknown
     * shares the budget of the connection's own peer (a proxy), never the known clients' budgets.
     */
    public Builder validationBudget(int perAddress, int perNetwork, Duration window) {
      once("validationBudget");
      if (perAddress < 1 || perNetwork < perAddress) {
        throw new IllegalArgumentException("validation budget must be at least 1 per address and at least as much "
            + "per network as per address: " + perAddress + ", " + perNetwork);
      }
      if (window.compareTo(Duration.ofSeconds(1)) < 0 || window.compareTo(Duration.ofHours(1)) > 0) {
        throw new IllegalArgumentException("validation budget window must be within [1 s, 1 h]: " + window);
      }
      this.budgetPerAddress = perAddress;
      this.budgetPerNetwork = perNetwork;
      this.budgetWindow = window;
      return this;
    }

    /**
     * Turns the validation budget off: any client may cause as many signature checks as it can send requests.
     * Only for a deployment that bounds them before zt (and for benchmarks).
     */
    public Builder unsafeUnlimitedValidations() {
      once("unsafeUnlimitedValidations");
      this.budgetPerAddress = 0;
      this.budgetPerNetwork = 0;
      this.budgetWindow = Duration.ofMinutes(1);
      return this;
    }

    /** The largest token accepted, in characters; default 8192. */
    public Builder maxTokenLength(int chars) {
      once("maxTokenLength");
      if (chars < 256 || chars > 65536) {
        throw new IllegalArgumentException("max token length must be within [256, 65536]: " + chars);
      }
      this.maxTokenLength = chars;
      return this;
    }

    /** The claim roles are read from, a dotted path such as {@code realm_access.roles}; default {@code roles}. */
    public Builder rolesClaim(String dottedPath) {
      once("rolesClaim");
      if (dottedPath.isBlank()) {
        throw new IllegalArgumentException("roles claim must not be blank");
      }
      this.rolesClaim = dottedPath;
      return this;
    }

    /** How many validated tokens are remembered; default 10 000, 0 turns the cache off. */
    public Builder validatedTokenCacheSize(long entries) {
      once("validatedTokenCacheSize");
      if (entries < 0) {
        throw new IllegalArgumentException("cache size must not be negative");
      }
      this.validatedCacheSize = entries;
      return this;
    }

    /** How long a fetched JWKS is used before it is refreshed; default 5 min (refreshed 30 s ahead). */
    public Builder jwksCacheTtl(Duration ttl) {
      once("jwksCacheTtl");
      if (ttl.compareTo(Duration.ofMinutes(1)) < 0 || ttl.compareTo(Duration.ofDays(1)) > 0) {
        throw new IllegalArgumentException("JWKS cache TTL must be within [1 min, 24 h]: " + ttl);
      }
      this.jwksCacheTtl = ttl;
      return this;
    }

    /** The least time between two refetches forced by an unknown {@code kid}; default 30 s. */
    public Builder jwksRefetchMinInterval(Duration interval) {
      once("jwksRefetchMinInterval");
      if (interval.isNegative() || interval.compareTo(Duration.ofMinutes(10)) > 0) {
        throw new IllegalArgumentException("refetch interval must be within [0, 10 min]: " + interval);
      }
      this.jwksRefetchMinInterval = interval;
      return this;
    }

    /** How long the last good JWKS keeps serving while the issuer is unreachable; default 1 hour. */
    public Builder jwksOutageTolerance(Duration tolerance) {
      once("jwksOutageTolerance");
      if (tolerance.isNegative() || tolerance.compareTo(Duration.ofDays(1)) > 0) {
        throw new IllegalArgumentException("outage tolerance must be within [0, 24 h]: " + tolerance);
      }
      this.jwksOutageTolerance = tolerance;
      return this;
    }

    /** Connect and read timeout for discovery and JWKS fetches; default 2 s, at most 10 s. */
    public Builder httpTimeout(Duration timeout) {
      once("httpTimeout");
      if (timeout.isNegative() || timeout.isZero() || timeout.compareTo(Duration.ofSeconds(10)) > 0) {
        throw new IllegalArgumentException("HTTP timeout must be within (0, 10 s]: " + timeout);
      }
      this.httpTimeout = timeout;
      return this;
    }

    /** The largest JWKS or metadata document read, in bytes; default 64 KiB. */
    public Builder jwksSizeLimit(int bytes) {
      once("jwksSizeLimit");
      if (bytes < 1024 || bytes > 1024 * 1024) {
        throw new IllegalArgumentException("JWKS size limit must be within [1 KiB, 1 MiB]: " + bytes);
      }
      this.jwksSizeLimit = bytes;
      return this;
    }

    /**
     * Allows discovery and JWKS over plain {@code http} to hosts other than loopback. Keys fetched without TLS can
     * be replaced in transit; use only inside a network you control.
     */
    public Builder allowPlainHttpKeySource() {
      once("allowPlainHttpKeySource");
      this.allowPlainHttp = true;
      return this;
    }

    /**
     * Introspects this issuer's tokens at its introspection endpoint (RFC 7662): every syntactically valid bearer
     * token that is not a JWT of an accepted issuer (an opaque token), and with
     * {@link Introspection.Builder#introspectJwts()} this issuer's JWTs too, after their local verification. The
     * answer is judged by this issuer's rules (issuer, audience, clock skew, roles claim, subject); see
     * {@link Introspection}. At most one issuer of an enforcer may introspect opaque tokens: they name no issuer.
     *
     * @since 0.3
     */
    public Builder introspection(Introspection introspection) {
      once("introspection");
      this.introspection = Objects.requireNonNull(introspection, "introspection");
      return this;
    }

    public BearerJwt build() {
      if (!audienceSet && !skipAudience) {
        throw new IllegalStateException(
            "an audience is required: call audience(…) (or, knowingly, unsafeSkipAudienceCheck())");
      }
      if (audienceSet && skipAudience) {
        throw new IllegalStateException("audience(…) and unsafeSkipAudienceCheck() contradict each other");
      }
      if (keySource != null && jwksUri != null) {
        throw new IllegalStateException("keySource(…) and jwksUri(…) contradict each other: choose one");
      }
      if (set.contains("validationBudget") && set.contains("unsafeUnlimitedValidations")) {
        throw new IllegalStateException("validationBudget(…) and unsafeUnlimitedValidations() contradict each other");
      }
      if (maxAge != null && allowMissingIssuedAt) {
        throw new IllegalStateException("maxTokenAge(…) and allowMissingIssuedAt() contradict each other: "
            + "a token's age cannot be known without iat");
      }
      if (maxAge != null && maxLifetime != null && maxAge.compareTo(maxLifetime) > 0) {
        throw new IllegalStateException("maxTokenAge(" + maxAge + ") exceeds maxTokenLifetime(" + maxLifetime + ")");
      }
      java.time.Duration ttl = jwksCacheTtl == null ? java.time.Duration.ofMinutes(5) : jwksCacheTtl;
      if (jwksRefetchMinInterval != null && jwksRefetchMinInterval.compareTo(ttl) >= 0) {
        throw new IllegalStateException("jwksRefetchMinInterval(" + jwksRefetchMinInterval
            + ") must be shorter than jwksCacheTtl(" + ttl + ")");
      }
      if (!multiTenant && (set.contains("tenants") || anyTenant)) {
        throw new IllegalStateException("tenants(…) and unsafeAnyTenant() are for BearerJwt.multiTenant(…) issuers");
      }
      if (multiTenant && set.contains("tenants") == anyTenant) {
        throw new IllegalStateException(anyTenant
            ? "tenants(…) and unsafeAnyTenant() contradict each other"
            : "a multi-tenant issuer needs tenants(…) (or unsafeAnyTenant())");
      }
      if (multiTenant && jwksUri == null && keySource == null) {
        throw new IllegalStateException("a multi-tenant issuer needs jwksUri(…) or keySource(…): its template is not "
            + "a URL to discover keys from (Entra: https://login.microsoftonline.com/common/discovery/v2.0/keys)");
      }
      if (introspection != null && keySource != null && introspection.endpoint().isEmpty()) {
        throw new IllegalStateException("introspection(…) without an endpoint discovers it from the issuer's "
            + "metadata, which keySource(…) replaces: give the Introspection an endpoint(…)");
      }
      if (multiTenant && introspection != null) {
        throw new IllegalStateException("introspection(…) needs one issuer compared exactly, not a multi-tenant "
            + "template: an introspection answer names the issuer it is checked against");
      }
      if (keySource == null) {
        checkScheme("issuer", URI.create(multiTenant ? issuer.replace(TenantIssuers.PLACEHOLDER, "t") : issuer));
        if (jwksUri != null) {
          checkScheme("jwksUri", jwksUri);
        }
      }
      return new BearerJwt(this);
    }

    private void checkScheme(String what, URI uri) {
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if (scheme.equals("https")) {
        return;
      }
      if (scheme.equals("http") && (allowPlainHttp || Loopback.isLoopback(uri.getHost()))) {
        return;
      }
      throw new IllegalStateException(what + " must use https (plain http only to loopback, or with "
          + "allowPlainHttpKeySource()): " + uri);
    }
  }
}
