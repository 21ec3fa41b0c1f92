package dev.zt.spring.boot;

import dev.zt.redis.RedisHealth;
import dev.zt.redis.RedisState;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The Redis state's health ({@link RedisState#health()}): in step is {@code UP}, degraded is {@code DEGRADED} — a
 * degraded instance still enforces what it knows (docs/redis.md), so it must not be pulled from service for it. The
 * reason is one of zt-redis's fixed texts (never the Redis URI).
 */
final class RedisHealthPart implements HealthPart {

  private final Supplier<RedisHealth> health;

  RedisHealthPart(Supplier<RedisHealth> health) {
    this.health = health;
  }

  @Override
  public String name() {
    return "redis";
  }

  @Override
  public Check check() {
    RedisHealth h = health.get();
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("status", h.degraded() ? "degraded" : "in step");
    d.put("since", h.since().toString());
    h.reason().ifPresent(r -> d.put("reason", r));
    d.put("changesWaiting", h.changesWaiting());
    return new Check(h.degraded() ? Level.DEGRADED : Level.UP, d);
  }
}
