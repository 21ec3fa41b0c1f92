package dev.zt.core.credential;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.impl.ECDSA;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import dev.zt.core.internal.SignatureVerifiers;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.security.Provider;
import java.security.Signature;
import java.security.SignatureException;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The ECDSA signatures JOSE verification must refuse (RFC 7518 §3.4), through the verifiers zt builds on the provider
 * {@link SignatureProvider#auto()} chose in this run — the JDK's, ACCP or Conscrypt, one per surefire execution, with
 * the same vectors — and straight to that provider's {@code SHA256withECDSA}, below Nimbus' own range check, since zt
 * calls providers directly too. First looked at in zt-benchmarks (issue 19).
 */
class EcdsaEdgeCaseTests {

  // the order of P-256's group (FIPS 186-4 D.1.2.3)
  private static final BigInteger P256_N =
      new BigInteger("FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551", 16);

  private static ECKey ec;
  private static JWSObject es256;
  private static SignatureVerifiers signatures;

  @BeforeAll
  static void keys() throws JOSEException {
    ec = new ECKeyGenerator(Curve.P_256).generate();
    es256 = new JWSObject(new JWSHeader(JWSAlgorithm.ES256), new Payload("{\"sub\":\"alice\"}"));
    es256.sign(new ECDSASigner(ec));
    signatures = SignatureVerifiers.auto().prepare(List.of(JWSAlgorithm.ES256, JWSAlgorithm.ES384));
  }

  private static JWSVerifier verifier() throws JOSEException {
    return signatures.ec(ec.toECPublicKey(), JWSAlgorithm.ES256);
  }

  private static boolean verify(byte[] signature) throws JOSEException {
    return verifier().verify(es256.getHeader(), es256.getSigningInput(), Base64URL.encode(signature));
  }

  private static byte[] fixed32(BigInteger b) {
    byte[] x = b.toByteArray();
    byte[] out = new byte[32];
    System.arraycopy(x, Math.max(0, x.length - 32), out, Math.max(0, 32 - x.length), Math.min(32, x.length));
    return out;
  }

  @Test
  void verifyWhenOnThisRunsProviderThenItIsTheOneExpected() {
    String expected = SignatureProviderTests.EXPECTED;
    assertThat(signatures.names().get("ES256")).isEqualTo(expected.equals("JDK") ? "SunEC" : expected);
  }

  @Test
  void verifyWhenTheSignatureIsGoodThenAccepts() throws JOSEException {
    assertThat(verify(es256.getSignature().decode())).isTrue();
  }

  @Test
  void verifyWhenOneBitOfTheSignatureChangesThenRefuses() throws JOSEException {
    byte[] sig = es256.getSignature().decode();
    sig[40] ^= 1;
    assertThat(verify(sig)).isFalse();
  }

  @Test
  void verifyWhenRAndSAreZeroThenRefuses() throws JOSEException {
    assertThat(verify(new byte[64])).isFalse();
  }

  @Test
  void verifyWhenRIsTheGroupOrderThenRefuses() throws JOSEException {
    byte[] sig = es256.getSignature().decode();
    System.arraycopy(fixed32(P256_N), 0, sig, 0, 32);
    assertThat(verify(sig)).isFalse();
  }

  @Test
  void verifyWhenSIsTheGroupOrderThenRefuses() throws JOSEException {
    byte[] sig = es256.getSignature().decode();
    System.arraycopy(fixed32(P256_N), 0, sig, 32, 32);
    assertThat(verify(sig)).isFalse();
  }

  @Test
  void verifyWhenTheSignatureIsDerNotP1363ThenRefuses() throws JOSEException {
    byte[] der = ECDSA.transcodeSignatureToDER(es256.getSignature().decode());
    assertThat(verify(der)).isFalse();
  }

  @Test
  void verifyWhenAP256KeyCarriesEs384ThenRefuses() throws Exception {
    // a real SHA-384 ECDSA signature by the P-256 key: the JCA primitive alone accepts it, JOSE must not
    Signature s = Signature.getInstance("SHA384withECDSA");
    s.initSign(ec.toECPrivateKey());
    s.update(es256.getSigningInput());
    byte[] p1363 = ECDSA.transcodeSignatureToConcat(s.sign(), 64);
    JWSVerifier v = verifier();

    assertThatThrownBy(() -> v.verify(new JWSHeader(JWSAlgorithm.ES384), es256.getSigningInput(),
        Base64URL.encode(p1363))).isInstanceOf(JOSEException.class).hasMessageContaining("must be ES256");
  }

  @Test
  void rawProviderVerifyWhenRIsZeroOrTheGroupOrderThenNeverAccepts() throws Exception {
    // CVE-2022-21449's shape, straight to the provider: it must refuse (false) or throw, never accept
    byte[] good = es256.getSignature().decode();
    BigInteger goodS = new BigInteger(1, Arrays.copyOfRange(good, 32, 64));
    byte[][] signatures = {der(BigInteger.ZERO, BigInteger.ZERO), der(P256_N, goodS), der(P256_N, P256_N),
        der(BigInteger.ZERO, goodS)};
    Provider p = EcdsaEdgeCaseTests.signatures.providerFor(JWSAlgorithm.ES256);
    for (byte[] derSignature : signatures) {
      Signature s = p == null ? Signature.getInstance("SHA256withECDSA") : Signature.getInstance("SHA256withECDSA", p);
      s.initVerify(ec.toECPublicKey());
      s.update(es256.getSigningInput());
      boolean accepted;
      try {
        accepted = s.verify(derSignature);
      } catch (SignatureException e) {
        accepted = false; // ACCP throws on a signature it cannot parse; zt refuses either way
      }
      assertThat(accepted).isFalse();
    }
  }

  /** An ASN.1 DER ECDSA-Sig-Value (RFC 3279 §2.2.3), written by hand so that out-of-range values can be encoded. */
  private static byte[] der(BigInteger r, BigInteger s) {
    byte[] rb = r.toByteArray();
    byte[] sb = s.toByteArray();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
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
