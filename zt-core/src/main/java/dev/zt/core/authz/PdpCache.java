package dev.zt.core.authz;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * A decision cache in front of a {@link PolicyDecisionPoint}: bounded (Caffeine, size only), a short TTL on the
 * enforcer's clock, keyed by the input fields the policy declares it reads ({@link Builder#keyFields(List)}; the whole
 * canonical input by default) and by the policy revision.
 *
 * <ul>
 *   <li>Only {@link PdpDecision.Allow} and {@link PdpDecision.Deny} are cached; {@link PdpDecision.Unavailable} never
 *       is (the next request asks again).
 *   <li>Each answer carries its revision (OPA's bundle revision, an AuthZEN client's revision source). When an answer
 *       names a revision other than the current one, that revision becomes current and every entry is dropped; an
 *       entry is only ever found under the revision current when it is looked up. While no call sees a new revision
 *       (every request hits), a decision may be up to the TTL older than the policy: <b>the staleness bound is the
 *       TTL</b>. An answer without a revision is cached only while no revision has been seen.
 *   <li>Concurrent misses on one key share one call (single flight).
 *   <li>Correctness of {@link Builder#keyFields(List)} is the policy author's: a field the policy reads but the key
 *       leaves out lets two inputs that differ in it share a decision.
 * </ul>
 *
 * <p>A hit allocates the key: with the default key, one small record around the input's precomputed canonical JSON;
 * with declared fields, also an array of the fields' values and its list view (the values themselves are the input's
 * own immutable objects, compared by value: no JSON text is built). The cached answer is a completed stage handed out as is
 * (its {@code toCompletableFuture()} is a copy, so no caller can change it for the next).
 *
 * @since 0.3
 */
public final class PdpCache implements PolicyDecisionPoint {

  static final Duration DEFAULT_TTL = Duration.ofSeconds(5);
  static final Duration MAX_TTL = Duration.ofMinutes(5);
  static final long DEFAULT_MAX_ENTRIES = 10_000;

  /**
   * The lookup key: the revision current at the lookup and either the whole input's canonical JSON or the list of the
   * declared fields' values (immutable JSON values with value equality; {@link #ABSENT} for a missing one).
   */
  private record Key(String revision, Object fields) {}

  /** A declared field the input does not have (distinct from every JSON value). */
  private static final Object ABSENT = new Object();

  /** A cached decision, its completed stage, and the end of its life in the clock's milliseconds. */
  private record Entry(CompletionStage<PdpDecision> stage, long untilMillis) {}

  private final PolicyDecisionPoint delegate;
  private final List<String> keyFields;
  private final String[][] keyPaths;
  private final long ttlMillis;
  private final Clock clock;
  private final Cache<Key, Entry> entries;
  private final ConcurrentHashMap<Key, CompletableFuture<PdpDecision>> inFlight = new ConcurrentHashMap<>();
  private final LongAdder hits = new LongAdder();
  private final LongAdder misses = new LongAdder();
  private volatile String revision = "";

  private PdpCache(Builder b) {
    this.delegate = b.delegate;
    this.keyFields = b.keyFields;
    this.keyPaths = b.keyFields == null ? null
        : b.keyFields.stream().map(p -> p.split("\\.", -1)).toArray(String[][]::new);
    this.ttlMillis = (b.ttl == null ? DEFAULT_TTL : b.ttl).toMillis();
    this.clock = b.clock == null ? Clock.systemUTC() : b.clock;
    long max = b.maxEntries == null ? DEFAULT_MAX_ENTRIES : b.maxEntries;
    // size-bounded only: every time decision reads the injected clock (a Caffeine expiry would read its own ticker)
    this.entries = Caffeine.newBuilder().maximumSize(max).executor(Runnable::run).build();
  }

  /** A builder for a cache in front of {@code delegate}. */
  public static Builder builder(PolicyDecisionPoint delegate) {
    return new Builder(delegate);
  }

  @Override
  public CompletionStage<PdpDecision> decide(PdpInput input) {
    Objects.requireNonNull(input, "input");
    Key key = new Key(revision, keyPaths == null ? input.canonicalJson() : selected(input.document()));
    Entry e = entries.getIfPresent(key);
    if (e != null) {
      if (clock.millis() < e.untilMillis()) {
        hits.increment();
        return e.stage();
      }
      entries.asMap().remove(key, e);
    }
    misses.increment();
    CompletableFuture<PdpDecision> mine = new CompletableFuture<>();
    CompletableFuture<PdpDecision> running = inFlight.putIfAbsent(key, mine);
    if (running != null) {
      return running.minimalCompletionStage();
    }
    CompletionStage<PdpDecision> call;
    try {
      call = Objects.requireNonNull(delegate.decide(input), "the PDP returned no stage");
    } catch (RuntimeException ex) {
      call = CompletableFuture.completedFuture(new PdpDecision.Unavailable(delegate.name() + " failed: "
          + ex.getClass().getSimpleName(), PdpHttp.DEFAULT_RETRY_AFTER));
    }
    call.whenComplete((decision, error) -> {
      PdpDecision d = decision != null ? decision : new PdpDecision.Unavailable(delegate.name() + " failed: "
          + (error == null ? "no decision" : error.getClass().getSimpleName()), PdpHttp.DEFAULT_RETRY_AFTER);
      try {
        store(key, d);
      } finally {
        inFlight.remove(key, mine);
        mine.complete(d);
      }
    });
    return mine.minimalCompletionStage();
  }

  /** The declared fields' values, walked without splitting or copying: one array and its list view. */
  private Object selected(java.util.Map<String, Object> document) {
    Object[] values = new Object[keyPaths.length];
    for (int i = 0; i < keyPaths.length; i++) {
      Object at = document;
      for (String part : keyPaths[i]) {
        at = at instanceof java.util.Map<?, ?> m ? m.get(part) : null;
        if (at == null) {
          break;
        }
      }
      values[i] = at == null ? ABSENT : at;
    }
    return java.util.Arrays.asList(values);
  }

  private void store(Key asked, PdpDecision d) {
    Optional<String> rev;
    if (d instanceof PdpDecision.Allow a) {
      rev = a.revision();
    } else if (d instanceof PdpDecision.Deny n) {
      rev = n.revision();
    } else {
      return; // Unavailable: never cached
    }
    String current = revision;
    if (rev.isEmpty()) {
      if (!current.isEmpty()) {
        return; // which revision decided is unknown once revisions are seen: not cached
      }
    } else if (!rev.get().equals(current)) {
      synchronized (this) {
        if (!rev.get().equals(revision)) {
          revision = rev.get();
          entries.invalidateAll();
        }
      }
      current = rev.get();
    }
    String r = rev.orElse("");
    if (!r.equals(current) || !r.equals(revision)) {
      return; // a newer revision was seen meanwhile
    }
    Key key = r.equals(asked.revision()) ? asked : new Key(r, asked.fields());
    entries.put(key, new Entry(CompletableFuture.completedStage(d), clock.millis() + ttlMillis));
  }

  @Override
  public String name() {
    return delegate.name();
  }

  /** Lookups answered from the cache. */
  public long hits() {
    return hits.sum();
  }

  /** Lookups that were not (a call, or a share of one under way). */
  public long misses() {
    return misses.sum();
  }

  /** The revision decisions are cached under ({@code ""} until one is seen). */
  public String revision() {
    return revision;
  }

  @Override
  public String toString() {
    return "PdpCache[" + delegate.name() + ", ttl=" + Duration.ofMillis(ttlMillis)
        + ", key=" + (keyFields == null ? "whole input" : keyFields) + "]";
  }

  /** Set-once options of a {@link PdpCache}. */
  public static final class Builder {
    private final PolicyDecisionPoint delegate;
    private List<String> keyFields;
    private Duration ttl;
    private Long maxEntries;
    private Clock clock;

    private Builder(PolicyDecisionPoint delegate) {
      this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    /**
     * The input fields the policy reads, as dotted paths ({@code caller.sub}, {@code resource.owner}): the key is
     * their values (and the revision). A field the policy reads but this list leaves out makes inputs that differ
     * only in it share a decision. Default: the whole canonical input.
     */
    public Builder keyFields(List<String> dottedPaths) {
      Objects.requireNonNull(dottedPaths, "dottedPaths");
      if (keyFields != null) {
        throw new IllegalStateException("keyFields already set to " + keyFields);
      }
      if (dottedPaths.isEmpty()) {
        throw new IllegalArgumentException("keyFields must name at least one field (leave it unset for the whole "
            + "input)");
      }
      for (String p : dottedPaths) {
        Objects.requireNonNull(p, "key field");
        if (p.isEmpty() || p.startsWith(".") || p.endsWith(".") || p.contains("..")) {
          throw new IllegalArgumentException("not a dotted path: '" + p + "'");
        }
      }
      if (dottedPaths.stream().distinct().count() != dottedPaths.size()) {
        throw new IllegalArgumentException("keyFields names a field twice: " + dottedPaths);
      }
      keyFields = List.copyOf(dottedPaths);
      return this;
    }

    /** How long a decision is reused (default 5 s, at most 5 min): the staleness bound. */
    public Builder ttl(Duration ttl) {
      Objects.requireNonNull(ttl, "ttl");
      if (this.ttl != null) {
        throw new IllegalStateException("ttl already set to " + this.ttl);
      }
      if (ttl.compareTo(Duration.ofMillis(1)) < 0 || ttl.compareTo(MAX_TTL) > 0) {
        throw new IllegalArgumentException("ttl must be between 1 ms and " + MAX_TTL + ": " + ttl);
      }
      this.ttl = ttl;
      return this;
    }

    /** The most decisions kept (default 10,000); the least recently used go first. */
    public Builder maxEntries(long maxEntries) {
      if (this.maxEntries != null) {
        throw new IllegalStateException("maxEntries already set to " + this.maxEntries);
      }
      if (maxEntries < 1 || maxEntries > 10_000_000) {
        throw new IllegalArgumentException("maxEntries must be between 1 and 10,000,000: " + maxEntries);
      }
      this.maxEntries = maxEntries;
      return this;
    }

    /** The clock the TTL is read on (the enforcer's; tests move a {@code TestClock}). Default: the system clock. */
    public Builder clock(Clock clock) {
      Objects.requireNonNull(clock, "clock");
      if (this.clock != null) {
        throw new IllegalStateException("clock already set");
      }
      this.clock = clock;
      return this;
    }

    /** The cache; thread-safe. */
    public PdpCache build() {
      return new PdpCache(this);
    }
  }
}
