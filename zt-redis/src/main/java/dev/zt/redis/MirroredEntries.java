package dev.zt.redis;

import dev.zt.core.spi.Entry;
import dev.zt.core.spi.StateUnavailableException;
import dev.zt.core.spi.StoreSettings;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine of a mirrored store (source blocks, identity flags): entries in a few slots (a block's scope, a flag),
 * each keyed by the hash of what it is about, shared through Redis and answered from a local mirror.
 *
 * <ul>
 *   <li>Each entry is a key with the entry's TTL, {@code <ns>:<use>:<slot>:<hash>}, holding the time it was made and
 *       its value; a removal deletes it and leaves a tombstone {@code <ns>:<use>:~<slot>:<hash>} (the removal's time,
 *       for at least an hour). A write sets or deletes and publishes on {@code <ns>:<use>} in one script, which
 *       refuses a set older than the entry's tombstone or than the entry in place, and deletes only older entries:
 *       a late write-back or a re-send never undoes a later decision.</li>
 *   <li>Every instance applies the messages to its mirror with the same rules; reads ({@link #get}) never touch Redis.
 *       Every change carries a per-instance monotonic time (milliseconds, but after every change made or seen here);
 *       between instances, a tie keeps the entry (fail closed).</li>
 *   <li>{@link #reconcile} (periodically, and at once after a reconnect) writes back the changes Redis did not take,
 *       re-sends what this instance knows when Redis came back empty (a new {@code run_id}), and rebuilds the mirror
 *       from a scan of the keys, which heals a missed message.</li>
 *   <li>Writes never wait: the change is applied to the mirror (enforced here at once), then sent with the
 *       asynchronous API within the deadline; a change Redis does not take is buffered (at most 10 000) and written
 *       back by the next reconciliation. They may run on a Netty event loop (countermeasures act from gates and from
 *       the answer's report).</li>
 * </ul>
 *
 * <p>Keys and messages hold hashes only. The raw key of an entry made on this instance is remembered here, in memory
 * only, so listings show it; an entry learned from another instance is listed by its hash.
 */
final class MirroredEntries implements MirroredStore {

  private static final Logger LOG = LoggerFactory.getLogger(MirroredEntries.class);
  private static final int MAX_PENDING = 10_000;
  /** How long a removal's tombstone stays at least: longer than any entry this instance knows of the key. */
  private static final long TOMBSTONE_MILLIS = Duration.ofHours(1).toMillis();

  /**
   * Unless a later removal (the tombstone) or a later entry is in place (a tie keeps the new entry), SET the entry
   * with its TTL and PUBLISH the change. KEYS: entry, tombstone. ARGV: made at, value, ttl ms, channel, message.
   */
  private static final String SET = """
      local t = redis.call('GET', KEYS[2])
      if t and tonumber(t) > tonumber(ARGV[1]) then return 0 end
      local old = redis.call('GET', KEYS[1])
      if old then
        local s = tonumber(string.match(old, '^(%d+)'))
        if s and s > tonumber(ARGV[1]) then return 0 end
      end
      redis.call('SET', KEYS[1], ARGV[1] .. '\\n' .. ARGV[2], 'PX', ARGV[3])
      redis.call('PUBLISH', ARGV[4], ARGV[5])
      return 1
      """;
  /**
   * For each slot, DEL the entry when it is older than the removal (a tie keeps it) and leave the tombstone (the
   * latest removal's time); PUBLISH the removal. KEYS: entry, tombstone, entry, tombstone… ARGV: removed at,
   * tombstone ms, channel, message. Returns how many entries it deleted.
   */
  private static final String DELETE = """
      local n = 0
      for i = 1, #KEYS, 2 do
        local old = redis.call('GET', KEYS[i])
        if old then
          local s = tonumber(string.match(old, '^(%d+)'))
          if not s or s < tonumber(ARGV[1]) then n = n + redis.call('DEL', KEYS[i]) end
        end
        local t = redis.call('GET', KEYS[i + 1])
        if not t or tonumber(t) < tonumber(ARGV[1]) then redis.call('SET', KEYS[i + 1], ARGV[1], 'PX', ARGV[2]) end
      end
      redis.call('PUBLISH', ARGV[3], ARGV[4])
      return n
      """;
  /**
   * Each key's value and remaining milliseconds, as strings (a missing key: an empty value and -2; a key of another
   * type, which zt never writes: an empty value, ignored as malformed, so it cannot stop a reconciliation).
   */
  private static final String READ = """
      local out = {}
      for _, k in ipairs(KEYS) do
        local v = redis.pcall('GET', k)
        if type(v) ~= 'string' then v = '' end
        out[#out + 1] = v
        out[#out + 1] = tostring(redis.call('PTTL', k))
      end
      return out
      """;

  /**
   * One change: a set ({@code op} 's', one slot) or a removal ('d', one or more slots), as published and as buffered.
   * A removal's {@code untilMillis} is when its tombstone ends here.
   */
  record Change(char op, String slots, String hash, long untilMillis, long since, String value) {

    String message(long now) {
      return op + "\n" + slots + "\n" + hash + "\n" + Math.max(1, untilMillis - now) + "\n" + since + "\n" + value;
    }

    static Change parse(String message, long now, String known) {
      String[] p = message.split("\n", 6);
      if (p.length != 6 || p[0].length() != 1 || "sd".indexOf(p[0].charAt(0)) < 0 || p[1].isEmpty()
          || p[0].charAt(0) == 's' && p[1].length() != 1 || p[2].isEmpty()) {
        throw new IllegalArgumentException("not a change message");
      }
      for (char s : p[1].toCharArray()) {
        if (known.indexOf(s) < 0) {
          throw new IllegalArgumentException("unknown slot");
        }
      }
      long ttl = Long.parseLong(p[3]);
      if (ttl < 1) {
        throw new IllegalArgumentException("a TTL is positive");
      }
      return new Change(p[0].charAt(0), p[1], p[2], now + ttl, Long.parseLong(p[4]), p[5]);
    }

    char slot() {
      return slots.charAt(0);
    }
  }

  /** The entries in force and the removals remembered: one generation of the mirror. */
  private static final class Generation {
    final Map<String, Change>[] bySlot; // by slot index: hash → set
    final Map<String, Change> tombstones = new HashMap<>(); // slot + hash → removal; guarded by the engine's lock

    @SuppressWarnings("unchecked")
    Generation(int slots) {
      bySlot = new Map[slots];
      for (int i = 0; i < slots; i++) {
        bySlot[i] = new ConcurrentHashMap<>();
      }
    }
  }

  private final Redis redis;
  private final Keys keys;
  private final Clock clock;
  private final String use;
  private final String slots;
  private final String channel;
  private final ConcurrentLinkedQueue<Change> pending = new ConcurrentLinkedQueue<>();
  private final AtomicLong dropped = new AtomicLong();
  /** Changes that will not reach Redis, enforced here until they end. */
  private final ConcurrentLinkedQueue<Change> localOnly = new ConcurrentLinkedQueue<>();
  private final java.util.concurrent.atomic.AtomicInteger inFlight = new java.util.concurrent.atomic.AtomicInteger();
  /** The raw key of each hash written here (memory only, for listings). */
  private final Map<String, String> names = new ConcurrentHashMap<>();
  private final Object lock = new Object();
  private volatile Generation mirror;
  private Generation building; // guarded by lock: the generation a reconciliation is filling, or null
  private long lastSince; // guarded by lock: the latest change time made or seen here
  private String runId; // the Redis server last reconciled with (its INFO run_id); only reconcile touches it
  private volatile boolean inStep; // the last reconciliation completed
  private final Duration timeout;

  /**
   * @param use the keys' and channel's segment ({@code blk}, {@code flg})
   * @param slots one character per kind of entry ({@code an}: a block of every request, of anonymous ones)
   */
  MirroredEntries(Redis redis, Keys keys, String use, String slots, StoreSettings settings, Duration timeout) {
    this.redis = redis;
    this.keys = keys;
    this.clock = settings.clock();
    this.use = use;
    this.slots = slots;
    this.channel = keys.key(use);
    this.mirror = new Generation(slots.length());
    this.timeout = timeout;
  }

  /** Subscribes to the store's channel on {@code sub} (now, or once Redis answers after a degraded start). */
  @Override
  public void subscribe(StatefulRedisPubSubConnection<String, String> sub) {
    Mirrors.listen(sub, channel, this::received, timeout);
  }

  /** Whether the last reconciliation completed. */
  boolean inStep() {
    return inStep;
  }

  /** A connection dropped: messages may have been missed until the next reconciliation completes. */
  void outOfStep() {
    inStep = false;
  }


  /** The hash that stands for {@code key} in this store's keys and messages. */
  String hash(String key) {
    return keys.hash(use, key);
  }

  // ---- reads: the mirror only

  /** Whether the mirror surely holds nothing in {@code slot} (entries that ended may still make it answer false). */
  boolean isEmpty(char slot) {
    return mirror.bySlot[index(slot)].isEmpty();
  }

  /** The entry of {@code hash} in {@code slot} in force now. */
  Optional<Change> get(char slot, String hash) {
    Map<String, Change> in = mirror.bySlot[index(slot)];
    if (in.isEmpty()) {
      return Optional.empty();
    }
    Change c = in.get(hash);
    return c != null && c.untilMillis() > clock.millis() ? Optional.of(c) : Optional.empty();
  }

  /** The entries of {@code slot} in force now: by raw key when made here, by hash otherwise. */
  List<Entry> entries(char slot, java.util.function.Function<String, String> rule) {
    long now = clock.millis();
    List<Entry> out = new ArrayList<>();
    for (Change c : mirror.bySlot[index(slot)].values()) {
      if (c.untilMillis() > now) {
        out.add(new Entry(names.getOrDefault(c.hash(), c.hash()), rule.apply(c.value()),
            Instant.ofEpochMilli(c.untilMillis())));
      }
    }
    return List.copyOf(out);
  }

  // ---- writes: the mirror first (enforced here at once), then Redis without waiting

  /** Sets {@code slot}'s entry of {@code key} (made here) for {@code ttl}. */
  void set(char slot, String key, String value, Duration ttl) {
    index(slot);
    String hash = hash(key);
    names.put(hash, key);
    Change c = new Change('s', String.valueOf(slot), hash, Mirrors.until(clock, ttl), nextSince(), value);
    synchronized (lock) {
      apply(c);
      sendLater(c);
    }
  }

  /** Removes the entries of {@code key} in {@code removed} (made here); returns whether one was in force here. */
  boolean remove(String removed, String key) {
    for (char s : removed.toCharArray()) {
      index(s);
    }
    Change c = new Change('d', removed, hash(key), clock.millis() + tombstoneMillis(), nextSince(), "");
    synchronized (lock) {
      boolean had = apply(c);
      sendLater(c);
      return had;
    }
  }

  /**
   * Sends without waiting. Called under the lock with the change's apply, so a reconciliation that starts building
   * after the apply has its scan sent after this change (one connection keeps the order): the scan sees it.
   */
  private void sendLater(Change c) {
    inFlight.incrementAndGet();
    send(c, true).whenComplete((n, e) -> {
      if (e != null) {
        buffer(c);
      }
      inFlight.decrementAndGet();
    });
  }

  /** How many changes were sent and not answered yet (each is answered or buffered within the deadline). */
  int inFlight() {
    return inFlight.get();
  }

  /**
   * When a change made here happens: the clock's millisecond, but always after every change made or seen here (a
   * removal right after a set, within one millisecond, is still later than it).
   */
  private long nextSince() {
    synchronized (lock) {
      lastSince = Math.max(clock.millis(), lastSince + 1);
      return lastSince;
    }
  }

  /** How many buffered changes wait for Redis. */
  int pending() {
    return pending.size();
  }

  /** Whether this store is not in step with Redis: it is down, a change waits, or the last reconciliation failed. */
  boolean degraded() {
    return redis.failing() || !pending.isEmpty() || !inStep;
  }

  private void buffer(Change c) {
    if (pending.size() >= MAX_PENDING) {
      dropped.incrementAndGet();
      LOG.warn("zt-redis: {} changes of {} wait for Redis; this one stays on this instance only", MAX_PENDING,
          channel);
      keepHere(c);
      return;
    }
    if (pending.isEmpty()) {
      LOG.warn("zt-redis: Redis did not take a change of {}: enforced on this instance, written back when Redis "
          + "answers again", channel);
    }
    pending.add(c);
  }

  /** Sends one change (set or delete + publish); {@code async}: without waiting (the stage completes later). */
  private java.util.concurrent.CompletableFuture<Long> send(Change c, boolean async) {
    long now = clock.millis();
    String message = c.message(now);
    if (c.op() == 'd') {
      String[] k = new String[2 * c.slots().length()];
      for (int i = 0; i < c.slots().length(); i++) {
        k[2 * i] = entryKey(c.slots().charAt(i), c.hash());
        k[2 * i + 1] = tombstoneKey(c.slots().charAt(i), c.hash());
      }
      String ms = Long.toString(Math.max(tombstoneMillis(), c.untilMillis() - now));
      return call("delete", async, r -> r.eval(DELETE, ScriptOutputType.INTEGER, k, Long.toString(c.since()), ms,
          channel, message));
    }
    long ttl = c.untilMillis() - now;
    if (ttl <= 0) {
      return java.util.concurrent.CompletableFuture.completedFuture(0L); // ended while it waited
    }
    String[] k = {entryKey(c.slot(), c.hash()), tombstoneKey(c.slot(), c.hash())};
    return call("set", async, r -> r.eval(SET, ScriptOutputType.INTEGER, k, Long.toString(c.since()), c.value(),
        Long.toString(ttl), channel, message));
  }

  private java.util.concurrent.CompletableFuture<Long> call(String what, boolean async,
      java.util.function.Function<io.lettuce.core.api.async.RedisAsyncCommands<String, String>,
          io.lettuce.core.RedisFuture<Long>> command) {
    if (async) {
      return redis.send(what, command);
    }
    return java.util.concurrent.CompletableFuture.completedFuture(redis.call(what, command));
  }

  /** The longest a tombstone must outlive: an hour, or the longest entry known here. */
  private long tombstoneMillis() {
    long now = clock.millis();
    long longest = TOMBSTONE_MILLIS;
    for (Map<String, Change> in : mirror.bySlot) {
      for (Change c : in.values()) {
        longest = Math.max(longest, c.untilMillis() - now);
      }
    }
    return longest;
  }

  private String entryKey(char slot, String hash) {
    return keys.key(use, String.valueOf(slot), hash);
  }

  private String tombstoneKey(char slot, String hash) {
    return keys.key(use, "~" + slot, hash);
  }

  // ---- the mirror

  /** A message on the channel: applied to the mirror; a malformed one is ignored. */
  void received(String message) {
    try {
      apply(Change.parse(message, clock.millis(), slots));
    } catch (RuntimeException e) {
      LOG.warn("zt-redis: ignored a malformed message on {}", channel);
    }
  }

  /** Applies a change to the mirror and to the generation a reconciliation is building; returns what a removal found. */
  private boolean apply(Change c) {
    synchronized (lock) {
      boolean had = change(mirror, c);
      if (building != null) {
        change(building, c);
      }
      return had;
    }
  }

  /**
   * Applies {@code c} unless a later change of the same entry is known: a message that arrives late never undoes what
   * was decided after it. Returns whether a removal removed an entry in force. The same
   * change seen again (this instance's own message, a re-send) keeps the end it had: a message's TTL is counted from
   * its arrival, so taking it again would extend the entry.
   */
  private boolean change(Generation to, Change c) {
    lastSince = Math.max(lastSince, c.since());
    long now = clock.millis();
    if (c.op() == 'd') {
      boolean had = false;
      for (char s : c.slots().toCharArray()) {
        Map<String, Change> in = to.bySlot[index(s)];
        Change old = in.get(c.hash());
        if (old != null && old.since() < c.since()) {
          in.remove(c.hash());
          had |= old.untilMillis() > now;
        }
        Change one = new Change('d', String.valueOf(s), c.hash(), c.untilMillis(), c.since(), "");
        to.tombstones.merge(s + c.hash(), one, (a, b) -> a.since() >= b.since() ? a : b);
      }
      return had;
    }
    Map<String, Change> in = to.bySlot[index(c.slot())];
    Change old = in.get(c.hash());
    Change removed = to.tombstones.get(c.slot() + c.hash());
    if (old != null && old.since() >= c.since() || removed != null && removed.since() > c.since()) {
      return false;
    }
    in.put(c.hash(), c);
    return false;
  }

  /**
   * Writes back the buffered changes, re-sends what is known here to a Redis that came back empty, then rebuilds the
   * mirror from a scan of the keys. When Redis does not answer, the mirror stays as it is (what is known here stays
   * enforced) and the buffer waits for the next run. Returns whether it completed.
   */
  @Override
  public synchronized boolean reconcile() {
    try {
      String id = Mirrors.runId(redis);
      if (runId != null && !runId.equals(id)) {
        // a new server (restarted without its data, or a failover): it no longer holds what this instance knows
        List<Change> live = new ArrayList<>();
        long now = clock.millis();
        for (Map<String, Change> in : mirror.bySlot) {
          in.values().stream().filter(c -> c.untilMillis() > now).forEach(live::add);
        }
        synchronized (lock) {
          mirror.tombstones.values().stream().filter(c -> c.untilMillis() > now).forEach(live::add);
        }
        for (Change c : live) {
          resend(c);
        }
        LOG.info("zt-redis: Redis {} is a new server; re-sent {} changes of {} known here", id, live.size(),
            channel);
      }
      for (Change c; (c = pending.peek()) != null; pending.poll()) {
        resend(c);
      }
      runId = id;
      synchronized (lock) {
        building = new Generation(slots.length());
      }
      ScanCursor cursor = ScanCursor.INITIAL;
      ScanArgs match = ScanArgs.Builder.matches(keys.key(use, "*")).limit(500);
      do {
        ScanCursor from = cursor;
        KeyScanCursor<String> page = redis.call("scan", r -> r.scan(from, match));
        if (!page.getKeys().isEmpty()) {
          String[] k = page.getKeys().toArray(String[]::new);
          List<Object> read = redis.call("read", r -> r.eval(READ, ScriptOutputType.MULTI, k));
          long now = clock.millis();
          for (int i = 0; i < k.length; i++) {
            scanned(k[i], String.valueOf(read.get(2 * i)), Long.parseLong(String.valueOf(read.get(2 * i + 1))), now);
          }
        }
        cursor = page;
      } while (!cursor.isFinished());
      synchronized (lock) {
        long now = clock.millis();
        localOnly.removeIf(c -> c.untilMillis() <= now);
        localOnly.forEach(c -> change(building, c));
        mirror = building;
        building = null;
        names.keySet().retainAll(known());
      }
      inStep = true;
      return true;
    } catch (StateUnavailableException e) {
      synchronized (lock) {
        building = null;
      }
      inStep = false;
      LOG.warn("zt-redis: reconciliation of {} failed, what is known here stays enforced: {} ({})", channel,
          e.getMessage(), String.valueOf(e.getCause()));
      return false;
    }
  }

  /** One key of the scan, applied to the generation being built (an entry, or a removal's tombstone). */
  private void scanned(String name, String stored, long ttl, long now) {
    if (ttl <= 0) {
      return;
    }
    try {
      String[] part = name.substring(channel.length() + 1).split(":", 2);
      boolean tombstone = part[0].length() == 2 && part[0].charAt(0) == '~';
      char slot = part[0].charAt(part[0].length() - 1);
      if (part.length != 2 || slots.indexOf(slot) < 0 || part[0].length() != (tombstone ? 2 : 1)) {
        return;
      }
      Change c;
      if (tombstone) {
        c = new Change('d', String.valueOf(slot), part[1], now + ttl, Long.parseLong(stored), "");
      } else {
        int nl = stored.indexOf('\n');
        c = new Change('s', String.valueOf(slot), part[1], now + ttl, Long.parseLong(stored.substring(0, nl)),
            stored.substring(nl + 1));
      }
      synchronized (lock) {
        if (building != null) {
          change(building, c);
        }
      }
    } catch (RuntimeException e) {
      LOG.warn("zt-redis: ignored the malformed entry {}", name);
    }
  }

  private java.util.Set<String> known() {
    java.util.Set<String> out = new java.util.HashSet<>();
    for (Map<String, Change> in : mirror.bySlot) {
      out.addAll(in.keySet());
    }
    mirror.tombstones.values().forEach(c -> out.add(c.hash()));
    return out;
  }

  private int index(char slot) {
    int i = slots.indexOf(slot);
    if (i < 0) {
      throw new IllegalArgumentException("unknown slot " + slot);
    }
    return i;
  }

  /** Writes back a buffered or re-sent change; one Redis refuses is kept here ({@link Mirrors#resent}). */
  private void resend(Change c) {
    if (!Mirrors.resent(() -> send(c, false), LOG, "a change of " + channel)) {
      keepHere(c);
    }
  }

  /**
   * Keeps a change that will not reach Redis (the buffer is full, Redis refused it) in this instance's mirror: each
   * reconciliation, which rebuilds the mirror from Redis, applies it again until it ends (at most 10 000 kept).
   */
  private void keepHere(Change c) {
    if (localOnly.size() < MAX_PENDING) {
      localOnly.add(c);
    }
  }
}
