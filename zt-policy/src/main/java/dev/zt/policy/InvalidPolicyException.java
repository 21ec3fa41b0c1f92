package dev.zt.policy;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A policy file that cannot be used: unreadable, not YAML, against the schema, naming an unset environment variable,
 * or describing a configuration the builders refuse. Carries every problem found, not only the first.
 *
 * @since 0.3
 */
public final class InvalidPolicyException extends Exception {

  private static final long serialVersionUID = 1L;

  private final transient List<PolicyProblem> problems;

  /** An exception for {@code problems} (at least one). */
  public InvalidPolicyException(List<PolicyProblem> problems) {
    super(message(problems));
    if (problems.isEmpty()) {
      throw new IllegalArgumentException("an invalid policy has at least one problem");
    }
    this.problems = List.copyOf(problems);
  }

  /** What is wrong, in document order. */
  public List<PolicyProblem> problems() {
    return problems;
  }

  private static String message(List<PolicyProblem> problems) {
    return problems.stream().map(PolicyProblem::toString).collect(Collectors.joining("\n"));
  }
}
