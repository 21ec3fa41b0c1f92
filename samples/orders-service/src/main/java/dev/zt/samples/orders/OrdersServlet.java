package dev.zt.samples.orders;

import dev.zt.core.Caller;
import dev.zt.servlet.ZeroTrustFilter;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** {@link OrdersApi} as a servlet: routes on the path the container resolved, the caller from zt's filter. */
final class OrdersServlet extends HttpServlet {

  private static final long serialVersionUID = 1L;

  @Override
  protected void service(HttpServletRequest req, HttpServletResponse res) throws IOException {
    String path = req.getServletPath() + (req.getPathInfo() == null ? "" : req.getPathInfo());
    Object caller = req.getAttribute(ZeroTrustFilter.CALLER_ATTRIBUTE);
    OrdersApi.Answer answer = OrdersApi.answer(req.getMethod(), path, caller instanceof Caller c ? c : null);
    byte[] bytes = answer.json().getBytes(StandardCharsets.UTF_8);
    res.setStatus(answer.status());
    res.setContentType("application/json");
    res.setContentLength(bytes.length);
    res.getOutputStream().write(bytes);
  }
}
