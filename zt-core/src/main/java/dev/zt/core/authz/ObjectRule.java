package dev.zt.core.authz;

import java.util.Objects;
import java.util.Set;

/**
 * One object-level rule: for a resource type and some actions, permit or forbid when a {@link Condition} holds.
 * A shadow rule is a dry run: evaluated and audited, it never decides.
 *
 * @param id a unique, stable name for the audit log
 * @param effect permit or forbid
 * @param resourceType the {@link Resource#type()} it is about
 * @param actions the actions it is about, at least one, listed: {@code *} is not "any action"
 * @param condition when it applies
 * @param shadow whether it is a dry-run rule
 * @since 0.3
 */
public record ObjectRule(String id, Effect effect, String resourceType, Set<String> actions, Condition condition,
    boolean shadow) {

  /** What a rule does when it applies. Forbid wins over permit. */
  public enum Effect {
    PERMIT,
    FORBID
  }

  public ObjectRule {
    requireToken("rule id", id);
    Objects.requireNonNull(effect, "effect");
    requireToken("resource type", resourceType);
    Objects.requireNonNull(actions, "actions");
    Objects.requireNonNull(condition, "condition");
    if (actions.isEmpty()) {
      throw new IllegalArgumentException("object rule '" + id + "' names no action; an empty set is not 'any "
          + "action': list the actions");
    }
    for (String a : actions) {
      requireToken("action", a);
      if (a.equals("*") || a.equals("**")) {
        throw new IllegalArgumentException("object rule '" + id + "': '" + a + "' is not a wildcard here; list the "
            + "actions (e.g. read, update, delete)");
      }
    }
    actions = Set.copyOf(actions);
  }

  /** Whether this rule is about {@code action}. */
  public boolean covers(String action) {
    return actions.contains(action);
  }

  private static void requireToken(String what, String value) {
    if (value == null || value.isEmpty() || value.chars().anyMatch(c -> c <= 0x20 || c == 0x7f || c == '"')) {
      throw new IllegalArgumentException(what + " must be non-empty, without spaces, quotes or controls: '"
          + value + "'");
    }
  }
}
