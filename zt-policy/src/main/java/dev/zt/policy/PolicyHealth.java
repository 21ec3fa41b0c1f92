package dev.zt.policy;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The health of a {@link LivePolicy}: {@link Status#OK} while the file in force is the file on disk,
 * {@link Status#DEGRADED} while the file on disk is bad (unreadable, deleted, invalid, failing its own tests, refused
 * by the builders) and the last good policy is still enforced. Expose it on a health endpoint: a degraded policy is
 * still enforcing, but not what the operators last deployed.
 *
 * @param status OK or DEGRADED
 * @param revision the revision in force (the last good file's)
 * @param lastError why the file on disk is not in force, while DEGRADED; empty when OK
 * @param lastGood when the revision in force was loaded
 * @since 0.3
 */
public record PolicyHealth(Status status, String revision, Optional<String> lastError, Instant lastGood) {

  /** Whether the policy on disk is the policy in force. */
  public enum Status {
    /** The file on disk is in force. */
    OK,
    /** The file on disk is bad: the last good policy is in force. */
    DEGRADED
  }

  public PolicyHealth {
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(revision, "revision");
    Objects.requireNonNull(lastError, "lastError");
    Objects.requireNonNull(lastGood, "lastGood");
    if ((status == Status.DEGRADED) != lastError.isPresent()) {
      throw new IllegalArgumentException("a DEGRADED health, and only it, has a last error");
    }
  }
}
