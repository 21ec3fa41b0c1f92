package dev.zt.testkit;

import dev.zt.core.RequestContext;
import dev.zt.core.RequestHeaders;
import java.net.InetAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds a {@link RequestContext} for plain-Java tests of an enforcer, without a server.
 *
 * <pre>{@code
 * enforcer.enforce(TestRequest.get("/orders").bearer(token).build());
 * }</pre>
 *
 * @since 0.1
 */
public final class TestRequest {

  private final String method;
  private final String rawPath;
  private String rawQuery = "";
  private final Map<String, List<String>> headers = new LinkedHashMap<>();
  private Clock clock; // none: the enforcer stamps the request with its own clock
  private boolean nonBlocking;
  private List<java.security.cert.X509Certificate> peerChain = List.of();
  private InetAddress peer = InetAddress.getLoopbackAddress();

  private TestRequest(String method, String rawPath) {
    this.method = method;
    this.rawPath = rawPath;
  }

  /** A request with any method (sent exactly as given: methods are case-sensitive). */
  public static TestRequest of(String method, String rawPath) {
    return new TestRequest(method, rawPath);
  }

  public static TestRequest get(String rawPath) {
    return of("GET", rawPath);
  }

  public static TestRequest post(String rawPath) {
    return of("POST", rawPath);
  }

  /** Adds {@code Authorization: Bearer <token>}. */
  public TestRequest bearer(String token) {
    return header("Authorization", "Bearer " + token);
  }

  /**
   * Adds {@code Authorization: DPoP <token>} and the {@code DPoP: <proof>} field (RFC 9449 §7.1).
   *
   * @since 0.2
   */
  public TestRequest dpop(String token, String proof) {
    return header("Authorization", "DPoP " + token).header("DPoP", proof);
  }

  /** Adds a header field (call twice for two fields of the same name). */
  public TestRequest header(String name, String value) {
    headers.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
    return this;
  }

  /** Sets the raw query (without {@code ?}). */
  public TestRequest query(String rawQuery) {
    this.rawQuery = rawQuery;
    return this;
  }

  /**
   * Stamps the arrival time with {@code clock}, as an adapter does with the enforcer's clock. Without it the enforcer
   * uses its own clock, which is what a test with a settable clock wants.
   */
  public TestRequest clock(Clock clock) {
    this.clock = clock;
    return this;
  }

  /** Marks the caller as unable to block (an event loop). */
  public TestRequest nonBlocking() {
    this.nonBlocking = true;
    return this;
  }

  /**
   * The mTLS peer's certificate chain, leaf first, as an adapter would pass it (e.g. a
   * {@code TestTrustDomain}'s {@code TestSvid.chain()}), for tests of a {@code PeerVerifier}.
   */
  public TestRequest peerCertificates(List<java.security.cert.X509Certificate> chain) {
    this.peerChain = List.copyOf(chain);
    return this;
  }

  /**
   * The address the connection comes from (default loopback): an IP literal, never looked up. For tests of what
   * zt counts and blocks per source, and of trusted proxies.
   *
   * @since 0.1
   */
  public TestRequest peer(String ipLiteral) {
    if (!ipLiteral.matches("[0-9A-Fa-f:.]+")) {
      throw new IllegalArgumentException("an IP literal: " + ipLiteral);
    }
    try {
      this.peer = InetAddress.getByName(ipLiteral);
    } catch (java.net.UnknownHostException e) {
      throw new IllegalArgumentException("an IP literal: " + ipLiteral, e);
    }
    return this;
  }

  public RequestContext build() {
    RequestContext.Builder b = RequestContext.builder(method, rawPath)
        .rawQuery(rawQuery)
        .headers(RequestHeaders.of(headers))
        .clientAddress(peer)
        .peerCertificates(peerChain);
    if (clock != null) {
      b.arrival(clock.instant());
    }
    if (nonBlocking) {
      b.nonBlocking();
    }
    return b.build();
  }
}
