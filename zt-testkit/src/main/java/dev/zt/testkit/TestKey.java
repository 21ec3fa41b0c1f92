package dev.zt.testkit;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyOperation;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * A signing key of a {@link TestIssuer}: its private half signs tokens, its public half is what the issuer's JWKS
 * publishes. Keys can be made with a wrong {@code use}, {@code key_ops} or {@code alg} to test that zt refuses them.
 *
 * @since 0.1
 */
public final class TestKey {

  /**
   * The system property naming a JWK Set file of pre-generated private 2048-bit RSA keys for {@link #rsa()} to take
   * instead of generating them (each once per JVM); unset, every key is generated.
   */
  public static final String RSA_KEY_POOL = "zt-testkit.rsa-key-pool";

  /** The keys of {@link #RSA_KEY_POOL}, read on first use; each handed out once. */
  private static final class RsaKeyPool {
    private static final java.util.List<RSAKey> KEYS = load(System.getProperty(RSA_KEY_POOL, ""));
    private static final java.util.concurrent.atomic.AtomicInteger NEXT = new java.util.concurrent.atomic.AtomicInteger();

    static RSAKey next() {
      int i = NEXT.getAndIncrement();
      return i < KEYS.size() ? KEYS.get(i) : null;
    }

    private static java.util.List<RSAKey> load(String file) {
      if (file.isBlank()) {
        return java.util.List.of();
      }
      try {
        java.util.List<RSAKey> keys = new java.util.ArrayList<>();
        for (JWK k : com.nimbusds.jose.jwk.JWKSet.load(new java.io.File(file)).getKeys()) {
          if (!(k instanceof RSAKey rsa) || !rsa.isPrivate() || rsa.size() != 2048) {
            throw new IllegalStateException(RSA_KEY_POOL + " " + file + ": not a private 2048-bit RSA key: "
                + k.getKeyType());
          }
          keys.add(rsa);
        }
        return java.util.List.copyOf(keys);
      } catch (java.io.IOException | java.text.ParseException e) {
        throw new IllegalStateException(RSA_KEY_POOL + " " + file + " cannot be read: " + e.getMessage(), e);
      }
    }
  }

  private final JWK jwk;
  private final JWSAlgorithm algorithm;
  private final PrivateKey edPrivate; // Ed25519 signs on the JDK (Nimbus' Ed25519Signer needs Tink)

  private TestKey(JWK jwk, JWSAlgorithm algorithm, PrivateKey edPrivate) {
    this.jwk = jwk;
    this.algorithm = algorithm;
    this.edPrivate = edPrivate;
  }

  /** A fresh 2048-bit RSA key for {@code RS256} with a random {@code kid}. */
  public static TestKey rsa() {
    return rsa(JWSAlgorithm.RS256, 2048);
  }

  /**
   * A fresh RSA key of {@code bits} for {@code algorithm} (RS*, PS*).
   *
   * <p>Generating a 2048-bit RSA key costs the JDK about 0.2 s of CPU. A suite that makes hundreds can name a file of
   * pre-generated private RSA keys (a JWK Set) in the system property {@value #RSA_KEY_POOL}: 2048-bit keys are then
   * taken from it, each at most once per JVM (so every key is still distinct from every other one made), with a new
   * {@code kid} each, and generated once it is used up. Such keys are public test material: never trust them anywhere.
   */
  public static TestKey rsa(JWSAlgorithm algorithm, int bits) {
    RSAKey pooled = bits == 2048 ? RsaKeyPool.next() : null;
    if (pooled != null) {
      return new TestKey(new RSAKey.Builder(pooled).keyID(newKid()).keyUse(KeyUse.SIGNATURE).build(), algorithm, null);
    }
    try {
      // the JDK generator, so that deliberately weak keys (1024 bits) can be made for deny cases
      KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
      gen.initialize(bits);
      KeyPair kp = gen.generateKeyPair();
      RSAKey key = new RSAKey.Builder((java.security.interfaces.RSAPublicKey) kp.getPublic())
          .privateKey(kp.getPrivate())
          .keyID(newKid())
          .keyUse(KeyUse.SIGNATURE)
          .build();
      return new TestKey(key, algorithm, null);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A fresh P-256 key for {@code ES256}. */
  public static TestKey ec256() {
    return ec(Curve.P_256, JWSAlgorithm.ES256);
  }

  /** A fresh P-384 key for {@code ES384}. */
  public static TestKey ec384() {
    return ec(Curve.P_384, JWSAlgorithm.ES384);
  }

  private static TestKey ec(Curve curve, JWSAlgorithm alg) {
    try {
      ECKey key = new ECKeyGenerator(curve).keyID(newKid()).keyUse(KeyUse.SIGNATURE).generate();
      return new TestKey(key, alg, null);
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A fresh Ed25519 key for {@code EdDSA}. */
  public static TestKey ed25519() {
    try {
      KeyPair kp = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
      byte[] spki = kp.getPublic().getEncoded();
      byte[] x = Arrays.copyOfRange(spki, spki.length - 32, spki.length);
      byte[] pkcs8 = kp.getPrivate().getEncoded();
      byte[] d = Arrays.copyOfRange(pkcs8, pkcs8.length - 32, pkcs8.length);
      OctetKeyPair okp = new OctetKeyPair.Builder(Curve.Ed25519, Base64URL.encode(x))
          .d(Base64URL.encode(d))
          .keyID(newKid())
          .keyUse(KeyUse.SIGNATURE)
          .build();
      return new TestKey(okp, JWSAlgorithm.EdDSA, kp.getPrivate());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String newKid() {
    return "k-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /** The {@code kid}. */
  public String keyId() {
    return jwk.getKeyID();
  }

  /** The algorithm tokens are signed with by default. */
  public JWSAlgorithm algorithm() {
    return algorithm;
  }

  /** The public JWK as the issuer publishes it. */
  public JWK publicJwk() {
    return jwk.toPublicJWK();
  }

  /**
   * The RFC 7638 SHA-256 thumbprint of the public key, base64url: what a DPoP-bound token's {@code cnf.jkt} names.
   *
   * @since 0.2
   */
  public String thumbprint() {
    return DpopProof.thumbprint(this);
  }

  /** The private JWK as JSON (for an attack case that leaks it). */
  Map<String, Object> privateJwkJson() {
    return jwk.toJSONObject();
  }

  /** The same key under another {@code kid}. */
  public TestKey withKeyId(String kid) {
    return edit(m -> m.put("kid", kid));
  }

  /** The same key published with {@code use} (e.g. {@code enc}), which must make zt refuse it for signatures. */
  public TestKey withUse(KeyUse use) {
    return edit(m -> m.put("use", use.identifier()));
  }

  /** The same key published with {@code key_ops} and no {@code use}. */
  public TestKey withKeyOperations(KeyOperation... ops) {
    return edit(m -> {
      m.remove("use");
      m.put("key_ops", java.util.Arrays.stream(ops).map(KeyOperation::identifier).toList());
    });
  }

  /** The same key published bound to {@code alg}. */
  public TestKey withPublishedAlgorithm(JWSAlgorithm alg) {
    return edit(m -> m.put("alg", alg.getName()));
  }

  private TestKey edit(java.util.function.Consumer<java.util.Map<String, Object>> change) {
    java.util.Map<String, Object> json = new java.util.LinkedHashMap<>(jwk.toJSONObject());
    change.accept(json);
    try {
      return new TestKey(JWK.parse(json), algorithm, edPrivate);
    } catch (java.text.ParseException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Signs {@code signingInput} with {@code alg} (which may differ from the key's own, for attack cases). */
  byte[] sign(JWSAlgorithm alg, byte[] signingInput) {
    try {
      JWSHeader header = new JWSHeader(alg);
      if (jwk instanceof RSAKey rsa) {
        return new RSASSASigner(rsa.toPrivateKey(), true).sign(header, signingInput).decode();
      }
      if (jwk instanceof ECKey ec) {
        return new ECDSASigner(ec).sign(header, signingInput).decode();
      }
      Signature s = Signature.getInstance("Ed25519");
      s.initSign(Objects.requireNonNull(edPrivate));
      s.update(signingInput);
      return s.sign();
    } catch (JOSEException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot sign with " + alg + ": " + e.getMessage(), e);
    }
  }

  @Override
  public String toString() {
    return "TestKey[" + jwk.getKeyType() + ", kid=" + keyId() + "]";
  }
}
