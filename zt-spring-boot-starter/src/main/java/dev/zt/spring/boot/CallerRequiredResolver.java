package dev.zt.spring.boot;

import dev.zt.core.Decision;
import dev.zt.core.DenyReason;
import dev.zt.core.Enforcer;
import dev.zt.core.RequestContext;
import dev.zt.core.WireResponse;
import dev.zt.servlet.ZeroTrustFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.servlet.HandlerExceptionResolver;
import org.springframework.web.servlet.ModelAndView;

/**
 * Answers {@link CallerRequiredException} with zt's own 401 ({@code CREDENTIAL_MISSING}: {@code WWW-Authenticate:
 * Bearer realm=…}, problem+json), recorded by the enforcer as a denial with the handler in its audit detail. First in
 * Spring MVC's resolvers, so an application's catch-all {@code @ExceptionHandler} cannot turn it into a 500.
 *
 * <p>Why 401 and not 500: the client can fix it (a request with a valid token gets an authenticated caller), and
 * nothing of the application ran. Why not an anonymous {@code Caller}: a handler that declares a plain {@code Caller}
 * expects someone, and would otherwise have to check {@code isAuthenticated()} on every use.
 */
final class CallerRequiredResolver implements HandlerExceptionResolver {

  private static final Logger LOG = LoggerFactory.getLogger(CallerRequiredResolver.class);

  private final Supplier<Enforcer> enforcer;

  CallerRequiredResolver(Supplier<Enforcer> enforcer) {
    this.enforcer = enforcer;
  }

  @Override
  public ModelAndView resolveException(
      HttpServletRequest request, HttpServletResponse response, Object handler, Exception ex) {
    if (!(ex instanceof CallerRequiredException required)
        || !(request.getAttribute(ZeroTrustFilter.CONTEXT_ATTRIBUTE) instanceof RequestContext context)) {
      return null;
    }
    LOG.warn(required.getMessage());
    Enforcer e = enforcer.get();
    Decision.Deny deny =
        e.refuse(context, DenyReason.CREDENTIAL_MISSING, "handler " + required.handler() + " requires a Caller");
    write(response, e.respond(deny));
    return new ModelAndView(); // handled: nothing else renders
  }

  private static void write(HttpServletResponse response, WireResponse wire) {
    if (response.isCommitted()) {
      return;
    }
    response.resetBuffer();
    response.setStatus(wire.status());
    for (Map.Entry<String, String> field : wire.fields()) {
      response.setHeader(field.getKey(), field.getValue());
    }
    try {
      response.getOutputStream().write(wire.bodyBytes());
      response.flushBuffer();
    } catch (IOException x) {
      throw new UncheckedIOException(x);
    }
  }
}
