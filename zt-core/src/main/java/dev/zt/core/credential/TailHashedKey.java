package dev.zt.core.credential;

/**
 * A memo key for a long credential string (a token, a {@code Client-Cert} value) whose hash covers only its length and
 * its last 32 characters — the signature, unique per valid credential — so the hot path does not hash a kilobyte;
 * equality still compares every character ({@link String#equals}, an intrinsic), so a hash collision costs a
 * comparison, never a wrong hit. Subclasses of different kinds are never equal to each other.
 */
abstract class TailHashedKey {

  final String value;
  private final int hash;

  TailHashedKey(String value) {
    this.value = value;
    this.hash = hashOf(value);
  }

  /** The hash every such key of {@code value} has: over its length and its last 32 characters. */
  static int hashOf(String value) {
    int h = value.length();
    for (int i = Math.max(0, value.length() - 32); i < value.length(); i++) {
      h = 31 * h + value.charAt(i);
    }
    return h;
  }

  /** This key's hash ({@link #hashOf} of its value). */
  final int hash() {
    return hash;
  }

  @Override
  public final boolean equals(Object o) {
    return o != null && o.getClass() == getClass() && ((TailHashedKey) o).hash == hash
        && ((TailHashedKey) o).value.equals(value);
  }

  @Override
  public final int hashCode() {
    return hash;
  }
}
