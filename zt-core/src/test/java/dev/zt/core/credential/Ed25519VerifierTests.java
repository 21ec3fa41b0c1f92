package dev.zt.core.credential;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.util.Base64URL;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Provider;
import java.security.Signature;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@link Ed25519Verifier} on the JDK and on a chosen provider: whatever that provider throws is a refusal. */
class Ed25519VerifierTests {

  private static final byte[] INPUT = "eyJhbGciOiJFZERTQSJ9.e30".getBytes(StandardCharsets.US_ASCII);
  private static OctetKeyPair jwk;
  private static byte[] signature;

  @BeforeAll
  static void key() throws Exception {
    KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    byte[] spki = pair.getPublic().getEncoded();
    jwk = new OctetKeyPair.Builder(Curve.Ed25519, Base64URL.encode(Arrays.copyOfRange(spki, spki.length - 32,
        spki.length))).build();
    Signature s = Signature.getInstance("Ed25519");
    s.initSign(pair.getPrivate());
    s.update(INPUT);
    signature = s.sign();
  }

  private static boolean verify(Provider provider, byte[] sig) throws Exception {
    return new Ed25519Verifier(jwk, provider).verify(new JWSHeader(JWSAlgorithm.EdDSA), INPUT, Base64URL.encode(sig));
  }

  @Test
  void verifyWhenOnTheJdkThenAcceptsTheGoodSignatureOnly() throws Exception {
    byte[] changed = signature.clone();
    changed[5] ^= 1;

    assertThat(verify(null, signature)).isTrue();
    assertThat(verify(null, changed)).isFalse();
    assertThat(verify(null, new byte[64])).isFalse();
  }

  @Test
  void verifyWhenTheChosenProviderThrowsThenRefuses() throws Exception {
    Provider broken = SignatureProviderTests.provider("Broken", "Ed25519", new SignatureProviderTests.Spi(() -> {
      throw new IllegalStateException("native failure");
    }));

    assertThat(verify(broken, signature)).isFalse();
  }

  @Test
  void verifyWhenAProviderIsChosenThenItDecides() throws Exception {
    // the provider's answer is the answer: which is why a provider must pass the self-test before it is chosen
    Provider refusing = SignatureProviderTests.provider("Refusing", "Ed25519",
        new SignatureProviderTests.Spi(() -> false));

    assertThat(verify(refusing, signature)).isFalse();
  }
}
