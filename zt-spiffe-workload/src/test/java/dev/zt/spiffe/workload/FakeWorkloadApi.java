package dev.zt.spiffe.workload;

import dev.zt.testkit.spiffe.TestSvid;
import dev.zt.testkit.spiffe.TestTrustDomain;

import dev.zt.spiffe.SpiffeId;
import dev.zt.spiffe.workload.internal.proto.JWTBundlesRequest;
import dev.zt.spiffe.workload.internal.proto.JWTBundlesResponse;
import dev.zt.spiffe.workload.internal.proto.JWTSVID;
import dev.zt.spiffe.workload.internal.proto.JWTSVIDRequest;
import dev.zt.spiffe.workload.internal.proto.JWTSVIDResponse;
import dev.zt.spiffe.workload.internal.proto.SpiffeWorkloadAPIGrpc;
import dev.zt.spiffe.workload.internal.proto.X509SVID;
import dev.zt.spiffe.workload.internal.proto.X509SVIDRequest;
import dev.zt.spiffe.workload.internal.proto.X509SVIDResponse;

import com.google.protobuf.ByteString;
import com.nimbusds.jose.util.JSONObjectUtils;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.MultiThreadIoEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollIoHandler;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fake SPIFFE Workload API endpoint on a real Unix domain socket in a fresh temporary directory, serving one
 * {@link TestTrustDomain}'s SVID. {@link #push(TestSvid)} rotates it: every open {@code FetchX509SVID} stream gets a
 * new X509SVIDResponse at once. {@link #stop()} and {@link #restart()} take the endpoint away and bring it back on
 * the same path. Like a real endpoint, it rejects a call without {@code workload.spiffe.io: true} with
 * {@code INVALID_ARGUMENT} (required by the Workload Endpoint spec). Also serves {@code FetchJWTSVID} (signed with
 * the domain's JWT key) and {@code FetchJWTBundles}.
 *
 * <p>Lives in zt-spiffe-workload's test-jar rather than zt-testkit so that testkit users do not get gRPC.
 *
 * @since 0.1
 */
public final class FakeWorkloadApi implements AutoCloseable {

  private static final Metadata.Key<String> SECURITY_HEADER =
      Metadata.Key.of("workload.spiffe.io", Metadata.ASCII_STRING_MARSHALLER);

  private final TestTrustDomain domain;
  private final Path dir;
  private final Path socket;
  private final AtomicInteger rejected = new AtomicInteger();
  private final List<ServerCallStreamObserver<X509SVIDResponse>> streams = new ArrayList<>(); // guarded by this
  private final Map<String, X509Certificate> federated = new LinkedHashMap<>(); // guarded by this
  private TestSvid current; // guarded by this
  private Server server; // guarded by this
  private EventLoopGroup group; // guarded by this

  private FakeWorkloadApi(TestTrustDomain domain, TestSvid svid, Path dir) {
    this.domain = domain;
    this.current = svid;
    this.dir = dir;
    this.socket = dir.resolve("agent.sock");
  }

  /** Starts serving {@code svid} of {@code domain} on a new socket. */
  public static FakeWorkloadApi start(TestTrustDomain domain, TestSvid svid) {
    Objects.requireNonNull(domain, "domain");
    Objects.requireNonNull(svid, "svid");
    try {
      FakeWorkloadApi api = new FakeWorkloadApi(domain, svid, Files.createTempDirectory("zt-wl"));
      api.restart();
      return api;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The endpoint address, {@code unix:/…/agent.sock}, as {@code SPIFFE_ENDPOINT_SOCKET} would hold it. */
  public String endpoint() {
    return "unix:" + socket;
  }

  /** The socket file. */
  public Path socketPath() {
    return socket;
  }

  /** Calls refused for a missing or wrong security header so far. */
  public int rejectedCalls() {
    return rejected.get();
  }

  /** Serves {@code next} from now on and sends it on every open X.509-SVID stream. */
  public synchronized void push(TestSvid next) {
    current = Objects.requireNonNull(next, "next");
    broadcast();
  }

  /** Adds {@code other}'s root as a federated bundle and sends the new state on every open stream. */
  public synchronized void federate(TestTrustDomain other) {
    federated.put(other.trustDomain().id().toString(), other.root());
    broadcast();
  }

  /** Takes the endpoint away: open streams fail, new connections are refused, the socket file is removed. */
  public synchronized void stop() {
    if (server == null) {
      return;
    }
    streams.clear();
    server.shutdownNow();
    try {
      server.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    server = null;
    group = null;
    deleteSocket();
  }

  /** (Re)starts serving on the same socket path with the current SVID. */
  public synchronized void restart() {
    stop();
    deleteSocket();
    group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
    try {
      server = NettyServerBuilder.forAddress(new DomainSocketAddress(socket.toString()))
          .channelType(EpollServerDomainSocketChannel.class)
          .bossEventLoopGroup(group)
          .workerEventLoopGroup(group)
          .addService(ServerInterceptors.intercept(new Service(), new HeaderCheck()))
          .build()
          .start();
    } catch (IOException e) {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      group = null;
      throw new UncheckedIOException("cannot serve on " + socket, e);
    }
  }

  @Override
  public synchronized void close() {
    stop();
    try {
      Files.deleteIfExists(dir);
    } catch (IOException e) {
      // a temp directory left behind is harmless
    }
  }

  private void deleteSocket() {
    try {
      Files.deleteIfExists(socket);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void broadcast() {
    X509SVIDResponse r = x509Response();
    for (ServerCallStreamObserver<X509SVIDResponse> s : List.copyOf(streams)) {
      if (s.isCancelled()) {
        streams.remove(s);
      } else {
        s.onNext(r);
      }
    }
  }

  private X509SVIDResponse x509Response() {
    SpiffeId id = current.toX509Svid().spiffeId();
    X509SVIDResponse.Builder b = X509SVIDResponse.newBuilder().addSvids(X509SVID.newBuilder()
        .setSpiffeId(id.toString())
        .setX509Svid(der(current.chain()))
        .setX509SvidKey(ByteString.copyFrom(current.privateKey().getEncoded()))
        .setBundle(der(List.of(domain.root()))));
    federated.forEach((td, root) -> b.putFederatedBundles(td, der(List.of(root))));
    return b.build();
  }

  private static ByteString der(List<X509Certificate> certs) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      for (X509Certificate c : certs) {
        out.write(c.getEncoded());
      }
    } catch (CertificateEncodingException | IOException e) {
      throw new IllegalStateException(e);
    }
    return ByteString.copyFrom(out.toByteArray());
  }

  private final class HeaderCheck implements ServerInterceptor {
    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
        ServerCallHandler<Q, R> next) {
      if (!"true".equals(headers.get(SECURITY_HEADER))) {
        rejected.incrementAndGet();
        call.close(Status.INVALID_ARGUMENT.withDescription("security header missing from request"), new Metadata());
        return new ServerCall.Listener<>() { };
      }
      return next.startCall(call, headers);
    }
  }

  private final class Service extends SpiffeWorkloadAPIGrpc.SpiffeWorkloadAPIImplBase {

    @Override
    public void fetchX509SVID(X509SVIDRequest request, StreamObserver<X509SVIDResponse> observer) {
      ServerCallStreamObserver<X509SVIDResponse> s = (ServerCallStreamObserver<X509SVIDResponse>) observer;
      synchronized (FakeWorkloadApi.this) {
        s.setOnCancelHandler(() -> {
          synchronized (FakeWorkloadApi.this) {
            streams.remove(s);
          }
        });
        streams.add(s);
        s.onNext(x509Response());
      }
    }

    @Override
    public void fetchJWTSVID(JWTSVIDRequest request, StreamObserver<JWTSVIDResponse> observer) {
      if (request.getAudienceCount() == 0) {
        observer.onError(Status.INVALID_ARGUMENT.withDescription("audience must be specified").asException());
        return;
      }
      SpiffeId id;
      synchronized (FakeWorkloadApi.this) {
        id = current.toX509Svid().spiffeId();
      }
      String token = domain.jwtSvid(id.path()).audience(request.getAudienceList().toArray(new String[0])).sign();
      observer.onNext(JWTSVIDResponse.newBuilder()
          .addSvids(JWTSVID.newBuilder().setSpiffeId(id.toString()).setSvid(token)).build());
      observer.onCompleted();
    }

    @Override
    public void fetchJWTBundles(JWTBundlesRequest request, StreamObserver<JWTBundlesResponse> observer) {
      // a JWKS as an endpoint serves it: the JWT authority's public key, without a SPIFFE "use"
      Map<String, Object> key = new LinkedHashMap<>(domain.jwtKey().toPublicJWK().toJSONObject());
      String jwks = JSONObjectUtils.toJSONString(Map.of("keys", List.of(key)));
      observer.onNext(JWTBundlesResponse.newBuilder()
          .putBundles(domain.trustDomain().id().toString(), ByteString.copyFrom(jwks, StandardCharsets.UTF_8))
          .build());
      // the stream stays open, as a real endpoint's does until the bundles change
    }
  }
}
