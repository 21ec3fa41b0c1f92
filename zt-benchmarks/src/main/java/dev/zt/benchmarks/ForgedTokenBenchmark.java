package dev.zt.benchmarks;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.zt.core.credential.BearerJwt;
import dev.zt.core.Decision;
import dev.zt.core.DenyReason;
import dev.zt.core.detect.Detection;
import dev.zt.core.Enforcer;
import dev.zt.core.rate.RatePolicy;
import dev.zt.core.RequestContext;
import dev.zt.core.policy.Requirement;
import dev.zt.core.countermeasure.CountermeasurePolicy;
import dev.zt.core.policy.RoutePolicy;
import dev.zt.core.trust.TrustPolicy;
import io.opentelemetry.api.OpenTelemetry;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;

/**
 * What one forged bearer token costs the server: a token of valid structure, with the issuer's real {@code kid} and
 * algorithm but signed by another key, so every check up to the signature passes and the signature check itself
 * runs, fails, and nothing is cached. Measured per algorithm (RS256 with a 2048-bit key, ES256 on P-256, both the
 * JDK's providers), for:
 *
 * <ul>
 *   <li>{@link #forgedZt}: zt's enforcer with the validation budget turned off, i.e. the full cost one forged token
 *       buys without it;
 *   <li>{@link #forgedZtOverBudget}: the same request once the client's budget is used up: refused 429 before any
 *       signature work (what every further forged token costs while the budget is empty);
 *   <li>{@link #forgedSpringNimbus}: Spring Security's {@link NimbusJwtDecoder} on the same token and key set (it
 *       has no budget: every forged token is a signature check).
 * </ul>
 *
 * <p>Average time per operation (µs) is the CPU one forged request costs on one core.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class ForgedTokenBenchmark {

  @Param({"RS256", "ES256"})
  public String alg;

  private Enforcer unlimited;
  private Enforcer budgeted;
  private NimbusJwtDecoder spring;
  private String forged;
  private String header;
  private InetAddress client;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    JWSAlgorithm algorithm = JWSAlgorithm.parse(alg);
    JWK real;
    JWSSigner attacker;
    if (algorithm.equals(JWSAlgorithm.ES256)) {
      real = new ECKeyGenerator(Curve.P_256).keyID("real-kid").keyUse(KeyUse.SIGNATURE).algorithm(algorithm)
          .generate().toPublicJWK();
      attacker = new ECDSASigner(new ECKeyGenerator(Curve.P_256).generate());
    } else {
      real = new RSAKeyGenerator(2048).keyID("real-kid").keyUse(KeyUse.SIGNATURE).algorithm(algorithm)
          .generate().toPublicJWK();
      attacker = new RSASSASigner(new RSAKeyGenerator(2048).generate());
    }
    Instant now = Instant.now();
    JWTClaimsSet claims = new JWTClaimsSet.Builder()
        .issuer(BearerTokenBenchmark.ISSUER)
        .audience(BearerTokenBenchmark.AUDIENCE)
        .subject("user-1")
        .issueTime(Date.from(now))
        .expirationTime(Date.from(now.plus(Duration.ofMinutes(15))))
        .claim("scope", BearerTokenBenchmark.SCOPE)
        .build();
    SignedJWT jwt = new SignedJWT(
        new JWSHeader.Builder(algorithm).keyID("real-kid").type(JOSEObjectType.JWT).build(), claims);
    jwt.sign(attacker);
    forged = jwt.serialize();
    header = "Bearer " + forged;
    client = InetAddress.getByName("192.0.2.1");

    JWKSet keys = new JWKSet(real);
    RoutePolicy routes = RoutePolicy.builder().get("/orders", Requirement.allScopes(BearerTokenBenchmark.SCOPE))
        .build();
    unlimited = enforcer(keys, routes, BearerJwt.issuer(BearerTokenBenchmark.ISSUER)
        .audience(BearerTokenBenchmark.AUDIENCE).unsafeUnlimitedValidations());
    budgeted = enforcer(keys, routes, BearerJwt.issuer(BearerTokenBenchmark.ISSUER)
        .audience(BearerTokenBenchmark.AUDIENCE).validationBudget(1, 1, Duration.ofHours(1)));

    BearerTokenBenchmark.InMemoryJwks jwks = new BearerTokenBenchmark.InMemoryJwks(keys.toString());
    spring = NimbusJwtDecoder.withJwkSetUri(BearerTokenBenchmark.JWKS_URI)
        .jwsAlgorithm(SignatureAlgorithm.from(alg)).restOperations(jwks).build();

    // every path must refuse the token for its signature before anything is measured; the budget is used up here
    require(unlimited, DenyReason.TOKEN_SIGNATURE_INVALID);
    require(budgeted, DenyReason.TOKEN_SIGNATURE_INVALID);
    require(budgeted, DenyReason.VALIDATION_BUDGET_EXCEEDED);
    if (forgedSpringNimbus() == null) {
      throw new IllegalStateException("Spring accepted a forged token");
    }
  }

  /** zt without a budget: structure, header, key selection, a failing signature check, nothing cached. */
  @Benchmark
  public Decision forgedZt() {
    return require(unlimited, DenyReason.TOKEN_SIGNATURE_INVALID);
  }

  /** zt once the client's budget is used up: refused before any signature work. */
  @Benchmark
  public Decision forgedZtOverBudget() {
    return require(budgeted, DenyReason.VALIDATION_BUDGET_EXCEEDED);
  }

  /** Spring Security's NimbusJwtDecoder: parse, key selection, a failing signature check. */
  @Benchmark
  public BadJwtException forgedSpringNimbus() {
    try {
      spring.decode(forged);
    } catch (BadJwtException e) {
      return e;
    }
    throw new IllegalStateException("Spring accepted a forged token");
  }

  private Decision require(Enforcer e, DenyReason reason) {
    List<String> values = List.of(header);
    Decision d = e.enforce(RequestContext.builder("GET", "/orders")
        .headers(name -> "Authorization".equalsIgnoreCase(name) ? values : List.of())
        .clientAddress(client)
        .build()).toCompletableFuture().join();
    if (!(d instanceof Decision.Deny deny) || deny.reason() != reason) {
      throw new IllegalStateException("expected " + reason + ", got " + d);
    }
    return d;
  }

  private static Enforcer enforcer(JWKSet keys, RoutePolicy routes, BearerJwt.Builder jwt) {
    return Enforcer.builder()
        .bearerJwt(jwt.keySource(new ImmutableJWKSet<>(keys)).build())
        // the JDK's providers, as measured before issue 19 (UncachedTokenBenchmark compares providers)
        .signatureProvider(dev.zt.core.credential.SignatureProvider.jdk())
        .routes(routes)
        .openTelemetry(OpenTelemetry.noop())
        // the cost of the token alone: no automated responses (which would block the source), no other gates
        .trust(TrustPolicy.builder().build())
        .rateLimits(RatePolicy.none())
        .detection(Detection.off())
        .countermeasures(CountermeasurePolicy.none())
        .build();
  }
}
