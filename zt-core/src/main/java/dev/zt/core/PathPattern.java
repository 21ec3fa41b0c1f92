package dev.zt.core;

import java.util.ArrayList;
import java.util.List;

/**
 * A route's path pattern, matched against the normalized path, segment by segment and case-sensitively:
 * literal segments, {@code {*}} for exactly one non-empty segment, and a final {@code {**}} for the rest (zero or
 * more segments, so {@code /docs/{**}} matches {@code /docs}, {@code /docs/} and {@code /docs/a/b}).
 * A trailing slash is significant: {@code /orders} does not match {@code /orders/}.
 *
 * @since 0.1
 */
public final class PathPattern {

  private static final String ONE = "{*}";
  private static final String REST = "{**}";

  private final String pattern;
  // literal text, or the ONE / REST markers (compared by identity)
  private final String[] segments;

  private PathPattern(String pattern, String[] segments) {
    this.pattern = pattern;
    this.segments = segments;
  }

  /** Parses {@code pattern}; throws {@link IllegalArgumentException} naming what is wrong. */
  public static PathPattern parse(String pattern) {
    if (pattern == null || !pattern.startsWith("/")) {
      throw new IllegalArgumentException("path pattern must start with '/': " + pattern);
    }
    String[] raw = pattern.substring(1).split("/", -1);
    List<String> segs = new ArrayList<>(raw.length);
    for (int i = 0; i < raw.length; i++) {
      String s = raw[i];
      boolean last = i == raw.length - 1;
      if (s.equals(REST)) {
        if (!last) {
          throw new IllegalArgumentException("{**} must be the last segment: " + pattern);
        }
        segs.add(REST);
      } else if (s.equals(ONE)) {
        segs.add(ONE);
      } else {
        if (s.isEmpty() && !last) {
          throw new IllegalArgumentException("empty segment in path pattern: " + pattern);
        }
        if (s.equals(".") || s.equals("..")) {
          throw new IllegalArgumentException("dot segment in path pattern: " + pattern);
        }
        if (s.indexOf('{') >= 0 || s.indexOf('}') >= 0 || s.indexOf(';') >= 0 || s.indexOf('%') >= 0
            || s.indexOf('\\') >= 0 || s.indexOf('?') >= 0 || s.indexOf('#') >= 0
            || s.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
          throw new IllegalArgumentException(
              "path pattern segments are literal (decoded) text, {*} or a final {**}: " + pattern);
        }
        segs.add(s);
      }
    }
    return new PathPattern(pattern, segs.toArray(String[]::new));
  }

  /** Whether the normalized {@code path} matches. Allocation-free. */
  @SuppressWarnings("StringEquality")
  public boolean matches(String path) {
    int len = path.length();
    int pos = 0; // index of the '/' that precedes the next segment, or len
    for (String seg : segments) {
      if (seg == REST) {
        return true;
      }
      if (pos >= len || path.charAt(pos) != '/') {
        return false;
      }
      int start = pos + 1;
      int end = path.indexOf('/', start);
      if (end < 0) {
        end = len;
      }
      if (seg == ONE) {
        if (end == start) {
          return false;
        }
      } else if (end - start != seg.length() || !path.regionMatches(start, seg, 0, seg.length())) {
        return false;
      }
      pos = end;
    }
    return pos == len;
  }

  /** Whether every path {@code other} matches is matched by this pattern too (so a later {@code other} is dead). */
  @SuppressWarnings("StringEquality")
  public boolean covers(PathPattern other) {
    String[] a = segments;
    String[] b = other.segments;
    for (int i = 0; i < a.length; i++) {
      if (a[i] == REST) {
        return true; // everything from here on, including nothing
      }
      if (i >= b.length) {
        return false;
      }
      if (b[i] == REST) {
        return false; // b reaches paths of any length; a does not
      }
      if (a[i] == ONE) {
        if (b[i] != ONE && b[i].isEmpty()) {
          return false; // {*} needs a non-empty segment; b's empty (trailing-slash) segment is not one
        }
        continue;
      }
      if (b[i] == ONE || !a[i].equals(b[i])) {
        return false;
      }
    }
    return a.length == b.length;
  }

  @Override
  public String toString() {
    return pattern;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PathPattern p && p.pattern.equals(pattern);
  }

  @Override
  public int hashCode() {
    return pattern.hashCode();
  }
}
