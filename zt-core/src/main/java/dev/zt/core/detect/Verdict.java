package dev.zt.core.detect;

import java.util.Objects;

/**
 * A detector's finding: which rule fired, how bad it is, and the evidence (for the audit log only, never the
 * response; already truncated and stripped of control characters by the detector).
 *
 * @param rule a stable rule id, e.g. {@code sqli.query} or {@code stuffing.source}
 * @param severity how bad
 * @param evidence what was seen, short and printable (never a credential)
 * @since 0.1
 */
public record Verdict(String rule, Severity severity, String evidence) {
  public Verdict {
    Objects.requireNonNull(rule, "rule");
    Objects.requireNonNull(severity, "severity");
    Objects.requireNonNull(evidence, "evidence");
  }
}
