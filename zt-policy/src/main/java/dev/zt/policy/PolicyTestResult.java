package dev.zt.policy;

import dev.zt.core.DenyReason;
import java.util.Objects;
import java.util.Optional;

/**
 * The outcome of one embedded test: what the enforcer built from the file decided, and whether that is what the
 * test expects.
 *
 * @param test the test
 * @param passed whether the decision met every expectation
 * @param status the status the service would answer (200 for an allowed request)
 * @param rule the id of the deciding rule
 * @param reason the deny reason, empty for an allowed request
 * @param message what differs, or {@code "ok"}
 * @since 0.3
 */
public record PolicyTestResult(PolicyTestCase test, boolean passed, int status, String rule,
    Optional<DenyReason> reason, String message) {

  public PolicyTestResult {
    Objects.requireNonNull(test, "test");
    Objects.requireNonNull(rule, "rule");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(message, "message");
  }

  /** What was decided, in the form of {@link PolicyTestCase.Expected#toString()}. */
  public String actual() {
    return (reason.isEmpty() ? "allow " : "deny ") + status + reason.map(r -> " " + r).orElse("") + " by '" + rule
        + "'";
  }
}
