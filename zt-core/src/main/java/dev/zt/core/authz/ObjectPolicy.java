package dev.zt.core.authz;

import dev.zt.core.Caller;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Object-level rules (OWASP API1, broken object-level authorization): may this caller do this action on this resource?
 * Rules are about a resource type and listed actions, with a {@link Condition} comparing the caller with the
 * resource. <b>Forbid wins over permit</b>: an applicable forbid rule denies whatever permits; without an applicable
 * permit the answer is deny (rule id {@code default-deny}). Shadow rules are evaluated and audited (would permit,
 * would forbid) and never decide. Immutable; {@link Builder#build()} refuses duplicate ids and a policy without a
 * permit rule (it could only deny).
 *
 * <pre>{@code
 * ObjectPolicy objects = ObjectPolicy.builder()
 *     .permit("owner-reads", "order", Set.of("read"), Condition.owner("owner"))
 *     .permit("admin-reads", "order", Set.of("read"), Condition.anyRole("admin"))
 *     .forbid("other-tenant", "order", Set.of("read"), Condition.not(Condition.attributeEqualsClaim("tenant", "tenant")))
 *     .build();
 * }</pre>
 *
 * @since 0.3
 */
public final class ObjectPolicy {

  /** The rule id of a denial no permit rule applied to. */
  public static final String DEFAULT_DENY = "default-deny";

  private final List<ObjectRule> rules;
  private final Map<String, ObjectRule[]> byType;
  private final Set<String> withShadows = new HashSet<>();

  private ObjectPolicy(List<ObjectRule> rules) {
    this.rules = List.copyOf(rules);
    Map<String, List<ObjectRule>> grouped = new HashMap<>();
    for (ObjectRule r : rules) {
      if (r.shadow()) {
        withShadows.add(r.resourceType());
      }
      grouped.computeIfAbsent(r.resourceType(), k -> new ArrayList<>()).add(r);
    }
    Map<String, ObjectRule[]> index = new HashMap<>();
    grouped.forEach((k, v) -> index.put(k, v.toArray(ObjectRule[]::new)));
    this.byType = Map.copyOf(index);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The rules, in the order added (shadow rules among them). */
  public List<ObjectRule> rules() {
    return rules;
  }

  /**
   * Decides whether {@code caller} may do {@code action} on {@code resource}: the first applicable forbid rule, else
   * the first applicable permit rule, else {@link #DEFAULT_DENY}; with the shadow rules that applied. Allocates
   * nothing but the result when no shadow rule applies.
   */
  public Evaluation evaluate(Caller caller, String action, Resource resource) {
    Objects.requireNonNull(caller, "caller");
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(resource, "resource");
    ObjectRule[] candidates = byType.get(resource.type());
    if (candidates == null) {
      return new Evaluation(false, DEFAULT_DENY, List.of());
    }
    ObjectRule permit = null;
    List<ObjectRule> shadows = null;
    for (ObjectRule r : candidates) {
      if (!r.covers(action) || (!r.shadow() && permit != null && r.effect() == ObjectRule.Effect.PERMIT)) {
        continue;
      }
      if (!r.condition().test(caller, resource)) {
        continue;
      }
      if (r.shadow()) {
        if (shadows == null) {
          shadows = new ArrayList<>(2);
        }
        shadows.add(r);
      } else if (r.effect() == ObjectRule.Effect.FORBID) {
        return new Evaluation(false, r.id(), !withShadows.contains(resource.type()) ? List.of()
            : shadowsAfter(r, candidates, shadows == null ? new ArrayList<>(2) : shadows, caller, action, resource));
      } else {
        permit = r;
      }
    }
    List<ObjectRule> s = shadows == null ? List.of() : List.copyOf(shadows);
    return permit == null ? new Evaluation(false, DEFAULT_DENY, s) : new Evaluation(true, permit.id(), s);
  }

  /** After a forbid decided: the shadow rules found so far and those after it (every shadow rule is evaluated). */
  private static List<ObjectRule> shadowsAfter(ObjectRule decided, ObjectRule[] candidates, List<ObjectRule> found,
      Caller caller, String action, Resource resource) {
    boolean after = false;
    for (ObjectRule r : candidates) {
      if (r == decided) {
        after = true;
      } else if (after && r.shadow() && r.covers(action) && r.condition().test(caller, resource)) {
        found.add(r);
      }
    }
    return List.copyOf(found);
  }

  /**
   * The outcome of {@link #evaluate}.
   *
   * @param permitted whether a permit rule applied and no forbid rule did
   * @param ruleId the deciding rule: the forbid or permit rule, or {@link #DEFAULT_DENY}
   * @param shadows the shadow rules that applied (each would have had its effect), in order
   */
  public record Evaluation(boolean permitted, String ruleId, List<ObjectRule> shadows) {
    public Evaluation {
      Objects.requireNonNull(ruleId, "ruleId");
      shadows = List.copyOf(shadows);
    }
  }

  @Override
  public String toString() {
    return "ObjectPolicy" + rules.stream().map(ObjectRule::id).toList();
  }

  /** Collects rules; set-once per id. */
  public static final class Builder {
    private final List<ObjectRule> rules = new ArrayList<>();
    private final Set<String> ids = new HashSet<>();

    private Builder() {}

    /** Permits {@code actions} on resources of {@code resourceType} when {@code when} holds. */
    public Builder permit(String id, String resourceType, Set<String> actions, Condition when) {
      return add(new ObjectRule(id, ObjectRule.Effect.PERMIT, resourceType, actions, when, false));
    }

    /** Forbids {@code actions} on resources of {@code resourceType} when {@code when} holds: wins over any permit. */
    public Builder forbid(String id, String resourceType, Set<String> actions, Condition when) {
      return add(new ObjectRule(id, ObjectRule.Effect.FORBID, resourceType, actions, when, false));
    }

    /** A dry-run permit: audited as "would permit" when it applies, never deciding. */
    public Builder shadowPermit(String id, String resourceType, Set<String> actions, Condition when) {
      return add(new ObjectRule(id, ObjectRule.Effect.PERMIT, resourceType, actions, when, true));
    }

    /** A dry-run forbid: audited as "would forbid" when it applies, never deciding. */
    public Builder shadowForbid(String id, String resourceType, Set<String> actions, Condition when) {
      return add(new ObjectRule(id, ObjectRule.Effect.FORBID, resourceType, actions, when, true));
    }

    private Builder add(ObjectRule rule) {
      if (rule.id().equals(DEFAULT_DENY)) {
        throw new IllegalArgumentException("'" + DEFAULT_DENY + "' is the id of denials no rule permitted; pick "
            + "another");
      }
      if (!ids.add(rule.id())) {
        throw new IllegalStateException("two object rules share the id '" + rule.id() + "'");
      }
      rules.add(rule);
      return this;
    }

    /**
     * The policy.
     *
     * @throws IllegalStateException when no rule permits anything (every check would be denied)
     */
    public ObjectPolicy build() {
      if (rules.stream().noneMatch(r -> !r.shadow() && r.effect() == ObjectRule.Effect.PERMIT)) {
        throw new IllegalStateException("the object policy has no permit rule, so every check would be denied; add "
            + "one with permit(…)");
      }
      return new ObjectPolicy(rules);
    }
  }
}
