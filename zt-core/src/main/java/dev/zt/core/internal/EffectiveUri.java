package dev.zt.core.internal;

import java.net.URI;
import java.util.Locale;
import java.util.Optional;

/**
 * A request's effective URI (RFC 9110 §7.1) without query and fragment — what DPoP's {@code htu} is compared with
 * (RFC 9449 §4.3) — in the normal form of RFC 3986 §6.2.2–6.2.3: lower-case scheme and host, no default port,
 * upper-case percent-encodings, unreserved characters decoded, no dot segments, {@code /} for an empty path. Strict:
 * anything that is not a plain {@code http}/{@code https} origin and an RFC 3986 path gives nothing rather than a
 * guess.
 */
public final class EffectiveUri {

  private EffectiveUri() {}

  /**
   * {@code origin} when it is an origin (absolute {@code http}/{@code https}, a host, an optional port, no user info,
   * query or fragment) with an optional path prefix (the path a reverse proxy publishes the service under: segments
   * in RFC 3986 normal form, no trailing {@code /}), in normal form.
   *
   * @throws IllegalArgumentException naming what is wrong
   */
  public static URI checkOrigin(URI origin) {
    if (origin == null) {
      throw new IllegalArgumentException("the public origin is required");
    }
    String scheme = origin.getScheme();
    if (!origin.isAbsolute() || origin.isOpaque() || scheme == null
        || !(scheme.equalsIgnoreCase("https") || scheme.equalsIgnoreCase("http"))) {
      throw new IllegalArgumentException("the public origin must be an absolute https or http URI: " + origin);
    }
    if (origin.getRawUserInfo() != null) {
      throw new IllegalArgumentException("the public origin must not carry user info");
    }
    String prefix = origin.getRawPath() == null ? "" : origin.getRawPath();
    if (!prefix.isEmpty() && (prefix.endsWith("/") || !normalPath(prefix).equals(Optional.of(prefix))
        || prefix.contains("//"))) {
      throw new IllegalArgumentException("the public origin's path prefix must be /segment… in normal form, without a "
          + "trailing / (none at all for the root): " + origin);
    }
    if (origin.getRawQuery() != null || origin.getRawFragment() != null) {
      throw new IllegalArgumentException("the public origin must not have a query or fragment: " + origin);
    }
    String authority = origin.getRawAuthority();
    Optional<String> normal = authority == null ? Optional.empty()
        : authority(scheme.toLowerCase(Locale.ROOT), authority);
    if (origin.getHost() == null || normal.isEmpty()) {
      throw new IllegalArgumentException("the public origin must name a valid host and port: " + origin);
    }
    return URI.create(scheme.toLowerCase(Locale.ROOT) + "://" + normal.get() + prefix);
  }

  /**
   * The effective URI of a request with {@code rawPath} (still percent-encoded, as received) at {@code origin} (a
   * checked origin; its path prefix, if any, comes before the request's path), or empty when the path is not an
   * RFC 3986 absolute path.
   */
  public static Optional<URI> of(URI origin, String rawPath) {
    Optional<String> path = normalPath(rawPath);
    String prefix = origin.getRawPath() == null ? "" : origin.getRawPath();
    return path.map(p -> URI.create(origin.getScheme() + "://" + origin.getRawAuthority() + prefix + p));
  }

  /**
   * The effective URI from a scheme ({@code http}/{@code https}), an authority as the client sent it ({@code Host},
   * or an absolute-form target's) and the raw path; empty when the authority is not a valid {@code host[:port]}.
   */
  public static Optional<URI> of(String scheme, String authority, String rawPath) {
    String s = scheme.toLowerCase(Locale.ROOT);
    if (!s.equals("http") && !s.equals("https")) {
      return Optional.empty();
    }
    Optional<String> a = authority(s, authority);
    Optional<String> path = normalPath(rawPath);
    if (a.isEmpty() || path.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(URI.create(s + "://" + a.get() + path.get()));
  }

  /**
   * {@code host[:port]} (RFC 3986 §3.2.2–3.2.3; RFC 9110 §7.2) in normal form: a reg-name of letters, digits,
   * {@code -}, {@code .} and {@code _} (lower-cased), a dotted-quad IPv4 address, or a bracketed IPv6 address (no
   * zone, no IPvFuture); a port of digits up to 65535, dropped when it is the scheme's default or empty. Anything
   * else — user info, a path, spaces, commas (two hosts), percent-encoding, non-ASCII — gives nothing.
   */
  public static Optional<String> authority(String scheme, String authority) {
    if (authority == null || authority.isEmpty() || authority.length() > 300) {
      return Optional.empty();
    }
    String host;
    String port = "";
    if (authority.charAt(0) == '[') {
      int close = authority.indexOf(']');
      if (close < 0) {
        return Optional.empty();
      }
      host = authority.substring(0, close + 1);
      String rest = authority.substring(close + 1);
      if (!rest.isEmpty()) {
        if (rest.charAt(0) != ':') {
          return Optional.empty();
        }
        port = rest.substring(1);
      }
      if (!isIpv6Literal(host.substring(1, host.length() - 1))) {
        return Optional.empty();
      }
      host = "[" + canonicalIpv6(host.substring(1, host.length() - 1)) + "]";
    } else {
      int colon = authority.indexOf(':');
      host = colon < 0 ? authority : authority.substring(0, colon);
      port = colon < 0 ? "" : authority.substring(colon + 1);
      if (!isRegNameOrIpv4(host)) {
        return Optional.empty();
      }
      host = host.toLowerCase(Locale.ROOT);
    }
    if (!port.isEmpty()) {
      if (port.length() > 5 || !port.chars().allMatch(c -> c >= '0' && c <= '9')) {
        return Optional.empty();
      }
      int p = Integer.parseInt(port);
      if (p > 65535) {
        return Optional.empty();
      }
      boolean isDefault = (p == 443 && scheme.equals("https")) || (p == 80 && scheme.equals("http"));
      port = isDefault ? "" : Integer.toString(p); // leading zeros dropped
    }
    return Optional.of(port.isEmpty() ? host : host + ":" + port);
  }

  private static boolean isRegNameOrIpv4(String host) {
    if (host.isEmpty() || host.length() > 253 || host.startsWith(".") || host.contains("..")) {
      return false;
    }
    for (int i = 0; i < host.length(); i++) {
      char c = host.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.'
          || c == '_';
      if (!ok) {
        return false;
      }
    }
    if (host.chars().allMatch(c -> (c >= '0' && c <= '9') || c == '.')) {
      // all digits and dots: a dotted quad (RFC 3986 IPv4address), not "1.2.3" or "999.1.1.1"
      String[] parts = host.split("\\.", -1);
      if (parts.length != 4) {
        return false;
      }
      for (String part : parts) {
        if (part.isEmpty() || part.length() > 3 || (part.length() > 1 && part.charAt(0) == '0')
            || Integer.parseInt(part) > 255) {
          return false;
        }
      }
    }
    return true;
  }

  private static boolean isIpv6Literal(String s) {
    if (s.isEmpty() || s.length() > 45) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == ':' || c == '.';
      if (!ok) {
        return false; // no zone ids (%25…), no IPvFuture (v1.…)
      }
    }
    if (!s.contains(":")) {
      return false;
    }
    try {
      // a literal of hex digits, colons and dots only: parsed by the JDK without any name lookup
      return java.net.InetAddress.getByName("[" + s + "]") instanceof java.net.Inet6Address
          || isMappedIpv4(s);
    } catch (java.net.UnknownHostException | SecurityException e) {
      return false;
    }
  }

  private static boolean isMappedIpv4(String s) {
    return s.toLowerCase(Locale.ROOT).startsWith("::ffff:") && s.indexOf('.') > 0;
  }

  private static String canonicalIpv6(String s) {
    return s.toLowerCase(Locale.ROOT);
  }

  /**
   * The raw path in normal form, or empty when it is not an absolute path of RFC 3986 characters with well-formed
   * percent-encodings.
   */
  static Optional<String> normalPath(String rawPath) {
    if (rawPath.isEmpty()) {
      return Optional.of("/");
    }
    if (rawPath.charAt(0) != '/') {
      return Optional.empty();
    }
    StringBuilder out = new StringBuilder(rawPath.length());
    for (int i = 0; i < rawPath.length(); i++) {
      char c = rawPath.charAt(i);
      if (c == '%') {
        if (i + 2 >= rawPath.length() || Encodings.hexValue(rawPath.charAt(i + 1)) < 0
            || Encodings.hexValue(rawPath.charAt(i + 2)) < 0) {
          return Optional.empty();
        }
        int b = Encodings.hexValue(rawPath.charAt(i + 1)) * 16 + Encodings.hexValue(rawPath.charAt(i + 2));
        if (isUnreserved((char) b)) {
          out.append((char) b);
        } else {
          out.append('%').append(Character.toUpperCase(rawPath.charAt(i + 1)))
              .append(Character.toUpperCase(rawPath.charAt(i + 2)));
        }
        i += 2;
      } else if (isUnreserved(c) || isSubDelim(c) || c == ':' || c == '@' || c == '/') {
        out.append(c);
      } else {
        return Optional.empty();
      }
    }
    return Optional.of(removeDotSegments(out.toString()));
  }

  /** RFC 3986 §5.2.4 for an absolute path. */
  private static String removeDotSegments(String path) {
    if (!path.contains("/.")) {
      return path;
    }
    java.util.ArrayDeque<String> kept = new java.util.ArrayDeque<>();
    String[] segments = path.substring(1).split("/", -1);
    for (int i = 0; i < segments.length; i++) {
      String seg = segments[i];
      boolean last = i == segments.length - 1;
      if (seg.equals(".")) {
        if (last) {
          kept.addLast("");
        }
      } else if (seg.equals("..")) {
        kept.pollLast();
        if (last) {
          kept.addLast("");
        }
      } else {
        kept.addLast(seg);
      }
    }
    return "/" + String.join("/", kept);
  }

  private static boolean isUnreserved(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.'
        || c == '_' || c == '~';
  }

  private static boolean isSubDelim(char c) {
    return "!$&'()*+,;=".indexOf(c) >= 0;
  }
}
