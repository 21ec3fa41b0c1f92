package dev.zt.core.spi;

import dev.zt.core.internal.Expiring;
import dev.zt.core.trust.TrustLevel;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/** Identity flags and trust caps in bounded maps whose entries end on the enforcer's clock. */
final class InMemoryIdentityFlags implements IdentityFlags {

  private final Clock clock;
  /** By {@link Flag#ordinal()}: asked on every request, so an array rather than an EnumMap. */
  private final Expiring<String, String>[] flags;
  private final Expiring<String, TrustLevel> caps;

  InMemoryIdentityFlags(StoreSettings settings) {
    this.clock = settings.clock();
    @SuppressWarnings("unchecked")
    Expiring<String, String>[] byFlag = new Expiring[Flag.values().length];
    for (Flag f : Flag.values()) {
      byFlag[f.ordinal()] = new Expiring<>(clock, settings.maxEntries());
    }
    this.flags = byFlag;
    this.caps = new Expiring<>(clock, settings.maxEntries());
  }

  @Override
  public boolean isEmpty(Flag flag) {
    return flags[flag.ordinal()].isEmpty();
  }

  @Override
  public Presence check(Flag flag, String key) {
    return flags[flag.ordinal()].contains(key) ? Presence.PRESENT : Presence.ABSENT;
  }

  @Override
  public void set(Flag flag, String key, String rule, Duration ttl) {
    flags[flag.ordinal()].put(key, rule, Timed.until(clock, ttl));
  }

  @Override
  public boolean clear(Flag flag, String key) {
    return flags[flag.ordinal()].remove(key);
  }

  @Override
  public List<Entry> flagged(Flag flag) {
    return Timed.entries(flags[flag.ordinal()], r -> r);
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
