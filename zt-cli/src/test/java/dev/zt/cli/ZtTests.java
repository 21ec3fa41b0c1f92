package dev.zt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The {@code zt} commands run in-process against the files in {@code src/test/resources}: their exit codes and what
 * they print.
 */
class ZtTests {

  private static final String ENV = "ISSUER=https://issuer.example";

  record Run(int exit, String out, String err) {}

  static Run zt(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = Zt.commandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int exit = cl.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  static String file(String name) {
    try {
      return Path.of(ZtTests.class.getResource("/" + name).toURI()).toString();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String[] with(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.add("--env");
    all.add(ENV);
    return all.toArray(String[]::new);
  }

  // ------------------------------------------------------------------------------------------------ check

  @Test
  void checkWhenTheFileIsCleanThenExitsZero() {
    Run r = zt(with("check", file("policy.yaml")));
    assertThat(r.exit()).as(r.toString()).isZero();
    assertThat(r.out()).contains("ok, no findings");
  }

  @Test
  void checkWhenTheFileHasFindingsThenListsThemAndExitsOne() {
    Run r = zt(with("check", file("policy-lint.yaml")));
    assertThat(r.exit()).as(r.toString()).isEqualTo(1);
    assertThat(r.out()).contains("star-literal").contains("'orders:*'").containsPattern("\\d+ findings?");
  }

  @Test
  void checkWhenARuleIsShadowedThenReportsItAsAnErrorFindingAndExitsOne() {
    Run r = zt(with("check", file("policy-shadowed.yaml")));
    assertThat(r.exit()).as(r.toString()).isEqualTo(1);
    assertThat(r.out()).contains("ERROR [shadowed]").contains("'GET /orders/{*}'").contains("1 error");
  }

  @Test
  void checkWhenTheFileBreaksTheSchemaThenNamesTheLineAndExitsTwo() {
    Run r = zt(with("check", file("policy-invalid.yaml")));
    assertThat(r.exit()).as(r.toString()).isEqualTo(2);
    assertThat(r.out()).contains("policy-invalid.yaml:").contains("/routes/2").contains("invalid:");
  }

  @Test
  void checkWhenNotYamlThenExitsTwo() {
    assertThat(zt(with("check", file("not-yaml.yaml"))).exit()).isEqualTo(2);
  }

  @Test
  void checkWhenTheFileIsMissingThenExitsTwo() {
    Run r = zt(with("check", "does-not-exist.yaml"));
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("zt check: cannot read does-not-exist.yaml: NoSuchFileException");
  }

  @Test
  void checkWhenAVariableIsUnsetThenExitsTwoNamingIt() {
    Run r = zt("check", file("policy.yaml"), "--env", "OTHER=x");
    if (System.getenv("ISSUER") == null) {
      assertThat(r.exit()).isEqualTo(2);
      assertThat(r.out()).contains("ISSUER");
    }
  }

  // ------------------------------------------------------------------------------------------------ test

  @Test
  void testWhenAllPassThenExitsZero() {
    Run r = zt(with("test", file("policy.yaml")));
    assertThat(r.exit()).as(r.toString()).isZero();
    assertThat(r.out()).contains("PASS  health is public").contains("4 tests, 4 passed, 0 failed, 0 errors");
  }

  @Test
  void testWhenOneFailsThenShowsExpectedAndActualAndExitsOne() {
    Run r = zt(with("test", file("policy-failing-test.yaml")));
    assertThat(r.exit()).as(r.toString()).isEqualTo(1);
    assertThat(r.out()).contains("FAIL  reader reads one order (line 27): GET /orders/42: expected deny, got allow 200")
        .contains("4 tests, 3 passed, 1 failed");
  }

  @Test
  void testWhenTheFileIsInvalidThenExitsTwo() {
    assertThat(zt(with("test", file("policy-invalid.yaml"))).exit()).isEqualTo(2);
  }

  // ------------------------------------------------------------------------------------------------ explain

  @Test
  void explainWhenAllowedThenShowsEachGateAndThatTheApplicationAnswers() {
    Run r = zt(with("explain", file("policy.yaml"), "--request", "GET /orders/42", "--claims",
        "{\"sub\":\"alice\",\"scope\":\"orders:read\"}"));
    assertThat(r.exit()).as(r.toString()).isZero();
    assertThat(r.out()).contains("request   GET /orders/42").containsPattern("credential\\s+proceed")
        .contains("decision  allow by rule 'GET /orders/{*}' for sub 'alice'").contains("the application");
  }

  @Test
  void explainWhenDeniedThenShowsTheDenyingGateAndTheExactAnswer() {
    Run r = zt(with("explain", file("policy.yaml"), "--request", "GET /orders/42", "--claims",
        "{\"sub\":\"bob\",\"scope\":\"billing:read\"}", "--header", "X-Trace: 1"));
    assertThat(r.exit()).as(r.toString()).isZero();
    assertThat(r.out()).containsPattern("policy\\s+deny INSUFFICIENT_SCOPE")
        .contains("decision  deny INSUFFICIENT_SCOPE by rule 'GET /orders/{*}' at gate 'policy'")
        .contains("HTTP/1.1 403 Forbidden")
        .contains("WWW-Authenticate: Bearer")
        .contains("error=\"insufficient_scope\"")
        .contains("Content-Type: application/problem+json");
  }

  @Test
  void explainWhenAnonymousThenThe401WithoutAnErrorCode() {
    Run r = zt(with("explain", file("policy.yaml"), "--request", "GET /orders"));
    assertThat(r.out()).contains("HTTP/1.1 401 Unauthorized").contains("caller    anonymous")
        .doesNotContain("invalid_token");
  }

  @Test
  void explainWhenTheTokenIsForgedThenDeniedAsAnInvalidToken() {
    Run r = zt(with("explain", file("policy.yaml"), "--request", "GET /orders", "--token", "a.b.c"));
    assertThat(r.exit()).as(r.toString()).isZero();
    assertThat(r.out()).contains("HTTP/1.1 401 Unauthorized").contains("invalid_token");
  }

  @Test
  void explainWhenBothClaimsAndTokenThenAUsageError() {
    Run r = zt(with("explain", file("policy.yaml"), "--request", "GET /orders", "--token", "a.b.c", "--claims", "{}"));
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("mutually exclusive");
  }

  @Test
  void explainWhenTheRequestOrClaimsAreMalformedThenExitsTwo() {
    assertThat(zt(with("explain", file("policy.yaml"), "--request", "GET")).exit()).isEqualTo(2);
    assertThat(zt(with("explain", file("policy.yaml"), "--request", "GET /orders", "--claims", "[1]")).exit())
        .isEqualTo(2);
    assertThat(zt(with("explain", file("policy.yaml"), "--request", "GET /orders", "--header", "nocolon")).exit())
        .isEqualTo(2);
  }

  // ------------------------------------------------------------------------------------------------ diff

  @Test
  void diffWhenTheNewPolicyChangesDecisionsThenTabulatesThemAndExitsOne() {
    Run r = zt(with("diff", file("policy.yaml"), file("policy-new.yaml"), "--replay", file("audit.jsonl")));
    assertThat(r.exit()).as(r.toString()).isEqualTo(1);
    assertThat(r.out()).contains("RECORD").contains("#3").contains("GET /orders/42").contains("alice")
        .contains("allow 200 by 'GET /orders/{*}'").contains("deny 403 INSUFFICIENT_SCOPE by 'GET /orders/{*}'")
        .contains("1 of 4 replayed decisions would change; 1 not replayed")
        .contains("#5 GET /orders: its credential was not verified");
    assertThat(r.out()).doesNotContain("#2 ");
  }

  @Test
  void diffWhenThePoliciesDecideAlikeThenExitsZero() {
    Run r = zt(with("diff", file("policy.yaml"), file("policy.yaml"), "--replay", file("audit.jsonl")));
    assertThat(r.exit()).as(r.toString()).isZero();
    assertThat(r.out()).contains("0 of 4 replayed decisions would change").doesNotContain("RECORD");
  }

  @Test
  void diffWhenAnInputIsBadThenExitsTwo() {
    assertThat(zt(with("diff", file("policy.yaml"), file("policy-invalid.yaml"), "--replay", file("audit.jsonl")))
        .exit()).isEqualTo(2);
    assertThat(zt(with("diff", file("policy.yaml"), file("policy-new.yaml"), "--replay", file("policy.yaml")))
        .exit()).isEqualTo(2);
    assertThat(zt(with("diff", file("policy.yaml"), file("policy-new.yaml"))).exit()).isEqualTo(2);
  }

  @Test
  void helpWhenAskedThenListsTheFourCommands() {
    Run r = zt("--help");
    assertThat(r.exit()).isZero();
    assertThat(r.out()).contains("check").contains("test").contains("explain").contains("diff");
  }
}
