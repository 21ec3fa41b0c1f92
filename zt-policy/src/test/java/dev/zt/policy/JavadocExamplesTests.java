package dev.zt.policy;

import dev.zt.apicheck.JavadocExamples;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** zt-policy's Javadoc examples, compiled here; {@link JavadocExamples} fails when one is not. */
class JavadocExamplesTests {

  @Test
  void javadocWhenScannedThenEveryExampleIsCompiledHere() {
    JavadocExamples.assertEveryExampleCompiles();
  }

  /** The PolicyTestFactory example, as a user's test class would hold it (not run here: no zt-policy.yaml). */
  static final class UsersPolicy {
    private final Map<String, String> env = SamplePolicyTests.ENV;
    private final PolicyExtensions extensions = SampleSignals.extensions();

    // example: PolicyTestFactory
    @TestFactory
    Stream<DynamicNode> policy() throws InvalidPolicyException { // a JUnit @TestFactory method
      return PolicyTestFactory.of(PolicyFile.load(Path.of("zt-policy.yaml"), env, extensions)).tests();
    }
    // end example
  }
}
