package dev.zt.testkit.it.spiffe;

import dev.zt.spiffe.TrustBundle;
import dev.zt.spiffe.X509Svid;

import dev.zt.spiffe.PeerAuthorizer;
import dev.zt.spiffe.SpiffeId;
import dev.zt.spiffe.SpiffeSslContexts;
import dev.zt.spiffe.SvidSnapshot;
import dev.zt.spiffe.TrustBundleSet;
import dev.zt.spiffe.X509Source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.zt.testkit.spiffe.TestSvid;
import dev.zt.testkit.spiffe.TestTrustDomain;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.cert.Certificate;
import java.time.Clock;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Real handshakes over loopback between zt's SPIFFE SSLContexts and test peers. */
class SpiffeTlsTests {

  // TLS peers check validity against the real clock (the plain JDK client cannot be given another), so these
  // domains are issued around the system time
  static final TestTrustDomain EXAMPLE = TestTrustDomain.create("example.org");
  static final TestTrustDomain EXAMPLE_VIA_INTERMEDIATE = EXAMPLE.withIntermediate();
  static final TestTrustDomain OTHER = TestTrustDomain.create("other.test");
  static final TrustBundleSet BUNDLES =
      TrustBundleSet.of(EXAMPLE.bundle().trustBundle(), OTHER.bundle().trustBundle());
  static final SpiffeId INVENTORY = EXAMPLE.id("/ns/shop/sa/inventory");
  static final SpiffeId CHECKOUT = EXAMPLE.id("/ns/shop/sa/checkout");

  private X509Source serverSource;
  private Server server;

  @BeforeEach
  void start() throws IOException {
    serverSource = X509Source.of(new SvidSnapshot(
        EXAMPLE_VIA_INTERMEDIATE.issueX509Svid(INVENTORY.path()).toX509Svid(), BUNDLES));
    server = new Server(SpiffeSslContexts.server(serverSource, PeerAuthorizer.only(CHECKOUT), Clock.systemUTC()));
  }

  @AfterEach
  void stop() throws IOException {
    server.close();
  }

  /** Accepts connections one by one; after a successful handshake writes "ok <peer leaf serial>" and closes. */
  static final class Server implements AutoCloseable {
    final SSLServerSocket socket;
    final BlockingQueue<Throwable> failures = new LinkedBlockingQueue<>();
    final Thread thread;

    Server(SSLContext ctx) throws IOException {
      socket = (SSLServerSocket) ctx.getServerSocketFactory().createServerSocket(0, 8,
          InetAddress.getLoopbackAddress());
      socket.setSoTimeout(200);
      thread = new Thread(this::run, "spiffe-test-server");
      thread.setDaemon(true);
      thread.start();
    }

    int port() {
      return socket.getLocalPort();
    }

    private void run() {
      while (!socket.isClosed()) {
        try (SSLSocket s = (SSLSocket) socket.accept()) {
          s.setSoTimeout(5000);
          try {
            s.startHandshake();
            OutputStream out = s.getOutputStream();
            out.write(("ok " + s.getSession().getProtocol() + "\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
          } catch (IOException e) {
            failures.add(e);
          }
        } catch (SocketTimeoutException e) {
          // poll for close
        } catch (IOException e) {
          if (!socket.isClosed()) {
            failures.add(e);
          }
        }
      }
    }

    /** The first handshake failure, waiting up to 5 s for the server thread to record it. */
    Throwable firstFailure() throws InterruptedException {
      Throwable t = failures.poll(5, TimeUnit.SECONDS);
      assertThat(t).as("server-side handshake failure").isNotNull();
      return t;
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }

  record Reply(String line, Certificate[] serverChain) {}

  private Reply call(SSLContext client) throws IOException {
    try (SSLSocket s = (SSLSocket) client.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(),
        server.port())) {
      s.setSoTimeout(5000);
      s.startHandshake();
      Certificate[] peer = s.getSession().getPeerCertificates();
      String line = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII))
          .readLine();
      if (line == null) {
        throw new IOException("closed by the server");
      }
      return new Reply(line, peer);
    }
  }

  private static SSLContext spiffeClient(TestSvid svid, PeerAuthorizer serverAuthorizer) {
    return SpiffeSslContexts.client(X509Source.of(new SvidSnapshot(svid.toX509Svid(), BUNDLES)), serverAuthorizer);
  }

  @Test
  void handshakeWhenAllowedPeerThenConnectsOverTls13() throws IOException {
    Reply r = call(spiffeClient(EXAMPLE.issueX509Svid(CHECKOUT.path()), PeerAuthorizer.only(INVENTORY)));
    assertThat(r.line()).isEqualTo("ok TLSv1.3");
    assertThat(r.serverChain()[0]).isEqualTo(serverSource.current().svid().leaf());
    assertThat(server.failures).isEmpty();
  }

  @Test
  void handshakeWhenPlainJdkClientPresentsAGoodSvidThenConnects() throws IOException {
    SSLContext plain = TestTrustDomain.sslContextFor(EXAMPLE.issueX509Svid(CHECKOUT.path()), EXAMPLE);
    assertThat(call(plain).line()).startsWith("ok ");
  }

  @Test
  void handshakeWhenPeerVerifiedButNotAuthorizedThenFails() throws InterruptedException {
    SSLContext client = spiffeClient(EXAMPLE.issueX509Svid("/ns/shop/sa/other"), PeerAuthorizer.only(INVENTORY));
    assertThat(catchThrowable(() -> call(client))).isInstanceOf(IOException.class);
    assertThat(server.firstFailure()).hasStackTraceContaining("is not authorized");
  }

  @Test
  void handshakeWhenClientPresentsNonSpiffeCertificateThenFails() throws InterruptedException {
    TestSvid https = EXAMPLE.leaf("/x").uri("https://checkout.example.org/").issue();
    assertThat(catchThrowable(() -> call(TestTrustDomain.sslContextFor(https, EXAMPLE))))
        .isInstanceOf(IOException.class);
    assertThat(server.firstFailure()).hasStackTraceContaining("NOT_A_SPIFFE_ID");
  }

  @Test
  void handshakeWhenClientPresentsCaLeafThenFailsNamingTheRule() throws InterruptedException {
    TestSvid ca = EXAMPLE.leaf(CHECKOUT.path()).ca().issue();
    assertThat(catchThrowable(() -> call(TestTrustDomain.sslContextFor(ca, EXAMPLE)))).isInstanceOf(IOException.class);
    assertThat(server.firstFailure()).hasStackTraceContaining("LEAF_IS_CA");
  }

  @Test
  void handshakeWhenClientFromAnotherDomainSignsItsOwnIdThenFails() throws InterruptedException {
    TestSvid forged = EXAMPLE.leaf(CHECKOUT.path()).signedBy(OTHER).issue();
    assertThat(catchThrowable(() -> call(TestTrustDomain.sslContextFor(forged, EXAMPLE, OTHER))))
        .isInstanceOf(IOException.class);
    assertThat(server.firstFailure()).hasStackTraceContaining("NOT_SIGNED_BY_TRUST_DOMAIN_AUTHORITY");
  }

  @Test
  void handshakeWhenClientDoesNotAuthorizeTheServerThenClientFails() {
    SSLContext client = spiffeClient(EXAMPLE.issueX509Svid(CHECKOUT.path()), PeerAuthorizer.only(CHECKOUT));
    assertThat(catchThrowable(() -> call(client))).isInstanceOf(IOException.class)
        .hasStackTraceContaining("is not authorized");
  }

  @Test
  void handshakeWhenServerSvidRotatesBetweenConnectionsThenTheNewOneIsServed() throws IOException {
    TestSvid client = EXAMPLE.issueX509Svid(CHECKOUT.path());
    Reply first = call(spiffeClient(client, PeerAuthorizer.only(INVENTORY)));
    X509Svid rotated = EXAMPLE.issueX509Svid(INVENTORY.path()).toX509Svid(); // new key, new leaf, no intermediate
    serverSource.update(new SvidSnapshot(rotated, BUNDLES));
    Reply second = call(spiffeClient(client, PeerAuthorizer.only(INVENTORY)));
    assertThat(first.serverChain()).hasSize(2);
    assertThat(second.serverChain()).hasSize(1);
    assertThat(second.serverChain()[0]).isEqualTo(rotated.leaf()).isNotEqualTo(first.serverChain()[0]);
    assertThat(second.line()).startsWith("ok ");
    assertThat(server.failures).isEmpty();
  }

  @Test
  void handshakeWhenServerBundlesRotateToDropTheClientDomainThenFails() throws IOException {
    TestSvid client = EXAMPLE.issueX509Svid(CHECKOUT.path());
    assertThat(call(spiffeClient(client, PeerAuthorizer.only(INVENTORY))).line()).startsWith("ok ");
    serverSource.update(new SvidSnapshot(serverSource.current().svid(),
        TrustBundleSet.of(TrustBundle.empty(EXAMPLE.trustDomain()))));
    assertThat(catchThrowable(() -> call(spiffeClient(client, PeerAuthorizer.only(INVENTORY)))))
        .isInstanceOf(IOException.class);
  }

  @Test
  void serverContextWhenSocketsCreatedThenRequireClientAuthAndModernTlsOnly() throws IOException {
    SSLContext ctx = SpiffeSslContexts.server(serverSource, PeerAuthorizer.only(CHECKOUT));
    try (SSLServerSocket s = (SSLServerSocket) ctx.getServerSocketFactory().createServerSocket(0)) {
      assertThat(s.getNeedClientAuth()).isTrue();
      assertThat(s.getEnabledProtocols()).containsExactlyInAnyOrder("TLSv1.3", "TLSv1.2");
    }
    assertThat(ctx.createSSLEngine().getNeedClientAuth()).isTrue();
    assertThat(ctx.getDefaultSSLParameters().getProtocols()).containsExactlyInAnyOrder("TLSv1.3", "TLSv1.2");
  }
}
