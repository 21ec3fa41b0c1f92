package dev.zt.core.authz;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What an application asks about in an object-level check: a type ({@code order}), an id, and the attributes the
 * rules compare with the caller (an owner, a tenant). Immutable; {@link #with(String, Object)} returns a copy.
 * Attribute values are JSON values: strings, numbers, booleans, lists and maps of them.
 *
 * <pre>{@code
 * Resource order = Resource.of("order", "7f3c").with("owner", "alice");
 * }</pre>
 *
 * @param type the resource type, non-blank
 * @param id the resource id, non-blank
 * @param attributes the attributes, in the order added
 * @since 0.3
 */
public record Resource(String type, String id, Map<String, Object> attributes) {

  public Resource {
    requireText("type", type);
    requireText("id", id);
    Objects.requireNonNull(attributes, "attributes");
    attributes = Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
    for (Map.Entry<String, Object> e : attributes.entrySet()) {
      requireText("attribute name", e.getKey());
      Objects.requireNonNull(e.getValue(), () -> "attribute '" + e.getKey() + "' is null; leave it out instead");
    }
  }

  /** A resource without attributes. */
  public static Resource of(String type, String id) {
    return new Resource(type, id, Map.of());
  }

  /** A copy with {@code name} set to {@code value} (replacing an earlier value). */
  public Resource with(String name, Object value) {
    Map<String, Object> copy = new LinkedHashMap<>(attributes);
    copy.put(name, value);
    return new Resource(type, id, copy);
  }

  /** The attribute {@code name}, if set. */
  public Optional<Object> attribute(String name) {
    return Optional.ofNullable(attributes.get(name));
  }

  private static void requireText(String what, String value) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(what + " must be a non-blank string");
    }
  }
}
