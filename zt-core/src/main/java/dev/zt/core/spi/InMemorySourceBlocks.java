package dev.zt.core.spi;

import dev.zt.core.internal.Expiring;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Source blocks in two bounded maps (full and anonymous-only) whose entries end on the enforcer's clock. */
final class InMemorySourceBlocks implements SourceBlocks {

  private final Clock clock;
  private final Expiring<String, String> all;
  private final Expiring<String, String> anonymous;

  InMemorySourceBlocks(StoreSettings settings) {
    this.clock = settings.clock();
    this.all = new Expiring<>(clock, settings.maxEntries());
    this.anonymous = new Expiring<>(clock, settings.maxEntries());
  }

  @Override
  public boolean isEmpty() {
    return all.isEmpty() && anonymous.isEmpty();
  }

  @Override
  public Presence check(String address, Optional<String> network, boolean anonymousRequest) {
    if (all.contains(address)) {
      return Presence.PRESENT;
    }
    if (network.isEmpty()) {
      return Presence.ABSENT;
    }
    if (all.contains(network.get())) {
      return Presence.PRESENT;
    }
    return anonymousRequest && !anonymous.isEmpty()
        && (anonymous.contains(address) || anonymous.contains(network.get())) ? Presence.PRESENT : Presence.ABSENT;
  }

  @Override
  public void block(String key, Scope scope, String rule, Duration ttl) {
    (scope == Scope.ALL ? all : anonymous).put(key, rule, Timed.until(clock, ttl));
  }

  @Override
  public boolean unblock(String key) {
    return all.remove(key) | anonymous.remove(key);
  }

  @Override
  public List<Entry> blocks(Scope scope) {
    return Timed.entries(scope == Scope.ALL ? all : anonymous, r -> r);
  }
}
