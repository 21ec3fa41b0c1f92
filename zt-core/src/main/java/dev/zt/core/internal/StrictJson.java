package dev.zt.core.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * zt's one reader of untrusted JSON (tokens, key sets, bundles, introspection, PDP and STS answers): a strict RFC 8259
 * recursive-descent parser that refuses what Nimbus' parser lets through — duplicate member names at any depth
 * (compared after unescaping, so {@code "a"} and {@code "\u0061"} clash), nesting deeper than {@link #MAX_DEPTH},
 * comments, unquoted or single-quoted strings, {@code NaN}, leading zeros. {@link #valid} checks a text,
 * {@link #readObject} builds it read-only, {@link #topLevelString} reads one member of a text not yet authenticated
 * without building anything else. Written by hand because no JSON library here refuses nested duplicates.
 */
public final class StrictJson {

  /** The deepest nesting accepted. */
  public static final int MAX_DEPTH = 32;

  private StrictJson() {}

  /**
   * {@code body} as a JSON object when it is strict UTF-8 holding one strictly valid object ({@link #valid}), else
   * {@code null}: the common reading of an untrusted JSON answer (a PDP's, an STS's).
   */
  public static java.util.Map<String, Object> object(byte[] body) {
    String text;
    try {
      text = java.nio.charset.StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
          .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
          .decode(java.nio.ByteBuffer.wrap(body)).toString();
    } catch (java.nio.charset.CharacterCodingException e) {
      return null;
    }
    if (!valid(text)) {
      return null;
    }
    try {
      return com.nimbusds.jose.util.JSONObjectUtils.parse(text);
    } catch (java.text.ParseException | RuntimeException e) {
      return null;
    }
  }

  /**
   * Whether {@code text} is one strict JSON value (RFC 8259: no comments, unquoted or single-quoted strings,
   * {@code NaN} or leading zeros) with no duplicate member names at any depth.
   */
  public static boolean valid(String text) {
    Parser p = new Parser(text, null);
    try {
      p.any();
      return true;
    } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
      return false;
    }
  }

  /**
   * {@code text} as a strict JSON object, read-only at every depth, with the value types Nimbus' parser gives
   * ({@code String}, {@code Long}, {@code Double} for a fraction, an exponent or a number beyond {@code long},
   * {@code Boolean}, {@code null}, {@code List}, {@code Map}); {@code null} when it is not one.
   */
  public static Map<String, Object> readObject(String text) {
    Parser p = new Parser(text, null);
    try {
      return p.document();
    } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
      return null;
    }
  }

  /**
   * The top-level string member {@code name} of {@code text}, a JSON object that follows the grammar (other
   * duplicates not checked), or {@code null} when it is not one, has no such string member or has it twice. Builds
   * nothing but that value: one linear pass without allocation per member, for reading a payload before its signature
   * is checked.
   */
  public static String topLevelString(String text, String name) {
    Parser p = new Parser(text, name);
    try {
      p.document();
      return p.found;
    } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
      return null;
    }
  }

  /**
   * Member names read without a new string when spelled plainly: the JOSE header's and the registered and common claims
   * every access token carries (RFC 7515 §4.1, RFC 7519 §4.1, RFC 9068 §2.2, RFC 8693 §4, RFC 7800). A name that is
   * not here is read as any string; the parser's answer is the same either way.
   */
  private static final List<String> COMMON_NAMES = List.of("alg", "kid", "typ", "cty", "crit", "iss", "sub", "aud",
      "exp", "nbf", "iat", "jti", "scope", "scp", "client_id", "azp", "cnf", "roles", "groups", "auth_time", "acr",
      "amr", "sid", "tid", "email", "name", "preferred_username", "realm_access", "resource_access", "x5t#S256", "jkt",
      "act", "may_act", "entitlements", "tenant");
  private static final int LONGEST_NAME = COMMON_NAMES.stream().mapToInt(String::length).max().orElse(0);
  private static final String[][] NAMES_BY_LENGTH = new String[LONGEST_NAME + 1][];

  static {
    for (String n : COMMON_NAMES) {
      String[] same = NAMES_BY_LENGTH[n.length()];
      String[] grown = same == null ? new String[1] : java.util.Arrays.copyOf(same, same.length + 1);
      grown[grown.length - 1] = n;
      NAMES_BY_LENGTH[n.length()] = grown;
    }
  }

  /** A recursive-descent parser over one text; throws {@link IllegalArgumentException} on anything not accepted. */
  private static final class Parser {
    private final String s;
    private final String wanted; // member mode: the top-level member to find; null: build everything
    private String found;
    private boolean seenWanted;
    private int i;

    Parser(String s, String wanted) {
      this.s = s;
      this.wanted = wanted;
    }

    /** One value of any kind, all of the text. */
    Object any() {
      ws();
      Object v = value(0);
      ws();
      if (i != s.length()) {
        throw new IllegalArgumentException("trailing data");
      }
      return v;
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> document() {
      ws();
      if (s.charAt(i) != '{') {
        throw new IllegalArgumentException("not an object");
      }
      Object v = value(0);
      ws();
      if (i != s.length()) {
        throw new IllegalArgumentException("trailing data");
      }
      return (Map<String, Object>) v;
    }

    private Object value(int depth) {
      if (depth > MAX_DEPTH) {
        throw new IllegalArgumentException("too deep");
      }
      char c = s.charAt(i);
      switch (c) {
        case '{':
          return object(depth);
        case '[':
          return array(depth);
        case '"':
          return string(wanted == null);
        case 't':
          literal("true");
          return Boolean.TRUE;
        case 'f':
          literal("false");
          return Boolean.FALSE;
        case 'n':
          literal("null");
          return null;
        default:
          return number();
      }
    }

    private Object object(int depth) {
      i++;
      ws();
      boolean build = wanted == null;
      if (s.charAt(i) == '}') {
        i++;
        return build ? Collections.emptyMap() : null;
      }
      Map<String, Object> members = build ? new LinkedHashMap<>() : null;
      while (true) {
        ws();
        if (build) {
          String name = name();
          ws();
          expect(':');
          ws();
          int before = members.size();
          members.put(name, value(depth + 1));
          if (members.size() == before) {
            throw new IllegalArgumentException("duplicate member");
          }
        } else {
          // member mode: no name is built; only the wanted one is recognised (twice: refused), at the top level
          boolean isWanted = false;
          if (depth == 0) {
            isWanted = nameIs(wanted);
          } else {
            string(false);
          }
          ws();
          expect(':');
          ws();
          if (isWanted) {
            if (seenWanted) {
              throw new IllegalArgumentException("duplicate member");
            }
            seenWanted = true;
            if (s.charAt(i) == '"') {
              found = string(true);
            } else {
              value(depth + 1);
            }
          } else {
            value(depth + 1);
          }
        }
        ws();
        char c = s.charAt(i++);
        if (c == '}') {
          return build ? Collections.unmodifiableMap(members) : null;
        }
        if (c != ',') {
          throw new IllegalArgumentException("expected , or }");
        }
      }
    }

    private Object array(int depth) {
      i++;
      ws();
      boolean build = wanted == null;
      if (s.charAt(i) == ']') {
        i++;
        return build ? Collections.emptyList() : null;
      }
      List<Object> items = build ? new ArrayList<>() : null;
      while (true) {
        ws();
        Object v = value(depth + 1);
        if (build) {
          items.add(v);
        }
        ws();
        char c = s.charAt(i++);
        if (c == ']') {
          return build ? Collections.unmodifiableList(items) : null;
        }
        if (c != ',') {
          throw new IllegalArgumentException("expected , or ]");
        }
      }
    }

    /** A string; built only when {@code keep} (member names, values in build mode), else only checked. */
    private String string(boolean keep) {
      expect('"');
      int start = i;
      // the common case: no escape, so the value is one substring
      while (true) {
        char c = s.charAt(i);
        if (c == '"') {
          i++;
          return keep ? s.substring(start, i - 1) : null;
        }
        if (c < 0x20) {
          throw new IllegalArgumentException("control character in string");
        }
        if (c == '\\') {
          break;
        }
        i++;
      }
      StringBuilder b = keep ? new StringBuilder(i - start + 16).append(s, start, i) : null;
      while (true) {
        char c = s.charAt(i++);
        if (c == '"') {
          return keep ? b.toString() : null;
        }
        if (c < 0x20) {
          throw new IllegalArgumentException("control character in string");
        }
        if (c == '\\') {
          char e = s.charAt(i++);
          char decoded = switch (e) {
            case '"', '\\', '/' -> e;
            case 'b' -> '\b';
            case 'f' -> '\f';
            case 'n' -> '\n';
            case 'r' -> '\r';
            case 't' -> '\t';
            case 'u' -> unicodeEscape();
            default -> throw new IllegalArgumentException("bad escape");
          };
          if (keep) {
            b.append(decoded);
          }
        } else if (keep) {
          b.append(c);
        }
      }
    }

    /**
     * A member name: one of {@link #NAMES} (the names every token's header and payload use) without a new string when
     * it is spelled without escapes, else as {@link #string} reads it.
     */
    private String name() {
      int q = i + 1;
      int close = s.charAt(i) == '"' ? s.indexOf('"', q) : -1;
      if (close > q && close - q <= LONGEST_NAME) { // a known name holds no escape, so close is its closing quote
        String[] same = NAMES_BY_LENGTH[close - q];
        if (same != null) {
          for (String known : same) {
            if (s.startsWith(known, q)) {
              i = close + 1;
              return known;
            }
          }
        }
      }
      return string(true);
    }

    /** Reads a member name and says whether it is {@code name} once unescaped; builds nothing. */
    private boolean nameIs(String name) {
      expect('"');
      int k = 0;
      boolean same = true;
      while (true) {
        char c = s.charAt(i++);
        if (c == '"') {
          return same && k == name.length();
        }
        if (c < 0x20) {
          throw new IllegalArgumentException("control character in string");
        }
        if (c == '\\') {
          char e = s.charAt(i++);
          c = switch (e) {
            case '"', '\\', '/' -> e;
            case 'b' -> '\b';
            case 'f' -> '\f';
            case 'n' -> '\n';
            case 'r' -> '\r';
            case 't' -> '\t';
            case 'u' -> unicodeEscape();
            default -> throw new IllegalArgumentException("bad escape");
          };
        }
        if (same && k < name.length() && name.charAt(k) == c) {
          k++;
        } else {
          same = false;
        }
      }
    }

    private char unicodeEscape() {
      int v = 0;
      for (int k = 0; k < 4; k++) {
        int d = dev.zt.core.internal.Encodings.hexValue(s.charAt(i++));
        if (d < 0) {
          throw new IllegalArgumentException("bad \\u escape");
        }
        v = v << 4 | d;
      }
      return (char) v;
    }

    /** RFC 8259 §6: {@code -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?}. */
    private Object number() {
      int start = i;
      int n = s.length();
      if (s.charAt(i) == '-') {
        i++;
      }
      char first = s.charAt(i);
      if (first == '0') {
        i++;
      } else if (first >= '1' && first <= '9') {
        i = digits(i);
      } else {
        throw new IllegalArgumentException("value expected");
      }
      boolean integer = true;
      if (i < n && s.charAt(i) == '.') {
        integer = false;
        i = requireDigits(i + 1);
      }
      if (i < n && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
        integer = false;
        i++;
        if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
          i++;
        }
        i = requireDigits(i);
      }
      if (wanted != null) {
        return null;
      }
      if (integer && i - start <= 18) { // at most 18 digits (and a sign): always a long, read without a substring
        boolean negative = s.charAt(start) == '-';
        long v = 0;
        for (int k = negative ? start + 1 : start; k < i; k++) {
          v = v * 10 + (s.charAt(k) - '0');
        }
        return negative ? -v : v;
      }
      String t = s.substring(start, i);
      if (integer) {
        try {
          return Long.parseLong(t);
        } catch (NumberFormatException e) {
          // beyond long: a double, as Nimbus reads it
        }
      }
      double d = Double.parseDouble(t);
      if (!Double.isFinite(d)) {
        throw new IllegalArgumentException("not a finite number");
      }
      return d;
    }

    private int digits(int from) {
      int k = from;
      while (k < s.length() && s.charAt(k) >= '0' && s.charAt(k) <= '9') {
        k++;
      }
      return k;
    }

    private int requireDigits(int from) {
      int k = digits(from);
      if (k == from) {
        throw new IllegalArgumentException("digit expected");
      }
      return k;
    }

    private void literal(String word) {
      if (!s.startsWith(word, i)) {
        throw new IllegalArgumentException("bad literal");
      }
      i += word.length();
    }

    private void expect(char c) {
      if (s.charAt(i) != c) {
        throw new IllegalArgumentException("expected " + c);
      }
      i++;
    }

    private void ws() {
      while (i < s.length()) {
        char c = s.charAt(i);
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
          return;
        }
        i++;
      }
    }
  }
}
