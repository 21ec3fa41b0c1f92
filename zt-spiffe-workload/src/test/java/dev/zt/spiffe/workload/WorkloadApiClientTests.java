package dev.zt.spiffe.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.zt.spiffe.JwtSvidResult;
import dev.zt.spiffe.JwtSvidVerifier;
import dev.zt.spiffe.PeerAuthorizer;
import dev.zt.spiffe.SpiffeSslContexts;
import dev.zt.spiffe.SvidSnapshot;
import dev.zt.spiffe.X509Source;
import dev.zt.spiffe.workload.internal.proto.JWTSVIDRequest;
import dev.zt.spiffe.workload.internal.proto.SpiffeWorkloadAPIGrpc;
import dev.zt.spiffe.workload.internal.proto.X509SVIDRequest;
import dev.zt.testkit.spiffe.TestSvid;
import dev.zt.testkit.spiffe.TestTrustDomain;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.MultiThreadIoEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollIoHandler;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WorkloadApiClientTests {

  private static final Duration WAIT = Duration.ofSeconds(5);

  private static TestTrustDomain domain;
  private static TestTrustDomain partner;

  private final BlockingQueue<SvidSnapshot> snapshots = new LinkedBlockingQueue<>();
  private FakeWorkloadApi api;
  private WorkloadApiClient client;

  @BeforeAll
  static void domains() {
    domain = TestTrustDomain.create("example.org");
    partner = TestTrustDomain.create("partner.example");
  }

  @AfterEach
  void tearDown() {
    if (client != null) {
      client.close();
    }
    if (api != null) {
      api.close();
    }
  }

  private WorkloadApiClient connect(String endpoint) {
    client = WorkloadApiClient.builder()
        .endpoint(endpoint)
        .backoff(Duration.ofMillis(20), Duration.ofMillis(200))
        .callTimeout(WAIT)
        .random(new SplittableRandom(7))
        .onSnapshot(snapshots::add)
        .build();
    return client;
  }

  private SvidSnapshot nextSnapshot() throws InterruptedException {
    SvidSnapshot s = snapshots.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    assertThat(s).as("a snapshot within %s", WAIT).isNotNull();
    return s;
  }

  @Test
  void awaitFirstSnapshotWhenEndpointServesThenSourceHoldsSvidAndBundle() {
    TestSvid svid = domain.issueX509Svid("/ns/shop/sa/checkout");
    api = FakeWorkloadApi.start(domain, svid);

    X509Source source = connect(api.endpoint()).awaitFirstSnapshot(WAIT);

    SvidSnapshot s = source.current();
    assertThat(s.svid().spiffeId()).isEqualTo(domain.id("/ns/shop/sa/checkout"));
    assertThat(s.svid().leaf()).isEqualTo(svid.leaf());
    assertThat(s.svid().privateKey().getEncoded()).isEqualTo(svid.privateKey().getEncoded());
    assertThat(s.bundles().bundleFor(domain.trustDomain()).orElseThrow().x509Authorities())
        .containsExactly(domain.root());
    assertThat(client.x509Source()).containsSame(source);
    assertThat(api.rejectedCalls()).isZero();
  }

  @Test
  void awaitFirstSnapshotWhenEndpointGivenAsUnixTripleSlashThenConnects() {
    api = FakeWorkloadApi.start(domain, domain.issueX509Svid("/a"));

    X509Source source = connect("unix://" + api.socketPath()).awaitFirstSnapshot(WAIT);

    assertThat(source.current().svid().spiffeId()).isEqualTo(domain.id("/a"));
  }

  @Test
  void pushWhenSvidRotatesThenSourceServesNewLeaf() throws Exception {
    TestSvid first = domain.issueX509Svid("/ns/shop/sa/checkout");
    api = FakeWorkloadApi.start(domain, first);
    X509Source source = connect(api.endpoint()).awaitFirstSnapshot(WAIT);
    assertThat(nextSnapshot().svid().leaf()).isEqualTo(first.leaf());

    TestSvid rotated = domain.withIntermediate().issueX509Svid("/ns/shop/sa/checkout");
    api.push(rotated);

    SvidSnapshot s = nextSnapshot();
    assertThat(s.svid().leaf()).isEqualTo(rotated.leaf());
    assertThat(s.svid().chain()).hasSize(2);
    assertThat(source.current()).isSameAs(s);
    assertThat(servedLeaf(source)).as("the leaf a TLS server on the source presents").isEqualTo(rotated.leaf());
  }

  /** The leaf a zt SPIFFE TLS server reading {@code source} presents to a client, over a real loopback handshake. */
  private static X509Certificate servedLeaf(X509Source source) throws Exception {
    SSLContext server = SpiffeSslContexts.server(source, PeerAuthorizer.memberOf(domain.trustDomain()));
    SSLContext peer = TestTrustDomain.sslContextFor(domain.issueX509Svid("/ns/shop/sa/client"), domain);
    InetAddress loopback = InetAddress.getLoopbackAddress();
    try (SSLServerSocket ss = (SSLServerSocket) server.getServerSocketFactory().createServerSocket(0, 1, loopback)) {
      ss.setSoTimeout((int) WAIT.toMillis());
      Thread acceptor = new Thread(() -> {
        try (SSLSocket s = (SSLSocket) ss.accept()) {
          s.setSoTimeout((int) WAIT.toMillis());
          s.startHandshake();
          s.getInputStream().read();
        } catch (IOException e) {
          // the client closes after its handshake; only the certificate it saw matters
        }
      }, "tls-acceptor");
      acceptor.setDaemon(true);
      acceptor.start();
      try (SSLSocket c = (SSLSocket) peer.getSocketFactory().createSocket(loopback, ss.getLocalPort())) {
        c.setSoTimeout((int) WAIT.toMillis());
        c.startHandshake();
        X509Certificate leaf = (X509Certificate) c.getSession().getPeerCertificates()[0];
        return leaf;
      }
    }
  }

  @Test
  void federateWhenEndpointAddsForeignBundleThenSnapshotCarriesBoth() throws Exception {
    api = FakeWorkloadApi.start(domain, domain.issueX509Svid("/a"));
    X509Source source = connect(api.endpoint()).awaitFirstSnapshot(WAIT);
    nextSnapshot();

    api.federate(partner);

    SvidSnapshot s = nextSnapshot();
    assertThat(s.bundles().trustDomains()).containsExactlyInAnyOrder(domain.trustDomain(), partner.trustDomain());
    assertThat(s.bundles().bundleFor(partner.trustDomain()).orElseThrow().x509Authorities())
        .containsExactly(partner.root());
    assertThat(source.current()).isSameAs(s);
  }

  @Test
  void fakeWhenSecurityHeaderMissingThenRejectsWithInvalidArgument() throws Exception {
    api = FakeWorkloadApi.start(domain, domain.issueX509Svid("/a"));
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
    ManagedChannel raw = NettyChannelBuilder.forAddress(new DomainSocketAddress(api.socketPath().toString()))
        .eventLoopGroup(group)
        .channelType(EpollDomainSocketChannel.class, DomainSocketAddress.class)
        .usePlaintext()
        .overrideAuthority("localhost")
        .build();
    try {
      var stub = SpiffeWorkloadAPIGrpc.newBlockingStub(raw).withDeadlineAfter(5, TimeUnit.SECONDS);

      assertThatThrownBy(() -> stub.fetchX509SVID(X509SVIDRequest.getDefaultInstance()).hasNext())
          .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(e.getStatus().getDescription()).contains("security header");
          });
      assertThatThrownBy(() -> stub.fetchJWTSVID(JWTSVIDRequest.newBuilder().addAudience("x").build()))
          .isInstanceOfSatisfying(StatusRuntimeException.class,
              e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));
      assertThat(api.rejectedCalls()).isEqualTo(2);
    } finally {
      raw.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void awaitFirstSnapshotWhenNoEndpointThenTimesOutNamingEndpointAndError() throws Exception {
    Path dir = Files.createTempDirectory("zt-wl");
    String endpoint = "unix:" + dir.resolve("absent.sock");
    connect(endpoint);

    long start = System.nanoTime();
    assertThatThrownBy(() -> client.awaitFirstSnapshot(Duration.ofMillis(300)))
        .isInstanceOf(WorkloadApiException.class)
        .hasMessageContaining("no X.509-SVID from the Workload API at " + endpoint)
        .hasMessageContaining("within PT0.3S")
        .hasMessageContaining("UNAVAILABLE");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(WAIT);
    assertThat(client.x509Source()).isEmpty();
    Files.deleteIfExists(dir);
  }

  @Test
  void awaitFirstSnapshotWhenClosedThenFailsAtOnce() throws Exception {
    Path dir = Files.createTempDirectory("zt-wl");
    connect("unix:" + dir.resolve("absent.sock")).close();

    assertThatThrownBy(() -> client.awaitFirstSnapshot(WAIT))
        .isInstanceOf(WorkloadApiException.class)
        .hasMessageContaining("closed");
    Files.deleteIfExists(dir);
  }

  @Test
  void streamWhenEndpointRestartsThenClientReconnectsAndTakesNewState() throws Exception {
    api = FakeWorkloadApi.start(domain, domain.issueX509Svid("/ns/shop/sa/checkout"));
    X509Source source = connect(api.endpoint()).awaitFirstSnapshot(WAIT);
    SvidSnapshot before = nextSnapshot();

    api.stop();
    TestSvid after = domain.issueX509Svid("/ns/shop/sa/checkout");
    api.push(after); // no open streams: only the restarted endpoint will serve it
    assertThat(source.current()).as("the last good snapshot stays while the endpoint is away").isSameAs(before);
    api.restart();

    SvidSnapshot s = nextSnapshot();
    assertThat(s.svid().leaf()).isEqualTo(after.leaf());
    assertThat(source.current()).isSameAs(s);
  }

  @Test
  void fetchJwtSvidWhenAudienceGivenThenTokenVerifiesAgainstFetchedJwtBundles() {
    api = FakeWorkloadApi.start(domain, domain.issueX509Svid("/ns/shop/sa/checkout"));
    connect(api.endpoint());

    JwtSvidToken token = client.fetchJwtSvid("orders", "billing");
    var bundles = client.fetchJwtBundles();

    assertThat(token.spiffeId()).isEqualTo(domain.id("/ns/shop/sa/checkout"));
    assertThat(token.toString()).doesNotContain(token.token()).contains("redacted");
    assertThat(bundles.bundleFor(domain.trustDomain()).orElseThrow().jwtAuthority(domain.jwtKey().getKeyID()))
        .isPresent();
    JwtSvidVerifier verifier = JwtSvidVerifier.builder().audiences("orders").clock(Clock.systemUTC()).build();
    JwtSvidResult result = verifier.verify(token.token(), bundles);
    assertThat(result).isInstanceOfSatisfying(JwtSvidResult.Verified.class,
        v -> assertThat(v.svid().spiffeId()).isEqualTo(domain.id("/ns/shop/sa/checkout")));
  }

  @Test
  void fetchJwtSvidWhenNoEndpointThenFailsWithinCallTimeout() throws Exception {
    Path dir = Files.createTempDirectory("zt-wl");
    connect("unix:" + dir.resolve("absent.sock"));

    assertThatThrownBy(() -> client.fetchJwtSvid("orders"))
        .isInstanceOf(WorkloadApiException.class)
        .hasMessageContaining("FetchJWTSVID")
        .hasMessageContaining("UNAVAILABLE");
    Files.deleteIfExists(dir);
  }

  @Test
  void fetchJwtSvidWhenAudienceBlankThenRejected() throws Exception {
    Path dir = Files.createTempDirectory("zt-wl");
    connect("unix:" + dir.resolve("absent.sock"));

    assertThatThrownBy(() -> client.fetchJwtSvid(" ")).isInstanceOf(IllegalArgumentException.class);
    Files.deleteIfExists(dir);
  }

  @ParameterizedTest
  @ValueSource(strings = {"unix:/run/spire/agent.sock", "unix:///run/spire/agent.sock"})
  void parseWhenUnixAddressThenSocketPath(String address) {
    assertThat(WorkloadEndpoint.parse(address).socketPath()).isEqualTo(Path.of("/run/spire/agent.sock"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"/run/agent.sock", "unix:agent.sock", "unix://host/run/agent.sock", "unix:/",
      "unix:/run/", "unix:/run/agent.sock?x=1", "unix:/run/agent.sock#f", "tcp://127.0.0.1:8081",
      "http://localhost/agent.sock", "unix:/a b", ""})
  void parseWhenAddressUnsupportedThenRejected(String address) {
    assertThatThrownBy(() -> WorkloadEndpoint.parse(address)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Workload API");
  }

  @Test
  void builderWhenOptionSetTwiceThenThrows() {
    var b = WorkloadApiClient.builder().endpoint("unix:/a.sock");
    assertThatThrownBy(() -> b.endpoint("unix:/b.sock")).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("endpoint");
    b.backoff(Duration.ofMillis(1), Duration.ofMillis(2));
    assertThatThrownBy(() -> b.backoff(Duration.ofMillis(1), Duration.ofMillis(2)))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> WorkloadApiClient.builder().backoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("shorter");
  }

  @Test
  void backoffWhenRepeatedThenGrowsJitteredUpToMax() {
    Backoff b = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1), new SplittableRandom(1));
    long[] upper = {100, 200, 400, 800, 1000, 1000};
    for (long u : upper) {
      assertThat(b.next()).isBetween(Duration.ofMillis(u / 2), Duration.ofMillis(u));
    }
    b.reset();
    assertThat(b.next()).isBetween(Duration.ofMillis(50), Duration.ofMillis(100));
  }

}
