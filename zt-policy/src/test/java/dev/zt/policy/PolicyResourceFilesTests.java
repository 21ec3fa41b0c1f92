package dev.zt.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The policy files under src/test/resources/policies: a file using every section, and a shadowed rule. */
class PolicyResourceFilesTests {

  static final Path DIR = Path.of("src", "test", "resources", "policies");

  @Test
  void loadWhenEverySectionThenEnforcerBuildsAndTestsPass() throws Exception {
    PolicyFile file = PolicyFile.load(DIR.resolve("full.yaml"), Map.of(), PolicyExtensions.none());

    assertThat(file.rules()).extracting(PolicyRule::id).containsExactly("GET /health", "reports",
        "POST /payments", "* /internal/{**}", "PREFLIGHT /reports/{**}");
    assertThat(file.enforcerBuilder().build().publicOrigin()).isPresent();
    assertThat(PolicyTests.run(file).passed()).isTrue();
  }

  @Test
  void loadWhenRuleShadowedThenRefusedAndLintReportsIt() throws Exception {
    Path shadowed = DIR.resolve("shadowed.yaml");

    assertThatThrownBy(() -> PolicyFile.load(shadowed, Map.of(), PolicyExtensions.none()))
        .isInstanceOf(InvalidPolicyException.class).hasMessageContaining("shadowed.yaml:10: /routes/1: ");
    assertThat(PolicyLint.check("shadowed.yaml", Files.readString(shadowed), Map.of(), PolicyExtensions.none()))
        .anySatisfy(f -> {
          assertThat(f.check()).isEqualTo("shadowed");
          assertThat(f.severity()).isEqualTo(PolicyFinding.Severity.ERROR);
        });
  }
}
