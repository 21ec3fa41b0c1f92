package dev.zt.core.internal;

/**
 * What enhanced monitoring keeps of values that may carry secrets: query parameter names without their values, and
 * a {@code Referer}'s origin without its path or query (reset links, one-time codes and tokens travel in URLs).
 */
public final class Redaction {

  public static final String REDACTED = "<redacted>";

  private Redaction() {}

  /** {@code a=1&b&c=x} → {@code a=<redacted>&b&c=<redacted>}: the names stay, every value goes. */
  public static String queryValues(String rawQuery) {
    if (rawQuery.isEmpty()) {
      return rawQuery;
    }
    StringBuilder out = new StringBuilder(rawQuery.length());
    int start = 0;
    while (start <= rawQuery.length()) {
      int end = rawQuery.indexOf('&', start);
      if (end < 0) {
        end = rawQuery.length();
      }
      String pair = rawQuery.substring(start, end);
      int eq = pair.indexOf('=');
      out.append(eq < 0 ? pair : pair.substring(0, eq + 1) + REDACTED);
      if (end < rawQuery.length()) {
        out.append('&');
      }
      start = end + 1;
    }
    return out.toString();
  }

  /** {@code https://app.example/reset?code=…} → {@code https://app.example/<redacted>}; anything else: redacted. */
  public static String referer(String value) {
    int scheme = value.indexOf("://");
    if (scheme <= 0) {
      return REDACTED;
    }
    int path = value.length();
    for (int i = scheme + 3; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '/' || c == '?' || c == '#') {
        path = i;
        break;
      }
    }
    String origin = value.substring(0, path);
    int at = origin.lastIndexOf('@'); // user info (user:password@host) goes too
    if (at > scheme) {
      origin = origin.substring(0, scheme + 3) + origin.substring(at + 1);
    }
    return origin + "/" + REDACTED;
  }
}
