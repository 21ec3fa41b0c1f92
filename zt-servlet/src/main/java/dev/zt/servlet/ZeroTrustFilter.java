package dev.zt.servlet;

import dev.zt.core.Caller;
import dev.zt.core.Decision;
import dev.zt.core.DenyReason;
import dev.zt.core.Enforcer;
import dev.zt.core.FormBody;
import dev.zt.core.RequestContext;
import dev.zt.core.WireResponse;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The Jakarta Servlet 6 adapter: every request passes the {@link Enforcer} before the application sees it.
 * On allow the application gets the {@link Caller} as the request attribute {@link #CALLER_ATTRIBUTE}, as
 * {@code getUserPrincipal()}, and through {@code isUserInRole(…)}; on deny the filter writes zt's answer (status,
 * {@code WWW-Authenticate}, problem+json) and the chain stops.
 *
 * <pre>{@code
 * context.addFilter(new FilterHolder(new ZeroTrustFilter(enforcer)), "/*", EnumSet.of(DispatcherType.REQUEST));
 * }</pre>
 *
 * <p>Map it to {@code /*} on the {@code REQUEST} dispatcher, before any other filter that reads the request. The
 * filter holds no logic of its own beyond translating: everything it decides comes from zt-core.
 *
 * <p><b>Form bodies.</b> For an {@code application/x-www-form-urlencoded} request the filter reads the body — at most
 * {@link Enforcer#formBodyLimit()} {@code + 1} bytes — before the enforcer decides, so its fields are inspected, and
 * gives the application a request that replays exactly those bytes: {@code getInputStream()}, {@code getReader()}
 * (in the request's character encoding) and, for {@code POST}, the {@code getParameter…} methods (query parameters
 * first, then the body's, as Servlet 6 §3.1 orders them; a malformed escape is kept as text) all work as without
 * zt. A body already consumed by something mapped before the filter is a misconfiguration and fails the request.
 * Every other request is passed on without a body wrapper.
 *
 * @since 0.1
 */
public final class ZeroTrustFilter implements Filter {

  /** The request attribute under which the application finds the {@link Caller}. */
  public static final String CALLER_ATTRIBUTE = Caller.class.getName();

  /**
   * The request attribute under which the application finds the request's {@link RequestContext}, e.g. for
   * {@link Enforcer#reportAuthenticationFailure(RequestContext, String)} from a login endpoint.
   *
   * @since 0.1
   */
  public static final String CONTEXT_ATTRIBUTE = RequestContext.class.getName();

  /** The servlet-context attribute the no-argument constructor reads its {@link Enforcer} from. */
  public static final String ENFORCER_ATTRIBUTE = Enforcer.class.getName();

  /** How long a request thread waits for a decision that needs remote I/O before answering 503. */
  private static final Duration MAX_WAIT = Duration.ofSeconds(15);

  private volatile Enforcer enforcer;

  /** A filter that enforces with {@code enforcer}. */
  public ZeroTrustFilter(Enforcer enforcer) {
    this.enforcer = java.util.Objects.requireNonNull(enforcer, "enforcer");
  }

  /** For {@code web.xml}: the enforcer is read from the servlet-context attribute {@link #ENFORCER_ATTRIBUTE}. */
  public ZeroTrustFilter() {}

  @Override
  public void init(FilterConfig config) throws ServletException {
    if (enforcer == null) {
      Object e = config.getServletContext().getAttribute(ENFORCER_ATTRIBUTE);
      if (!(e instanceof Enforcer found)) {
        throw new ServletException("no Enforcer in servlet-context attribute " + ENFORCER_ATTRIBUTE);
      }
      enforcer = found;
    }
  }

  @Override
  public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
      throws IOException, ServletException {
    if (!(req instanceof HttpServletRequest request) || !(res instanceof HttpServletResponse response)) {
      throw new ServletException("ZeroTrustFilter only handles HTTP requests");
    }
    Enforcer e = enforcer;
    byte[] form = readForm(request, e.formBodyLimit());
    RequestContext context = context(request, e, form);
    Decision decision = await(e.enforce(context));
    if (decision instanceof Decision.Allow allow) {
      request.setAttribute(CALLER_ATTRIBUTE, allow.caller());
      request.setAttribute(CONTEXT_ATTRIBUTE, context);
      HttpServletRequest app = form == null ? request : new FormReplayRequest(request, form, e.formBodyLimit());
      try {
        chain.doFilter(new CallerRequest(app, allow.caller()), response);
      } finally {
        // outcome detectors (enumeration, behaviour) learn how the application answered
        if (!request.isAsyncStarted()) {
          e.report(context, decision, response.getStatus());
        }
      }
    } else {
      write(response, e.respond((Decision.Deny) decision));
    }
  }

  /** The start of a URL-encoded form body (at most {@code limit + 1} bytes), or null for any other request. */
  private static byte[] readForm(HttpServletRequest request, int limit) throws IOException, ServletException {
    if (limit <= 0 || !FormBody.isForm(request.getContentType())) {
      return null;
    }
    byte[] head = request.getInputStream().readNBytes(limit + 1);
    long declared = request.getContentLengthLong();
    if (head.length <= limit && declared > head.length) {
      // something before this filter read the body (e.g. getParameter): zt would inspect nothing the app will see
      throw new ServletException("the form body was read before ZeroTrustFilter; map the filter first");
    }
    return head;
  }

  private static RequestContext context(HttpServletRequest request, Enforcer enforcer, byte[] form) {
    // The whole raw URI is normalized once and the context path stripped afterwards (never stripped as text first:
    // "/app;x=1/orders" or "/%61pp/orders" are in the context too, and decoding twice would open a bypass).
    RequestContext.Builder b = RequestContext.builder(request.getMethod(), request.getRequestURI())
        .contextPath(request.getContextPath())
        .rawQuery(request.getQueryString())
        .headers(name -> {
          var values = request.getHeaders(name);
          return values == null ? List.of() : Collections.list(values);
        })
        .arrival(Instant.ofEpochMilli(enforcer.clock().millis())); // millis(): an intrinsic, no native call
    if (form != null) {
      b.formBody(form);
    }
    Object certs = request.getAttribute("jakarta.servlet.request.X509Certificate");
    if (certs instanceof X509Certificate[] chain && chain.length > 0) {
      b.peerCertificates(List.of(chain));
    }
    try {
      // the container already parsed the peer's address: a literal, so no lookup happens here
      b.clientAddress(InetAddress.getByName(request.getRemoteAddr()));
    } catch (UnknownHostException | SecurityException ignored) {
      // no address: gates that need one treat the client as unknown
    }
    return b.build();
  }

  private static Decision await(java.util.concurrent.CompletionStage<Decision> stage) {
    CompletableFuture<Decision> f = stage.toCompletableFuture();
    if (f.isDone()) {
      return f.join();
    }
    try {
      return f.get(MAX_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException ex) {
      Thread.currentThread().interrupt();
      return unavailable();
    } catch (ExecutionException | TimeoutException ex) {
      return unavailable();
    }
  }

  private static Decision unavailable() {
    return new Decision.Deny(DenyReason.KEYS_UNAVAILABLE, "servlet", "none", List.of());
  }

  private static void write(HttpServletResponse response, WireResponse wire) throws IOException {
    if (response.isCommitted()) {
      return;
    }
    response.resetBuffer();
    response.setStatus(wire.status());
    for (Map.Entry<String, String> h : wire.headers().entrySet()) {
      response.setHeader(h.getKey(), h.getValue());
    }
    byte[] body = wire.body().getBytes(StandardCharsets.UTF_8);
    response.setContentLength(body.length);
    response.getOutputStream().write(body);
    response.flushBuffer();
  }

  /** Exposes the caller through the standard servlet security API. */
  private static final class CallerRequest extends HttpServletRequestWrapper {
    private final Caller caller;

    CallerRequest(HttpServletRequest request, Caller caller) {
      super(request);
      this.caller = caller;
    }

    @Override
    public Principal getUserPrincipal() {
      return caller.isAuthenticated() ? caller : null;
    }

    @Override
    public String getRemoteUser() {
      return caller.isAuthenticated() ? caller.getName() : null;
    }

    @Override
    public boolean isUserInRole(String role) {
      return caller.hasRole(role);
    }

    @Override
    public String getAuthType() {
      return caller.isAuthenticated() ? "BEARER" : null;
    }
  }
}
