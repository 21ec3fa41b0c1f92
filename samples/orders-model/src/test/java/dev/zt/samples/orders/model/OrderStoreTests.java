package dev.zt.samples.orders.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** The sample's in-memory orders: random unique ids, owners, bounds. */
class OrderStoreTests {

  @Test
  void createWhenCalledThenTheIdIs128RandomBitsInUrlSafeBase64() {
    OrderStore store = new OrderStore();
    OrderStore.Order order = ((OrderStore.Created.Stored) store.create("alice")).order();
    assertThat(order.owner()).isEqualTo("alice");
    assertThat(order.id()).matches("[A-Za-z0-9_-]{22}");
    assertThat(java.util.Base64.getUrlDecoder().decode(order.id())).hasSize(16);
    assertThat(store.find(order.id())).contains(order);
  }

  @Test
  void createWhenTheRandomSourceRepeatsThenTheIdIsStillUnique() {
    // a random source that yields the same 16 bytes twice, then others: the store must not reuse the id
    SecureRandom repeating = new SecureRandom() {
      private int calls;

      @Override
      public void nextBytes(byte[] bytes) {
        java.util.Arrays.fill(bytes, (byte) (calls++ < 2 ? 7 : calls));
      }
    };
    OrderStore store = new OrderStore(repeating, 10, 10);
    String first = ((OrderStore.Created.Stored) store.create("a")).order().id();
    String second = ((OrderStore.Created.Stored) store.create("b")).order().id();
    assertThat(second).isNotEqualTo(first);
    assertThat(store.find(first).orElseThrow().owner()).isEqualTo("a");
  }

  @Test
  void createWhenStoreFullThenRefusedAndNothingReplaced() {
    OrderStore store = new OrderStore(new SecureRandom(), 3, 3);
    store.create("a");
    store.create("b");
    store.create("c");
    assertThat(store.create("d")).isInstanceOf(OrderStore.Created.Full.class);
    assertThat(store.size()).isEqualTo(3);
    assertThat(store.list(o -> true)).extracting(OrderStore.Order::owner).containsExactly("a", "b", "c");
  }

  @Test
  void createWhenOwnerHoldsTheMaximumThenRefusedForThemOnly() {
    OrderStore store = new OrderStore(new SecureRandom(), 10, 2);
    store.create("greedy");
    store.create("greedy");
    assertThat(store.create("greedy")).isInstanceOf(OrderStore.Created.Full.class);
    assertThat(store.create("other")).isInstanceOf(OrderStore.Created.Stored.class);
  }

  @Test
  void findWhenUnknownIdThenEmpty() {
    OrderStore store = new OrderStore();
    store.create("a");
    assertThat(store.find("AAAAAAAAAAAAAAAAAAAAAA")).isEmpty();
    assertThat(store.find("")).isEmpty();
  }

  @Test
  void createWhenConcurrentThenEveryOrderStoredOnceAndTheBoundHolds() throws Exception {
    OrderStore store = new OrderStore(new SecureRandom(), 500, 1000);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<OrderStore.Created>> results = new ArrayList<>();
      for (int i = 0; i < 600; i++) {
        String owner = "u" + (i % 7);
        results.add(pool.submit(() -> store.create(owner)));
      }
      Set<String> ids = new HashSet<>();
      int full = 0;
      for (Future<OrderStore.Created> f : results) {
        if (f.get() instanceof OrderStore.Created.Stored s) {
          ids.add(s.order().id());
        } else {
          full++;
        }
      }
      assertThat(ids).hasSize(500);
      assertThat(full).isEqualTo(100);
      assertThat(store.size()).isEqualTo(500);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void constructorWhenBoundBelowOneThenRefused() {
    assertThatThrownBy(() -> new OrderStore(new SecureRandom(), 0, 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new OrderStore(new SecureRandom(), 1, 0)).isInstanceOf(IllegalArgumentException.class);
  }
}
