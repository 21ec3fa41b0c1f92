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

  /**
   * The trust level an enforcer with object checks scored when it allowed this request, for the PDP input; not part
   * of the request's value (never compared, printed or copied).
   */
  private volatile dev.zt.core.trust.TrustLevel allowedTrust;

  private final String method;
  private final String rawPath;
  // the normalized path (a String: the raw path itself when it is already canonical, as most are), or the
  // PathNormalizer.Rejected that says why it was refused: no result object made for the common request
  private final Object path;
  private final String rawQuery;
  private final RequestHeaders headers;
  private final Optional<InetAddress> clientAddress;
  private final List<X509Certificate> peerCertificates;
  private final Instant arrival; // as given to the builder; null when stamped in milliseconds (no Instant made)
  private final long arrivalMillis; // when arrival is null
  private final boolean arrivalStamped;
  private final boolean mayBlock;
  private final Optional<FormBody> formBody;
  private final byte scheme; // UNKNOWN, HTTP or HTTPS: in the object's padding, no field for the common request
  // what few requests have (an absolute-form target, a host or public origin given to the builder, the context a
  // withFormBody copy was made from), or null: a request without any allocates nothing for it
  private final Extra extra;

  private static final byte UNKNOWN = 0;
  private static final byte HTTP = 1;
  private static final byte HTTPS = 2;

  /**
   * @param origin the context a withFormBody copy was made from, or null for this one
   * @param targetScheme an absolute-form target's scheme (lower case), or null
   * @param targetAuthority an absolute-form target's authority, or null
   * @param host the Host given to the builder, or null
   * @param publicOrigin the public origin given to the builder, or null
   */
  private record Extra(RequestContext origin, String targetScheme, String targetAuthority, String host,
      java.net.URI publicOrigin) {}

  // Takes the builder's values, not the builder: a builder that never escapes build() is one the JIT can keep off
  // the heap once build() is inlined into the adapter (issue 19: up to 64 B less per request; the JIT decides).
  private RequestContext(String method, String rawPath, Object path, String rawQuery, RequestHeaders headers,
      InetAddress clientAddress, List<X509Certificate> peerCertificates, Instant arrival, long arrivalMillis,
      boolean arrivalStamped, boolean mayBlock, FormBody formBody, byte scheme, Extra extra) {
    this.method = method;
    this.rawPath = rawPath;
    this.path = path;
    this.rawQuery = rawQuery;
    this.headers = headers;
    this.clientAddress = Optional.ofNullable(clientAddress);
    this.peerCertificates = peerCertificates;
    this.arrival = arrival;
    this.arrivalMillis = arrivalMillis;
    this.arrivalStamped = arrivalStamped;
    this.mayBlock = mayBlock;
    this.formBody = Optional.ofNullable(formBody);
    this.scheme = scheme;
    this.extra = extra;
  }

  /**
   * The normalized path of {@code rawPath} (a String, the raw path itself when already canonical), or the
   * {@link PathNormalizer.Rejected} that says why it was refused.
   */
  private static Object normalizedPath(String rawPath, String contextPath, String refusedTarget) {
    if (refusedTarget != null) {
      return new PathNormalizer.Rejected(refusedTarget);
    }
    if (contextPath.isEmpty() && PathNormalizer.isCanonical(rawPath)) {
      return rawPath;
    }
    PathNormalizer.Result r = contextPath.isEmpty()
        ? PathNormalizer.normalize(rawPath)
        : PathNormalizer.normalizeWithin(rawPath, contextPath);
    return r instanceof PathNormalizer.Normalized n ? n.path() : r;
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
    this.arrivalMillis = of.arrivalMillis;
    this.arrivalStamped = of.arrivalStamped;
    this.mayBlock = of.mayBlock;
    this.formBody = Optional.of(form);
    this.scheme = of.scheme;
    Extra e = of.extra;
    this.extra = e == null ? new Extra(of, null, null, null, null)
        : new Extra(e.origin() == null ? of : e.origin(), e.targetScheme(), e.targetAuthority(), e.host(),
            e.publicOrigin());
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
    int end = RequestTarget.originFormEnd(requestTarget);
    if (end == requestTarget.length()) { // origin-form without a query: the path is the target, nothing allocated
      return new Builder(method, requestTarget);
    }
    return forOtherTarget(method, requestTarget, end);
  }

  // Out of line, so forRequestTarget stays small enough for the JIT to inline into an adapter, which can then keep
  // the builder off the heap.
  private static Builder forOtherTarget(String method, String requestTarget, int end) {
    if (end > 0) {
      return new Builder(method, requestTarget.substring(0, end)).rawQuery(requestTarget.substring(end + 1));
    }
    RequestTarget.Result target = RequestTarget.parse(requestTarget);
    if (target instanceof RequestTarget.Parsed parsed) {
      Builder b = new Builder(method, parsed.rawPath()).rawQuery(parsed.rawQuery());
      if (!parsed.authority().isEmpty()) {
        b.more().targetScheme = parsed.scheme().toLowerCase(java.util.Locale.ROOT);
        b.more().targetAuthority = parsed.authority();
      }
      return b;
    }
    Builder b = new Builder(method, requestTarget);
    b.more().refusedTarget = ((RequestTarget.Refused) target).why();
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
    return Optional.ofNullable(normalizedOrNull());
  }

  /** The normalized path, or null when the raw path was refused ({@link #refusal()} says why). */
  String normalizedOrNull() {
    return path instanceof String s ? s : null;
  }

  /** Why the raw path was refused (for the audit, never for the response), or null when it was not. */
  String refusal() {
    return path instanceof PathNormalizer.Rejected r ? r.why() : null;
  }

  /**
   * The scheme the request arrived with, {@code http} or {@code https}, as the adapter said (the connection's: TLS or
   * not); empty when it did not.
   *
   * @since 0.2
   */
  public Optional<String> scheme() {
    return Optional.ofNullable(schemeName());
  }

  private String schemeName() {
    return scheme == HTTPS ? "https" : scheme == HTTP ? "http" : null;
  }

  /**
   * The authority the client addressed, as it sent it: an absolute-form request-target's (RFC 9112 §3.2.2: the
   * server then ignores {@code Host}), else the host given to {@link Builder#host}, else the request's {@code Host}
   * field when it has exactly one. Client input, unchecked: see {@link #effectiveUri()}.
   *
   * @since 0.2
   */
  public Optional<String> host() {
    if (extra != null && extra.targetAuthority() != null) {
      return Optional.of(extra.targetAuthority());
    }
    if (extra != null && extra.host() != null) {
      return Optional.of(extra.host());
    }
    List<String> hosts = headers.values("Host");
    return hosts.size() == 1 ? Optional.of(hosts.get(0)) : Optional.empty();
  }

  /**
   * The service's public origin given to this context ({@link Builder#publicOrigin}), if any.
   *
   * @since 0.2
   */
  public Optional<java.net.URI> publicOrigin() {
    return Optional.ofNullable(extra == null ? null : extra.publicOrigin());
  }

  /**
   * This request's effective URI without query and fragment (RFC 9110 §7.1; what DPoP's {@code htu} names, RFC 9449
   * §4.3), normalized (RFC 3986 §6.2.2–6.2.3): from the {@link #publicOrigin()} when given, else from the
   * {@link #scheme()} and the {@link #host()} the client sent — which only a configured public origin makes
   * trustworthy ({@link Enforcer#effectiveUri}). Empty when that is not possible or not unambiguous: no scheme or
   * host, a malformed host or port, {@code Host} sent more than once, an absolute-form target whose scheme is not the
   * connection's, a refused request-target, a path that is not RFC 3986. Like {@link #headers()}, it reads the
   * container's request: call it while the request is being handled.
   *
   * @since 0.2
   */
  public Optional<java.net.URI> effectiveUri() {
    if (extra != null && extra.publicOrigin() != null) {
      return effectiveUri(extra.publicOrigin());
    }
    String s = schemeName();
    if (s == null) {
      return Optional.empty();
    }
    String authority;
    if (extra != null && extra.targetAuthority() != null) {
      if (!extra.targetScheme().equals(s)) {
        return Optional.empty(); // "https://…" sent over plain http, or the reverse: not this connection's target
      }
      authority = extra.targetAuthority();
    } else {
      List<String> hosts = headers.values("Host");
      if (hosts.size() > 1) {
        return Optional.empty(); // RFC 9112 §3.2: more than one Host is a bad request, never a choice
      }
      authority = extra != null && extra.host() != null ? extra.host() : hosts.isEmpty() ? null : hosts.get(0);
      if (authority == null) {
        return Optional.empty();
      }
    }
    return isRefusedTarget() ? Optional.empty() : dev.zt.core.internal.EffectiveUri.of(s, authority, rawPath);
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
    return arrival != null ? arrival : Instant.ofEpochMilli(arrivalMillis);
  }

  /** {@link #arrival()} in epoch milliseconds, without making an {@code Instant} when the enforcer stamped it. */
  long arrivalMillis() {
    return arrival != null ? arrival.toEpochMilli() : arrivalMillis;
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
    return origin() == other.origin();
  }

  private RequestContext origin() {
    return extra == null || extra.origin() == null ? this : extra.origin();
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
    private long arrivalMillis;
    private boolean arrivalStamped;
    private boolean mayBlock = true;
    private String contextPath = "";
    private More more; // what few requests have, made when first needed
    private byte scheme;

    /** The builder's rarely set options. */
    private static final class More {
      private String refusedTarget;
      private String targetScheme;
      private String targetAuthority;
      private String host;
      private java.net.URI publicOrigin;
    }

    private More more() {
      if (more == null) {
        more = new More();
      }
      return more;
    }

    /** What few requests have, for the context: null when the builder was given none of it. */
    private static Extra extra(More m) {
      return m.targetAuthority == null && m.host == null && m.publicOrigin == null ? null
          : new Extra(null, m.targetScheme, m.targetAuthority, m.host, m.publicOrigin);
    }

    private String refusedTarget() {
      return more == null ? null : more.refusedTarget;
    }
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
      this.arrivalStamped = true;
      return this;
    }

    /** The arrival in epoch milliseconds, as {@link Enforcer#stampArrival} reads its clock: no {@code Instant}. */
    Builder arrivalMillis(long epochMillis) {
      this.arrival = null;
      this.arrivalMillis = epochMillis;
      this.arrivalStamped = true;
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
      this.scheme = "https".equalsIgnoreCase(scheme) ? HTTPS : "http".equalsIgnoreCase(scheme) ? HTTP : UNKNOWN;
      return this;
    }

    /**
     * The host the request was sent to as received, when it is not the request's {@code Host} field (which is read
     * by default: an adapter whose headers view has {@code Host}, or HTTP/2's {@code :authority} as {@code Host},
     * need not call this); {@code null} for none. Client input: kept as sent and checked only when an effective URI
     * is built from it.
     *
     * @since 0.2
     */
    public Builder host(String host) {
      if (host != null || more != null) {
        more().host = host;
      }
      return this;
    }

    /**
     * The service's public origin ({@code https://host[:port]}), from which {@link RequestContext#effectiveUri()} is
     * built instead of the {@code Host} the client sent. The enforcer uses its own configured origin
     * ({@link Enforcer.Builder#publicOrigin}) whatever this says.
     *
     * @throws IllegalArgumentException if it is not an absolute http(s) URI with a host, an optional path prefix
     *     and nothing after it
     * @since 0.2
     */
    public Builder publicOrigin(java.net.URI origin) {
      more().publicOrigin = checkOrigin(origin);
      return this;
    }

    /** Declares that the caller's thread must not block (an event loop). */
    public Builder nonBlocking() {
      this.mayBlock = false;
      return this;
    }

    /** Builds the context; arrival defaults to now if not set. */
    public RequestContext build() {
      if (!arrivalStamped) {
        arrival = Instant.now();
      }
      return new RequestContext(method, rawPath, normalizedPath(rawPath, contextPath, refusedTarget()), rawQuery,
          headers, clientAddress, peerCertificates, arrival, arrivalMillis, arrivalStamped, mayBlock, formBody, scheme,
          more == null ? null : extra(more));
    }
  }

  void allowedTrust(dev.zt.core.trust.TrustLevel level) {
    this.allowedTrust = level;
  }

  dev.zt.core.trust.TrustLevel allowedTrustOrNull() {
    return allowedTrust;
  }
}
