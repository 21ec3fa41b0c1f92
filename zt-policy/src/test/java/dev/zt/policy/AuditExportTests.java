package dev.zt.policy;

import static dev.zt.policy.Requests.decided;
import static dev.zt.policy.Requests.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.zt.core.Decision;
import dev.zt.core.DenyReason;
import dev.zt.core.Enforcer;
import io.opentelemetry.api.OpenTelemetry;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link AuditExport}: one JSON line per decision with what a replay needs, never a credential, a cookie or a
 * {@code jti}; a failing or overflowing writer never reaches the enforcer; the reader refuses what is not a record.
 */
class AuditExportTests {

  static final Map<String, String> ENV = Map.of("ISSUER", "https://issuer.example");

  @TempDir
  Path dir;

  private final ManualClock clock = new ManualClock();
  private PolicyFile policy;
  private TestTokens tokens;

  @BeforeEach
  void load() throws Exception {
    policy = PolicyFile.parse("p.yaml", LivePolicyYamlTests.GOOD, ENV, PolicyExtensions.none());
    tokens = TestTokens.forPolicy(policy, clock);
  }

  private Enforcer enforcer(AuditExport export) {
    return tokens.enforcerBuilder().clock(clock).openTelemetry(OpenTelemetry.noop())
        .auditListener(export.listener()).build();
  }

  private String token(Map<String, Object> claims) {
    return tokens.mint(claims);
  }

  @Test
  void listenerWhenAllowedThenWritesTheRequestTheClaimsWithoutJtiAndTheDecision() throws Exception {
    StringWriter out = new StringWriter();
    AuditExport export = AuditExport.builder().build(out);
    String token = token(Map.of("sub", "alice", "scope", "orders:read", "tenant", "t1"));
    assertThat(decided(enforcer(export).enforce(get("/orders", clock, "Authorization", "Bearer " + token,
        "X-Device-Posture", "compliant", "Cookie", "session=s3cr3t", "DPoP", "proof",
        "Proxy-Authorization", "Basic eDp5").rawQuery("page=2")
        .clientAddress(Requests.ip("192.0.2.7")).build())).allowed())
        .isTrue();

    String line = out.toString();
    assertThat(line).endsWith("\n").hasLineCount(1);
    assertThat(line).doesNotContain(token).doesNotContain("s3cr3t").doesNotContain("eDp5")
        .doesNotContainIgnoringCase("authorization").doesNotContainIgnoringCase("cookie")
        .doesNotContain("\"jti\"").doesNotContain("proof");
    AuditRecord r = AuditExport.read(new StringReader(line), "test").get(0);
    assertThat(r.ts()).isEqualTo(clock.instant());
    assertThat(r.method()).isEqualTo("GET");
    assertThat(r.target()).isEqualTo("/orders?page=2");
    assertThat(r.headers()).isEqualTo(Map.of("x-device-posture", List.of("compliant")));
    assertThat(r.credential()).isTrue();
    assertThat(r.claims()).hasValueSatisfying(c -> assertThat(c).containsEntry("sub", "alice")
        .containsEntry("tenant", "t1").containsEntry("scope", "orders:read").doesNotContainKey("jti")
        .containsKeys("iss", "aud", "exp", "iat"));
    assertThat(r.client()).contains("192.0.2.7");
    assertThat(r.decision()).isEqualTo("allow");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.rule()).isEqualTo("GET /orders");
    assertThat(r.reason()).isEqualTo("ALLOWED");
    assertThat(export.written()).isEqualTo(1);
  }

  @Test
  void listenerWhenDeniedAfterTheTokenWasVerifiedThenStillRecordsItsClaims() throws Exception {
    StringWriter out = new StringWriter();
    AuditExport export = AuditExport.builder().build(out);
    String token = token(Map.of("sub", "bob", "scope", "orders:write"));
    assertThat(decided(enforcer(export).enforce(get("/orders", clock, "Authorization", "Bearer " + token).build())))
        .isInstanceOfSatisfying(Decision.Deny.class,
            d -> assertThat(d.reason()).isEqualTo(DenyReason.INSUFFICIENT_SCOPE));
    AuditRecord r = AuditExport.read(new StringReader(out.toString()), "test").get(0);
    assertThat(r.decision()).isEqualTo("deny");
    assertThat(r.status()).isEqualTo(403);
    assertThat(r.reason()).isEqualTo("INSUFFICIENT_SCOPE");
    assertThat(r.claims()).hasValueSatisfying(c -> assertThat(c).containsEntry("sub", "bob"));
  }

  @Test
  void listenerWhenTheTokenIsRefusedThenNoClaimsButTheCredentialIsNoted() throws Exception {
    StringWriter out = new StringWriter();
    AuditExport export = AuditExport.builder().build(out);
    enforcer(export).enforce(get("/orders", clock, "Authorization", "Bearer not.a.jwt").build());
    AuditRecord r = AuditExport.read(new StringReader(out.toString()), "test").get(0);
    assertThat(r.credential()).isTrue();
    assertThat(r.claims()).isEmpty();
    assertThat(r.status()).isEqualTo(401);
  }

  @Test
  void headersWhenACredentialOrCookieFieldIsAllowListedThenRefused() {
    for (String field : List.of("Authorization", "cookie", "DPoP", "Proxy-Authorization", "Set-Cookie")) {
      assertThatThrownBy(() -> AuditExport.builder().headers(Set.of("User-Agent", field)))
          .as(field).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("never exported");
    }
  }

  @Test
  void listenerWhenTheWriterFailsThenTheDecisionStandsAndTheLineIsCounted() {
    Writer broken = new Writer() {
      @Override
      public void write(char[] buf, int off, int len) throws IOException {
        throw new IOException("disk full");
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    AuditExport export = AuditExport.builder().build(broken);
    assertThat(decided(enforcer(export).enforce(get("/health", clock).build())).allowed()).isTrue();
    assertThat(export.dropped()).isEqualTo(1);
    assertThat(export.written()).isZero();
  }

  @Test
  void listenerWhenTheLineWouldBeTooLongThenHeadersAndClaimsGoAndItIsMarkedTruncated() throws Exception {
    StringWriter out = new StringWriter();
    AuditExport export = AuditExport.builder().build(out);
    enforcer(export).enforce(get("/health", clock, "User-Agent", "x".repeat(AuditExport.MAX_LINE_CHARS)).build());
    String line = out.toString().strip();
    assertThat(line.length()).isLessThanOrEqualTo(AuditExport.MAX_LINE_CHARS);
    assertThat(line).contains("\"truncated\":true").doesNotContain("xxxx");
    assertThat(AuditExport.read(new StringReader(line), "t").get(0).rule()).isEqualTo("GET /health");
  }

  @Test
  void buildWhenAFileThenAppendsOneLinePerDecision() throws Exception {
    Path file = dir.resolve("audit.jsonl");
    try (AuditExport export = AuditExport.builder().build(file)) {
      Enforcer e = enforcer(export);
      e.enforce(get("/health", clock).build());
      e.enforce(get("/orders", clock).build());
    }
    try (AuditExport again = AuditExport.builder().build(file)) {
      enforcer(again).enforce(get("/health", clock).build());
    }
    assertThat(AuditExport.read(file)).extracting(AuditRecord::reason)
        .containsExactly("ALLOWED", "CREDENTIAL_MISSING", "ALLOWED");
  }

  @Test
  void readWhenALineIsNotARecordThenNamesItsLine() {
    String text = "{\"v\":1,\"ts\":\"2026-01-15T10:00:00Z\",\"method\":\"GET\",\"path\":\"/health\",\"decision\":"
        + "\"allow\",\"status\":200,\"rule\":\"GET /health\",\"reason\":\"ALLOWED\"}\n\n{\"v\":1,\"method\":\"GET\"}\n";
    assertThatThrownBy(() -> AuditExport.read(new StringReader(text), "audit.jsonl"))
        .isInstanceOf(IOException.class).hasMessageContaining("audit.jsonl:3").hasMessageContaining("'ts' missing");
    assertThatThrownBy(() -> AuditExport.read(new StringReader("{\"v\":2}"), "a"))
        .hasMessageContaining("format version 2");
    assertThatThrownBy(() -> AuditExport.read(new StringReader("not json"), "a")).hasMessageContaining("a:1");
  }

  @Test
  void readWhenAHandEditedLineCarriesACredentialHeaderThenItIsDropped() throws Exception {
    String text = "{\"v\":1,\"ts\":\"2026-01-15T10:00:00Z\",\"method\":\"GET\",\"path\":\"/health\",\"headers\":"
        + "{\"Authorization\":[\"Bearer x\"],\"user-agent\":[\"curl\"]},\"decision\":\"allow\",\"status\":200,"
        + "\"rule\":\"GET /health\",\"reason\":\"ALLOWED\"}";
    assertThat(AuditExport.read(new StringReader(text), "a").get(0).headers())
        .isEqualTo(Map.of("user-agent", List.of("curl")));
  }

  static Path writeFile(Path file, String text) throws IOException {
    return Files.writeString(file, text);
  }
}
