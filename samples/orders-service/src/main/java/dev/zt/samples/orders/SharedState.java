package dev.zt.samples.orders;

import dev.zt.core.spi.IdentityFlags;
import dev.zt.core.spi.RateBuckets;
import dev.zt.core.spi.SecurityState;
import dev.zt.core.spi.SingleUse;
import dev.zt.core.spi.SlidingCounters;
import dev.zt.core.spi.SourceBlocks;
import dev.zt.core.spi.StoreSettings;
import dev.zt.core.spi.Suspensions;
import dev.zt.redis.RedisState;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The sample's {@link RedisState} as every enforcer of a {@code LivePolicy} sees it: each store is opened once, by the
 * first enforcer, and handed again to every enforcer a reload builds. A reload therefore opens no new subscription,
 * mirror or reconciliation task (each would stay open until the service stops), and the stores' local parts (a
 * suspension mirror, rate leases) carry over. The first enforcer's settings (clock, bound) stay with each store.
 */
final class SharedState implements SecurityState {

  private final RedisState redis;
  private final Map<String, Object> stores = new ConcurrentHashMap<>();

  SharedState(RedisState redis) {
    this.redis = redis;
  }

  /** The Redis state behind it (health, closing). */
  RedisState redis() {
    return redis;
  }

  @SuppressWarnings("unchecked")
  private <T> T once(String key, Supplier<T> open) {
    return (T) stores.computeIfAbsent(key, k -> open.get());
  }

  @Override
  public Suspensions suspensions(StoreSettings settings) {
    return once("suspensions", () -> redis.suspensions(settings));
  }

  @Override
  public SourceBlocks sourceBlocks(StoreSettings settings) {
    return once("sourceBlocks", () -> redis.sourceBlocks(settings));
  }

  @Override
  public IdentityFlags identityFlags(StoreSettings settings) {
    return once("identityFlags", () -> redis.identityFlags(settings));
  }

  @Override
  public SlidingCounters slidingCounters(String name, StoreSettings settings) {
    return once("counters\u0000" + name, () -> redis.slidingCounters(name, settings));
  }

  @Override
  public RateBuckets rateBuckets(String name, StoreSettings settings) {
    return once("buckets\u0000" + name, () -> redis.rateBuckets(name, settings));
  }

  @Override
  public SingleUse singleUse(String name, StoreSettings settings) {
    return once("singleUse\u0000" + name, () -> redis.singleUse(name, settings));
  }

  @Override
  public String toString() {
    return "the sample's Redis state (stores kept across reloads)";
  }
}
