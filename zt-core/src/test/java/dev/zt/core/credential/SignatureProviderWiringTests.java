package dev.zt.core.credential;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.util.Base64URL;
import dev.zt.core.DenyReason;
import dev.zt.core.internal.SignatureVerifiers;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.Signature;
import java.security.SignatureException;
import java.security.SignatureSpi;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The chosen provider is the one that checks signatures — bearer tokens (ES256 through Nimbus' verifier, EdDSA through
 * zt's own) and DPoP proofs — and a provider that fails at verification time denies, never allows.
 */
class SignatureProviderWiringTests {

  private static final long NOW = FuzzKeys.NOW_MILLIS;
  private static final FuzzKeys ED = new FuzzKeys();
  private static ECKey ec;

  @BeforeAll
  static void keys() throws Exception {
    ec = new ECKeyGenerator(Curve.P_256).keyID("e1").generate();
  }

  private static String claims() {
    return "{\"iss\":\"" + FuzzKeys.ISSUER + "\",\"aud\":\"" + FuzzKeys.AUDIENCE + "\",\"sub\":\"alice\",\"iat\":"
        + NOW / 1000 + ",\"exp\":" + (NOW / 1000 + 300) + "}";
  }

  private static String es256Token() throws Exception {
    String input = b64("{\"alg\":\"ES256\",\"kid\":\"e1\"}") + "." + b64(claims());
    return input + "." + new ECDSASigner(ec).sign(new JWSHeader(JWSAlgorithm.ES256),
        input.getBytes(StandardCharsets.US_ASCII));
  }

  private static String forged(String token) {
    char last = token.charAt(token.length() - 30);
    return token.substring(0, token.length() - 30) + (last == 'A' ? 'B' : 'A') + token.substring(token.length() - 29);
  }

  private static JwtVerifier es256Verifier(Provider provider) {
    BearerJwt config = BearerJwt.issuer(FuzzKeys.ISSUER).audience(FuzzKeys.AUDIENCE).algorithms("ES256")
        .keySource(new ImmutableJWKSet<>(new JWKSet(ec.toPublicJWK()))).build();
    return new JwtVerifier(config, config.keySource().get(), () -> false,
        SignatureVerifiers.of(SignatureProvider.of(provider)));
  }

  @Test
  void verifyWhenAProviderIsChosenForEs256ThenItChecksTheTokensSignature() throws Exception {
    Delegating counting = new Delegating("Counting", "SHA256withECDSA", "SunEC");
    JwtVerifier verifier = es256Verifier(counting);
    counting.calls.set(0); // the self-test's calls

    assertThat(verifier.verify(es256Token(), NOW)).isInstanceOf(JwtVerifier.Ok.class);
    assertThat(counting.calls).hasValue(1);
    assertThat(verifier.verify(forged(es256Token()), NOW)).isEqualTo(
        new JwtVerifier.Fail(DenyReason.TOKEN_SIGNATURE_INVALID, "signature does not verify"));
    assertThat(counting.calls).hasValue(2);
  }

  @Test
  void verifyWhenTheChosenProviderFailsAfterItsSelfTestThenDenies() throws Exception {
    Delegating failing = new Delegating("Failing", "SHA256withECDSA", "SunEC");
    JwtVerifier verifier = es256Verifier(failing);
    failing.fail.set(true);

    assertThat(verifier.verify(es256Token(), NOW)).isEqualTo(
        new JwtVerifier.Fail(DenyReason.TOKEN_SIGNATURE_INVALID, "signature does not verify"));
  }

  @Test
  void verifyWhenAProviderIsChosenForEdDsaThenItChecksTheTokensSignature() {
    Delegating counting = new Delegating("Counting", "Ed25519", "SunEC");
    BearerJwt config = BearerJwt.issuer(FuzzKeys.ISSUER).audience(FuzzKeys.AUDIENCE).algorithms("EdDSA")
        .keySource(ED.jwks()).build();
    JwtVerifier verifier = new JwtVerifier(config, ED.jwks(), () -> false,
        SignatureVerifiers.of(SignatureProvider.of(counting)));
    counting.calls.set(0);
    String token = ED.sign("{\"alg\":\"EdDSA\",\"kid\":\"k1\"}", claims());

    assertThat(verifier.verify(token, NOW)).isInstanceOf(JwtVerifier.Ok.class);
    assertThat(counting.calls).hasValue(1);
    counting.fail.set(true);
    assertThat(verifier.verify(token, NOW)).isEqualTo(
        new JwtVerifier.Fail(DenyReason.TOKEN_SIGNATURE_INVALID, "signature does not verify"));
  }

  @Test
  void verifyWhenAProviderIsChosenForDpopProofsThenItChecksTheProofsSignature() throws Exception {
    Delegating counting = new Delegating("Counting", "SHA256withECDSA", "SunEC");
    DpopProofs proofs = new DpopProofs(Dpop.builder().algorithms(JWSAlgorithm.ES256).build(), null,
        SignatureVerifiers.of(SignatureProvider.of(counting)));
    counting.calls.set(0);
    URI htu = URI.create("https://orders.example.com/orders");
    String ath = new String(DpopProofs.accessTokenHash("token"), StandardCharsets.US_ASCII);
    String input = b64("{\"typ\":\"dpop+jwt\",\"alg\":\"ES256\",\"jwk\":" + ec.toPublicJWK().toJSONString() + "}")
        + "." + b64("{\"jti\":\"j1\",\"htm\":\"GET\",\"htu\":\"" + htu + "\",\"iat\":" + NOW / 1000 + ",\"ath\":\""
        + ath + "\"}");
    String proof = input + "." + new ECDSASigner(ec).sign(new JWSHeader(JWSAlgorithm.ES256),
        input.getBytes(StandardCharsets.US_ASCII));
    String jkt = ec.toPublicJWK().computeThumbprint().toString();

    assertThat(proofs.verify(proof, "GET", htu, "token", jkt, NOW)).isInstanceOf(DpopProofs.Ok.class);
    assertThat(counting.calls).hasValue(1);
    counting.fail.set(true);
    assertThat(proofs.verify(proof, "GET", htu, "token", jkt, NOW)).isEqualTo(
        new DpopProofs.Fail(DenyReason.DPOP_PROOF_INVALID, "proof signature does not verify", true));
  }

  private static String b64(String json) {
    return Base64URL.encode(json.getBytes(StandardCharsets.UTF_8)).toString();
  }

  /** A provider whose one signature algorithm is another provider's, counted, and made to throw on demand. */
  static final class Delegating extends Provider {
    final AtomicInteger calls = new AtomicInteger();
    final AtomicBoolean fail = new AtomicBoolean();

    Delegating(String name, String algorithm, String delegate) {
      super(name, "1", "test");
      putService(new Provider.Service(this, "Signature", algorithm, Spi.class.getName(), null, null) {
        @Override
        public Object newInstance(Object parameter) throws java.security.NoSuchAlgorithmException {
          return new Spi(Signature.getInstance(algorithm, java.security.Security.getProvider(delegate)), calls, fail);
        }
      });
    }
  }

  static final class Spi extends SignatureSpi {
    private final Signature delegate;
    private final AtomicInteger calls;
    private final AtomicBoolean fail;

    Spi(Signature delegate, AtomicInteger calls, AtomicBoolean fail) {
      this.delegate = delegate;
      this.calls = calls;
      this.fail = fail;
    }

    @Override
    protected void engineInitVerify(PublicKey publicKey) throws InvalidKeyException {
      delegate.initVerify(publicKey);
    }

    @Override
    protected void engineInitSign(PrivateKey privateKey) throws InvalidKeyException {
      throw new InvalidKeyException("verify only");
    }

    @Override
    protected void engineUpdate(byte b) throws SignatureException {
      delegate.update(b);
    }

    @Override
    protected void engineUpdate(byte[] b, int off, int len) throws SignatureException {
      delegate.update(b, off, len);
    }

    @Override
    protected byte[] engineSign() {
      throw new UnsupportedOperationException();
    }

    @Override
    protected boolean engineVerify(byte[] sigBytes) throws SignatureException {
      calls.incrementAndGet();
      if (fail.get()) {
        throw new IllegalStateException("the native library failed");
      }
      return delegate.verify(sigBytes);
    }

    @Override
    @Deprecated
    protected void engineSetParameter(String param, Object value) {}

    @Override
    @Deprecated
    protected Object engineGetParameter(String param) {
      return null;
    }
  }
}
