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
   * @param escapes whether the text holds a {@code %}, a {@code \\} or a {@code &}, where a decoded reading could
   *     start (a value without one needs none of those passes)
   * @param comments whether the text holds a block comment's opening, which may split a keyword into pieces
   */
  record Normalized(char[] text, boolean truncated, boolean nul, boolean escapes, boolean comments) {}

  /**
   * What a NUL, a vertical tab, a form feed or an information separator ({@code %0B}, {@code %1E}: blanks to some
   * parsers and not to others) or an invisible format character (a zero-width space, a soft hyphen) becomes in the
   * normalized text: a control character, so every blank test ({@code c <= ' '}) reads it as a blank, and one the
   * lexer can tell from a space, so it knows where one stood and joins a keyword it split ({@code SEL%00ECT},
   * {@code uni%0Bon}, {@code un\u200Bion}).
   */
  static final char SPLIT_MARK = '\u0001';

  private SqlNormalizer() {}

  /**
   * Steps counted by one inspection: characters scanned here, plus the lexer's character steps and the judge's token
   * visits ({@link SqlTokens#work}). Deterministic, unlike time; only the linearity test reads it.
   */
  static class Work {
    long steps;
  }

  /** Hex digits a literal needs before it is decoded: 8 bytes, longer than any number a form carries. */
  static final int HEX_LITERAL_MIN_DIGITS = 16;

  /**
   * The index of the next {@code 0x} literal at or after {@code from} with at least {@value #HEX_LITERAL_MIN_DIGITS}
   * hex digits and not inside a word, or -1.
   */
  static int hexLiteral(char[] text, int from, Work work) {
    for (int i = Math.max(0, from); i + 2 < text.length; i++) {
      work.steps++;
      if (text[i] == '0' && (text[i + 1] == 'x' || text[i + 1] == 'X')
          && (i == 0 || !Character.isLetterOrDigit(text[i - 1]))) {
        int j = i + 2;
        while (j < text.length && Character.digit(text[j], 16) >= 0 && text[j] < 0x80) {
          work.steps++;
          j++;
        }
        if (j - i - 2 >= HEX_LITERAL_MIN_DIGITS) {
          return i;
        }
        i = j - 1;
      }
    }
    return -1;
  }

  /**
   * What the hex literal at {@code at} spells, as bytes of ASCII or of UTF-16LE ({@code 730065006c00…}, as
   * {@code NVARCHAR} stores it), or {@code null} when it does not spell printable ASCII text. Never longer than the
   * literal.
   */
  static char[] decodeHexLiteral(char[] text, int at, Work work) {
    int j = at + 2;
    while (j < text.length && Character.digit(text[j], 16) >= 0 && text[j] < 0x80) {
      work.steps++;
      j++;
    }
    int bytes = (j - at - 2) / 2;
    boolean utf16 = bytes >= 4;
    for (int b = 1; b < bytes && utf16; b += 2) {
      work.steps++;
      utf16 = hexByte(text, at + 2 + 2 * b) == 0;
    }
    char[] out = new char[utf16 ? (bytes + 1) / 2 : bytes];
    for (int b = 0, o = 0; b < bytes; b += utf16 ? 2 : 1) {
      work.steps++;
      int c = hexByte(text, at + 2 + 2 * b);
      if (c == 0 && b + 2 >= bytes) {
        return java.util.Arrays.copyOf(out, o); // a trailing NUL ends the string
      }
      if (c < 0x20 || c >= 0x7f) {
        return null;
      }
      out[o++] = (char) c;
    }
    return out;
  }

  private static int hexByte(char[] text, int i) {
    return Character.digit(text[i], 16) * 16 + Character.digit(text[i + 1], 16);
  }

  /**
   * The text with C-style hex escapes ({@code \x27}, as PHP, JavaScript and shells write a quote) and
   * {@code \u0027} escapes (JavaScript, JSON, Java) decoded, as some layers between the request and the query decode
   * them; {@code null} when the text holds none. Printable ASCII only: an escape of anything else stays as it is.
   * Same length or shorter, so the limits hold.
   */
  static char[] decodeHexEscapes(char[] text, Work work) {
    Rewrite out = new Rewrite(text);
    for (int i = 0; i < text.length; i++) {
      work.steps++;
      char c = text[i];
      if (c == '\\' && i + 3 < text.length && (text[i + 1] == 'x' || text[i + 1] == 'X'
          || (i + 5 < text.length && (text[i + 1] == 'u' || text[i + 1] == 'U')))) {
        boolean u = text[i + 1] == 'u' || text[i + 1] == 'U'; // \u0027, as JavaScript, JSON and Java write it
        int digits = u ? 4 : 2;
        int decoded = 0;
        for (int k = 0; k < digits && decoded >= 0; k++) {
          int d = Character.digit(text[i + 2 + k], 16);
          decoded = d < 0 ? -1 : decoded * 16 + d;
        }
        if (decoded >= 0x20 && decoded < 0x7f) {
          out.change(i, (char) decoded);
          i += 1 + digits;
          continue;
        }
      }
      out.keep(c);
    }
    return out.result();
  }

  /**
   * The text with HTML numeric character references ({@code &#x27;}, {@code &#39;}) and the named ones a payload's
   * syntax is written with ({@code &apos;}, {@code &nbsp;}, {@code &lpar;}, …) decoded, as an application that
   * unescapes HTML in its input would; {@code null} when the text holds none. Printable ASCII (and the no-break
   * space, as a space) only, and only with the closing {@code ;}. Shorter, so the limits hold.
   */
  static char[] decodeHtmlEntities(char[] text, Work work) {
    Rewrite out = new Rewrite(text);
    for (int i = 0; i < text.length; i++) {
      work.steps++;
      char c = text[i];
      int named = c == '&' ? namedReference(text, i + 1) : -1;
      if (named >= 0) {
        out.change(i, NAMED_VALUES[named]);
        i += NAMED_REFERENCES[named].length();
        continue;
      }
      if (c == '&' && i + 3 < text.length && text[i + 1] == '#') {
        boolean hex = text[i + 2] == 'x' || text[i + 2] == 'X';
        int k = i + (hex ? 3 : 2);
        int value = 0;
        int digits = 0;
        while (k < text.length && digits < 6 && Character.digit(text[k], hex ? 16 : 10) >= 0) {
          work.steps++;
          value = value * (hex ? 16 : 10) + Character.digit(text[k], hex ? 16 : 10);
          k++;
          digits++;
        }
        if (digits > 0 && k < text.length && text[k] == ';' && value >= 0x20 && value < 0x7f) {
          out.change(i, (char) value);
          i = k;
          continue;
        }
      }
      out.keep(c);
    }
    return out.result();
  }

  /**
   * A decoded reading's output, which is the input until the first change: allocated then, with the characters
   * before it; each decoding replaces one escape by one character, so the output is never longer than the input.
   */
  private static final class Rewrite {
    private final char[] text;
    private char[] out;
    private int o;

    Rewrite(char[] text) {
      this.text = text;
    }

    /** The character that replaces the escape starting at {@code i}. */
    void change(int i, char c) {
      if (out == null) {
        out = new char[text.length];
        System.arraycopy(text, 0, out, 0, i);
        o = i;
      }
      out[o++] = c;
    }

    /** Drops the characters of the escape starting at {@code i}: nothing replaces them. */
    void drop(int i) {
      if (out == null) {
        out = new char[text.length];
        System.arraycopy(text, 0, out, 0, i);
        o = i;
      }
    }

    /** The length of the rewritten text so far, when the next character read is {@code i}. */
    int length(int i) {
      return out == null ? i : o;
    }

    /** Whether the rewritten text from {@code from} to its end spells an SQL word. */
    boolean spellsSql(int from) {
      return out != null && SqlWord.lookup(out, from, o) != null;
    }

    /** A character kept as it is. */
    void keep(char c) {
      if (out != null) {
        out[o++] = c;
      }
    }

    /** The rewritten text, or {@code null} when nothing changed. */
    char[] result() {
      return out == null ? null : java.util.Arrays.copyOf(out, o);
    }
  }

  // The text with every percent sign that starts no escape and stands inside a word removed (a%nd, se%lect,
  // %u%n%i%o%n): classic ASP and IIS drop such a sign before the application reads the value, so a keyword written
  // with them reaches the database whole (sqlmap's tamper percentage.py). Only a sign between an ASCII letter or
  // digit and an ASCII letter, or one of a run with a sign before every character (%1%=%1), never %%: '%=', <% and
  // %> in code and templates and a printf's %% stay. null when there is none, or when no word it joins spells SQL
  // (or%C: a value cut in an escape). Shorter, so the limits hold.
  static char[] removeStrayPercents(char[] text, Work work) {
    int first = 0;
    while (first < text.length && text[first] != '%') {
      work.steps++;
      first++;
    }
    if (first == text.length) {
      return null; // &amp;, \n: an escape of another kind, nothing to remove
    }
    Rewrite out = new Rewrite(text);
    boolean sql = false; // whether a word the removal joined spells SQL: otherwise the reading is not worth a pass
    boolean joined = false;
    int word = -1; // where the current word starts in the rewritten text
    for (int i = 0; i < text.length; i++) {
      work.steps++;
      char c = text[i];
      if (c == '%' && i + 1 < text.length && text[i + 1] != '%'
          && ((isAsciiLetter(text[i + 1]) && i > 0 && text[i - 1] < 0x80 && SqlLexer.isWordPart(text[i - 1]))
          || (i + 2 < text.length && text[i + 2] == '%') || (i >= 2 && text[i - 2] == '%' && text[i - 1] != '%'))
          && !(i + 2 < text.length && hexValue(text[i + 1]) >= 0 && hexValue(text[i + 2]) >= 0)) {
        out.drop(i);
        joined = true;
        continue;
      }
      if (c < 0x80 && SqlLexer.isWordPart(c)) {
        word = word < 0 ? out.length(i) : word;
      } else {
        sql |= joined && word >= 0 && out.spellsSql(word);
        joined = false;
        word = -1;
      }
      out.keep(c);
    }
    sql |= joined && word >= 0 && out.spellsSql(word);
    return sql ? out.result() : null;
  }

  private static boolean isAsciiLetter(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }

  // The text with every empty block comment that stands between two word characters removed: S/**/E/**/L/**/E/**/C/**/T
  // and I/**/N/**/SERT read as SELECT and INSERT, as a filter or an old server that drops comments outright reads them
  // (the lexer joins one such split on its own, UN/**/ION; a keyword cut into more pieces needs this reading). null
  // when there is none. Shorter, so the limits hold.
  static char[] removeSplittingComments(char[] text, Work work) {
    Rewrite out = new Rewrite(text);
    for (int i = 0; i < text.length; i++) {
      work.steps++;
      char c = text[i];
      if (c == '/' && i > 0 && i + 4 < text.length && text[i + 1] == '*' && text[i + 2] == '*' && text[i + 3] == '/'
          && SqlLexer.isWordPart(text[i - 1]) && SqlLexer.isWordPart(text[i + 4])) {
        out.drop(i);
        i += 3;
        continue;
      }
      out.keep(c);
    }
    return out.result();
  }

  /**
   * {@code raw} with every overlong two-byte UTF-8 escape of an ASCII character ({@code %C0%A7} for {@code '}, as
   * decoders that do not check for overlong forms read it) written as that character's own escape ({@code %27});
   * {@code null} when it holds none. Shorter, so the limits hold.
   */
  static String decodeOverlongEscapes(String raw, Work work) {
    StringBuilder out = null;
    int n = Math.min(raw.length(), MAX_INSPECTED);
    for (int i = 0; i < n; i++) {
      work.steps++;
      char c = raw.charAt(i);
      if (c == '%' && i + 5 < n && raw.charAt(i + 3) == '%' && (raw.charAt(i + 1) == 'c' || raw.charAt(i + 1) == 'C')
          && (raw.charAt(i + 2) == '0' || raw.charAt(i + 2) == '1')) {
        int hi = hexValue(raw.charAt(i + 4));
        int lo = hexValue(raw.charAt(i + 5));
        if (hi >= 8 && hi <= 0xb && lo >= 0) {
          int ascii = (raw.charAt(i + 2) - '0') << 6 | (hi - 8) << 4 | lo;
          if (out == null) {
            out = new StringBuilder(n);
            out.append(raw, 0, i);
          }
          out.append('%').append(Character.forDigit(ascii >> 4, 16)).append(Character.forDigit(ascii & 0xf, 16));
          i += 5;
          continue;
        }
      }
      if (out != null) {
        out.append(c);
      }
    }
    return out == null ? null : out.toString();
  }

  /** The named references a payload's syntax is written with, each with its {@code ;}, and what they stand for. */
  private static final String[] NAMED_REFERENCES = {"apos;", "quot;", "nbsp;", "amp;", "lt;", "gt;", "lpar;",
      "rpar;", "equals;", "comma;", "sol;", "ast;", "num;", "hyphen;", "dash;", "semi;", "percnt;"};
  private static final char[] NAMED_VALUES = {'\'', '"', ' ', '&', '<', '>', '(', ')', '=', ',', '/', '*', '#', '-',
      '-', ';', '%'};

  /** Which of {@link #NAMED_REFERENCES} (case as written) starts at {@code from}, or -1. */
  private static int namedReference(char[] text, int from) {
    for (int r = 0; r < NAMED_REFERENCES.length; r++) {
      String name = NAMED_REFERENCES[r];
      if (from + name.length() <= text.length) {
        boolean same = true;
        for (int k = 0; k < name.length() && same; k++) {
          same = text[from + k] == name.charAt(k);
        }
        if (same) {
          return r;
        }
      }
    }
    return -1;
  }

  /**
   * @param raw the value as received
   * @param form whether {@code +} means a space (query strings and form bodies)
   */
  static Normalized normalize(String raw, boolean form) {
    return normalize(raw, form, new Work());
  }

  /** As {@link #normalize(String, boolean)}, counting each character step into {@code work}. */
  static Normalized normalize(String raw, boolean form, Work work) {
    boolean truncated = raw.length() > MAX_INSPECTED;
    String s = raw;
    if (truncated) {
      int cut = MAX_INSPECTED;
      if (Character.isHighSurrogate(raw.charAt(cut - 1))) {
        cut--;
      }
      s = raw.substring(0, cut);
    }
    work.steps += s.length(); // percentDecode: one pass, each step consumes one to six characters
    s = percentDecode(s, form);
    if (!isAscii(s)) {
      // Quotes first: NFKC would turn the acute accent into a space and a combining mark.
      work.steps += 2L * s.length(); // foldQuotes and NFKC: one pass each (the JDK's NFKC is linear)
      s = Normalizer.normalize(foldQuotes(s), Normalizer.Form.NFKC);
      if (s.length() > MAX_INSPECTED) {
        s = s.substring(0, MAX_INSPECTED); // a compatibility character can expand eighteen-fold
        truncated = true;
      }
    }
    char[] text = new char[s.length()];
    boolean nul = false;
    boolean escapes = false;
    boolean comments = false;
    work.steps += text.length;
    for (int i = 0; i < text.length; i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        escapes |= c == '%' || c == '\\' || c == '&';
        comments |= c == '*' && i > 0 && s.charAt(i - 1) == '/';
        if (c == 0) {
          nul = true;
          c = SPLIT_MARK; // a blank, but one the lexer can tell from a space (a keyword split by a NUL is joined)
        } else if (c == 0x0b || c == 0x0c || (c >= 0x1c && c < 0x20)) {
          c = SPLIT_MARK; // uni%0bon, sel%1Eect: the blanks only some parsers know, so what a filter strips
        } else if ((c < 0x20 && c != '\n' && c != '\r' && c != '\t') || c == 0x7f) {
          c = ' '; // line breaks stay: they end -- and # comments
        }
      } else {
        c = mapNonAscii(c);
      }
      text[i] = c;
    }
    return new Normalized(text, truncated, nul, escapes, comments);
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
    if (c == '\uFFFD') {
      // What a decoder before zt left of a byte that was no UTF-8 (a client or proxy decoded and re-encoded the
      // value): zt reads such a byte as Latin-1 (%A0, sqlmap's blank, is a no-break space), so read this as the
      // separator it most likely was, or as the control character it may have been (O%C0%82R): a blank that joins a
      // keyword it split, as a NUL does
      return SPLIT_MARK;
    }
    int type = Character.getType(c);
    if (type == Character.FORMAT) {
      return SPLIT_MARK; // zero-width characters, soft hyphens, BOM, bidi controls: invisible, so a word they split
      // is joined (un\u200Bion) where the whole is SQL, and a blank elsewhere
    }
    if (type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR || type == Character.SPACE_SEPARATOR) {
      return ' '; // separators NFKC left alone
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
   * Where {@code text} (a value decoded once) still holds a percent escape that a second decoding would decode,
   * {@code %XX} or {@code %uXXXX}: its index, or -1.
   */
  static int escapeAt(char[] text, Work work) {
    for (int i = 0; i + 2 < text.length; i++) {
      work.steps++;
      if (text[i] == '%' && ((hexValue(text[i + 1]) >= 0 && hexValue(text[i + 2]) >= 0)
          || (i + 5 < text.length && (text[i + 1] == 'u' || text[i + 1] == 'U') && hexValue(text[i + 2]) >= 0
          && hexValue(text[i + 3]) >= 0 && hexValue(text[i + 4]) >= 0 && hexValue(text[i + 5]) >= 0))) {
        return i;
      }
    }
    return -1;
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
