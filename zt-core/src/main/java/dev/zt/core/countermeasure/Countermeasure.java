package dev.zt.core.countermeasure;


import java.time.Duration;
import java.util.Objects;

/**
 * An automated response to a detector's verdict, with how long it lasts and, optionally, how many verdicts of the
 * rule (per identity, within a window) it takes to fire.
 *
 * @param kind what happens
 * @param ttl how long it lasts (reversible earlier through {@link Countermeasures})
 * @param afterAttempts how many verdicts it takes (1 = the first)
 * @param window the window those verdicts are counted in
 * @since 0.1
 */
public record Countermeasure(Kind kind, Duration ttl, int afterAttempts, Duration window) {

  /** The kinds of response. */
  public enum Kind {
    /**
     * Refuse the one credential the verdict was about (its {@code jti}; a token without one by its subject, issue
     * and expiry times): later requests with it get 401 {@code invalid_token}. Never the subject's other tokens:
     * subject-wide suspension is for identity-based evidence ({@link Countermeasures#suspendSubject},
     * {@link Countermeasures#accept}).
     */
    SUSPEND_CREDENTIAL,
    /** Tighten the identity's rate limits (and answer {@code abnormal-usage-detected} when they bite). */
    THROTTLE,
    /** Audit the identity's every request in full (route, allow-listed headers, decisions at INFO). */
    ENHANCED_MONITORING,
    /**
     * Refuse every request from the client's address (or its /24 · /64 network, for a network-wide verdict). Exempt
     * addresses, trusted proxies, peers that forward for others without being trusted, and unknown clients are
     * never blocked.
     */
    BLOCK_SOURCE,
    /**
     * Refuse requests without a bearer credential from the client's address (or network); requests with
     * a credential go on to be verified as usual. For evidence gathered from anonymous requests, which any web page
     * can make a visitor's browser send: the visitor's authenticated use is never cut off by it.
     *
     * @since 0.1
     */
    BLOCK_ANONYMOUS
  }

  public Countermeasure {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(ttl, "ttl");
    Objects.requireNonNull(window, "window");
    if (ttl.isNegative() || ttl.isZero() || ttl.compareTo(Duration.ofDays(7)) > 0) {
      throw new IllegalArgumentException("a response lasts within (0, 7 days]: " + ttl);
    }
    if (afterAttempts < 1) {
      throw new IllegalArgumentException("afterAttempts must be at least 1");
    }
  }

  public static Countermeasure suspendCredential(Duration ttl) {
    return new Countermeasure(Kind.SUSPEND_CREDENTIAL, ttl, 1, ttl);
  }

  public static Countermeasure throttle(Duration ttl) {
    return new Countermeasure(Kind.THROTTLE, ttl, 1, ttl);
  }

  public static Countermeasure monitor(Duration ttl) {
    return new Countermeasure(Kind.ENHANCED_MONITORING, ttl, 1, ttl);
  }

  public static Countermeasure blockSource(Duration ttl) {
    return new Countermeasure(Kind.BLOCK_SOURCE, ttl, 1, ttl);
  }

  /**
   * Refuse requests without a credential from the source for {@code ttl}.
   *
   * @since 0.1
   */
  public static Countermeasure blockAnonymous(Duration ttl) {
    return new Countermeasure(Kind.BLOCK_ANONYMOUS, ttl, 1, ttl);
  }

  /** The same action, fired only at the {@code n}-th verdict of its rule for one identity within {@code window}. */
  public Countermeasure afterAttempts(int n, Duration window) {
    return new Countermeasure(kind, ttl, n, window);
  }
}
