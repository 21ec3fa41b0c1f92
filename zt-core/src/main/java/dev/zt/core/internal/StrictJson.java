package dev.zt.core.internal;

import java.util.HashSet;
import java.util.Set;

/**
 * A validating pass over JSON text that refuses what Nimbus' parser lets through below the top level: duplicate
 * member names in nested objects (compared after unescaping, so {@code "a"} and {@code "\u0061"} clash), and nesting
 * deeper than {@link #MAX_DEPTH}. Run before parsing untrusted bundles and tokens.
 */
public final class StrictJson {

  /** The deepest nesting accepted. */
  public static final int MAX_DEPTH = 32;

  private final String s;
  private int i;

  private StrictJson(String s) {
    this.s = s;
  }

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

  /** Whether {@code text} is one JSON value with no duplicate member names at any depth. */
  public static boolean valid(String text) {
    StrictJson p = new StrictJson(text);
    try {
      p.ws();
      p.value(0);
      p.ws();
      return p.i == text.length();
    } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
      return false;
    }
  }

  private void value(int depth) {
    if (depth > MAX_DEPTH) {
      throw new IllegalArgumentException("too deep");
    }
    char c = s.charAt(i);
    if (c == '{') {
      i++;
      Set<String> names = new HashSet<>();
      ws();
      if (s.charAt(i) == '}') {
        i++;
        return;
      }
      while (true) {
        ws();
        if (!names.add(string(true))) {
          throw new IllegalArgumentException("duplicate member");
        }
        ws();
        expect(':');
        ws();
        value(depth + 1);
        ws();
        if (s.charAt(i) == ',') {
          i++;
          continue;
        }
        expect('}');
        return;
      }
    }
    if (c == '[') {
      i++;
      ws();
      if (s.charAt(i) == ']') {
        i++;
        return;
      }
      while (true) {
        ws();
        value(depth + 1);
        ws();
        if (s.charAt(i) == ',') {
          i++;
          continue;
        }
        expect(']');
        return;
      }
    }
    if (c == '"') {
      string(false);
      return;
    }
    // number or literal: the real parser checks its form; here it only has to end
    int start = i;
    while (i < s.length() && "{}[],: \t\r\n\"".indexOf(s.charAt(i)) < 0) {
      i++;
    }
    if (i == start) {
      throw new IllegalArgumentException("value expected");
    }
  }

  /** Reads a string; only member names ({@code keep}) are built, values are just scanned. */
  private String string(boolean keep) {
    expect('"');
    StringBuilder b = keep ? new StringBuilder() : null;
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
          case 'u' -> {
            char u = (char) Integer.parseInt(s.substring(i, i + 4), 16);
            i += 4;
            yield u;
          }
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

  private void expect(char c) {
    if (s.charAt(i) != c) {
      throw new IllegalArgumentException("expected " + c);
    }
    i++;
  }

  private void ws() {
    while (i < s.length() && " \t\r\n".indexOf(s.charAt(i)) >= 0) {
      i++;
    }
  }
}
