package dev.zt.core.credential;

import dev.zt.core.internal.StrictJson;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON parts of a compact JWS (RFC 7515 §7.1) read in one pass each: base64url decoded with its canonical
 * spelling checked on the way (RFC 7515 §2: no padding, the unused low bits zero), strict UTF-8, then a strict
 * RFC 8259 parser that refuses duplicate member names at every depth (compared after unescaping), nesting deeper than
 * {@link StrictJson#MAX_DEPTH}, leading zeros, non-finite numbers and anything outside the grammar (no comments,
 * unquoted or single-quoted strings, {@code NaN}). Values are what Nimbus' parser gives ({@code String},
 * {@code Long}, or {@code Double} for a fraction, an exponent or a number beyond {@code long}, {@code Boolean},
 * {@code null}, {@code List}, {@code Map}), read-only at every depth, so a verified token's claims need no copy.
 *
 * <p>{@link #member} reads one top-level string member of an object that follows the grammar and builds nothing else
 * (no other value, no member name): what choosing an issuer's keys needs of a payload whose signature has not been
 * checked yet, in one pass that allocates nothing per member whatever the payload holds. It refuses the wanted member
 * twice; other duplicates are left to {@link #object}, which reads the payload once the signature verified.
 */
final class TokenJson {

  private static final byte[] BASE64URL = new byte[128];

  static {
    Arrays.fill(BASE64URL, (byte) -1);
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    for (int i = 0; i < alphabet.length(); i++) {
      BASE64URL[alphabet.charAt(i)] = (byte) i;
    }
  }

  private TokenJson() {}

  /** A JWS part as a JSON object, or {@code null} when it is not canonical base64url of one strict JSON object. */
  static Map<String, Object> object(String s, int from, int to) {
    String text = text(decode(s, from, to));
    return text == null ? null : object(text);
  }

  /**
   * The top-level string member {@code name} of a JWS part, or {@code null} when the part is not canonical base64url
   * of one JSON object (grammar checked, other duplicates not) or has no such string member, or has it twice. Nothing
   * but that value is built.
   */
  static String member(String s, int from, int to, String name) {
    String text = text(decode(s, from, to));
    return text == null ? null : member(text, name);
  }

  /** The top-level string member {@code name} of {@code text}, a strict JSON object; else {@code null}. */
  static String member(String text, String name) {
    Parser p = new Parser(text, name);
    try {
      p.document();
      return p.found;
    } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
      return null;
    }
  }

  /** {@code text} as a strict JSON object, or {@code null}. */
  static Map<String, Object> object(String text) {
    Parser p = new Parser(text, null);
    try {
      return p.document();
    } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
      return null;
    }
  }

  /**
   * Decodes {@code s[from, to)} as canonical base64url (non-empty, no padding, unused low bits zero: no two spellings
   * of the same bytes); {@code null} when it is not.
   */
  static byte[] decode(String s, int from, int to) {
    int n = to - from;
    if (n <= 0 || n % 4 == 1) {
      return null;
    }
    byte[] out = new byte[n / 4 * 3 + (n % 4 == 0 ? 0 : n % 4 - 1)];
    int o = 0;
    int i = from;
    for (int full = from + (n & ~3); i < full; i += 4) {
      int a = value(s.charAt(i));
      int b = value(s.charAt(i + 1));
      int c = value(s.charAt(i + 2));
      int d = value(s.charAt(i + 3));
      if ((a | b | c | d) < 0) {
        return null;
      }
      int bits = a << 18 | b << 12 | c << 6 | d;
      out[o++] = (byte) (bits >> 16);
      out[o++] = (byte) (bits >> 8);
      out[o++] = (byte) bits;
    }
    int rest = to - i;
    if (rest >= 2) {
      int a = value(s.charAt(i));
      int b = value(s.charAt(i + 1));
      int c = rest == 3 ? value(s.charAt(i + 2)) : 0;
      if ((a | b | c) < 0 || (rest == 2 ? (b & 0x0F) != 0 : (c & 0x03) != 0)) {
        return null;
      }
      out[o++] = (byte) (a << 2 | b >> 4);
      if (rest == 3) {
        out[o] = (byte) (b << 4 | c >> 2);
      }
    }
    return out;
  }

  private static int value(char c) {
    return c < 128 ? BASE64URL[c] : -1;
  }

  /** Strict UTF-8 (no malformed or overlong sequences, no encoded surrogates) as text; {@code null} when not. */
  static String text(byte[] utf8) {
    if (utf8 == null) {
      return null;
    }
    boolean ascii = true;
    for (byte b : utf8) {
      if (b < 0) {
        ascii = false;
        break;
      }
    }
    if (ascii) {
      return new String(utf8, StandardCharsets.ISO_8859_1); // the common case: one copy, no decoder
    }
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(utf8))
          .toString();
    } catch (CharacterCodingException e) {
      return null;
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
      if (depth > StrictJson.MAX_DEPTH) {
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
          String name = string(true);
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
