package dev.zt.servlet;

import dev.zt.core.Caller;
import dev.zt.testkit.conformance.AdapterConformanceSuite;
import dev.zt.testkit.conformance.AdapterConformanceSuite.Handler;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * One handler of the conformance suite's application: answers every method with 200 and what it saw — the path the
 * container resolved for it ({@code getServletPath() + getPathInfo()}) and the caller through the filter's attribute
 * and the standard servlet security API.
 */
final class ConformanceSupportServlet extends HttpServlet {

  private static final long serialVersionUID = 1L;

  private final Handler handler;

  /** One servlet per handler of the conformance suite, under that handler's mappings. */
  static java.util.List<Containers.Mapped> all() {
    java.util.List<Containers.Mapped> out = new java.util.ArrayList<>();
    for (Handler h : Handler.values()) {
      out.add(new Containers.Mapped(h.id(), h.mappings(), new ConformanceSupportServlet(h)));
    }
    return out;
  }

  ConformanceSupportServlet(Handler handler) {
    this.handler = handler;
  }

  @Override
  protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
    String pathInfo = request.getPathInfo();
    String resolved = request.getServletPath() + (pathInfo == null ? "" : pathInfo);
    Object caller = request.getAttribute(ZeroTrustFilter.CALLER_ATTRIBUTE);
    String body = AdapterConformanceSuite.applicationBody(handler, resolved,
        caller instanceof Caller c ? c : null, request.getUserPrincipal(), request.isUserInRole("admin"),
        upgradeFields(request));
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    response.setStatus(200);
    response.setContentType("text/plain;charset=utf-8");
    response.setContentLength(bytes.length);
    response.getOutputStream().write(bytes);
  }

  private static java.util.List<String> upgradeFields(HttpServletRequest request) {
    java.util.List<String> seen = new java.util.ArrayList<>();
    for (String name : java.util.List.of("Upgrade", "HTTP2-Settings")) {
      java.util.Enumeration<String> values = request.getHeaders(name);
      if (values != null) {
        seen.addAll(java.util.Collections.list(values));
      }
    }
    return seen;
  }
}
