package dev.zt.samples.orders;

import dev.zt.core.Caller;
import dev.zt.core.Decision;
import dev.zt.core.Enforcer;
import dev.zt.core.WireResponse;
import dev.zt.servlet.ZeroTrustFilter;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

/**
 * {@link OrdersApi} as a servlet: routes on the path the container resolved, the caller from zt's filter; reading an
 * order is zt's object check first.
 */
final class OrdersServlet extends HttpServlet {

  private static final long serialVersionUID = 1L;

  private final transient OrdersApi api;
  private final transient Enforcer enforcer;

  OrdersServlet(OrdersApi api, Enforcer enforcer) {
    this.api = api;
    this.enforcer = enforcer;
  }

  @Override
  protected void service(HttpServletRequest req, HttpServletResponse res) throws IOException {
    String path = req.getServletPath() + (req.getPathInfo() == null ? "" : req.getPathInfo());
    Object found = req.getAttribute(ZeroTrustFilter.CALLER_ATTRIBUTE);
    Caller caller = found instanceof Caller c ? c : null;
    OrdersApi.Step step = api.route(req.getMethod(), path, caller);
    OrdersApi.Answer answer;
    if (step instanceof OrdersApi.Step.Read read) {
      Optional<Decision.Deny> deny = OrdersApi.objectCheck(caller, read.order());
      if (deny.isPresent()) {
        write(res, enforcer.respond(deny.get()));
        return;
      }
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

  private static void write(HttpServletResponse res, WireResponse wire) throws IOException {
    res.setStatus(wire.status());
    for (Map.Entry<String, String> f : wire.fields()) {
      res.addHeader(f.getKey(), f.getValue());
    }
    byte[] body = wire.bodyBytes();
    res.setContentLength(body.length);
    res.getOutputStream().write(body);
  }
}
