package dev.zt.core.credential;

import dev.zt.core.DenyReason;
import dev.zt.core.internal.Encodings;
import java.util.Base64;
import java.util.Map;

/**
 * What a token's {@code cnf} claim (RFC 7800) binds it to, read once when the token is verified and kept on the
 * {@link VerifiedJwt}: the SHA-256 thumbprint of a client certificate ({@code x5t#S256}, RFC 8705 §3.1) and/or of a
 * DPoP key ({@code jkt}, RFC 9449 §6.1). A bound token is honoured only when the request proves every binding it
 * carries (the credential gate checks this on every request, cached or not), so it is never accepted as a plain bearer
 * token.
 *
 * <p>Strict: a {@code cnf} that names a confirmation method zt does not check ({@code jwk}, {@code jwe}, {@code jku},
 * {@code kid}, {@code x5t}) or none that it does is refused ({@link DenyReason#TOKEN_BINDING_UNVERIFIED}): a binding
 * zt cannot verify is not honoured, and the token is not downgraded to bearer either. Other members are extensions
 * and are ignored (Keycloak adds {@code kc-jkt-type}).
 */
final class SenderBinding {

  static final String X5T_S256 = "x5t#S256";
  static final String JKT = "jkt";
  /** Confirmation methods (RFC 7800 §3, and the SHA-1 certificate thumbprint) that zt does not check. */
  private static final String[] UNCHECKED_METHODS = {"jwk", "jwe", "jku", "kid", "x5t"};

  /** An unbound token. */
  static final SenderBinding NONE = new SenderBinding(null, null);

  private final byte[] certificateThumbprint; // 32 bytes, or null
  private final String keyThumbprint; // canonical base64url SHA-256 (43 characters), or null

  private SenderBinding(byte[] certificateThumbprint, String keyThumbprint) {
    this.certificateThumbprint = certificateThumbprint;
    this.keyThumbprint = keyThumbprint;
  }

  /** A binding to a certificate thumbprint only (zt's tests and the x5t#S256 path). */
  static SenderBinding certificate(byte[] thumbprint) {
    return thumbprint == null ? NONE : new SenderBinding(thumbprint, null);
  }

  /** The outcome of reading {@code cnf}: a binding, or why the token is refused. */
  sealed interface Read permits Bound, Refused {}

  record Bound(SenderBinding binding) implements Read {}

  record Refused(DenyReason reason, String detail) implements Read {}

  /** Reads the {@code cnf} claim's value ({@code null} when the token has none). */
  static Read of(Object cnf, boolean present) {
    if (!present) {
      return new Bound(NONE);
    }
    if (!(cnf instanceof Map<?, ?> confirmation) || confirmation.isEmpty()) {
      return new Refused(DenyReason.TOKEN_CLAIM_INVALID, "cnf is not a non-empty object");
    }
    for (String unchecked : UNCHECKED_METHODS) {
      if (confirmation.containsKey(unchecked)) {
        return new Refused(DenyReason.TOKEN_BINDING_UNVERIFIED, "cnf." + unchecked
            + ": a binding zt does not verify (x5t#S256, RFC 8705, and jkt, RFC 9449, only)");
      }
    }
    byte[] certificate = null;
    if (confirmation.containsKey(X5T_S256)) {
      certificate = sha256(confirmation.get(X5T_S256));
      if (certificate == null) {
        return new Refused(DenyReason.TOKEN_CLAIM_INVALID, "cnf.x5t#S256 is not a base64url SHA-256 digest");
      }
    }
    String key = null;
    if (confirmation.containsKey(JKT)) {
      if (sha256(confirmation.get(JKT)) == null) {
        return new Refused(DenyReason.TOKEN_CLAIM_INVALID, "cnf.jkt is not a base64url SHA-256 digest");
      }
      key = (String) confirmation.get(JKT);
    }
    if (certificate == null && key == null) {
      return new Refused(DenyReason.TOKEN_BINDING_UNVERIFIED, "cnf names no confirmation method zt verifies");
    }
    return new Bound(new SenderBinding(certificate, key));
  }

  /** The 32 bytes a canonical base64url SHA-256 digest names, or {@code null}. */
  private static byte[] sha256(Object value) {
    if (!(value instanceof String s) || s.length() != 43 || !Encodings.canonicalBase64Url(s, 0, s.length())) {
      return null;
    }
    return Base64.getUrlDecoder().decode(s);
  }

  boolean isBound() {
    return certificateThumbprint != null || keyThumbprint != null;
  }

  /** The bound certificate's SHA-256 thumbprint (not a copy: zt's own code only), or {@code null}. */
  byte[] certificateThumbprintOrNull() {
    return certificateThumbprint;
  }

  /** The bound DPoP key's RFC 7638 SHA-256 thumbprint, base64url, or {@code null}. */
  String keyThumbprintOrNull() {
    return keyThumbprint;
  }

  @Override
  public String toString() {
    return "SenderBinding[" + (certificateThumbprint != null ? "x5t#S256" : "") + (keyThumbprint != null ? " jkt" : "")
        + "]";
  }
}
