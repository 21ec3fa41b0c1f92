package dev.zt.core.spi;

import dev.zt.core.internal.Expiring;
import dev.zt.core.trust.TrustLevel;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** Identity flags and trust caps in bounded maps whose entries end on the enforcer's clock. */
final class InMemoryIdentityFlags implements IdentityFlags {

  private final Clock clock;
  private final Map<Flag, Expiring<String, String>> flags = new EnumMap<>(Flag.class);
  private final Expiring<String, TrustLevel> caps;

  InMemoryIdentityFlags(StoreSettings settings) {
    this.clock = settings.clock();
    for (Flag f : Flag.values()) {
      flags.put(f, new Expiring<>(clock, settings.maxEntries()));
    }
    this.caps = new Expiring<>(clock, settings.maxEntries());
  }

  @Override
  public boolean isEmpty(Flag flag) {
    return flags.get(flag).isEmpty();
  }

  @Override
  public Presence check(Flag flag, String key) {
    return flags.get(flag).contains(key) ? Presence.PRESENT : Presence.ABSENT;
  }

  @Override
  public void set(Flag flag, String key, String rule, Duration ttl) {
    flags.get(flag).put(key, rule, Timed.until(clock, ttl));
  }

  @Override
  public boolean clear(Flag flag, String key) {
    return flags.get(flag).remove(key);
  }

  @Override
  public List<Entry> flagged(Flag flag) {
    return Timed.entries(flags.get(flag), r -> r);
  }

  @Override
  public TrustLevel levelCap(String subject) {
    if (caps.isEmpty()) {
      return TrustLevel.HIGH;
    }
    return caps.get(subject).map(Expiring.Timed::value).orElse(TrustLevel.HIGH);
  }

  @Override
  public void capLevel(String subject, TrustLevel level, Duration ttl) {
    caps.put(subject, java.util.Objects.requireNonNull(level, "level"), Timed.until(clock, ttl));
  }
}
