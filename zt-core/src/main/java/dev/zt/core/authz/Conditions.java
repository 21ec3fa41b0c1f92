package dev.zt.core.authz;

import dev.zt.core.Caller;
import dev.zt.core.policy.Requirement;

import java.math.BigDecimal;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The kinds of {@link Condition}: package-private, so only its checked factories make them. */
final class Conditions {

  private Conditions() {}

  enum Always implements Condition {
    INSTANCE;

    @Override
    public boolean test(Caller caller, Resource resource) {
      return true;
    }

    @Override
    public String toString() {
      return "always";
    }
  }

  /** {@link Condition#owner(String)} (claim {@code sub}) and {@link Condition#attributeEqualsClaim}. */
  record AttributeEqualsClaim(String attribute, String claimPath) implements Condition {
    @Override
    public boolean test(Caller caller, Resource resource) {
      Object value = resource.attributes().get(attribute);
      if (value == null || !caller.isAuthenticated()) {
        return false;
      }
      if (claimPath.equals("sub")) {
        Optional<String> sub = caller.subject();
        return sub.isPresent() && value instanceof String s && s.equals(sub.get());
      }
      Optional<Object> claim = caller.credential().flatMap(c -> c.claimAtPath(claimPath));
      return claim.isPresent() && sameJsonScalar(value, claim.get());
    }

    @Override
    public String toString() {
      return claimPath.equals("sub") ? "owner(" + attribute + ")"
          : "attributeEqualsClaim(" + attribute + ", " + claimPath + ")";
    }
  }

  record AnyRole(Set<String> roles) implements Condition {
    @Override
    public boolean test(Caller caller, Resource resource) {
      for (String r : roles) {
        if (caller.hasRole(r)) {
          return true;
        }
      }
      return false;
    }

    @Override
    public String toString() {
      return "anyRole" + roles;
    }
  }

  record AnyScope(Set<String> scopes) implements Condition {
    @Override
    public boolean test(Caller caller, Resource resource) {
      for (String s : scopes) {
        if (caller.hasScope(s)) {
          return true;
        }
      }
      return false;
    }

    @Override
    public String toString() {
      return "anyScope" + scopes;
    }
  }

  record ClaimEquals(String claimPath, Object value, Requirement requirement) implements Condition {
    @Override
    public boolean test(Caller caller, Resource resource) {
      return caller.isAuthenticated() && requirement.admits(caller);
    }

    @Override
    public String toString() {
      return "claimEquals(" + claimPath + ", " + value + ")";
    }
  }

  record Workload(Set<String> patterns, Requirement requirement) implements Condition {
    @Override
    public boolean test(Caller caller, Resource resource) {
      return caller.workload().isPresent() && requirement.admits(caller);
    }

    @Override
    public String toString() {
      return "workload" + patterns;
    }
  }

  record And(Condition left, Condition right) implements Condition {
    @Override
    public boolean test(Caller caller, Resource resource) {
      return left.test(caller, resource) && right.test(caller, resource);
    }

    @Override
    public String toString() {
      return "(" + left + " and " + right + ")";
    }
  }

  record Or(Condition left, Condition right) implements Condition {
    @Override
    public boolean test(Caller caller, Resource resource) {
      return left.test(caller, resource) || right.test(caller, resource);
    }

    @Override
    public String toString() {
      return "(" + left + " or " + right + ")";
    }
  }

  record Not(Condition condition) implements Condition {
    @Override
    public boolean test(Caller caller, Resource resource) {
      return !condition.test(caller, resource);
    }

    @Override
    public String toString() {
      return "not " + condition;
    }
  }

  static boolean sameJsonScalar(Object a, Object b) {
    if (a instanceof Map || b instanceof Map || a instanceof Collection || b instanceof Collection) {
      return false;
    }
    if (a instanceof Number x && b instanceof Number y) {
      try {
        return new BigDecimal(x.toString()).compareTo(new BigDecimal(y.toString())) == 0;
      } catch (NumberFormatException e) {
        return false; // NaN, infinity
      }
    }
    return a.equals(b);
  }
}
