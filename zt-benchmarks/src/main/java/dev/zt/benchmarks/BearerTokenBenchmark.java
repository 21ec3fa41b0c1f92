package dev.zt.benchmarks;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.zt.core.authz.PdpCache;
import dev.zt.core.authz.PdpDecision;
import dev.zt.core.authz.PdpInput;
import dev.zt.core.authz.PolicyDecisionPoint;
import dev.zt.core.credential.BearerJwt;
import dev.zt.core.Decision;
import dev.zt.core.authz.Condition;
import dev.zt.core.authz.ObjectPolicy;
import dev.zt.core.authz.Resource;
import dev.zt.core.detect.Detection;
import dev.zt.core.Enforcer;
import dev.zt.core.rate.RateLimit;
import dev.zt.core.rate.RatePolicy;
import dev.zt.core.trust.TrustPolicy;
import dev.zt.core.RequestContext;
import dev.zt.core.policy.Requirement;
import dev.zt.core.policy.RoutePolicy;
import io.opentelemetry.api.OpenTelemetry;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import org.springframework.http.RequestEntity;
import org.springframework.http.ResponseEntity;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimNames;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.web.client.RestTemplate;

/**
 * Validating one RS256 bearer access token, four ways, on the same key and the same token in one run:
 *
 * <ul>
 *   <li>{@link #uncachedZt}: zt's {@link Enforcer} with the validated-token cache off, so every operation parses,
 *       checks and signature-verifies the token (RFC 7515 §5.2, RFC 9068 §4) and applies the route's scope rule;
 *   <li>{@link #springNimbusJwtDecoder}: Spring Security's {@link NimbusJwtDecoder} with the default validators,
 *       the issuer validator and an audience validator, its JWK Set served from memory;
 *   <li>{@link #rawNimbusVerify}: the floor, one RSASSA-PKCS1-v1_5 signature check with a pre-built Nimbus verifier
 *       on a pre-parsed token;
 *   <li>{@link #cachedEnforcer}: zt's enforcer with its validated-token cache on, for a token it has seen, with a
 *       fresh header {@code String} every operation so no cached {@code String} hash helps;
 *   <li>{@link #objectCheck}: an object-level check on a request that enforcer allowed (three object rules, no PDP).
 *   <li>{@link #pdpCacheHit}: a decision-cache hit in front of an external PDP (OPA, AuthZEN), measured in the same
 *       run so the two compare.
 * </ul>
 *
 * <p>Every benchmark checks its outcome (allow, a decoded subject, a verified signature) and throws otherwise, so
 * a misconfiguration cannot pass for a fast result.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(3)
public class BearerTokenBenchmark {

  static final String ISSUER = "https://issuer.example";
  static final String AUDIENCE = "orders-api";
  static final String JWKS_URI = ISSUER + "/jwks";
  static final String SCOPE = "orders:read";

  private Enforcer uncached;
  private Enforcer cached;
  private Enforcer continuous;
  private Enforcer trustAndRate;
  private Enforcer withObjects;
  private RequestContext objectRequest;
  private RequestContext sameRequest;
  private Decision.Allow objectAllow;
  private Resource order;
  private NimbusJwtDecoder springDecoder;
  private String token;
  private String bearerHeader;
  private char[] bearerHeaderChars;
  private PdpCache pdpCache;
  private PdpCache pdpCacheDeclared;
  private PdpInput pdpInput;

  private JWSVerifier rawVerifier;
  private JWSHeader rawHeader;
  private byte[] rawSigningInput;
  private Base64URL rawSignature;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    RSAKey rsaJwk = new RSAKeyGenerator(2048)
        .keyID("bench-key-1")
        .keyUse(KeyUse.SIGNATURE)
        .algorithm(JWSAlgorithm.RS256)
        .generate();
    RSAKey publicJwk = rsaJwk.toPublicJWK();
    RSAPublicKey publicKey = publicJwk.toRSAPublicKey();

    // iat is now and exp 15 min later: inside zt's 1 h maximum lifetime and longer than any run
    Instant now = Instant.now();
    JWTClaimsSet claims = new JWTClaimsSet.Builder()
        .issuer(ISSUER)
        .audience(AUDIENCE)
        .subject("user-1")
        .issueTime(Date.from(now))
        .expirationTime(Date.from(now.plus(Duration.ofMinutes(15))))
        .claim("scope", SCOPE)
        .build();
    SignedJWT jwt = new SignedJWT(
        new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(rsaJwk.getKeyID()).type(JOSEObjectType.JWT).build(),
        claims);
    jwt.sign(new RSASSASigner(rsaJwk));
    token = jwt.serialize();
    bearerHeader = "Bearer " + token;
    bearerHeaderChars = bearerHeader.toCharArray();

    RoutePolicy routes = RoutePolicy.builder().get("/orders", Requirement.allScopes(SCOPE)).build();
    // The token-validation benchmarks measure authentication and the route policy alone: continuous verification
    // (trust, rate, detection) is off there and measured on its own (cachedEnforcerContinuous,
    // cachedEnforcerTrustRate).
    // The continuous enforcers get a rate limit no benchmark can exhaust, so every op is an allow that paid for it.
    RatePolicy unexhaustible = RatePolicy.builder()
        .defaultLimit(RateLimit.of("bench", 1_000_000_000L, Duration.ofSeconds(1)))
        .build();
    uncached = enforcer(publicJwk, routes, 0, TrustPolicy.builder().build(), RatePolicy.none(), Detection.off());
    cached = enforcer(publicJwk, routes, -1, TrustPolicy.builder().build(), RatePolicy.none(), Detection.off());
    continuous = enforcer(publicJwk, routes, -1, TrustPolicy.defaults(), unexhaustible, Detection.defaults());
    trustAndRate = enforcer(publicJwk, routes, -1, TrustPolicy.defaults(), unexhaustible, Detection.off());

    withObjects = Enforcer.builder()
        .bearerJwt(BearerJwt.issuer(ISSUER).audience(AUDIENCE).keySource(new ImmutableJWKSet<>(new JWKSet(publicJwk)))
            .unsafeUnlimitedValidations().build())
        .routes(RoutePolicy.builder().get("/orders/{id}", Requirement.allScopes(SCOPE)).build())
        .openTelemetry(OpenTelemetry.noop())
        .trust(TrustPolicy.builder().build())
        .rateLimits(RatePolicy.none())
        .detection(Detection.off())
        .objects(ObjectPolicy.builder()
            .forbid("frozen", "order", Set.of("read", "update"), Condition.claimEquals("frozen", true))
            .permit("owner-reads", "order", Set.of("read"), Condition.owner("owner"))
            .permit("admin-reads", "order", Set.of("read"), Condition.anyRole("admin"))
            .build())
        .build();
    List<String> values = List.of(bearerHeader);
    objectRequest = RequestContext.builder("GET", "/orders/42")
        .headers(name -> "Authorization".equalsIgnoreCase(name) ? values : List.of()).build();
    objectAllow = (Decision.Allow) requireAllowed(withObjects.enforce(objectRequest).toCompletableFuture().join(),
        "objects zt");
    order = Resource.of("order", "42").with("owner", "user-1");
    requireAllowed(withObjects.authorization(objectRequest, objectAllow).check("read", order), "object check");

    InMemoryJwks jwks = new InMemoryJwks(new JWKSet(publicJwk).toString());
    springDecoder = NimbusJwtDecoder.withJwkSetUri(JWKS_URI).restOperations(jwks).build();
    springDecoder.setJwtValidator(new DelegatingOAuth2TokenValidator<>(
        JwtValidators.createDefaultWithIssuer(ISSUER),
        new JwtClaimValidator<List<String>>(JwtClaimNames.AUD, aud -> aud != null && aud.contains(AUDIENCE))));

    JWSObject parsed = JWSObject.parse(token);
    rawHeader = parsed.getHeader();
    rawSigningInput = parsed.getSigningInput();
    rawSignature = parsed.getSignature();
    rawVerifier = new RSASSAVerifier(publicKey);

    // A PDP that always allows under one revision; each cache is warmed with the input, so every operation hits.
    PolicyDecisionPoint allowAll = new PolicyDecisionPoint() {
      private final CompletableFuture<PdpDecision> allow = CompletableFuture.completedFuture(
          new PdpDecision.Allow(Optional.of("bench"), Optional.of("bundle=1")));

      @Override
      public CompletableFuture<PdpDecision> decide(PdpInput input) {
        return allow;
      }

      @Override
      public String name() {
        return "bench";
      }
    };
    pdpInput = PdpInput.of(Map.of(
        "caller", Map.of("sub", "user-1", "scopes", List.of(SCOPE), "roles", List.of("user")),
        "action", "read",
        "resource", Map.of("type", "order", "id", "7f3c9a", "owner", "user-1"),
        "request", Map.of("method", "GET", "path", "/orders/7f3c9a", "captures", Map.of("id", "7f3c9a"))));
    pdpCache = PdpCache.builder(allowAll).ttl(Duration.ofMinutes(5)).build();
    pdpCacheDeclared = PdpCache.builder(allowAll).ttl(Duration.ofMinutes(5))
        .keyFields(List.of("caller.sub", "caller.roles", "action", "resource.id", "resource.owner")).build();
    requirePdpAllowed(pdpCache.decide(pdpInput).toCompletableFuture().join());
    requirePdpAllowed(pdpCacheDeclared.decide(pdpInput).toCompletableFuture().join());

    // Every path must accept the token before anything is measured; the cached enforcer is warmed here.
    requireAllowed(uncached.enforce(request(bearerHeader)).toCompletableFuture().join(), "uncached zt");
    requireAllowed(cached.enforce(request(bearerHeader)).toCompletableFuture().join(), "cached zt");
    requireAllowed(continuous.enforce(request(bearerHeader)).toCompletableFuture().join(), "continuous zt");
    sameRequest = unstampedRequest(new String(bearerHeaderChars));
    requireAllowed(trustAndRate.enforce(request(bearerHeader)).toCompletableFuture().join(), "trust+rate zt");
    requireSubject(springDecoder.decode(token));
    requireSubject(springDecoder.decode(token));
    if (jwks.fetches() != 1) {
      throw new IllegalStateException("Spring fetched the JWK Set " + jwks.fetches() + " times; expected once");
    }
    if (!rawVerifier.verify(rawHeader, rawSigningInput, rawSignature)) {
      throw new IllegalStateException("raw Nimbus verify rejected the token");
    }
  }

  /** zt, cache off: structure, header, key selection, RS256 signature, claims, then the route's scope rule. */
  @Benchmark
  public void uncachedZt(Blackhole bh) {
    Decision d = uncached.enforce(request(bearerHeader)).toCompletableFuture().join();
    bh.consume(requireAllowed(d, "uncached zt"));
  }

  /** Spring Security's NimbusJwtDecoder: parse, signature, default + issuer + audience validators, claim mapping. */
  @Benchmark
  public Jwt springNimbusJwtDecoder() {
    return requireSubject(springDecoder.decode(token));
  }

  /** The floor: one RS256 signature check on a pre-parsed token with a pre-built verifier. */
  @Benchmark
  public boolean rawNimbusVerify() throws Exception {
    boolean ok = rawVerifier.verify(rawHeader, rawSigningInput, rawSignature);
    if (!ok) {
      throw new IllegalStateException("raw Nimbus verify rejected the token");
    }
    return ok;
  }

  /** zt, cache on, a token seen before, a new header String each time (as a container hands one per request). */
  @Benchmark
  public void cachedEnforcer(Blackhole bh) {
    Decision d = cached.enforce(request(new String(bearerHeaderChars))).toCompletableFuture().join();
    bh.consume(requireAllowed(d, "cached zt"));
  }

  /**
   * As {@link #cachedEnforcer}, with the trust gate (default signals and the behaviour baseline), the rate gate (a
   * Bucket4j bucket per identity and route) and SQL-injection inspection on: the difference is their cost.
   */
  @Benchmark
  public void cachedEnforcerContinuous(Blackhole bh) {
    Decision d = continuous.enforce(request(new String(bearerHeaderChars))).toCompletableFuture().join();
    bh.consume(requireAllowed(d, "continuous zt"));
  }

  /**
   * Diagnostic: {@link #cachedEnforcerContinuous} on one {@link RequestContext} built in setup, so the only
   * allocation left is zt's own per request (what its JFR allocation profile attributes by class and stack). Not a
   * real request's cost: the header's hash and the path's normalisation are done once.
   */
  @Benchmark
  public void cachedEnforcerContinuousSameRequest(Blackhole bh) {
    Decision d = continuous.enforce(sameRequest).toCompletableFuture().join();
    bh.consume(requireAllowed(d, "continuous zt"));
  }

  /**
   * What each cached operation does outside zt, and nothing else: the fresh header copy and the {@link RequestContext}
   * an adapter builds (path normalisation included). {@code cachedEnforcer*} minus this is zt's own cost, in time and
   * in B/op, measured in the same run.
   */
  @Benchmark
  public void requestOnly(Blackhole bh) {
    bh.consume(request(new String(bearerHeaderChars)));
  }

  /** The header copy alone ({@code new String(char[])} of the ~800-character header): part of {@link #requestOnly}. */
  @Benchmark
  public void headerCopyOnly(Blackhole bh) {
    bh.consume(new String(bearerHeaderChars));
  }

  /**
   * A PDP decision-cache hit ({@link PdpCache} keyed by the whole canonical input, as the sample configures it): the
   * key record around the input's precomputed canonical JSON, a Caffeine lookup, the TTL check on the clock, and the
   * decision read from the cached stage (its {@code toCompletableFuture()} copy included). The input is built once,
   * as the enforcer builds it once per request before asking.
   */
  @Benchmark
  public void pdpCacheHit(Blackhole bh) {
    PdpDecision d = pdpCache.decide(pdpInput).toCompletableFuture().join();
    bh.consume(requirePdpAllowed(d));
  }

  /** As {@link #pdpCacheHit} with the key = five declared fields: their JSON text is built on every lookup. */
  @Benchmark
  public void pdpCacheHitDeclaredFields(Blackhole bh) {
    PdpDecision d = pdpCacheDeclared.decide(pdpInput).toCompletableFuture().join();
    bh.consume(requirePdpAllowed(d));
  }

  private static PdpDecision requirePdpAllowed(PdpDecision d) {
    if (!d.allowed()) {
      throw new IllegalStateException("the PDP cache did not allow: " + d);
    }
    return d;
  }

  /** As {@link #cachedEnforcer} with only the trust gate (default signals, behaviour) and the rate gate on. */
  @Benchmark
  public void cachedEnforcerTrustRate(Blackhole bh) {
    Decision d = trustAndRate.enforce(request(new String(bearerHeaderChars))).toCompletableFuture().join();
    bh.consume(requireAllowed(d, "trust+rate zt"));
  }

  /**
   * An object-level check as an application makes one per request: the request's {@code Authorization} from the
   * enforcer, then {@code check("read", order)} against three rules (a forbid that does not apply, the owner permit
   * that does, an admin permit), audited (no-op OpenTelemetry), no PDP.
   */
  @Benchmark
  public void objectCheck(Blackhole bh) {
    Decision d = withObjects.authorization(objectRequest, objectAllow).check("read", order);
    bh.consume(requireAllowed(d, "object check"));
  }

  /** An enforcer over an in-memory JWKS; {@code cacheSize} 0 turns the validated-token cache off, -1 keeps it. */
  private static Enforcer enforcer(RSAKey publicJwk, RoutePolicy routes, long cacheSize, TrustPolicy trust,
      RatePolicy rates, Detection detection) {
    BearerJwt.Builder jwt = BearerJwt.issuer(ISSUER)
        .audience(AUDIENCE)
        .keySource(new ImmutableJWKSet<>(new JWKSet(publicJwk)))
        // every uncached operation is a signature check from one (unknown) client: measured, not budgeted
        .unsafeUnlimitedValidations();
    if (cacheSize >= 0) {
      jwt.validatedTokenCacheSize(cacheSize);
    }
    return Enforcer.builder()
        .bearerJwt(jwt.build())
        // the JDK's providers, as measured before issue 19 (UncachedTokenBenchmark compares providers)
        .signatureProvider(dev.zt.core.credential.SignatureProvider.jdk())
        .routes(routes)
        .openTelemetry(OpenTelemetry.noop())
        .trust(trust)
        .rateLimits(rates)
        .detection(detection)
        .build();
  }

  /** The context an adapter builds: arrival stamped by the enforcer's clock (in milliseconds), as every adapter does. */
  private RequestContext request(String authorization) {
    List<String> values = List.of(authorization);
    return continuous.stampArrival(RequestContext.builder("GET", "/orders"))
        .headers(name -> "Authorization".equalsIgnoreCase(name) ? values : List.of())
        .build();
  }

  /** One context kept for every operation: not stamped, so the enforcer reads its clock for each one. */
  private static RequestContext unstampedRequest(String authorization) {
    List<String> values = List.of(authorization);
    return RequestContext.builder("GET", "/orders")
        .headers(name -> "Authorization".equalsIgnoreCase(name) ? values : List.of())
        .build();
  }

  private static Decision requireAllowed(Decision d, String who) {
    if (!(d instanceof Decision.Allow)) {
      throw new IllegalStateException(who + " did not allow the request: " + d);
    }
    return d;
  }

  private static Jwt requireSubject(Jwt jwt) {
    if (!"user-1".equals(jwt.getSubject())) {
      throw new IllegalStateException("Spring decoded an unexpected subject");
    }
    return jwt;
  }

  /**
   * Serves the JWK Set from memory: Spring's decoder fetches it through {@code RestOperations.exchange(RequestEntity,
   * Class)} and caches it, so this is called once per decoder. Any other use of the template is a bug here.
   */
  static final class InMemoryJwks extends RestTemplate {
    private final String jwksJson;
    private final AtomicInteger fetches = new AtomicInteger();

    InMemoryJwks(String jwksJson) {
      this.jwksJson = jwksJson;
    }

    int fetches() {
      return fetches.get();
    }

    @Override
    public <T> ResponseEntity<T> exchange(RequestEntity<?> request, Class<T> responseType) {
      if (responseType != String.class || !JWKS_URI.equals(String.valueOf(request.getUrl()))) {
        throw new UnsupportedOperationException("only the JWK Set is served: " + request.getUrl());
      }
      fetches.incrementAndGet();
      return ResponseEntity.ok(responseType.cast(jwksJson));
    }
  }
}
