package dev.zt.samples.gateway;

import dev.zt.spiffe.PeerAuthorizer;
import dev.zt.spiffe.SpiffeSslContexts;
import dev.zt.spiffe.SvidSnapshot;
import dev.zt.spiffe.TrustBundleSet;
import dev.zt.spiffe.TrustDomain;
import dev.zt.spiffe.X509Source;
import dev.zt.spiffe.X509Svid;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * A stand-in upstream on mutual TLS (its SVID, client SVIDs of the trust domain required) that records every request
 * it gets (header fields, the client certificate's serial) and answers 200 with a fixed body, a hop-by-hop field
 * named by its {@code Connection} and {@code Connection: close} (so every request is a new connection).
 */
final class RecordingUpstream implements AutoCloseable {

  /** One request as the upstream saw it. */
  record Seen(String method, String uri, Map<String, List<String>> headers, BigInteger clientSerial,
      String clientId) {
    List<String> header(String name) {
      return headers.getOrDefault(name.toLowerCase(Locale.ROOT), List.of());
    }
  }

  static final String BODY = "{\"upstream\":\"recorded\"}";

  private final Server server;
  private final ServerConnector connector;
  final List<Seen> seen = new CopyOnWriteArrayList<>();

  RecordingUpstream(X509Svid own, TrustBundleSet bundles, TrustDomain td) throws Exception {
    server = new Server();
    SslContextFactory.Server tls = new SslContextFactory.Server();
    tls.setSslContext(SpiffeSslContexts.server(X509Source.of(new SvidSnapshot(own, bundles)),
        PeerAuthorizer.memberOf(td)));
    tls.setNeedClientAuth(true);
    tls.setEndpointIdentificationAlgorithm(null);
    HttpConfiguration https = new HttpConfiguration();
    SecureRequestCustomizer secure = new SecureRequestCustomizer();
    secure.setSniHostCheck(false);
    secure.setSniRequired(false);
    https.addCustomizer(secure);
    connector = new ServerConnector(server, new SslConnectionFactory(tls, "http/1.1"),
        new HttpConnectionFactory(https));
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler();
    context.setContextPath("/");
    context.addServlet(new ServletHolder(new HttpServlet() {
      @Override
      protected void service(HttpServletRequest req, HttpServletResponse res) throws IOException {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (String name : Collections.list(req.getHeaderNames())) {
          headers.put(name.toLowerCase(Locale.ROOT), new ArrayList<>(Collections.list(req.getHeaders(name))));
        }
        X509Certificate[] chain = (X509Certificate[]) req.getAttribute("jakarta.servlet.request.X509Certificate");
        String id = chain == null ? null : uriSan(chain[0]);
        seen.add(new Seen(req.getMethod(), req.getRequestURI()
            + (req.getQueryString() == null ? "" : "?" + req.getQueryString()), headers,
            chain == null ? null : chain[0].getSerialNumber(), id));
        res.setStatus(200);
        res.setContentType("application/json");
        res.setHeader("X-Upstream", "kept");
        res.setHeader("X-Hop", "dropped");
        res.setHeader("Connection", "X-Hop, close");
        res.getOutputStream().write(BODY.getBytes(StandardCharsets.UTF_8));
      }
    }), "/");
    server.setHandler(context);
    server.start();
  }

  private static String uriSan(X509Certificate leaf) {
    try {
      return leaf.getSubjectAlternativeNames().stream().filter(san -> (Integer) san.get(0) == 6)
          .map(san -> (String) san.get(1)).findFirst().orElse(null);
    } catch (java.security.cert.CertificateParsingException e) {
      return null;
    }
  }

  int port() {
    return connector.getLocalPort();
  }

  Seen last() {
    return seen.get(seen.size() - 1);
  }

  @Override
  public void close() throws Exception {
    server.stop();
  }
}
