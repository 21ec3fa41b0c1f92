package dev.zt.netty;

import dev.zt.core.Decision;
import dev.zt.core.Enforcer;
import dev.zt.core.RequestContext;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.LastHttpContent;

/**
 * The response side of {@link ZeroTrustHandler}: whether an allowed request's final response is still to be written
 * (HTTP/1.1 answers in order, so the next request waits), and the outcome report once it is. A final response is a
 * {@code LastHttpContent} after a non-1xx {@code HttpResponse} ({@code 101} counts as final). Confined to the event
 * loop.
 */
final class ResponseWatch {

  private final MessageKinds kinds; // the connection's, shared with its handler
  private Enforcer enforcer; // the answered request's: it gets the report
  private boolean awaiting;
  private boolean informational;
  private int status;
  private RequestContext context;
  private Decision decision;
  private boolean keepAlive;
  private boolean head;
  private io.netty.handler.codec.http.HttpVersion version;
  private dev.zt.core.authz.Authorization authorization; // made when first asked for

  ResponseWatch(MessageKinds kinds) {
    this.kinds = kinds;
  }

  /** The application now answers {@code allow} for {@code context} ({@code request}), decided by {@code enforcer}. */
  void start(Enforcer enforcer, RequestContext context, Decision.Allow allow, HttpRequest request) {
    this.enforcer = enforcer;
    this.keepAlive = io.netty.handler.codec.http.HttpUtil.isKeepAlive(request);
    this.head = io.netty.handler.codec.http.HttpMethod.HEAD.equals(request.method());
    this.version = request.protocolVersion();
    this.authorization = null;
    awaiting = true;
    informational = false;
    status = 0;
    this.context = context;
    this.decision = allow;
  }

  /** Whether an allowed request's final response is not written yet. */
  boolean awaiting() {
    return awaiting;
  }

  /** The context of the request being answered, or null. */
  RequestContext context() {
    return context;
  }

  /** The object checks of the request being answered (made once), or null when none is. */
  dev.zt.core.authz.Authorization authorization() {
    if (!awaiting || context == null || !(decision instanceof Decision.Allow allow)) {
      return null;
    }
    if (authorization == null) {
      authorization = enforcer.authorization(context, allow);
    }
    return authorization;
  }

  /** Whether the request being answered keeps its connection (as it asked). */
  boolean keepAlive() {
    return keepAlive;
  }

  /** Whether the request being answered is a {@code HEAD}. */
  boolean head() {
    return head;
  }

  /** The HTTP version of the request being answered. */
  io.netty.handler.codec.http.HttpVersion version() {
    return version;
  }

  /**
   * Watches one outbound message; returns true when it ends the final response, after reporting the status to the
   * enforcer (outcome detectors, behaviour baselines; never blocks).
   */
  boolean written(Object msg) {
    if (!awaiting) {
      return false;
    }
    int kind = kinds.of(msg);
    if (MessageKinds.is(kind, MessageKinds.RESPONSE)) {
      HttpResponse response = (HttpResponse) msg;
      HttpResponseStatus s = response.status();
      informational = s.codeClass() == HttpStatusClass.INFORMATIONAL
          && s.code() != HttpResponseStatus.SWITCHING_PROTOCOLS.code();
      if (!informational) {
        status = s.code();
        if (decision instanceof Decision.Allow allow && !allow.responseHeaders().isEmpty()) {
          // what steps after the allow added (e.g. a DPoP-Nonce, RFC 9449 §8.2), on the final response
          allow.responseHeaders().forEach((name, value) -> response.headers().set(name, value));
        }
      }
    }
    if (!MessageKinds.is(kind, MessageKinds.LAST)) {
      return false;
    }
    if (informational) {
      informational = false;
      return false;
    }
    awaiting = false;
    if (context != null) {
      enforcer.report(context, decision, status);
      context = null;
      decision = null;
      authorization = null;
      enforcer = null;
    }
    return true;
  }
}
