package dev.zt.core.spi;

import java.time.Duration;

/**
 * Keys that may be used once within their lifetime: a DPoP proof's {@code jti} (RFC 9449 §11.1), a one-time code.
 * {@link #putIfAbsent} is atomic: of concurrent calls with one key, exactly one gets {@link Use#FIRST}.
 *
 * <p>Fails closed: a store that cannot vouch for a key's first use — its backing store is down, or it is full of
 * keys that have not ended yet (a bounded store never evicts a live key, since forgetting one would let it be
 * replayed) — answers {@link Use#UNAVAILABLE} (or throws), and the caller refuses the request.
 *
 * @since 0.1
 */
public interface SingleUse {

  /** What a use was. */
  enum Use {
    /** The first use within the key's lifetime: go on. */
    FIRST,
    /** The key was used before and has not ended: a replay. */
    REPLAY,
    /** The store cannot tell (down, or full): refuse. */
    UNAVAILABLE
  }

  /** Records {@code key} for {@code ttl} unless it is already recorded, and says which. */
  Use putIfAbsent(String key, Duration ttl);
}
