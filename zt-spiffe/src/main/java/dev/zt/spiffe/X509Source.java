package dev.zt.spiffe;

import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The current {@link SvidSnapshot}, replaced as a whole by {@link #update} when the SVID or the bundles rotate (from
 * the Workload API, or from files). TLS key and trust managers read it on every handshake, so rotation needs no
 * restart. The previous snapshot is kept for the key manager: a handshake that chose its certificate just before an
 * update still gets the matching key. Thread-safe.
 *
 * @since 0.1
 */
public final class X509Source {

  /** A snapshot and its generation number (starts at 1, +1 per update). */
  record Versioned(long generation, SvidSnapshot snapshot) {}

  private record State(Versioned current, Versioned previous) {}

  private final AtomicReference<State> state;

  private X509Source(SvidSnapshot initial) {
    Versioned v = new Versioned(1, initial);
    this.state = new AtomicReference<>(new State(v, v));
  }

  /** A source holding {@code initial}. */
  public static X509Source of(SvidSnapshot initial) {
    return new X509Source(Objects.requireNonNull(initial, "initial"));
  }

  /** The current snapshot. */
  public SvidSnapshot current() {
    return state.get().current().snapshot();
  }

  /** Replaces the snapshot; handshakes that start afterwards use {@code next}. */
  public void update(SvidSnapshot next) {
    Objects.requireNonNull(next, "next");
    state.updateAndGet(s -> new State(new Versioned(s.current().generation() + 1, next), s.current()));
  }

  Versioned currentVersioned() {
    return state.get().current();
  }

  Optional<SvidSnapshot> byGeneration(long generation) {
    State s = state.get();
    if (s.current().generation() == generation) {
      return Optional.of(s.current().snapshot());
    }
    if (s.previous().generation() == generation) {
      return Optional.of(s.previous().snapshot());
    }
    return Optional.empty();
  }
}
