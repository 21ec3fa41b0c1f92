package dev.zt.core.trust;

/**
 * One input to the trust score: device posture, geolocation, behaviour, or anything a service knows. Implementations
 * must be fast (they run on every request whose route needs a trust level), must not block, and must not throw (a
 * throw counts as a hard failure: trust fails closed).
 *
 * @since 0.1
 */
@FunctionalInterface
public interface TrustSignal {

  /** Scores the request in {@code context}. */
  SignalResult evaluate(TrustContext context);
}
