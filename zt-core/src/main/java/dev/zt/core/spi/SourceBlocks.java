package dev.zt.core.spi;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Blocked sources: a client address ({@code 198.51.100.7}) or a network ({@code net:198.51.100.0/24},
 * {@code net:2001:db8:1:2::/64}) mapped to the rule that blocked it, with a TTL; a block is either for every request
 * ({@link Scope#ALL}) or only for requests without a bearer credential ({@link Scope#ANONYMOUS}). Asked on every
 * request, so {@link #check} must answer from memory (a shared store keeps a local mirror).
 *
 * <p>Each method is atomic on its own. A check that cannot answer returns {@link Presence#UNAVAILABLE} (or throws),
 * and the enforcer refuses the request (503); writes that cannot reach the backing store throw.
 *
 * @since 0.1
 */
public interface SourceBlocks {

  /** What a block refuses. */
  enum Scope {
    /** Every request from the source. */
    ALL,
    /** Requests without a bearer credential from the source. */
    ANONYMOUS
  }

  /** Whether the store surely holds no block (a fast path); {@code false} when it may hold one or cannot tell. */
  boolean isEmpty();

  /**
   * Whether a request is blocked: {@code address} by an {@link Scope#ALL} block; {@code network} (present only when
   * the client may be blocked by its network) by an {@code ALL} block; and, for an {@code anonymous} request, either
   * by an {@link Scope#ANONYMOUS} block. The address's {@code ALL} block is consulted even without a network.
   */
  Presence check(String address, Optional<String> network, boolean anonymous);

  /** Blocks {@code key} (an address or a {@code net:} key) for {@code ttl}, replacing a block of the same scope. */
  void block(String key, Scope scope, String rule, Duration ttl);

  /** Lifts both scopes' blocks of {@code key}; returns whether one was in force. */
  boolean unblock(String key);

  /** The blocks of {@code scope} in force now. */
  List<Entry> blocks(Scope scope);
}
