package dev.zt.testkit.it.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zt.policy.PolicyFile;
import dev.zt.policy.PolicyLint;
import dev.zt.policy.PolicyTestReport;
import dev.zt.policy.PolicyTests;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The orders sample's shipped zt-policy.yaml loads with its environment and passes its embedded tests. */
class SamplePolicyTests {

  static final Path SAMPLE = Path.of("..", "samples", "orders-service", "zt-policy.yaml");
  static final Map<String, String> ENV = Map.of("ZT_ISSUER", "https://issuer.example", "ZT_AUDIENCE", "orders-api");

  @Test
  void runWhenSampleFileThenEveryEmbeddedTestPasses() throws Exception {
    PolicyFile file = PolicyFile.load(SAMPLE, ENV, SampleSignals.extensions());

    PolicyTestReport report = PolicyTests.run(file);

    assertThat(report.results()).hasSizeGreaterThanOrEqualTo(10);
    assertThat(report.failures()).as(() -> report.failures().stream()
        .map(r -> r.test().name() + ": " + r.message() + " (" + r.actual() + ")").toList().toString()).isEmpty();
    assertThat(file.revision()).startsWith("sha256:").hasSize(7 + 64);
  }

  @Test
  void checkWhenSampleFileThenNoFindings() throws Exception {
    PolicyFile file = PolicyFile.load(SAMPLE, ENV, SampleSignals.extensions());

    assertThat(PolicyLint.check(file)).isEmpty();
  }
}
