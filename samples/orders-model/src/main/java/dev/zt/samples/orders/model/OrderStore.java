package dev.zt.samples.orders.model;

import dev.zt.core.authz.Resource;
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
 * The sample's orders, in memory: thread-safe and bounded. An id is 128 random bits from a {@link SecureRandom},
 * URL-safe Base64 without padding (22 characters): unique, and not guessable from the ids a caller has seen (no
 * sequence). The store holds at most {@link #capacity} orders in all and {@link #perOwner} per owner, so no one caller
 * can fill it for the others; past either bound {@link #create} refuses ({@link Created.Full}), which the API answers
 * with 507 Insufficient Storage (RFC 4918 §11.5): the server's room ran out, not the caller's rate. Shared by
 * orders-service and spring-orders, so both keep the same orders the same way.
 */
public final class OrderStore {

  /** Default bound on all orders together. */
  public static final int DEFAULT_CAPACITY = 10_000;

  /** Default bound on one owner's orders. */
  public static final int DEFAULT_PER_OWNER = 1_000;

  /** An order: its id and its owner (the creating caller's {@code sub}). */
  public record Order(String id, String owner) {
    public Order {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(owner, "owner");
    }

    /** The order as zt's object rules (and a PDP) see it: type {@code order}, its id, attribute {@code owner}. */
    public Resource resource() {
      return Resource.of("order", id).with("owner", owner);
    }
  }

  /** What {@link #create} did. */
  public sealed interface Created {
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

  /** A store with {@link #DEFAULT_CAPACITY} and {@link #DEFAULT_PER_OWNER}, ids from a new {@link SecureRandom}. */
  public OrderStore() {
    this(new SecureRandom(), DEFAULT_CAPACITY, DEFAULT_PER_OWNER);
  }

  /** A store holding at most {@code capacity} orders, {@code perOwner} per owner (each at least 1). */
  public OrderStore(SecureRandom random, int capacity, int perOwner) {
    if (capacity < 1 || perOwner < 1) {
      throw new IllegalArgumentException("capacity and perOwner must be at least 1");
    }
    this.random = Objects.requireNonNull(random, "random");
    this.capacity = capacity;
    this.perOwner = perOwner;
  }

  /** Stores a new order owned by {@code owner}, unless the store or the owner's share of it is full. */
  public synchronized Created create(String owner) {
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
  public synchronized Optional<Order> find(String id) {
    return Optional.ofNullable(orders.get(id));
  }

  /** The orders {@code visible} accepts, in creation order. */
  public synchronized List<Order> list(Predicate<Order> visible) {
    List<Order> out = new ArrayList<>();
    for (Order o : orders.values()) {
      if (visible.test(o)) {
        out.add(o);
      }
    }
    return out;
  }

  /** How many orders are stored. */
  public synchronized int size() {
    return orders.size();
  }

  private String newId() {
    byte[] bytes = new byte[16];
    random.nextBytes(bytes);
    return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
