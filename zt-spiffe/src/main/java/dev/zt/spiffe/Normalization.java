package dev.zt.spiffe;

/**
 * What {@link SpiffeId#parseLenient(String)} or {@link TrustDomain#parseLenient(String)} changed to turn
 * configuration input into a canonical SPIFFE ID. Every change here keeps the identity the same: scheme and trust
 * domain are case-insensitive (SPIFFE-ID §2.4), whitespace is never part of an ID, and a trailing slash is never
 * meaningful (§2.2). Anything that could change which workload is named — path case, percent-decoding, dot segments,
 * empty segments — is never normalized, only rejected.
 *
 * @since 0.1
 */
public enum Normalization {
  /** Leading or trailing ASCII whitespace was removed. */
  TRIMMED_WHITESPACE,
  /** The scheme was lower-cased ({@code SPIFFE://} → {@code spiffe://}). */
  LOWERCASED_SCHEME,
  /** The trust domain name was lower-cased. */
  LOWERCASED_TRUST_DOMAIN,
  /** One trailing {@code /} was dropped. */
  DROPPED_TRAILING_SLASH
}
