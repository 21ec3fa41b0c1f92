package dev.zt.samples.gateway;

import dev.zt.core.Caller;
import dev.zt.core.Decision;
import dev.zt.servlet.ZeroTrustFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import javax.net.ssl.SSLContext;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP;
import org.eclipse.jetty.ee10.proxy.ProxyServlet;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The forwarding half of the gateway: Jetty's ee10 {@link ProxyServlet} (asynchronous both ways, streaming bodies),
 * behind zt's filter, sending HTTP/1.1 over mutual TLS with the gateway's X.509-SVID to the one upstream.
 *
 * <p>Per request: the client's header fields are copied except hop-by-hop ones (RFC 9110 §7.6.1: {@code Connection}
 * and every field it names, {@code Keep-Alive}, {@code TE}, {@code Trailer}, {@code Transfer-Encoding},
 * {@code Upgrade}, {@code Proxy-Connection}), credentials not meant for the upstream ({@code Authorization},
 * {@code Proxy-Authorization}, {@code DPoP}, {@code Cookie}) and forwarding fields the client may not set (the
 * gateway is the edge: {@code Forwarded}, {@code X-Forwarded-*}, {@code X-Real-IP}, {@code Via}); then
 * {@code Authorization} is the credential zt's allow carries ({@link ZeroTrustFilter#forwardedCredential}, the
 * internal token), never the client's, and {@code Forwarded} (RFC 7239 §4: {@code for}, {@code proto},
 * {@code host}, {@code by}) and {@code Via} (RFC 9110 §7.6.3) are the gateway's own. An authenticated caller whose
 * allow carries no credential to forward is refused with 503 (fail closed: the request is not sent). Answers pass back
 * unchanged but for their hop-by-hop fields; an upstream that cannot be reached or answers too late is a 502 or 504
 * problem (RFC 9457), never a hang.
 */
final class UpstreamProxy extends ProxyServlet {

  private static final Logger LOG = LoggerFactory.getLogger(UpstreamProxy.class);

  /** The RFC 9110 §7.6.1 hop-by-hop fields, {@code Proxy-Connection} (RFC 9112 Appendix C.2.2) and h2c's. */
  static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-connection", "te", "trailer",
      "transfer-encoding", "upgrade", "http2-settings", "proxy-authenticate");

  /** Client fields never sent upstream: credentials for the gateway, and forwarding fields only the edge sets. */
  static final Set<String> STRIPPED = Set.of("authorization", "proxy-authorization", "dpop", "cookie", "forwarded",
      "x-real-ip", "via", "host");

  /** How long a connection to the upstream may take. */
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

  /** How long a whole upstream exchange may take before the client gets 504. */
  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

  /** The gateway's name in {@code Via} (a pseudonym, RFC 9110 §7.6.3). */
  static final String VIA = "1.1 zt-gateway";

  private final URI upstream;
  private final SslContextFactory.Client tls;

  UpstreamProxy(URI upstream, SSLContext mtls) {
    this.upstream = upstream;
    this.tls = new SslContextFactory.Client();
    tls.setSslContext(mtls);
    // the peer is a SPIFFE workload, named by its URI SAN and checked by zt-spiffe's trust manager, not a host name
    tls.setEndpointIdentificationAlgorithm(null);
    // no client-side resumption: every new connection is a full handshake with the SVID current at that moment, so
    // a rotated SVID is what new connections present (a resumed session would carry the old one)
    tls.setSessionCachingEnabled(false);
  }

  @Override
  protected HttpClient newHttpClient() {
    ClientConnector connector = new ClientConnector();
    connector.setSslContextFactory(tls);
    connector.setConnectTimeout(CONNECT_TIMEOUT);
    HttpClient client = new HttpClient(new HttpClientTransportOverHTTP(connector));
    client.setUserAgentField(null); // the client's own User-Agent, if any, is copied; the gateway adds none
    return client;
  }

  @Override
  protected void service(HttpServletRequest request, HttpServletResponse response) throws jakarta.servlet.ServletException,
      IOException {
    if (!(request.getAttribute(ZeroTrustFilter.CALLER_ATTRIBUTE) instanceof Caller caller)) {
      LOG.error("a request reached the proxy without passing zt's filter: refused");
      problem(response, 500, "Internal Server Error", "the request was not decided");
      return;
    }
    if (caller.credential().isPresent() && ZeroTrustFilter.forwardedCredential(request).isEmpty()) {
      // an authenticated caller and no internal token: never forward the client's, never forward unauthenticated
      LOG.error("no internal token to forward for an authenticated caller: refused with 503");
      problem(response, 503, "Service Unavailable", "no credential to forward to the upstream");
      return;
    }
    super.service(request, response);
  }

  /**
   * The upstream URI: the one upstream, the path zt decided on (its normalized path, re-encoded: no {@code ..}, no
   * {@code ;} parameters, no {@code //} left for the upstream to read differently) and the query as received. A
   * request without a normalized path was refused by zt and never gets here; should one, there is no target (502).
   */
  @Override
  protected String rewriteTarget(HttpServletRequest request) {
    if (!(request.getAttribute(ZeroTrustFilter.CONTEXT_ATTRIBUTE) instanceof dev.zt.core.RequestContext context)
        || context.normalizedPath().isEmpty()) {
      return null;
    }
    String query = request.getQueryString();
    return upstream + encodePath(context.normalizedPath().get()) + (query == null ? "" : "?" + query);
  }

  /**
   * A decoded path as an RFC 3986 path: {@code /}, unreserved characters and the sub-delimiters but {@code ;} as they
   * are, everything else (as UTF-8) percent-encoded, so the upstream decodes exactly the path zt authorized.
   */
  static String encodePath(String decoded) {
    StringBuilder b = new StringBuilder(decoded.length() + 8);
    for (byte x : decoded.getBytes(StandardCharsets.UTF_8)) {
      int c = x & 0xff;
      if (c < 0x80 && (Character.isLetterOrDigit(c) || "/-._~!$&'()*+,=:@".indexOf(c) >= 0)) {
        b.append((char) c);
      } else {
        b.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      }
    }
    return b.toString();
  }

  @Override
  protected void copyRequestHeaders(HttpServletRequest clientRequest, Request proxyRequest) {
    HttpFields.Mutable out = HttpFields.build();
    Set<String> connectionListed = listed(clientRequest.getHeaders("Connection"));
    for (Enumeration<String> names = clientRequest.getHeaderNames(); names.hasMoreElements(); ) {
      String name = names.nextElement();
      String lower = name.toLowerCase(Locale.ROOT);
      if (HOP_BY_HOP.contains(lower) || STRIPPED.contains(lower) || connectionListed.contains(lower)
          || lower.startsWith("x-forwarded-")) {
        continue;
      }
      for (Enumeration<String> values = clientRequest.getHeaders(name); values.hasMoreElements(); ) {
        String v = values.nextElement();
        if (v != null) {
          out.add(name, v);
        }
      }
    }
    Optional<Decision.ForwardedCredential> forward = ZeroTrustFilter.forwardedCredential(clientRequest);
    forward.ifPresent(f -> out.put(HttpHeader.AUTHORIZATION, f.authorization()));
    proxyRequest.headers(h -> h.clear().add(out));
  }

  @Override
  protected void addProxyHeaders(HttpServletRequest clientRequest, Request proxyRequest) {
    String forwarded = forwarded(clientRequest.getRemoteAddr(), clientRequest.getScheme(),
        clientRequest.getHeader("Host"), clientRequest.getLocalAddr(), clientRequest.getLocalPort());
    proxyRequest.headers(h -> h.put(HttpHeader.FORWARDED, forwarded).put(HttpHeader.VIA, VIA));
  }

  /**
   * One RFC 7239 forwarded-element: {@code for} the client's address, {@code proto} its scheme, {@code host} the
   * {@code Host} it sent (when it sent one), {@code by} the gateway's address and port. IPv6 addresses and anything
   * that is not a token are quoted (§6: {@code for="[2001:db8::1]"}).
   */
  static String forwarded(String clientAddress, String scheme, String host, String localAddress, int localPort) {
    StringBuilder b = new StringBuilder();
    b.append("for=").append(value(node(clientAddress, -1)));
    b.append(";proto=").append(value(scheme.toLowerCase(Locale.ROOT)));
    if (host != null && !host.isBlank()) {
      b.append(";host=").append(value(host.strip()));
    }
    b.append(";by=").append(value(node(localAddress, localPort)));
    return b.toString();
  }

  /** A node (§6): an IPv4 address, a bracketed IPv6 one, with {@code :port} when given. */
  private static String node(String address, int port) {
    String a = address == null ? "unknown" : address;
    if (a.startsWith("[")) {
      a = a.substring(1, a.length() - 1);
    }
    if (a.contains(":")) {
      a = "[" + a.replaceAll("%.*$", "") + "]"; // the servlet API's text of an IPv6 address, zone id dropped
    }
    return port > 0 ? a + ":" + port : a;
  }

  /** A token as is, anything else as a quoted-string (RFC 9110 §5.6.4). */
  private static String value(String v) {
    if (!v.isEmpty() && v.chars().allMatch(c -> c < 0x7f && (Character.isLetterOrDigit(c)
        || "!#$%&'*+-.^_`|~".indexOf(c) >= 0))) {
      return v;
    }
    StringBuilder q = new StringBuilder("\"");
    for (char c : v.toCharArray()) {
      if (c == '"' || c == '\\') {
        q.append('\\');
      }
      q.append(c < 0x20 || c >= 0x7f ? '?' : c);
    }
    return q.append('"').toString();
  }

  @Override
  protected void onServerResponseHeaders(HttpServletRequest clientRequest, HttpServletResponse proxyResponse,
      Response serverResponse) {
    Set<String> listed = listed(java.util.Collections.enumeration(
        serverResponse.getHeaders().getValuesList(HttpHeader.CONNECTION)));
    for (HttpField field : serverResponse.getHeaders()) {
      String lower = field.getName().toLowerCase(Locale.ROOT);
      if (HOP_BY_HOP.contains(lower) || listed.contains(lower)) {
        continue;
      }
      proxyResponse.addHeader(field.getName(), field.getValue());
    }
  }

  @Override
  protected int proxyResponseStatus(Throwable failure) {
    return failure instanceof java.util.concurrent.TimeoutException ? 504 : 502;
  }

  @Override
  protected void sendProxyResponseError(HttpServletRequest clientRequest, HttpServletResponse proxyResponse,
      int status) {
    try {
      if (proxyResponse.isCommitted()) {
        super.sendProxyResponseError(clientRequest, proxyResponse, status); // too late for a problem: abort
        return;
      }
      proxyResponse.reset();
      LOG.warn("upstream {} failed for {} {}: answered {}", upstream, clientRequest.getMethod(),
          clientRequest.getRequestURI(), status);
      switch (status) {
        case 502 -> problem(proxyResponse, 502, "Bad Gateway", "the upstream could not be reached");
        case 504 -> problem(proxyResponse, 504, "Gateway Timeout", "the upstream did not answer in time");
        default -> problem(proxyResponse, status, "Error", "the request could not be forwarded");
      }
    } catch (IOException | RuntimeException e) {
      LOG.debug("could not write the error answer", e);
    } finally {
      if (clientRequest.isAsyncStarted()) {
        clientRequest.getAsyncContext().complete();
      }
    }
  }

  /** An RFC 9457 problem answer. */
  static void problem(HttpServletResponse response, int status, String title, String detail) throws IOException {
    response.setStatus(status);
    response.setContentType("application/problem+json");
    response.setHeader("Cache-Control", "no-store");
    byte[] body = ("{\"type\":\"about:blank\",\"title\":\"" + title + "\",\"status\":" + status + ",\"detail\":\""
        + detail + "\"}").getBytes(StandardCharsets.UTF_8);
    response.setContentLength(body.length);
    response.getOutputStream().write(body);
  }

  /** The field names a {@code Connection} field lists, lower case. */
  private static Set<String> listed(Enumeration<String> connection) {
    Set<String> names = new HashSet<>();
    while (connection != null && connection.hasMoreElements()) {
      for (String n : connection.nextElement().split(",")) {
        if (!n.isBlank()) {
          names.add(n.strip().toLowerCase(Locale.ROOT));
        }
      }
    }
    return names;
  }
}
