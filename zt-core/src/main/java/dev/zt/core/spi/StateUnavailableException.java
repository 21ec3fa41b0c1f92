package dev.zt.core.spi;

/**
 * Thrown by a store that cannot do what it was asked (its backing store is down, a deadline passed). The enforcer
 * fails closed on it: a check that throws is answered as {@link Presence#UNAVAILABLE} (a deny), a rate bucket that
 * throws denies the request, and a write that throws is logged and never turns into an allow. Stores may throw any
 * {@link RuntimeException}; this one says that the cause is the store's availability, not a bug.
 *
 * @since 0.1
 */
public final class StateUnavailableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public StateUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }

  public StateUnavailableException(String message) {
    super(message);
  }
}
