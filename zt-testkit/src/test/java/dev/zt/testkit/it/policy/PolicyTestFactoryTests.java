package dev.zt.testkit.it.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.zt.policy.InvalidPolicyException;
import dev.zt.policy.PolicyFile;
import dev.zt.policy.PolicyExtensions;
import dev.zt.testkit.TestClock;
import dev.zt.testkit.TestIssuer;
import dev.zt.testkit.TestKey;
import dev.zt.testkit.policy.PolicyTestFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link PolicyTestFactory}: a policy file's embedded tests as JUnit dynamic tests whose tokens the in-process
 * {@link TestIssuer} signs and the file's enforcer validates against the keys it fetches from that issuer, then a
 * coverage test that fails on an untested rule.
 */
class PolicyTestFactoryTests {

  static final String FILE = """
      version: 1
      issuers:
        - issuer: ${ZT_ISSUER}
          audience: orders-api
      routes:
        - method: GET
          path: /orders
          require:
            all_scopes: [orders:read]
        - method: GET
          path: /health
          require:
            permit_all: true
      """;

  static final String BOTH_RULES_TESTED = """
      tests:
        - name: reader
          request: GET /orders
          claims: {sub: alice, scope: orders:read}
          expect: {allow: true, rule: GET /orders}
        - name: writer cannot read
          request: GET /orders
          claims: {sub: bob, scope: orders:write}
          expect: {status: 403, reason: INSUFFICIENT_SCOPE}
        - name: anonymous
          request: GET /orders
          expect: {status: 401, reason: CREDENTIAL_MISSING}
        - name: health
          request: GET /health
          expect: {allow: true, rule: GET /health}
      """;

  private final TestClock clock = TestClock.create();

  @TempDir
  Path dir;

  private Path write(String text) throws IOException {
    return Files.writeString(dir.resolve("zt-policy.yaml"), text);
  }

  private static void execute(DynamicNode node) throws Throwable {
    ((DynamicTest) node).getExecutable().execute();
  }

  /** The orders sample's own tests, run the way a user's build would run them. */
  @TestFactory
  Stream<DynamicNode> testsWhenSampleFileThenEachEmbeddedTestRunsAndPasses() throws InvalidPolicyException {
    return PolicyTestFactory.forFile(SamplePolicyTests.SAMPLE).env(Map.of("ZT_AUDIENCE", "orders-api"))
        .extensions(SampleSignals.extensions()).build().tests();
  }

  @Test
  void testsWhenTableRightThenEveryDynamicTestPassesAndCoverageIsLast() throws Throwable {
    Path file = write(FILE + BOTH_RULES_TESTED);

    List<DynamicNode> nodes = PolicyTestFactory.forFile(file).clock(clock).build().tests().toList();

    assertThat(nodes).extracting(DynamicNode::getDisplayName)
        .containsExactly("reader", "writer cannot read", "anonymous", "health", "every rule is tested");
    assertThat(nodes.get(0).getTestSourceUri()).hasValueSatisfying(u -> assertThat(u.toString())
        .endsWith("zt-policy.yaml?line=15"));
    for (DynamicNode node : nodes) {
      assertThatCode(() -> execute(node)).as(node.getDisplayName()).doesNotThrowAnyException();
    }
  }

  @Test
  void testsWhenExpectationWrongThenThatDynamicTestFailsWithTheDifference() throws Throwable {
    Path file = write(FILE + """
        tests:
          - name: health
            request: GET /health
            expect: {allow: true}
          - name: wrong
            request: GET /health
            expect: {status: 401}
        """);

    List<DynamicNode> nodes = PolicyTestFactory.forFile(file).clock(clock).build().tests().toList();

    assertThatCode(() -> execute(nodes.get(0))).doesNotThrowAnyException();
    assertThatThrownBy(() -> execute(nodes.get(1))).isInstanceOf(AssertionError.class)
        .hasMessageContaining("zt-policy.yaml:18").hasMessageContaining("GET /health")
        .hasMessageContaining("expected status 401, got 200");
  }

  @Test
  void coverageWhenRuleUntestedThenFailsNamingIt() throws Throwable {
    Path file = write(FILE + """
        tests:
          - name: health
            request: GET /health
            expect: {allow: true}
        """);

    assertThatThrownBy(() -> PolicyTestFactory.forFile(file).clock(clock).build().coverage().getExecutable()
        .execute()).isInstanceOf(AssertionError.class).hasMessageContaining("'GET /orders' (line 6)")
        .hasMessageNotContaining("GET /health");
  }

  @Test
  void coverageWhenEveryRuleTestedThenPasses() throws Throwable {
    Path file = write(FILE + BOTH_RULES_TESTED);

    DynamicTest coverage = PolicyTestFactory.forFile(file).clock(clock).build().coverage();

    assertThatCode(() -> coverage.getExecutable().execute()).doesNotThrowAnyException();
  }

  @Test
  void testsWhenGivenIssuerThenItsKeysAreFetchedAndItsTokensValidated() throws Throwable {
    Path file = write(FILE + BOTH_RULES_TESTED);
    try (TestIssuer issuer = TestIssuer.start(clock, TestKey.ec256())) {
      List<DynamicNode> nodes = PolicyTestFactory.forFile(file).issuer(issuer).clock(clock).build().tests().toList();

      assertThatCode(() -> execute(nodes.get(0))).doesNotThrowAnyException();
      assertThat(issuer.jwksRequests()).isPositive(); // the enforcer asked the test issuer for its keys
    }
  }

  /** Validation is real: a token signed by a key the issuer does not publish is refused, and the test says so. */
  @Test
  void testsWhenSigningKeyNotPublishedThenTokenRefusedAndAllowTestFails() throws Throwable {
    Path file = write(FILE + BOTH_RULES_TESTED);
    try (TestIssuer issuer = TestIssuer.start(clock)) {
      issuer.retire(issuer.rotate()); // signs with a key its JWKS no longer lists

      List<DynamicNode> nodes = PolicyTestFactory.forFile(file).issuer(issuer).clock(clock).build().tests().toList();

      assertThatThrownBy(() -> execute(nodes.get(0))).isInstanceOf(AssertionError.class)
          .hasMessageContaining("zt-policy.yaml:15").hasMessageContaining("expected an allow")
          .hasMessageContaining("TOKEN_KEY_UNKNOWN");
      assertThatCode(() -> execute(nodes.get(2))).doesNotThrowAnyException(); // anonymous: no token to refuse
    }
  }

  /** Tokens are stamped by the harness clock: expired under it, they are refused. */
  @Test
  void testsWhenExpClaimInThePastThenTokenRefusedAsExpired() throws Throwable {
    Path file = write(FILE + """
        tests:
          - name: expired reader
            request: GET /orders
            claims: {sub: alice, scope: orders:read, exp: %d}
            expect: {status: 401, reason: TOKEN_EXPIRED}
        """.formatted(clock.instant().minusSeconds(600).getEpochSecond()));

    List<DynamicNode> nodes = PolicyTestFactory.forFile(file).clock(clock).build().tests().toList();

    assertThatCode(() -> execute(nodes.get(0))).doesNotThrowAnyException();
  }

  @Test
  void testsWhenOtherIssuerVariableThenThatVariablePointsAtTheTestIssuer() throws Throwable {
    Path file = write(FILE.replace("${ZT_ISSUER}", "${IDP}").replace("orders-api", "${AUD}") + BOTH_RULES_TESTED);

    List<DynamicNode> nodes = PolicyTestFactory.forFile(file).issuerVariable("IDP").env(Map.of("AUD", "orders-api"))
        .clock(clock).build().tests().toList();

    for (DynamicNode node : nodes) {
      assertThatCode(() -> execute(node)).as(node.getDisplayName()).doesNotThrowAnyException();
    }
  }

  @Test
  void testsWhenFileNamesAFixedIssuerThenRefusedNamingTheVariable() throws Throwable {
    Path file = write(FILE.replace("${ZT_ISSUER}", "https://issuer.example") + BOTH_RULES_TESTED);

    assertThatThrownBy(() -> PolicyTestFactory.forFile(file).build().tests()).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("no issuer is ${ZT_ISSUER}");
  }

  @Test
  void testsWhenFileInvalidThenThrowsItsProblems() throws Throwable {
    Path file = write(FILE.replace("${ZT_ISSUER}", "${UNSET}"));

    assertThatThrownBy(() -> PolicyTestFactory.forFile(file).build().tests())
        .isInstanceOf(InvalidPolicyException.class).hasMessageContaining("UNSET");
  }

  @Test
  void buildWhenEnvSetsTheIssuerVariableThenFails() {
    assertThatThrownBy(() -> PolicyTestFactory.forFile(Path.of("zt-policy.yaml"))
        .env(Map.of("ZT_ISSUER", "https://elsewhere.example")).build()).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("ZT_ISSUER");
  }

  @Test
  void builderWhenOptionSetTwiceThenFails() {
    PolicyTestFactory.Builder b = PolicyTestFactory.forFile(Path.of("zt-policy.yaml")).clock(clock);

    assertThatThrownBy(() -> b.clock(clock)).isInstanceOf(IllegalStateException.class).hasMessageContaining("clock");
    assertThatThrownBy(() -> b.extensions(PolicyExtensions.none()).extensions(PolicyExtensions.none()))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("extensions");
  }

  /** The sample file, loaded as the harness loads it, keeps its embedded tests (the run above is not empty). */
  @Test
  void testsWhenSampleFileThenOneDynamicTestPerEmbeddedTest() throws Exception {
    PolicyFile sample = PolicyFile.load(SamplePolicyTests.SAMPLE, SamplePolicyTests.ENV, SampleSignals.extensions());

    long nodes = PolicyTestFactory.forFile(SamplePolicyTests.SAMPLE).env(Map.of("ZT_AUDIENCE", "orders-api"))
        .extensions(SampleSignals.extensions()).build().tests().count();

    assertThat(nodes).isEqualTo(sample.tests().size() + 1);
  }
}
