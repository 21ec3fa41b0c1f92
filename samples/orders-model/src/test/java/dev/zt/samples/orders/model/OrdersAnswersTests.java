package dev.zt.samples.orders.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zt.core.Caller;
import dev.zt.testkit.TestCallers;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

/** The answers both samples send: who sees which orders, the owner of a new one, the refusals' problem bodies. */
class OrdersAnswersTests {

  private static final Caller ALICE = TestCallers.user("alice").scopes("orders:read", "orders:write").build();
  private static final Caller BOB = TestCallers.user("bob").scopes("orders:read").build();
  private static final Caller ADMIN = TestCallers.user("root").roles(OrdersAnswers.ADMIN).build();

  @Test
  void listWhenNotAdminThenOnlyTheCallersOwnOrders() {
    OrderStore store = new OrderStore();
    String id = ((OrderStore.Created.Stored) store.create("alice")).order().id();
    store.create("bob");

    assertThat(OrdersAnswers.list(store, ALICE).json())
        .isEqualTo("{\"handler\":\"list-orders\",\"caller\":\"alice\",\"orders\":[{\"id\":\"" + id
            + "\",\"owner\":\"alice\"}]}");
    assertThat(OrdersAnswers.list(store, null).json()).contains("\"caller\":\"anonymous\",\"orders\":[]");
    assertThat(OrdersAnswers.list(store, ADMIN).json()).contains("\"owner\":\"alice\"", "\"owner\":\"bob\"");
  }

  @Test
  void createWhenStoredThen201WithLocationOwnedByTheCaller() {
    Answer a = OrdersAnswers.create(new OrderStore(), BOB);

    assertThat(a.status()).isEqualTo(201);
    assertThat(a.contentType()).isEqualTo("application/json");
    assertThat(a.headers().get("Location")).startsWith("/orders/").hasSize(8 + 22);
    assertThat(a.json()).startsWith("{\"handler\":\"create-order\",\"caller\":\"bob\",\"id\":\"")
        .endsWith("\",\"owner\":\"bob\"}");
  }

  @Test
  void createWhenNoSubjectThen403ProblemAndNothingStored() {
    OrderStore store = new OrderStore();

    Answer a = OrdersAnswers.create(store, TestCallers.anonymous());

    assertThat(a.status()).isEqualTo(403);
    assertThat(a.contentType()).isEqualTo("application/problem+json");
    assertThat(a.json()).contains("an order needs an owner: the token has no sub");
    assertThat(store.size()).isZero();
  }

  @Test
  void createWhenFullThen507ProblemWithoutLocation() {
    OrderStore store = new OrderStore(new SecureRandom(), 1, 1);
    OrdersAnswers.create(store, ALICE);

    Answer a = OrdersAnswers.create(store, ALICE);

    assertThat(a.status()).isEqualTo(507);
    assertThat(a.contentType()).isEqualTo("application/problem+json");
    assertThat(a.headers()).isEmpty();
    assertThat(a.json()).contains("\"status\":507", "the store holds its maximum of 1 orders");
  }

  @Test
  void noSuchOrderWhenIdHasQuotesThenEscapedIn404() {
    Answer a = OrdersAnswers.noSuchOrder("x\"y\\z\n", BOB);

    assertThat(a.status()).isEqualTo(404);
    assertThat(a.json()).isEqualTo("{\"handler\":\"get-order\",\"caller\":\"bob\",\"id\":\"x\\\"y\\\\z\\u000a\","
        + "\"error\":\"no such order\"}");
  }

  @Test
  void statsWhenAdminThenAdminTrueAndTheCount() {
    OrderStore store = new OrderStore();
    store.create("alice");

    assertThat(OrdersAnswers.stats(store, ADMIN).json())
        .isEqualTo("{\"handler\":\"admin-stats\",\"caller\":\"root\",\"admin\":true,\"scopes\":0,\"orders\":1}");
    assertThat(OrdersAnswers.stats(store, BOB).json()).contains("\"admin\":false,\"scopes\":1");
  }

  @Test
  void resourceWhenOrderThenTypeIdAndOwnerForZtsObjectRules() {
    OrderStore.Order order = new OrderStore.Order("id1", "alice");

    assertThat(order.resource().type()).isEqualTo("order");
    assertThat(order.resource().id()).isEqualTo("id1");
    assertThat(order.resource().attributes()).containsEntry("owner", "alice");
  }
}
