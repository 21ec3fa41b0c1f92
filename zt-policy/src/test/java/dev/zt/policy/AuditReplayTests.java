package dev.zt.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zt.core.Enforcer;
import io.opentelemetry.api.OpenTelemetry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link AuditReplay}: recorded decisions decided again under a new policy with tokens minted from the recorded
 * claims; what changed is reported, what cannot be reproduced is reported as not replayed, never as a change.
 */
class AuditReplayTests {

  @TempDir
  Path dir;

  private final ManualClock clock = new ManualClock();

  /** Records a few decisions under {@link LivePolicyYamlTests#GOOD} into a file. */
  private Path record() throws Exception {
    PolicyFile old = PolicyFile.parse("old.yaml", LivePolicyYamlTests.GOOD, AuditExportTests.ENV,
        PolicyExtensions.none());
    TestTokens tokens = TestTokens.forPolicy(old, clock);
    Path file = dir.resolve("audit.jsonl");
    try (AuditExport export = AuditExport.builder().build(file)) {
      Enforcer e = tokens.enforcerBuilder().clock(clock).openTelemetry(OpenTelemetry.noop())
          .auditListener(export.listener()).build();
      e.enforce(Requests.get("/health", clock).build());
      clock.advance(Duration.ofMinutes(30)); // later than the first token's lifetime: replay mints fresh ones
      e.enforce(Requests.get("/orders", clock,
          "Authorization", "Bearer " + tokens.mint(Map.of("sub", "alice", "scope", "orders:read"))).build());
      e.enforce(Requests.get("/orders", clock,
          "Authorization", "Bearer " + tokens.mint(Map.of("sub", "bob", "scope", "orders:write"))).build());
      e.enforce(Requests.get("/orders", clock, "Authorization", "Bearer garbage").build());
    }
    return file;
  }

  @Test
  void replayWhenThePolicyIsTheSameThenNothingChanges() throws Exception {
    PolicyFile same = PolicyFile.parse("new.yaml", LivePolicyYamlTests.GOOD, AuditExportTests.ENV,
        PolicyExtensions.none());
    List<ReplayedDecision> out = AuditReplay.replay(same, record());
    assertThat(out).hasSize(4);
    assertThat(out).noneMatch(ReplayedDecision::changed);
    assertThat(out.subList(0, 3)).allMatch(r -> r.replayed().isPresent());
  }

  @Test
  void replayWhenTheNewPolicyClosesARouteThenReportsExactlyThoseRequests() throws Exception {
    PolicyFile closed = PolicyFile.parse("new.yaml", LivePolicyYamlTests.HEALTH_CLOSED, AuditExportTests.ENV,
        PolicyExtensions.none());
    List<ReplayedDecision> out = AuditReplay.replay(closed, record());
    assertThat(out).filteredOn(ReplayedDecision::changed).singleElement().satisfies(r -> {
      assertThat(r.line()).isEqualTo(1);
      assertThat(r.before().toString()).isEqualTo("allow 200 by 'GET /health'");
      assertThat(r.replayed().orElseThrow().toString()).isEqualTo("deny 401 CREDENTIAL_MISSING by 'GET /health'");
    });
  }

  @Test
  void replayWhenTheNewPolicyGrantsAScopeThenTheRefusedReaderIsAllowed() throws Exception {
    PolicyFile wider = PolicyFile.parse("new.yaml", LivePolicyYamlTests.GOOD.replace(
        "all_scopes: [orders:read]", "any_scope: [orders:read, orders:write]"), AuditExportTests.ENV,
        PolicyExtensions.none());
    List<ReplayedDecision> out = AuditReplay.replay(wider, record());
    assertThat(out).filteredOn(ReplayedDecision::changed).singleElement().satisfies(r -> {
      assertThat(r.line()).isEqualTo(3);
      assertThat(r.before().reason()).isEqualTo("INSUFFICIENT_SCOPE");
      assertThat(r.replayed().orElseThrow().decision()).isEqualTo("allow");
    });
  }

  @Test
  void replayWhenTheRecordedCredentialWasNotVerifiedThenItIsNotReplayed() throws Exception {
    PolicyFile same = PolicyFile.parse("new.yaml", LivePolicyYamlTests.GOOD, AuditExportTests.ENV,
        PolicyExtensions.none());
    ReplayedDecision garbage = AuditReplay.replay(same, record()).get(3);
    assertThat(garbage.replayed()).isEmpty();
    assertThat(garbage.changed()).isFalse();
    assertThat(garbage.note()).hasValueSatisfying(n -> assertThat(n).contains("not verified"));
  }

  @Test
  void replayWhenTheRecordWasRateLimitedThenItIsNotReplayed() throws Exception {
    PolicyFile same = PolicyFile.parse("new.yaml", LivePolicyYamlTests.GOOD, AuditExportTests.ENV,
        PolicyExtensions.none());
    AuditRecord limited = new AuditRecord(clock.instant(), "GET", "/health", java.util.Optional.empty(), Map.of(),
        false, java.util.Optional.empty(), java.util.Optional.empty(), java.util.Optional.empty(), "deny", 429,
        "GET /health", "RATE_LIMITED", "rate");
    ReplayedDecision r = AuditReplay.replay(same, List.of(limited)).get(0);
    assertThat(r.changed()).isFalse();
    assertThat(r.note()).hasValueSatisfying(n -> assertThat(n).contains("RATE_LIMITED"));
  }
}
