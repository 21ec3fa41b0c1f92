package dev.zt.core.detect;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zt.core.DenyReason;
import dev.zt.core.countermeasure.Countermeasure;
import dev.zt.core.countermeasure.CountermeasurePolicy;
import dev.zt.core.countermeasure.Countermeasures;
import dev.zt.core.internal.ClientAddresses;
import dev.zt.core.internal.pipeline.Assembly;
import dev.zt.core.internal.pipeline.AuditSink;
import dev.zt.core.internal.pipeline.Features;
import dev.zt.core.policy.Requirement;
import dev.zt.core.policy.RoutePolicy;
import dev.zt.core.spi.SlidingCounters;
import dev.zt.core.spi.StateProbes;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The outcome detectors' own rules and bounded stores, below the enforcer (moved from zt-testkit's tests). */
class OutcomeDetectorsTests {

  private static final AuditSink NO_AUDIT = new AuditSink() {
    @Override
    public void verdict(Verdict verdict, String identity) {}

    @Override
    public void action(Countermeasure.Kind kind, String target, String rule, String evidence, Duration ttl) {}
  };

  private final Clock clock = Clock.fixed(Instant.parse("2026-03-02T10:00:00Z"), ZoneOffset.UTC);

  @Test
  void failedAuthenticationWhenReasonIsNoCredentialExpiredSuspendedOrChallengeThenNotCounted() {
    for (DenyReason r : List.of(DenyReason.CREDENTIAL_MISSING, DenyReason.TOKEN_EXPIRED, DenyReason.TOKEN_SUSPENDED,
        DenyReason.STEP_UP_REQUIRED, DenyReason.TRUST_TOO_LOW, DenyReason.KEYS_UNAVAILABLE,
        DenyReason.TOKEN_NOT_YET_VALID, DenyReason.TOKEN_ISSUER_MISMATCH, DenyReason.TOKEN_AUDIENCE_MISMATCH,
        DenyReason.TOKEN_NOT_ACCESS_TOKEN, DenyReason.TOKEN_BINDING_UNVERIFIED,
        DenyReason.VALIDATION_BUDGET_EXCEEDED)) {
      assertThat(OutcomeDetectors.failedAuthentication(r)).as(r.name()).isFalse();
    }
    for (DenyReason r : List.of(DenyReason.TOKEN_SIGNATURE_INVALID, DenyReason.TOKEN_KEY_UNKNOWN,
        DenyReason.TOKEN_MALFORMED, DenyReason.MALFORMED_CREDENTIAL, DenyReason.TOKEN_ALGORITHM_REJECTED)) {
      assertThat(OutcomeDetectors.failedAuthentication(r)).as(r.name()).isTrue();
    }
  }

  @Test
  void authenticationFailureWhenMoreIdentifiersThanTheStoreHoldsThenMemoryStaysBoundedAndDetectionGoesOn() {
    Detection detection = Detection.defaults().withIdentifierStuffing(3, Duration.ofMinutes(10))
        .withIdentifiersPerSource(Integer.MAX_VALUE, Duration.ofMinutes(1));
    CountermeasurePolicy policy = CountermeasurePolicy.builder().maxEntries(100)
        .on("stuffing.*", Countermeasure.monitor(Duration.ofMinutes(1))).build();
    Assembly assembly = new Assembly(clock, Runnable::run, NO_AUDIT,
        RoutePolicy.builder().post("/login", Requirement.permitAll()).build());
    Features.install(policy, assembly);
    Countermeasures responses = assembly.countermeasuresApi();
    Map<String, SlidingCounters> stores = new HashMap<>();
    OutcomeDetectors outcomes = new OutcomeDetectors(detection, assembly.countermeasures(), clock,
        policy.maxEntries(), StateProbes.recordingCounters(stores));
    ClientAddresses.Client source = new ClientAddresses.Client(
        java.util.Optional.of(InetAddress.getLoopbackAddress()), false);
    // 2 failures each for 5 000 identifiers: at most 100 are kept, and none reaches 3
    for (int i = 0; i < 5000; i++) {
      outcomes.authenticationFailure("user" + i, source);
      outcomes.authenticationFailure("user" + i, source);
    }
    assertThat(StateProbes.size(stores.get("detect.stuffing.identifier"))).isLessThanOrEqualTo(100);
    assertThat(responses.active()).isEmpty();
    for (int i = 0; i < 3; i++) {
      outcomes.authenticationFailure("fresh", source);
    }
    assertThat(responses.active()).extracting(Countermeasures.Active::rule).containsExactly("stuffing.identifier");
    assertThat(OutcomeDetectors.normalize("x".repeat(500))).hasSize(OutcomeDetectors.MAX_IDENTIFIER);
  }

  @Test
  void observeWhenDetectionIsOffThenNothingIsCountedForAnyOutcome() {
    Detection detection = Detection.off();
    CountermeasurePolicy policy = CountermeasurePolicy.builder().maxEntries(100).build();
    Assembly assembly = new Assembly(clock, Runnable::run, NO_AUDIT,
        RoutePolicy.builder().get("/orders/{**}", Requirement.permitAll()).build());
    Features.install(policy, assembly);
    Map<String, SlidingCounters> stores = new HashMap<>();
    OutcomeDetectors outcomes = new OutcomeDetectors(detection, assembly.countermeasures(), clock,
        policy.maxEntries(), StateProbes.recordingCounters(stores));
    java.util.Optional<InetAddress> source = java.util.Optional.of(InetAddress.getLoopbackAddress());
    for (int i = 0; i < 50; i++) {
      outcomes.observe("sub:alice", source, java.util.Optional.empty(), "/orders/" + i, 404, false);
      outcomes.observe("sub:alice", source, java.util.Optional.empty(), "/orders/" + i, 200, false);
      outcomes.observe("sub:alice", source, java.util.Optional.empty(), "/orders/" + i, 401, true);
    }
    // Detection.off(): "nothing is inspected or counted" (and nothing allocated per answer for keys)
    stores.forEach((name, counters) -> assertThat(StateProbes.size(counters)).as(name).isZero());
    assertThat(stores).isNotEmpty();
  }

  @Test
  void withEnumerationWhenDistinctPathsAboveTheBoundThenRefusedAndOffOrWithinAccepted() {
    // each identity keeps up to that many paths, walked on every 403/404: a threshold of a million would be 16 MB and
    // a million steps per answer per identity
    Duration window = Duration.ofMinutes(5);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> Detection.defaults().withEnumeration(1001, 0.5, window))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("enumerationDistinctPaths");
    assertThat(Detection.defaults().withEnumeration(1000, 0.5, window).enumerationDistinctPaths()).isEqualTo(1000);
    assertThat(Detection.defaults().withEnumeration(Integer.MAX_VALUE, 0.5, window).enumerationEnabled()).isFalse();
    assertThat(Detection.defaults().enumerationEnabled()).isTrue();
  }
}
