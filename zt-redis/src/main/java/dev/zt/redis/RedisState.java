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
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisCredentials;
import io.lettuce.core.RedisURI;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.protocol.ProtocolVersion;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import java.net.ConnectException;
import java.net.SocketAddress;
import java.nio.CharBuffer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Security state shared by a fleet through Redis (Lettuce): every store of the state SPI — suspensions, source
 * blocks, identity flags, the detectors' sliding counters, rate buckets and single-use keys (DPoP {@code jti}, RFC 9449
 * §11.1). Keys are {@code <namespace>:…:<SHA-256>}, never a raw token, {@code jti}, subject or address.
 *
 * <p>Every call has a deadline ({@link Builder#timeout}, 100 ms by default) and a disconnected client rejects
 * commands at once instead of queueing them, so an outage costs a request at most the deadline. On Redis trouble each
 * store fails its own way: the single-use store answers {@code UNAVAILABLE} (the request is refused); suspensions,
 * blocks and flags known to this instance stay enforced (checks are answered from a local mirror kept current by
 * pub/sub and by a periodic reconciliation scan, and writes Redis does not take are kept and written back when it
 * returns); counters never wait on Redis and count locally while it is down; rate limits fall back to a local share
 * of each limit ({@link Builder#localShare}), never unlimited.
 *
 * <p>{@code rediss://} is TLS: the server's chain is verified against the JVM's trust store or
 * {@link Builder#trustedCertificates}, and its host name against the URI's; ACL users log in with the URI's
 * {@code user:password@}.
 *
 * <p>Set it on an enforcer with {@code Enforcer.Builder.state(redisState)}; close it when the service stops.
 *
 * @since 0.1
 */
public final class RedisState implements SecurityState, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(RedisState.class);

  private final ClientResources resources;
  private final RedisClient client;
  private volatile StatefulRedisConnection<String, String> connection; // null until connected
  private final Redis redis;
  private final HealthMonitor health;
  /** Stores waiting for a subscription connection (Redis was down when they were opened). Guarded by itself. */
  private final List<Consumer<StatefulRedisPubSubConnection<String, String>>> unsubscribed = new java.util.ArrayList<>();
  private volatile boolean closed;
  private volatile int unsubscribedCount; // unsubscribed.size(), read without its lock
  private final Keys keys;
  private final Duration timeout;
  private final ScheduledExecutorService reconciler;
  /** What threads that must not wait (event loops, Lettuce's I/O threads) hand to the reconciler. */
  private final Handoff handoff;
  private final Duration reconcileEvery;
  private final double leaseShare;
  private final double localShare;
  private final List<RedisSuspensions> suspensions = new CopyOnWriteArrayList<>();
  private final List<MirroredEntries> mirrors = new CopyOnWriteArrayList<>();
  private final List<StatefulRedisPubSubConnection<String, String>> subscriptions = new CopyOnWriteArrayList<>();
  private final List<RedisSlidingCounters> counters = new CopyOnWriteArrayList<>();
  private boolean counterResetsSubscribed; // guarded by this

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
    // the per-call deadline bounds commands (TimeoutOptions here, and Redis.call); setting up a connection (TCP, TLS,
    // AUTH, HELLO) happens at start and in the background, never on a request's path, and gets at least 2 s, so a
    // TLS handshake on a busy machine is not mistaken for an outage
    Duration setUp = timeout.compareTo(Duration.ofSeconds(2)) < 0 ? Duration.ofSeconds(2) : timeout;
    uri.setTimeout(setUp);
    ClientOptions.Builder options = ClientOptions.builder()
        .socketOptions(io.lettuce.core.SocketOptions.builder().connectTimeout(setUp).build())
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
    this.handoff = new Handoff("zt-redis-handoff", reconciler);
    this.redis = new Redis(timeout);
    this.health = new HealthMonitor(Clock.systemUTC(), this::whyDegraded, this::changesWaiting, b.onHealthChange,
        handoff, b.openTelemetry);
    redis.onFailingChange(health::checkSoon);
    try {
      connect();
    } catch (RuntimeException e) {
      RuntimeException explained = RedisTls.explain(e);
      if (b.requireConnectionAtStart || refused(e) || explained != e) {
        // refused credentials and a refused TLS server are configuration errors that waiting does not heal
        close();
        throw explained;
      }
      Optional<RuntimeException> refusal = unreachable(e) ? Optional.empty() : refusedByProbe(uri, setUp, e);
      if (refusal.isPresent()) {
        close();
        throw refusal.get();
      }
      // start degraded: what needs Redis refuses or falls back to the local share until it answers
      LOG.warn("zt-redis: Redis does not answer at start ({}); starting degraded, connecting in the background",
          String.valueOf(e.getMessage()));
      reconciler.execute(() -> connectInBackground(50));
    }
    health.check();
    // a reconnected subscription may have missed messages: heal at once rather than at the next tick
    client.addListener(new RedisConnectionStateListener() {
      @Override
      public void onRedisConnected(RedisChannelHandler<?, ?> connection, SocketAddress address) {
        reconcileSoon();
      }

      @Override
      public void onRedisDisconnected(RedisChannelHandler<?, ?> connection) {
        suspensions.forEach(RedisSuspensions::outOfStep); // until the reconciliation after the reconnect
        mirrors.forEach(MirroredEntries::outOfStep);
        health.checkSoon();
      }
    });
  }

  /**
   * Whether Redis answered and refused the connection (a wrong password, an unknown user, no permission): a
   * configuration error that waiting does not heal, so the start fails whatever the builder says.
   */
  private static boolean refused(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof io.lettuce.core.RedisCommandExecutionException) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether nobody answered at all (connection refused, a connect or handshake time-out): an outage, and nobody there
   * to judge the credentials.
   */
  private static boolean unreachable(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof ConnectException || t instanceof RedisCommandTimeoutException
          || t instanceof java.util.concurrent.TimeoutException) {
        return true;
      }
    }
    return false;
  }

  /**
   * After a start that failed without Redis's answer in its exception, asks Redis whether it takes the URI's
   * credentials. Lettuce may report a handshake ({@code HELLO … AUTH}) that Redis refused as "Connection closed
   * prematurely": its handshake handler closes the channel on the refusal, and the channel's close can fail the
   * handshake before the refusal does. The probe is a second connection without credentials, over RESP2 and without the
   * PING before activation, so nothing whose refusal fails the connection is sent before it is up; then {@code AUTH}
   * (or {@code PING} when the URI has no password) is an ordinary command, whose answer cannot be lost that way. A
   * refusal is returned as the start's error; anything else (no answer, a Redis that is loading, credentials it takes)
   * leaves the start degraded, as any outage.
   */
  private Optional<RuntimeException> refusedByProbe(RedisURI uri, Duration setUp, RuntimeException failure) {
    RedisCredentials credentials = uri.getCredentialsProvider().resolveCredentials().block(setUp); // the URI's
    RedisURI bare = RedisURI.builder().withHost(uri.getHost()).withPort(uri.getPort()).withSsl(uri.isSsl())
        .withVerifyPeer(uri.getVerifyMode()).withStartTls(uri.isStartTls()).withTimeout(setUp).build();
    RedisClient probe = RedisClient.create(resources, bare);
    try {
      probe.setOptions(client.getOptions().mutate().protocolVersion(ProtocolVersion.RESP2)
          .pingBeforeActivateConnection(false).autoReconnect(false).timeoutOptions(TimeoutOptions.enabled(setUp))
          .build());
      try (StatefulRedisConnection<String, String> c = probe.connect()) {
        if (credentials == null || !credentials.hasPassword()) {
          c.sync().ping();
        } else if (credentials.hasUsername()) {
          c.sync().auth(credentials.getUsername(), CharBuffer.wrap(credentials.getPassword()));
        } else {
          c.sync().auth(CharBuffer.wrap(credentials.getPassword()));
        }
      }
      return Optional.empty();
    } catch (RedisCommandExecutionException answer) {
      if (!refusal(answer.getMessage())) {
        return Optional.empty();
      }
      RuntimeException refused = new RedisConnectionException("Unable to connect to " + uri.getHost() + ":"
          + uri.getPort() + ": Redis refused the credentials", answer);
      refused.addSuppressed(failure);
      return Optional.of(refused);
    } catch (RuntimeException noAnswer) {
      return Optional.empty();
    } finally {
      probe.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
  }

  /** Whether an error reply refuses the client's credentials (not a Redis that is busy or loading). */
  private static boolean refusal(String reply) {
    String r = String.valueOf(reply);
    return r.startsWith("NOAUTH") || r.startsWith("WRONGPASS") || r.startsWith("NOPERM") || r.startsWith("ERR AUTH")
        || r.startsWith("ERR invalid password");
  }

  /** Connects the command connection, then the subscriptions of the stores opened meanwhile. */
  private void connect() {
    if (connection == null) {
      StatefulRedisConnection<String, String> c = client.connect();
      redis.connected(c);
      connection = c;
    }
    synchronized (unsubscribed) {
      for (var it = unsubscribed.iterator(); it.hasNext(); ) {
        openSubscription(it.next());
        it.remove();
        unsubscribedCount = unsubscribed.size();
      }
    }
  }

  /** Retries {@link #connect} (50 ms doubling to 2 s, as Lettuce reconnects) until it succeeds or the state closes. */
  private void connectInBackground(long delayMillis) {
    if (closed) {
      return;
    }
    try {
      connect();
      LOG.info("zt-redis: connected to Redis");
      ping();
      reconcileSoon();
    } catch (RuntimeException e) {
      long next = Math.min(delayMillis * 2, 2000);
      try {
        reconciler.schedule(() -> connectInBackground(next), delayMillis, TimeUnit.MILLISECONDS);
      } catch (java.util.concurrent.RejectedExecutionException closing) {
        // closed meanwhile
      }
    }
  }

  /** Connects a subscription and gives it to {@code store}; closes it when the store cannot subscribe on it. */
  private void openSubscription(Consumer<StatefulRedisPubSubConnection<String, String>> store) {
    StatefulRedisPubSubConnection<String, String> sub = client.connectPubSub();
    try {
      store.accept(sub);
    } catch (RuntimeException e) {
      sub.close();
      throw e;
    }
    subscriptions.add(sub);
  }

  /** Opens a subscription for a store now, or once Redis answers when it does not yet (or cannot now). */
  private void subscribe(Consumer<StatefulRedisPubSubConnection<String, String>> store) {
    synchronized (unsubscribed) {
      if (connection != null) {
        try {
          openSubscription(store);
          return;
        } catch (RuntimeException e) {
          LOG.warn("zt-redis: cannot subscribe now ({}); retrying in the background", String.valueOf(e.getMessage()));
        }
      }
      unsubscribed.add(store);
      unsubscribedCount = unsubscribed.size();
      if (connection != null) {
        reconciler.execute(() -> connectInBackground(50));
      }
      // else the background connection subscribes it
    }
  }

  private void ping() {
    try {
      redis.call("ping", r -> r.ping());
      counters.forEach(RedisSlidingCounters::answered);
    } catch (dev.zt.core.spi.StateUnavailableException e) {
      // still down: the health stays degraded
    }
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
    return opened(new RedisSuspensions(redis, keys, settings, timeout), suspensions);
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
    return opened(new MirroredEntries(redis, keys, use, slots, settings, timeout), mirrors);
  }

  /**
   * Subscribes {@code store} (now, or once Redis answers after a degraded start), reconciles it once when connected,
   * counts it in {@code opened} and reconciles it every {@link Builder#reconcileEvery}.
   */
  private <S extends MirroredStore> S opened(S store, List<? super S> opened) {
    subscribe(store::subscribe);
    if (connection != null) {
      store.reconcile();
    }
    opened.add(store); // after its first reconciliation: a health check meanwhile does not count it yet
    health.checkSoon();
    long every = reconcileEvery.toMillis();
    reconciler.scheduleWithFixedDelay(() -> {
      store.reconcile();
      health.check();
    }, every, every, TimeUnit.MILLISECONDS);
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
    RedisSlidingCounters store = new RedisSlidingCounters(redis, keys, name, settings, counterChannel());
    counters.add(store);
    return store;
  }

  /** The channel counter resets are published on; subscribed once, when the first counters are opened. */
  private synchronized String counterChannel() {
    String channel = keys.key("cnt");
    if (!counterResetsSubscribed) {
      counterResetsSubscribed = true;
      // subscribed now, or by the background connection when Redis is down (resets are missed meanwhile)
      subscribe(sub -> {
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
      });
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
   * Whether this instance is not in step with Redis now (see {@link #health()} for the reasons), checked on the
   * calling thread: it may say so a moment before the {@link Builder#onHealthChange} event.
   */
  public boolean degraded() {
    return whyDegraded().isPresent();
  }

  /** Whether every counter event sent has been answered or has failed (tests wait for it instead of sleeping). */
  boolean countersSettled() {
    return counters.stream().allMatch(RedisSlidingCounters::settled);
  }

  /**
   * Whether this instance is in step with Redis, since when, why not, and how many changes wait to be written back.
   * {@link Builder#onHealthChange} hears of every change of status.
   */
  public RedisHealth health() {
    return health.current();
  }

  /** Why this instance is not in step with Redis, or empty when it is. */
  private Optional<String> whyDegraded() {
    StatefulRedisConnection<String, String> c = connection;
    if (c == null) {
      return Optional.of("not connected to Redis (it did not answer when this instance started)");
    }
    if (!c.isOpen()) {
      return Optional.of("the connection to Redis is down");
    }
    if (unsubscribedCount > 0 || subscriptions.stream().anyMatch(s -> !s.isOpen())) {
      return Optional.of("the change subscription is down (messages are missed until the next reconciliation)");
    }
    if (redis.failing()) {
      return Optional.of("the last call to Redis failed");
    }
    int waiting = changesWaiting();
    if (waiting > 0) {
      return Optional.of(waiting + " changes made here wait to be written back");
    }
    if (suspensions.stream().anyMatch(s -> !s.inStep()) || mirrors.stream().anyMatch(m -> !m.inStep())) {
      return Optional.of("the reconciliation with Redis has not completed");
    }
    if (counters.stream().anyMatch(RedisSlidingCounters::degraded)) {
      return Optional.of("counter events or resets did not reach Redis (counted on this instance only)");
    }
    return Optional.empty();
  }

  private int changesWaiting() {
    return suspensions.stream().mapToInt(RedisSuspensions::pending).sum()
        + mirrors.stream().mapToInt(MirroredEntries::pending).sum();
  }

  private void reconcileSoon() {
    try {
      handoff.execute(this::ping); // so a state without mirrored stores learns that Redis answers again
      for (RedisSuspensions s : suspensions) {
        handoff.execute(s::reconcile);
      }
      for (MirroredEntries m : mirrors) {
        handoff.execute(m::reconcile);
      }
      health.checkSoon();
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // closed
    }
  }

  /** Closes the connections and stops the reconciliation. */
  @Override
  public void close() {
    closed = true;
    handoff.close();
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
    private Consumer<RedisHealth> onHealthChange;
    private boolean requireConnectionAtStart;
    private io.opentelemetry.api.OpenTelemetry openTelemetry;

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
     * request asks Redis). Only a key busy on the instance leases; a lease's unused tokens go back when it ends. The
     * fleet-wide limit holds within one lease per instance.
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
     * Called on every change of {@link RedisState#health()}: when the instance becomes degraded (also when it starts
     * so) and when it is in step again; never twice for one status. Runs on the state's own thread (the event of a
     * degraded start: on the thread that calls {@link #build()}) and must be quick.
     * Each change is also an audit log line ({@code dev.zt.audit}: WARN when degraded, INFO when in step again) and an
     * OpenTelemetry span ({@link #openTelemetry}), whether or not a listener is set.
     */
    public Builder onHealthChange(Consumer<RedisHealth> listener) {
      this.onHealthChange = once(this.onHealthChange, Objects.requireNonNull(listener, "listener"), "onHealthChange");
      return this;
    }

    /**
     * Where the health transitions go as OpenTelemetry spans {@code zt.redis.health} (each with one event of that name;
     * attributes {@code zt.redis.status}, {@code .reason}, {@code .changes_waiting}, {@code .since},
     * {@code .degraded_since}), as zt's other audit events outside a request; default
     * {@link io.opentelemetry.api.GlobalOpenTelemetry}.
     */
    public Builder openTelemetry(io.opentelemetry.api.OpenTelemetry openTelemetry) {
      this.openTelemetry = once(this.openTelemetry, Objects.requireNonNull(openTelemetry, "openTelemetry"),
          "openTelemetry");
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

    /**
     * Makes {@link #build()} throw when Redis does not answer, instead of starting degraded and connecting in the
     * background (the default, so an instance restarting during an outage still serves).
     */
    public Builder requireConnectionAtStart() {
      if (requireConnectionAtStart) {
        throw new IllegalStateException("requireConnectionAtStart is already set");
      }
      requireConnectionAtStart = true;
      return this;
    }

    /**
     * Starts the state. When Redis does not answer it starts {@linkplain RedisHealth.Status#DEGRADED degraded} and
     * connects in the background (single use refuses, rate limits on the local share, mirrors empty until the first
     * reconciliation), unless {@link #requireConnectionAtStart()}: then it throws. Refused credentials and a server
     * TLS refuses always make it throw: waiting does not heal a configuration error.
     */
    public RedisState build() {
      onHealthChange = onHealthChange == null ? h -> { } : onHealthChange;
      openTelemetry = openTelemetry == null ? io.opentelemetry.api.GlobalOpenTelemetry.get() : openTelemetry;
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
