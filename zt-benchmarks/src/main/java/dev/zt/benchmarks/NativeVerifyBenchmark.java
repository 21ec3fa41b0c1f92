package dev.zt.benchmarks;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import java.security.Provider;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A bare Nimbus signature verify (RS256 with RSA-2048, ES256 on P-256) on the JDK's providers and on each native JCA
 * provider (issue 19): the cost zt pays per uncached token, before any of its own checks. One thread.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class NativeVerifyBenchmark {

  @Param({"JDK", "ACCP", "Conscrypt"})
  public String provider;

  private JWSVerifier rsVerifier;
  private JWSVerifier esVerifier;
  private JWSObject rs;
  private JWSObject es;

  @Setup
  public void setUp() throws JOSEException {
    RSAKey rsa = new RSAKeyGenerator(2048).generate();
    ECKey ec = new ECKeyGenerator(Curve.P_256).generate();
    rs = new JWSObject(new JWSHeader(JWSAlgorithm.RS256), new Payload("{\"sub\":\"alice\"}"));
    rs.sign(new RSASSASigner(rsa));
    es = new JWSObject(new JWSHeader(JWSAlgorithm.ES256), new Payload("{\"sub\":\"alice\"}"));
    es.sign(new ECDSASigner(ec));
    rsVerifier = new RSASSAVerifier(rsa.toRSAPublicKey());
    esVerifier = new ECDSAVerifier(ec.toECPublicKey());
    Provider p = NativeProviders.named(provider);
    if (p != null) {
      rsVerifier.getJCAContext().setProvider(p);
      esVerifier.getJCAContext().setProvider(p);
    }
    if (!rs256() || !es256()) {
      throw new IllegalStateException("the " + provider + " provider does not verify a good signature");
    }
  }

  @Benchmark
  public boolean rs256() throws JOSEException {
    return verify(rsVerifier, rs);
  }

  @Benchmark
  public boolean es256() throws JOSEException {
    return verify(esVerifier, es);
  }

  private static boolean verify(JWSVerifier verifier, JWSObject jws) throws JOSEException {
    JWSHeader header = jws.getHeader();
    Base64URL signature = jws.getSignature();
    return verifier.verify(header, jws.getSigningInput(), signature);
  }
}
