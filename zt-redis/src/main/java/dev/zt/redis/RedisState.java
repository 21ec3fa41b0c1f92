package dev.zt.redis;

import dev.zt.core.spi.IdentityFlags;
import dev.zt.core.spi.RateBuckets;
import dev.zt.core.spi.SecurityState;
import dev.zt.core.spi.SingleUse;
import dev.zt.core.spi.SlidingCounters;
import dev.zt.core.spi.SourceBlocks;
import dev.zt.core.spi.StateUnavailableException;
import dev.zt.core.spi.StoreSettings;
import dev.zt.core.spi.Suspensions;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisURI;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import java.net.SocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Security state shared by a fleet through Redis (Lettuce): the single-use store (DPoP {@code jti}, RFC 9449 §11.1),
 * suspensions, source blocks, identity flags and rate buckets. Keys are {@code <namespace>:…:<SHA-256>}, never a raw
 * token, {@code jti}, subject, identity or address.
 *
 * <p>Every call has a deadline ({@link Builder#timeout}, 100 ms by default) and a disconnected client rejects
 * commands at once instead of queueing them, so an outage costs a request at most the deadline. On Redis trouble the
 * single-use store answers {@code UNAVAILABLE} (the request is refused), and suspensions, blocks and flags known to
 * this instance stay enforced: checks are answered from a local mirror kept current by pub/sub and by a periodic
 * reconciliation scan; writes never wait on Redis, and those it does not take are kept locally and written back when
 * it returns. Rate limits fall back to a local share of each limit ({@link Builder#localShare}), never unlimited.
 *
 * <p>Set it on an enforcer with {@code Enforcer.Builder.state(redisState)}; close it when the service stops.
 *
 * @since 0.1
 */
public final class RedisState implements SecurityState, AutoCloseable {

  private final ClientResources resources;
  private final RedisClient client;
  private final StatefulRedisConnection<String, String> connection;
  private final Redis redis;
  private final Keys keys;
  private final Duration timeout;
  private final ScheduledExecutorService reconciler;
  private final Duration reconcileEvery;
  private final double leaseShare;
  private final double localShare;
  private final List<RedisSuspensions> suspensions = new CopyOnWriteArrayList<>();
  private final List<MirroredEntries> mirrors = new CopyOnWriteArrayList<>();
  private final List<StatefulRedisPubSubConnection<String, String>> subscriptions = new CopyOnWriteArrayList<>();
  private final List<RedisSlidingCounters> counters = new CopyOnWriteArrayList<>();
  private StatefulRedisPubSubConnection<String, String> counterResets; // guarded by this

  private RedisState(Builder b) {
    this.keys = new Keys(b.namespace);
    this.timeout = b.timeout;
    this.reconcileEvery = b.reconcileEvery;
    this.leaseShare = b.leaseShare;
    this.localShare = b.localShare;
    this.resources = ClientResources.builder()
        .reconnectDelay(Delay.exponential(Duration.ofMillis(50), Duration.ofSeconds(2), 2, TimeUnit.MILLISECONDS))
        .build();
    RedisURI uri = RedisURI.create(b.uri);
    uri.setTimeout(timeout);
    ClientOptions.Builder options = ClientOptions.builder()
        .autoReconnect(true)
        .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
        .timeoutOptions(TimeoutOptions.enabled(timeout));
    try {
      RedisTls.configure(uri, Optional.ofNullable(b.trustedCertificates), b.skipHostnameVerification, options);
    } catch (RuntimeException e) {
      resources.shutdown(0, 2, TimeUnit.SECONDS);
      throw e;
    }
    this.client = RedisClient.create(resources, uri);
    client.setOptions(options.build());
    this.reconciler = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "zt-redis-reconcile");
      t.setDaemon(true);
      return t;
    });
    try {
      this.connection = client.connect();
    } catch (RuntimeException e) {
      close();
      throw RedisTls.explain(e);
    }
    this.redis = new Redis(connection, timeout);
    // a reconnected subscription may have missed messages: heal at once rather than at the next tick
    client.addListener(new RedisConnectionStateListener() {
      @Override
      public void onRedisConnected(RedisChannelHandler<?, ?> connection, SocketAddress address) {
        reconcileSoon();
      }
    });
  }

  /** A builder for {@code uri} ({@code redis://[user:password@]host:port}, {@code rediss://} for TLS). */
  public static Builder builder(String uri) {
    return new Builder(uri);
  }

  /** The single-use store {@code name} ({@code dpop}, …): {@code SET NX PX}, shared by every instance. */
  @Override
  public SingleUse singleUse(String name, StoreSettings settings) {
    Objects.requireNonNull(settings, "settings");
    return new RedisSingleUse(redis, keys, name);
  }

  /**
   * The shared suspensions: checked from a local mirror, propagated by pub/sub, reconciled by a scan every
   * {@link Builder#reconcileEvery} (and at once after a reconnect).
   */
  @Override
  public Suspensions suspensions(StoreSettings settings) {
    StatefulRedisPubSubConnection<String, String> sub = client.connectPubSub();
    subscriptions.add(sub);
    RedisSuspensions store = new RedisSuspensions(redis, keys, settings, sub, timeout);
    suspensions.add(store);
    store.reconcile();
    long every = reconcileEvery.toMillis();
    reconciler.scheduleWithFixedDelay(store::reconcile, every, every, TimeUnit.MILLISECONDS);
    return store;
  }

  /**
   * The shared source blocks (addresses and networks hashed in Redis): checked from a local mirror, propagated by
   * pub/sub, reconciled like {@link #suspensions}; a block is enforced here at once and sent without waiting.
   */
  @Override
  public SourceBlocks sourceBlocks(StoreSettings settings) {
    return new RedisSourceBlocks(mirrored("blk", "an", settings));
  }

  /**
   * The shared identity flags and trust caps (identities and subjects hashed in Redis): read from a local mirror,
   * propagated and reconciled like {@link #sourceBlocks}.
   */
  @Override
  public IdentityFlags identityFlags(StoreSettings settings) {
    return new RedisIdentityFlags(mirrored("flg", RedisIdentityFlags.SLOTS, settings));
  }

  private MirroredEntries mirrored(String use, String slots, StoreSettings settings) {
    Objects.requireNonNull(settings, "settings");
    StatefulRedisPubSubConnection<String, String> sub = client.connectPubSub();
    subscriptions.add(sub);
    MirroredEntries store = new MirroredEntries(redis, keys, use, slots, settings, sub, timeout);
    mirrors.add(store);
    store.reconcile();
    long every = reconcileEvery.toMillis();
    reconciler.scheduleWithFixedDelay(store::reconcile, every, every, TimeUnit.MILLISECONDS);
    return store;
  }

  /**
   * The sliding counters {@code name}, shared by the fleet: answered at once from what this instance knows (its own
   * events and the fleet's counts Redis last answered), each event sent to Redis without waiting; resets are
   * published to every instance. On Redis trouble it counts locally.
   */
  @Override
  public SlidingCounters slidingCounters(String name, StoreSettings settings) {
    Objects.requireNonNull(settings, "settings");
    RedisSlidingCounters store = new RedisSlidingCounters(connection, keys, name, settings, counterChannel());
    counters.add(store);
    return store;
  }

  /** The channel counter resets are published on; subscribed once, when the first counters are opened. */
  private synchronized String counterChannel() {
    String channel = keys.key("cnt");
    if (counterResets == null) {
      StatefulRedisPubSubConnection<String, String> sub = client.connectPubSub();
      subscriptions.add(sub);
      sub.addListener(new RedisPubSubAdapter<>() {
        @Override
        public void message(String from, String message) {
          if (channel.equals(from)) {
            counters.forEach(c -> c.received(message));
          }
        }
      });
      try {
        sub.async().subscribe(channel).get(Math.max(timeout.toMillis(), 1000), TimeUnit.MILLISECONDS);
      } catch (Exception e) {
        throw new StateUnavailableException("cannot subscribe to " + channel, e);
      }
      counterResets = sub;
    }
    return channel;
  }

  /**
   * Rate buckets shared by the fleet: a token-bucket script per key, spent through local leases of
   * {@link Builder#leaseShare} of a limit, and a local share ({@link Builder#localShare}) of each limit while Redis is
   * down. The validation budgets ({@code budget.*}) stay per instance: they bound this instance's signature work, and
   * are taken on the caller's thread (an event loop included), which must not wait on Redis.
   */
  @Override
  public RateBuckets rateBuckets(String name, StoreSettings settings) {
    Objects.requireNonNull(settings, "settings");
    if (name.startsWith("budget.")) {
      return SecurityState.inMemory().rateBuckets(name, settings);
    }
    return new RedisRateBuckets(redis, keys, name, settings, leaseShare, localShare);
  }

  /**
   * Whether this instance is not in step with Redis: a call failed, a change (a suspension, a block, a flag) waits to
   * be written, or the last reconciliation failed.
   */
  public boolean degraded() {
    return redis.failing() || suspensions.stream().anyMatch(RedisSuspensions::degraded)
        || mirrors.stream().anyMatch(MirroredEntries::degraded)
        || counters.stream().anyMatch(RedisSlidingCounters::degraded);
  }

  /** Whether every counter event sent has been answered or has failed (tests wait for it instead of sleeping). */
  boolean countersSettled() {
    return counters.stream().allMatch(RedisSlidingCounters::settled);
  }

  private void reconcileSoon() {
    if (!reconciler.isShutdown()) {
      for (RedisSuspensions s : suspensions) {
        reconciler.execute(s::reconcile);
      }
      for (MirroredEntries m : mirrors) {
        reconciler.execute(m::reconcile);
      }
    }
  }

  /** Closes the connections and stops the reconciliation. */
  @Override
  public void close() {
    reconciler.shutdownNow();
    subscriptions.forEach(StatefulRedisPubSubConnection::close);
    if (connection != null) {
      connection.close();
    }
    client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    resources.shutdown(0, 2, TimeUnit.SECONDS);
  }

  /** Set-once settings of a {@link RedisState}. */
  public static final class Builder {
    private final String uri;
    private String namespace;
    private Duration timeout;
    private Duration reconcileEvery;
    private double leaseShare = Double.NaN;
    private double localShare = Double.NaN;
    private Path trustedCertificates;
    private boolean skipHostnameVerification;

    private Builder(String uri) {
      this.uri = Objects.requireNonNull(uri, "uri");
    }

    /** The prefix of every key and channel, one per deployment ({@code zt} by default): 1–64 of [A-Za-z0-9._-]. */
    public Builder namespace(String namespace) {
      this.namespace = once(this.namespace, Keys.requireName("namespace", namespace), "namespace");
      return this;
    }

    /** The deadline of every call to Redis (100 ms by default), at least 1 ms. */
    public Builder timeout(Duration timeout) {
      this.timeout = once(this.timeout, positive(timeout, "timeout"), "timeout");
      return this;
    }

    /** How often each instance rescans the suspensions to heal a missed message (5 s by default). */
    public Builder reconcileEvery(Duration every) {
      this.reconcileEvery = once(this.reconcileEvery, positive(every, "reconcileEvery"), "reconcileEvery");
      return this;
    }

    /**
     * The share of a rate limit an instance takes from Redis at a time and spends locally (a lease), so a busy
     * identity does not cost a round trip per request: at most 0.05 (5 %; the default); 0 turns leases off (every
     * request asks Redis). The fleet-wide limit holds within one lease per instance.
     */
    public Builder leaseShare(double fraction) {
      if (!(fraction >= 0 && fraction <= 0.05)) {
        throw new IllegalArgumentException("leaseShare is between 0 and 0.05: " + fraction);
      }
      this.leaseShare = once(Double.isNaN(this.leaseShare) ? null : this.leaseShare, fraction, "leaseShare");
      return this;
    }

    /**
     * The share of each rate limit an instance enforces on its own while Redis is down (never unlimited): 1 by
     * default (each instance the whole limit); a fleet of n instances that must stay near the limit sets 1/n.
     * At least one token per band is always kept.
     */
    public Builder localShare(double fraction) {
      if (!(fraction > 0 && fraction <= 1)) {
        throw new IllegalArgumentException("localShare is above 0 and at most 1: " + fraction);
      }
      this.localShare = once(Double.isNaN(this.localShare) ? null : this.localShare, fraction, "localShare");
      return this;
    }

    /**
     * Trusts only the CA certificates in {@code pem} (PEM, one or more) for the server's certificate, instead of the
     * JVM's trust store: a private CA. For {@code rediss://} only; the file is read at {@link #build()}.
     */
    public Builder trustedCertificates(Path pem) {
      this.trustedCertificates = once(this.trustedCertificates, Objects.requireNonNull(pem, "pem"),
          "trustedCertificates");
      return this;
    }

    /**
     * Weakens TLS: the server's certificate chain is still verified, but not that it names the host in the URI, so
     * any server holding a certificate from a trusted CA is accepted. Only where the names cannot match (a Redis
     * reached through an address its certificate does not list) and the CA issues to Redis servers only.
     */
    public Builder unsafeSkipHostnameVerification() {
      if (skipHostnameVerification) {
        throw new IllegalStateException("unsafeSkipHostnameVerification is already set");
      }
      this.skipHostnameVerification = true;
      return this;
    }

    /** Connects; throws when Redis does not answer, or when TLS refuses the server. */
    public RedisState build() {
      namespace = namespace == null ? "zt" : namespace;
      timeout = timeout == null ? Duration.ofMillis(100) : timeout;
      reconcileEvery = reconcileEvery == null ? Duration.ofSeconds(5) : reconcileEvery;
      leaseShare = Double.isNaN(leaseShare) ? 0.05 : leaseShare;
      localShare = Double.isNaN(localShare) ? 1.0 : localShare;
      return new RedisState(this);
    }

    private static Duration positive(Duration d, String what) {
      if (d.toMillis() < 1) {
        throw new IllegalArgumentException(what + " must be at least 1 ms: " + d);
      }
      return d;
    }

    private static <T> T once(T old, T value, String what) {
      if (old != null) {
        throw new IllegalStateException(what + " is already set");
      }
      return value;
    }
  }
}
