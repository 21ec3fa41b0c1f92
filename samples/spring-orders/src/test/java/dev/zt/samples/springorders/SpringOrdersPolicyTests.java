package dev.zt.samples.springorders;

import dev.zt.policy.InvalidPolicyException;
import dev.zt.testkit.policy.PolicyTestFactory;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.TestFactory;

/**
 * The embedded tests of the policy file inside the jar (orders-service's and the actuator's), with real tokens, and
 * the coverage check: every route and object rule is shown deciding by at least one test.
 */
class SpringOrdersPolicyTests {

  @TestFactory
  Stream<DynamicNode> policyFileWhenItsEmbeddedTestsRunThenEachHoldsAndEveryRuleIsCovered()
      throws InvalidPolicyException {
    return PolicyTestFactory.forFile(Path.of("src/main/resources/zt-policy.yaml"))
        .env(Map.of("ZT_AUDIENCE", "orders-api")).build().tests();
  }
}
