package dev.zt.benchmarks;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.zt.core.Decision;
import dev.zt.core.Enforcer;
import dev.zt.core.RequestContext;
import dev.zt.core.countermeasure.CountermeasurePolicy;
import dev.zt.core.credential.BearerJwt;
import dev.zt.core.detect.Detection;
import dev.zt.core.policy.Requirement;
import dev.zt.core.policy.RoutePolicy;
import dev.zt.core.rate.RatePolicy;
import dev.zt.core.spi.SecurityState;
import dev.zt.core.spi.SingleUse;
import dev.zt.core.trust.TrustPolicy;
import io.opentelemetry.api.OpenTelemetry;
import java.lang.reflect.Proxy;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What a DPoP request (RFC 9449) costs zt, against a bare ES256 signature check (issue 14, acceptance 3):
 *
 * <ul>
 *   <li>{@link #bareEs256Verify}: Nimbus' {@code ECDSAVerifier} on the proof's signing input and signature, nothing
 *       else — the floor any DPoP implementation pays per request;
 *   <li>{@link #dpopRequest}: the whole enforcer on {@code Authorization: DPoP} with a cached access token and an ES256
 *       proof: parse, header and claim checks, thumbprint, signature, and the {@code jti} store;
 *   <li>{@link #bearerRequest}: the same enforcer on a cached plain bearer token, for the part DPoP adds.
 * </ul>
 *
 * <p>The clock is fixed and the single-use store answers "first use" for every {@code jti}, so one proof stays valid for
 * the whole run: the in-memory store's own {@code putIfAbsent} (a Caffeine write) is not in {@link #dpopRequest}. No
 * trust, rate, detection or countermeasure gates: the credential alone.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class DpopBenchmark {

  private static final String ISSUER = "https://idp.example";
  private static final String ORIGIN = "https://orders.example.com";
  private static final Instant NOW = Instant.parse("2026-01-15T10:00:00Z");

  private Enforcer enforcer;
  private RequestContext dpop;
  private RequestContext bearer;
  private ECDSAVerifier verifier;
  private JWSHeader proofHeader;
  private byte[] signingInput;
  private Base64URL signature;

  @Setup
  public void setUp() throws Exception {
    ECKey issuerKey = new ECKeyGenerator(Curve.P_256).keyID("k1").keyUse(KeyUse.SIGNATURE).generate();
    ECKey clientKey = new ECKeyGenerator(Curve.P_256).generate();
    String jkt = clientKey.toPublicJWK().computeThumbprint().toString();
    String bound = token(issuerKey, Map.of("jkt", jkt));
    String plain = token(issuerKey, null);
    byte[] ath = MessageDigest.getInstance("SHA-256").digest(bound.getBytes(StandardCharsets.US_ASCII));
    JWSObject proof = new JWSObject(new JWSHeader.Builder(JWSAlgorithm.ES256).type(new JOSEObjectType("dpop+jwt"))
        .jwk(clientKey.toPublicJWK()).build(), new Payload(Map.of("jti", UUID.randomUUID().toString(), "htm", "GET",
        "htu", ORIGIN + "/orders", "iat", NOW.getEpochSecond(), "ath", Base64URL.encode(ath).toString())));
    proof.sign(new ECDSASigner(clientKey));
    String proofText = proof.serialize();
    verifier = new ECDSAVerifier(clientKey.toECPublicKey());
    proofHeader = proof.getHeader();
    signingInput = proof.getSigningInput();
    signature = proof.getSignature();

    SecurityState memory = SecurityState.inMemory();
    SingleUse always = (key, ttl) -> SingleUse.Use.FIRST;
    SecurityState state = (SecurityState) Proxy.newProxyInstance(SecurityState.class.getClassLoader(),
        new Class<?>[] {SecurityState.class}, (p, m, args) -> m.getName().equals("singleUse") ? always
            : m.invoke(memory, args));
    enforcer = Enforcer.builder()
        .bearerJwt(BearerJwt.issuer(ISSUER).audience("orders-api")
            .keySource(new ImmutableJWKSet<>(new JWKSet(issuerKey.toPublicJWK()))).unsafeUnlimitedValidations()
            .build())
        .routes(RoutePolicy.builder().get("/orders", Requirement.allScopes("orders:read")).build())
        .publicOrigin(URI.create(ORIGIN))
        .clock(Clock.fixed(NOW, ZoneOffset.UTC))
        .state(state)
        .openTelemetry(OpenTelemetry.noop())
        .trust(TrustPolicy.builder().build())
        .rateLimits(RatePolicy.none())
        .detection(Detection.off())
        .countermeasures(CountermeasurePolicy.none())
        .build();
    InetAddress client = InetAddress.getByName("203.0.113.7");
    List<String> dpopAuthorization = List.of("DPoP " + bound);
    List<String> proofs = List.of(proofText);
    List<String> bearerAuthorization = List.of("Bearer " + plain);
    dpop = RequestContext.builder("GET", "/orders").clientAddress(client)
        .headers(name -> "Authorization".equalsIgnoreCase(name) ? dpopAuthorization
            : "DPoP".equalsIgnoreCase(name) ? proofs : List.of())
        .build();
    bearer = RequestContext.builder("GET", "/orders").clientAddress(client)
        .headers(name -> "Authorization".equalsIgnoreCase(name) ? bearerAuthorization : List.of())
        .build();
    if (!dpopRequest().allowed() || !bearerRequest().allowed() || !bareEs256Verify()) {
      throw new IllegalStateException("setup: the requests must be allowed");
    }
  }

  private static String token(ECKey key, Map<String, Object> cnf) throws Exception {
    JWTClaimsSet.Builder c = new JWTClaimsSet.Builder().issuer(ISSUER).subject("user-1").audience("orders-api")
        .claim("scope", "orders:read").jwtID(UUID.randomUUID().toString())
        .issueTime(Date.from(NOW)).expirationTime(Date.from(NOW.plusSeconds(300)));
    if (cnf != null) {
      c.claim("cnf", cnf);
    }
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID())
        .type(new JOSEObjectType("at+jwt")).build(), c.build());
    jwt.sign(new ECDSASigner(key));
    return jwt.serialize();
  }

  @Benchmark
  public boolean bareEs256Verify() throws Exception {
    return verifier.verify(proofHeader, signingInput, signature);
  }

  @Benchmark
  public Decision dpopRequest() {
    return enforcer.enforce(dpop).toCompletableFuture().join();
  }

  @Benchmark
  public Decision bearerRequest() {
    return enforcer.enforce(bearer).toCompletableFuture().join();
  }
}
