package dev.zt.spring.boot;

import dev.zt.core.Caller;
import dev.zt.servlet.ZeroTrustFilter;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * On {@code ERROR} dispatches: the application's error page (Boot's {@code /error}, which may show a message, an
 * exception or the path) runs only for a request zt allowed (its {@link Caller} is on the request). Any other request
 * — one the container refused before any filter, or one that reached the error page otherwise — gets its error status
 * with an empty body: nothing of the application answers a request zt never decided.
 */
final class ErrorDispatchGuard implements Filter {

  @Override
  public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
      throws IOException, ServletException {
    if (request.getAttribute(ZeroTrustFilter.CALLER_ATTRIBUTE) instanceof Caller) {
      chain.doFilter(request, response);
      return;
    }
    if (response instanceof HttpServletResponse http && !http.isCommitted()) {
      http.resetBuffer();
      http.setStatus(status(request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE)));
      http.setContentLength(0);
    }
  }

  private static int status(Object code) {
    return code instanceof Integer s && s >= 400 && s <= 599 ? s : HttpServletResponse.SC_INTERNAL_SERVER_ERROR;
  }
}
