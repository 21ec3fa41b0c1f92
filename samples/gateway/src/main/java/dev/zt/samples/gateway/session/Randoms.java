package dev.zt.samples.gateway.session;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/** Unguessable values (256 bits, base64url) and the one-way names the stores keep them under. */
final class Randoms {

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();

  private Randoms() {}

  /** 32 random bytes as base64url without padding: 43 characters, also a valid PKCE verifier (RFC 7636 §4.1). */
  static String token() {
    byte[] b = new byte[32];
    RANDOM.nextBytes(b);
    return B64URL.encodeToString(b);
  }

  /** SHA-256 of {@code value}, base64url: what a store keys on, so a heap dump holds no live cookie value. */
  static String sha256(String value) {
    return B64URL.encodeToString(digest(value));
  }

  /** The PKCE S256 challenge of {@code verifier} (RFC 7636 §4.2). */
  static String challenge(String verifier) {
    return B64URL.encodeToString(digest(verifier));
  }

  /** Compares in time independent of where the values differ. */
  static boolean same(String a, String b) {
    return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
  }

  private static byte[] digest(String value) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.US_ASCII));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JDK", e);
    }
  }
}
