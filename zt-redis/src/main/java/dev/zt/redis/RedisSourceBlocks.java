package dev.zt.redis;

import dev.zt.core.spi.Entry;
import dev.zt.core.spi.Presence;
import dev.zt.core.spi.SourceBlocks;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Source blocks shared through Redis ({@link MirroredEntries}): {@code <ns>:blk:a:<hash>} blocks every request,
 * {@code <ns>:blk:n:<hash>} only requests without a bearer credential. An address or a {@code net:} network is
 * personal data: keys and messages hold its hash. {@link #check} answers from the local mirror and never waits on
 * Redis; {@link #blocks} lists an entry made on this instance by its address or network, one learned from another
 * instance by its hash.
 */
final class RedisSourceBlocks implements SourceBlocks {

  private static final char ALL = 'a';
  private static final char ANONYMOUS = 'n';

  private final MirroredEntries entries;

  RedisSourceBlocks(MirroredEntries entries) {
    this.entries = entries;
  }

  /** The engine, for tests. */
  MirroredEntries engine() {
    return entries;
  }

  @Override
  public boolean isEmpty() {
    return entries.isEmpty(ALL) && entries.isEmpty(ANONYMOUS);
  }

  @Override
  public Presence check(String address, Optional<String> network, boolean anonymous) {
    if (isEmpty()) {
      return Presence.ABSENT;
    }
    String a = entries.hash(address);
    if (entries.get(ALL, a).isPresent()) {
      return Presence.PRESENT;
    }
    if (network.isEmpty()) {
      return Presence.ABSENT;
    }
    String n = entries.hash(network.get());
    if (entries.get(ALL, n).isPresent()) {
      return Presence.PRESENT;
    }
    return anonymous && !entries.isEmpty(ANONYMOUS)
        && (entries.get(ANONYMOUS, a).isPresent() || entries.get(ANONYMOUS, n).isPresent())
        ? Presence.PRESENT : Presence.ABSENT;
  }

  @Override
  public void block(String key, Scope scope, String rule, Duration ttl) {
    entries.set(slot(scope), key, rule, ttl);
  }

  @Override
  public boolean unblock(String key) {
    return entries.remove("" + ALL + ANONYMOUS, key);
  }

  @Override
  public List<Entry> blocks(Scope scope) {
    return entries.entries(slot(scope), rule -> rule);
  }

  private static char slot(Scope scope) {
    return switch (scope) {
      case ALL -> ALL;
      case ANONYMOUS -> ANONYMOUS;
    };
  }
}
