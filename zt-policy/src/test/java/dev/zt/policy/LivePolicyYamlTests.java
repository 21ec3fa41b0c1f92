package dev.zt.policy;

import static dev.zt.policy.Requests.decided;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.zt.core.Decision;
import dev.zt.core.DenyReason;
import io.opentelemetry.api.OpenTelemetry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link LivePolicy} over real {@code zt-policy.yaml} files: a reload that is bad YAML, against the schema, or fails
 * its own embedded test keeps the last good policy; a good one behind a ConfigMap symlink swap is applied.
 */
class LivePolicyYamlTests {

  static final String GOOD = """
      version: 1
      issuers:
        - issuer: "${ISSUER}"
          audience: orders-api
      """ + PolicyFileTests.ROUTES + """
      tests:
        - name: health is public
          request: GET /health
          expect: {allow: true, rule: GET /health}
        - name: reader lists orders
          request: GET /orders
          claims: {sub: alice, scope: orders:read}
          expect: {allow: true, rule: GET /orders}
      """;

  /** GOOD with /health closed to anonymous callers: a different, valid policy. */
  static final String HEALTH_CLOSED = GOOD.replace("""
            permit_all: true
      tests:
        - name: health is public
          request: GET /health
          expect: {allow: true, rule: GET /health}""", """
            all_scopes: [health:read]
      tests:
        - name: health needs a token
          request: GET /health
          expect: {status: 401, reason: CREDENTIAL_MISSING}""");

  @TempDir
  Path dir;

  private final ManualClock clock = new ManualClock();
  private LivePolicy live;

  @AfterEach
  void close() {
    if (live != null) {
      live.close();
    }
  }

  private LivePolicy start(Path file) throws InvalidPolicyException {
    live = LivePolicy.builder(file).env(Map.of("ISSUER", "https://issuer.example")).clock(clock)
        .openTelemetry(OpenTelemetry.noop()).customize(b -> b.openTelemetry(OpenTelemetry.noop())).start();
    return live;
  }

  private void assertHealthPublic(boolean open) {
    Decision d = decided(live.get().enforce(Requests.get("/health", clock).build()));
    if (open) {
      assertThat(d.allowed()).isTrue();
    } else {
      assertThat(d).isInstanceOfSatisfying(Decision.Deny.class,
          deny -> assertThat(deny.reason()).isEqualTo(DenyReason.CREDENTIAL_MISSING));
    }
  }

  private Path file(String text) throws IOException {
    return Files.writeString(dir.resolve("zt-policy.yaml"), text);
  }

  @Test
  void startWhenTheFileIsGoodThenItsRevisionIsTheSha256OfItsBytes() throws Exception {
    start(file(GOOD));
    assertThat(live.revision()).isEqualTo("sha256:" + FileFingerprint.sha256(GOOD.getBytes()));
    assertHealthPublic(true);
  }

  @Test
  void startWhenAnEmbeddedTestFailsThenThrowsNamingTheTest() throws Exception {
    Path file = file(GOOD.replace("expect: {allow: true, rule: GET /orders}", "expect: {allow: false}"));
    assertThatThrownBy(() -> start(file)).isInstanceOf(InvalidPolicyException.class)
        .hasMessageContaining("embedded test 'reader lists orders' failed");
  }

  @Test
  void checkNowWhenTheNewFileIsNotYamlThenKeepsTheLastGood() throws Exception {
    Path file = file(GOOD);
    start(file);
    String good = live.revision();
    Files.writeString(file, "version: 1\nroutes: [\n  - {method: GET\n");
    PolicyHealth h = live.checkNow();
    assertThat(h.status()).isEqualTo(PolicyHealth.Status.DEGRADED);
    assertThat(h.revision()).isEqualTo(good);
    assertThat(h.lastError()).hasValueSatisfying(r -> assertThat(r).contains(file.toString()));
    assertHealthPublic(true);
  }

  @Test
  void checkNowWhenTheNewFileBreaksTheSchemaThenKeepsTheLastGood() throws Exception {
    Path file = file(GOOD);
    start(file);
    Files.writeString(file, GOOD.replace("method: GET\n    path: /health", "method: GET\n    pathh: /health"));
    PolicyHealth h = live.checkNow();
    assertThat(h.status()).isEqualTo(PolicyHealth.Status.DEGRADED);
    assertThat(h.lastError()).hasValueSatisfying(r -> assertThat(r).contains("/routes/1"));
    assertHealthPublic(true);
  }

  @Test
  void checkNowWhenTheNewFileFailsItsEmbeddedTestThenKeepsTheLastGood() throws Exception {
    Path file = file(GOOD);
    start(file);
    // closes /health but still expects it public: the file's own test refuses it
    Files.writeString(file, GOOD.replace("permit_all: true", "all_scopes: [health:read]"));
    PolicyHealth h = live.checkNow();
    assertThat(h.status()).isEqualTo(PolicyHealth.Status.DEGRADED);
    assertThat(h.lastError()).hasValueSatisfying(r -> assertThat(r)
        .contains("embedded test 'health is public' failed"));
    assertHealthPublic(true);
  }

  @Test
  void checkNowWhenTheNewFileNamesAnUnsetVariableThenKeepsTheLastGood() throws Exception {
    Path file = file(GOOD);
    start(file);
    Files.writeString(file, GOOD.replace("${ISSUER}", "${NOT_SET_ANYWHERE}"));
    assertThat(live.checkNow().lastError()).hasValueSatisfying(r -> assertThat(r).contains("NOT_SET_ANYWHERE"));
    assertHealthPublic(true);
  }

  @Test
  void checkNowWhenAConfigMapSwapBringsAGoodFileThenApplied() throws Exception {
    Path v1 = Files.createDirectory(dir.resolve("..2026_01_15_10_00_00.1"));
    Files.writeString(v1.resolve("zt-policy.yaml"), GOOD);
    Files.createSymbolicLink(dir.resolve("..data"), v1.getFileName());
    Path file = Files.createSymbolicLink(dir.resolve("zt-policy.yaml"), Path.of("..data", "zt-policy.yaml"));
    start(file);

    Path v2 = Files.createDirectory(dir.resolve("..2026_01_15_10_05_00.2"));
    Files.writeString(v2.resolve("zt-policy.yaml"), HEALTH_CLOSED);
    Path tmp = Files.createSymbolicLink(dir.resolve("..data_tmp"), v2.getFileName());
    Files.move(tmp, dir.resolve("..data"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);

    assertThat(live.checkNow().status()).isEqualTo(PolicyHealth.Status.OK);
    assertThat(live.revision()).isEqualTo("sha256:" + FileFingerprint.sha256(HEALTH_CLOSED.getBytes()));
    assertHealthPublic(false);
  }
}
