package dev.zt.core.internal.pipeline;

import dev.zt.core.trust.TrustLevel;

/**
 * The slot layout of one enforcer's request state: the pipeline's own slots (fixed, read across features: the trust
 * level, the per-identity state, the route's index, the inspected-field count) and the slots its features allocated
 * while it was assembled. Allocation happens only while assembling ({@link #slot}, {@link #longSlot}); once the
 * enforcer is built the layout is read-only ({@link #freeze()}), so every request of it sizes its arrays the same.
 */
public final class Slots {

  /** The trust level the trust gate computed, or none. */
  static final Slot<TrustLevel> TRUST_LEVEL = new Slot<>(0, "trust.level");
  /** Builds the trust breakdown of the request on demand. */
  static final Slot<TrustBreakdown> TRUST = new Slot<>(1, "trust.breakdown");
  /** The per-identity state found for the request. */
  static final Slot<Identities.State> IDENTITY = new Slot<>(2, "identity.state");
  /** Response fields steps after the allow add to the answer. */
  static final Slot<java.util.Map<String, String>> RESPONSE_HEADERS = new Slot<>(3, "allow.headers");
  /** The credential to forward in place of the client's. */
  static final Slot<dev.zt.core.Decision.ForwardedCredential> FORWARD = new Slot<>(4, "allow.forward");
  /** The index of the request's route in the per-identity state, -1 before it was looked up. */
  static final LongSlot ROUTE_INDEX = new LongSlot(0, -1, "identity.route");
  /** The query parameters and form fields handed to the detectors. */
  static final LongSlot INSPECTED = new LongSlot(1, 0, "inspection.fields");

  private static final int CORE_REFS = 5;
  private static final int CORE_LONGS = 2;

  /** The layout of a request state built outside an enforcer (zt's tests): the pipeline's own slots only. */
  static final Slots CORE = new Slots().freeze();

  private int refs = CORE_REFS;
  private int longs = CORE_LONGS;
  private boolean frozen;

  Slots() {}

  /** A new slot for a reference value; only while the enforcer is assembled. */
  public <T> Slot<T> slot(String name) {
    check();
    return new Slot<>(refs++, name);
  }

  /** A new slot for a primitive that reads {@code initial} until written; only while the enforcer is assembled. */
  public LongSlot longSlot(String name, long initial) {
    check();
    return new LongSlot(longs++, initial, name);
  }

  int refs() {
    return refs;
  }

  int longs() {
    return longs;
  }

  Slots freeze() {
    frozen = true;
    return this;
  }

  private void check() {
    if (frozen) {
      throw new IllegalStateException("slots are allocated while the enforcer is assembled");
    }
  }
}
