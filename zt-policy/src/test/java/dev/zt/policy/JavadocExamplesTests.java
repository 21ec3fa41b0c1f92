package dev.zt.policy;

import dev.zt.apicheck.JavadocExamples;
import org.junit.jupiter.api.Test;

/** zt-policy's Javadoc examples, compiled here; {@link JavadocExamples} fails when one is not. */
class JavadocExamplesTests {

  @Test
  void javadocWhenScannedThenEveryExampleIsCompiledHere() {
    JavadocExamples.assertEveryExampleCompiles();
  }
}
