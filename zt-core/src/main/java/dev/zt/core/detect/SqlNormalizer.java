package dev.zt.core.detect;

import static dev.zt.core.internal.Encodings.hexValue;

import java.text.Normalizer;

/**
 * Turns a raw value into the text a database would see: percent-decoded once, Unicode NFKC, look-alike quotes as
 * ASCII quotes, control and format characters as spaces. Linear in the value's length; no regular expressions.
 */
final class SqlNormalizer {

  /** Only this many characters of a raw value are inspected, and at most this many after normalization. */
  static final int MAX_INSPECTED = 4096;

  /**
   * The normalized text and what normalization saw on the way.
   *
   * @param text the normalized characters (never shared: each call gets its own array)
   * @param truncated whether the raw value, or its normalized form, was longer than {@link #MAX_INSPECTED}
   * @param nul whether the value held a NUL character
   */
  record Normalized(char[] text, boolean truncated, boolean nul) {}

  private SqlNormalizer() {}

  /**
   * @param raw the value as received
   * @param form whether {@code +} means a space (query strings and form bodies)
   */
  static Normalized normalize(String raw, boolean form) {
    boolean truncated = raw.length() > MAX_INSPECTED;
    String s = raw;
    if (truncated) {
      int cut = MAX_INSPECTED;
      if (Character.isHighSurrogate(raw.charAt(cut - 1))) {
        cut--;
      }
      s = raw.substring(0, cut);
    }
    s = percentDecode(s, form);
    if (!isAscii(s)) {
      // Quotes first: NFKC would turn the acute accent into a space and a combining mark.
      s = Normalizer.normalize(foldQuotes(s), Normalizer.Form.NFKC);
      if (s.length() > MAX_INSPECTED) {
        s = s.substring(0, MAX_INSPECTED); // a compatibility character can expand eighteen-fold
        truncated = true;
      }
    }
    char[] text = new char[s.length()];
    boolean nul = false;
    for (int i = 0; i < text.length; i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        if (c == 0) {
          nul = true;
          c = ' ';
        } else if ((c < 0x20 && c != '\n' && c != '\r' && c != '\t') || c == 0x7f) {
          c = ' '; // line breaks stay: they end -- and # comments
        }
      } else {
        c = mapNonAscii(c);
      }
      text[i] = c;
    }
    return new Normalized(text, truncated, nul);
  }

  /** Quotes that some drivers and collations fold to ASCII (SQL Server "best fit", latin1 conversions). */
  private static String foldQuotes(String s) {
    char[] chars = null;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      char ascii;
      switch (c) {
        case '\u2018': case '\u2019': case '\u201A': case '\u201B': case '\u2032': case '\u02BC': case '\u00B4':
          ascii = '\'';
          break;
        case '\u201C': case '\u201D': case '\u201E': case '\u201F': case '\u2033':
          ascii = '"';
          break;
        default:
          continue;
      }
      if (chars == null) {
        chars = s.toCharArray();
      }
      chars[i] = ascii;
    }
    return chars == null ? s : new String(chars);
  }

  private static char mapNonAscii(char c) {
    if (c <= 0x9f) {
      return ' '; // C1 controls
    }
    int type = Character.getType(c);
    if (type == Character.FORMAT || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR
        || type == Character.SPACE_SEPARATOR) {
      return ' '; // zero-width characters, BOM, bidi controls, separators NFKC left alone
    }
    return c;
  }

  private static boolean isAscii(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) >= 0x80) {
        return false;
      }
    }
    return true;
  }

  /**
   * Decodes {@code %XX} runs as UTF-8, a byte that starts no valid sequence as Latin-1 (as servers that fall back
   * to ISO-8859-1 read it: {@code %A0} is a no-break space), and IIS-style {@code %uXXXX}; once.
   * An escape that is not one of those stays as it is.
   */
  static String percentDecode(String s, boolean form) {
    int first = -1;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '%' || (form && c == '+')) {
        first = i;
        break;
      }
    }
    if (first < 0) {
      return s;
    }
    StringBuilder out = new StringBuilder(s.length());
    out.append(s, 0, first);
    byte[] bytes = null;
    int i = first;
    int n = s.length();
    while (i < n) {
      char c = s.charAt(i);
      if (c == '%' && i + 2 < n && hexValue(s.charAt(i + 1)) >= 0 && hexValue(s.charAt(i + 2)) >= 0) {
        if (bytes == null) {
          bytes = new byte[n / 3 + 1];
        }
        int count = 0;
        while (i + 2 < n && s.charAt(i) == '%' && hexValue(s.charAt(i + 1)) >= 0 && hexValue(s.charAt(i + 2)) >= 0) {
          bytes[count++] = (byte) (hexValue(s.charAt(i + 1)) << 4 | hexValue(s.charAt(i + 2)));
          i += 3;
        }
        decodeUtf8OrLatin1(bytes, count, out);
      } else if (c == '%' && i + 5 < n && (s.charAt(i + 1) == 'u' || s.charAt(i + 1) == 'U')
          && hexValue(s.charAt(i + 2)) >= 0 && hexValue(s.charAt(i + 3)) >= 0 && hexValue(s.charAt(i + 4)) >= 0
          && hexValue(s.charAt(i + 5)) >= 0) {
        out.append((char) (hexValue(s.charAt(i + 2)) << 12 | hexValue(s.charAt(i + 3)) << 8
            | hexValue(s.charAt(i + 4)) << 4 | hexValue(s.charAt(i + 5))));
        i += 6;
      } else {
        out.append(form && c == '+' ? ' ' : c);
        i++;
      }
    }
    return out.toString();
  }

  private static void decodeUtf8OrLatin1(byte[] b, int count, StringBuilder out) {
    int i = 0;
    while (i < count) {
      int b0 = b[i] & 0xff;
      int length = b0 < 0x80 ? 1 : b0 >= 0xc2 && b0 <= 0xdf ? 2 : b0 >= 0xe0 && b0 <= 0xef ? 3
          : b0 >= 0xf0 && b0 <= 0xf4 ? 4 : 0;
      int cp = length == 1 ? b0 : length == 2 ? b0 & 0x1f : length == 3 ? b0 & 0x0f : b0 & 0x07;
      boolean valid = length > 0 && i + length <= count;
      for (int k = 1; valid && k < length; k++) {
        int bk = b[i + k] & 0xff;
        valid = (bk & 0xc0) == 0x80;
        cp = cp << 6 | (bk & 0x3f);
      }
      // Overlong forms, surrogates and code points past U+10FFFF are not UTF-8 either.
      valid = valid && !(length == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff)))
          && !(length == 4 && (cp < 0x10000 || cp > 0x10ffff));
      if (valid) {
        out.appendCodePoint(cp);
        i += length;
      } else {
        out.append((char) b0);
        i++;
      }
    }
  }
}
