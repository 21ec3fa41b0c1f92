package dev.zt.testkit;

import dev.zt.core.Decision;
import dev.zt.core.DenyReason;
import java.util.List;
import org.assertj.core.api.AbstractAssert;

/**
 * AssertJ assertions on a {@link Decision}; start with {@link ZtAssertions#assertThatDecision(Decision)}.
 *
 * @since 0.1
 */
public final class DecisionAssert extends AbstractAssert<DecisionAssert, Decision> {

  DecisionAssert(Decision actual) {
    super(actual, DecisionAssert.class);
  }

  /** The request was allowed. */
  public DecisionAssert isAllowed() {
    isNotNull();
    if (!(actual instanceof Decision.Allow)) {
      failWithMessage("Expected the request to be allowed but it was denied: %s", actual);
    }
    return this;
  }

  /** The request was denied, for any reason. */
  public DecisionAssert isDenied() {
    isNotNull();
    if (!(actual instanceof Decision.Deny)) {
      failWithMessage("Expected the request to be denied but it was allowed: %s", actual);
    }
    return this;
  }

  /** The request was denied for exactly {@code reason}. */
  public DecisionAssert isDeniedWith(DenyReason reason) {
    isDenied();
    DenyReason got = ((Decision.Deny) actual).reason();
    if (got != reason) {
      failWithMessage("Expected a denial for %s but it was denied for %s (%s)", reason, got, actual);
    }
    return this;
  }

  /** The denial is answered with {@code status}. */
  public DecisionAssert hasStatus(int status) {
    isDenied();
    int got = ((Decision.Deny) actual).status();
    if (got != status) {
      failWithMessage("Expected status %s but was %s (%s)", status, got, actual);
    }
    return this;
  }

  /** The rule that decided has id {@code rule}. */
  public DecisionAssert byRule(String rule) {
    isNotNull();
    if (!actual.rule().equals(rule)) {
      failWithMessage("Expected the decision by rule <%s> but it was by <%s>", rule, actual.rule());
    }
    return this;
  }

  /** The denying gate is {@code gate}. */
  public DecisionAssert byGate(String gate) {
    isDenied();
    String got = ((Decision.Deny) actual).gate();
    if (!got.equals(gate)) {
      failWithMessage("Expected the denial by gate <%s> but it was by <%s>", gate, got);
    }
    return this;
  }

  /** The denial names exactly these required scopes. */
  public DecisionAssert requiringScopes(String... scopes) {
    isDenied();
    List<String> got = ((Decision.Deny) actual).requiredScopes();
    if (!got.equals(List.of(scopes))) {
      failWithMessage("Expected required scopes %s but were %s", List.of(scopes), got);
    }
    return this;
  }

  /** The request was allowed for the caller with {@code sub} = {@code subject}. */
  public DecisionAssert isAllowedFor(String subject) {
    isAllowed();
    String got = ((Decision.Allow) actual).caller().subject().orElse(null);
    if (!subject.equals(got)) {
      failWithMessage("Expected the request to be allowed for <%s> but the caller was <%s>", subject, got);
    }
    return this;
  }
}
