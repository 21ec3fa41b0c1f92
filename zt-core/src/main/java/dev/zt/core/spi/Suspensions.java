package dev.zt.core.spi;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Suspended credentials: single tokens by their key (the {@code jti}, or what names a token without one), every
 * token of a subject, and a subject's tokens issued up to an instant (a CAEP session revocation). Asked on every
 * authenticated request, so {@link #check} must answer from memory (a shared store keeps a local mirror).
 *
 * <p>Every entry ends by itself at its TTL. Each method is atomic on its own (one key); nothing spans methods.
 * Writes that cannot reach the backing store throw ({@link StateUnavailableException}); a check that cannot answer
 * returns {@link Presence#UNAVAILABLE} (or throws), and the enforcer then refuses the credential: an outage never
 * turns into an allow of a suspended credential.
 *
 * @since 0.1
 */
public interface Suspensions {

  /**
   * Whether the store surely holds no suspension of any kind (a fast path for the common case); {@code false} when
   * it may hold one or cannot tell.
   */
  boolean isEmpty();

  /**
   * Whether the token is suspended: by its key, by its subject, or by a revocation of the subject's tokens issued at
   * or before the revocation instant (a token without {@code iat} counts as issued before any revocation).
   *
   * @param tokenKey the token's key
   * @param subject the token's {@code sub}, if it has one
   * @param issuedAt the token's {@code iat}, if it has one
   */
  Presence check(String tokenKey, Optional<String> subject, Optional<Instant> issuedAt);

  /** Suspends one token for {@code ttl}; {@code subject} (when known) lets {@link #lift} find it. */
  void suspendToken(String tokenKey, Optional<String> subject, String rule, Duration ttl);

  /** Suspends every token of {@code subject} for {@code ttl}. */
  void suspendSubject(String subject, String rule, Duration ttl);

  /** Suspends {@code subject}'s tokens issued at or before {@code issuedUpTo}; the rule is kept for {@code ttl}. */
  void revokeIssuedUpTo(String subject, Instant issuedUpTo, String rule, Duration ttl);

  /**
   * Lifts every suspension of {@code subject}: the subject's own, its revocation, and each token suspended with that
   * subject. Returns whether one was in force.
   */
  boolean lift(String subject);

  /** The subjects suspended now (not revocations by issue time). */
  List<Entry> subjects();

  /** The tokens suspended now, by token key. */
  List<Entry> tokens();
}
