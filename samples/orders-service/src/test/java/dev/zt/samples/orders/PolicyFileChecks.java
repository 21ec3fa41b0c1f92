package dev.zt.samples.orders;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zt.policy.PolicyHealth;
import dev.zt.testkit.TestIssuer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ZT_POLICY_FILE} at run time, over HTTP, on each server: the service answers by the file, a changed file (an
 * in-place write, a rename over it, the symbolic-link swap of a Kubernetes ConfigMap) is applied within
 * {@link #APPLIED_WITHIN}, and a bad one (YAML syntax, schema, failing embedded test) leaves the last good policy
 * answering. Waiting is a bounded poll of an HTTP probe or of the live policy's health, never a sleep.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class PolicyFileChecks {

  /** The bound for a changed file to be in force. */
  static final Duration APPLIED_WITHIN = Duration.ofSeconds(2);

  /** What {@code GET /orders/1001} answers once zt allowed it: the application's 404 (no such order). */
  private static final int REACHED = 404;

  /**
   * A small policy: {@code GET /orders/{id}} needs {@code SCOPE}, the sample's object rule, {@code /health} public;
   * its embedded test holds for any scope.
   */
  static final String TEMPLATE = """
      version: 1
      realm: orders
      issuers:
        - issuer: ${ZT_ISSUER}
          audience: ${ZT_AUDIENCE}
      routes:
        - method: GET
          path: /orders/{id}
          require:
            all_scopes: [SCOPE]
        - method: GET
          path: /health
          require:
            permit_all: true
      objects:
        - id: order-read-owner-or-admin
          effect: permit
          resource: order
          actions: [read]
          when:
            any_of: [{owner: owner}, {any_role: [admin]}]
      tests:
        - name: health is public
          request: GET /health
          expect: {allow: true, rule: GET /health}
        - name: an order needs the scope
          request: GET /orders/42
          claims: {sub: alice, scope: SCOPE}
          expect: {allow: true, rule: "GET /orders/{id}"}
        - name: the owner reads it
          request: GET /orders/42
          claims: {sub: alice, scope: SCOPE}
          object: {action: read, resource: {type: order, id: "42", attributes: {owner: alice}}}
          expect: {allow: true, rule: order-read-owner-or-admin}
      """;

  static String policy(String scope) {
    return TEMPLATE.replace("SCOPE", scope);
  }

  private TestIssuer issuer;
  private final HttpClient http = HttpClient.newHttpClient();
  private OrdersService service;
  private String reader;

  @TempDir
  Path dir;

  /** {@code servlet} or {@code netty}. */
  abstract String server();

  @BeforeAll
  void startIssuer() {
    issuer = TestIssuer.start();
    reader = issuer.token().subject("alice").scope("orders:read").build();
  }

  @AfterAll
  void stopIssuer() {
    issuer.close();
  }

  @AfterEach
  void stopService() throws Exception {
    if (service != null) {
      service.close();
      service = null;
    }
  }

  private Map<String, String> env(Path file) {
    Map<String, String> env = new HashMap<>(Map.of("ZT_ISSUER", issuer.issuer(), "ZT_AUDIENCE", "orders-api",
        "PORT", "0", "ZT_HOST", "127.0.0.1", "ZT_SERVER", server(), "ZT_POLICY_FILE", file.toString()));
    return env;
  }

  private OrdersService start(Path file) throws Exception {
    service = OrdersService.startFromEnvironment(env(file));
    return service;
  }

  private int get(String path, String token) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.port() + path))
        .timeout(Duration.ofSeconds(10));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  /** Polls {@code condition} until it holds or {@code within} passes; returns how long it took. */
  private static Duration await(Duration within, BooleanSupplier condition, String what) {
    long start = System.nanoTime();
    long deadline = start + within.toNanos();
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("%s within %s", what, within).isLessThan(deadline);
      java.util.concurrent.locks.LockSupport.parkNanos(5_000_000); // a poll's back-off; the condition decides
    }
    return Duration.ofNanos(System.nanoTime() - start);
  }

  private BooleanSupplier status(String path, String token, int expected) {
    return () -> {
      try {
        return get(path, token) == expected;
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    };
  }

  private PolicyHealth health() {
    return service.policy().orElseThrow().health();
  }

  /** Writes {@code text} beside {@code file}, then renames it over {@code file} (how editors and most tools save). */
  private static void renameOver(Path file, String text) throws Exception {
    Path tmp = Files.createTempFile(file.getParent(), ".zt-policy", ".tmp");
    Files.writeString(tmp, text);
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  @Test
  void startFromEnvironmentWhenPolicyFileThenTheFileDecides() throws Exception {
    Path file = Files.writeString(dir.resolve("zt-policy.yaml"), policy("orders:audit"));
    start(file);

    assertThat(get("/health", null)).isEqualTo(200);
    assertThat(get("/orders/1001", reader)).isEqualTo(403); // the file's scope, not the built-in orders:read
    assertThat(get("/orders/1001", issuer.token().subject("alice").scope("orders:audit").build())).isEqualTo(REACHED);
    assertThat(get("/admin/stats", issuer.token().roles("admin").build())).isEqualTo(403); // no such rule in the file
    assertThat(service.policy()).isPresent();
    assertThat(health().status()).isEqualTo(PolicyHealth.Status.OK);
  }

  @Test
  void reloadWhenRouteScopeChangedInPlaceThenNextRequestsSeeItWithinTwoSeconds() throws Exception {
    Path file = Files.writeString(dir.resolve("zt-policy.yaml"), policy("orders:read"));
    start(file);
    assertThat(get("/orders/1001", reader)).isEqualTo(REACHED);

    Files.writeString(file, policy("orders:audit")); // truncate and write: the same inode

    Duration took = await(APPLIED_WITHIN, status("/orders/1001", reader, 403), "the new scope in force");
    assertThat(get("/orders/1001", reader)).isEqualTo(403);
    assertThat(health().status()).isEqualTo(PolicyHealth.Status.OK);
    System.out.println("policy file written in place: applied after " + took.toMillis() + " ms (" + server() + ")");
  }

  @Test
  void reloadWhenFileRenamedOverThenApplied() throws Exception {
    Path file = Files.writeString(dir.resolve("zt-policy.yaml"), policy("orders:read"));
    start(file);
    String before = health().revision();

    renameOver(file, policy("orders:audit"));

    Duration took = await(APPLIED_WITHIN, status("/orders/1001", reader, 403), "the renamed file in force");
    assertThat(health().revision()).isNotEqualTo(before);
    System.out.println("policy file renamed over: applied after " + took.toMillis() + " ms (" + server() + ")");
  }

  @Test
  void reloadWhenConfigMapSymlinkSwappedThenApplied() throws Exception {
    // the layout kubelet makes: zt-policy.yaml -> ..data/zt-policy.yaml, ..data -> ..<timestamp> (swapped by rename)
    Path v1 = Files.createDirectory(dir.resolve("..2026_12_06_v1"));
    Files.writeString(v1.resolve("zt-policy.yaml"), policy("orders:read"));
    Files.createSymbolicLink(dir.resolve("..data"), v1.getFileName());
    Path file = Files.createSymbolicLink(dir.resolve("zt-policy.yaml"), Path.of("..data", "zt-policy.yaml"));
    start(file);
    assertThat(get("/orders/1001", reader)).isEqualTo(REACHED);

    Path v2 = Files.createDirectory(dir.resolve("..2026_12_06_v2"));
    Files.writeString(v2.resolve("zt-policy.yaml"), policy("orders:audit"));
    Path tmpLink = Files.createSymbolicLink(dir.resolve("..data_tmp"), v2.getFileName());
    Files.move(tmpLink, dir.resolve("..data"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);

    Duration took = await(APPLIED_WITHIN, status("/orders/1001", reader, 403), "the swapped ConfigMap in force");
    assertThat(health().status()).isEqualTo(PolicyHealth.Status.OK);
    System.out.println("ConfigMap symlink swap: applied after " + took.toMillis() + " ms (" + server() + ")");
  }

  @Test
  void reloadWhenBadYamlThenLastGoodPolicyStillAnswers() throws Exception {
    rejectedKeepsLastGood("routes: [unclosed\n", "zt-policy.yaml:");
  }

  @Test
  void reloadWhenSchemaErrorThenLastGoodPolicyStillAnswers() throws Exception {
    rejectedKeepsLastGood(policy("orders:audit").replace("realm: orders", "realm: orders\nrealms: typo"),
        "/realms");
  }

  @Test
  void reloadWhenEmbeddedTestFailsThenLastGoodPolicyStillAnswers() throws Exception {
    // the file now asks orders:audit, but its test still claims an orders:read token gets in
    String failing = policy("orders:audit").replace(
        "scope: orders:audit}\n    expect: {allow: true, rule: \"GET /orders/{id}\"}",
        "scope: orders:read}\n    expect: {allow: true, rule: \"GET /orders/{id}\"}");
    assertThat(failing).isNotEqualTo(policy("orders:audit"));
    rejectedKeepsLastGood(failing, "embedded test 'an order needs the scope' failed");
  }

  @Test
  void reloadWhenFileDeletedThenLastGoodPolicyStillAnswers() throws Exception {
    Path file = Files.writeString(dir.resolve("zt-policy.yaml"), policy("orders:read"));
    start(file);

    Files.delete(file);

    await(Duration.ofSeconds(5), () -> health().status() == PolicyHealth.Status.DEGRADED, "the deletion noticed");
    assertThat(get("/orders/1001", reader)).isEqualTo(REACHED);
    assertThat(get("/health", null)).isEqualTo(200);
  }

  /** Writes {@code bad} over a good file: the service keeps answering by the good one and reports why. */
  private void rejectedKeepsLastGood(String bad, String reasonPart) throws Exception {
    Path file = Files.writeString(dir.resolve("zt-policy.yaml"), policy("orders:read"));
    start(file);
    String good = health().revision();
    assertThat(get("/orders/1001", reader)).isEqualTo(REACHED);

    renameOver(file, bad);

    await(Duration.ofSeconds(5), () -> health().status() == PolicyHealth.Status.DEGRADED, "the bad file noticed");
    assertThat(health().revision()).isEqualTo(good);
    assertThat(health().lastError()).hasValueSatisfying(r -> assertThat(r).contains(file.toString())
        .contains(reasonPart));
    assertThat(get("/orders/1001", reader)).isEqualTo(REACHED); // still the last good policy
    assertThat(get("/health", null)).isEqualTo(200);
    assertThat(get("/orders/1001", null)).isEqualTo(401);

    renameOver(file, policy("orders:audit")); // a good file afterwards is applied again
    await(APPLIED_WITHIN, status("/orders/1001", reader, 403), "the next good file in force");
    assertThat(health().status()).isEqualTo(PolicyHealth.Status.OK);
  }
}
