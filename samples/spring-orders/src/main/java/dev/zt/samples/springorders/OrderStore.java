package dev.zt.samples.springorders;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The sample's orders, in memory (orders-service's store, the same semantics): thread-safe and bounded. An id is 128
 * random bits from a {@link SecureRandom}, URL-safe Base64 without padding (22 characters): unique, and not guessable
 * from the ids a caller has seen (no sequence). The store holds at most {@link #capacity} orders in all and {@link #perOwner} per owner, so no one caller
 * can fill it for the others; past either bound {@link #create} refuses ({@link Created.Full}), which the API answers
 * with 507 Insufficient Storage (RFC 4918 §11.5): the server's room ran out, not the caller's rate.
 */
final class OrderStore {

  /** Default bound on all orders together. */
  static final int DEFAULT_CAPACITY = 10_000;

  /** Default bound on one owner's orders. */
  static final int DEFAULT_PER_OWNER = 1_000;

  /** An order: its id and its owner (the creating caller's {@code sub}). */
  record Order(String id, String owner) {
    Order {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(owner, "owner");
    }
  }

  /** What {@link #create} did. */
  sealed interface Created {
    /** Stored. */
    record Stored(Order order) implements Created {}

    /** Refused: a bound was reached ({@code why} names which, for the answer's detail). */
    record Full(String why) implements Created {}
  }

  private final SecureRandom random;
  private final int capacity;
  private final int perOwner;
  private final Map<String, Order> orders = new LinkedHashMap<>(); // in creation order; guarded by this
  private final Map<String, Integer> counts = new HashMap<>(); // orders per owner; guarded by this

  OrderStore() {
    this(new SecureRandom(), DEFAULT_CAPACITY, DEFAULT_PER_OWNER);
  }

  OrderStore(SecureRandom random, int capacity, int perOwner) {
    if (capacity < 1 || perOwner < 1) {
      throw new IllegalArgumentException("capacity and perOwner must be at least 1");
    }
    this.random = Objects.requireNonNull(random, "random");
    this.capacity = capacity;
    this.perOwner = perOwner;
  }

  /** Stores a new order owned by {@code owner}, unless the store or the owner's share of it is full. */
  synchronized Created create(String owner) {
    if (orders.size() >= capacity) {
      return new Created.Full("the store holds its maximum of " + capacity + " orders");
    }
    int mine = counts.getOrDefault(owner, 0);
    if (mine >= perOwner) {
      return new Created.Full("the caller holds the maximum of " + perOwner + " orders per owner");
    }
    String id;
    do {
      id = newId();
    } while (orders.containsKey(id)); // 2^-128 per pair; the loop keeps "unique" a guarantee, not a probability
    Order order = new Order(id, owner);
    orders.put(id, order);
    counts.put(owner, mine + 1);
    return new Created.Stored(order);
  }

  /** The order {@code id}, if stored. */
  synchronized Optional<Order> find(String id) {
    return Optional.ofNullable(orders.get(id));
  }

  /** The orders {@code visible} accepts, in creation order. */
  synchronized List<Order> list(Predicate<Order> visible) {
    List<Order> out = new ArrayList<>();
    for (Order o : orders.values()) {
      if (visible.test(o)) {
        out.add(o);
      }
    }
    return out;
  }

  /** How many orders are stored. */
  synchronized int size() {
    return orders.size();
  }

  private String newId() {
    byte[] bytes = new byte[16];
    random.nextBytes(bytes);
    return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
