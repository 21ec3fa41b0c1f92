package dev.zt.core.internal;

/**
 * Splits an HTTP/1.1 request-target (RFC 9112 §3.2), exactly as it appeared on the request line, into the raw path
 * and the raw query, the way a servlet container does before it resolves the path.
 *
 * <p>Two forms are accepted: origin-form ({@code /path?query}) and absolute-form ({@code http://host/path?query},
 * scheme {@code http} or {@code https}, case-insensitive), whose scheme and authority are dropped (RFC 9112 §3.2.2:
 * the server then ignores {@code Host}). Everything else is refused rather than guessed, as servlet containers
 * refuse it: asterisk-form ({@code *}), authority-form ({@code host:port}), a relative reference, another scheme, an
 * empty authority or one with userinfo (RFC 9110 §4.2.4), a fragment ({@code #} never belongs in a request-target),
 * and any byte outside visible US-ASCII.
 */
public final class RequestTarget {

  private RequestTarget() {}

  /** The outcome: a raw path and query, or the reason the target was refused. */
  public sealed interface Result permits Parsed, Refused {}

  /**
   * An accepted target.
   *
   * @param rawPath the path, still percent-encoded, starting with {@code /}
   * @param rawQuery the query without {@code ?}, or empty
   * @param scheme the absolute-form's scheme as sent, or empty for origin-form
   * @param authority the absolute-form's authority as sent, or empty for origin-form (RFC 9112 §3.2.2: it then
   *     names the target, not {@code Host})
   */
  public record Parsed(String rawPath, String rawQuery, String scheme, String authority) implements Result {
    public Parsed(String rawPath, String rawQuery) {
      this(rawPath, rawQuery, "", "");
    }
  }

  /** A refused target; {@code why} is for the audit log, never for the response body. */
  public record Refused(String why) implements Result {}

  /** Parses {@code target}, the request-target exactly as received. */
  public static Result parse(String target) {
    if (target == null || target.isEmpty()) {
      return new Refused("empty request-target");
    }
    if (target.length() > PathNormalizer.MAX_PATH_LENGTH * 2) {
      return new Refused("request-target too long");
    }
    for (int i = 0; i < target.length(); i++) {
      char c = target.charAt(i);
      if (c <= 0x20 || c >= 0x7f) {
        return new Refused("request-target holds a byte outside visible US-ASCII");
      }
      if (c == '#') {
        return new Refused("fragment in request-target");
      }
    }
    if (target.charAt(0) == '/') {
      return split(target, 0);
    }
    int colon = target.indexOf(':');
    if (colon <= 0 || !target.startsWith("//", colon + 1)) {
      return new Refused("request-target is neither origin-form nor absolute-form");
    }
    String scheme = target.substring(0, colon);
    if (!scheme.equalsIgnoreCase("http") && !scheme.equalsIgnoreCase("https")) {
      return new Refused("request-target scheme is not http or https");
    }
    int authorityStart = colon + 3;
    int authorityEnd = authorityStart;
    while (authorityEnd < target.length() && target.charAt(authorityEnd) != '/'
        && target.charAt(authorityEnd) != '?') {
      authorityEnd++;
    }
    if (authorityEnd == authorityStart) {
      return new Refused("absolute-form without a host");
    }
    if (target.lastIndexOf('@', authorityEnd - 1) >= authorityStart) {
      return new Refused("userinfo in absolute-form");
    }
    String authority = target.substring(authorityStart, authorityEnd);
    if (authorityEnd == target.length() || target.charAt(authorityEnd) == '?') {
      // "http://host" and "http://host?q": the path is empty, which for http means "/" (RFC 9110 §4.2.3)
      Result rest = split(target, authorityEnd);
      return rest instanceof Parsed p ? new Parsed("/", p.rawQuery(), scheme, authority) : rest;
    }
    Result rest = split(target, authorityEnd);
    return rest instanceof Parsed p ? new Parsed(p.rawPath(), p.rawQuery(), scheme, authority) : rest;
  }

  /**
   * The common case without allocating: when {@code target} is an origin-form target that {@link #parse} accepts,
   * the index of its {@code ?} (the path ends there), or its length when it has no query; {@code -1} for anything
   * else (absolute-form, or a target {@link #parse} refuses), which the caller hands to {@link #parse}. One pass over
   * the target, the same checks as {@link #parse}.
   */
  public static int originFormEnd(String target) {
    int len = target.length();
    if (len == 0 || len > PathNormalizer.MAX_PATH_LENGTH * 2 || target.charAt(0) != '/') {
      return -1;
    }
    int query = -1;
    for (int i = 1; i < len; i++) {
      char c = target.charAt(i);
      if (c <= 0x20 || c >= 0x7f || c == '#') {
        return -1;
      }
      if (c == '?' && query < 0) {
        query = i;
      }
    }
    return query < 0 ? len : query;
  }

  private static Result split(String target, int pathStart) {
    int q = target.indexOf('?', pathStart);
    if (q < 0) {
      return new Parsed(target.substring(pathStart), "");
    }
    return new Parsed(target.substring(pathStart, q), target.substring(q + 1));
  }
}
