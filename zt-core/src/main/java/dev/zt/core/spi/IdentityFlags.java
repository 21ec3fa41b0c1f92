package dev.zt.core.spi;

import dev.zt.core.trust.TrustLevel;
import java.time.Duration;
import java.util.List;

/**
 * What the countermeasures keep per identity or subject besides suspensions: throttled identities, identities under
 * enhanced monitoring, subjects pinned at {@link TrustLevel#CRITICAL}, and subjects whose trust level is capped. Asked
 * on every request, so reads must answer from memory (a shared store keeps a local mirror).
 *
 * <p>Each method is atomic on its own. A read that cannot answer returns {@link Presence#UNAVAILABLE} (or, for
 * {@link #levelCap}, {@link TrustLevel#CRITICAL}; or throws), and the enforcer takes the stricter reading: a throttled,
 * monitored, CRITICAL identity. Writes that cannot reach the backing store throw.
 *
 * @since 0.1
 */
public interface IdentityFlags {

  /** A flag on an identity ({@code sub:…}, {@code client:…}, {@code ip:…}, {@code workload:…}) or a subject. */
  enum Flag {
    /** Rate limits tightened. Keyed by identity. */
    THROTTLED,
    /** Every request audited in full. Keyed by identity. */
    MONITORED,
    /** Trust pinned at CRITICAL. Keyed by subject. */
    CRITICAL
  }

  /** Whether the store surely holds no {@code flag} (a fast path); {@code false} when it may or cannot tell. */
  boolean isEmpty(Flag flag);

  Presence check(Flag flag, String key);

  /** Sets {@code flag} on {@code key} for {@code ttl} (replacing an earlier one). */
  void set(Flag flag, String key, String rule, Duration ttl);

  /** Clears {@code flag} on {@code key}; returns whether it was set. */
  boolean clear(Flag flag, String key);

  /** The keys with {@code flag} set now. */
  List<Entry> flagged(Flag flag);

  /**
   * The cap on {@code subject}'s trust level: {@link TrustLevel#HIGH} when there is none (HIGH caps nothing), and
   * {@link TrustLevel#CRITICAL} when the store cannot answer.
   */
  TrustLevel levelCap(String subject);

  /** Caps {@code subject}'s trust level at {@code level} for {@code ttl}. */
  void capLevel(String subject, TrustLevel level, Duration ttl);
}
