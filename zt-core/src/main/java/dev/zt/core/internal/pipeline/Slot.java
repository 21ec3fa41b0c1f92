package dev.zt.core.internal.pipeline;

import java.util.Objects;

/**
 * A typed key for one value a gate keeps on a request's {@link RequestState}: allocated once, when the enforcer is
 * assembled ({@link Slots#slot}), and read and written by index, so a gate's per-request state costs an array slot,
 * not a field of {@code RequestState} nor a map entry. Values hold references; primitives go in a {@link LongSlot}
 * (no boxing).
 *
 * @param <T> the type of the value
 */
public final class Slot<T> {

  final int index;
  private final String name;

  Slot(int index, String name) {
    this.index = index;
    this.name = Objects.requireNonNull(name, "name");
  }

  @Override
  public String toString() {
    return "Slot[" + name + "]";
  }
}
