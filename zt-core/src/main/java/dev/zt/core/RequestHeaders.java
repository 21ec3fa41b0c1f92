package dev.zt.core;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Read access to a request's headers, by case-insensitive name. Adapters implement it over the container's own
 * header store so that nothing is copied on the hot path.
 *
 * @since 0.1
 */
@FunctionalInterface
public interface RequestHeaders {

  /** Every field value received under {@code name} (case-insensitive), in order; empty when absent. */
  List<String> values(String name);

  /**
   * Whether a field {@code name} (case-insensitive) was received. Adapters whose store can answer without building
   * the list of values override it: the enforcer asks for fields most requests lack ({@code Upgrade},
   * {@code X-Forwarded-For} on a direct connection) on every request.
   *
   * @since 0.1
   */
  default boolean contains(String name) {
    return !values(name).isEmpty();
  }

  /** Headers from a map, for tests and plain-Java callers; names are matched case-insensitively. */
  static RequestHeaders of(Map<String, List<String>> headers) {
    TreeMap<String, List<String>> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    headers.forEach((k, v) -> copy.merge(k, List.copyOf(v), (a, b) -> {
      var merged = new java.util.ArrayList<>(a);
      merged.addAll(b);
      return List.copyOf(merged);
    }));
    return name -> copy.getOrDefault(name, List.of());
  }

  /** No headers at all. */
  static RequestHeaders none() {
    return name -> List.of();
  }
}
