package dev.zt.samples.orders;

import dev.zt.core.Caller;
import dev.zt.servlet.ZeroTrustFilter;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The application behind zt: it routes on the path the container resolved and trusts that zt has already decided
 * who may reach each handler. Every answer names the handler, so checks from outside can see which one ran.
 */
final class OrdersServlet extends HttpServlet {

  private static final long serialVersionUID = 1L;

  static final String OPENAPI = """
      {"openapi":"3.1.0","info":{"title":"orders-service","version":"0.1.0"},
       "components":{"securitySchemes":{"bearer":{"type":"http","scheme":"bearer","bearerFormat":"JWT"}}},
       "security":[{"bearer":[]}],
       "paths":{"/orders":{"get":{"summary":"List orders (scope orders:read)"},
                           "post":{"summary":"Create an order (scope orders:write)"}},
                "/orders/{id}":{"get":{"summary":"One order (scope orders:read)"}},
                "/admin/stats":{"get":{"summary":"Statistics (role admin)"}},
                "/health":{"get":{"summary":"Liveness (public)","security":[]}}}}
      """;

  @Override
  protected void service(HttpServletRequest req, HttpServletResponse res) throws IOException {
    String path = req.getServletPath() + (req.getPathInfo() == null ? "" : req.getPathInfo());
    String method = req.getMethod();
    String caller = req.getUserPrincipal() == null ? "anonymous" : req.getUserPrincipal().getName();
    if (method.equals("GET") && path.equals("/health")) {
      json(res, 200, "{\"status\":\"UP\"}");
    } else if (method.equals("GET") && path.equals("/docs/openapi.json")) {
      json(res, 200, OPENAPI);
    } else if (method.equals("GET") && path.equals("/orders")) {
      json(res, 200, "{\"handler\":\"list-orders\",\"caller\":\"" + esc(caller)
          + "\",\"orders\":[{\"id\":\"1001\",\"total\":42.5},{\"id\":\"1002\",\"total\":7.0}]}");
    } else if (method.equals("POST") && path.equals("/orders")) {
      json(res, 201, "{\"handler\":\"create-order\",\"caller\":\"" + esc(caller) + "\",\"id\":\"1003\"}");
    } else if (method.equals("GET") && path.startsWith("/orders/") && path.indexOf('/', 8) < 0
        && path.length() > 8) {
      json(res, 200, "{\"handler\":\"get-order\",\"caller\":\"" + esc(caller) + "\",\"id\":\""
          + esc(path.substring(8)) + "\"}");
    } else if (method.equals("GET") && path.equals("/admin/stats")) {
      Caller c = (Caller) req.getAttribute(ZeroTrustFilter.CALLER_ATTRIBUTE);
      json(res, 200, "{\"handler\":\"admin-stats\",\"caller\":\"" + esc(caller) + "\",\"admin\":"
          + req.isUserInRole("admin") + ",\"scopes\":" + (c == null ? 0 : c.scopes().size()) + ",\"orders\":2}");
    } else {
      json(res, 404, "{\"handler\":\"not-found\"}");
    }
  }

  private static void json(HttpServletResponse res, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    res.setStatus(status);
    res.setContentType("application/json");
    res.setContentLength(bytes.length);
    res.getOutputStream().write(bytes);
  }

  private static String esc(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (char c : s.toCharArray()) {
      if (c == '"' || c == '\\') {
        b.append('\\').append(c);
      } else if (c < 0x20) {
        b.append(String.format("\\u%04x", (int) c));
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }
}
