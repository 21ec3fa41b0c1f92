package dev.zt.spiffe;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A SPIFFE ID, {@code spiffe://<trust domain>/<path>}, parsed strictly per SPIFFE-ID §2: scheme exactly
 * {@code spiffe}, trust domain {@code [a-z0-9._-]} (at most 255 bytes), path segments {@code [a-zA-Z0-9._-]} with no
 * empty, {@code .} or {@code ..} segment and no trailing slash, no percent-encoding, query, fragment, userinfo or
 * port, at most 2048 bytes. An instance is always canonical, so two IDs are the same workload exactly when their
 * strings are equal.
 *
 * <p>The path may be empty: {@code spiffe://example.org} is a valid ID (of the trust domain itself), but it never
 * identifies a workload in an X.509-SVID (X509-SVID §3.1, §5.2) — see {@link #isRoot()}.
 *
 * @since 0.1
 */
public final class SpiffeId implements Comparable<SpiffeId> {

  private final String id;
  private final TrustDomain trustDomain;
  private final int pathStart;

  private SpiffeId(String id, TrustDomain trustDomain, int pathStart) {
    this.id = id;
    this.trustDomain = trustDomain;
    this.pathStart = pathStart;
  }

  /**
   * Parses {@code input} strictly. Nothing is trimmed, lower-cased or decoded.
   *
   * @throws InvalidSpiffeIdException naming the rule broken
   */
  public static SpiffeId parse(String input) {
    Objects.requireNonNull(input, "input");
    int pathStart = IdSyntax.checkId(input);
    TrustDomain td = TrustDomain.trusted(input.substring(IdSyntax.SCHEME.length(), pathStart));
    return new SpiffeId(input, td, pathStart);
  }

  /** Whether {@code input} is a valid SPIFFE ID under {@link #parse}. */
  public static boolean isValid(String input) {
    try {
      parse(input);
      return true;
    } catch (InvalidSpiffeIdException e) {
      return false;
    }
  }

  /**
   * Parses configuration input, normalizing only what cannot change the identity: surrounding ASCII whitespace is
   * trimmed, an upper-case scheme or trust domain is lower-cased (SPIFFE-ID §2.4), and one trailing {@code /} is
   * dropped. The result says what was normalized. Path case, percent-encodings, dot segments and empty segments are
   * never repaired: they are rejected as in {@link #parse}.
   *
   * @throws InvalidSpiffeIdException naming the rule broken
   */
  public static Lenient<SpiffeId> parseLenient(String input) {
    Objects.requireNonNull(input, "input");
    List<Normalization> done = IdSyntax.newList();
    String normalized = IdSyntax.normalizeId(input, done);
    return new Lenient<>(parse(normalized), done);
  }

  /** The trust domain. */
  public TrustDomain trustDomain() {
    return trustDomain;
  }

  /** The path, starting with {@code /}, or the empty string for the trust domain's own ID. */
  public String path() {
    return id.substring(pathStart);
  }

  /** The path segments (empty for a root ID). */
  public List<String> segments() {
    return pathStart == id.length()
        ? List.of()
        : Arrays.asList(id.substring(pathStart + 1).split("/", -1));
  }

  /** Whether the ID has no path ({@code spiffe://example.org}); such an ID is never a workload's X.509-SVID ID. */
  public boolean isRoot() {
    return pathStart == id.length();
  }

  /** Whether the ID belongs to {@code trustDomain}. */
  public boolean isMemberOf(TrustDomain trustDomain) {
    return this.trustDomain.equals(trustDomain);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SpiffeId other && other.id.equals(id);
  }

  @Override
  public int hashCode() {
    return id.hashCode();
  }

  @Override
  public int compareTo(SpiffeId o) {
    return id.compareTo(o.id);
  }

  /** The ID as a string, e.g. {@code spiffe://example.org/ns/shop/sa/checkout}. */
  @Override
  public String toString() {
    return id;
  }
}
