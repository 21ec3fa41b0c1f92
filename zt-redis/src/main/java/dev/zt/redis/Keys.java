package dev.zt.redis;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * The names of zt's keys in Redis: {@code <namespace>:<use>:…:<hash>}. A key never holds a raw token, {@code jti} or
 * subject: only SHA-256 over the namespace, the use and the value (base64url), so two deployments sharing a Redis
 * neither collide nor read each other's entries.
 */
final class Keys {

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

  private final String namespace;

  Keys(String namespace) {
    this.namespace = requireName("namespace", namespace);
  }

  static String requireName(String what, String name) {
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(what + " must be 1 to 64 of [A-Za-z0-9._-]: " + name);
    }
    return name;
  }

  String namespace() {
    return namespace;
  }

  /** {@code <namespace>:<parts…>}. */
  String key(String... parts) {
    return namespace + ':' + String.join(":", parts);
  }

  /** The hash that stands for {@code value} in the keys and messages of {@code use}. */
  String hash(String use, String value) {
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JDK", e);
    }
    sha.update(namespace.getBytes(StandardCharsets.UTF_8));
    sha.update((byte) 0);
    sha.update(use.getBytes(StandardCharsets.UTF_8));
    sha.update((byte) 0);
    return B64.encodeToString(sha.digest(value.getBytes(StandardCharsets.UTF_8)));
  }
}
