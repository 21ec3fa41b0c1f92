package dev.zt.redis;

import dev.zt.core.spi.Entry;
import dev.zt.core.spi.Presence;
import dev.zt.core.spi.SecurityState;
import dev.zt.core.spi.StateUnavailableException;
import dev.zt.core.spi.StoreSettings;
import dev.zt.core.spi.Suspensions;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Suspensions shared through Redis, answered from a local mirror.
 *
 * <p>Each suspension is a key with the suspension's TTL ({@code <ns>:sus:t|s|r:<hash>}); a write sets it and publishes
 * it on {@code <ns>:sus} in one script, and every instance applies the message to its mirror. {@link #check} reads
 * only the mirror, so it never waits on Redis and an outage never forgets what is known here. A periodic
 * {@link #reconcile} rebuilds the mirror from a scan of the keys, which heals a missed message (a dropped
 * subscription, a lift during an outage). Writes never wait on Redis (countermeasures write from gates and from the
 * answer's report, on a Netty event loop too): a change is applied to the mirror, then sent with the asynchronous API
 * within the deadline; one Redis does not take is kept and written back by the next reconciliation, and
 * {@link #degraded} says so meanwhile.
 *
 * <p>Keys and messages carry hashes only. {@link #subjects()} and {@link #tokens()} list an entry made on this
 * instance by its subject or token key (remembered here, in memory only) and one learned from another instance by its
 * hash.
 */
final class RedisSuspensions implements Suspensions, MirroredStore {

  private static final Logger LOG = LoggerFactory.getLogger(RedisSuspensions.class);
  private static final int MAX_PENDING = 10_000;

  /**
   * Unless the subject was lifted after the change was made (its tombstone; a tie keeps the suspension), SET the
   * suspension with its TTL, index a token under its subject, and PUBLISH the change: one round trip. Returns 0 when
   * a lift was later.
   * KEYS: suspension, subject index, subject tombstone. ARGV: value, ttl ms, channel, message, index member ('' for
   * none), made at (ms).
   */
  private static final String SUSPEND = """
      if ARGV[5] ~= '' then
        local lifted = redis.call('GET', KEYS[3])
        if lifted and tonumber(lifted) > tonumber(ARGV[6]) then return 0 end
      end
      redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
      if ARGV[5] ~= '' and KEYS[2] ~= KEYS[3] then
        redis.call('SADD', KEYS[2], ARGV[5])
        if redis.call('PTTL', KEYS[2]) < tonumber(ARGV[2]) then redis.call('PEXPIRE', KEYS[2], ARGV[2]) end
      end
      redis.call('PUBLISH', ARGV[3], ARGV[4])
      return 1
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
   * DEL the subject's suspension, revocation and every token indexed under it that were made before the lift (a
   * suspension made after it stays: a lift written back late never undoes a later decision; a tie keeps the
   * suspension); leave a tombstone (the latest lift's time) so a suspension made before the lift and re-sent later
   * (after a Redis restart) stays lifted; PUBLISH the lift.
   * KEYS: suspension, revocation, index, tombstone. ARGV: token key prefix, channel, message, lifted at, tombstone ms.
   */
  private static final String LIFT = """
      local at = tonumber(ARGV[4])
      local function older(k)
        local v = redis.call('GET', k)
        if not v then return false end
        local s = tonumber(string.match(v, '^(%d+)'))
        return (not s) or s < at
      end
      local n = 0
      if older(KEYS[1]) then n = n + redis.call('DEL', KEYS[1]) end
      if older(KEYS[2]) then n = n + redis.call('DEL', KEYS[2]) end
      for _, m in ipairs(redis.call('SMEMBERS', KEYS[3])) do
        local k = ARGV[1] .. m
        if redis.call('EXISTS', k) == 0 then
          redis.call('SREM', KEYS[3], m)
        elseif older(k) then
          n = n + redis.call('DEL', k)
          redis.call('SREM', KEYS[3], m)
        end
      end
      local t = redis.call('GET', KEYS[4])
      if not t or tonumber(t) < at then redis.call('SET', KEYS[4], ARGV[4], 'PX', ARGV[5]) end
      redis.call('PUBLISH', ARGV[2], ARGV[3])
      return n
      """;
  /** How long a lift's tombstone stays at least: longer than any suspension this instance knows of the subject. */
  private static final long TOMBSTONE_MILLIS = Duration.ofHours(1).toMillis();

  /** One change, as published and as buffered when Redis did not take it. */
  private record Change(char type, String hash, long untilMillis, long since, String value) {

    String message(long now) {
      return type + "\n" + hash + "\n" + Math.max(1, untilMillis - now) + "\n" + since + "\n" + value;
    }

    static Change parse(String message, long now) {
      String[] p = message.split("\n", 5);
      if (p.length != 5 || p[0].length() != 1) {
        throw new IllegalArgumentException("not a suspension message");
      }
      return new Change(p[0].charAt(0), p[1], now + Long.parseLong(p[2]), Long.parseLong(p[3]), p[4]);
    }

    /** The subject hash a lift finds this change by, or "" (a token suspended without a subject). */
    String subject() {
      return switch (type) {
        case 't' -> value.substring(0, value.indexOf('\n'));
        case 's', 'r', 'l' -> hash;
        default -> "";
      };
    }
  }

  private final Redis redis;
  private final Keys keys;
  private final Clock clock;
  private final StoreSettings settings;
  private final Duration timeout;
  private final String channel;
  private final AtomicReference<Suspensions> mirror;
  private final ConcurrentLinkedQueue<Change> pending = new ConcurrentLinkedQueue<>();
  /** The raw subject or token key of each hash written here (memory only, for listings). */
  private final Map<String, String> names = new ConcurrentHashMap<>();
  private final AtomicLong dropped = new AtomicLong();
  /** Changes that will not reach Redis, enforced here until they end. */
  private final ConcurrentLinkedQueue<Change> localOnly = new ConcurrentLinkedQueue<>();
  private final java.util.concurrent.atomic.AtomicInteger inFlight = new java.util.concurrent.atomic.AtomicInteger();
  private final Object lock = new Object();
  private Suspensions building; // guarded by lock: the mirror a reconciliation is filling, or null
  /** The changes in force in the mirror, by kind and hash: re-sent when Redis comes back empty. Guarded by lock. */
  private Map<String, Change> known = new HashMap<>();
  private Map<String, Change> buildingKnown; // guarded by lock
  private String runId; // the Redis server last reconciled with (its INFO run_id)
  private long lastSince; // guarded by lock: the latest change time made or seen here
  private volatile boolean inStep; // the last reconciliation completed

  RedisSuspensions(Redis redis, Keys keys, StoreSettings settings, StatefulRedisPubSubConnection<String, String> sub,
      Duration timeout) {
    this(redis, keys, settings, timeout);
    subscribe(sub);
  }

  /**
   * Not subscribed yet (Redis was down when the instance started): the mirror starts empty, changes made here are
   * enforced and buffered, and {@link #subscribe} follows once a subscription connection is made.
   */
  RedisSuspensions(Redis redis, Keys keys, StoreSettings settings, Duration timeout) {
    this.redis = redis;
    this.keys = keys;
    this.clock = settings.clock();
    this.settings = settings;
    this.channel = keys.key("sus");
    this.timeout = timeout;
    this.mirror = new AtomicReference<>(SecurityState.inMemory().suspensions(settings));
  }

  /** Listens to the change channel on {@code sub}; throws {@link StateUnavailableException} when Redis refuses. */
  @Override
  public void subscribe(StatefulRedisPubSubConnection<String, String> sub) {
    Mirrors.listen(sub, channel, this::received, timeout);
  }

  // ---- reads: the mirror only

  @Override
  public boolean isEmpty() {
    return mirror.get().isEmpty();
  }

  @Override
  public Presence check(String tokenKey, Optional<String> subject, Optional<Instant> issuedAt) {
    return mirror.get().check(tokenHash(tokenKey), subject.map(this::subjectHash), issuedAt);
  }

  @Override
  public List<Entry> subjects() {
    return named(mirror.get().subjects());
  }

  @Override
  public List<Entry> tokens() {
    return named(mirror.get().tokens());
  }

  private List<Entry> named(List<Entry> hashed) {
    return hashed.stream().map(e -> new Entry(names.getOrDefault(e.key(), e.key()), e.rule(), e.until())).toList();
  }

  // ---- writes: the mirror first (enforced here whatever Redis says), then Redis

  @Override
  public void suspendToken(String tokenKey, Optional<String> subject, String rule, Duration ttl) {
    String subjectHash = subject.map(this::subjectHash).orElse("");
    names.put(tokenHash(tokenKey), tokenKey);
    write(new Change('t', tokenHash(tokenKey), Mirrors.until(clock, ttl), nextSince(), subjectHash + "\n" + rule));
  }

  @Override
  public void suspendSubject(String subject, String rule, Duration ttl) {
    names.put(subjectHash(subject), subject);
    write(new Change('s', subjectHash(subject), Mirrors.until(clock, ttl), nextSince(), rule));
  }

  @Override
  public void revokeIssuedUpTo(String subject, Instant issuedUpTo, String rule, Duration ttl) {
    write(new Change('r', subjectHash(subject), Mirrors.until(clock, ttl), nextSince(),
        issuedUpTo.toEpochMilli() + "\n" + rule));
  }

  @Override
  public boolean lift(String subject) {
    Change lift = new Change('l', subjectHash(subject), Long.MAX_VALUE, nextSince(), "");
    synchronized (lock) {
      boolean had = apply(lift);
      sendLater(lift);
      return had;
    }
  }

  /**
   * When a change made here happens: the clock's millisecond, but always after every change made or seen here (a
   * lift right after a suspension, within one millisecond, is still later than it).
   */
  private long nextSince() {
    synchronized (lock) {
      lastSince = Math.max(clock.millis(), lastSince + 1);
      return lastSince;
    }
  }

  /** Whether the last reconciliation completed (false until the first one). */
  boolean inStep() {
    return inStep;
  }

  /** A connection dropped: messages may have been missed until the next reconciliation completes. */
  void outOfStep() {
    inStep = false;
  }

  /** How many buffered changes are waiting for Redis. */
  int pending() {
    return pending.size();
  }

  /** Whether this store is not in step with Redis: it is down, a change waits, or the last reconciliation failed. */
  boolean degraded() {
    return redis.failing() || !pending.isEmpty() || !inStep;
  }

  private void write(Change change) {
    synchronized (lock) {
      apply(change);
      sendLater(change);
    }
  }

  /**
   * Sends without waiting; a change Redis does not take within the deadline waits for the next reconciliation. Called
   * under the lock with the change's apply, so a reconciliation that starts building after the apply has its scan sent
   * after this change (one connection keeps the order): the scan sees it.
   */
  private void sendLater(Change change) {
    inFlight.incrementAndGet();
    send(change, true).whenComplete((n, e) -> {
      if (e != null) {
        buffer(change);
      }
      inFlight.decrementAndGet();
    });
  }

  /** How many changes were sent and not answered yet (each is answered or buffered within the deadline). */
  int inFlight() {
    return inFlight.get();
  }

  /** The latest change time made or seen here (tests wait on it for another instance's messages to arrive). */
  long lastSince() {
    synchronized (lock) {
      return lastSince;
    }
  }

  private void buffer(Change change) {
    if (pending.size() >= MAX_PENDING) {
      dropped.incrementAndGet();
      LOG.warn("zt-redis: {} suspension changes wait for Redis; this one stays on this instance only", MAX_PENDING);
      keepHere(change);
      return;
    }
    if (pending.isEmpty()) {
      LOG.warn("zt-redis: Redis did not take a suspension change: enforced on this instance, written back when "
          + "Redis answers again");
    }
    pending.add(change);
  }

  /**
   * Sends one change to Redis (set/delete + publish), {@code async}: without waiting; the stage says how many keys a
   * lift removed.
   */
  private CompletableFuture<Long> send(Change c, boolean async) {
    long now = clock.millis();
    String message = c.message(now);
    String subject = c.subject();
    if (c.type() == 'l') {
      long tombstone = TOMBSTONE_MILLIS;
      synchronized (lock) {
        for (Change k : known.values()) {
          if (k.type() != 'l') {
            tombstone = Math.max(tombstone, k.untilMillis() - now);
          }
        }
      }
      String[] k = {keys.key("sus", "s", subject), keys.key("sus", "r", subject), keys.key("sus", "x", subject),
          keys.key("sus", "l", subject)};
      String ms = Long.toString(tombstone);
      return call("lift", async, r -> r.eval(LIFT, ScriptOutputType.INTEGER, k, keys.key("sus", "t", ""), channel,
          message, Long.toString(c.since()), ms));
    }
    long ttl = c.untilMillis() - now;
    if (ttl <= 0) {
      return CompletableFuture.completedFuture(0L); // ended while it waited
    }
    String key = keys.key("sus", String.valueOf(c.type()), c.hash());
    // a subject's tombstone is checked for every change a lift would find; only tokens are indexed under it
    String tombstone = subject.isEmpty() ? key : keys.key("sus", "l", subject);
    String index = c.type() == 't' && !subject.isEmpty() ? keys.key("sus", "x", subject) : tombstone;
    String member = subject.isEmpty() ? "" : c.hash();
    String[] k = {key, index, tombstone};
    return call("suspend", async, r -> r.eval(SUSPEND, ScriptOutputType.INTEGER, k, c.since() + "\n" + c.value(),
        Long.toString(ttl), channel, message, member, Long.toString(c.since())));
  }

  private CompletableFuture<Long> call(String what, boolean async,
      Function<RedisAsyncCommands<String, String>, RedisFuture<Long>> command) {
    return async ? redis.send(what, command) : CompletableFuture.completedFuture(redis.call(what, command));
  }

  // ---- the mirror

  /** A message on the channel: applied to the mirror; a malformed one is ignored. */
  void received(String message) {
    try {
      apply(Change.parse(message, clock.millis()));
    } catch (RuntimeException e) {
      LOG.warn("zt-redis: ignored a malformed message on {}", channel);
    }
  }

  /** Applies a change to the mirror (and to the one a reconciliation is building); returns what a lift found. */
  private boolean apply(Change c) {
    return apply(c, false);
  }

  /** Applies a change to the mirror, or only to the one being built when {@code scanned}. */
  private boolean apply(Change c, boolean scanned) {
    synchronized (lock) {
      if (scanned) {
        if (building == null) {
          return false;
        }
        return change(buildingKnown, building, c);
      }
      boolean had = change(known, mirror.get(), c);
      if (building != null) {
        change(buildingKnown, building, c);
      }
      return had;
    }
  }

  /**
   * Applies {@code c} unless a later change of the same entry is known: a message that arrives late (this instance's
   * own lift published before a new suspension of the subject) never undoes what was decided after it. The same
   * change seen again (this instance's own message, a re-send) keeps the end it had: a message's TTL is counted from
   * its arrival, so taking it again would extend the entry.
   */
  private boolean change(Map<String, Change> known, Suspensions to, Change c) {
    lastSince = Math.max(lastSince, c.since());
    if (c.type() == 'l') {
      // a suspension of the same millisecond as a lift from elsewhere stays (a local lift is always later: nextSince)
      List<Change> later = known.values().stream()
          .filter(k -> k.type() != 'l' && k.subject().equals(c.hash()) && k.since() >= c.since()).toList();
      record(known, c);
      boolean had = to.lift(c.hash());
      for (Change k : later) {
        record(known, k);
        applyTo(to, k);
      }
      return had;
    }
    Change old = known.get(c.type() + c.hash());
    Change lifted = c.subject().isEmpty() ? null : known.get("l" + c.subject());
    if (old != null && old.since() >= c.since() || lifted != null && lifted.since() > c.since()) {
      return false;
    }
    record(known, c);
    return applyTo(to, c);
  }

  private static void record(Map<String, Change> to, Change c) {
    if (c.type() == 'l') {
      to.remove("s" + c.hash());
      to.remove("r" + c.hash());
      to.values().removeIf(k -> k.type() == 't' && k.value().startsWith(c.hash() + "\n"));
      // so that a late message of an older suspension does not bring it back (the latest lift is kept)
      to.merge("l" + c.hash(), c, (a, b) -> a.since() >= b.since() ? a : b);
    } else {
      to.put(c.type() + c.hash(), c);
    }
  }

  private boolean applyTo(Suspensions to, Change c) {
    Duration ttl = Duration.ofMillis(c.untilMillis() - clock.millis());
    if (c.type() == 'l') {
      return to.lift(c.hash());
    }
    if (ttl.isNegative() || ttl.isZero()) {
      return false;
    }
    int nl = c.value().indexOf('\n');
    switch (c.type()) {
      case 't' -> {
        String subject = c.value().substring(0, nl);
        to.suspendToken(c.hash(), subject.isEmpty() ? Optional.empty() : Optional.of(subject),
            c.value().substring(nl + 1), ttl);
      }
      case 's' -> to.suspendSubject(c.hash(), c.value(), ttl);
      case 'r' -> to.revokeIssuedUpTo(c.hash(), Instant.ofEpochMilli(Long.parseLong(c.value().substring(0, nl))),
          c.value().substring(nl + 1), ttl);
      default -> throw new IllegalArgumentException("unknown suspension kind " + c.type());
    }
    return false;
  }

  /**
   * Writes back the buffered changes, then rebuilds the mirror from a scan of the suspension keys. When Redis does
   * not answer, the mirror stays as it is (what is known here stays enforced) and the buffer waits for the next run.
   * Returns whether it completed.
   */
  @Override
  public synchronized boolean reconcile() {
    try {
      String id = Mirrors.runId(redis);
      if (runId != null && !runId.equals(id)) {
        // a new server (restarted without its data, or a failover): it no longer holds what this instance knows
        List<Change> live;
        synchronized (lock) {
          live = List.copyOf(known.values());
        }
        long now = clock.millis();
        for (Change c : live) {
          if (c.type() != 'l' && c.untilMillis() > now) {
            resend(c);
          }
        }
        LOG.info("zt-redis: Redis {} is a new server; re-sent {} suspensions known here", id, live.size());
      }
      for (Change c; (c = pending.peek()) != null; pending.poll()) {
        resend(c);
      }
      runId = id;
      synchronized (lock) {
        building = SecurityState.inMemory().suspensions(settings);
        buildingKnown = new HashMap<>();
      }
      ScanCursor cursor = ScanCursor.INITIAL;
      ScanArgs match = ScanArgs.Builder.matches(keys.key("sus", "?", "*")).limit(500);
      do {
        ScanCursor from = cursor;
        KeyScanCursor<String> page = redis.call("scan", r -> r.scan(from, match));
        List<String> found = page.getKeys().stream().filter(k -> "tsr".indexOf(kind(k)) >= 0).toList();
        if (!found.isEmpty()) {
          String[] k = found.toArray(String[]::new);
          List<Object> read = redis.call("read", r -> r.eval(READ, ScriptOutputType.MULTI, k));
          long now = clock.millis();
          for (int i = 0; i < found.size(); i++) {
            String name = found.get(i);
            long ttl = Long.parseLong(String.valueOf(read.get(2 * i + 1)));
            if (ttl > 0) {
              String hash = name.substring(name.lastIndexOf(':') + 1);
              String stored = String.valueOf(read.get(2 * i));
              try {
                int nl = stored.indexOf('\n');
                apply(new Change(kind(name), hash, now + ttl, Long.parseLong(stored.substring(0, nl)),
                    stored.substring(nl + 1)), true);
              } catch (RuntimeException e) {
                LOG.warn("zt-redis: ignored the malformed suspension {}", name);
              }
            }
          }
        }
        cursor = page;
      } while (!cursor.isFinished());
      synchronized (lock) {
        long now = clock.millis();
        localOnly.removeIf(c -> c.untilMillis() <= now);
        localOnly.forEach(c -> change(buildingKnown, building, c));
        mirror.set(building);
        known = buildingKnown;
        java.util.Set<String> hashes = new java.util.HashSet<>();
        known.values().forEach(c -> hashes.add(c.hash()));
        names.keySet().retainAll(hashes);
        building = null;
        buildingKnown = null;
      }
      inStep = true;
      return true;
    } catch (StateUnavailableException e) {
      synchronized (lock) {
        building = null;
        buildingKnown = null;
      }
      inStep = false;
      LOG.warn("zt-redis: suspension reconciliation failed, what is known here stays enforced: {} ({})",
          e.getMessage(), String.valueOf(e.getCause()));
      return false;
    }
  }

  private char kind(String key) {
    return key.charAt(channel.length() + 1);
  }

  /** Writes back a buffered or re-sent change; one Redis refuses is kept here ({@link Mirrors#resent}). */
  private void resend(Change c) {
    if (!Mirrors.resent(() -> send(c, false), LOG, "a suspension change")) {
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

  private String tokenHash(String tokenKey) {
    return keys.hash("sus.token", tokenKey);
  }

  private String subjectHash(String subject) {
    return keys.hash("sus.subject", subject);
  }
}
