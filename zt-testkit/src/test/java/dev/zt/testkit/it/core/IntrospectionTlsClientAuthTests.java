package dev.zt.testkit.it.core;

import dev.zt.core.DenyReason;
import dev.zt.core.Enforcer;
import dev.zt.core.credential.Introspection;

import static dev.zt.testkit.ZtAssertions.assertThatDecision;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import dev.zt.testkit.TestRequest;
import io.opentelemetry.api.OpenTelemetry;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code tls_client_auth} (RFC 8705 §2.1): the introspection call is made over mutual TLS with the client certificate
 * of the {@code SSLContext} given (here a generated one; in production zt-spiffe's context over the workload's
 * X.509-SVID), to an HTTPS endpoint that requires a client certificate.
 */
class IntrospectionTlsClientAuthTests {

  private record Identity(KeyPair keys, X509Certificate cert) {}

  private Identity server;
  private Identity client;
  private HttpsServer https;
  private ExecutorService executor;
  private final List<String> clientSubjects = new CopyOnWriteArrayList<>();
  private final List<X509Certificate> clientLeaves = new CopyOnWriteArrayList<>();
  /** The workloads' trust domain: the endpoint trusts its root, as an IdP set up for SPIFFE clients would. */
  private static final dev.zt.testkit.spiffe.TestTrustDomain WORKLOADS =
      dev.zt.testkit.spiffe.TestTrustDomain.create("example.org");
  private final List<String> forms = new CopyOnWriteArrayList<>();

  private static Identity selfSigned(String cn) throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair kp = g.generateKeyPair();
    X500Name name = new X500Name("CN=" + cn);
    Instant now = Instant.now();
    JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, new BigInteger(64, new SecureRandom()),
        Date.from(now.minusSeconds(60)), Date.from(now.plusSeconds(3600)), name, kp.getPublic());
    b.addExtension(Extension.subjectAlternativeName, false,
        new GeneralNames(new GeneralName(GeneralName.iPAddress, "127.0.0.1")));
    X509Certificate cert = new JcaX509CertificateConverter().getCertificate(
        b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(kp.getPrivate())));
    return new Identity(kp, cert);
  }

  /** Presents {@code own} (when given) and trusts exactly {@code trusted}. */
  private static SSLContext context(Identity own, X509Certificate... trusted) throws Exception {
    char[] pw = "test".toCharArray();
    KeyManagerFactory kmf = null;
    if (own != null) {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      ks.setKeyEntry("own", own.keys().getPrivate(), pw, new X509Certificate[] {own.cert()});
      kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(ks, pw);
    }
    KeyStore ts = KeyStore.getInstance("PKCS12");
    ts.load(null, null);
    for (int i = 0; i < trusted.length; i++) {
      ts.setCertificateEntry("trusted-" + i, trusted[i]);
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ts);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
    return ctx;
  }

  @BeforeEach
  void start() throws Exception {
    server = selfSigned("introspection.test");
    client = selfSigned("orders-service");
    https = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    https.setHttpsConfigurator(new HttpsConfigurator(context(server, client.cert(), WORKLOADS.root())) {
      @Override
      public void configure(HttpsParameters params) {
        javax.net.ssl.SSLParameters ssl = getSSLContext().getDefaultSSLParameters();
        ssl.setNeedClientAuth(true); // HttpsParameters.setNeedClientAuth alone is not applied by the JDK's server
        params.setSSLParameters(ssl);
      }
    });
    executor = Executors.newFixedThreadPool(2);
    https.setExecutor(executor);
    https.createContext("/introspect", ex -> {
      handle((HttpsExchange) ex);
    });
    https.start();
  }

  private void handle(HttpsExchange ex) throws java.io.IOException {
    {
      X509Certificate peer = (X509Certificate) ((HttpsExchange) ex).getSSLSession().getPeerCertificates()[0];
      clientSubjects.add(peer.getSubjectX500Principal().getName());
      clientLeaves.add(peer);
      forms.add(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.US_ASCII));
      long exp = Instant.now().plusSeconds(300).getEpochSecond();
      byte[] body = ("{\"active\":true,\"iss\":\"https://idp.test\",\"sub\":\"user-1\",\"aud\":\"orders-api\","
          + "\"scope\":\"orders:read\",\"exp\":" + exp + "}").getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().set("Content-Type", "application/json");
      ex.sendResponseHeaders(200, body.length);
      ex.getResponseBody().write(body);
      ex.close();
    }
  }

  @AfterEach
  void stop() {
    https.stop(0);
    executor.shutdownNow();
  }

  private Enforcer enforcer(SSLContext tls) {
    URI endpoint = URI.create("https://127.0.0.1:" + https.getAddress().getPort() + "/introspect");
    return Enforcer.builder()
        .bearerJwt(dev.zt.core.credential.BearerJwt.issuer("https://idp.test").audience("orders-api")
            .keySource(new com.nimbusds.jose.jwk.source.ImmutableJWKSet<>(new com.nimbusds.jose.jwk.JWKSet()))
            .introspection(Introspection.client("orders-service").tlsClientAuth(() -> tls).endpoint(endpoint)
                .build())
            .build())
        .routes(Fixtures.routes())
        .openTelemetry(OpenTelemetry.noop())
        .build();
  }

  @Test
  void enforceWhenTlsClientAuthThenCallMadeWithTheClientCertificateAndClientId() throws Exception {
    Enforcer enforcer = enforcer(context(client, server.cert()));
    assertThatDecision(enforcer.enforce(TestRequest.get("/orders").bearer("opaque-1").build())).isAllowed();
    assertThat(clientSubjects).containsExactly("CN=orders-service");
    assertThat(forms.get(0)).contains("client_id=orders-service").doesNotContain("client_secret")
        .doesNotContain("client_assertion");
  }

  @Test
  void enforceWhenTlsClientAuthWithoutClientCertificateThenUnavailable() throws Exception {
    Enforcer enforcer = enforcer(context(null, server.cert()));
    assertThatDecision(enforcer.enforce(TestRequest.get("/orders").bearer("opaque-1").build()))
        .isDeniedWith(DenyReason.INTROSPECTION_UNAVAILABLE);
    assertThat(clientSubjects).isEmpty();
  }

  @Test
  void enforceWhenEndpointCertificateNotTrustedThenUnavailable() throws Exception {
    Enforcer enforcer = enforcer(context(client, client.cert())); // trusts only itself, not the endpoint
    assertThatDecision(enforcer.enforce(TestRequest.get("/orders").bearer("opaque-1").build()))
        .isDeniedWith(DenyReason.INTROSPECTION_UNAVAILABLE);
    assertThat(clientSubjects).isEmpty();
  }

  private static javax.net.ssl.TrustManagerFactory trusting(X509Certificate cert) throws Exception {
    KeyStore ts = KeyStore.getInstance("PKCS12");
    ts.load(null, null);
    ts.setCertificateEntry("endpoint", cert);
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ts);
    return tmf;
  }

  private static dev.zt.spiffe.X509Source sourceOf(dev.zt.testkit.spiffe.TestSvid svid,
      dev.zt.testkit.spiffe.TestTrustDomain domain) {
    return dev.zt.spiffe.X509Source.of(new dev.zt.spiffe.SvidSnapshot(svid.toX509Svid(),
        dev.zt.spiffe.TrustBundleSet.of(domain.bundle().trustBundle())));
  }

  @Test
  void enforceWhenTlsClientAuthWithTheWorkloadsSvidThenTheEndpointSeesThatSvid() throws Exception {
    dev.zt.testkit.spiffe.TestSvid svid = WORKLOADS.issueX509Svid("/ns/shop/sa/orders");
    SSLContext tls = dev.zt.spiffe.SpiffeSslContexts.clientOfWebPki(sourceOf(svid, WORKLOADS), trusting(server.cert()));

    assertThatDecision(enforcer(tls).enforce(TestRequest.get("/orders").bearer("opaque-1").build())).isAllowed();
    assertThat(clientLeaves).containsExactly(svid.leaf());
  }

  @Test
  void enforceWhenTlsClientAuthWithAnSvidTheEndpointDoesNotTrustOrAnEndpointItDoesNotTrustThenUnavailable()
      throws Exception {
    dev.zt.testkit.spiffe.TestTrustDomain stranger = dev.zt.testkit.spiffe.TestTrustDomain.create("other.org");
    dev.zt.testkit.spiffe.TestSvid foreign = stranger.issueX509Svid("/ns/shop/sa/orders");
    dev.zt.testkit.spiffe.TestSvid own = WORKLOADS.issueX509Svid("/ns/shop/sa/orders");
    SSLContext untrustedClient = dev.zt.spiffe.SpiffeSslContexts.clientOfWebPki(sourceOf(foreign, stranger),
        trusting(server.cert()));
    SSLContext untrustedServer = dev.zt.spiffe.SpiffeSslContexts.clientOfWebPki(sourceOf(own, WORKLOADS),
        trusting(client.cert()));

    assertThatDecision(enforcer(untrustedClient).enforce(TestRequest.get("/orders").bearer("opaque-1").build()))
        .isDeniedWith(DenyReason.INTROSPECTION_UNAVAILABLE);
    assertThatDecision(enforcer(untrustedServer).enforce(TestRequest.get("/orders").bearer("opaque-1").build()))
        .isDeniedWith(DenyReason.INTROSPECTION_UNAVAILABLE);
    assertThat(clientLeaves).isEmpty();
  }
}
