package dev.zt.core.policy;

import dev.zt.core.Caller;
import dev.zt.core.DenyReason;
import dev.zt.core.RequestContext;

import dev.zt.core.internal.pipeline.CoreAccess;
import dev.zt.core.internal.pipeline.RequestState;
import dev.zt.core.internal.pipeline.Step;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.util.Optional;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link Requirement#workload(String...)}: exact IDs, trust domains, {@code *} and {@code **}, strict patterns. */
class WorkloadRequirementTests {

  @ParameterizedTest(name = "{0} ~ {1} -> {2}")
  @CsvSource({
      // exact
      "spiffe://example.org/ns/shop/sa/checkout, spiffe://example.org/ns/shop/sa/checkout, true",
      "spiffe://example.org/ns/shop/sa/checkout, spiffe://example.org/ns/shop/sa/checkout2, false",
      "spiffe://example.org/ns/shop/sa/checkout, spiffe://example.org/ns/shop/sa/checkou, false",
      "spiffe://example.org/ns/shop/sa/checkout, spiffe://example.org/ns/shop/sa/checkout/x, false",
      "spiffe://example.org/ns/shop/sa/checkout, spiffe://example.org/ns/shop/sa/Checkout, false",
      "spiffe://example.org/ns/shop/sa/checkout, spiffe://example.org.evil/ns/shop/sa/checkout, false",
      "spiffe://example.org/ns/shop/sa/checkout, spiffe://other.org/ns/shop/sa/checkout, false",
      // whole trust domain
      "spiffe://example.org, spiffe://example.org/ns/shop/sa/checkout, true",
      "spiffe://example.org, spiffe://example.org/a, true",
      "spiffe://example.org, spiffe://example.org, true",
      "spiffe://example.org, spiffe://example.organic/a, false",
      "spiffe://example.org, spiffe://example.or/a, false",
      "spiffe://example.org, spiffe://sub.example.org/a, false",
      // one segment
      "spiffe://example.org/ns/shop/sa/*, spiffe://example.org/ns/shop/sa/checkout, true",
      "spiffe://example.org/ns/shop/sa/*, spiffe://example.org/ns/shop/sa/checkout/x, false",
      "spiffe://example.org/ns/shop/sa/*, spiffe://example.org/ns/shop/sa, false",
      "spiffe://example.org/ns/*/sa/api, spiffe://example.org/ns/shop/sa/api, true",
      "spiffe://example.org/ns/*/sa/api, spiffe://example.org/ns/shop/sa/web, false",
      // anything below
      "spiffe://example.org/ns/ops/**, spiffe://example.org/ns/ops/sa/auditor, true",
      "spiffe://example.org/ns/ops/**, spiffe://example.org/ns/ops/x, true",
      "spiffe://example.org/ns/ops/**, spiffe://example.org/ns/ops, false",
      "spiffe://example.org/ns/ops/**, spiffe://example.org/ns/opsx/a, false",
      "spiffe://example.org/ns/ops/**, spiffe://example.org/ns/shop/sa/checkout, false",
      "spiffe://example.org/ns/ops/**, spiffe://other.org/ns/ops/sa/auditor, false",
      "spiffe://example.org/**, spiffe://example.org/a/b, true",
      // not a workload ID at all
      "spiffe://example.org, https://example.org/a, false",
  })
  void checkWhenWorkloadIdGivenThenMatchesPattern(String pattern, String id, boolean allowed) {
    Optional<Step.Stop> stop = Requirement.workload(pattern).check(CoreAccess.callers().workload(id));

    assertThat(stop.isEmpty()).isEqualTo(allowed);
    stop.ifPresent(s -> assertThat(s.reason()).isEqualTo(DenyReason.WORKLOAD_FORBIDDEN));
  }

  @Test
  void checkWhenSeveralPatternsThenAnyOneMatches() {
    Requirement r = Requirement.workload("spiffe://example.org/a", "spiffe://example.org/b/*");

    assertThat(r.check(CoreAccess.callers().workload("spiffe://example.org/a"))).isEmpty();
    assertThat(r.check(CoreAccess.callers().workload("spiffe://example.org/b/c"))).isEmpty();
    assertThat(r.check(CoreAccess.callers().workload("spiffe://example.org/c"))).isPresent();
  }

  @Test
  void checkWhenCallerHasNoWorkloadThenDeniesWorkloadForbidden() {
    Requirement r = Requirement.workload("spiffe://example.org");

    assertThat(r.check(Caller.anonymous())).map(Step.Stop::reason).contains(DenyReason.WORKLOAD_FORBIDDEN);
  }

  @Test
  void checkWhenCombinedWithScopesThenBothMustHold() {
    Requirement r = Requirement.workload("spiffe://example.org").and(Requirement.allScopes("orders:read"));

    assertThat(r.check(CoreAccess.callers().workload("spiffe://example.org/a")))
        .as("the workload sent no access token: it is missing, not short of a scope")
        .map(Step.Stop::reason).contains(DenyReason.CREDENTIAL_MISSING);
    assertThat(r.check(CoreAccess.callers().workload("spiffe://other.org/a")))
        .map(Step.Stop::reason).contains(DenyReason.WORKLOAD_FORBIDDEN);
  }

  @Test
  void checkWhenTokenlessWorkloadOnTokenRequirementThenCredentialMissingNotInsufficientScope() {
    Caller workload = CoreAccess.callers().workload("spiffe://example.org/a");
    for (Requirement r : List.of(Requirement.allScopes("orders:read"), Requirement.anyScope("orders:read"),
        Requirement.allRoles("admin"), Requirement.anyRole("admin"), Requirement.claimEquals("tenant", "t1"),
        Requirement.senderConstrained(), Requirement.authenticated())) {
      assertThat(r.check(workload)).as(r.toString()).map(Step.Stop::reason).contains(DenyReason.CREDENTIAL_MISSING);
      assertThat(r.check(workload).orElseThrow().requiredScopes()).as(r.toString()).isEmpty();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "", "example.org", "spiffe://", "spiffe:///a", "SPIFFE://example.org", "spiffe://Example.org",
      "spiffe://example.org/", "spiffe://example.org//a", "spiffe://example.org/a/", "spiffe://example.org/./a",
      "spiffe://example.org/../a", "spiffe://example.org/a%2Fb", "spiffe://example.org/**/a",
      "spiffe://example.org/a*", "spiffe://example.org/a/***", "spiffe://example.org/a b", "spiffe://ex ample.org",
      "spiffe://user@example.org/a", "spiffe://example.org:443/a", "spiffe://example.org/a?b",
      "spiffe://example.org/a#b",
  })
  void workloadWhenPatternMalformedThenThrowsNamingIt(String pattern) {
    assertThatIllegalArgumentException().isThrownBy(() -> Requirement.workload(pattern))
        .withMessageContaining("\"" + pattern + "\"");
  }

  @Test
  void workloadWhenNoPatternThenThrows() {
    assertThatIllegalArgumentException().isThrownBy(Requirement::workload);
  }

  @Test
  void workloadWhenPatternNullThenThrows() {
    assertThatIllegalArgumentException().isThrownBy(() -> Requirement.workload((String) null));
  }

  // ---- authenticated() is for access tokens; authenticatedOrWorkload() says it admits workloads too

  @Test
  void authenticatedWhenCallerIsOnlyAWorkloadThenRefusedAsMissingAccessToken() {
    Optional<Step.Stop> stop = Requirement.authenticated().check(CoreAccess.callers().workload("spiffe://example.org/ns/shop/sa/a"));

    assertThat(stop).map(Step.Stop::reason).contains(DenyReason.CREDENTIAL_MISSING);
  }

  @Test
  void authenticatedWhenWorkloadAlsoPresentsAnAccessTokenThenPasses() {
    Caller both = CoreAccess.callers().withWorkload(RoutePolicyTests.tokenCaller(),
        "spiffe://example.org/ns/shop/sa/a");

    assertThat(Requirement.authenticated().check(both)).isEmpty();
    assertThat(Requirement.authenticated().and(Requirement.workload("spiffe://example.org")).check(both)).isEmpty();
    assertThat(Requirement.authenticated().and(Requirement.workload("spiffe://example.org"))
        .check(CoreAccess.callers().workload("spiffe://example.org/ns/shop/sa/a")))
        .map(Step.Stop::reason).contains(DenyReason.CREDENTIAL_MISSING);
  }

  @Test
  void authenticatedOrWorkloadWhenWorkloadOrTokenThenPasses() {
    Requirement either = Requirement.authenticatedOrWorkload();

    assertThat(either.check(CoreAccess.callers().workload("spiffe://example.org/ns/shop/sa/a"))).isEmpty();
    assertThat(either.check(RoutePolicyTests.tokenCaller())).isEmpty();
    assertThat(either.isPublic()).isFalse();
  }

  @Test
  void policyWhenAnonymousOnAuthenticatedOrWorkloadRouteThenCredentialMissing() {
    RoutePolicy routes = RoutePolicy.builder().get("/jobs", Requirement.authenticatedOrWorkload()).build();
    RequestContext request = RequestContext.builder("GET", "/jobs").build();
    RequestState ex = new RequestState(request, "/jobs", routes.match("GET", "/jobs"), Optional.empty(), 0L);

    assertThat(new PolicyGate().evaluate(ex)).isEqualTo(Step.deny(DenyReason.CREDENTIAL_MISSING));
    ex.authenticate(CoreAccess.callers().workload("spiffe://example.org/ns/shop/sa/a"));
    assertThat(new PolicyGate().evaluate(ex)).isEqualTo(Step.proceed());
  }
}
