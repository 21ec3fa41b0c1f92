package dev.zt.core;

import dev.zt.core.internal.PathNormalizer;
import dev.zt.core.internal.RequestTarget;
import java.net.InetAddress;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What the enforcer sees of one request: built by an adapter (or by user code) from the container's request.
 *
 * <p>The raw path is the request-target's path exactly as received (still percent-encoded, without the query). The
 * normalized path is derived from it once, here, so every gate and every adapter agrees on it; when the raw path is
 * ambiguous it is refused and {@link #normalizedPath()} is empty.
 *
 * @since 0.1
 */
public final class RequestContext {

  private final String method;
  private final String rawPath;
  private final PathNormalizer.Result path;
  private final String rawQuery;
  private final RequestHeaders headers;
  private final Optional<InetAddress> clientAddress;
  private final List<X509Certificate> peerCertificates;
  private final Instant arrival;
  private final boolean arrivalStamped;
  private final boolean mayBlock;
  private final Optional<FormBody> formBody;
  private final RequestContext origin; // the context a withFormBody copy was made from, else this

  private RequestContext(Builder b) {
    this.method = b.method;
    this.rawPath = b.rawPath;
    if (b.refusedTarget != null) {
      this.path = new PathNormalizer.Rejected(b.refusedTarget);
    } else {
      this.path = b.contextPath.isEmpty()
          ? PathNormalizer.normalize(b.rawPath)
          : PathNormalizer.normalizeWithin(b.rawPath, b.contextPath);
    }
    this.rawQuery = b.rawQuery;
    this.headers = b.headers;
    this.clientAddress = Optional.ofNullable(b.clientAddress);
    this.peerCertificates = b.peerCertificates;
    this.arrival = b.arrival;
    this.arrivalStamped = b.arrivalStamped;
    this.mayBlock = b.mayBlock;
    this.formBody = Optional.ofNullable(b.formBody);
    this.origin = this;
  }

  private RequestContext(RequestContext of, FormBody form) {
    this.method = of.method;
    this.rawPath = of.rawPath;
    this.path = of.path;
    this.rawQuery = of.rawQuery;
    this.headers = of.headers;
    this.clientAddress = of.clientAddress;
    this.peerCertificates = of.peerCertificates;
    this.arrival = of.arrival;
    this.arrivalStamped = of.arrivalStamped;
    this.mayBlock = of.mayBlock;
    this.formBody = Optional.of(form);
    this.origin = of.origin;
  }

  /** Starts a context for {@code method} (case-sensitive, as sent) and the raw, still-encoded {@code rawPath}. */
  public static Builder builder(String method, String rawPath) {
    return new Builder(method, rawPath);
  }

  /**
   * Starts a context from an HTTP/1.1 request-target exactly as it appeared on the request line (RFC 9112 §3.2),
   * for adapters that see the raw request line rather than a container's parsed URI (Netty, a proxy). Origin-form
   * ({@code /orders?x=1}) and absolute-form ({@code http://host/orders?x=1}, scheme and authority dropped per
   * RFC 9112 §3.2.2) give the raw path and the raw query; any other form — asterisk-form, authority-form, a relative
   * reference, another scheme, userinfo, a fragment, bytes outside visible US-ASCII — is refused as a servlet
   * container would refuse it: the context is built, and the enforcer denies it with
   * {@link DenyReason#PATH_REJECTED} (400). Calling {@link Builder#rawQuery} afterwards replaces the query.
   */
  public static Builder forRequestTarget(String method, String requestTarget) {
    Objects.requireNonNull(requestTarget, "requestTarget");
    RequestTarget.Result target = RequestTarget.parse(requestTarget);
    if (target instanceof RequestTarget.Parsed parsed) {
      return new Builder(method, parsed.rawPath()).rawQuery(parsed.rawQuery());
    }
    Builder b = new Builder(method, requestTarget);
    b.refusedTarget = ((RequestTarget.Refused) target).why();
    return b;
  }

  /** The HTTP method exactly as sent: method names are case-sensitive (RFC 9110 §9.1). */
  public String method() {
    return method;
  }

  /** The path as received, percent-encoded, without the query. */
  public String rawPath() {
    return rawPath;
  }

  /** The canonical path routes are matched against, or empty when the raw path was refused as ambiguous. */
  public Optional<String> normalizedPath() {
    return path instanceof PathNormalizer.Normalized n ? Optional.of(n.path()) : Optional.empty();
  }

  PathNormalizer.Result pathResult() {
    return path;
  }

  /** The raw query string (without {@code ?}), or empty. Tokens found here are ignored (RFC 6750 §2.3 is off). */
  public String rawQuery() {
    return rawQuery;
  }

  /** The request's headers. */
  public RequestHeaders headers() {
    return headers;
  }

  /** The client's address as the adapter determined it. */
  public Optional<InetAddress> clientAddress() {
    return clientAddress;
  }

  /** The TLS peer's certificate chain, leaf first; empty without mTLS. */
  public List<X509Certificate> peerCertificates() {
    return peerCertificates;
  }

  /** When the adapter received the request. */
  public Instant arrival() {
    return arrival;
  }

  /** Whether the adapter stamped {@link #arrival()} (with the enforcer's clock), rather than the builder's default. */
  boolean arrivalStamped() {
    return arrivalStamped;
  }

  /**
   * Whether the calling thread may block on I/O. Adapters on an event loop say {@code false}; gates then move any
   * blocking work (a key fetch, a signature check on a cold token) off the caller and complete later.
   */
  public boolean mayBlock() {
    return mayBlock;
  }

  /**
   * The body of an {@code application/x-www-form-urlencoded} request, when the adapter read it for inspection (see
   * {@link Builder#formBody(byte[])}); empty for every other request.
   *
   * @since 0.1
   */
  public Optional<FormBody> formBody() {
    return formBody;
  }

  /**
   * This request with the body of its URL-encoded form as the adapter read it after a {@link Decision.ReadForm}
   * (copied; at most {@link Decision.ReadForm#maxBytes()} {@code + 1} bytes). Everything else is shared.
   *
   * @throws IllegalStateException if this context already has a form body
   * @since 0.1
   */
  public RequestContext withFormBody(byte[] body) {
    if (formBody.isPresent()) {
      throw new IllegalStateException("the context already has a form body");
    }
    return new RequestContext(this, FormBody.of(body));
  }

  /** Whether this context was built by the same builder call as {@code other} (or copied from the same one). */
  boolean sameRequestAs(RequestContext other) {
    return origin == other.origin;
  }

  /**
   * Whether the request says it carries a URL-encoded form whose body the adapter has not given: the enforcer then
   * asks for it ({@link Decision.ReadForm}) once everything else would allow the request.
   */
  boolean formUnread() {
    if (formBody.isPresent()) {
      return false;
    }
    for (String type : headers.values("Content-Type")) {
      if (FormBody.isForm(type)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public String toString() {
    // Never includes headers: they carry credentials.
    return "RequestContext[" + method + " " + rawPath + "]";
  }

  /** Builds a {@link RequestContext}; each option may be set once. */
  public static final class Builder {
    private final String method;
    private final String rawPath;
    private String rawQuery = "";
    private RequestHeaders headers = RequestHeaders.none();
    private InetAddress clientAddress;
    private List<X509Certificate> peerCertificates = List.of();
    private Instant arrival;
    private boolean arrivalStamped;
    private boolean mayBlock = true;
    private String contextPath = "";
    private String refusedTarget;
    private FormBody formBody;

    private Builder(String method, String rawPath) {
      this.method = Objects.requireNonNull(method, "method");
      this.rawPath = Objects.requireNonNull(rawPath, "rawPath");
    }

    /** The raw query, without the leading {@code ?}. */
    public Builder rawQuery(String rawQuery) {
      this.rawQuery = rawQuery == null ? "" : rawQuery;
      return this;
    }

    public Builder headers(RequestHeaders headers) {
      this.headers = Objects.requireNonNull(headers, "headers");
      return this;
    }

    public Builder clientAddress(InetAddress clientAddress) {
      this.clientAddress = clientAddress;
      return this;
    }

    /** The verified TLS peer chain, leaf first. */
    public Builder peerCertificates(List<X509Certificate> chain) {
      this.peerCertificates = List.copyOf(chain);
      return this;
    }

    public Builder arrival(Instant arrival) {
      this.arrival = Objects.requireNonNull(arrival, "arrival");
      return this;
    }

    /**
     * The application's mount point (a servlet context path such as {@code /app}, raw as the container reports it).
     * The raw path is then the whole request path; it is normalized whole, once, and the normalized mount point is
     * stripped from the result, so routes are written relative to the application and nothing is decoded twice.
     * A path that does not lie under the mount point is refused.
     */
    public Builder contextPath(String rawContextPath) {
      this.contextPath = rawContextPath == null || rawContextPath.equals("/") ? "" : rawContextPath;
      return this;
    }

    /**
     * The body of a URL-encoded form request as the adapter read it (copied): at most
     * {@link Enforcer#formBodyLimit()} {@code + 1} bytes, so the enforcer sees when the body was longer than the limit
     * (and refuses it, 413). Give it only when {@link FormBody#isForm} holds for the request's {@code Content-Type}
     * and the body is already in memory (an aggregated request); an adapter that would have to wait for the body
     * gives nothing and reads it only when {@link Enforcer#enforce} answers {@link Decision.ReadForm}. Either way the
     * form is inspected after every other gate; the application must still receive exactly these bytes (and the
     * rest, if any).
     *
     * @since 0.1
     */
    public Builder formBody(byte[] body) {
      if (formBody != null) {
        throw new IllegalStateException("formBody was already set");
      }
      this.formBody = FormBody.of(body);
      return this;
    }

    /** Declares that the caller's thread must not block (an event loop). */
    public Builder nonBlocking() {
      this.mayBlock = false;
      return this;
    }

    /** Builds the context; arrival defaults to now if not set. */
    public RequestContext build() {
      arrivalStamped = arrival != null;
      if (arrival == null) {
        arrival = Instant.now();
      }
      return new RequestContext(this);
    }
  }
}
