package dev.zt.core.policy;

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

  /**
   * Parses {@code pattern}; throws {@link IllegalArgumentException} naming the pattern, what is wrong and the fix
   * whenever the pattern could not match what it seems to: no leading {@code /}; {@code *} or {@code **} written as
   * a glob (they would be literal text here: {@code /accounts/*} would only ever match the path
   * {@code /accounts/*}); named or unbalanced braces ({@code {id}}); {@code {**}} before the last segment; empty or
   * dot segments, percent escapes, {@code ;}, {@code ?}, {@code #} or a backslash (the normalized path never holds
   * them); a segment such as {@code :id} (a path variable in other frameworks, literal text here); whitespace at the
   * start or end of a segment; control characters.
   */
  public static PathPattern parse(String pattern) {
    if (pattern == null || !pattern.startsWith("/")) {
      throw invalid(pattern, "it must start with '/'", "write '/" + (pattern == null ? "" : pattern.strip()) + "'");
    }
    String[] raw = pattern.substring(1).split("/", -1);
    List<String> segs = new ArrayList<>(raw.length);
    for (int i = 0; i < raw.length; i++) {
      String s = raw[i];
      boolean last = i == raw.length - 1;
      if (s.equals(REST)) {
        if (!last) {
          throw invalid(pattern, "{**} matches the rest of the path, so it must be the last segment",
              "end the pattern at {**}, or use {*} for one segment");
        }
        segs.add(REST);
      } else if (s.equals(ONE)) {
        segs.add(ONE);
      } else {
        checkLiteral(pattern, s, last);
        segs.add(s);
      }
    }
    return new PathPattern(pattern, segs.toArray(String[]::new));
  }

  private static void checkLiteral(String pattern, String s, boolean last) {
    if (s.equals("*") || s.equals("**")) {
      throw invalid(pattern, "'" + s + "' is literal text here and would only match a segment that is '" + s + "'",
          s.equals("*") ? "use {*} for exactly one segment" : "use {**} (last) for any number of segments");
    }
    if (s.indexOf('{') >= 0 || s.indexOf('}') >= 0) {
      int open = s.indexOf('{');
      int close = s.indexOf('}');
      boolean balanced = open >= 0 && close > open && s.indexOf('{', open + 1) < 0 && s.indexOf('}', close + 1) < 0;
      throw invalid(pattern, balanced
              ? "'" + s + "' is not a wildcard: only a whole segment of {*} or {**} is, and there are no named variables"
              : "unbalanced braces in '" + s + "'",
          "use {*} for one segment or a final {**}");
    }
    if (s.indexOf('*') >= 0) {
      throw invalid(pattern, "'" + s + "' is not a glob: zt has no partial-segment wildcards",
          "use {*} for a whole segment, or list the literal paths");
    }
    if (s.isEmpty() && !last) {
      throw invalid(pattern, "an empty segment ('//') never occurs in a normalized path",
          "remove the extra '/'");
    }
    if (s.equals(".") || s.equals("..")) {
      throw invalid(pattern, "dot segments are resolved away before matching", "write the resolved path");
    }
    if (s.indexOf('%') >= 0 || s.indexOf(';') >= 0 || s.indexOf('\\') >= 0 || s.indexOf('?') >= 0
        || s.indexOf('#') >= 0) {
      throw invalid(pattern, "'" + s + "' holds '%', ';', '\\', '?' or '#', which a normalized path never holds "
          + "(it is decoded, without path parameters or query)", "write the decoded path text");
    }
    if (s.startsWith(":")) {
      throw invalid(pattern, "'" + s + "' is literal text here, not a path variable", "use {*} for one segment");
    }
    if (!s.isEmpty() && (Character.isWhitespace(s.charAt(0)) || Character.isWhitespace(s.charAt(s.length() - 1))
        || Character.isSpaceChar(s.charAt(0)) || Character.isSpaceChar(s.charAt(s.length() - 1)))) {
      throw invalid(pattern, "whitespace at the start or end of '" + s + "'", "remove it");
    }
    if (s.chars().anyMatch(c -> c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == 0x2028 || c == 0x2029)) {
      throw invalid(pattern, "a control character", "remove it");
    }
  }

  private static IllegalArgumentException invalid(String pattern, String why, String fix) {
    return new IllegalArgumentException("path pattern '" + pattern + "': " + why + "; " + fix);
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
