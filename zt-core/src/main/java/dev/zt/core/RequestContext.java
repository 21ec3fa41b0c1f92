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
  private final String scheme; // "http" / "https", or null when the adapter did not say
  private final String host; // the Host field as received, or null
  private final String targetScheme; // an absolute-form target's scheme and authority, else null
  private final String targetAuthority;
  private final java.net.URI publicOrigin; // null when none was given

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
    this.scheme = b.scheme;
    this.host = b.host;
    this.targetScheme = b.targetScheme;
    this.targetAuthority = b.targetAuthority;
    this.publicOrigin = b.publicOrigin;
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
    this.scheme = of.scheme;
    this.host = of.host;
    this.targetScheme = of.targetScheme;
    this.targetAuthority = of.targetAuthority;
    this.publicOrigin = of.publicOrigin;
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
      Builder b = new Builder(method, parsed.rawPath()).rawQuery(parsed.rawQuery());
      if (!parsed.authority().isEmpty()) {
        b.targetScheme = parsed.scheme().toLowerCase(java.util.Locale.ROOT);
        b.targetAuthority = parsed.authority();
      }
      return b;
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

  /**
   * The scheme the request arrived with, {@code http} or {@code https}, as the adapter said (the connection's: TLS or
   * not); empty when it did not.
   *
   * @since 0.2
   */
  public Optional<String> scheme() {
    return Optional.ofNullable(scheme);
  }

  /**
   * The authority the client addressed, as it sent it: an absolute-form request-target's (RFC 9112 §3.2.2: the
   * server then ignores {@code Host}), else the {@code Host} field the adapter gave. Client input, unchecked: see
   * {@link #effectiveUri()}.
   *
   * @since 0.2
   */
  public Optional<String> host() {
    return Optional.ofNullable(targetAuthority != null ? targetAuthority : host);
  }

  /**
   * The service's public origin given to this context ({@link Builder#publicOrigin}), if any.
   *
   * @since 0.2
   */
  public Optional<java.net.URI> publicOrigin() {
    return Optional.ofNullable(publicOrigin);
  }

  /**
   * This request's effective URI without query and fragment (RFC 9110 §7.1; what DPoP's {@code htu} names, RFC 9449
   * §4.3), normalized (RFC 3986 §6.2.2–6.2.3): from the {@link #publicOrigin()} when given, else from the
   * {@link #scheme()} and the {@link #host()} the client sent — which only a configured public origin makes
   * trustworthy ({@link Enforcer#effectiveUri}). Empty when that is not possible or not unambiguous: no scheme or
   * host, a malformed host or port, {@code Host} sent more than once, an absolute-form target whose scheme is not the
   * connection's, a refused request-target, a path that is not RFC 3986.
   *
   * @since 0.2
   */
  public Optional<java.net.URI> effectiveUri() {
    if (publicOrigin != null) {
      return effectiveUri(publicOrigin);
    }
    if (scheme == null) {
      return Optional.empty();
    }
    String authority;
    if (targetAuthority != null) {
      if (!targetScheme.equals(scheme)) {
        return Optional.empty(); // "https://…" sent over plain http, or the reverse: not this connection's target
      }
      authority = targetAuthority;
    } else {
      if (host == null || headers.values("Host").size() > 1) {
        return Optional.empty(); // RFC 9112 §3.2: more than one Host is a bad request, never a choice
      }
      authority = host;
    }
    return isRefusedTarget() ? Optional.empty() : dev.zt.core.internal.EffectiveUri.of(scheme, authority, rawPath);
  }

  /**
   * The effective URI of this request at {@code origin} (the service's public origin, {@code https://host[:port]}),
   * as {@link #effectiveUri()}: whatever {@code Host} the client sent.
   *
   * @throws IllegalArgumentException if {@code origin} is not an origin (see {@link Builder#publicOrigin})
   * @since 0.2
   */
  public Optional<java.net.URI> effectiveUri(java.net.URI origin) {
    java.net.URI checked = checkOrigin(origin);
    return isRefusedTarget() ? Optional.empty() : dev.zt.core.internal.EffectiveUri.of(checked, rawPath);
  }

  private boolean isRefusedTarget() {
    return !rawPath.startsWith("/");
  }

  /** {@code origin} when it is a valid public origin, in normal form; else an {@link IllegalArgumentException}. */
  static java.net.URI checkOrigin(java.net.URI origin) {
    return dev.zt.core.internal.EffectiveUri.checkOrigin(origin);
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
    private String scheme;
    private String host;
    private String targetScheme;
    private String targetAuthority;
    private java.net.URI publicOrigin;

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

    /**
     * The scheme of the connection the request came on: {@code https} over TLS, else {@code http} (case-insensitive,
     * as a container reports it). Any other value, or {@code null}, leaves the scheme unknown, and the request then
     * has no {@link RequestContext#effectiveUri() effective URI} built from it (an adapter never fails a request for
     * it).
     *
     * @since 0.2
     */
    public Builder scheme(String scheme) {
      String s = scheme == null ? null : scheme.toLowerCase(java.util.Locale.ROOT);
      this.scheme = "http".equals(s) || "https".equals(s) ? s : null;
      return this;
    }

    /**
     * The {@code Host} field as received (HTTP/2's {@code :authority}), or {@code null} when the request had none.
     * Client input: kept as sent and checked only when an effective URI is built from it.
     *
     * @since 0.2
     */
    public Builder host(String host) {
      this.host = host;
      return this;
    }

    /**
     * The service's public origin ({@code https://host[:port]}), from which {@link RequestContext#effectiveUri()} is
     * built instead of the {@code Host} the client sent. The enforcer uses its own configured origin
     * ({@link Enforcer.Builder#publicOrigin}) whatever this says.
     *
     * @throws IllegalArgumentException if it is not an absolute http(s) URI with a host and nothing after it
     * @since 0.2
     */
    public Builder publicOrigin(java.net.URI origin) {
      this.publicOrigin = checkOrigin(origin);
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
