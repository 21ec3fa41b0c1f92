package dev.zt.samples.orders;

import dev.zt.core.Caller;

/**
 * The application behind zt, the same on both servers: it routes on the path zt authorized and trusts that zt has
 * already decided who may reach each handler. Every answer names the handler, so checks from outside can see which
 * one ran. {@link OrdersServlet} (Jetty) and {@link OrdersNettyHandler} (Netty) only translate.
 */
final class OrdersApi {

  /** An answer: status and JSON body. */
  record Answer(int status, String json) {}

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

  private OrdersApi() {}

  /**
   * Answers {@code method} on {@code path} (decoded and normalized, as the server resolved it) for {@code caller}
   * (the caller zt verified; {@code null} or anonymous on a public route).
   */
  static Answer answer(String method, String path, Caller caller) {
    boolean authenticated = caller != null && caller.isAuthenticated();
    String name = authenticated ? caller.getName() : "anonymous";
    if (method.equals("GET") && path.equals("/health")) {
      return new Answer(200, "{\"status\":\"UP\"}");
    } else if (method.equals("GET") && path.equals("/docs/openapi.json")) {
      return new Answer(200, OPENAPI);
    } else if (method.equals("GET") && path.equals("/orders")) {
      return new Answer(200, "{\"handler\":\"list-orders\",\"caller\":\"" + esc(name)
          + "\",\"orders\":[{\"id\":\"1001\",\"total\":42.5},{\"id\":\"1002\",\"total\":7.0}]}");
    } else if (method.equals("POST") && path.equals("/orders")) {
      return new Answer(201, "{\"handler\":\"create-order\",\"caller\":\"" + esc(name) + "\",\"id\":\"1003\"}");
    } else if (method.equals("GET") && path.startsWith("/orders/") && path.indexOf('/', 8) < 0
        && path.length() > 8) {
      return new Answer(200, "{\"handler\":\"get-order\",\"caller\":\"" + esc(name) + "\",\"id\":\""
          + esc(path.substring(8)) + "\"}");
    } else if (method.equals("GET") && path.equals("/admin/stats")) {
      return new Answer(200, "{\"handler\":\"admin-stats\",\"caller\":\"" + esc(name) + "\",\"admin\":"
          + (caller != null && caller.hasRole("admin")) + ",\"scopes\":"
          + (caller == null ? 0 : caller.scopes().size()) + ",\"orders\":2}");
    } else if (method.equals("GET") && path.equals("/internal/inventory")) {
      return new Answer(200, "{\"handler\":\"inventory\",\"workload\":\"" + esc(workload(caller))
          + "\",\"items\":[{\"sku\":\"A-1\",\"stock\":12}]}");
    } else if (method.equals("GET") && path.equals("/internal/audit")) {
      return new Answer(200, "{\"handler\":\"audit\",\"workload\":\"" + esc(workload(caller))
          + "\",\"events\":0}");
    }
    return new Answer(404, "{\"handler\":\"not-found\"}");
  }

  private static String workload(Caller caller) {
    return caller == null ? "-" : caller.workload().orElse("-");
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
