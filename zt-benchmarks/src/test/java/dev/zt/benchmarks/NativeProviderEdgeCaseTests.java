package dev.zt.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import com.nimbusds.jose.crypto.impl.ECDSA;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import java.math.BigInteger;
import java.security.Provider;
import java.security.Signature;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 19, first look: the ECDSA edge cases JOSE verification must refuse, on the JDK's providers and on each native
 * provider, through Nimbus' verifiers as zt uses them. Same vectors for every provider.
 */
class NativeProviderEdgeCaseTests {

  // the order of P-256's group (FIPS 186-4 D.1.2.3)
  private static final BigInteger P256_N =
      new BigInteger("FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551", 16);

  private static RSAKey rsa;
  private static ECKey ec;
  private static JWSObject rs256;
  private static JWSObject es256;

  @BeforeAll
  static void keys() throws JOSEException {
    rsa = new RSAKeyGenerator(2048).generate();
    ec = new ECKeyGenerator(Curve.P_256).generate();
    rs256 = new JWSObject(new JWSHeader(JWSAlgorithm.RS256), new Payload("{\"sub\":\"alice\"}"));
    rs256.sign(new RSASSASigner(rsa));
    es256 = new JWSObject(new JWSHeader(JWSAlgorithm.ES256), new Payload("{\"sub\":\"alice\"}"));
    es256.sign(new ECDSASigner(ec));
  }

  private static JWSVerifier ecVerifier(String provider) throws JOSEException {
    JWSVerifier v = new ECDSAVerifier(ec.toECPublicKey());
    Provider p = NativeProviders.named(provider);
    if (p != null) {
      v.getJCAContext().setProvider(p);
    }
    return v;
  }

  private static boolean verifyEs256(String provider, byte[] signature) throws JOSEException {
    return ecVerifier(provider).verify(es256.getHeader(), es256.getSigningInput(), Base64URL.encode(signature));
  }

  private static byte[] fixed32(BigInteger b) {
    byte[] x = b.toByteArray();
    byte[] out = new byte[32];
    System.arraycopy(x, x.length - 32, out, 0, 32);
    return out;
  }

  @ParameterizedTest
  @ValueSource(strings = {"JDK", "ACCP", "Conscrypt"})
  void verifyWhenSignaturesAreGoodThenAccepts(String provider) throws JOSEException {
    RSASSAVerifier rv = new RSASSAVerifier(rsa.toRSAPublicKey());
    Provider p = NativeProviders.named(provider);
    if (p != null) {
      rv.getJCAContext().setProvider(p);
    }
    assertThat(rv.verify(rs256.getHeader(), rs256.getSigningInput(), rs256.getSignature())).isTrue();
    assertThat(ecVerifier(provider).verify(es256.getHeader(), es256.getSigningInput(), es256.getSignature())).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"JDK", "ACCP", "Conscrypt"})
  void verifyWhenRAndSAreZeroThenRefuses(String provider) throws JOSEException {
    assertThat(verifyEs256(provider, new byte[64])).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"JDK", "ACCP", "Conscrypt"})
  void verifyWhenRIsTheGroupOrderThenRefuses(String provider) throws JOSEException {
    byte[] sig = es256.getSignature().decode();
    System.arraycopy(fixed32(P256_N), 0, sig, 0, 32);
    assertThat(verifyEs256(provider, sig)).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"JDK", "ACCP", "Conscrypt"})
  void verifyWhenSignatureIsDerNotP1363ThenRefuses(String provider) throws JOSEException {
    byte[] der = ECDSA.transcodeSignatureToDER(es256.getSignature().decode());
    assertThat(verifyEs256(provider, der)).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"JDK", "ACCP", "Conscrypt"})
  void verifyWhenP256KeyCarriesEs384ThenRefuses(String provider) throws Exception {
    // a real SHA-384 ECDSA signature by the P-256 key: the JCA primitive alone accepts it, JOSE must not (RFC 7518 §3.4)
    Signature s = Signature.getInstance("SHA384withECDSA");
    s.initSign(ec.toECPrivateKey());
    s.update(es256.getSigningInput());
    byte[] p1363 = ECDSA.transcodeSignatureToConcat(s.sign(), 64);
    JWSVerifier v = ecVerifier(provider);
    assertThatThrownBy(() -> v.verify(new JWSHeader(JWSAlgorithm.ES384), es256.getSigningInput(),
        Base64URL.encode(p1363))).isInstanceOf(JOSEException.class).hasMessageContaining("must be ES256");
  }

  @ParameterizedTest
  @ValueSource(strings = {"JDK", "ACCP", "Conscrypt"})
  void rawProviderVerifyWhenRIsZeroOrTheGroupOrderThenNeverAccepts(String provider) throws Exception {
    // below Nimbus' own range check (ensureLegalSignature): the provider alone must not accept either (CVE-2022-21449)
    byte[] good = es256.getSignature().decode();
    BigInteger goodS = new BigInteger(1, java.util.Arrays.copyOfRange(good, 32, 64));
    byte[][] signatures = {der(BigInteger.ZERO, BigInteger.ZERO), der(P256_N, goodS), der(P256_N, P256_N)};
    for (byte[] derSignature : signatures) {
      Provider p = NativeProviders.named(provider);
      Signature s = p == null ? Signature.getInstance("SHA256withECDSA") : Signature.getInstance("SHA256withECDSA", p);
      s.initVerify(ec.toECPublicKey());
      s.update(es256.getSigningInput());
      boolean accepted;
      try {
        accepted = s.verify(derSignature);
      } catch (java.security.SignatureException e) {
        accepted = false; // ACCP throws on a signature it cannot parse; fail closed either way
      }
      assertThat(accepted).isFalse();
    }
  }

  /** An ASN.1 DER ECDSA-Sig-Value (RFC 3279 §2.2.3), written by hand so that out-of-range values can be encoded. */
  private static byte[] der(BigInteger r, BigInteger s) {
    byte[] rb = r.toByteArray();
    byte[] sb = s.toByteArray();
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    out.write(0x30);
    out.write(4 + rb.length + sb.length);
    out.write(0x02);
    out.write(rb.length);
    out.writeBytes(rb);
    out.write(0x02);
    out.write(sb.length);
    out.writeBytes(sb);
    return out.toByteArray();
  }
}
