package dev.zt.samples.orders;

import dev.zt.core.Caller;
import dev.zt.core.authz.Resource;
import dev.zt.redis.RedisState;
import java.util.Map;
import java.util.Optional;

/**
 * The application behind zt, the same on both servers: it routes on the path zt authorized and trusts that zt has
 * already decided who may reach each handler; which order a caller may read is zt's object check too (see
 * {@link Step.Read}), the API only keeps the orders ({@link OrderStore}). Every answer names the handler, so checks from outside can see which
 * one ran. {@link OrdersServlet} (Jetty) and {@link OrdersNettyHandler} (Netty) only translate.
 */
final class OrdersApi {

  /** An answer: status, content type, further header fields (e.g. {@code Location}) and the body. */
  record Answer(int status, String contentType, Map<String, String> headers, String json) {
    Answer(int status, String json) {
      this(status, "application/json", Map.of(), json);
    }
  }

  /** What the API does with a request: answer it at once, or first ask zt whether the caller may read an order. */
  sealed interface Step {
    /** Answer with {@code answer}. */
    record Done(Answer answer) implements Step {}

    /**
     * {@code GET /orders/{id}} of a stored order: the adapter asks zt's object check ({@code read} on
     * {@link #resource()}) and answers {@link OrdersApi#show} only when it allows.
     */
    record Read(OrderStore.Order order) implements Step {
      /** The order as zt's object rules (and the PDP) see it: type {@code order}, its id, attribute {@code owner}. */
      Resource resource() {
        return Resource.of("order", order.id()).with("owner", order.owner());
      }
    }
  }

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

  /** The role that sees and reads every order. */
  static final String ADMIN = "admin";

  private final OrderStore store;
  private final Optional<RedisState> redis;

  OrdersApi(OrderStore store) {
    this(store, Optional.empty());
  }

  /**
   * With {@code redis} ({@code ZT_REDIS_URL}), {@code GET /health} also says whether this instance is in step with
   * the fleet's state: {@code "redis":"in_step"} or {@code "degraded"} (still 200: a degraded instance enforces what it
   * knows and keeps serving). Nothing else of Redis is shown (no reason, host or count): the reason is in the audit
   * log.
   */
  OrdersApi(OrderStore store, Optional<RedisState> redis) {
    this.store = store;
    this.redis = redis;
  }

  /**
   * What to do with {@code method} on {@code path} (decoded and normalized, as the server resolved it) for
   * {@code caller} (the caller zt verified; {@code null} or anonymous on a public route). The request body is never
   * read, on either server: an order is created from the caller alone.
   */
  Step route(String method, String path, Caller caller) {
    boolean authenticated = caller != null && caller.isAuthenticated();
    String name = authenticated ? caller.getName() : "anonymous";
    if (method.equals("GET") && path.equals("/health")) {
      return done(200, health());
    } else if (method.equals("GET") && path.equals("/docs/openapi.json")) {
      return done(200, OPENAPI);
    } else if (method.equals("GET") && path.equals("/orders")) {
      boolean admin = authenticated && caller.hasRole(ADMIN);
      String sub = authenticated ? caller.subject().orElse(null) : null;
      StringBuilder b = new StringBuilder("{\"handler\":\"list-orders\",\"caller\":\"").append(esc(name))
          .append("\",\"orders\":[");
      String sep = "";
      for (OrderStore.Order o : store.list(o -> admin || o.owner().equals(sub))) {
        b.append(sep).append("{\"id\":\"").append(o.id()).append("\",\"owner\":\"").append(esc(o.owner()))
            .append("\"}");
        sep = ",";
      }
      return done(200, b.append("]}").toString());
    } else if (method.equals("POST") && path.equals("/orders")) {
      return create(caller, name);
    } else if (method.equals("GET") && path.startsWith("/orders/") && path.indexOf('/', 8) < 0
        && path.length() > 8) {
      String id = path.substring(8);
      return store.find(id).<Step>map(Step.Read::new).orElseGet(() -> done(404,
          "{\"handler\":\"get-order\",\"caller\":\"" + esc(name) + "\",\"id\":\"" + esc(id)
              + "\",\"error\":\"no such order\"}"));
    } else if (method.equals("GET") && path.equals("/admin/stats")) {
      return done(200, "{\"handler\":\"admin-stats\",\"caller\":\"" + esc(name) + "\",\"admin\":"
          + (caller != null && caller.hasRole(ADMIN)) + ",\"scopes\":"
          + (caller == null ? 0 : caller.scopes().size()) + ",\"orders\":" + store.size() + "}");
    } else if (method.equals("GET") && path.equals("/whoami")) {
      // internal mode only (the public listener has no such route): the verified internal token's claims
      Map<String, Object> claims = caller == null ? Map.of()
          : caller.token().map(t -> t.claims()).orElse(Map.of());
      StringBuilder b = new StringBuilder("{\"claims\":");
      json(b, claims);
      return done(200, b.append('}').toString());
    } else if (method.equals("GET") && path.equals("/internal/inventory")) {
      return done(200, "{\"handler\":\"inventory\",\"workload\":\"" + esc(workload(caller))
          + "\",\"items\":[{\"sku\":\"A-1\",\"stock\":12}]}");
    } else if (method.equals("GET") && path.equals("/internal/audit")) {
      return done(200, "{\"handler\":\"audit\",\"workload\":\"" + esc(workload(caller))
          + "\",\"events\":0}");
    }
    return done(404, "{\"handler\":\"not-found\"}");
  }

  /**
   * {@code {"status":"UP"}}, with {@code "redis":"in_step"|"degraded"} when the state is in Redis: the status as the
   * state last reported it (the transition the audit log has), read without waiting on Redis (an event loop may ask).
   */
  private String health() {
    return redis.map(r -> "{\"status\":\"UP\",\"redis\":\""
        + (r.health().degraded() ? "degraded" : "in_step") + "\"}").orElse("{\"status\":\"UP\"}");
  }

  /** The answer to a {@link Step.Read} zt allowed: the order. */
  Answer show(OrderStore.Order order, Caller caller) {
    String name = caller != null && caller.isAuthenticated() ? caller.getName() : "anonymous";
    return new Answer(200, "{\"handler\":\"get-order\",\"caller\":\"" + esc(name) + "\",\"id\":\""
        + order.id() + "\",\"owner\":\"" + esc(order.owner()) + "\"}");
  }

  /**
   * {@code POST /orders}: an order owned by the caller's {@code sub}, 201 with {@code Location: /orders/{id}}. A
   * caller without a {@code sub} owns nothing (403); a full store answers 507 (see {@link OrderStore}).
   */
  private Step create(Caller caller, String name) {
    String sub = caller == null || !caller.isAuthenticated() ? null : caller.subject().orElse(null);
    if (sub == null) {
      return new Step.Done(new Answer(403, "application/problem+json", Map.of(), "{\"type\":\"about:blank\","
          + "\"title\":\"Forbidden\",\"status\":403,\"detail\":\"an order needs an owner: the token has no sub\"}"));
    }
    OrderStore.Created created = store.create(sub);
    if (created instanceof OrderStore.Created.Stored stored) {
      OrderStore.Order o = stored.order();
      return new Step.Done(new Answer(201, "application/json", Map.of("Location", "/orders/" + o.id()),
          "{\"handler\":\"create-order\",\"caller\":\"" + esc(name) + "\",\"id\":\"" + o.id()
              + "\",\"owner\":\"" + esc(sub) + "\"}"));
    }
    return new Step.Done(new Answer(507, "application/problem+json", Map.of(), "{\"type\":\"about:blank\","
        + "\"title\":\"Insufficient Storage\",\"status\":507,\"detail\":\""
        + esc(((OrderStore.Created.Full) created).why()) + "\"}"));
  }

  private static Step done(int status, String json) {
    return new Step.Done(new Answer(status, json));
  }

  private static String workload(Caller caller) {
    return caller == null ? "-" : caller.workload().orElse("-");
  }

  /** Appends {@code value} (a claim value as zt parsed it: map, list, string, number, boolean or null) as JSON. */
  private static void json(StringBuilder b, Object value) {
    if (value instanceof Map<?, ?> m) {
      b.append('{');
      String sep = "";
      for (Map.Entry<?, ?> e : m.entrySet()) {
        b.append(sep).append('"').append(esc(String.valueOf(e.getKey()))).append("\":");
        json(b, e.getValue());
        sep = ",";
      }
      b.append('}');
    } else if (value instanceof java.util.Collection<?> c) {
      b.append('[');
      String sep = "";
      for (Object o : c) {
        b.append(sep);
        json(b, o);
        sep = ",";
      }
      b.append(']');
    } else if (value instanceof Number || value instanceof Boolean) {
      b.append(value);
    } else if (value == null) {
      b.append("null");
    } else {
      b.append('"').append(esc(String.valueOf(value))).append('"');
    }
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
