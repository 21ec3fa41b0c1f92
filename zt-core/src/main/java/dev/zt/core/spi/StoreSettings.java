package dev.zt.core.spi;

import java.time.Clock;
import java.util.Objects;

/**
 * What the enforcer tells a store when it opens it: its clock (every TTL and window is measured on it) and how many
 * entries the store may hold at once (an in-memory store's bound; a shared store may ignore it).
 *
 * @param clock the enforcer's clock
 * @param maxEntries the most entries held at once, at least 1
 * @since 0.1
 */
public record StoreSettings(Clock clock, long maxEntries) {
  public StoreSettings {
    Objects.requireNonNull(clock, "clock");
    if (maxEntries < 1) {
      throw new IllegalArgumentException("maxEntries must be at least 1");
    }
  }
}
