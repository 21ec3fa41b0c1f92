package dev.zt.core.spi;

/**
 * Where an enforcer keeps the security state that outlives a request: suspensions, source blocks, identity flags
 * (throttled, monitored, CRITICAL, trust caps), sliding counters, rate buckets and single-use keys. The enforcer opens
 * each store once, when it is built, with {@link StoreSettings} (its clock and the store's bound); {@code name} says
 * which use a store serves ({@code detect.stuffing.source}, {@code rate}, …) so a shared store can keep uses apart.
 *
 * <p>The default, {@link #inMemory()}, keeps everything in this process, bounded (Caffeine) and on the enforcer's
 * clock. A fleet of instances shares state through another implementation (a Redis module): set it with
 * {@code Enforcer.Builder.state(SecurityState)}. Every store's methods document their atomicity and what happens when
 * the backing store is down; the enforcer fails closed on every answer that says it does not know.
 *
 * @since 0.1
 */
public interface SecurityState {

  /** The in-memory state: every store bounded, on the enforcer's clock, nothing shared between enforcers. */
  static SecurityState inMemory() {
    return InMemoryState.INSTANCE;
  }

  Suspensions suspensions(StoreSettings settings);

  SourceBlocks sourceBlocks(StoreSettings settings);

  IdentityFlags identityFlags(StoreSettings settings);

  SlidingCounters slidingCounters(String name, StoreSettings settings);

  RateBuckets rateBuckets(String name, StoreSettings settings);

  SingleUse singleUse(String name, StoreSettings settings);
}
