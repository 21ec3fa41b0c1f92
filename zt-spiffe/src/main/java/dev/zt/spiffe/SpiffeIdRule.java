package dev.zt.spiffe;

import java.util.Locale;

/**
 * The rule of the SPIFFE-ID specification (§2) that a rejected SPIFFE ID or trust domain name broke. Each rule has
 * a stable lower-case {@link #code()} for logs and test vectors.
 *
 * @since 0.1
 */
public enum SpiffeIdRule {
  /** The input is empty. */
  EMPTY("SPIFFE-ID §2"),
  /** The input does not start with the {@code spiffe://} scheme and authority separator. */
  WRONG_SCHEME("SPIFFE-ID §2"),
  /** Scheme or trust domain in upper case: the canonical form is lower case ({@code parseLenient} normalizes). */
  NON_CANONICAL_CASE("SPIFFE-ID §2.1, §2.4"),
  /** The trust domain (the URI host) is empty. */
  MISSING_TRUST_DOMAIN("SPIFFE-ID §2.1"),
  /**
   * A trust domain character outside {@code [a-z0-9._-]}: this also catches a port, userinfo, an IP-literal, a
   * percent-encoding, a query or a fragment directly after the authority.
   */
  BAD_TRUST_DOMAIN_CHAR("SPIFFE-ID §2.1"),
  /**
   * A path character outside {@code [a-zA-Z0-9._-]}: this also catches percent-encodings, queries and fragments.
   */
  BAD_PATH_SEGMENT_CHAR("SPIFFE-ID §2.2"),
  /** An empty path segment ({@code //}). */
  EMPTY_SEGMENT("SPIFFE-ID §2.2"),
  /** A {@code .} or {@code ..} path segment. */
  DOT_SEGMENT("SPIFFE-ID §2.2"),
  /** A trailing {@code /} (including a bare {@code /} path). */
  TRAILING_SLASH("SPIFFE-ID §2.2"),
  /** Longer than 2048 bytes. */
  TOO_LONG("SPIFFE-ID §2.3"),
  /** A trust domain name longer than 255 bytes. */
  TOO_LONG_TRUST_DOMAIN("SPIFFE-ID §2.3");

  private final String specSection;

  SpiffeIdRule(String specSection) {
    this.specSection = specSection;
  }

  /** The rule's stable lower-case name, e.g. {@code dot_segment}. */
  public String code() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The specification section the rule comes from. */
  public String specSection() {
    return specSection;
  }
}
