package dev.zt.servlet;

import dev.zt.core.Caller;
import dev.zt.core.Decision;
import dev.zt.core.DenyReason;
import dev.zt.core.detect.Detection;
import dev.zt.core.Enforcer;
import dev.zt.core.RequestContext;
import dev.zt.core.WireResponse;
import jakarta.servlet.AsyncContext;
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
import java.security.Principal;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import dev.zt.core.authz.Authorization;
import dev.zt.core.authz.ObjectAccessDenied;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

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
 * <p><b>Form bodies.</b> For an {@code application/x-www-form-urlencoded} request the filter reads the body only when
 * every check that needs no body would allow the request ({@link Decision.ReadForm}): an anonymous or forbidden
 * request is refused without a byte of its body read (the container drains or closes as it does for any unread
 * body). The filter then reads at most {@link Enforcer#formBodyLimit()} {@code + 1} bytes before
 * {@link Detection#formReadTimeout()} (checked on the enforcer's clock before and after each read; a single blocking
 * read is bounded by the container's idle timeout, so keep that short), answers a body that is too slow with 408 and
 * {@code Connection: close}, and completes the decision with the fields inspected. The application gets a request
 * that replays exactly the bytes read: {@code getInputStream()}, {@code getReader()} (in the request's character
 * encoding) and, for {@code POST}, the {@code getParameter…} methods (query parameters first, then the body's, as
 * Servlet 6 §3.1 orders them; a malformed escape is kept as text) all work as without zt. A body already consumed by
 * something mapped before the filter is a misconfiguration and fails the request. Every other request is passed on
 * without a body wrapper.
 *
 * <p><b>Object-level checks.</b> {@link #authorization(HttpServletRequest)} gives the application the checks of the
 * request it is answering, and an {@link ObjectAccessDenied} that escapes the chain (thrown by {@code require}, also
 * wrapped in a {@code ServletException}) is answered by the filter with zt's own answer (403 problem+json, or 503
 * with {@code Retry-After}) when the response is not committed yet; else it is rethrown. One line in a servlet:
 *
 * <pre>{@code
 * ZeroTrustFilter.authorization(req).require("read", Resource.of("order", id).with("owner", order.owner()));
 * }</pre>
 *
 * <p><b>Outcome reports.</b> After the application answered an allowed request the filter reports the status to the
 * enforcer ({@link Enforcer#report}) for its outcome detectors (enumeration, stuffing, behaviour), once per request.
 * An application that goes asynchronous ({@code startAsync}: a proxy servlet, a reply from another thread) is
 * reported when the container completes the async cycle (an {@code AsyncListener}'s {@code onComplete}, on the
 * container's thread), with the status finally answered; a cycle that ended in an error or a timeout is never
 * reported as a success (below 400 it counts as 500). Map the filter with async support so such servlets work.
 *
 * <p><b>Protocol upgrades.</b> An {@code h2c} upgrade ({@code Upgrade: h2c}, {@code HTTP2-Settings}) is ignored, as
 * RFC 9110 §7.8 lets a server do: the application sees the request without those fields and it is answered over
 * HTTP/1.1 (a container with h2c enabled upgrades before any filter, and then runs every HTTP/2 stream through this
 * filter, decided one by one). Any other upgrade (WebSocket, …) is refused by the enforcer
 * ({@link DenyReason#UPGRADE_REFUSED}, 403): zt decides requests, and the messages of an upgraded connection would
 * pass undecided.
 *
 * @since 0.1
 */
public final class ZeroTrustFilter implements Filter {

  /**
   * The request attribute under which the application finds the {@link Caller}: the name of {@code Caller}'s class,
   * written as a literal so that it is a compile-time constant annotations can use
   * ({@code @RequestAttribute(ZeroTrustFilter.CALLER_ATTRIBUTE) Caller caller}).
   */
  public static final String CALLER_ATTRIBUTE = "dev.zt.core.Caller";

  /**
   * The request attribute under which the application finds the request's {@link RequestContext}, e.g. for
   * {@link Enforcer#reportAuthenticationFailure(RequestContext, String)} from a login endpoint.
   *
   * @since 0.1
   */
  public static final String CONTEXT_ATTRIBUTE = RequestContext.class.getName();

  /** The request attribute holding the allow, for {@link #authorization}; set by the filter only. */
  private static final String ALLOW_ATTRIBUTE = ZeroTrustFilter.class.getName() + ".allow";
  /** The request attribute holding the enforcer that allowed the request. */
  private static final String DECIDER_ATTRIBUTE = ZeroTrustFilter.class.getName() + ".enforcer";
  /** The request attribute caching the request's {@link Authorization}. */
  private static final String AUTHORIZATION_ATTRIBUTE = Authorization.class.getName();

  /** The servlet-context attribute the no-argument constructor reads its {@link Enforcer} from. */
  public static final String ENFORCER_ATTRIBUTE = Enforcer.class.getName();

  /** How long a request thread waits for a decision that needs remote I/O before answering 503. */
  private static final Duration MAX_WAIT = Duration.ofSeconds(15);

  private volatile Supplier<Enforcer> enforcers;

  /** A filter that enforces with {@code enforcer}. */
  public ZeroTrustFilter(Enforcer enforcer) {
    java.util.Objects.requireNonNull(enforcer, "enforcer");
    this.enforcers = () -> enforcer;
  }

  /**
   * A filter that asks {@code enforcers} for the enforcer at the start of each request and uses that one for the
   * whole request (its decision, the form read, the outcome report), so a policy swapped meanwhile (e.g. a hot-reloaded
   * policy file, {@code dev.zt.policy.LivePolicy}) applies from the next request on, never halfway through one. The
   * supplier is called once per request and must be cheap (a volatile read); a supplier that returns no enforcer
   * fails the request (nothing passes undecided).
   *
   * @since 0.3
   */
  public ZeroTrustFilter(Supplier<Enforcer> enforcers) {
    this.enforcers = java.util.Objects.requireNonNull(enforcers, "enforcers");
  }

  /** For {@code web.xml}: the enforcer is read from the servlet-context attribute {@link #ENFORCER_ATTRIBUTE}. */
  public ZeroTrustFilter() {}

  @Override
  public void init(FilterConfig config) throws ServletException {
    if (enforcers == null) {
      Object e = config.getServletContext().getAttribute(ENFORCER_ATTRIBUTE);
      if (!(e instanceof Enforcer found)) {
        throw new ServletException("no Enforcer in servlet-context attribute " + ENFORCER_ATTRIBUTE);
      }
      enforcers = () -> found;
    }
  }

  @Override
  public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
      throws IOException, ServletException {
    if (!(req instanceof HttpServletRequest request) || !(res instanceof HttpServletResponse response)) {
      throw new ServletException("ZeroTrustFilter only handles HTTP requests");
    }
    Supplier<Enforcer> source = enforcers;
    if (source == null) {
      throw new ServletException("ZeroTrustFilter has no enforcer: init was not called");
    }
    Enforcer e = source.get(); // once per request: a policy swapped meanwhile applies from the next request on
    if (e == null) {
      throw new ServletException("ZeroTrustFilter's enforcer supplier returned none; the request is refused");
    }
    HttpServletRequest seen = H2cIgnored.wrapIfH2c(request);
    RequestContext context = context(seen, e);
    Decision decision = await(e, e.enforce(context));
    byte[] form = null;
    if (decision instanceof Decision.ReadForm read) {
      // every check that needs no body allowed the request: only now is its form read, within the deadline
      form = readForm(seen, read, e);
      if (form == null) {
        write(response, e.respond(e.formTimedOut(read))); // 408, Connection: close
        return;
      }
      context = read.context().withFormBody(form);
      decision = await(e, e.enforceForm(read, context));
    }
    if (decision instanceof Decision.Allow allow) {
      request.setAttribute(CALLER_ATTRIBUTE, allow.caller());
      request.setAttribute(CONTEXT_ATTRIBUTE, context);
      request.setAttribute(ALLOW_ATTRIBUTE, allow);
      request.setAttribute(DECIDER_ATTRIBUTE, e);
      HttpServletRequest app = form == null ? seen : new FormReplayRequest(seen, form, e.formBodyLimit());
      // what steps after the allow added (e.g. a DPoP-Nonce, RFC 9449 §8.2), before the application writes
      allow.responseHeaders().forEach(response::setHeader);
      AnswerReport answered = new AnswerReport(e, context, decision, response);
      try {
        chain.doFilter(new CallerRequest(app, allow.caller(), answered), response);
      } catch (IOException | ServletException | RuntimeException ex) {
        ObjectAccessDenied denied = objectDenial(ex);
        if (denied == null || response.isCommitted()) {
          throw ex; // not zt's, or too late to answer: the container handles it
        }
        write(response, e.respond(denied.deny())); // already audited by the check
      } finally {
        // outcome detectors (enumeration, behaviour) learn how the application answered: now, or when an async
        // answer (a proxy, a reply from another thread) completes
        if (!answered.watching() && request.isAsyncStarted()) {
          answered.watch(request.getAsyncContext()); // started on an unwrapped request: still in this dispatch
        }
        if (!answered.watching()) {
          answered.report(response.getStatus());
        }
      }
    } else if (decision instanceof Decision.Deny deny) {
      write(response, e.respond(deny));
    } else if (decision instanceof Decision.Answer answer) {
      write(response, answer.response()); // a document zt serves itself (RFC 9728 metadata)
    } else { // a second ReadForm cannot happen; fail closed if it ever did
      write(response, e.respond(e.refuse(context, DenyReason.INTERNAL_ERROR, "servlet: a form step after the form")));
    }
  }

  /**
   * The object-level checks of {@code request}, which this filter allowed: {@code require(action, resource)} throws
   * {@link ObjectAccessDenied}, which the filter answers with zt's own 403 or 503; {@code check} returns the
   * {@link Decision}. The same instance for every call on one request.
   *
   * @throws IllegalStateException when the request did not pass a {@code ZeroTrustFilter}, or the enforcer has no
   *     object rules ({@code Enforcer.Builder.objects})
   * @since 0.3
   */
  public static Authorization authorization(HttpServletRequest request) {
    java.util.Objects.requireNonNull(request, "request");
    if (request.getAttribute(AUTHORIZATION_ATTRIBUTE) instanceof Authorization cached) {
      return cached;
    }
    if (!(request.getAttribute(ALLOW_ATTRIBUTE) instanceof Decision.Allow allow)
        || !(request.getAttribute(DECIDER_ATTRIBUTE) instanceof Enforcer e)
        || !(request.getAttribute(CONTEXT_ATTRIBUTE) instanceof RequestContext context)) {
      throw new IllegalStateException("the request was not allowed by a ZeroTrustFilter; map the filter to it");
    }
    Authorization authz = e.authorization(context, allow);
    request.setAttribute(AUTHORIZATION_ATTRIBUTE, authz);
    return authz;
  }

  /**
   * The credential to forward instead of the client's for {@code request}, which this filter allowed: e.g. the
   * internal token of {@code Enforcer.Builder.translate} ({@link Decision.Allow#forward()}). Empty when the allow
   * carries none (an anonymous caller on a public route, or an enforcer without translation), and empty when the
   * request did not pass a {@code ZeroTrustFilter}: a proxy must then send no credential, never the client's own.
   *
   * @since 0.3
   */
  public static java.util.Optional<Decision.ForwardedCredential> forwardedCredential(HttpServletRequest request) {
    java.util.Objects.requireNonNull(request, "request");
    if (request.getAttribute(ALLOW_ATTRIBUTE) instanceof Decision.Allow allow) {
      return allow.forward();
    }
    return java.util.Optional.empty();
  }

  /** The object denial {@code t} is or wraps (a few causes deep), or null. */
  private static ObjectAccessDenied objectDenial(Throwable t) {
    for (int depth = 0; t != null && depth < 8; depth++, t = t.getCause()) {
      if (t instanceof ObjectAccessDenied d) {
        return d;
      }
      if (t instanceof ServletException se && se.getRootCause() != null && se.getRootCause() != t.getCause()) {
        if (se.getRootCause() instanceof ObjectAccessDenied d) {
          return d;
        }
      }
    }
    return null;
  }

  /**
   * The start of the form body (at most {@code read.maxBytes() + 1} bytes), or null when it did not arrive by the
   * deadline. The deadline is checked before and after every read, on the enforcer's clock; a read that blocks is
   * bounded by the container's idle timeout, so a stalled body holds the thread for at most the deadline plus that.
   */
  private static byte[] readForm(HttpServletRequest request, Decision.ReadForm read, Enforcer e)
      throws IOException, ServletException {
    int cap = read.maxBytes() + 1;
    long declared = request.getContentLengthLong();
    byte[] buf = new byte[declared >= 0 && declared < cap ? (int) declared + 1 : Math.min(cap, 8192)];
    int at = 0;
    jakarta.servlet.ServletInputStream in = request.getInputStream();
    while (at < cap) {
      if (e.clock().millis() > read.deadlineMillis()) {
        return null;
      }
      if (at == buf.length) {
        buf = java.util.Arrays.copyOf(buf, (int) Math.min(cap, (long) buf.length * 2));
      }
      int n = in.read(buf, at, Math.min(buf.length - at, 8192));
      if (n < 0) {
        break;
      }
      at += n;
    }
    if (e.clock().millis() > read.deadlineMillis()) {
      return null;
    }
    byte[] head = at == buf.length ? buf : java.util.Arrays.copyOf(buf, at);
    if (head.length <= read.maxBytes() && declared > head.length) {
      // something before this filter read the body (e.g. getParameter): zt would inspect nothing the app will see
      throw new ServletException("the form body was read before ZeroTrustFilter; map the filter first");
    }
    return head;
  }

  private static RequestContext context(HttpServletRequest request, Enforcer enforcer) {
    // The whole raw URI is normalized once and the context path stripped afterwards (never stripped as text first:
    // "/app;x=1/orders" or "/%61pp/orders" are in the context too, and decoding twice would open a bypass).
    RequestContext.Builder b = enforcer.stampArrival(RequestContext.builder(request.getMethod(),
            request.getRequestURI()))
        .contextPath(request.getContextPath())
        .rawQuery(request.getQueryString())
        .headers(name -> {
          var values = request.getHeaders(name);
          return values == null ? List.of() : Collections.list(values);
        })
        .scheme(request.getScheme()); // the Host field is read through the headers view when needed
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

  /**
   * The decision, waiting at most {@link #MAX_WAIT} for one that needs remote I/O; past that (or interrupted) the
   * enforcer's {@link Enforcer#timedOut} answer, audited ({@link DenyReason#DECISION_TIMEOUT}, 503).
   */
  private static Decision await(Enforcer e, CompletionStage<Decision> stage) {
    CompletableFuture<Decision> f = stage.toCompletableFuture();
    if (f.isDone()) {
      return f.join(); // never exceptional: the enforcer fails closed
    }
    try {
      return f.get(MAX_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException ex) {
      Thread.currentThread().interrupt();
      return e.timedOut(stage);
    } catch (ExecutionException | TimeoutException ex) {
      return e.timedOut(stage);
    }
  }

  /** Writes exactly what core says: status, fields (with {@code Content-Length}) and body bytes. */
  private static void write(HttpServletResponse response, WireResponse wire) throws IOException {
    if (response.isCommitted()) {
      return;
    }
    response.resetBuffer();
    response.setStatus(wire.status());
    for (Map.Entry<String, String> field : wire.fields()) {
      response.setHeader(field.getKey(), field.getValue());
    }
    response.getOutputStream().write(wire.bodyBytes());
    response.flushBuffer();
  }

  /** Exposes the caller through the standard servlet security API. */
  private static final class CallerRequest extends HttpServletRequestWrapper {
    private final Caller caller;
    private final AnswerReport answered;

    CallerRequest(HttpServletRequest request, Caller caller, AnswerReport answered) {
      super(request);
      this.caller = caller;
      this.answered = answered;
    }

    @Override
    public AsyncContext startAsync() {
      return watched(super.startAsync());
    }

    @Override
    public AsyncContext startAsync(ServletRequest request, ServletResponse response) {
      return watched(super.startAsync(request, response));
    }

    /** The report waits for the async cycle, registered as it starts (it may complete before the filter returns). */
    private AsyncContext watched(AsyncContext async) {
      if (!answered.watching()) {
        answered.watch(async);
      }
      return async;
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
