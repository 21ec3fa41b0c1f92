package dev.zt.core.spi;

import java.util.List;

/**
 * A handle to one token bucket of a {@link RateBuckets} store (Bucket4j's {@code BucketProxy} model): cheap to hold,
 * found once per identity and route and then kept by the rate gate, so a request costs a {@link #tryConsume()} on the
 * held handle and no lookup. The in-memory store's handle is the bucket itself (a lock-free Bucket4j bucket); a
 * shared store's handle talks to the backing store, or draws on a local lease of the shared budget.
 *
 * <p>Each method is atomic. A handle that cannot reach its backing store may answer from a local share of the limit,
 * or throw ({@link StateUnavailableException}): the rate gate then refuses the request (503), never allows it
 * unlimited.
 *
 * @since 0.1
 */
public interface RateBucket {

  /** {@link #tryConsumeLocally()}'s answer when only the backing store can tell. */
  int ASK_STORE = -1;

  /** Takes one token if there is one. The steady path: must not allocate. */
  boolean tryConsume();

  /**
   * Takes one token if this handle can tell without waiting on a backing store: 1 when taken, 0 when there is none
   * ({@link #tryConsumeAndReport()} then says how long to wait), {@link #ASK_STORE} when only the backing store can
   * answer (a shared store's handle that holds no lease). The rate gate calls it on threads that must never block
   * (Netty's event loop) and moves the request to its blocking executor on {@code ASK_STORE}. Must not allocate. A
   * local bucket always answers: the default takes a token by {@link #tryConsume()}.
   */
  default int tryConsumeLocally() {
    return tryConsume() ? 1 : 0;
  }

  /** Takes one token if there is one, else says how long until there is. */
  RateBuckets.Consumption tryConsumeAndReport();

  /**
   * {@link #tryConsume()} at {@code nowMillis}, the request's time on the enforcer's clock (read once per request, so
   * the bucket does not read the clock again). A store that keeps time on the enforcer's clock refills up to that
   * time; one that keeps its own (a shared store's server) ignores it: the default. Must not allocate.
   *
   * @since 0.5
   */
  default boolean tryConsume(long nowMillis) {
    return tryConsume();
  }

  /** {@link #tryConsumeLocally()} at {@code nowMillis}, as {@link #tryConsume(long)}. Must not allocate. */
  default int tryConsumeLocally(long nowMillis) {
    return tryConsumeLocally();
  }

  /** {@link #tryConsumeAndReport()} at {@code nowMillis}, as {@link #tryConsume(long)}. */
  default RateBuckets.Consumption tryConsumeAndReport(long nowMillis) {
    return tryConsumeAndReport();
  }

  /**
   * Gives the bucket new bands (the same names, other capacities: a trust level or a throttle scales them); what was
   * consumed carries over in proportion, the bucket is never refilled by it.
   */
  void reshape(List<RateBuckets.Band> bands);

  /** {@link #reshape(List)} at {@code nowMillis}, as {@link #tryConsume(long)}. */
  default void reshape(List<RateBuckets.Band> bands, long nowMillis) {
    reshape(bands);
  }
}
