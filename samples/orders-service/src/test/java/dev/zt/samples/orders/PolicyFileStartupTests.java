package dev.zt.samples.orders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.zt.policy.PolicyReload;
import dev.zt.testkit.TestIssuer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ZT_POLICY_FILE} at start-up: an unreadable or invalid file (YAML syntax, schema, an unset {@code ${VAR}}, a
 * failing embedded test) stops the service with every problem at {@code file:line}, and {@code main} exits non-zero
 * with the reason on stderr; a variable the file replaces but does not reference is refused rather than ignored.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PolicyFileStartupTests {

  static final Path SHIPPED = Path.of("zt-policy.yaml"); // the module's directory is the working directory

  private TestIssuer issuer;

  @TempDir
  Path dir;

  @BeforeAll
  void startIssuer() {
    issuer = TestIssuer.start();
  }

  @AfterAll
  void stopIssuer() {
    issuer.close();
  }

  private Map<String, String> env(Path file, String... pairs) {
    Map<String, String> env = new HashMap<>(Map.of("ZT_ISSUER", issuer.issuer(), "ZT_AUDIENCE", "orders-api",
        "PORT", "0", "ZT_HOST", "127.0.0.1", "ZT_POLICY_FILE", file.toString()));
    for (int i = 0; i < pairs.length; i += 2) {
      env.put(pairs[i], pairs[i + 1]);
    }
    return env;
  }

  private Path write(String text) throws Exception {
    return Files.writeString(dir.resolve("zt-policy.yaml"), text);
  }

  @Test
  void startFromEnvironmentWhenShippedFileThenStarts() throws Exception {
    try (OrdersService service = OrdersService.startFromEnvironment(env(SHIPPED))) {
      assertThat(service.policy()).hasValueSatisfying(p -> assertThat(p.revision()).startsWith("sha256:"));
    }
  }

  @Test
  void startFromEnvironmentWhenYamlSyntaxErrorThenRefusedWithFileAndLine() throws Exception {
    Path file = write(PolicyFileChecks.policy("orders:read").replace("  - method: GET\n    path: /health",
        "  - method: GET\n    path: [/health"));

    assertThatThrownBy(() -> OrdersService.startFromEnvironment(env(file)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("ZT_POLICY_FILE: " + file + " is refused")
        .hasMessageMatching("(?s).*\\Q" + file + "\\E:\\d+: .*");
  }

  @Test
  void startFromEnvironmentWhenSchemaErrorThenRefusedWithFileLineAndPointer() throws Exception {
    Path file = write(PolicyFileChecks.policy("orders:read").replace("realm: orders", "realm: orders\nrealms: x"));

    assertThatThrownBy(() -> OrdersService.startFromEnvironment(env(file)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(file + ":3: ").hasMessageContaining("realms");
  }

  @Test
  void startFromEnvironmentWhenReferencedVariableUnsetThenRefusedNamingIt() throws Exception {
    Path file = write(PolicyFileChecks.policy("orders:read").replace("${ZT_AUDIENCE}", "${ORDERS_AUDIENCE}"));

    assertThatThrownBy(() -> OrdersService.startFromEnvironment(env(file)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(file + ":5: /issuers/0/audience: ").hasMessageContaining("ORDERS_AUDIENCE is not set");
  }

  @Test
  void startFromEnvironmentWhenEmbeddedTestFailsThenRefusedAtTheTestsLine() throws Exception {
    Path file = write(PolicyFileChecks.policy("orders:read").replace("expect: {allow: true, rule: GET /health}",
        "expect: {status: 401}"));

    assertThatThrownBy(() -> OrdersService.startFromEnvironment(env(file)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("embedded test 'health is public' failed")
        .hasMessageMatching("(?s).*\\Q" + file + "\\E:\\d+: /tests/0.*");
  }

  @Test
  void startFromEnvironmentWhenFileMissingThenRefusedNamingIt() {
    Path missing = dir.resolve("nowhere.yaml");

    assertThatThrownBy(() -> OrdersService.startFromEnvironment(env(missing)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ZT_POLICY_FILE: " + missing).hasMessageContaining("does not exist");
  }

  @Test
  void startFromEnvironmentWhenCoveredVariableNotReferencedThenRefusedNamingEach() {
    assertThatThrownBy(() -> OrdersService.startFromEnvironment(env(SHIPPED, "ZT_PDP_URL", "http://127.0.0.1:8181",
        "ZT_MAX_TOKEN_LIFETIME", "PT5M")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ZT_PDP_URL (the file's pdp:")
        .hasMessageContaining("ZT_MAX_TOKEN_LIFETIME (the file's issuers: max_token_lifetime:)")
        .hasMessageNotContaining("ZT_ISSUER (") // referenced by the file: used, not refused
        .hasMessageNotContaining("ZT_AUDIENCE (");
  }

  @Test
  void startFromEnvironmentWhenShippedFileAndItsOptionalVariablesSetThenStarts() throws Exception {
    try (OrdersService service = OrdersService.startFromEnvironment(env(SHIPPED, "ZT_ROLES_CLAIM", "roles",
        "ZT_ALLOW_PLAIN_HTTP", "true"))) {
      assertThat(service.policy()).isPresent();
    }
  }

  @Test
  void startFromEnvironmentWhenRolesClaimMovedThenTheShippedFilesAdminTestsFailAndItIsRefused() {
    // the file's embedded tests give the admin "roles": ["admin"]; read roles elsewhere and they no longer hold
    assertThatThrownBy(() -> OrdersService.startFromEnvironment(env(SHIPPED, "ZT_ROLES_CLAIM",
        "realm_access.roles")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("embedded test 'an admin reads any order' failed");
  }

  @Test
  void startFromEnvironmentWhenCoveredVariableReferencedThenUsed() throws Exception {
    Path file = write(PolicyFileChecks.policy("orders:read").replace("audience: ${ZT_AUDIENCE}",
        "audience: ${ZT_AUDIENCE}\n    roles_claim: ${ZT_ROLES_CLAIM}"));

    try (OrdersService service = OrdersService.startFromEnvironment(env(file, "ZT_ROLES_CLAIM", "groups"))) {
      assertThat(service.policy()).isPresent();
    }
  }

  @Test
  void startFromEnvironmentWhenIssuerHardCodedAndZtIssuerSetThenRefused() throws Exception {
    Path file = write(PolicyFileChecks.policy("orders:read").replace("${ZT_ISSUER}", issuer.issuer()));

    assertThatThrownBy(() -> OrdersService.startFromEnvironment(env(file)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ZT_ISSUER (the file's issuers");
  }

  @Test
  void referencedVariablesWhenCommentsAndLiteralsThenOnlyReferencesCount() {
    assertThat(OrdersService.referencedVariables("""
        issuer: ${ZT_ISSUER}   # not ${ZT_JWKS_URI}
        # url: ${ZT_PDP_URL}
        audience: "${ZT_AUDIENCE:-orders-api}"
        note: $${ZT_ROLES_CLAIM} is literal text
        """)).containsExactlyInAnyOrder("ZT_ISSUER", "ZT_AUDIENCE");
  }

  @Test
  void startFromEnvironmentWhenPolicyFileAndMtlsThenWorkloadListenerStaysOnTheEnvironment() throws Exception {
    dev.zt.testkit.spiffe.TestTrustDomain td = dev.zt.testkit.spiffe.TestTrustDomain.create("example.org");
    dev.zt.testkit.spiffe.TestSvid own = td.issueX509Svid("/ns/shop/sa/orders");
    Path cert = Files.writeString(dir.resolve("svid.pem"), own.chainPem());
    Path key = Files.writeString(dir.resolve("svid.key"), own.keyPem());
    Path bundle = Files.writeString(dir.resolve("bundle.pem"), td.bundle().pem());
    Path file = write(PolicyFileChecks.policy("orders:read").replace("${ZT_ISSUER}", issuer.issuer()));
    Map<String, String> env = env(file, "ZT_MTLS_PORT", "0", "ZT_SVID_CERT", cert.toString(), "ZT_SVID_KEY",
        key.toString(), "ZT_TRUST_DOMAIN", "example.org", "ZT_X509_BUNDLE", bundle.toString());

    // ZT_ISSUER is not in the file, but the mTLS listener's enforcer names it: not refused
    try (OrdersService service = OrdersService.startFromEnvironment(env)) {
      javax.net.ssl.SSLContext checkout = dev.zt.testkit.spiffe.TestTrustDomain.sslContextFor(
          td.issueX509Svid("/ns/shop/sa/checkout"), td);
      try (javax.net.ssl.SSLSocket socket = (javax.net.ssl.SSLSocket) checkout.getSocketFactory()
          .createSocket("127.0.0.1", service.mtlsPort())) {
        socket.setSoTimeout(10_000);
        socket.getOutputStream().write(("GET /internal/inventory HTTP/1.1\r\nHost: localhost\r\n"
            + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        assertThat(new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
            .startsWith("HTTP/1.1 200");
      }
      assertThat(service.policy()).isPresent();
    }
  }

  @Test
  void reloadLineWhenRejectedThenOneWarnLineNamingFileAndReason() {
    PolicyReload rejected = new PolicyReload(PolicyReload.Outcome.REJECTED, Path.of("/etc/zt/zt-policy.yaml"),
        "sha256:aa", "sha256:aa", Optional.of("zt-policy.yaml:3: /realms: unknown key\nsecond"), Instant.EPOCH);

    String line = OrdersService.reloadLine(rejected);

    assertThat(line).contains(Path.of("/etc/zt/zt-policy.yaml").toString()).contains("sha256:aa")
        .contains("zt-policy.yaml:3: /realms: unknown key").doesNotContain("\n").contains("\\nsecond");
  }

  @Test
  void mainWhenPolicyFileInvalidThenExitsNonZeroWithTheReasonOnStderr() throws Exception {
    Path file = write(PolicyFileChecks.policy("orders:read").replace("realm: orders", "realm: orders\nrealms: x"));
    ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), OrdersService.class.getName());
    pb.environment().clear();
    pb.environment().putAll(env(file));
    pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
    Path err = dir.resolve("stderr.txt");
    pb.redirectError(err.toFile());
    Process p = pb.start();
    boolean exited = p.waitFor(60, TimeUnit.SECONDS);
    if (!exited) {
      p.destroyForcibly(); // it started after all: never leave it running
      p.waitFor(10, TimeUnit.SECONDS);
    }
    String stderr = Files.readString(err, StandardCharsets.UTF_8);

    assertThat(exited).as("exited by itself; stderr: %s", stderr).isTrue();
    assertThat(p.exitValue()).isEqualTo(2);
    assertThat(stderr).contains("orders-service: ZT_POLICY_FILE: " + file + " is refused")
        .contains(file + ":3: ");
  }
}
