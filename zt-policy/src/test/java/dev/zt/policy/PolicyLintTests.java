package dev.zt.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Lint: shadowed rules (which loading refuses), public holes in protected prefixes, '*' literals, coverage. */
class PolicyLintTests {

  static List<PolicyFinding> lint(String text) throws InvalidPolicyException {
    return PolicyLint.check("p.yaml", text, Map.of(), PolicyExtensions.none());
  }

  @Test
  void checkWhenRuleShadowedThenErrorFindingThoughLoadRefusesIt() throws Exception {
    String text = PolicyFileTests.SHADOWED;

    List<PolicyFinding> findings = lint(text);

    assertThat(findings).filteredOn(f -> f.check().equals("shadowed")).singleElement().satisfies(f -> {
      assertThat(f.severity()).isEqualTo(PolicyFinding.Severity.ERROR);
      assertThat(f.rule()).isEqualTo("GET /docs/secret");
      assertThat(f.line()).isEqualTo(9);
    });
  }

  @Test
  void checkWhenPublicRouteUnderProtectedPrefixThenWarning() throws Exception {
    String text = PolicyFileTests.HEAD + """
        routes:
          - method: GET
            path: /admin/health
            require: {permit_all: true}
          - method: GET
            path: /admin/{**}
            require: {all_roles: [admin]}
        """;

    assertThat(lint(text)).filteredOn(f -> f.check().equals("public-under-protected")).singleElement()
        .satisfies(f -> assertThat(f.rule()).isEqualTo("GET /admin/health"));
  }

  @Test
  void checkWhenStarInScopeThenWarning() throws Exception {
    String text = PolicyFileTests.HEAD + """
        routes:
          - method: GET
            path: /orders
            require: {any_scope: ["orders:*"]}
        """;

    assertThat(lint(text)).filteredOn(f -> f.check().equals("star-literal")).singleElement()
        .satisfies(f -> assertThat(f.message()).contains("orders:*"));
  }

  @Test
  void checkWhenRouteHasNoTestThenUntested() throws Exception {
    String text = PolicyFileTests.HEAD + PolicyFileTests.ROUTES + """
        tests:
          - name: health
            request: GET /health
            expect: {allow: true}
          - name: a typo in the rule
            request: GET /health
            expect: {rule: GET /helth}
        """;

    List<PolicyFinding> findings = lint(text);

    assertThat(findings).filteredOn(f -> f.check().equals("untested")).extracting(PolicyFinding::rule)
        .containsExactly("GET /orders");
    assertThat(findings).filteredOn(f -> f.check().equals("unknown-rule")).extracting(PolicyFinding::rule)
        .containsExactly("GET /helth");
  }

  @Test
  void checkWhenCleanThenNoFindings() throws Exception {
    String text = PolicyFileTests.HEAD + PolicyFileTests.ROUTES + """
        tests:
          - name: health
            request: GET /health
            expect: {allow: true}
          - name: orders
            request: GET /orders
            expect: {status: 401}
        """;

    assertThat(lint(text)).isEmpty();
  }
}
