package dev.zt.redis;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.zt.core.spi.RateBucket;
import dev.zt.core.spi.RateBuckets;
import dev.zt.core.spi.SecurityState;
import dev.zt.core.spi.StateUnavailableException;
import dev.zt.core.spi.StoreSettings;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rate buckets shared by the fleet: one Redis hash per key ({@code <ns>:rate:<name>:<hash>}) run by {@link RateScript},
 * with local leases and a local share of the limit while Redis is down.
 *
 * <p><b>Leases.</b> A key that is hot on this instance (it spent at least one token per {@code leaseShare × the
 * shortest period} here since its previous call to Redis) takes {@code floor(leaseShare × the smallest band's
 * capacity)} tokens at a time (none below 2: then each token is one call) and spends them locally, lock-free; a cold
 * key (its first request, or the first after a quiet spell) takes one token, so many quiet identities do not each
 * hold a lease. A lease lives the time its tokens take to refill, at least {@link #MIN_LEASE_MILLIS} and at most the
 * shortest period; when it ends, its unused tokens go back to the shared bucket ({@link RateScript#REFUND}, sent
 * without waiting, never above what the bucket would hold without the lease), so a client is charged for what it
 * spent, not for what was leased. An instance spends at most one lease beyond what the shared bucket allowed (a
 * lease taken before a refill spent after it): the fleet-wide limit holds within one lease per instance. When Redis
 * answers "none", the handle refuses locally until the wait it was told has passed, or a lease's time if that is
 * sooner (another instance may give tokens back), so a client over its limit does not cost a round trip per
 * request.
 *
 * <p><b>Outage.</b> A call that fails (deadline, disconnection) turns the store to local buckets holding
 * {@code localShare} of each band (at least one token), never unlimited and never a refusal for the outage itself;
 * Redis is asked again at most once a second (by one caller), and the handles go back to the shared buckets when it
 * answers. What was consumed locally meanwhile is not written to Redis.
 */
final class RedisRateBuckets implements RateBuckets {

  private static final Logger LOG = LoggerFactory.getLogger(RedisRateBuckets.class);
  private static final long RETRY_MILLIS = 1000;
  private static final Consumption CONSUMED = new Consumption(true, 0);
  private static final Lease NO_LEASE = new Lease(Long.MIN_VALUE, Long.MIN_VALUE, 0, new long[0]);
  /** The shortest a lease lives (ms), so a hot key costs at most about ten leases (and refunds) a second. */
  static final long MIN_LEASE_MILLIS = 100;

  private final Redis redis;
  private final Keys keys;
  private final String use;
  private final Clock clock;
  private final double leaseShare;
  private final double localShare;
  private final RateBuckets local;
  private final Cache<String, Handle> handles;
  /** 0 while Redis answers; else when it may be asked again (the enforcer's clock, ms). */
  private final AtomicLong retryAt = new AtomicLong();
  /** Whether Redis is known to hold the refund script (EVALSHA), else its text is sent (EVAL). */
  private final AtomicBoolean refundLoaded = new AtomicBoolean();

  RedisRateBuckets(Redis redis, Keys keys, String name, StoreSettings settings, double leaseShare, double localShare) {
    this.redis = redis;
    this.keys = keys;
    this.use = "rate:" + Keys.requireName("store name", name);
    this.clock = settings.clock();
    this.leaseShare = leaseShare;
    this.localShare = localShare;
    this.local = SecurityState.inMemory().rateBuckets(name, settings);
    this.handles = Caffeine.newBuilder().maximumSize(settings.maxEntries()).expireAfterAccess(Duration.ofDays(1))
        .ticker(() -> clock.millis() * 1_000_000L).executor(Runnable::run).build();
  }

  @Override
  public RateBucket bucket(String key, List<Band> bands) {
    if (bands.isEmpty()) {
      throw new IllegalArgumentException("a bucket has at least one band");
    }
    Handle h = handles.getIfPresent(key);
    return h != null ? h : handles.get(key, k -> new Handle(k, List.copyOf(bands)));
  }

  /** Whether the store answers locally now: Redis failed and it is not yet time to ask it again. */
  boolean down(long now) {
    long at = retryAt.get();
    return at != 0 && now < at;
  }

  /** Whether this caller asks Redis (up, or the retry time has come and no other caller took it). */
  private boolean mayAsk(long now) {
    long at = retryAt.get();
    return at == 0 || (now >= at && retryAt.compareAndSet(at, now + RETRY_MILLIS));
  }

  private void failed(long now, StateUnavailableException e) {
    if (retryAt.getAndSet(now + RETRY_MILLIS) == 0) {
      LOG.warn("zt Redis rate buckets unavailable: each bucket serves {} of its limit locally until Redis answers ({})",
          localShare, e.getMessage());
    }
  }

  private void answered() {
    if (retryAt.get() != 0 && retryAt.getAndSet(0) != 0) {
      LOG.info("zt Redis rate buckets answer again: back to the shared buckets");
    }
  }

  /**
   * Tokens taken from Redis at {@code since}, spent locally until {@code until} (the enforcer's clock, ms); what is
   * left when it ends goes back ({@link RateScript#REFUND}, with each band's room at the take).
   */
  private static final class Lease {
    final long since;
    final long until;
    final AtomicInteger left;
    final long[] rooms;

    Lease(long since, long until, int left, long[] rooms) {
      this.since = since;
      this.until = until;
      this.left = new AtomicInteger(left);
      this.rooms = rooms;
    }

    boolean take(long now) {
      if (now >= until) {
        return false;
      }
      for (int n = left.get(); n > 0; n = left.get()) {
        if (left.compareAndSet(n, n - 1)) {
          return true;
        }
      }
      return false;
    }
  }

  /**
   * One shape of a bucket: its bands, the script's arguments, the lease size, how long a lease lives
   * ({@code leaseMillis}: the time its tokens take to refill, at least {@link #MIN_LEASE_MILLIS}, at most the shortest
   * period), and {@code hotMillis}: a key leases only when it spent at least a token per {@code hotMillis} on this
   * instance since its previous call to Redis ({@code leaseShare × the shortest period}: 20 tokens a period at 5 %).
   */
  private record Shape(List<Band> bands, String[] args, int leaseSize, long leaseMillis, long hotMillis,
      List<Band> localBands, long smallest) {

    static Shape of(List<Band> bands, double leaseShare, double localShare) {
      long smallest = Long.MAX_VALUE;
      long shortest = Long.MAX_VALUE;
      double millisPerToken = Double.MAX_VALUE;
      List<Band> localBands = new ArrayList<>(bands.size());
      for (Band b : bands) {
        smallest = Math.min(smallest, b.capacity());
        shortest = Math.min(shortest, Math.max(1, b.period().toMillis()));
        millisPerToken = Math.min(millisPerToken, (double) b.period().toMillis() / b.capacity());
        localBands.add(new Band(b.name(), Math.max(1, (long) Math.floor(b.capacity() * localShare)), b.period(),
            b.refill()));
      }
      long lease = (long) Math.floor(leaseShare * smallest);
      int leaseSize = lease < 2 ? 0 : (int) Math.min(lease, 1 << 20);
      long leaseMillis = Math.min(shortest, Math.max(MIN_LEASE_MILLIS, (long) Math.floor(leaseSize * millisPerToken)));
      long hotMillis = Math.max(1, (long) Math.floor(leaseShare * shortest));
      return new Shape(List.copyOf(bands), RateScript.arguments(bands), leaseSize, leaseMillis, hotMillis,
          List.copyOf(localBands), smallest);
    }
  }

  /** The handle of one key: a lease, a remembered refusal, and the local bucket used while Redis is down. */
  private final class Handle implements RateBucket {
    private final String key;
    private final String redisKey;
    private volatile Shape shape;
    private volatile Lease lease = NO_LEASE;
    /** Until when this handle refuses without asking Redis (ms), after Redis said there is no token. */
    private volatile long refusedUntil = Long.MIN_VALUE;
    /** When Redis said the next token is there (ms): the wait a refusal reports. */
    private volatile long nextTokenAt = Long.MIN_VALUE;
    /** When Redis last granted this handle tokens (ms), and how many: whether the key is hot here. Under leaseLock. */
    private long askedAt = Long.MIN_VALUE / 2;
    private long lastGranted;
    private volatile RateBucket outage;
    private final Object leaseLock = new Object();
    /** When {@link #tryConsumeLocally} last answered 0 (ms). */
    private volatile long localRefusalAt = Long.MIN_VALUE / 2;

    Handle(String key, List<Band> bands) {
      this.key = key;
      this.redisKey = keys.key(use, keys.hash(use, key));
      this.shape = Shape.of(bands, leaseShare, localShare);
    }

    @Override
    public int tryConsumeLocally() {
      long now = clock.millis();
      if (lease.take(now)) {
        return 1;
      }
      if (now < refusedUntil) {
        localRefusalAt = now;
        return 0;
      }
      if (down(now)) {
        if (local().tryConsume()) {
          return 1;
        }
        localRefusalAt = now;
        return 0;
      }
      return ASK_STORE;
    }

    @Override
    public boolean tryConsume() {
      int answer = tryConsumeLocally();
      return answer == ASK_STORE ? fromStore().consumed() : answer == 1;
    }

    @Override
    public Consumption tryConsumeAndReport() {
      long now = clock.millis();
      if (lease.take(now)) {
        return CONSUMED;
      }
      long refused = refusedUntil;
      if (now < refused) {
        return refusal(now);
      }
      if (down(now) || now - localRefusalAt <= 1) {
        // the caller was just refused locally (tryConsumeLocally: 0) and now asks how long to wait, maybe on a thread
        // that must not block: answered locally even if the refusal's wait or the outage's second ended meanwhile
        return retryAt.get() != 0 ? local().tryConsumeAndReport() : new Consumption(false, 1_000_000L);
      }
      return fromStore();
    }

    private Consumption fromStore() {
      Shape s = shape;
      if (s.leaseSize == 0) {
        return ask(s, 1);
      }
      // one lease at a time: callers that waited here spend the lease just taken. Its own lock, never the handle's:
      // reshape() and local() run on event loops and must not wait behind a Redis call
      synchronized (leaseLock) {
        long now = clock.millis();
        Lease l = lease;
        if (l.take(now)) {
          return CONSUMED;
        }
        if (now < refusedUntil) {
          return refusal(now);
        }
        // the lease is spent or has ended: its unused tokens go back, sent without waiting (before the next call on
        // the same connection, so Redis has them first); the key leases again only if it is hot here
        int unused = l.left.getAndSet(0);
        if (unused > 0) {
          refund(s, l, unused, now);
        }
        long used = Math.max(1, lastGranted - unused);
        boolean hot = now - askedAt < used * s.hotMillis;
        return ask(s, hot ? s.leaseSize : 1);
      }
    }

    private Consumption refusal(long now) {
      return new Consumption(false, Math.max(1, Math.max(refusedUntil, nextTokenAt) - now) * 1_000_000L);
    }

    /** Sends a lease's unused tokens back to the shared bucket without waiting; a refund that fails is lost. */
    private void refund(Shape s, Lease l, int unused, long now) {
      int n = s.bands.size();
      String[] args = new String[4 + 4 * n];
      args[0] = Long.toString(now);
      args[1] = s.args[2];
      args[2] = Long.toString(l.since);
      args[3] = Integer.toString(unused);
      for (int i = 0; i < n; i++) {
        args[4 + 4 * i] = s.args[3 + 3 * i];
        args[5 + 4 * i] = s.args[4 + 3 * i];
        args[6 + 4 * i] = s.args[5 + 3 * i];
        args[7 + 4 * i] = Long.toString(i < l.rooms.length ? l.rooms[i] : 0);
      }
      RateScript.refund(redis, redisKey, args, refundLoaded);
    }

    private Consumption ask(Shape s, int want) {
      long now = clock.millis();
      if (!mayAsk(now)) {
        return local().tryConsumeAndReport(); // another caller is asking Redis whether it is back
      }
      String[] args = s.args.clone();
      args[0] = Long.toString(now);
      args[1] = Integer.toString(want);
      long[] answer;
      try {
        answer = RateScript.take(redis, redisKey, args);
      } catch (StateUnavailableException e) {
        failed(now, e);
        return local().tryConsumeAndReport();
      }
      answered();
      long granted = answer[0];
      if (s.leaseSize > 0) {
        askedAt = now;
        lastGranted = Math.max(0, granted);
      }
      if (granted <= 0) {
        long wait = Math.max(1, answer[1]);
        long waitMillis = (wait + 999_999) / 1_000_000;
        nextTokenAt = now + waitMillis;
        // with leases, another instance may give tokens back sooner: ask again after a lease's time at the latest
        refusedUntil = now + (s.leaseSize > 0 ? Math.min(waitMillis, s.leaseMillis) : waitMillis);
        return new Consumption(false, wait);
      }
      if (granted > 1) {
        // spent here, lock-free, until it ends; then what is left goes back (fromStore)
        long[] rooms = new long[answer.length - 2];
        System.arraycopy(answer, 2, rooms, 0, rooms.length);
        lease = new Lease(now, now + s.leaseMillis, (int) granted - 1, rooms);
      }
      return CONSUMED;
    }

    private RateBucket local() {
      RateBucket b = outage;
      if (b == null) {
        synchronized (this) {
          b = outage;
          if (b == null) {
            b = local.bucket(key, shape.localBands);
            outage = b;
          }
        }
      }
      return b;
    }

    @Override
    public synchronized void reshape(List<Band> next) {
      Shape old = shape;
      if (next.equals(old.bands)) {
        return; // already so shaped (by another holder of this key)
      }
      Shape s = Shape.of(next, leaseShare, localShare);
      shape = s;
      // Redis rescales the shared bucket on the next call (the capacities travel with it); the lease is rescaled
      // here in the same proportion, and a remembered refusal may no longer hold
      Lease l = lease;
      int left = l.left.getAndSet(0);
      if (left > 0) {
        lease = new Lease(l.since, l.until, (int) Math.floor((double) left * s.smallest / old.smallest), l.rooms);
      }
      refusedUntil = Long.MIN_VALUE;
      nextTokenAt = Long.MIN_VALUE;
      RateBucket b = outage;
      if (b != null) {
        b.reshape(s.localBands);
      }
    }
  }
}
