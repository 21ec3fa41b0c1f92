package dev.zt.policy;

import dev.zt.core.policy.Requirement;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Finds what a valid policy file probably gets wrong: route rules that can never match because an earlier rule
 * covers them ({@code shadowed}, an error: loading refuses such a file, so lint reads it on its own), public routes
 * punched into a protected prefix ({@code public-under-protected}), a {@code *} written as a literal in a path,
 * scope or role ({@code star-literal}: zt has no wildcards there, only {@code {*}} and {@code {**}} path segments),
 * rules no embedded test reaches ({@code untested}: the embedded tests are run to see which rule decides each) and
 * tests naming a rule the file does not have ({@code unknown-rule}).
 *
 * @since 0.3
 */
public final class PolicyLint {

  private static final Pattern CAPTURE = Pattern.compile("\\{[^}]*}");
  /** What a route rule's generated id looks like; other ids (explicit ones, gates' own) are not second-guessed. */
  private static final Pattern ROUTE_ID = Pattern.compile("([A-Z,]+|\\*|PREFLIGHT) /.*");

  private PolicyLint() {}

  /** The findings for a loaded file, in file order; runs its embedded tests for coverage. */
  public static List<PolicyFinding> check(PolicyFile file) {
    List<PolicyFinding> out = new ArrayList<>();
    common(file.recipe(), out);
    coverage(file, out);
    return List.copyOf(out);
  }

  /**
   * The findings for {@code text}, which may be a file {@link PolicyFile#parse} refuses only because a rule is
   * shadowed: then the {@code shadowed} errors are reported, coverage is not (the file cannot run).
   *
   * @throws InvalidPolicyException for any other problem (syntax, schema, environment, builders)
   */
  public static List<PolicyFinding> check(String name, String text, Map<String, String> env,
      PolicyExtensions extensions) throws InvalidPolicyException {
    Recipe recipe = PolicyFile.parse(name, text.getBytes(StandardCharsets.UTF_8), env, extensions, true).recipe();
    if (recipe.shadowed().isEmpty()) {
      return check(PolicyFile.parse(name, text, env, extensions));
    }
    List<PolicyFinding> out = new ArrayList<>(recipe.shadowed());
    common(recipe, out);
    return List.copyOf(out);
  }

  private static void common(Recipe recipe, List<PolicyFinding> out) {
    List<Recipe.ParsedRoute> routes = recipe.routes().stream().filter(r -> !r.shadow()).toList();
    for (Recipe.ParsedRoute r : routes) {
      if (CAPTURE.matcher(r.path()).replaceAll("").contains("*")) {
        out.add(finding(PolicyFinding.Severity.WARNING, "star-literal", r, "the path '" + r.path()
            + "' holds a literal '*', which matches only a '*' in a request; a segment wildcard is {*}, a tail {**}"));
      }
      for (String name : names(r.requirement())) {
        if (name.contains("*")) {
          out.add(finding(PolicyFinding.Severity.WARNING, "star-literal", r, "'" + name
              + "' is compared exactly: a '*' in a scope or role is not a wildcard"));
        }
      }
      if (r.requirement().isPublic() && !r.preflight()) {
        for (Recipe.ParsedRoute q : routes) {
          if (q != r && !q.requirement().isPublic() && !q.preflight()
              && q.path().endsWith("{**}") && methodsOverlap(q, r) && q.requirement() != r.requirement()
              && dev.zt.core.policy.PathPattern.parse(q.path()).covers(dev.zt.core.policy.PathPattern.parse(r.path()))) {
            out.add(finding(PolicyFinding.Severity.WARNING, "public-under-protected", r, "public route under '"
                + q.id() + "', which protects the prefix: check that '" + r.path() + "' is meant to be public"));
            break;
          }
        }
      }
    }
  }

  private static void coverage(PolicyFile file, List<PolicyFinding> out) {
    Set<String> reached = new HashSet<>();
    Set<String> ids = new HashSet<>();
    file.recipe().routes().forEach(r -> ids.add(r.id()));
    if (!file.tests().isEmpty()) {
      for (PolicyTestResult r : PolicyTests.run(file).results()) {
        reached.add(r.rule());
      }
    }
    for (PolicyTestCase t : file.tests()) {
      t.expected().rule().filter(id -> !ids.contains(id) && ROUTE_ID.matcher(id).matches()).ifPresent(id -> out.add(new PolicyFinding(
          PolicyFinding.Severity.WARNING, "unknown-rule", id, t.pointer(), t.line(), "test '" + t.name()
          + "' expects rule '" + id + "', which the file does not have")));
    }
    for (Recipe.ParsedRoute r : file.recipe().routes()) {
      if (!r.shadow() && !reached.contains(r.id())) {
        out.add(finding(PolicyFinding.Severity.WARNING, "untested", r, "no embedded test is decided by this rule"));
      }
    }
    for (Recipe.ObjectRuleAt r : file.recipe().objectRules()) {
      if (!r.shadow() && !reached.contains(r.id())) {
        out.add(new PolicyFinding(PolicyFinding.Severity.WARNING, "untested", r.id(), r.pointer(), r.line(),
            "no embedded test's object check is decided by this rule"));
      }
    }
  }

  private static boolean methodsOverlap(Recipe.ParsedRoute a, Recipe.ParsedRoute b) {
    if (a.anyMethod() || b.anyMethod()) {
      return true;
    }
    Set<String> am = new HashSet<>(a.methods());
    Set<String> bm = new HashSet<>(b.methods());
    if (am.contains("GET")) {
      am.add("HEAD");
    }
    if (bm.contains("GET")) {
      bm.add("HEAD");
    }
    am.retainAll(bm);
    return !am.isEmpty();
  }

  private static List<String> names(Requirement r) {
    List<String> out = new ArrayList<>();
    if (r instanceof Requirement.AllOf all) {
      all.parts().forEach(p -> out.addAll(names(p)));
    } else if (r instanceof Requirement.Scopes s) {
      out.addAll(s.scopes());
    } else if (r instanceof Requirement.Roles roles) {
      out.addAll(roles.roles());
    }
    return out;
  }

  private static PolicyFinding finding(PolicyFinding.Severity s, String check, Recipe.ParsedRoute r, String message) {
    return new PolicyFinding(s, check, r.id(), r.pointer(), r.line(), message);
  }
}
