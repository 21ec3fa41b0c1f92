package dev.zt.core.credential;

import com.nimbusds.jose.util.Base64URL;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * DPoP server nonces (RFC 9449 §8) without shared state: the nonce of time period {@code n} (periods of
 * {@link Dpop#nonceRotation()} on the enforcer's clock) is base64url(HMAC-SHA256(key, "zt-dpop-nonce:" n)). A nonce
 * is accepted during its period and the next, so one handed out just before a rotation still works; every instance
 * with the same key issues and accepts the same nonces, and nothing is stored per client.
 */
final class DpopNonces {

  /** What a presented nonce is. */
  enum Check { CURRENT, PREVIOUS, INVALID }

  private record Issued(long period, String nonce) {}

  private final SecretKeySpec key;
  private final long rotationMillis;
  private volatile Issued current = new Issued(Long.MIN_VALUE, "");
  private volatile Issued previous = new Issued(Long.MIN_VALUE, "");

  DpopNonces(byte[] secret, java.time.Duration rotation) {
    this.key = new SecretKeySpec(secret, "HmacSHA256");
    this.rotationMillis = rotation.toMillis();
  }

  /** The nonce to hand out at {@code now}. */
  String current(long now) {
    return issued(Math.floorDiv(now, rotationMillis)).nonce();
  }

  /** Whether {@code nonce} is this period's, the previous one's, or neither. */
  Check check(String nonce, long now) {
    long period = Math.floorDiv(now, rotationMillis);
    if (same(nonce, issued(period).nonce())) {
      return Check.CURRENT;
    }
    if (same(nonce, issued(period - 1).nonce())) {
      return Check.PREVIOUS;
    }
    return Check.INVALID;
  }

  private Issued issued(long period) {
    Issued c = current;
    if (c.period() == period) {
      return c;
    }
    Issued p = previous;
    if (p.period() == period) {
      return p;
    }
    Issued made = new Issued(period, mac(period));
    if (period > c.period()) {
      previous = c;
      current = made;
    }
    return made;
  }

  private String mac(long period) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      return Base64URL.encode(mac.doFinal(("zt-dpop-nonce:" + period).getBytes(StandardCharsets.US_ASCII)))
          .toString();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }

  private static boolean same(String a, String b) {
    return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
  }
}
