package dev.zt.samples.orders.model;

import dev.zt.core.Caller;
import java.util.Map;

/**
 * The orders API's answers, built once for both samples (orders-service on Jetty or Netty, spring-orders on Spring
 * MVC), so their routes answer byte for byte alike: every answer names the handler that ran, so checks from outside
 * can see which one it was. Who may reach a handler, and which order a caller may read, is zt's decision before
 * these run; the request body is never read (an order is created from the caller alone).
 */
public final class OrdersAnswers {

  /** The role that sees and reads every order. */
  public static final String ADMIN = "admin";

  /** {@code GET /docs/openapi.json}: the API's description. */
  public static final String OPENAPI = """
      {"openapi":"3.1.0","info":{"title":"orders-service","version":"0.1.0"},
       "components":{"securitySchemes":{"bearer":{"type":"http","scheme":"bearer","bearerFormat":"JWT"}}},
       "security":[{"bearer":[]}],
       "paths":{"/orders":{"get":{"summary":"The caller's orders; every order for role admin (scope orders:read)"},
                           "post":{"summary":"Create an order owned by the caller (scope orders:write)"}},
                "/orders/{id}":{"get":{"summary":"One order: its owner or role admin (scope orders:read)"}},
                "/admin/stats":{"get":{"summary":"Statistics (role admin)"}},
                "/health":{"get":{"summary":"Liveness (public)","security":[]}}}}
      """;

  private OrdersAnswers() {}

  /** {@code GET /health} without shared state: {@code {"status":"UP"}}. */
  public static Answer health() {
    return new Answer(200, "{\"status\":\"UP\"}");
  }

  /** {@code GET /docs/openapi.json}. */
  public static Answer openApi() {
    return new Answer(200, OPENAPI);
  }

  /** {@code GET /orders}: the caller's orders (by {@code sub}), every order for role {@link #ADMIN}. */
  public static Answer list(OrderStore store, Caller caller) {
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
    return new Answer(200, b.append("]}").toString());
  }

  /**
   * {@code POST /orders}: an order owned by the caller's {@code sub}, 201 with {@code Location: /orders/{id}}. A
   * caller without a {@code sub} owns nothing (403); a full store answers 507 Insufficient Storage (see
   * {@link OrderStore}). Both refusals are {@code application/problem+json}.
   */
  public static Answer create(OrderStore store, Caller caller) {
    String sub = caller == null || !caller.isAuthenticated() ? null : caller.subject().orElse(null);
    if (sub == null) {
      return new Answer(403, "application/problem+json", Map.of(), "{\"type\":\"about:blank\","
          + "\"title\":\"Forbidden\",\"status\":403,\"detail\":\"an order needs an owner: the token has no sub\"}");
    }
    OrderStore.Created created = store.create(sub);
    if (created instanceof OrderStore.Created.Stored stored) {
      OrderStore.Order o = stored.order();
      return new Answer(201, "application/json", Map.of("Location", "/orders/" + o.id()),
          "{\"handler\":\"create-order\",\"caller\":\"" + esc(name(caller)) + "\",\"id\":\"" + o.id()
              + "\",\"owner\":\"" + esc(sub) + "\"}");
    }
    return new Answer(507, "application/problem+json", Map.of(), "{\"type\":\"about:blank\","
        + "\"title\":\"Insufficient Storage\",\"status\":507,\"detail\":\""
        + esc(((OrderStore.Created.Full) created).why()) + "\"}");
  }

  /** {@code GET /orders/{id}} of an id the store does not hold: 404, naming the id. */
  public static Answer noSuchOrder(String id, Caller caller) {
    return new Answer(404, "{\"handler\":\"get-order\",\"caller\":\"" + esc(name(caller)) + "\",\"id\":\""
        + esc(id) + "\",\"error\":\"no such order\"}");
  }

  /** {@code GET /orders/{id}} once zt's object check allowed the caller to read {@code order}: the order. */
  public static Answer show(OrderStore.Order order, Caller caller) {
    return new Answer(200, "{\"handler\":\"get-order\",\"caller\":\"" + esc(name(caller)) + "\",\"id\":\""
        + order.id() + "\",\"owner\":\"" + esc(order.owner()) + "\"}");
  }

  /** {@code GET /admin/stats}: whether the caller is an admin, how many scopes it has, how many orders are stored. */
  public static Answer stats(OrderStore store, Caller caller) {
    return new Answer(200, "{\"handler\":\"admin-stats\",\"caller\":\"" + esc(name(caller)) + "\",\"admin\":"
        + (caller != null && caller.hasRole(ADMIN)) + ",\"scopes\":" + (caller == null ? 0 : caller.scopes().size())
        + ",\"orders\":" + store.size() + "}");
  }

  /** Whatever zt allowed and no handler takes: 404 from the API, not the server's own error page. */
  public static Answer notFound() {
    return new Answer(404, "{\"handler\":\"not-found\"}");
  }

  /** The caller's name in an answer: {@link Caller#getName()}, or {@code anonymous} on a public route. */
  public static String name(Caller caller) {
    return caller != null && caller.isAuthenticated() ? caller.getName() : "anonymous";
  }

  /** {@code s} as the inside of a JSON string: quotes, backslashes and control characters escaped. */
  public static String esc(String s) {
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
