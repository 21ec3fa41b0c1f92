package dev.zt.core.internal.pipeline;

import dev.zt.core.trust.TrustLevel;

/**
 * The slot layout of one enforcer's request state: the pipeline's own slots (read across features: the trust level
 * and breakdown, the per-identity state, the route's index, the inspected-field count, what steps after an allow
 * add) and the slots its features allocated while it was assembled. Allocation happens only while assembling
 * ({@link #slot}, {@link #longSlot}); {@link #freeze()} then allocates the pipeline's rarely used slots last and
 * closes the layout, so every request of the enforcer has the same one.
 *
 * <p>The first {@value #INLINE_REFS} reference slots and {@value #INLINE_LONGS} primitive slots live in fields of
 * {@link RequestState}, the rest in arrays made on the first write: the slots written on the steady path (trust
 * level and breakdown, identity state, the trust gate's behaviour result; the route index and the trust score) are
 * allocated first, so a request with the trust and rate gates allocates no array at all.
 */
public final class Slots {

  static final int INLINE_REFS = 4;
  static final int INLINE_LONGS = 2;

  /** The trust level the trust gate computed, or none. */
  static final Slot<TrustLevel> TRUST_LEVEL = new Slot<>(0, "trust.level");
  /** Builds the trust breakdown of the request on demand. */
  static final Slot<TrustBreakdown> TRUST = new Slot<>(1, "trust.breakdown");
  /** The per-identity state found for the request. */
  static final Slot<Identities.State> IDENTITY = new Slot<>(2, "identity.state");
  /** The index of the request's route in the per-identity state, -1 before it was looked up. */
  static final LongSlot ROUTE_INDEX = new LongSlot(0, -1, "identity.route");

  private static final int CORE_REFS = 3;
  private static final int CORE_LONGS = 1;

  /** The layout of a request state built outside an enforcer (zt's tests): the pipeline's own slots only. */
  static final Slots CORE = new Slots().freeze();

  private int refs = CORE_REFS;
  private int longs = CORE_LONGS;
  private boolean frozen;
  // the pipeline's slots that few requests write, allocated after the features' at freeze()
  private Slot<java.util.Map<String, String>> responseHeaders;
  private Slot<dev.zt.core.Decision.ForwardedCredential> forward;
  private LongSlot inspected;
  private Slot<java.util.function.BiConsumer<String, Step>> trace;
  /** The enforcer's public origin, or {@code null}: a constant of every request, kept here rather than per request. */
  private java.net.URI publicOrigin;

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

  /** Response fields steps after the allow add to the answer. */
  Slot<java.util.Map<String, String>> responseHeaders() {
    return responseHeaders;
  }

  /** The credential to forward in place of the client's. */
  Slot<dev.zt.core.Decision.ForwardedCredential> forward() {
    return forward;
  }

  /** The query parameters and form fields handed to the detectors. */
  LongSlot inspected() {
    return inspected;
  }

  /** Where zt explain's trace of the gates' steps is kept (never written on a real request). */
  Slot<java.util.function.BiConsumer<String, Step>> trace() {
    return trace;
  }

  /** The enforcer's public origin, or {@code null} when it has none. */
  java.net.URI publicOrigin() {
    return publicOrigin;
  }

  /** Sets the enforcer's public origin, while it is assembled. */
  void publicOrigin(java.net.URI origin) {
    check();
    this.publicOrigin = origin;
  }

  boolean isFrozen() {
    return frozen;
  }

  /** Closes the layout (the pipeline's rarely written slots last); returns this. Idempotent. */
  Slots freeze() {
    if (!frozen) {
      responseHeaders = slot("allow.headers");
      forward = slot("allow.forward");
      inspected = longSlot("inspection.fields", 0);
      trace = slot("explain.trace");
      frozen = true;
    }
    return this;
  }

  private void check() {
    if (frozen) {
      throw new IllegalStateException("slots are allocated while the enforcer is assembled");
    }
  }
}
