package dev.zt.spiffe.workload;

import dev.zt.spiffe.SpiffeId;
import dev.zt.spiffe.SvidSnapshot;
import dev.zt.spiffe.TrustBundleSet;
import dev.zt.spiffe.X509Source;
import dev.zt.spiffe.workload.internal.proto.JWTBundlesRequest;
import dev.zt.spiffe.workload.internal.proto.JWTBundlesResponse;
import dev.zt.spiffe.workload.internal.proto.JWTSVID;
import dev.zt.spiffe.workload.internal.proto.JWTSVIDRequest;
import dev.zt.spiffe.workload.internal.proto.JWTSVIDResponse;
import dev.zt.spiffe.workload.internal.proto.SpiffeWorkloadAPIGrpc;
import dev.zt.spiffe.workload.internal.proto.X509SVIDRequest;
import dev.zt.spiffe.workload.internal.proto.X509SVIDResponse;

import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.MultiThreadIoEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.Epoll;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollIoHandler;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.MetadataUtils;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Iterator;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A SPIFFE Workload API client (SPIFFE Workload API §5–§6) over a Unix domain socket. {@link Builder#build()} opens
 * the {@code FetchX509SVID} stream; every message replaces the whole state (§4.3) — the first (default, §5.3) SVID
 * with its own trust domain's bundle and all federated bundles — as one {@link SvidSnapshot} in an {@link X509Source}
 * that TLS key and trust managers read per handshake. A stream that fails or ends is re-opened with jittered
 * exponential backoff (Workload Endpoint §6); the last good snapshot stays in use meanwhile, and a malformed message
 * never replaces it. Every call carries the {@code workload.spiffe.io: true} header the Workload Endpoint spec
 * requires.
 *
 * <p>Waiting is always bounded: {@link #awaitFirstSnapshot(Duration)} throws when nothing usable arrived in time,
 * and the JWT calls use the builder's {@linkplain Builder#callTimeout call timeout}. Thread-safe; {@link #close()}
 * releases the socket and threads.
 *
 * @since 0.1
 */
public final class WorkloadApiClient implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(WorkloadApiClient.class);

  /** The header every Workload API call must carry (required by the Workload Endpoint spec). */
  static final Metadata.Key<String> SECURITY_HEADER =
      Metadata.Key.of("workload.spiffe.io", Metadata.ASCII_STRING_MARSHALLER);

  private final WorkloadEndpoint endpoint;
  private final EventLoopGroup group;
  private final ManagedChannel channel;
  private final ScheduledExecutorService scheduler;
  private final SpiffeWorkloadAPIGrpc.SpiffeWorkloadAPIStub asyncStub;
  private final SpiffeWorkloadAPIGrpc.SpiffeWorkloadAPIBlockingStub blockingStub;
  private final Duration callTimeout;
  private final Consumer<SvidSnapshot> listener;
  private final CompletableFuture<X509Source> first = new CompletableFuture<>();

  private final Object lock = new Object();
  private final Backoff backoff; // guarded by lock
  private ClientCallStreamObserver<X509SVIDRequest> call; // guarded by lock
  private boolean closed; // guarded by lock
  private X509Source source; // guarded by lock
  private volatile String lastError = "none";

  private WorkloadApiClient(Builder b, WorkloadEndpoint endpoint) {
    if (!Epoll.isAvailable()) {
      throw new WorkloadApiException("the Workload API client needs Unix domain sockets through Netty's native epoll"
          + " transport, which is unavailable here: " + Epoll.unavailabilityCause());
    }
    this.endpoint = endpoint;
    this.callTimeout = b.callTimeout == null ? Duration.ofSeconds(10) : b.callTimeout;
    this.listener = b.listener == null ? s -> { } : b.listener;
    this.backoff = new Backoff(b.initialBackoff == null ? Duration.ofSeconds(1) : b.initialBackoff,
        b.maxBackoff == null ? Duration.ofSeconds(30) : b.maxBackoff,
        b.random == null ? new SecureRandom() : b.random);
    Metadata headers = new Metadata();
    headers.put(SECURITY_HEADER, "true");
    this.group = new MultiThreadIoEventLoopGroup(1, daemon("zt-workload-api-io"), EpollIoHandler.newFactory());
    this.channel = NettyChannelBuilder.forAddress(new DomainSocketAddress(endpoint.socketPath().toString()))
        .eventLoopGroup(group)
        .channelType(EpollDomainSocketChannel.class, DomainSocketAddress.class)
        .usePlaintext()
        .overrideAuthority("localhost")
        .intercept(MetadataUtils.newAttachHeadersInterceptor(headers))
        .build();
    this.scheduler = Executors.newSingleThreadScheduledExecutor(daemon("zt-workload-api-retry"));
    this.asyncStub = SpiffeWorkloadAPIGrpc.newStub(channel);
    this.blockingStub = SpiffeWorkloadAPIGrpc.newBlockingStub(channel);
  }

  /** A builder; without {@link Builder#endpoint} the address comes from {@code SPIFFE_ENDPOINT_SOCKET}. */
  public static Builder builder() {
    return new Builder();
  }

  /** The endpoint address this client talks to, as given. */
  public String endpoint() {
    return endpoint.address();
  }

  /**
   * Waits at most {@code maxWait} for the first usable X.509-SVID and returns the {@link X509Source} it seeded; the
   * client keeps that source current until {@link #close()}. Returns at once once the first snapshot has arrived.
   *
   * @throws WorkloadApiException when nothing usable arrived in time (the message names the endpoint and the last
   *     error), the client was closed, or the thread was interrupted
   */
  public X509Source awaitFirstSnapshot(Duration maxWait) {
    Objects.requireNonNull(maxWait, "maxWait");
    if (maxWait.isNegative() || maxWait.isZero()) {
      throw new IllegalArgumentException("maxWait must be positive, was " + maxWait);
    }
    try {
      return first.get(maxWait.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      throw new WorkloadApiException("no X.509-SVID from the Workload API at " + endpoint.address() + " within "
          + maxWait + " (last error: " + lastError + ")");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new WorkloadApiException("interrupted while waiting for the Workload API at " + endpoint.address(), e);
    } catch (ExecutionException e) {
      throw new WorkloadApiException(e.getCause().getMessage(), e.getCause());
    }
  }

  /** The source, once the first snapshot has arrived; never blocks. */
  public Optional<X509Source> x509Source() {
    synchronized (lock) {
      return Optional.ofNullable(source);
    }
  }

  /**
   * Fetches a JWT-SVID of this workload's default identity for {@code audience} and any further audiences
   * (Workload API §6.2, {@code FetchJWTSVID}), waiting at most the call timeout.
   *
   * @throws WorkloadApiException when the endpoint refuses, times out or answers with no usable JWT-SVID
   */
  public JwtSvidToken fetchJwtSvid(String audience, String... moreAudiences) {
    JWTSVIDRequest.Builder req = JWTSVIDRequest.newBuilder().addAudience(requireAudience(audience));
    for (String a : moreAudiences) {
      req.addAudience(requireAudience(a));
    }
    JWTSVIDResponse response;
    try {
      response = blockingStub.withDeadlineAfter(callTimeout.toNanos(), TimeUnit.NANOSECONDS)
          .fetchJWTSVID(req.build());
    } catch (StatusRuntimeException e) {
      throw failed("FetchJWTSVID", e);
    }
    if (response.getSvidsCount() == 0) {
      throw new WorkloadApiException("FetchJWTSVID at " + endpoint.address() + " returned no JWT-SVID");
    }
    JWTSVID svid = response.getSvids(0);
    if (svid.getSvid().isEmpty()) {
      throw new WorkloadApiException("FetchJWTSVID at " + endpoint.address() + " returned an empty JWT-SVID");
    }
    try {
      return new JwtSvidToken(SpiffeId.parse(svid.getSpiffeId()), svid.getSvid(), svid.getHint());
    } catch (IllegalArgumentException e) {
      throw new WorkloadApiException("FetchJWTSVID returned a spiffe_id that is not a SPIFFE ID: " + e.getMessage(),
          e);
    }
  }

  /**
   * Fetches the current JWT bundles (Workload API §6.2, the first message of {@code FetchJWTBundles}), keyed by trust
   * domain, waiting at most the call timeout. Verify JWT-SVIDs against them with zt-spiffe's JWT-SVID verifier.
   *
   * @throws WorkloadApiException when the endpoint refuses, times out or sends a bundle that does not parse
   */
  public TrustBundleSet fetchJwtBundles() {
    try (Context.CancellableContext ctx = Context.current().withCancellation()) {
      JWTBundlesResponse response = ctx.call(() -> {
        Iterator<JWTBundlesResponse> it = blockingStub
            .withDeadlineAfter(callTimeout.toNanos(), TimeUnit.NANOSECONDS)
            .fetchJWTBundles(JWTBundlesRequest.getDefaultInstance());
        if (!it.hasNext()) {
          throw new WorkloadApiException("FetchJWTBundles at " + endpoint.address() + " ended without a message");
        }
        return it.next();
      });
      return Responses.jwtBundles(response);
    } catch (StatusRuntimeException e) {
      throw failed("FetchJWTBundles", e);
    } catch (WorkloadApiException e) {
      throw e;
    } catch (Exception e) {
      throw new WorkloadApiException("FetchJWTBundles at " + endpoint.address() + " failed", e);
    }
  }

  /** Stops the stream and releases the socket and threads. A pending {@link #awaitFirstSnapshot} fails at once. */
  @Override
  public void close() {
    ClientCallStreamObserver<X509SVIDRequest> c;
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      c = call;
      call = null;
    }
    first.completeExceptionally(new WorkloadApiException("the Workload API client was closed"));
    if (c != null) {
      c.cancel("client closed", null);
    }
    scheduler.shutdownNow();
    channel.shutdownNow();
    try {
      channel.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
  }

  @Override
  public String toString() {
    return "WorkloadApiClient[" + endpoint.address() + "]";
  }

  private void openStream() {
    synchronized (lock) {
      if (closed) {
        return;
      }
    }
    asyncStub.fetchX509SVID(X509SVIDRequest.getDefaultInstance(), new X509Observer());
  }

  private final class X509Observer implements ClientResponseObserver<X509SVIDRequest, X509SVIDResponse> {

    @Override
    public void beforeStart(ClientCallStreamObserver<X509SVIDRequest> requestStream) {
      boolean cancel;
      synchronized (lock) {
        cancel = closed;
        if (!closed) {
          call = requestStream;
        }
      }
      if (cancel) {
        requestStream.cancel("client closed", null);
      }
    }

    @Override
    public void onNext(X509SVIDResponse response) {
      SvidSnapshot snapshot;
      try {
        snapshot = Responses.snapshot(response);
      } catch (WorkloadApiException | IllegalArgumentException e) {
        lastError = "unusable X509SVIDResponse: " + e.getMessage();
        LOG.warn("Workload API at {} sent an unusable X509SVIDResponse; keeping the previous snapshot: {}",
            endpoint.address(), e.getMessage());
        return;
      }
      X509Source seeded = null;
      synchronized (lock) {
        if (closed) {
          return;
        }
        backoff.reset();
        if (source == null) {
          source = X509Source.of(snapshot);
          seeded = source;
        } else {
          source.update(snapshot);
        }
      }
      if (seeded != null) {
        first.complete(seeded);
      }
      try {
        listener.accept(snapshot);
      } catch (RuntimeException e) {
        LOG.warn("snapshot listener failed", e);
      }
    }

    @Override
    public void onError(Throwable t) {
      Status s = Status.fromThrowable(t);
      ended(s.getCode() + (s.getDescription() == null ? "" : ": " + s.getDescription()));
    }

    @Override
    public void onCompleted() {
      ended("the endpoint ended the FetchX509SVID stream");
    }

    private void ended(String reason) {
      Duration delay;
      synchronized (lock) {
        if (closed) {
          return;
        }
        call = null;
        delay = backoff.next();
      }
      lastError = reason;
      LOG.warn("Workload API stream at {} ended ({}); retrying in {} ms", endpoint.address(), reason,
          delay.toMillis());
      try {
        scheduler.schedule(() -> {
          channel.resetConnectBackoff(); // our backoff paces the retries, not the channel's own
          openStream();
        }, delay.toNanos(), TimeUnit.NANOSECONDS);
      } catch (java.util.concurrent.RejectedExecutionException e) {
        // closed concurrently
      }
    }
  }

  private WorkloadApiException failed(String rpc, StatusRuntimeException e) {
    Status s = e.getStatus();
    return new WorkloadApiException(rpc + " at " + endpoint.address() + " failed: " + s.getCode()
        + (s.getDescription() == null ? "" : ": " + s.getDescription()), e);
  }

  private static String requireAudience(String audience) {
    Objects.requireNonNull(audience, "audience");
    if (audience.isBlank()) {
      throw new IllegalArgumentException("a JWT-SVID audience must not be blank");
    }
    return audience;
  }

  private static ThreadFactory daemon(String name) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /**
   * Configures a {@link WorkloadApiClient}. Each option may be set once; setting it again throws. {@link #build()}
   * connects and opens the X.509-SVID stream.
   *
   * @since 0.1
   */
  public static final class Builder {

    private WorkloadEndpoint endpoint;
    private Duration initialBackoff;
    private Duration maxBackoff;
    private Duration callTimeout;
    private RandomGenerator random;
    private Consumer<SvidSnapshot> listener;

    private Builder() {}

    /**
     * The endpoint address, {@code unix:/path} or {@code unix:///path}, instead of {@code SPIFFE_ENDPOINT_SOCKET}.
     *
     * @throws IllegalArgumentException when the address is not a supported Workload Endpoint address
     */
    public Builder endpoint(String address) {
      once(endpoint, "endpoint");
      endpoint = WorkloadEndpoint.parse(address);
      return this;
    }

    /** Backoff for re-opening a failed stream: {@code initial} doubling up to {@code max}, jittered (1 s, 30 s). */
    public Builder backoff(Duration initial, Duration max) {
      once(initialBackoff, "backoff");
      positive(initial, "initial backoff");
      positive(max, "max backoff");
      if (max.compareTo(initial) < 0) {
        throw new IllegalArgumentException("max backoff " + max + " is shorter than initial backoff " + initial);
      }
      initialBackoff = initial;
      maxBackoff = max;
      return this;
    }

    /** The deadline of each JWT call (10 s). */
    public Builder callTimeout(Duration timeout) {
      once(callTimeout, "callTimeout");
      callTimeout = positive(timeout, "callTimeout");
      return this;
    }

    /** The randomness for backoff jitter (a {@link SecureRandom}). */
    public Builder random(RandomGenerator random) {
      once(this.random, "random");
      this.random = Objects.requireNonNull(random, "random");
      return this;
    }

    /** Called with each new snapshot after the source holds it (for logs and metrics); must not block. */
    public Builder onSnapshot(Consumer<SvidSnapshot> listener) {
      once(this.listener, "onSnapshot");
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /**
     * Connects and opens the X.509-SVID stream. Returns without waiting for it; see
     * {@link WorkloadApiClient#awaitFirstSnapshot}.
     *
     * @throws IllegalStateException when no endpoint was given and {@code SPIFFE_ENDPOINT_SOCKET} is not set
     * @throws IllegalArgumentException when {@code SPIFFE_ENDPOINT_SOCKET} is not a supported address
     */
    public WorkloadApiClient build() {
      WorkloadEndpoint ep = endpoint;
      if (ep == null) {
        String env = System.getenv(WorkloadEndpoint.ENV);
        if (env == null || env.isBlank()) {
          throw new IllegalStateException("no Workload API endpoint: " + WorkloadEndpoint.ENV
              + " is not set and endpoint(...) was not called");
        }
        ep = WorkloadEndpoint.parse(env);
      }
      WorkloadApiClient client = new WorkloadApiClient(this, ep);
      client.openStream();
      return client;
    }

    private static void once(Object current, String name) {
      if (current != null) {
        throw new IllegalStateException(name + " was already set");
      }
    }

    private static Duration positive(Duration d, String name) {
      Objects.requireNonNull(d, name);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + " must be positive, was " + d);
      }
      return d;
    }
  }
}
