package dev.zt.core.authz;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The input a policy decision point decides on: a JSON object (OPA's {@code input}; mapped onto AuthZEN's subject,
 * action, resource and context). Immutable; values are strings, booleans, numbers ({@link Long} or {@link Double}),
 * lists and maps of them. {@link #canonicalJson()} is the same text for equal inputs (keys sorted, no whitespace):
 * the decision cache keys on it, or on the fields a policy declares it reads ({@link #select(List)}).
 *
 * <p>The fields zt fills: {@code caller} ({@code sub}, {@code client_id}, {@code scopes}, {@code roles},
 * {@code claims} as minimised by configuration, {@code workload}), {@code action}, {@code resource} ({@code type},
 * {@code id}, and the resource's attributes by name, e.g. {@code owner}), {@code request} ({@code method},
 * {@code path}, {@code captures}) and {@code trust} (the request's trust level, when a trust policy is on).
 *
 * @since 0.3
 */
public final class PdpInput {

  private final Map<String, Object> document;
  private final String canonical;

  private PdpInput(Map<String, Object> document) {
    this.document = document;
    this.canonical = json(document);
  }

  /** An input from a JSON object tree (copied deeply; map keys sorted). */
  public static PdpInput of(Map<String, ?> document) {
    Objects.requireNonNull(document, "document");
    @SuppressWarnings("unchecked")
    Map<String, Object> copy = (Map<String, Object>) copy(document, 0);
    return new PdpInput(copy);
  }

  /** The document, unmodifiable, keys sorted. */
  public Map<String, Object> document() {
    return document;
  }

  /** The value at a dotted path ({@code resource.owner}), if present. */
  public Optional<Object> get(String dottedPath) {
    Object at = document;
    for (String part : dottedPath.split("\\.", -1)) {
      if (!(at instanceof Map<?, ?> m) || !m.containsKey(part)) {
        return Optional.empty();
      }
      at = m.get(part);
    }
    return Optional.of(at);
  }

  /**
   * The canonical JSON of only {@code dottedPaths} (absent ones as JSON {@code null}), in the order given: a cache key
   * for a policy that reads only those fields.
   */
  public String select(List<String> dottedPaths) {
    StringBuilder b = new StringBuilder().append('[');
    for (int i = 0; i < dottedPaths.size(); i++) {
      if (i > 0) {
        b.append(',');
      }
      write(b, get(dottedPaths.get(i)).orElse(null));
    }
    return b.append(']').toString();
  }

  /** The whole input as canonical JSON: keys sorted, no whitespace. */
  public String canonicalJson() {
    return canonical;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PdpInput p && p.canonical.equals(canonical);
  }

  @Override
  public int hashCode() {
    return canonical.hashCode();
  }

  @Override
  public String toString() {
    return canonical;
  }

  private static Object copy(Object v, int depth) {
    if (depth > 32) {
      throw new IllegalArgumentException("PDP input nested deeper than 32 levels");
    }
    if (v instanceof Map<?, ?> m) {
      TreeMap<String, Object> out = new TreeMap<>();
      for (Map.Entry<?, ?> e : m.entrySet()) {
        if (!(e.getKey() instanceof String k)) {
          throw new IllegalArgumentException("PDP input keys must be strings: " + e.getKey());
        }
        if (e.getValue() != null) {
          out.put(k, copy(e.getValue(), depth + 1));
        }
      }
      return Collections.unmodifiableMap(out);
    }
    if (v instanceof List<?> l) {
      List<Object> out = new ArrayList<>(l.size());
      for (Object o : l) {
        out.add(copy(Objects.requireNonNull(o, "null in a PDP input list"), depth + 1));
      }
      return Collections.unmodifiableList(out);
    }
    if (v instanceof java.util.Collection<?> c) {
      return copy(new ArrayList<>(c), depth);
    }
    if (v instanceof String || v instanceof Boolean || v instanceof Long || v instanceof Double) {
      return v;
    }
    if (v instanceof Integer || v instanceof Short || v instanceof Byte) {
      return ((Number) v).longValue();
    }
    if (v instanceof Float f) {
      return f.doubleValue();
    }
    throw new IllegalArgumentException("not a JSON value in a PDP input: " + v.getClass().getName());
  }

  private static String json(Object v) {
    StringBuilder b = new StringBuilder(128);
    write(b, v);
    return b.toString();
  }

  private static void write(StringBuilder b, Object v) {
    if (v == null) {
      b.append("null");
    } else if (v instanceof String s) {
      string(b, s);
    } else if (v instanceof Map<?, ?> m) {
      b.append('{');
      boolean first = true;
      for (Map.Entry<?, ?> e : m.entrySet()) {
        if (!first) {
          b.append(',');
        }
        first = false;
        string(b, (String) e.getKey());
        b.append(':');
        write(b, e.getValue());
      }
      b.append('}');
    } else if (v instanceof List<?> l) {
      b.append('[');
      for (int i = 0; i < l.size(); i++) {
        if (i > 0) {
          b.append(',');
        }
        write(b, l.get(i));
      }
      b.append(']');
    } else if (v instanceof Double d) {
      if (d.isNaN() || d.isInfinite()) {
        throw new IllegalArgumentException("not a JSON number: " + d);
      }
      b.append(d);
    } else {
      b.append(v); // Boolean, Long
    }
  }

  private static void string(StringBuilder b, String s) {
    b.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20 || c == 0x2028 || c == 0x2029 || Character.isSurrogate(c)) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    b.append('"');
  }
}
