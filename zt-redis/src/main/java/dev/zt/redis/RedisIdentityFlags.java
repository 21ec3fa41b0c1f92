package dev.zt.redis;

import dev.zt.core.spi.Entry;
import dev.zt.core.spi.IdentityFlags;
import dev.zt.core.spi.Presence;
import dev.zt.core.trust.TrustLevel;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Identity flags and trust caps shared through Redis ({@link MirroredEntries}): {@code <ns>:flg:t|m|c:<hash>} for
 * THROTTLED, MONITORED and CRITICAL, {@code <ns>:flg:p:<hash>} for a subject's cap (its level). Keys and messages
 * hold the identity's or subject's hash. Reads answer from the local mirror and never wait on Redis; a cap that
 * cannot be read (a malformed value) is {@link TrustLevel#CRITICAL}. {@link #flagged} lists an entry made on this
 * instance by its key, one learned from another instance by its hash.
 */
final class RedisIdentityFlags implements IdentityFlags {

  private static final char CAP = 'p';

  private final MirroredEntries entries;

  RedisIdentityFlags(MirroredEntries entries) {
    this.entries = entries;
  }

  /** The engine, for tests. */
  MirroredEntries engine() {
    return entries;
  }

  @Override
  public boolean isEmpty(Flag flag) {
    return entries.isEmpty(slot(flag));
  }

  @Override
  public Presence check(Flag flag, String key) {
    char slot = slot(flag);
    if (entries.isEmpty(slot)) {
      return Presence.ABSENT;
    }
    return entries.get(slot, entries.hash(key)).isPresent() ? Presence.PRESENT : Presence.ABSENT;
  }

  @Override
  public void set(Flag flag, String key, String rule, Duration ttl) {
    entries.set(slot(flag), key, rule, ttl);
  }

  @Override
  public boolean clear(Flag flag, String key) {
    return entries.remove(String.valueOf(slot(flag)), key);
  }

  @Override
  public List<Entry> flagged(Flag flag) {
    return entries.entries(slot(flag), rule -> rule);
  }

  @Override
  public TrustLevel levelCap(String subject) {
    if (entries.isEmpty(CAP)) {
      return TrustLevel.HIGH;
    }
    Optional<MirroredEntries.Change> cap = entries.get(CAP, entries.hash(subject));
    if (cap.isEmpty()) {
      return TrustLevel.HIGH;
    }
    try {
      return TrustLevel.valueOf(cap.get().value());
    } catch (IllegalArgumentException e) {
      return TrustLevel.CRITICAL; // cannot tell: the strictest reading
    }
  }

  @Override
  public void capLevel(String subject, TrustLevel level, Duration ttl) {
    entries.set(CAP, subject, Objects.requireNonNull(level, "level").name(), ttl);
  }

  private static char slot(Flag flag) {
    return switch (flag) {
      case THROTTLED -> 't';
      case MONITORED -> 'm';
      case CRITICAL -> 'c';
    };
  }

  /** The slots of this store, in the engine's order. */
  static final String SLOTS = "tmcp";
}
