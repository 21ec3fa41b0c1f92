package dev.zt.spiffe;

import java.util.ArrayList;
import java.util.List;

/** The SPIFFE-ID §2 grammar, checked in one left-to-right pass that names the first rule broken. */
final class IdSyntax {

  static final String SCHEME = "spiffe://";
  static final int MAX_ID_BYTES = 2048;
  static final int MAX_TRUST_DOMAIN_BYTES = 255;

  private IdSyntax() {}

  static boolean trustDomainChar(char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_';
  }

  static boolean pathChar(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
        || c == '.' || c == '-' || c == '_';
  }

  /** Checks a complete SPIFFE ID; returns the index where the path starts ({@code s.length()} when none). */
  static int checkId(String s) {
    if (s.isEmpty()) {
      throw new InvalidSpiffeIdException(SpiffeIdRule.EMPTY, "empty input", s);
    }
    if (utf8Length(s) > MAX_ID_BYTES) {
      throw new InvalidSpiffeIdException(SpiffeIdRule.TOO_LONG, "longer than " + MAX_ID_BYTES + " bytes", s);
    }
    if (!s.startsWith(SCHEME)) {
      if (s.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
        throw new InvalidSpiffeIdException(SpiffeIdRule.NON_CANONICAL_CASE, "scheme is not lower case", s);
      }
      throw new InvalidSpiffeIdException(SpiffeIdRule.WRONG_SCHEME, "does not start with spiffe://", s);
    }
    int from = SCHEME.length();
    int slash = s.indexOf('/', from);
    int tdEnd = slash < 0 ? s.length() : slash;
    checkTrustDomain(s, from, tdEnd, s);
    if (tdEnd < s.length()) {
      checkPath(s, tdEnd);
    }
    return tdEnd;
  }

  /** Checks {@code s[from, to)} as a trust domain name; {@code input} is what error messages show. */
  static void checkTrustDomain(String s, int from, int to, String input) {
    if (from == to) {
      throw new InvalidSpiffeIdException(SpiffeIdRule.MISSING_TRUST_DOMAIN, "trust domain is empty", input);
    }
    int upper = -1;
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (!trustDomainChar(c)) {
        if (c >= 'A' && c <= 'Z') {
          upper = upper < 0 ? i : upper;
        } else {
          throw new InvalidSpiffeIdException(SpiffeIdRule.BAD_TRUST_DOMAIN_CHAR,
              "character " + describe(c) + " at index " + i + " is not allowed in a trust domain", input);
        }
      }
    }
    // upper case is reported only when nothing else is wrong, so that lower-casing is all a lenient parse needs
    if (upper >= 0) {
      throw new InvalidSpiffeIdException(SpiffeIdRule.NON_CANONICAL_CASE,
          "upper-case trust domain character at index " + upper, input);
    }
    if (to - from > MAX_TRUST_DOMAIN_BYTES) {
      throw new InvalidSpiffeIdException(SpiffeIdRule.TOO_LONG_TRUST_DOMAIN,
          "trust domain longer than " + MAX_TRUST_DOMAIN_BYTES + " bytes", input);
    }
  }

  /** Checks the path {@code s[from, end)}, which starts with {@code /}. */
  static void checkPath(String s, int from) {
    int n = s.length();
    int i = from;
    while (i < n) {
      int start = i + 1;
      int j = start;
      while (j < n && s.charAt(j) != '/') {
        char c = s.charAt(j);
        if (!pathChar(c)) {
          throw new InvalidSpiffeIdException(SpiffeIdRule.BAD_PATH_SEGMENT_CHAR,
              "character " + describe(c) + " at index " + j + " is not allowed in a path segment", s);
        }
        j++;
      }
      if (j == start) {
        if (j == n) {
          throw new InvalidSpiffeIdException(SpiffeIdRule.TRAILING_SLASH, "path ends with '/'", s);
        }
        throw new InvalidSpiffeIdException(SpiffeIdRule.EMPTY_SEGMENT, "empty path segment at index " + start, s);
      }
      int len = j - start;
      if ((len == 1 && s.charAt(start) == '.') || (len == 2 && s.charAt(start) == '.' && s.charAt(start + 1) == '.')) {
        throw new InvalidSpiffeIdException(SpiffeIdRule.DOT_SEGMENT, "'.' or '..' segment at index " + start, s);
      }
      i = j;
    }
  }

  /** Lenient normalization of an ID string before the strict check; appends what it changed to {@code done}. */
  static String normalizeId(String s, List<Normalization> done) {
    String t = trimAscii(s);
    if (!t.equals(s)) {
      done.add(Normalization.TRIMMED_WHITESPACE);
    }
    if (!t.startsWith(SCHEME) && t.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
      t = SCHEME + t.substring(SCHEME.length());
      done.add(Normalization.LOWERCASED_SCHEME);
    }
    if (t.startsWith(SCHEME)) {
      int from = SCHEME.length();
      int slash = t.indexOf('/', from);
      int tdEnd = slash < 0 ? t.length() : slash;
      String td = t.substring(from, tdEnd);
      String lowered = lowerAscii(td);
      if (!lowered.equals(td)) {
        t = SCHEME + lowered + t.substring(tdEnd);
        done.add(Normalization.LOWERCASED_TRUST_DOMAIN);
      }
      if (t.length() > tdEnd && t.endsWith("/")) {
        t = t.substring(0, t.length() - 1);
        done.add(Normalization.DROPPED_TRAILING_SLASH);
      }
    }
    return t;
  }

  static String trimAscii(String s) {
    int a = 0;
    int b = s.length();
    while (a < b && asciiSpace(s.charAt(a))) {
      a++;
    }
    while (b > a && asciiSpace(s.charAt(b - 1))) {
      b--;
    }
    return s.substring(a, b);
  }

  private static boolean asciiSpace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
  }

  /** Lower-cases A–Z only (never a locale-dependent or non-ASCII mapping such as 'K' (Kelvin) → 'k'). */
  static String lowerAscii(String s) {
    char[] out = null;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c >= 'A' && c <= 'Z') {
        if (out == null) {
          out = s.toCharArray();
        }
        out[i] = (char) (c + ('a' - 'A'));
      }
    }
    return out == null ? s : new String(out);
  }

  static int utf8Length(String s) {
    if (s.length() > MAX_ID_BYTES) {
      return s.length(); // at least this many bytes; enough to decide
    }
    int n = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        n += 1;
      } else if (c < 0x800) {
        n += 2;
      } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        n += 4;
        i++;
      } else {
        n += 3;
      }
    }
    return n;
  }

  private static String describe(char c) {
    return c >= 0x21 && c < 0x7f ? "'" + c + "'" : String.format("U+%04X", (int) c);
  }

  static List<Normalization> newList() {
    return new ArrayList<>(4);
  }
}
