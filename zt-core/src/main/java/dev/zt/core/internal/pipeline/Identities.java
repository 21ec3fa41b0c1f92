package dev.zt.core.internal.pipeline;

import dev.zt.core.Caller;
import dev.zt.core.policy.Route;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What zt remembers per identity between requests, for the trust and rate gates together: the behaviour baseline and
 * the rate buckets, behind one cache lookup per request (the trust gate makes it, the rate gate reuses it through
 * the {@link RequestState}). Bounded: at most {@code maxIdentities} (least recently used go first), and an identity
 * idle
 * for a day is forgotten — its buckets would have refilled long before.
 */
public final class Identities {

  /** One identity's state for one route rule (a rate bucket): found by its slot. */
  public interface PerRoute {
    /** The route rule's slot ({@link Identities#slot}). */
    int slot();
  }


  /**
   * The request's time while this thread asks the cache for it ({@link #get(String, boolean, long)}): what the cache's
   * ticker reads then, so the cache does not read the clock a second time for the request. {@code [1] != 0} while
   * set; outside such a call (maintenance from tests, {@link #peek}) the ticker reads the clock.
   */
  private static final ThreadLocal<long[]> REQUEST_TIME = ThreadLocal.withInitial(() -> new long[2]);

  private final Cache<String, State> states;
  private final Clock clock;
  private final java.util.function.LongFunction<Object> baselines; // null: no baselines
  private final Map<String, Integer> slots = new HashMap<>();
  private final Map<Route, Integer> slotsByRule = new java.util.IdentityHashMap<>(); // the policy's own Route objects
  private final String[] routeIds;
  private final int defaultSlot;
  private final Optional<String> tenantClaim;

  public Identities(long maxIdentities, Clock clock, java.util.function.LongFunction<Object> baselines,
      List<Route> routes, Optional<String> tenantClaim) {
    this.states = Caffeine.newBuilder().maximumSize(maxIdentities).expireAfterAccess(Duration.ofDays(1))
        .evictionListener((String key, State state, RemovalCause cause) -> {
          if (state != null) {
            state.retired = true; // callers' hints to it stop being used
          }
        })
        // idle expiry on the enforcer's clock, like everything else: the request's time when a request asks
        .ticker(() -> {
          long[] at = REQUEST_TIME.get();
          return (at[1] != 0 ? at[0] : clock.millis()) * 1_000_000L;
        })
        .executor(Runnable::run).build();
    this.clock = clock;
    this.baselines = baselines;
    for (Route r : routes) {
      slots.putIfAbsent(r.id(), slots.size());
      slotsByRule.putIfAbsent(r, slots.get(r.id()));
    }
    this.defaultSlot = slots.size();
    this.routeIds = new String[defaultSlot];
    slots.forEach((id, slot) -> routeIds[slot] = id);
    this.tenantClaim = tenantClaim;
  }

  /** How many slots {@link #slot} hands out: one per route rule, and one for requests no rule matched. */
  public int slotCount() {
    return defaultSlot + 1;
  }

  /** The slot of the exchange's route rule, found once per request and kept on the exchange. */
  public int slotOf(RequestState exchange) {
    int s = exchange.routeSlot();
    if (s < 0) {
      s = slot(exchange.routeOrNull());
      exchange.routeSlot(s);
    }
    return s;
  }

  /** The slot of a route rule (its position in the policy); requests that matched none share the last one. */
  public int slot(Route route) {
    if (route == null) {
      return defaultSlot;
    }
    Integer s = slotsByRule.get(route); // no string hashed per request
    if (s == null) {
      s = slots.get(route.id());
    }
    return s == null ? defaultSlot : s;
  }

  /** The route id of a slot, for the rate gate's per-route limits. */
  public String routeId(int slot) {
    return slot == defaultSlot ? Route.DEFAULT_DENY : routeIds[slot];
  }

  /**
   * The state of the exchange's identity (× tenant, when limits are per tenant), created on first sight. Found once
   * per request and kept on the exchange. An authenticated caller remembers where its state was (a hint on the cached
   * {@link Caller}), so a request with an already-validated token usually skips the cache: the hint is used while it
   * belongs to this enforcer, was not evicted, and was refreshed through the cache within the last second (which
   * keeps the cache's recency and frequency for active identities, so they are not the ones evicted or expired).
   */
  public State of(RequestState exchange, long nowMillis) {
    State s = exchange.identityState();
    if (s != null) {
      return s;
    }
    Caller caller = exchange.caller();
    if (CoreAccess.callers().identityKey(caller) == null && exchange.identity().equals(RequestState.UNKNOWN)) {
      // a client whose address is not known shares nothing with other unknown clients: no bucket, no baseline
      s = new State(this, null, null);
      exchange.identityState(s);
      return s;
    }
    s = CoreAccess.callers().stateHint(caller);
    if (s == null || s.owner != this || s.retired || nowMillis - s.touched >= 1000 || nowMillis < s.touched) {
      s = get(key(exchange.identity(), caller), baselines != null, nowMillis);
      s.touched = nowMillis;
      if (CoreAccess.callers().identityKey(caller) != null) {
        CoreAccess.callers().stateHint(caller, s);
      }
    }
    exchange.identityState(s);
    return s;
  }

  /**
   * The state under {@code key}, created on first sight; {@code withBaseline} false for network-wide buckets. The
   * cache's idle expiry reads {@code nowMillis}, the request's time, not the clock.
   */
  public State get(String key, boolean withBaseline, long nowMillis) {
    long[] at = REQUEST_TIME.get();
    long outerTime = at[0];
    long outerSet = at[1];
    at[0] = nowMillis;
    at[1] = 1;
    try {
      State s = states.getIfPresent(key);
      if (s == null) {
        s = states.get(key, k -> new State(this, k,
            withBaseline && baselines != null ? baselines.apply(nowMillis) : null));
      }
      return s;
    } finally {
      at[0] = outerTime;
      at[1] = outerSet;
    }
  }

  /** Runs pending evictions now (tests). */
  public void cleanUp() {
    states.cleanUp();
  }

  /** The state under {@code key} if there is one; never creates. */
  public State peek(String identity, Caller caller) {
    return states.getIfPresent(key(identity, caller));
  }

  private String key(String identity, Caller caller) {
    if (tenantClaim.isEmpty()) {
      return identity;
    }
    String tenant = caller.credential().flatMap(t -> t.claimAtPath(tenantClaim.get())).map(String::valueOf).orElse("");
    return tenant.isEmpty() ? identity : identity + '\u0000' + tenant;
  }

  /** One identity's baseline and buckets. */
  public static final class State {
    private static final PerRoute[] NONE = new PerRoute[0];

    private final Identities owner;
    private final String key;
    private final Object baseline;
    /** Buckets by slot, copy-on-write: created once per identity and route, read on every request. */
    private volatile PerRoute[] buckets = NONE;
    /** Set when the cache evicted this state: hints to it are then ignored. */
    volatile boolean retired;
    /** When this state was last found through the cache (millis of the enforcer's clock). */
    volatile long touched;

    State(Identities owner, String key, Object baseline) {
      this.owner = owner;
      this.key = key;
      this.baseline = baseline;
    }

    /**
     * The key this state is kept under (the identity, with its tenant when limits are per tenant; a network key for
     * network-wide buckets), or {@code null} for a client that shares nothing (its address unknown).
     */
    public String key() {
      return key;
    }

    /** The behaviour baseline, or {@code null} when behaviour is off (or for network-wide buckets). */
    public Object baseline() {
      return baseline;
    }

    /** The bucket for {@code slot}, or {@code null} before the identity's first request on it. */
    public PerRoute bucket(int slot) {
      for (PerRoute h : buckets) {
        if (h.slot() == slot) {
          return h;
        }
      }
      return null;
    }

    /** Adds {@code held} for its slot, unless a concurrent request added one first (then that one is returned). */
    public synchronized PerRoute add(PerRoute held) {
      PerRoute[] current = buckets;
      for (PerRoute h : current) {
        if (h.slot() == held.slot()) {
          return h;
        }
      }
      PerRoute[] next = java.util.Arrays.copyOf(current, current.length + 1);
      next[current.length] = held;
      buckets = next;
      return held;
    }
  }
}
