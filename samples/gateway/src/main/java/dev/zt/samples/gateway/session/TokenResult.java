package dev.zt.samples.gateway.session;

/** What the token endpoint answered a grant: tokens, a refusal (RFC 6749 §5.2) or nothing usable (an outage). */
sealed interface TokenResult {

  /** The grant succeeded. */
  record Issued(Tokens tokens) implements TokenResult {}

  /** The issuer refused the grant ({@code invalid_grant} and the other §5.2 errors): the grant is dead. */
  record Refused(String error) implements TokenResult {}

  /** No answer that means anything: I/O fault, timeout, 5xx, 429, or a malformed success. Worth retrying later. */
  record Unavailable(String why) implements TokenResult {}
}
