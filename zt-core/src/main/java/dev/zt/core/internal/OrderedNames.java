package dev.zt.core.internal;

import java.util.AbstractSet;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.NoSuchElementException;

/**
 * An immutable, insertion-ordered set of a few names (a route's required scopes or roles), backed by an array so the
 * per-request check walks it by index: no iterator object, and no call through the JDK's shared unmodifiable-set
 * iterator, whose inner call site every unmodifiable collection in the process shares (megamorphic, never inlined).
 */
public final class OrderedNames extends AbstractSet<String> {

  private final String[] names;

  private OrderedNames(String[] names) {
    this.names = names;
  }

  /** {@code names} in their iteration order, duplicates dropped; itself when it already is one. */
  public static OrderedNames copyOf(Collection<String> names) {
    if (names instanceof OrderedNames o) {
      return o;
    }
    return new OrderedNames(new LinkedHashSet<>(names).toArray(String[]::new));
  }

  /** Whether {@code held} contains every name. */
  public boolean allIn(java.util.Set<String> held) {
    for (String n : names) {
      if (!held.contains(n)) {
        return false;
      }
    }
    return true;
  }

  /** Whether {@code held} contains at least one name. */
  public boolean anyIn(java.util.Set<String> held) {
    for (String n : names) {
      if (held.contains(n)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public boolean contains(Object o) {
    for (String n : names) {
      if (n.equals(o)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public int size() {
    return names.length;
  }

  @Override
  public Iterator<String> iterator() {
    return new Iterator<>() {
      private int i;

      @Override
      public boolean hasNext() {
        return i < names.length;
      }

      @Override
      public String next() {
        if (i >= names.length) {
          throw new NoSuchElementException();
        }
        return names[i++];
      }
    };
  }
}
