package dev.zt.core.policy;

import java.util.ArrayList;
import java.util.List;

/**
 * One pattern of {@link Requirement#workload(String...)}, parsed once at configuration time. String-based: zt-core
 * knows SPIFFE IDs only by their syntax (SPIFFE-ID §2), so the ID it matches must already be canonical — the peer
 * verifier's job. Matching is exact, case-sensitive and allocation-free.
 *
 * <ul>
 *   <li>{@code spiffe://td/a/b} — exactly that ID;
 *   <li>{@code spiffe://td} — every workload of trust domain {@code td};
 *   <li>{@code *} as a whole path segment — exactly one non-empty segment there ({@code spiffe://td/ns/*}/sa/api);
 *   <li>{@code **} as the last segment — one or more segments below ({@code spiffe://td/ns/ops/**}).
 * </ul>
 */
final class WorkloadPattern {

  private static final String SCHEME = "spiffe://";
  private static final int MAX_LENGTH = 2048;
  private static final String ONE = "*";
  private static final String ANY = "**";

  private final String text;
  private final String trustDomain;
  private final String[] segments; // null: the whole trust domain

  private WorkloadPattern(String text, String trustDomain, String[] segments) {
    this.text = text;
    this.trustDomain = trustDomain;
    this.segments = segments;
  }

  static WorkloadPattern parse(String pattern) {
    if (pattern == null) {
      throw new IllegalArgumentException("workload pattern must not be null");
    }
    if (!pattern.startsWith(SCHEME) || pattern.length() > MAX_LENGTH) {
      throw invalid(pattern, "must start with spiffe:// and be at most 2048 characters");
    }
    String rest = pattern.substring(SCHEME.length());
    int slash = rest.indexOf('/');
    String td = slash < 0 ? rest : rest.substring(0, slash);
    if (td.isEmpty() || td.length() > 255 || !td.chars().allMatch(WorkloadPattern::trustDomainChar)) {
      throw invalid(pattern, "the trust domain must be lowercase letters, digits, '.', '-' or '_'");
    }
    if (slash < 0) {
      return new WorkloadPattern(pattern, td, null);
    }
    String[] parts = rest.substring(slash + 1).split("/", -1);
    List<String> segs = new ArrayList<>();
    for (int i = 0; i < parts.length; i++) {
      String s = parts[i];
      if (s.equals(ANY)) {
        if (i != parts.length - 1) {
          throw invalid(pattern, "'**' may only be the last segment");
        }
      } else if (!s.equals(ONE)) {
        if (s.isEmpty() || s.equals(".") || s.equals("..")) {
          throw invalid(pattern, "empty, '.' and '..' segments (and a trailing '/') are not allowed");
        }
        if (!s.chars().allMatch(WorkloadPattern::pathChar)) {
          throw invalid(pattern, "path segments are letters, digits, '.', '-' or '_', or a whole '*' / '**'");
        }
      }
      segs.add(s.equals(ANY) ? ANY : s.equals(ONE) ? ONE : s); // the constants: matches() compares by identity
    }
    return new WorkloadPattern(pattern, td, segs.toArray(String[]::new));
  }

  /** Whether {@code id} (a canonical workload ID) matches. */
  boolean matches(String id) {
    if (!id.startsWith(SCHEME) || !id.startsWith(trustDomain, SCHEME.length())) {
      return false;
    }
    int pos = SCHEME.length() + trustDomain.length();
    if (segments == null) {
      return pos == id.length() || id.charAt(pos) == '/';
    }
    for (String seg : segments) {
      if (pos >= id.length() || id.charAt(pos) != '/') {
        return false;
      }
      int start = pos + 1;
      int end = id.indexOf('/', start);
      if (end < 0) {
        end = id.length();
      }
      if (seg == ANY) {
        return end > start; // at least one non-empty segment below; the rest, whatever it is
      }
      if (end == start) {
        return false;
      }
      if (seg != ONE && (end - start != seg.length() || !id.regionMatches(start, seg, 0, seg.length()))) {
        return false;
      }
      pos = end;
    }
    return pos == id.length();
  }

  @Override
  public String toString() {
    return text;
  }

  private static boolean trustDomainChar(int c) {
    return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c == '_';
  }

  private static boolean pathChar(int c) {
    return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-'
        || c == '_';
  }

  private static IllegalArgumentException invalid(String pattern, String why) {
    return new IllegalArgumentException("invalid workload pattern \"" + pattern + "\": " + why);
  }
}
