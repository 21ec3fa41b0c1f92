package dev.zt.core.credential;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.jca.JCAContext;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.util.Base64URL;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.Provider;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Set;

/**
 * EdDSA (Ed25519, RFC 8037) verification through the JCA: the JDK's own provider, or the one {@link SignatureProvider}
 * chose for EdDSA. Nimbus' {@code Ed25519Verifier} needs Google Tink at run time; the JDK has had Ed25519 since 15, so
 * zt uses it and keeps one dependency fewer. The key is always parsed by the JDK; only the verification goes to the
 * chosen provider, and anything it throws is a refusal, never an allow.
 */
final class Ed25519Verifier implements JWSVerifier {

  // SubjectPublicKeyInfo prefix for an Ed25519 key (RFC 8410 §4): SEQ { SEQ { OID 1.3.101.112 }, BIT STRING }
  private static final byte[] SPKI_PREFIX = {
      0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00};

  private final PublicKey key;
  private final JCAContext jca = new JCAContext();
  private final Provider provider; // null: the JDK's providers

  /** On the JDK's providers. */
  Ed25519Verifier(OctetKeyPair okp) throws JOSEException {
    this(okp, null);
  }

  /** On {@code provider} ({@code null}: the JDK's providers). */
  Ed25519Verifier(OctetKeyPair okp, Provider provider) throws JOSEException {
    this.provider = provider;
    if (!Curve.Ed25519.equals(okp.getCurve())) {
      throw new JOSEException("only Ed25519 keys verify EdDSA here");
    }
    byte[] x = okp.getX().decode();
    if (x.length != 32) {
      throw new JOSEException("Ed25519 public key must be 32 bytes");
    }
    byte[] spki = new byte[SPKI_PREFIX.length + 32];
    System.arraycopy(SPKI_PREFIX, 0, spki, 0, SPKI_PREFIX.length);
    System.arraycopy(x, 0, spki, SPKI_PREFIX.length, 32);
    try {
      this.key = KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(spki));
    } catch (GeneralSecurityException e) {
      throw new JOSEException("invalid Ed25519 key", e);
    }
  }

  @Override
  public boolean verify(JWSHeader header, byte[] signingInput, Base64URL signature) throws JOSEException {
    if (!JWSAlgorithm.EdDSA.equals(header.getAlgorithm())) {
      return false;
    }
    byte[] sig = signature.decode();
    if (sig.length != 64) {
      return false;
    }
    try {
      Signature s = provider == null ? Signature.getInstance("Ed25519") : Signature.getInstance("Ed25519", provider);
      s.initVerify(key);
      s.update(signingInput);
      return s.verify(sig);
    } catch (GeneralSecurityException | RuntimeException e) {
      return false; // whatever the provider throws is a refusal
    }
  }

  @Override
  public Set<JWSAlgorithm> supportedJWSAlgorithms() {
    return Set.of(JWSAlgorithm.EdDSA);
  }

  @Override
  public JCAContext getJCAContext() {
    return jca;
  }
}
