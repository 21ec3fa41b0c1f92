package dev.zt.benchmarks;

import com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.zt.core.Decision;
import dev.zt.core.DenyReason;
import dev.zt.core.Enforcer;
import dev.zt.core.RequestContext;
import dev.zt.core.countermeasure.CountermeasurePolicy;
import dev.zt.core.credential.BearerJwt;
import dev.zt.core.credential.SignatureProvider;
import dev.zt.core.detect.Detection;
import dev.zt.core.policy.Requirement;
import dev.zt.core.policy.RoutePolicy;
import dev.zt.core.rate.RatePolicy;
import dev.zt.core.trust.TrustPolicy;
import io.opentelemetry.api.OpenTelemetry;
import java.security.Security;
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
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimNames;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;

/**
 * An uncached access token (issue 19): zt's whole enforcer against the bare signature check and Spring Security's
 * decoder, per algorithm (RS256 with RSA-2048, ES256 on P-256) and per provider, and what a forged token costs.
 *
 * <ul>
 *   <li>{@link #uncachedZt}: {@code Enforcer.enforce} on {@code GET /orders} with the validated-token cache off, the
 *       enforcer's {@code signatureProvider} the benchmark's provider: structure, header, key, signature, claims,
 *       caller, route rule, audit;
 *   <li>{@link #rawNimbusVerify}: the floor on the same provider, a pre-built Nimbus verifier on a pre-parsed token;
 *   <li>{@link #springNimbusJwtDecoder}: Spring Security's {@link NimbusJwtDecoder} (default, issuer and audience
 *       validators), its JWK Set from memory; with {@code provider=jdk} as Spring users run it, with
 *       {@code provider=accp} Amazon Corretto Crypto Provider installed first in the JVM's provider list
 *       ({@code Security.insertProviderAt(…, 1)}: each parameter set runs in its own fork, so it never leaks);
 *   <li>{@link #forgedZt}: the same enforcer (without a validation budget) on a token with the real {@code kid} and a
 *       signature by another key: {@code TOKEN_SIGNATURE_INVALID};
 *   <li>{@link #rawNimbusVerifyForged}: the bare verify of that forged token (false), the "one signature verify" the
 *       forged path is held to.
 * </ul>
 *
 * <p>Every operation checks its own outcome and throws otherwise. Average time per operation (µs), one thread.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class UncachedTokenBenchmark {

  @Param({"RS256", "ES256"})
  public String alg;

  /** {@code jdk}: the JDK's providers; {@code accp}: Amazon Corretto Crypto Provider 2.5.0 (linux-x86_64). */
  @Param({"jdk", "accp"})
  public String provider;

  private Enforcer zt;
  private NimbusJwtDecoder spring;
  private String token;
  private List<String> header;
  private List<String> forgedHeader;

  private JWSVerifier rawVerifier;
  private JWSHeader rawHeader;
  private byte[] rawSigningInput;
  private Base64URL rawSignature;
  private byte[] forgedSigningInput;
  private Base64URL forgedSignature;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    JWSAlgorithm algorithm = JWSAlgorithm.parse(alg);
    boolean native_ = switch (provider) {
      case "jdk" -> false;
      case "accp" -> true;
      default -> throw new IllegalArgumentException("provider " + provider);
    };
    if (native_) {
      AmazonCorrettoCryptoProvider.INSTANCE.assertHealthy();
      // for Spring's decoder, which takes the JVM's providers: installed first, in this fork only
      Security.insertProviderAt(AmazonCorrettoCryptoProvider.INSTANCE, 1);
    }
    JWK real;
    JWSSigner signer;
    JWSSigner attacker;
    if (algorithm.equals(JWSAlgorithm.ES256)) {
      ECKey key = new ECKeyGenerator(Curve.P_256).keyID("bench-key-1").keyUse(KeyUse.SIGNATURE)
          .algorithm(algorithm).generate();
      real = key.toPublicJWK();
      signer = new ECDSASigner(key);
      attacker = new ECDSASigner(new ECKeyGenerator(Curve.P_256).generate());
      rawVerifier = new ECDSAVerifier(key.toECPublicKey());
    } else {
      RSAKey key = new RSAKeyGenerator(2048).keyID("bench-key-1").keyUse(KeyUse.SIGNATURE)
          .algorithm(algorithm).generate();
      real = key.toPublicJWK();
      signer = new RSASSASigner(key);
      attacker = new RSASSASigner(new RSAKeyGenerator(2048).generate());
      rawVerifier = new RSASSAVerifier(key.toRSAPublicKey());
    }
    if (native_) {
      rawVerifier.getJCAContext().setProvider(AmazonCorrettoCryptoProvider.INSTANCE);
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
    JWSHeader jwsHeader = new JWSHeader.Builder(algorithm).keyID("bench-key-1").type(JOSEObjectType.JWT).build();
    SignedJWT jwt = new SignedJWT(jwsHeader, claims);
    jwt.sign(signer);
    token = jwt.serialize();
    header = List.of("Bearer " + token);
    SignedJWT forged = new SignedJWT(jwsHeader, claims);
    forged.sign(attacker);
    forgedHeader = List.of("Bearer " + forged.serialize());

    JWSObject parsed = JWSObject.parse(token);
    rawHeader = parsed.getHeader();
    rawSigningInput = parsed.getSigningInput();
    rawSignature = parsed.getSignature();
    JWSObject parsedForged = JWSObject.parse(forged.serialize());
    forgedSigningInput = parsedForged.getSigningInput();
    forgedSignature = parsedForged.getSignature();

    JWKSet keys = new JWKSet(real);
    zt = Enforcer.builder()
        .bearerJwt(BearerJwt.issuer(BearerTokenBenchmark.ISSUER)
            .audience(BearerTokenBenchmark.AUDIENCE)
            .algorithms(alg) // one algorithm: the provider need verify only it
            .keySource(new ImmutableJWKSet<>(keys))
            .validatedTokenCacheSize(0)
            // every operation is a signature check from one client: measured, not budgeted
            .unsafeUnlimitedValidations()
            .build())
        .signatureProvider(native_ ? SignatureProvider.of(AmazonCorrettoCryptoProvider.INSTANCE)
            : SignatureProvider.jdk())
        .routes(RoutePolicy.builder().get("/orders", Requirement.allScopes(BearerTokenBenchmark.SCOPE)).build())
        .openTelemetry(OpenTelemetry.noop())
        // the token's cost alone: continuous verification and automated responses off
        .trust(TrustPolicy.builder().build())
        .rateLimits(RatePolicy.none())
        .detection(Detection.off())
        .countermeasures(CountermeasurePolicy.none())
        .build();
    String expected = native_ ? AmazonCorrettoCryptoProvider.INSTANCE.getName() : null;
    String chosen = zt.signatureProviders().get(alg);
    if (chosen == null || (expected != null && !expected.equals(chosen))
        || (expected == null && chosen.equals(AmazonCorrettoCryptoProvider.INSTANCE.getName()))) {
      throw new IllegalStateException("zt verifies " + alg + " with " + chosen + ", not the " + provider + " provider");
    }

    BearerTokenBenchmark.InMemoryJwks jwks = new BearerTokenBenchmark.InMemoryJwks(keys.toString());
    spring = NimbusJwtDecoder.withJwkSetUri(BearerTokenBenchmark.JWKS_URI)
        .jwsAlgorithm(SignatureAlgorithm.from(alg)).restOperations(jwks).build();
    spring.setJwtValidator(new DelegatingOAuth2TokenValidator<>(
        JwtValidators.createDefaultWithIssuer(BearerTokenBenchmark.ISSUER),
        new JwtClaimValidator<List<String>>(JwtClaimNames.AUD,
            aud -> aud != null && aud.contains(BearerTokenBenchmark.AUDIENCE))));

    // every path gives its expected outcome before anything is measured
    uncachedZt();
    springNimbusJwtDecoder();
    if (jwks.fetches() != 1) {
      throw new IllegalStateException("Spring fetched the JWK Set " + jwks.fetches() + " times; expected once");
    }
    rawNimbusVerify();
    forgedZt();
    rawNimbusVerifyForged();
    try {
      spring.decode(forged.serialize());
      throw new IllegalStateException("Spring accepted a forged token");
    } catch (BadJwtException expectedRefusal) {
      // as it should
    }
  }

  /** zt, cache off: the whole request on an uncached token. */
  @Benchmark
  public Decision uncachedZt() {
    Decision d = zt.enforce(request(header)).toCompletableFuture().join();
    if (!(d instanceof Decision.Allow)) {
      throw new IllegalStateException("zt did not allow the token: " + d);
    }
    return d;
  }

  /** Spring Security's decoder: parse, key, a new verifier, signature, validators, the {@code Jwt}. */
  @Benchmark
  public Jwt springNimbusJwtDecoder() {
    Jwt jwt = spring.decode(token);
    if (!"user-1".equals(jwt.getSubject())) {
      throw new IllegalStateException("Spring decoded an unexpected subject");
    }
    return jwt;
  }

  /** The floor: one signature check with a pre-built verifier on the same provider. */
  @Benchmark
  public boolean rawNimbusVerify() throws Exception {
    if (!rawVerifier.verify(rawHeader, rawSigningInput, rawSignature)) {
      throw new IllegalStateException("the bare verify rejected the token");
    }
    return true;
  }

  /** zt on a forged token (real kid, another key's signature), no budget: refused for its signature. */
  @Benchmark
  public Decision forgedZt() {
    Decision d = zt.enforce(request(forgedHeader)).toCompletableFuture().join();
    if (!(d instanceof Decision.Deny deny) || deny.reason() != DenyReason.TOKEN_SIGNATURE_INVALID) {
      throw new IllegalStateException("expected TOKEN_SIGNATURE_INVALID, got " + d);
    }
    return d;
  }

  /** One signature check of the forged token with the pre-built verifier: false. */
  @Benchmark
  public boolean rawNimbusVerifyForged() throws Exception {
    if (rawVerifier.verify(rawHeader, forgedSigningInput, forgedSignature)) {
      throw new IllegalStateException("the bare verify accepted a forged signature");
    }
    return false;
  }

  private static RequestContext request(List<String> authorization) {
    return RequestContext.builder("GET", "/orders")
        .headers(name -> "Authorization".equalsIgnoreCase(name) ? authorization : List.of())
        .build();
  }
}
