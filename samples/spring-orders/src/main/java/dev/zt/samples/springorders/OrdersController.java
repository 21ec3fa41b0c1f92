package dev.zt.samples.springorders;

import dev.zt.core.Caller;
import dev.zt.samples.orders.model.Answer;
import dev.zt.samples.orders.model.OrderStore;
import dev.zt.samples.orders.model.OrdersAnswers;
import dev.zt.servlet.ZeroTrustFilter;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * orders-service's API on Spring MVC, answer for answer: the same routes, statuses and JSON bodies, built by the same
 * {@link OrdersAnswers} (every answer names its handler). It trusts that zt has already decided who may reach each
 * handler (the policy file's routes, deny by default); which order a caller may read is zt's object check
 * ({@code read} on the order, its owner or role {@code admin}): a denial thrown from {@link #order} is answered by
 * zt's filter with zt's own 403. The request body is never read: an order is created from the caller alone.
 */
@RestController
class OrdersController {

  private static final String CALLER = ZeroTrustFilter.CALLER_ATTRIBUTE;

  private final OrderStore store;

  OrdersController(OrderStore store) {
    this.store = store;
  }

  @GetMapping("/health")
  ResponseEntity<String> health() {
    return entity(OrdersAnswers.health());
  }

  @GetMapping("/docs/openapi.json")
  ResponseEntity<String> openApi() {
    return entity(OrdersAnswers.openApi());
  }

  @GetMapping("/orders")
  ResponseEntity<String> list(@RequestAttribute(name = CALLER, required = false) Caller caller) {
    return entity(OrdersAnswers.list(store, caller));
  }

  /** An order owned by the caller's {@code sub} (see {@link OrdersAnswers#create}). */
  @PostMapping("/orders")
  ResponseEntity<String> create(@RequestAttribute(name = CALLER, required = false) Caller caller) {
    return entity(OrdersAnswers.create(store, caller));
  }

  /** One order: 404 for an unknown id; else zt's object check decides (it throws, and zt answers, on a denial). */
  @GetMapping("/orders/{id}")
  ResponseEntity<String> order(@PathVariable String id, HttpServletRequest request,
      @RequestAttribute(name = CALLER, required = false) Caller caller) {
    OrderStore.Order order = store.find(id).orElse(null);
    if (order == null) {
      return entity(OrdersAnswers.noSuchOrder(id, caller));
    }
    ZeroTrustFilter.authorization(request).require("read", order.resource());
    return entity(OrdersAnswers.show(order, caller));
  }

  @GetMapping("/admin/stats")
  ResponseEntity<String> stats(@RequestAttribute(name = CALLER, required = false) Caller caller) {
    return entity(OrdersAnswers.stats(store, caller));
  }

  /**
   * Whatever zt allowed and no handler above takes (a path under the public {@code /docs/}, a method Spring maps to
   * nothing): orders-service's 404, not Spring's error page. Actuator endpoints have their own mapping, asked first.
   */
  @RequestMapping("/**")
  ResponseEntity<String> notFound() {
    return entity(OrdersAnswers.notFound());
  }

  /** {@code answer} as Spring MVC's response: its status, content type, header fields (e.g. Location) and body. */
  private static ResponseEntity<String> entity(Answer answer) {
    ResponseEntity.BodyBuilder b = ResponseEntity.status(answer.status())
        .contentType(MediaType.parseMediaType(answer.contentType()));
    answer.headers().forEach((name, value) -> b.header(name, value));
    return b.body(answer.json());
  }
}
