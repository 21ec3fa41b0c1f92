package dev.zt.core.internal.pipeline;

import java.util.Objects;

/**
 * A key for one primitive a gate keeps on a request's {@link RequestState} (a count, a time, an index, a
 * {@code double} by its raw bits): no boxing. A slot that was never written reads as its {@code initial} value.
 */
public final class LongSlot {

  final int index;
  final long initial;
  private final String name;

  LongSlot(int index, long initial, String name) {
    this.index = index;
    this.initial = initial;
    this.name = Objects.requireNonNull(name, "name");
  }

  @Override
  public String toString() {
    return "LongSlot[" + name + "]";
  }
}
