package dev.zt.core.credential;

import dev.zt.core.internal.StrictJson;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;

/**
 * The JSON parts of a compact JWS (RFC 7515 §7.1) read in one pass each: base64url decoded with its canonical
 * spelling checked on the way (RFC 7515 §2: no padding, the unused low bits zero), strict UTF-8, then a strict
 * RFC 8259 parser ({@link StrictJson}, zt's one JSON reader of untrusted text) that refuses duplicate member names at every depth (compared after unescaping), nesting deeper than
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
    return StrictJson.topLevelString(text, name);
  }

  /** {@code text} as a strict JSON object, or {@code null}. */
  static Map<String, Object> object(String text) {
    return StrictJson.readObject(text);
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
}
