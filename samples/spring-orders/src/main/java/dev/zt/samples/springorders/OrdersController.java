package dev.zt.samples.springorders;

import dev.zt.core.Caller;
import dev.zt.core.authz.Resource;
import dev.zt.servlet.ZeroTrustFilter;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * orders-service's API on Spring MVC, answer for answer: the same routes, statuses and JSON bodies (every answer
 * names its handler). It trusts that zt has already decided who may reach each handler (the policy file's routes,
 * deny by default); which order a caller may read is zt's object check ({@code read} on the order, its owner or role
 * {@code admin}): a denial thrown from {@link #order} is answered by zt's filter with zt's own 403. The request body
 * is never read: an order is created from the caller alone.
 */
@RestController
class OrdersController {

  /** The role that sees and reads every order. */
  static final String ADMIN = "admin";

  static final String OPENAPI = """
      {"openapi":"3.1.0","info":{"title":"orders-service","version":"0.1.0"},
       "components":{"securitySchemes":{"bearer":{"type":"http","scheme":"bearer","bearerFormat":"JWT"}}},
       "security":[{"bearer":[]}],
       "paths":{"/orders":{"get":{"summary":"The caller's orders; every order for role admin (scope orders:read)"},
                           "post":{"summary":"Create an order owned by the caller (scope orders:write)"}},
                "/orders/{id}":{"get":{"summary":"One order: its owner or role admin (scope orders:read)"}},
                "/admin/stats":{"get":{"summary":"Statistics (role admin)"}},
                "/health":{"get":{"summary":"Liveness (public)","security":[]}}}}
      """;

  private static final String CALLER = ZeroTrustFilter.CALLER_ATTRIBUTE;

  private final OrderStore store;

  OrdersController(OrderStore store) {
    this.store = store;
  }

  @GetMapping("/health")
  ResponseEntity<String> health() {
    return json(200, "{\"status\":\"UP\"}");
  }

  @GetMapping("/docs/openapi.json")
  ResponseEntity<String> openApi() {
    return json(200, OPENAPI);
  }

  @GetMapping("/orders")
  ResponseEntity<String> list(@RequestAttribute(name = CALLER, required = false) Caller caller) {
    boolean authenticated = caller != null && caller.isAuthenticated();
    boolean admin = authenticated && caller.hasRole(ADMIN);
    String sub = authenticated ? caller.subject().orElse(null) : null;
    StringBuilder b = new StringBuilder("{\"handler\":\"list-orders\",\"caller\":\"").append(esc(name(caller)))
        .append("\",\"orders\":[");
    String sep = "";
    for (OrderStore.Order o : store.list(o -> admin || o.owner().equals(sub))) {
      b.append(sep).append("{\"id\":\"").append(o.id()).append("\",\"owner\":\"").append(esc(o.owner()))
          .append("\"}");
      sep = ",";
    }
    return json(200, b.append("]}").toString());
  }

  /**
   * An order owned by the caller's {@code sub}: 201 with {@code Location: /orders/{id}}. A caller without a
   * {@code sub} owns nothing (403); a full store answers 507 (see {@link OrderStore}).
   */
  @PostMapping("/orders")
  ResponseEntity<String> create(@RequestAttribute(name = CALLER, required = false) Caller caller) {
    String sub = caller == null || !caller.isAuthenticated() ? null : caller.subject().orElse(null);
    if (sub == null) {
      return problem(403, "{\"type\":\"about:blank\",\"title\":\"Forbidden\",\"status\":403,\"detail\":\"an order"
          + " needs an owner: the token has no sub\"}");
    }
    OrderStore.Created created = store.create(sub);
    if (created instanceof OrderStore.Created.Stored stored) {
      OrderStore.Order o = stored.order();
      return ResponseEntity.created(URI.create("/orders/" + o.id())).contentType(MediaType.APPLICATION_JSON)
          .body("{\"handler\":\"create-order\",\"caller\":\"" + esc(name(caller)) + "\",\"id\":\"" + o.id()
              + "\",\"owner\":\"" + esc(sub) + "\"}");
    }
    return problem(507, "{\"type\":\"about:blank\",\"title\":\"Insufficient Storage\",\"status\":507,\"detail\":\""
        + esc(((OrderStore.Created.Full) created).why()) + "\"}");
  }

  /** One order: 404 for an unknown id; else zt's object check decides (it throws, and zt answers, on a denial). */
  @GetMapping("/orders/{id}")
  ResponseEntity<String> order(@PathVariable String id, HttpServletRequest request,
      @RequestAttribute(name = CALLER, required = false) Caller caller) {
    OrderStore.Order order = store.find(id).orElse(null);
    if (order == null) {
      return json(404, "{\"handler\":\"get-order\",\"caller\":\"" + esc(name(caller)) + "\",\"id\":\"" + esc(id)
          + "\",\"error\":\"no such order\"}");
    }
    ZeroTrustFilter.authorization(request).require("read",
        Resource.of("order", order.id()).with("owner", order.owner()));
    return json(200, "{\"handler\":\"get-order\",\"caller\":\"" + esc(name(caller)) + "\",\"id\":\"" + order.id()
        + "\",\"owner\":\"" + esc(order.owner()) + "\"}");
  }

  @GetMapping("/admin/stats")
  ResponseEntity<String> stats(@RequestAttribute(name = CALLER, required = false) Caller caller) {
    return json(200, "{\"handler\":\"admin-stats\",\"caller\":\"" + esc(name(caller)) + "\",\"admin\":"
        + (caller != null && caller.hasRole(ADMIN)) + ",\"scopes\":" + (caller == null ? 0 : caller.scopes().size())
        + ",\"orders\":" + store.size() + "}");
  }

  /**
   * Whatever zt allowed and no handler above takes (a path under the public {@code /docs/}, a method Spring maps to
   * nothing): orders-service's 404, not Spring's error page. Actuator endpoints have their own mapping, asked first.
   */
  @RequestMapping("/**")
  ResponseEntity<String> notFound() {
    return json(404, "{\"handler\":\"not-found\"}");
  }

  private static String name(Caller caller) {
    return caller != null && caller.isAuthenticated() ? caller.getName() : "anonymous";
  }

  private static ResponseEntity<String> json(int status, String body) {
    return ResponseEntity.status(status).contentType(MediaType.APPLICATION_JSON).body(body);
  }

  private static ResponseEntity<String> problem(int status, String body) {
    return ResponseEntity.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(body);
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
