package dev.zt.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** The embedded tests as JUnit dynamic tests, with a coverage test that fails on an untested rule. */
class PolicyTestFactoryTests {

  /** The sample's own tests, run the way a user's build would run them. */
  @TestFactory
  Stream<DynamicNode> testsWhenSampleFileThenEachEmbeddedTestRunsAndPasses() throws Exception {
    return PolicyTestFactory.of(PolicyFile.load(SamplePolicyTests.SAMPLE, SamplePolicyTests.ENV,
        SampleSignals.extensions())).tests();
  }

  @Test
  void testsWhenFileThenOneDynamicTestPerEmbeddedTestAndCoverageLast() throws Exception {
    PolicyFile file = PolicyFile.load(SamplePolicyTests.SAMPLE, SamplePolicyTests.ENV, SampleSignals.extensions());

    List<DynamicNode> nodes = PolicyTestFactory.of(file).tests().toList();

    assertThat(nodes).hasSize(file.tests().size() + 1);
    assertThat(nodes.get(0).getDisplayName()).isEqualTo(file.tests().get(0).name());
    assertThat(nodes.get(0).getTestSourceUri()).hasValueSatisfying(u -> assertThat(u.toString())
        .endsWith("zt-policy.yaml?line=" + file.tests().get(0).line()));
    assertThat(nodes.get(nodes.size() - 1).getDisplayName()).isEqualTo("every rule is tested");
  }

  @Test
  void testsWhenEmbeddedTestFailsThenItsDynamicTestThrowsWithTheDifference() throws Exception {
    PolicyFile file = PolicyTestsTests.parse("""
          - name: wrong
            request: GET /health
            expect: {status: 401}
        """);

    DynamicTest first = (DynamicTest) PolicyTestFactory.of(file).tests().findFirst().orElseThrow();

    assertThatThrownBy(() -> first.getExecutable().execute()).isInstanceOf(AssertionError.class)
        .hasMessageContaining("GET /health").hasMessageContaining("expected status 401, got 200");
  }

  @Test
  void coverageWhenRuleUntestedThenFailsNamingIt() throws Exception {
    PolicyFile file = PolicyTestsTests.parse("""
          - name: health
            request: GET /health
            expect: {allow: true}
        """);

    assertThatThrownBy(() -> PolicyTestFactory.of(file).coverage().getExecutable().execute())
        .isInstanceOf(AssertionError.class).hasMessageContaining("'GET /orders' (line 6)")
        .hasMessageNotContaining("GET /health");
  }

  @Test
  void coverageWhenEveryRuleTestedThenPasses() throws Exception {
    PolicyFile file = PolicyTestsTests.parse("""
          - name: health
            request: GET /health
            expect: {allow: true}
          - name: orders
            request: GET /orders
            expect: {status: 401}
        """);

    assertThatCode(() -> PolicyTestFactory.of(file).coverage().getExecutable().execute()).doesNotThrowAnyException();
  }
}
