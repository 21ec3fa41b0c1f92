package dev.zt.policy;

import java.util.Objects;

/**
 * A rule of a policy file, for lint, coverage and reports: a route rule (its id is the enforcer's rule id, e.g.
 * {@code GET /orders}) or an object rule.
 *
 * @param kind route or object
 * @param id the rule's id, as decisions name it
 * @param pointer where it is: a JSON pointer into the file ({@code /routes/2})
 * @param line its 1-based line, 0 when unknown
 * @since 0.3
 */
public record PolicyRule(Kind kind, String id, String pointer, int line) {

  public PolicyRule {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(pointer, "pointer");
  }

  /** What a rule decides. */
  public enum Kind {
    /** A route rule ({@code routes:}): method and path to a requirement. */
    ROUTE,
    /** An object rule ({@code objects:}): caller, action and resource. */
    OBJECT
  }
}
