package dev.zt.redis;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Whether a {@link RedisState} is in step with Redis. {@link Status#DEGRADED DEGRADED} while Redis does not answer
 * (a call failed, a connection or the change subscription is down, it was down when the instance started), while
 * changes made here wait to be written back, or until the reconciliation after a reconnect has completed. A degraded
 * instance still enforces what it knows (suspensions and blocks stay refused, rate limits fall back to the local share,
 * the single-use store refuses): expose it on a health endpoint, alert on it, but do not stop serving for it.
 *
 * @param status in step or degraded
 * @param since when the status began (on the system clock)
 * @param reason why it is degraded; empty when in step
 * @param changesWaiting how many changes made here wait to be written back to Redis
 * @since 0.1
 */
public record RedisHealth(Status status, Instant since, Optional<String> reason, int changesWaiting) {

  /** In step with Redis, or not. */
  public enum Status {
    /** Connected, subscribed, nothing waiting, the last reconciliation complete. */
    IN_STEP,
    /** Not in step: see {@link RedisHealth#reason()}. */
    DEGRADED
  }

  public RedisHealth {
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(since, "since");
    Objects.requireNonNull(reason, "reason");
    if ((status == Status.DEGRADED) != reason.isPresent()) {
      throw new IllegalArgumentException("a DEGRADED health, and only it, has a reason");
    }
    if (changesWaiting < 0) {
      throw new IllegalArgumentException("changesWaiting is not negative");
    }
  }

  /** Whether this instance is not in step with Redis. */
  public boolean degraded() {
    return status == Status.DEGRADED;
  }
}
