package dev.zt.policy;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One audited reload attempt of a {@link LivePolicy}: the policy file was loaded at start, a changed file was applied,
 * or a changed file was rejected and the last good policy kept. The same facts go to the audit log and to
 * OpenTelemetry (event {@code zt.policy.reload}).
 *
 * @param outcome what happened
 * @param file the policy file as configured
 * @param oldRevision the revision in force before ({@code ""} at start)
 * @param newRevision the revision in force after: the new one when loaded or applied; the old one when rejected
 * @param reason why it was rejected; empty otherwise
 * @param at when, on the live policy's clock
 * @since 0.3
 */
public record PolicyReload(Outcome outcome, Path file, String oldRevision, String newRevision,
    Optional<String> reason, Instant at) {

  /** What a reload attempt did. */
  public enum Outcome {
    /** The first load, at start. */
    LOADED,
    /** A changed file passed every check and is now in force. */
    APPLIED,
    /** A changed (or deleted) file failed a check; the last good policy stays in force. */
    REJECTED
  }

  public PolicyReload {
    Objects.requireNonNull(outcome, "outcome");
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(oldRevision, "oldRevision");
    Objects.requireNonNull(newRevision, "newRevision");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(at, "at");
  }
}
