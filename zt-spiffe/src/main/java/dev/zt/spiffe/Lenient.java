package dev.zt.spiffe;

import java.util.List;
import java.util.Objects;

/**
 * The result of a lenient parse: the canonical value and what was normalized to reach it (empty when the input
 * was already canonical). Callers should log the normalizations so that configuration gets fixed.
 *
 * @param value the parsed, canonical value
 * @param normalizations what changed, in the order applied
 * @param <T> {@link SpiffeId} or {@link TrustDomain}
 * @since 0.1
 */
public record Lenient<T>(T value, List<Normalization> normalizations) {

  /** Checks and copies the components. */
  public Lenient {
    Objects.requireNonNull(value, "value");
    normalizations = List.copyOf(normalizations);
  }

  /** Whether the input was already canonical. */
  public boolean wasCanonical() {
    return normalizations.isEmpty();
  }
}
