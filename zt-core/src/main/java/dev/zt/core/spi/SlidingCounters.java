package dev.zt.core.spi;

import java.time.Duration;

/**
 * Windowed counts by key, for the detectors and the countermeasures' attempt thresholds: how many events a key had
 * within the last window (failed authentications per address, attack verdicts per network, verdicts per rule and
 * identity), and how many distinct members it had (identifiers that failed from one address). Counts may be
 * approximate as a sliding window over two fixed ones is (the in-memory store weights the previous window by its
 * overlap), but never lower than the events of the current fixed window.
 *
 * <p>Each method is atomic for its key: {@link #add} counts its event and returns a total that includes it and every
 * add that completed before it. A key idle for twice its window may be forgotten, and the store is bounded (the
 * least recently used keys go first), which only ever lowers a count. A store that cannot reach its backing store
 * counts locally or throws ({@link StateUnavailableException}); the detectors then miss that event (a detector never
 * changes an answer already given).
 *
 * @since 0.1
 */
public interface SlidingCounters {

  /** Counts one event under {@code key} now and returns the count within the sliding {@code window},
      this one included. */
  long add(String key, Duration window);

  /**
   * Counts one event under {@code key} only if the key is being counted (an event was added within its window and it
   * was not forgotten), and returns the count; 0, counting nothing, otherwise. For events that matter only beside
   * others (an identity's successes, once it has started missing), so the common case keeps nothing.
   */
  long addIfCounted(String key, Duration window);

  /** Starts {@code key}'s count over (after a verdict acted on it). */
  void reset(String key);

  /**
   * Adds {@code member} to {@code key}'s distinct set and returns how many distinct members were seen within the
   * sliding {@code window}; at most {@code capacity} are kept (the oldest dropped first), so the answer is at most
   * {@code capacity}.
   */
  int addDistinct(String key, long member, Duration window, int capacity);

  /** Empties {@code key}'s distinct set. */
  void clearDistinct(String key);
}
