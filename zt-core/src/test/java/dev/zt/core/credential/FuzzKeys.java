package dev.zt.core.credential;

import dev.zt.core.credential.BearerJwt;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.NamedParameterSpec;
import java.util.Arrays;
import java.util.Base64;

/**
 * The fuzz targets' issuer: one Ed25519 key (signing costs microseconds, so the fuzzer spends its time in the
 * parser), published in a JWKS under {@code kid} {@code k1}, and a fixed clock. The key is derived from a fixed,
 * published seed so that committed inputs can carry tokens it signed: it protects nothing.
 */
final class FuzzKeys {

  static final String ISSUER = "https://issuer.test";
  static final String AUDIENCE = "api";
  /** 2026-01-01T00:00:00Z, the time every fuzz run validates at (the committed inputs' tokens are valid then). */
  static final long NOW_MILLIS = 1767225600000L;

  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

  private final KeyPair pair;
  private final JWKSource<SecurityContext> jwks;

  FuzzKeys() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("Ed25519");
      generator.initialize(NamedParameterSpec.ED25519, new FixedSeed());
      pair = generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
    byte[] spki = pair.getPublic().getEncoded();
    byte[] x = Arrays.copyOfRange(spki, spki.length - 32, spki.length); // SubjectPublicKeyInfo ends with the key
    OctetKeyPair jwk = new OctetKeyPair.Builder(Curve.Ed25519, com.nimbusds.jose.util.Base64URL.encode(x))
        .keyID("k1")
        .build();
    jwks = new ImmutableJWKSet<>(new JWKSet(jwk));
  }

  /** Whether the key signed {@code token}'s first two parts, as the JDK alone sees it. */
  boolean signed(String token) {
    int dot = token.lastIndexOf('.');
    try {
      Signature s = Signature.getInstance("Ed25519");
      s.initVerify(pair.getPublic());
      s.update(token.substring(0, dot).getBytes(StandardCharsets.UTF_8));
      return s.verify(Base64.getUrlDecoder().decode(token.substring(dot + 1)));
    } catch (GeneralSecurityException | RuntimeException e) {
      return false;
    }
  }

  /** The private key's 32 bytes (RFC 8032 §5.1.5), the same on every run. */
  private static final class FixedSeed extends SecureRandom {
    private static final long serialVersionUID = 1L;

    @Override
    public void nextBytes(byte[] bytes) {
      byte[] seed = "zt fuzz key: public, not secret".getBytes(StandardCharsets.US_ASCII);
      for (int i = 0; i < bytes.length; i++) {
        bytes[i] = i < seed.length ? seed[i] : (byte) i;
      }
    }
  }

  JWKSource<SecurityContext> jwks() {
    return jwks;
  }

  BearerJwt config() {
    return BearerJwt.issuer(ISSUER).audience(AUDIENCE).keySource(jwks).build();
  }

  /** A compact JWS of exactly these header and payload texts, signed with the key. */
  String sign(String header, String payload) {
    String input = B64.encodeToString(header.getBytes(StandardCharsets.UTF_8)) + "."
        + B64.encodeToString(payload.getBytes(StandardCharsets.UTF_8));
    try {
      Signature s = Signature.getInstance("Ed25519");
      s.initSign(pair.getPrivate());
      s.update(input.getBytes(StandardCharsets.US_ASCII));
      return input + "." + B64.encodeToString(s.sign());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
