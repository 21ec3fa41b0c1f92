package dev.zt.core.spi;

/**
 * A store's answer to "is this in force?": {@link #ABSENT}, {@link #PRESENT}, or {@link #UNAVAILABLE} when the store
 * cannot tell (its backing store is down, a deadline passed). A caller that must fail closed treats
 * {@code UNAVAILABLE} as {@code PRESENT}: a suspension check that cannot answer denies, it never allows.
 *
 * @since 0.1
 */
public enum Presence {
  /** Not in force. */
  ABSENT,
  /** In force. */
  PRESENT,
  /** Unknown: the store could not answer. */
  UNAVAILABLE;

  /** Whether a caller that fails closed must act as if it were in force: {@link #PRESENT} or {@link #UNAVAILABLE}. */
  public boolean presentOrUnknown() {
    return this != ABSENT;
  }
}
