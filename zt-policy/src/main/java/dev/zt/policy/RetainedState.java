package dev.zt.policy;

import dev.zt.core.spi.IdentityFlags;
import dev.zt.core.spi.RateBuckets;
import dev.zt.core.spi.SecurityState;
import dev.zt.core.spi.SingleUse;
import dev.zt.core.spi.SlidingCounters;
import dev.zt.core.spi.SourceBlocks;
import dev.zt.core.spi.StoreSettings;
import dev.zt.core.spi.Suspensions;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The in-memory state of a {@link LivePolicy}: {@link SecurityState#inMemory()} hands every enforcer new, empty
 * stores, so each store is made once, on the first enforcer's request, and handed again to every enforcer built
 * after a reload. Suspensions, blocked sources, flags, detector counters, rate buckets and single-use keys therefore
 * survive a reload. The first request's settings (clock, bound) stay with the store.
 */
final class RetainedState implements SecurityState {

  private final SecurityState made = SecurityState.inMemory();
  private final Map<String, Object> stores = new ConcurrentHashMap<>();

  @SuppressWarnings("unchecked")
  private <T> T once(String key, Supplier<T> make) {
    return (T) stores.computeIfAbsent(key, k -> make.get());
  }

  @Override
  public Suspensions suspensions(StoreSettings settings) {
    return once("suspensions", () -> made.suspensions(settings));
  }

  @Override
  public SourceBlocks sourceBlocks(StoreSettings settings) {
    return once("sourceBlocks", () -> made.sourceBlocks(settings));
  }

  @Override
  public IdentityFlags identityFlags(StoreSettings settings) {
    return once("identityFlags", () -> made.identityFlags(settings));
  }

  @Override
  public SlidingCounters slidingCounters(String name, StoreSettings settings) {
    return once("counters\u0000" + name, () -> made.slidingCounters(name, settings));
  }

  @Override
  public RateBuckets rateBuckets(String name, StoreSettings settings) {
    return once("buckets\u0000" + name, () -> made.rateBuckets(name, settings));
  }

  @Override
  public SingleUse singleUse(String name, StoreSettings settings) {
    return once("singleUse\u0000" + name, () -> made.singleUse(name, settings));
  }

  @Override
  public String toString() {
    return "LivePolicy's in-memory state (kept across reloads)";
  }
}
