package dev.zt.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zt.core.Enforcer;
import dev.zt.core.credential.BearerJwt;
import dev.zt.core.policy.Requirement;
import dev.zt.core.policy.RoutePolicy;
import dev.zt.core.rate.RatePolicy;
import dev.zt.testkit.TestIssuer;
import dev.zt.testkit.spiffe.TestSvid;
import dev.zt.testkit.spiffe.TestTrustDomain;
import io.opentelemetry.api.OpenTelemetry;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.EnumSet;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.descriptor.web.FilterDef;
import org.apache.tomcat.util.descriptor.web.FilterMap;
import org.apache.tomcat.util.net.SSLHostConfig;
import org.apache.tomcat.util.net.SSLHostConfigCertificate;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * RFC 8705 certificate-bound tokens over a real TLS handshake, on Jetty 12 and Tomcat 10.1: the servlet container
 * puts the client's chain in {@code jakarta.servlet.request.X509Certificate}, {@link ZeroTrustFilter} hands it to the
 * enforcer, and a token bound to the client certificate ({@code cnf.x5t#S256}) passes only over that certificate.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CertificateBoundTokenTlsTests {

  private static final TestTrustDomain DOMAIN = TestTrustDomain.create("example.org");
  private static final TestSvid SERVER = DOMAIN.issueX509Svid("/orders");
  private static final TestSvid CLIENT = DOMAIN.issueX509Svid("/client");
  private static final TestSvid OTHER = DOMAIN.issueX509Svid("/other");

  private TestIssuer issuer;
  private Enforcer enforcer;
  private Server jetty;
  private int jettyPort;
  private Tomcat tomcat;
  private Path tomcatBase;
  private int tomcatPort;

  @BeforeAll
  void start() throws Exception {
    issuer = TestIssuer.start();
    enforcer = Enforcer.builder()
        .bearerJwt(BearerJwt.issuer(issuer.issuer()).audience(TestIssuer.defaultAudience()).build())
        .routes(RoutePolicy.builder().get("/orders", Requirement.allScopes("orders:read")).build())
        .rateLimits(RatePolicy.none())
        .openTelemetry(OpenTelemetry.noop())
        .build();
    startJetty();
    startTomcat();
  }

  @AfterAll
  void stop() throws Exception {
    if (jetty != null) {
      jetty.stop();
    }
    if (tomcat != null) {
      tomcat.stop();
      tomcat.destroy();
    }
    issuer.close();
  }

  private static final class Ok extends HttpServlet {
    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
      resp.setStatus(200);
      resp.getWriter().write("ok");
    }
  }

  private void startJetty() throws Exception {
    jetty = new Server();
    SslContextFactory.Server tls = new SslContextFactory.Server();
    tls.setSslContext(TestTrustDomain.sslContextFor(SERVER, DOMAIN));
    tls.setWantClientAuth(true); // a client without a certificate gets through the handshake: zt must refuse it
    tls.setEndpointIdentificationAlgorithm(null);
    HttpConfiguration https = new HttpConfiguration();
    SecureRequestCustomizer secure = new SecureRequestCustomizer();
    secure.setSniHostCheck(false);
    secure.setSniRequired(false);
    https.addCustomizer(secure); // what sets jakarta.servlet.request.X509Certificate on Jetty
    ServerConnector connector = new ServerConnector(jetty, new SslConnectionFactory(tls, "http/1.1"),
        new HttpConnectionFactory(https));
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    jetty.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler();
    context.setContextPath("/");
    context.addFilter(new FilterHolder(new ZeroTrustFilter(enforcer)), "/*", EnumSet.of(DispatcherType.REQUEST));
    context.addServlet(new ServletHolder(new Ok()), "/");
    jetty.setHandler(context);
    jetty.start();
    jettyPort = connector.getLocalPort();
  }

  private void startTomcat() throws Exception {
    tomcatBase = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "tomcat-tls-");
    tomcat = new Tomcat();
    tomcat.setBaseDir(tomcatBase.toAbsolutePath().toString());
    Connector connector = new Connector();
    connector.setPort(0);
    connector.setProperty("address", "127.0.0.1");
    connector.setSecure(true);
    connector.setScheme("https");
    connector.setProperty("SSLEnabled", "true");
    SSLHostConfig ssl = new SSLHostConfig();
    ssl.setCertificateVerification("optional");
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("root", DOMAIN.root());
    ssl.setTrustStore(trust);
    SSLHostConfigCertificate cert = new SSLHostConfigCertificate(ssl, SSLHostConfigCertificate.Type.UNDEFINED);
    KeyStore keys = KeyStore.getInstance("PKCS12");
    keys.load(null, null);
    keys.setKeyEntry("svid", SERVER.privateKey(), "test".toCharArray(), SERVER.chainArray());
    cert.setCertificateKeystore(keys);
    cert.setCertificateKeyAlias("svid");
    cert.setCertificateKeystorePassword("test");
    cert.setCertificateKeyPassword("test");
    ssl.addCertificate(cert);
    connector.addSslHostConfig(ssl);
    tomcat.setConnector(connector);
    Context context = tomcat.addContext("", null);
    FilterDef filter = new FilterDef();
    filter.setFilterName("zt");
    filter.setFilter(new ZeroTrustFilter(enforcer));
    context.addFilterDef(filter);
    FilterMap map = new FilterMap();
    map.setFilterName("zt");
    map.addURLPattern("/*");
    map.setDispatcher("REQUEST");
    context.addFilterMap(map);
    Tomcat.addServlet(context, "ok", new Ok());
    context.addServletMappingDecoded("/", "ok");
    tomcat.start();
    tomcatPort = connector.getLocalPort();
  }

  private int port(String container) {
    return container.equals("jetty") ? jettyPort : tomcatPort;
  }

  private String boundTo(TestSvid svid) throws Exception {
    byte[] digest = MessageDigest.getInstance("SHA-256").digest(svid.leaf().getEncoded());
    return issuer.token().claim("cnf", Map.of("x5t#S256", Base64.getUrlEncoder().withoutPadding()
        .encodeToString(digest))).scope("orders:read").build();
  }

  /** A GET over TLS, presenting {@code client}'s certificate (none when {@code null}); the status, -1 if refused. */
  private static int get(int port, TestSvid client, String token) throws Exception {
    SSLContext ctx = client == null ? trustOnly() : TestTrustDomain.sslContextFor(client, DOMAIN);
    try (SSLSocket socket = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      socket.startHandshake();
      OutputStream out = socket.getOutputStream();
      out.write(("GET /orders HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + token
          + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      return response.length() < 12 ? -1 : Integer.parseInt(response.substring(9, 12));
    }
  }

  private static SSLContext trustOnly() throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("root", DOMAIN.root());
    javax.net.ssl.TrustManagerFactory tmf =
        javax.net.ssl.TrustManagerFactory.getInstance(javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, tmf.getTrustManagers(), null);
    return ctx;
  }

  @ParameterizedTest
  @ValueSource(strings = {"jetty", "tomcat"})
  void filterWhenBoundTokenOverItsClientCertificateThenAllowed(String container) throws Exception {
    assertThat(get(port(container), CLIENT, boundTo(CLIENT))).isEqualTo(200);
  }

  @ParameterizedTest
  @ValueSource(strings = {"jetty", "tomcat"})
  void filterWhenBoundTokenOverAnotherClientCertificateThen401(String container) throws Exception {
    assertThat(get(port(container), OTHER, boundTo(CLIENT))).isEqualTo(401);
  }

  @ParameterizedTest
  @ValueSource(strings = {"jetty", "tomcat"})
  void filterWhenBoundTokenOverTlsWithoutClientCertificateThen401(String container) throws Exception {
    assertThat(get(port(container), null, boundTo(CLIENT))).isEqualTo(401);
  }

  @ParameterizedTest
  @ValueSource(strings = {"jetty", "tomcat"})
  void filterWhenClientCertHeaderWithoutTrustThenIgnoredAndBoundTokenRefused(String container) throws Exception {
    int port = port(container);
    SSLContext ctx = trustOnly();
    try (SSLSocket socket = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      socket.startHandshake();
      socket.getOutputStream().write(("GET /orders HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
          + boundTo(CLIENT) + "\r\nClient-Cert: :" + Base64.getEncoder().encodeToString(CLIENT.leaf().getEncoded())
          + ":\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(response).startsWith("HTTP/1.1 401");
    }
  }
}
