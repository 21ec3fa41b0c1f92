package dev.zt.core.policy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A route's path pattern, matched against the normalized path, segment by segment and case-sensitively:
 * literal segments, {@code {*}} for exactly one non-empty segment, a named capture {@code {id}} that matches as
 * {@code {*}} does and whose value rules and the PDP input can read ({@link #captures(String)}), and a final
 * {@code {**}} for the rest (zero or more segments, so {@code /docs/{**}} matches {@code /docs}, {@code /docs/} and
 * {@code /docs/a/b}).
 * A trailing slash is significant: {@code /orders} does not match {@code /orders/}.
 *
 * @since 0.1
 */
public final class PathPattern {

  private static final String ONE = "{*}";
  private static final String REST = "{**}";

  private final String pattern;
  // literal text, or the ONE / REST markers (compared by identity); a named capture is ONE here
  private final String[] segments;
  // the capture's name at the index of a named capture, else null
  private final String[] names;
  private final List<String> captureNames;
  // the pattern itself when every segment is literal: then the one path it matches is the pattern's text
  private final String literal;

  @SuppressWarnings("StringEquality")
  private PathPattern(String pattern, String[] segments, String[] names) {
    this.pattern = pattern;
    this.segments = segments;
    this.names = names;
    boolean literalOnly = true;
    for (String seg : segments) {
      literalOnly &= seg != ONE && seg != REST;
    }
    this.literal = literalOnly ? pattern : null;
    List<String> n = new ArrayList<>();
    for (String name : names) {
      if (name != null) {
        n.add(name);
      }
    }
    this.captureNames = List.copyOf(n);
  }

  /**
   * Parses {@code pattern}; throws {@link IllegalArgumentException} naming the pattern, what is wrong and the fix
   * whenever the pattern could not match what it seems to: no leading {@code /}; {@code *} or {@code **} written as
   * a glob (they would be literal text here: {@code /accounts/*} would only ever match the path
   * {@code /accounts/*}); braces that are not a whole segment ({@code /a{id}}) or unbalanced; a capture name that is
   * not {@code [A-Za-z][A-Za-z0-9_]*} or is used twice; {@code {**}} before the last segment; empty or
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
    String[] names = new String[raw.length];
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
      } else if (s.length() > 2 && s.charAt(0) == '{' && s.charAt(s.length() - 1) == '}'
          && s.indexOf('{', 1) < 0 && s.indexOf('}') == s.length() - 1) {
        String name = s.substring(1, s.length() - 1);
        if (!validName(name)) {
          throw invalid(pattern, "'" + s + "' is not a capture: a name is a letter then letters, digits or '_'",
              "write e.g. {id}, or {*} for an unnamed segment");
        }
        for (String other : names) {
          if (name.equals(other)) {
            throw invalid(pattern, "the capture {" + name + "} appears twice", "give each capture its own name");
          }
        }
        names[i] = name;
        segs.add(ONE);
      } else {
        checkLiteral(pattern, s, last);
        segs.add(s);
      }
    }
    return new PathPattern(pattern, segs.toArray(String[]::new), names);
  }

  private static boolean validName(String name) {
    if (name.isEmpty() || !isAsciiLetter(name.charAt(0))) {
      return false;
    }
    for (int i = 1; i < name.length(); i++) {
      char c = name.charAt(i);
      if (!isAsciiLetter(c) && !(c >= '0' && c <= '9') && c != '_') {
        return false;
      }
    }
    return true;
  }

  private static boolean isAsciiLetter(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
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
              ? "'" + s + "' is not a wildcard or capture: only a whole segment of {*}, {name} or {**} is"
              : "unbalanced braces in '" + s + "'",
          "use {*} or {name} for one whole segment, or a final {**}");
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
      throw invalid(pattern, "'" + s + "' is literal text here, not a path variable",
          "use {" + (validName(s.substring(1)) ? s.substring(1) : "id") + "} for a named segment, or {*}");
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
    if (literal != null) {
      return literal.equals(path); // each literal segment after its '/', and nothing after the last
    }
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

  /**
   * The named captures' values for the normalized {@code path} ({@code /orders/{id}} and {@code /orders/42} give
   * {@code id=42}), in pattern order; empty when the path does not match or the pattern names none. Computed only
   * when asked: {@link #matches(String)} stays allocation-free.
   *
   * @since 0.3
   */
  public Map<String, String> captures(String path) {
    if (captureNames.isEmpty() || !matches(path)) {
      return Map.of();
    }
    Map<String, String> out = new LinkedHashMap<>();
    int pos = 0;
    for (int i = 0; i < segments.length && segments[i] != REST; i++) {
      int start = pos + 1;
      int end = path.indexOf('/', start);
      if (end < 0) {
        end = path.length();
      }
      if (names[i] != null) {
        out.put(names[i], path.substring(start, end));
      }
      pos = end;
    }
    return Collections.unmodifiableMap(out);
  }

  /**
   * The names of the pattern's captures, in order (empty when it has none).
   *
   * @since 0.3
   */
  public List<String> captureNames() {
    return captureNames;
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
