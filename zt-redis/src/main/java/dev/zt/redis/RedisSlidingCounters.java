package dev.zt.redis;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import dev.zt.core.spi.SecurityState;
import dev.zt.core.spi.SlidingCounters;
import dev.zt.core.spi.StoreSettings;
import io.lettuce.core.ScriptOutputType;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.function.BiConsumer;

/**
 * Sliding counters a fleet shares, answered at once from this instance's knowledge: the caller (a detector on a
 * Netty event loop, a countermeasure's attempt threshold) never waits on Redis.
 *
 * <p>Each call counts in a local in-memory store ({@link SecurityState#inMemory()}) and sends the event to Redis
 * without waiting, in one script sent by its digest ({@code EVALSHA}; the whole script once more, {@code EVAL}, when
 * Redis answers {@code NOSCRIPT}, so an event is never lost to a restarted Redis: {@link LuaScript})
 * ({@code <ns>:cnt:<name>:c:<hash>}: a hash of the fixed window's start, its count and
 * the previous window's, the same weighting as the in-memory store; {@code :d:<hash>}: a sorted set of member hashes
 * by the time last seen). Per key it keeps the fleet's counts Redis last answered and the events sent since and not yet
 * answered, and answers {@code max(local count, fleet count rolled to now + events not yet answered)}: a run spread
 * over instances is seen whole up to the events other instances counted since this one's last answer from Redis
 * (about one round trip). A reset or a cleared set deletes the key and is published on {@code <ns>:cnt}, so every
 * instance starts the key over at once.
 *
 * <p>On Redis trouble it counts locally only, never throws, and is {@link #degraded()} until Redis answers again; a
 * reset Redis did not take is sent with the key's next event here. Events counted during an outage stay local.
 */
final class RedisSlidingCounters implements SlidingCounters {

  /** How often, at most, an instance asks Redis whether another instance counts a key it does not count. */
  static final long PROBE_MILLIS = 1000;
  /** How long a reset Redis did not take is kept for the key's next event here when the key was not known. */
  private static final long PENDING_RESET_MILLIS = Duration.ofHours(1).toMillis();

  /**
   * Roll the fixed windows to ARGV now (as the in-memory WindowCounter does), DEL first when ARGV reset is '1'
   * (publishing the reset), count one event (only when the key exists if ARGV mode is 'i'), PEXPIRE two windows.
   * Returns {window start, current, previous}, or {-1, 0, 0} when mode 'i' finds no key.
   * KEYS: the counter. ARGV: now ms, window ms, mode ('a' | 'i'), reset ('0' | '1'), channel, reset message.
   */
  private static final LuaScript ADD = new LuaScript("""
      local now, w = tonumber(ARGV[1]), tonumber(ARGV[2])
      if ARGV[4] == '1' then
        redis.call('DEL', KEYS[1])
        redis.call('PUBLISH', ARGV[5], ARGV[6])
      end
      local v = redis.call('HMGET', KEYS[1], 's', 'c', 'p', 'w')
      local s, c, p = tonumber(v[1]), tonumber(v[2]) or 0, tonumber(v[3]) or 0
      if s == nil or tonumber(v[4]) ~= w then
        if ARGV[3] == 'i' and s == nil then return {-1, 0, 0} end
        s, c, p = now - (now % w), 0, 0
      elseif now >= s + 2 * w then
        s, c, p = now - (now % w), 0, 0
      elseif now >= s + w then
        s, c, p = s + w, 0, c
      end
      c = c + 1
      redis.call('HSET', KEYS[1], 's', s, 'c', c, 'p', p, 'w', w)
      redis.call('PEXPIRE', KEYS[1], 2 * w)
      return {s, c, p}
      """);
  /**
   * Drop members last seen a window ago or more, add or refresh ARGV member (a later time only), keep the newest
   * ARGV capacity, PEXPIRE one window; DEL first when ARGV reset is '1' (publishing it). Returns member, time, ….
   * KEYS: the set. ARGV: now ms, window ms, capacity, member hash, reset, channel, reset message.
   */
  private static final LuaScript ADD_DISTINCT = new LuaScript("""
      local now, w, cap = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
      if ARGV[5] == '1' then
        redis.call('DEL', KEYS[1])
        redis.call('PUBLISH', ARGV[6], ARGV[7])
      end
      redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - w)
      redis.call('ZADD', KEYS[1], 'GT', now, ARGV[4])
      local n = redis.call('ZCARD', KEYS[1])
      if n > cap then redis.call('ZPOPMIN', KEYS[1], n - cap) end
      redis.call('PEXPIRE', KEYS[1], w)
      return redis.call('ZRANGE', KEYS[1], 0, -1, 'WITHSCORES')
      """);
  /** DEL the key and PUBLISH the reset. KEYS: the key. ARGV: channel, message. */
  private static final LuaScript RESET = new LuaScript("""
      redis.call('DEL', KEYS[1])
      redis.call('PUBLISH', ARGV[1], ARGV[2])
      return 1
      """);

  /** What this instance knows of one counted key in the fleet. Guarded by itself. */
  private static final class Shared {
    final String key; // the raw key, to reset the local count when another instance resets it
    long window;
    long generation; // a reset starts a new one: answers to events sent before it are ignored
    long start = -1; // the fleet's fixed window Redis last answered (-1: none yet), its count and the previous one's
    long current;
    long previous;
    long unanswered; // events sent in this generation that Redis has not answered yet
    boolean resetPending; // a reset Redis did not take: sent with the next event

    Shared(String key, long window) {
      this.key = key;
      this.window = window;
    }

    void forgetFleet() {
      start = -1;
      current = 0;
      previous = 0;
      unanswered = 0;
    }

    /** The fleet's sliding count at {@code now} as Redis last answered it (the in-memory store's weighting). */
    long fleet(long now) {
      if (start < 0 || now < start) {
        return start < 0 ? 0 : current + previous; // the clock went back: count the window whole
      }
      long c = current;
      long p = previous;
      long s = start;
      long elapsed = (now - s) / window;
      if (elapsed == 1) {
        p = c;
        c = 0;
        s += window;
      } else if (elapsed > 1) {
        return 0;
      }
      double overlap = 1.0 - (double) (now - s) / window;
      return c + (long) Math.floor(p * Math.max(0, overlap));
    }

    /** Whether the fleet counts the key (Redis answered for it within the last two windows). */
    boolean counted(long now) {
      return start >= 0 && now < start + 2 * window;
    }
  }

  /** What this instance knows of one distinct set in the fleet. Guarded by itself. */
  private static final class SharedSet {
    final String key;
    long window;
    int capacity;
    long generation;
    Map<String, Long> fleet = Map.of(); // member hash → last seen, as Redis last answered
    final Map<String, Integer> unanswered = new HashMap<>(); // member hashes sent, not answered yet
    boolean resetPending;

    SharedSet(String key, long window, int capacity) {
      this.key = key;
      this.window = window;
      this.capacity = capacity;
    }

    void forgetFleet() {
      fleet = Map.of();
      unanswered.clear();
    }

    int distinct(long now) {
      int n = unanswered.size();
      for (Map.Entry<String, Long> e : fleet.entrySet()) {
        if (now - e.getValue() < window && !unanswered.containsKey(e.getKey())) {
          n++;
        }
      }
      return Math.min(n, capacity);
    }
  }

  private final Redis redis;
  private final Keys keys;
  private final String name;
  private final String use;
  private final String channel;
  private final String origin = UUID.randomUUID().toString();
  private final Clock clock;
  private final SlidingCounters local;
  /** "c" + key hash → Shared, "d" + key hash → SharedSet; bounded as the local store, idle ones forgotten. */
  private final Cache<String, Object> shared;
  /** Key hashes recently asked of Redis by addIfCounted (at most one probe per key per PROBE_MILLIS). */
  private final Cache<String, Boolean> probed;
  private final java.util.concurrent.atomic.AtomicInteger probing = new java.util.concurrent.atomic.AtomicInteger();
  private volatile boolean degraded;

  RedisSlidingCounters(Redis redis, Keys keys, String name,
      StoreSettings settings, String channel) {
    this.redis = redis;
    this.keys = keys;
    this.name = Keys.requireName("counter name", name);
    this.use = "cnt:" + name;
    this.channel = channel;
    this.clock = settings.clock();
    this.local = SecurityState.inMemory().slidingCounters(name, settings);
    this.shared = Caffeine.newBuilder()
        .maximumSize(settings.maxEntries())
        .executor(Runnable::run)
        .ticker(() -> clock.millis() * 1_000_000L)
        .expireAfter(new Expiry<String, Object>() {
          @Override
          public long expireAfterCreate(String key, Object v, long currentTime) {
            long ms = v instanceof Shared s ? 2 * s.window : ((SharedSet) v).window;
            return ms > Long.MAX_VALUE / 1_000_000L ? Long.MAX_VALUE : ms * 1_000_000L;
          }

          @Override
          public long expireAfterUpdate(String key, Object v, long currentTime, long currentDuration) {
            return expireAfterCreate(key, v, currentTime);
          }

          @Override
          public long expireAfterRead(String key, Object v, long currentTime, long currentDuration) {
            return expireAfterCreate(key, v, currentTime);
          }
        })
        .build();
    this.probed = Caffeine.newBuilder()
        .maximumSize(settings.maxEntries())
        .executor(Runnable::run)
        .ticker(() -> clock.millis() * 1_000_000L)
        .expireAfterWrite(Duration.ofMillis(PROBE_MILLIS))
        .build();
  }

  String name() {
    return name;
  }

  /** Whether the last call to Redis failed: this instance counts on its own until Redis answers again. */
  boolean degraded() {
    return degraded;
  }

  /**
   * Redis answered again (a ping after a reconnect): events go to it from now on, so this store is no longer counted
   * as degraded even before its next event (a reset it did not take still goes with the key's next event).
   */
  void answered() {
    degraded = false;
  }

  /** Whether every event sent has been answered or has failed (tests wait for it instead of sleeping). */
  boolean settled() {
    if (probing.get() > 0) {
      return false;
    }
    for (Object v : shared.asMap().values()) {
      if (v instanceof Shared s) {
        synchronized (s) {
          if (s.unanswered > 0) {
            return false;
          }
        }
      } else if (v instanceof SharedSet s) {
        synchronized (s) {
          if (!s.unanswered.isEmpty()) {
            return false;
          }
        }
      }
    }
    return true;
  }

  /** The fleet's count of {@code key} now, as Redis last answered it here (0 when nothing is known). */
  long fleet(String key) {
    if (shared.getIfPresent("c" + keys.hash(use, key)) instanceof Shared s) {
      synchronized (s) {
        return s.fleet(clock.millis());
      }
    }
    return 0;
  }

  /** The fleet's distinct members of {@code key} now, as Redis last answered them here (0 when nothing is known). */
  int fleetDistinct(String key) {
    if (shared.getIfPresent("d" + keys.hash(use, key)) instanceof SharedSet s) {
      synchronized (s) {
        return s.distinct(clock.millis());
      }
    }
    return 0;
  }

  @Override
  public long add(String key, Duration window) {
    long w = Math.max(1, window.toMillis());
    long counted = local.add(key, window);
    return count(key, w, counted);
  }

  @Override
  public long addIfCounted(String key, Duration window) {
    long w = Math.max(1, window.toMillis());
    long now = clock.millis();
    long counted = local.addIfCounted(key, window);
    if (counted > 0) {
      return count(key, w, counted);
    }
    String hash = keys.hash(use, key);
    if (shared.getIfPresent("c" + hash) instanceof Shared s) {
      synchronized (s) {
        if (s.window == w && s.counted(now)) {
          s.unanswered++;
          long answer = s.fleet(now) + s.unanswered;
          send(s, hash, now, 'a');
          return answer;
        }
      }
    }
    // not counted here: ask Redis (counting the event there if another instance counts the key), at most once a second
    if (probed.asMap().putIfAbsent(hash, Boolean.TRUE) == null) {
      String[] k = {keys.key(use, "c", hash)};
      probing.incrementAndGet();
      call(c -> ADD.run(c, ScriptOutputType.MULTI, k, Long.toString(now), Long.toString(w), "i", "0", channel, ""),
          (List<Object> out, Throwable err) -> {
            try {
              if (err == null && number(out.get(0)) >= 0) {
                Shared s = shared(key, hash, w);
                synchronized (s) {
                  if (s.window == w && s.unanswered == 0) {
                    answered(s, out);
                  }
                }
              }
            } finally {
              probing.decrementAndGet(); // after the answer is known here: settled() never sees it half done
            }
          });
    }
    return 0;
  }

  private long count(String key, long w, long counted) {
    long now = clock.millis();
    String hash = keys.hash(use, key);
    Shared s = shared(key, hash, w);
    synchronized (s) {
      if (s.window != w) { // another window for the same key: start it over, as the local store does
        s.window = w;
        s.forgetFleet();
      }
      s.unanswered++;
      long answer = Math.max(counted, s.fleet(now) + s.unanswered);
      send(s, hash, now, 'a');
      return answer;
    }
  }

  /** Sends one event of {@code s} (its lock held); the answer updates what is known of the fleet. */
  private void send(Shared s, String hash, long now, char mode) {
    long generation = s.generation;
    boolean reset = s.resetPending;
    s.resetPending = false;
    String[] k = {keys.key(use, "c", hash)};
    call(c -> ADD.run(c, ScriptOutputType.MULTI, k, Long.toString(now), Long.toString(s.window),
        String.valueOf(mode), reset ? "1" : "0", channel, message('c', hash)),
        (List<Object> out, Throwable err) -> {
          synchronized (s) {
            if (s.generation != generation) {
              return; // reset since: this answer counts what came before
            }
            s.unanswered = Math.max(0, s.unanswered - 1);
            if (err != null) {
              s.resetPending |= reset;
            } else {
              answered(s, out);
            }
          }
        });
  }

  private static void answered(Shared s, List<Object> out) {
    long start = number(out.get(0));
    if (start >= s.start) { // answers come in order; a later window never goes back to an earlier one
      s.start = start;
      s.current = number(out.get(1));
      s.previous = number(out.get(2));
    }
  }

  @Override
  public void reset(String key) {
    local.reset(key);
    String hash = keys.hash(use, key);
    Object known = shared.getIfPresent("c" + hash);
    Shared s = known instanceof Shared sh ? sh : null;
    long generation;
    if (s != null) {
      synchronized (s) {
        s.generation++;
        s.forgetFleet();
        s.resetPending = false;
        generation = s.generation;
      }
    } else {
      generation = 0;
    }
    String[] k = {keys.key(use, "c", hash)};
    call(c -> RESET.run(c, ScriptOutputType.INTEGER, k, channel, message('c', hash)), (Long out, Throwable err) -> {
      if (err != null) {
        Shared p = s != null ? s : shared(key, hash, PENDING_RESET_MILLIS);
        synchronized (p) {
          if (p.generation == generation) {
            p.resetPending = true;
          }
        }
      }
    });
  }

  @Override
  public int addDistinct(String key, long member, Duration window, int capacity) {
    int counted = local.addDistinct(key, member, window, capacity); // checks the capacity
    long w = Math.max(1, window.toMillis());
    long now = clock.millis();
    String hash = keys.hash(use, key);
    String memberHash = keys.hash(use + ".member", Long.toString(member));
    SharedSet s = set(key, hash, w, capacity);
    synchronized (s) {
      if (s.window != w || s.capacity != capacity) {
        s.window = w;
        s.capacity = capacity;
        s.forgetFleet();
      }
      s.unanswered.merge(memberHash, 1, Integer::sum);
      int answer = Math.max(counted, s.distinct(now));
      long generation = s.generation;
      boolean reset = s.resetPending;
      s.resetPending = false;
      String[] k = {keys.key(use, "d", hash)};
      call(c -> ADD_DISTINCT.run(c, ScriptOutputType.MULTI, k, Long.toString(now), Long.toString(w),
          Integer.toString(capacity), memberHash, reset ? "1" : "0", channel, message('d', hash)),
          (List<Object> out, Throwable err) -> {
            synchronized (s) {
              if (s.generation != generation) {
                return;
              }
              s.unanswered.computeIfPresent(memberHash, (m, n) -> n > 1 ? n - 1 : null);
              if (err != null) {
                s.resetPending |= reset;
                return;
              }
              Map<String, Long> fleet = new HashMap<>();
              for (int i = 0; i + 1 < out.size(); i += 2) {
                fleet.put(String.valueOf(out.get(i)), (long) Double.parseDouble(String.valueOf(out.get(i + 1))));
              }
              s.fleet = fleet;
            }
          });
      return answer;
    }
  }

  @Override
  public void clearDistinct(String key) {
    local.clearDistinct(key);
    String hash = keys.hash(use, key);
    SharedSet s = shared.getIfPresent("d" + hash) instanceof SharedSet known ? known : null;
    long generation = 0;
    if (s != null) {
      synchronized (s) {
        s.generation++;
        s.forgetFleet();
        s.resetPending = false;
        generation = s.generation;
      }
    }
    long g = generation;
    String[] k = {keys.key(use, "d", hash)};
    call(c -> RESET.run(c, ScriptOutputType.INTEGER, k, channel, message('d', hash)), (Long out, Throwable err) -> {
      if (err != null) {
        SharedSet p = s != null ? s : set(key, hash, PENDING_RESET_MILLIS, 1);
        synchronized (p) {
          if (p.generation == g) {
            p.resetPending = true;
          }
        }
      }
    });
  }

  /**
   * A reset published by an instance ({@code <origin>\n<name>\n<c|d>\n<key hash>}): this instance starts the key over
   * too. Its own and other stores' messages are ignored.
   */
  void received(String message) {
    String[] p = message.split("\n", 4);
    if (p.length != 4 || p[0].equals(origin) || !p[1].equals(name)) {
      return;
    }
    Object known = shared.getIfPresent(p[2] + p[3]);
    if (known instanceof Shared s) {
      synchronized (s) {
        local.reset(s.key);
        s.generation++;
        s.forgetFleet();
      }
    } else if (known instanceof SharedSet s) {
      synchronized (s) {
        local.clearDistinct(s.key);
        s.generation++;
        s.forgetFleet();
      }
    }
  }

  private String message(char kind, String hash) {
    return origin + "\n" + name + "\n" + kind + "\n" + hash;
  }

  private Shared shared(String key, String hash, long window) {
    return (Shared) shared.get("c" + hash, x -> new Shared(key, window));
  }

  private SharedSet set(String key, String hash, long window, int capacity) {
    return (SharedSet) shared.get("d" + hash, x -> new SharedSet(key, window, capacity));
  }

  /**
   * Sends a command without waiting; {@code then} runs on Lettuce's I/O thread with its answer or its failure (the
   * client's deadline included). A command the client refuses at once (disconnected) fails the same way.
   */
  private <T> void call(java.util.function.Function<io.lettuce.core.api.async.RedisAsyncCommands<String, String>,
      CompletionStage<T>> command, BiConsumer<T, Throwable> then) {
    CompletionStage<T> future;
    try {
      future = command.apply(redis.connection().async());
    } catch (RuntimeException e) {
      degraded = true;
      then.accept(null, e);
      return;
    }
    future.whenComplete((out, err) -> {
      degraded = err != null;
      then.accept(out, err);
    });
  }

  private static long number(Object o) {
    return o instanceof Long l ? l : Long.parseLong(String.valueOf(o));
  }
}
