package dev.zt.benchmarks;

import dev.zt.core.Decision;
import dev.zt.core.Enforcer;
import dev.zt.core.RequestContext;
import dev.zt.core.detect.Detection;
import dev.zt.core.policy.Requirement;
import dev.zt.core.policy.RoutePolicy;
import dev.zt.core.rate.RatePolicy;
import dev.zt.core.trust.TrustPolicy;
import dev.zt.testkit.TestIssuer;
import dev.zt.testkit.spiffe.TestSvid;
import dev.zt.testkit.spiffe.TestTrustDomain;
import io.opentelemetry.api.OpenTelemetry;
import java.net.InetAddress;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import java.util.Map;
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
 * What the RFC 8705 binding adds to a cached token (issue 14): the whole enforcer on {@code GET /orders} with a token
 * in the validated-token cache, continuous verification off, as {@code BearerTokenBenchmark.cachedEnforcer}.
 * {@code plainToken}: an unbound token. {@code boundOverTls}: a {@code cnf.x5t#S256} token with the client's chain in
 * the request (SHA-256 of the leaf's DER and a constant-time compare per request). {@code boundOverClientCertHeader}:
 * the same token with the certificate in an RFC 9440 {@code Client-Cert} header from a trusted proxy (base64 decode,
 * X.509 parse and re-encode check, SHA-256, remembered per value). Each operation hands the enforcer fresh header
 * {@code String}s (no cached hash code), as a container would. Every operation checks it was allowed.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(3)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class CertificateBoundTokenBenchmark {

  private TestIssuer issuer;
  private Enforcer enforcer;
  private String plainHeader;
  private String boundHeader;
  private List<X509Certificate> chain;
  private String clientCert;
  private InetAddress proxy;
  private char[] plainChars;
  private char[] boundChars;
  private char[] clientCertChars;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    issuer = TestIssuer.builder().audience("orders-api").start();
    TestSvid client = TestTrustDomain.create("example.org").issueX509Svid("/client");
    chain = client.chain();
    byte[] der = client.leaf().getEncoded();
    clientCert = ":" + Base64.getEncoder().encodeToString(der) + ":";
    String x5t = Base64.getUrlEncoder().withoutPadding().encodeToString(MessageDigest.getInstance("SHA-256")
        .digest(der));
    plainHeader = "Bearer " + issuer.token().scope("orders:read").build();
    boundHeader = "Bearer " + issuer.token().claim("cnf", Map.of("x5t#S256", x5t)).scope("orders:read").build();
    proxy = InetAddress.getByName("127.0.0.1");
    plainChars = plainHeader.toCharArray();
    boundChars = boundHeader.toCharArray();
    clientCertChars = clientCert.toCharArray();
    enforcer = Enforcer.builder()
        .bearerJwt(issuer.bearerJwt().build())
        .routes(RoutePolicy.builder().get("/orders", Requirement.allScopes("orders:read")).build())
        .trust(TrustPolicy.builder().build())
        .rateLimits(RatePolicy.none())
        .detection(Detection.off())
        .trustForwardedFor(InetAddress::isLoopbackAddress)
        .trustClientCertHeader()
        .openTelemetry(OpenTelemetry.noop())
        .build();
    requireAllowed(plain());
    requireAllowed(overTls());
    requireAllowed(overHeader());
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    issuer.close();
  }

  private Decision plain() {
    return enforcer.enforce(RequestContext.builder("GET", "/orders")
        .headers(n -> "Authorization".equalsIgnoreCase(n) ? List.of(new String(plainChars)) : List.of())
        .clientAddress(proxy).build()).toCompletableFuture().join();
  }

  private Decision overTls() {
    return enforcer.enforce(RequestContext.builder("GET", "/orders")
        .headers(n -> "Authorization".equalsIgnoreCase(n) ? List.of(new String(boundChars)) : List.of())
        .clientAddress(proxy).peerCertificates(chain).build()).toCompletableFuture().join();
  }

  private Decision overHeader() {
    return enforcer.enforce(RequestContext.builder("GET", "/orders")
        .headers(n -> "Authorization".equalsIgnoreCase(n) ? List.of(new String(boundChars))
            : "Client-Cert".equalsIgnoreCase(n) ? List.of(new String(clientCertChars)) : List.of())
        .clientAddress(proxy).build()).toCompletableFuture().join();
  }

  @Benchmark
  public void plainToken(Blackhole bh) {
    bh.consume(requireAllowed(plain()));
  }

  @Benchmark
  public void boundOverTls(Blackhole bh) {
    bh.consume(requireAllowed(overTls()));
  }

  @Benchmark
  public void boundOverClientCertHeader(Blackhole bh) {
    bh.consume(requireAllowed(overHeader()));
  }

  private static Decision requireAllowed(Decision d) {
    if (!(d instanceof Decision.Allow)) {
      throw new IllegalStateException("not allowed: " + d);
    }
    return d;
  }
}
