package dev.zt.core.authz;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What zt knows of one bound policy decision point, for a health endpoint: when it last gave a decision (allow or
 * deny) and when a call last ended unavailable (an error, a timeout, an answer not understood), on the enforcer's
 * clock. Read from state zt keeps; asking never calls the PDP. The name is the PDP's own ({@link
 * PolicyDecisionPoint#name()}).
 *
 * @param name the PDP's name
 * @param lastAnswered when it last decided, if ever
 * @param lastUnavailable when a call last ended unavailable, if ever
 * @since 0.4
 */
public record PdpHealth(String name, Optional<Instant> lastAnswered, Optional<Instant> lastUnavailable) {

  public PdpHealth {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(lastAnswered, "lastAnswered");
    Objects.requireNonNull(lastUnavailable, "lastUnavailable");
  }

  /** Whether the most recent call ended unavailable: the object checks it covers are answered 503 meanwhile. */
  public boolean failing() {
    return lastUnavailable.isPresent()
        && (lastAnswered.isEmpty() || !lastUnavailable.get().isBefore(lastAnswered.get()));
  }
}
