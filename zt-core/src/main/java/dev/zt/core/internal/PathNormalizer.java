package dev.zt.core.internal;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Canonicalizes a raw request path the way Jakarta Servlet 6 containers (Servlet 6.0 §3.5.2) resolve it for
 * mapping, so that the route zt authorizes is the route the container dispatches to.
 *
 * <p>Steps, in order: strip {@code ;}-path parameters from each segment; percent-decode once as UTF-8; merge empty
 * segments ({@code //}); resolve {@code .} and {@code ..}. Anything ambiguous is refused rather than guessed:
 * encoded {@code /} or {@code \} (where the container could disagree about segment boundaries), NUL and other
 * control characters, malformed escapes or UTF-8, raw backslashes, {@code ..} that climbs above the root, and
 * {@code ..} that would remove an empty segment ({@code /a//../b}: a container that merges {@code //} first
 * dispatches to {@code /b}, one that does not to {@code /a/b}; Servlet 6.0 §3.5.2 lists it as suspicious).
 * The trailing slash is kept: {@code /orders/} is a different route from {@code /orders}, as for the container.
 */
public final class PathNormalizer {

  /** Hard cap on the raw path: longer paths are refused before any work is done. */
  public static final int MAX_PATH_LENGTH = 8192;

  private PathNormalizer() {}

  /** The outcome: either a canonical path or the reason it was refused. */
  public sealed interface Result permits Normalized, Rejected {}

  /** A canonical, decoded path that starts with {@code /}. */
  public record Normalized(String path) implements Result {}

  /** A refused path; {@code why} is for the audit log, never for the response body. */
  public record Rejected(String why) implements Result {}

  /**
   * Normalizes {@code rawPath} (the request-target's path, without query or fragment, still percent-encoded).
   */
  public static Result normalize(String rawPath) {
    if (rawPath == null || rawPath.isEmpty() || rawPath.charAt(0) != '/') {
      return new Rejected("path must start with /");
    }
    if (rawPath.length() > MAX_PATH_LENGTH) {
      return new Rejected("path too long");
    }
    if (isCanonical(rawPath)) {
      return new Normalized(rawPath);
    }
    List<String> out = new ArrayList<>();
    int len = rawPath.length();
    int start = 1;
    boolean trailingSlash = false;
    while (start <= len) {
      int end = rawPath.indexOf('/', start);
      if (end < 0) {
        end = len;
      }
      String segment = rawPath.substring(start, end);
      boolean last = end == len;
      int semi = segment.indexOf(';');
      if (semi >= 0) {
        segment = segment.substring(0, semi);
      }
      String decoded;
      try {
        decoded = decode(segment);
      } catch (IllegalArgumentException e) {
        return new Rejected(e.getMessage());
      }
      if (decoded == null) {
        return new Rejected("encoded separator or control character in path");
      }
      if (decoded.isEmpty()) {
        // "//" merges: an empty segment is kept only as a marker (dropped from the result) so that a later ".."
        // that would remove it is refused; an empty final segment is the trailing slash
        if (last) {
          trailingSlash = !out.isEmpty() || start > 1;
        } else {
          out.add("");
        }
      } else if (decoded.equals(".")) {
        if (last) {
          trailingSlash = true;
        }
      } else if (decoded.equals("..")) {
        if (out.isEmpty()) {
          return new Rejected("path climbs above the root");
        }
        if (out.remove(out.size() - 1).isEmpty()) {
          return new Rejected("dot-dot segment after an empty segment");
        }
        if (last) {
          trailingSlash = true;
        }
      } else {
        out.add(decoded);
        trailingSlash = false;
      }
      start = end + 1;
    }
    StringBuilder sb = new StringBuilder(rawPath.length());
    for (String s : out) {
      if (!s.isEmpty()) {
        sb.append('/').append(s);
      }
    }
    if (sb.length() == 0) {
      return new Normalized("/");
    }
    if (trailingSlash) {
      sb.append('/');
    }
    return new Normalized(sb.toString());
  }

  /**
   * Normalizes the whole raw request path, then strips the normalized mount point {@code rawContextPath} from the
   * front. The result is relative to the application; a path outside the mount point is refused.
   */
  public static Result normalizeWithin(String rawPath, String rawContextPath) {
    Result full = normalize(rawPath);
    if (!(full instanceof Normalized n)) {
      return full;
    }
    Result mount = normalize(rawContextPath);
    if (!(mount instanceof Normalized m) || m.path().equals("/")) {
      return mount instanceof Normalized ? full : new Rejected("context path is not a valid path");
    }
    String ctx = m.path().endsWith("/") ? m.path().substring(0, m.path().length() - 1) : m.path();
    String p = n.path();
    if (p.equals(ctx)) {
      return new Normalized("/");
    }
    if (p.startsWith(ctx) && p.charAt(ctx.length()) == '/') {
      return new Normalized(p.substring(ctx.length()));
    }
    return new Rejected("path lies outside the context path");
  }

  /**
   * Whether {@code p} is its own normalized form by the fast test: it starts with {@code /}, is within
   * {@link #MAX_PATH_LENGTH}, and holds only unreserved characters and single slashes, with no dot segments (most
   * real paths). When true, {@link #normalize} would return it unchanged; when false, call {@link #normalize}.
   */
  public static boolean isCanonical(String p) {
    int len = p.length();
    if (len == 0 || len > MAX_PATH_LENGTH || p.charAt(0) != '/') {
      return false;
    }
    char prev = '/';
    for (int i = 1; i < len; i++) {
      char c = p.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || c == '-' || c == '_' || c == '~' || c == '/' || c == '.';
      if (!ok) {
        return false;
      }
      if (c == '/' && prev == '/') {
        return false;
      }
      if (c == '.' && prev == '/') {
        return false; // possible dot segment: take the slow path
      }
      prev = c;
    }
    return true;
  }

  /**
   * Percent-decodes one segment as UTF-8. Returns {@code null} when the segment holds a character that would make
   * segment boundaries ambiguous or is a control character; throws for malformed escapes or UTF-8.
   */
  private static String decode(String segment) {
    int pct = segment.indexOf('%');
    if (pct < 0) {
      return checkChars(segment) ? segment : null;
    }
    ByteBuffer bytes = ByteBuffer.allocate(segment.length() * 4);
    for (int i = 0; i < segment.length(); i++) {
      char c = segment.charAt(i);
      if (c == '%') {
        if (i + 2 >= segment.length()) {
          throw new IllegalArgumentException("truncated percent-escape in path");
        }
        int hi = Encodings.hexValue(segment.charAt(i + 1));
        int lo = Encodings.hexValue(segment.charAt(i + 2));
        if (hi < 0 || lo < 0) {
          throw new IllegalArgumentException("malformed percent-escape in path");
        }
        bytes.put((byte) ((hi << 4) | lo));
        i += 2;
      } else if (c < 0x80) {
        bytes.put((byte) c);
      } else {
        // a raw non-ASCII character: encode the whole code point (getBytes would turn a surrogate half into '?')
        int cp = segment.codePointAt(i);
        if (Character.isSurrogate(c) && !Character.isSupplementaryCodePoint(cp)) {
          throw new IllegalArgumentException("unpaired surrogate in path");
        }
        bytes.put(new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8));
        i += Character.charCount(cp) - 1;
      }
    }
    bytes.flip();
    CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    String decoded;
    try {
      CharBuffer chars = decoder.decode(bytes);
      decoded = chars.toString();
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException("path is not valid UTF-8 after percent-decoding");
    }
    return checkChars(decoded) ? decoded : null;
  }

  private static boolean checkChars(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '/' || c == '\\' || c < 0x20 || c == 0x7f) {
        return false;
      }
      if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return false; // an unpaired surrogate is no character at all
      }
    }
    return true;
  }
}
