package dev.zt.samples.orders;

import static dev.zt.samples.orders.model.OrdersAnswers.esc;

import dev.zt.core.Caller;
import dev.zt.core.authz.Resource;
import dev.zt.redis.RedisState;
import dev.zt.samples.orders.model.Answer;
import dev.zt.samples.orders.model.OrderStore;
import dev.zt.samples.orders.model.OrdersAnswers;
import java.util.Map;
import java.util.Optional;

/**
 * The application behind zt, the same on both servers: it routes on the path zt authorized and trusts that zt has
 * already decided who may reach each handler; which order a caller may read is zt's object check too (see
 * {@link Step.Read}), the API only keeps the orders ({@link OrderStore}). The answers spring-orders gives too come
 * from {@link OrdersAnswers}; this class routes, and adds what only orders-service has (the Redis health, the internal
 * routes). {@link OrdersServlet} (Jetty) and {@link OrdersNettyHandler} (Netty) only translate.
 */
final class OrdersApi {

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
        return order.resource();
      }
    }
  }

  /** The role that sees and reads every order. */
  static final String ADMIN = OrdersAnswers.ADMIN;

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
    if (method.equals("GET") && path.equals("/health")) {
      return done(health());
    } else if (method.equals("GET") && path.equals("/docs/openapi.json")) {
      return done(OrdersAnswers.openApi());
    } else if (method.equals("GET") && path.equals("/orders")) {
      return done(OrdersAnswers.list(store, caller));
    } else if (method.equals("POST") && path.equals("/orders")) {
      return done(OrdersAnswers.create(store, caller));
    } else if (method.equals("GET") && path.startsWith("/orders/") && path.indexOf('/', 8) < 0
        && path.length() > 8) {
      String id = path.substring(8);
      return store.find(id).<Step>map(Step.Read::new).orElseGet(() -> done(OrdersAnswers.noSuchOrder(id, caller)));
    } else if (method.equals("GET") && path.equals("/admin/stats")) {
      return done(OrdersAnswers.stats(store, caller));
    } else if (method.equals("GET") && path.equals("/whoami")) {
      // internal mode only (the public listener has no such route): the verified internal token's claims
      Map<String, Object> claims = caller == null ? Map.of()
          : caller.token().map(t -> t.claims()).orElse(Map.of());
      StringBuilder b = new StringBuilder("{\"claims\":");
      json(b, claims);
      return done(new Answer(200, b.append('}').toString()));
    } else if (method.equals("GET") && path.equals("/internal/inventory")) {
      return done(new Answer(200, "{\"handler\":\"inventory\",\"workload\":\"" + esc(workload(caller))
          + "\",\"items\":[{\"sku\":\"A-1\",\"stock\":12}]}"));
    } else if (method.equals("GET") && path.equals("/internal/audit")) {
      return done(new Answer(200, "{\"handler\":\"audit\",\"workload\":\"" + esc(workload(caller))
          + "\",\"events\":0}"));
    }
    return done(OrdersAnswers.notFound());
  }

  /**
   * {@code {"status":"UP"}}, with {@code "redis":"in_step"|"degraded"} when the state is in Redis: the status as the
   * state last reported it (the transition the audit log has), read without waiting on Redis (an event loop may ask).
   */
  private Answer health() {
    return redis.map(r -> new Answer(200, "{\"status\":\"UP\",\"redis\":\""
        + (r.health().degraded() ? "degraded" : "in_step") + "\"}")).orElseGet(OrdersAnswers::health);
  }

  /** The answer to a {@link Step.Read} zt allowed: the order. */
  Answer show(OrderStore.Order order, Caller caller) {
    return OrdersAnswers.show(order, caller);
  }

  private static Step done(Answer answer) {
    return new Step.Done(answer);
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
}
