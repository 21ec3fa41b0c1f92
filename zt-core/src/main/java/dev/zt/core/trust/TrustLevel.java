package dev.zt.core.trust;

/**
 * A coarse reading of the trust score, with cut points set in {@link TrustPolicy}. Routes declare the least level
 * they accept; rate limits scale by level.
 *
 * @since 0.1
 */
public enum TrustLevel {
  CRITICAL,
  LOW,
  MEDIUM,
  HIGH;

  /** Whether this level is {@code other} or better. */
  public boolean atLeast(TrustLevel other) {
    return ordinal() >= other.ordinal();
  }
}
