package dev.zt.redis;

import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;

/**
 * A store checked from a local mirror of Redis ({@link RedisSuspensions}, {@link MirroredEntries}): kept current by
 * its change channel, healed by a reconciliation scan. {@link RedisState} opens every such store the same way.
 */
interface MirroredStore {

  /** Listens to the store's change channel on {@code sub}; throws {@link StateUnavailableException} when refused. */
  void subscribe(StatefulRedisPubSubConnection<String, String> sub);

  /** Writes back the buffered changes and rebuilds the mirror from Redis; returns whether it completed. */
  boolean reconcile();
}
