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

  /**
   * The hash every such key of {@code value} has: over its length and its last 32 characters, read in four interleaved
   * lanes so the multiplications do not wait on each other (one chain of 32 was a tenth of a cached request's time).
   */
  static int hashOf(String value) {
    int n = value.length();
    int i = Math.max(0, n - 32);
    int a = n;
    int b = 0;
    int c = 0;
    int d = 0;
    for (; i + 4 <= n; i += 4) {
      a = 31 * a + value.charAt(i);
      b = 31 * b + value.charAt(i + 1);
      c = 31 * c + value.charAt(i + 2);
      d = 31 * d + value.charAt(i + 3);
    }
    for (; i < n; i++) {
      a = 31 * a + value.charAt(i);
    }
    int h = ((a * 31 + b) * 31 + c) * 31 + d;
    return h ^ (h >>> 16);
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
