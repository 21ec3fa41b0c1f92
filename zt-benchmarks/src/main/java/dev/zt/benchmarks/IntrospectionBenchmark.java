package dev.zt.benchmarks;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import dev.zt.core.Decision;
import dev.zt.core.Enforcer;
import dev.zt.core.RequestContext;
import dev.zt.core.credential.BearerJwt;
import dev.zt.core.credential.Introspection;
import dev.zt.core.detect.Detection;
import dev.zt.core.policy.Requirement;
import dev.zt.core.policy.RoutePolicy;
import dev.zt.core.rate.RatePolicy;
import dev.zt.core.trust.TrustPolicy;
import io.opentelemetry.api.OpenTelemetry;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
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
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Issue 14's acceptance: a cached introspected token costs no more than a cached JWT. One enforcer introspects opaque
 * tokens (an RFC 7662 endpoint on loopback answers once, at set-up; every measured operation is a cache hit) and
 * verifies JWTs locally, so {@link #cachedOpaqueToken} and {@link #cachedJwt} differ only in the credential;
 * {@link #cachedJwtIntrospected} is a JWT of an issuer with {@code introspectJwts()} (validated-token cache hit, then
 * the introspection cache hit). Each operation builds a fresh header {@code String}, so no cached hash helps.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class IntrospectionBenchmark {

  private static final String ISSUER = "https://bench.example";
  private static final String AUDIENCE = "orders-api";
  private static final String SCOPE = "orders:read";

  private HttpServer endpoint;
  private Enforcer opaque;
  private Enforcer jwtsToo;
  private char[] opaqueHeader;
  private char[] jwtHeader;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    RSAKey rsa = new RSAKeyGenerator(2048).keyID("bench").keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.RS256)
        .generate();
    Instant now = Instant.now();
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("bench")
        .type(JOSEObjectType.JWT).build(), new JWTClaimsSet.Builder().issuer(ISSUER).audience(AUDIENCE)
        .subject("user-1").issueTime(Date.from(now)).expirationTime(Date.from(now.plus(Duration.ofMinutes(15))))
        .claim("scope", SCOPE).build());
    jwt.sign(new RSASSASigner(rsa));
    jwtHeader = ("Bearer " + jwt.serialize()).toCharArray();
    opaqueHeader = "Bearer 2YotnFZFEjr1zCsicMWpAA.bench-opaque-token-0123456789".toCharArray();

    long exp = now.plus(Duration.ofMinutes(15)).getEpochSecond();
    byte[] active = ("{\"active\":true,\"iss\":\"" + ISSUER + "\",\"sub\":\"user-1\",\"aud\":\"" + AUDIENCE
        + "\",\"scope\":\"" + SCOPE + "\",\"exp\":" + exp + "}").getBytes(StandardCharsets.UTF_8);
    endpoint = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    endpoint.createContext("/introspect", ex -> {
      ex.getRequestBody().readAllBytes();
      ex.getResponseHeaders().set("Content-Type", "application/json");
      ex.sendResponseHeaders(200, active.length);
      ex.getResponseBody().write(active);
      ex.close();
    });
    endpoint.start();
    URI uri = URI.create("http://127.0.0.1:" + endpoint.getAddress().getPort() + "/introspect");
    // the cache life (1 h, capped by exp in 15 min) outlasts a run: every measured operation is a hit
    opaque = enforcer(rsa, Introspection.client("bench").clientSecretBasic("s").endpoint(uri)
        .cacheTtl(Duration.ofHours(1)).build());
    jwtsToo = enforcer(rsa, Introspection.client("bench").clientSecretBasic("s").endpoint(uri)
        .cacheTtl(Duration.ofHours(1)).introspectJwts().build());
    requireAllowed(opaque.enforce(request(new String(opaqueHeader))).toCompletableFuture().join(), "opaque");
    requireAllowed(opaque.enforce(request(new String(jwtHeader))).toCompletableFuture().join(), "jwt");
    requireAllowed(jwtsToo.enforce(request(new String(jwtHeader))).toCompletableFuture().join(), "jwt introspected");
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    endpoint.stop(0);
  }

  private static Enforcer enforcer(RSAKey rsa, Introspection introspection) {
    return Enforcer.builder()
        .bearerJwt(BearerJwt.issuer(ISSUER).audience(AUDIENCE)
            .keySource(new ImmutableJWKSet<>(new JWKSet(rsa.toPublicJWK())))
            .introspection(introspection)
            .build())
        .routes(RoutePolicy.builder().get("/orders", Requirement.allScopes(SCOPE)).build())
        .trust(TrustPolicy.builder().build())
        .rateLimits(RatePolicy.none())
        .detection(Detection.off())
        .openTelemetry(OpenTelemetry.noop())
        .build();
  }

  /** An opaque token whose introspection answer is cached (the token's SHA-256, then the cached answer). */
  @Benchmark
  public void cachedOpaqueToken(Blackhole bh) {
    bh.consume(requireAllowed(opaque.enforce(request(new String(opaqueHeader))).toCompletableFuture().join(),
        "opaque"));
  }

  /** The same enforcer, a JWT in the validated-token cache: the baseline. */
  @Benchmark
  public void cachedJwt(Blackhole bh) {
    bh.consume(requireAllowed(opaque.enforce(request(new String(jwtHeader))).toCompletableFuture().join(), "jwt"));
  }

  /** A cached JWT whose introspection answer is cached too ({@code introspectJwts()}). */
  @Benchmark
  public void cachedJwtIntrospected(Blackhole bh) {
    bh.consume(requireAllowed(jwtsToo.enforce(request(new String(jwtHeader))).toCompletableFuture().join(),
        "jwt introspected"));
  }

  private static RequestContext request(String authorization) {
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
}
