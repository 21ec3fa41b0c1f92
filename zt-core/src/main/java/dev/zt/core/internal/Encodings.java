package dev.zt.core.internal;

/**
 * Character-level checks several parsers share: ASCII hex digits (percent-decoding of paths, SQL inspection, form
 * bodies) and canonical base64url (JWS parts of access tokens and JWT-SVIDs). Internal: not part of zt's API.
 */
public final class Encodings {

  private Encodings() {}

  /**
   * {@code s} for a log line: cut to {@code max} characters (then {@code …}), each character outside printable ASCII
   * and each of {@code alsoReplaced} written as {@code ?}, so the line stays one line and its quotes balanced. One
   * pass, no regular expression: it runs on attacker-chosen input.
   */
  public static String printableAscii(String s, int max, String alsoReplaced) {
    int n = Math.min(s.length(), max);
    StringBuilder b = new StringBuilder(n + 1);
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      b.append(c < 0x20 || c > 0x7e || alsoReplaced.indexOf(c) >= 0 ? '?' : c);
    }
    return s.length() > max ? b.append('…').toString() : b.toString();
  }

  /** The value of an ASCII hex digit, else -1 ({@link Character#digit} would also take non-ASCII digits). */
  public static int hexValue(int c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    return -1;
  }

  /**
   * RFC 7515 §2 base64url of {@code s[from, to)}: non-empty, no padding, and canonical — the unused low bits of the
   * last character are zero, so no two strings decode to the same bytes (a token is never malleable).
   */
  public static boolean canonicalBase64Url(String s, int from, int to) {
    int n = to - from;
    if (n == 0 || n % 4 == 1) {
      return false;
    }
    int last = 0;
    for (int i = from; i < to; i++) {
      int v = base64UrlValue(s.charAt(i));
      if (v < 0) {
        return false;
      }
      last = v;
    }
    return switch (n % 4) {
      case 2 -> (last & 0x0F) == 0;
      case 3 -> (last & 0x03) == 0;
      default -> true;
    };
  }

  private static int base64UrlValue(char c) {
    if (c >= 'A' && c <= 'Z') {
      return c - 'A';
    }
    if (c >= 'a' && c <= 'z') {
      return c - 'a' + 26;
    }
    if (c >= '0' && c <= '9') {
      return c - '0' + 52;
    }
    if (c == '-') {
      return 62;
    }
    if (c == '_') {
      return 63;
    }
    return -1;
  }

  /** Whether {@code s} is an RFC 9110 §5.6.2 token (method names, auth schemes). */
  public static boolean isToken(String s) {
    if (s.isEmpty()) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean tchar = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
      if (!tchar) {
        return false;
      }
    }
    return true;
  }}
