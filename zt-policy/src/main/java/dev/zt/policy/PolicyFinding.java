package dev.zt.policy;

import java.util.Objects;

/**
 * Something {@link PolicyLint} finds questionable in a policy file.
 *
 * @param severity how bad
 * @param check which lint check ({@code shadowed}, {@code public-under-protected}, {@code star-literal},
 *     {@code untested}, …)
 * @param rule the id of the rule concerned, or {@code ""} for the whole file
 * @param pointer where (a JSON pointer)
 * @param line the 1-based line, 0 when unknown
 * @param message what and why
 * @since 0.3
 */
public record PolicyFinding(Severity severity, String check, String rule, String pointer, int line, String message) {

  public PolicyFinding {
    Objects.requireNonNull(severity, "severity");
    Objects.requireNonNull(check, "check");
    Objects.requireNonNull(rule, "rule");
    Objects.requireNonNull(pointer, "pointer");
    Objects.requireNonNull(message, "message");
  }

  /** How bad a finding is. */
  public enum Severity {
    /** The file does not do what it says (a rule that can never match): it cannot be loaded. */
    ERROR,
    /** Probably a mistake. */
    WARNING
  }

  @Override
  public String toString() {
    return severity + " [" + check + "]" + (line > 0 ? " line " + line : "") + (rule.isEmpty() ? "" : " '" + rule
        + "'") + ": " + message;
  }
}
