package dev.zt.samples.orders;

import dev.zt.core.Caller;
import dev.zt.samples.orders.model.Answer;
import dev.zt.servlet.ZeroTrustFilter;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * {@link OrdersApi} as a servlet: routes on the path the container resolved, the caller from zt's filter; reading an
 * order is zt's object check first.
 */
final class OrdersServlet extends HttpServlet {

  private static final long serialVersionUID = 1L;

  private final transient OrdersApi api;

  OrdersServlet(OrdersApi api) {
    this.api = api;
  }

  @Override
  protected void service(HttpServletRequest req, HttpServletResponse res) throws IOException {
    String path = req.getServletPath() + (req.getPathInfo() == null ? "" : req.getPathInfo());
    Object found = req.getAttribute(ZeroTrustFilter.CALLER_ATTRIBUTE);
    Caller caller = found instanceof Caller c ? c : null;
    OrdersApi.Step step = api.route(req.getMethod(), path, caller);
    Answer answer;
    if (step instanceof OrdersApi.Step.Read read) {
      // zt's object check (object rule, then the PDP if one is bound): a denial throws, and zt's filter answers it
      ZeroTrustFilter.authorization(req).require("read", read.resource());
      answer = api.show(read.order(), caller);
    } else {
      answer = ((OrdersApi.Step.Done) step).answer();
    }
    byte[] bytes = answer.json().getBytes(StandardCharsets.UTF_8);
    res.setStatus(answer.status());
    res.setContentType(answer.contentType());
    answer.headers().forEach(res::setHeader);
    res.setContentLength(bytes.length);
    res.getOutputStream().write(bytes);
  }
}
