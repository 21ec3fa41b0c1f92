package dev.zt.core.credential;

import dev.zt.core.internal.pipeline.CoreAccess;
import dev.zt.core.Caller;
import dev.zt.core.Decision;
import dev.zt.core.DenyReason;
import dev.zt.core.Enforcer;
import dev.zt.core.RequestContext;
import dev.zt.core.WireResponse;
import dev.zt.core.policy.Requirement;
import dev.zt.core.policy.RoutePolicy;
import dev.zt.core.rate.RatePolicy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The peer gate with a fake {@link PeerVerifier}: no chain, rejected chain, verified chain, per-route workloads. */
class PeerGateTests {

  private static final String CHECKOUT = "spiffe://example.org/ns/shop/sa/checkout";
  private static final String AUDITOR = "spiffe://example.org/ns/ops/sa/auditor";
  private static final List<X509Certificate> CHAIN = List.of(certificate());

  private final Clock clock = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
  private final AtomicInteger calls = new AtomicInteger();

  private Enforcer enforcer(PeerVerifier.Result result) {
    return Enforcer.builder()
        .bearerJwt(BearerJwt.issuer("https://issuer.test").audience("api")
            .keySource((selector, context) -> List.of()).build())
        .peerVerifier(chain -> {
          calls.incrementAndGet();
          assertThat(chain).isEqualTo(CHAIN);
          return result;
        })
        .routes(RoutePolicy.builder()
            .get("/health", Requirement.permitAll())
            .get("/internal/inventory", Requirement.workload(CHECKOUT))
            .get("/internal/audit", Requirement.workload("spiffe://example.org/ns/ops/**"))
            .get("/orders", Requirement.allScopes("orders:read"))
            .get("/both", Requirement.workload(CHECKOUT).and(Requirement.allScopes("orders:read")))
            .get("/profile", Requirement.authenticated())
            .get("/jobs", Requirement.authenticatedOrWorkload())
            .build())
        .rateLimits(RatePolicy.none())
        .clock(clock)
        .build();
  }

  private Decision enforce(Enforcer enforcer, String path, boolean withChain) {
    RequestContext.Builder b = RequestContext.builder("GET", path).arrival(clock.instant());
    if (withChain) {
      b.peerCertificates(CHAIN);
    }
    return enforcer.enforce(b.build()).toCompletableFuture().join();
  }

  @Test
  void enforceWhenPeerVerifiedAndWorkloadAllowedThenAllowsWithWorkload() {
    Decision d = enforce(enforcer(new PeerVerifier.Verified(CHECKOUT)), "/internal/inventory", true);

    assertThat(d).isInstanceOf(Decision.Allow.class);
    Caller caller = ((Decision.Allow) d).caller();
    assertThat(caller.workload()).contains(CHECKOUT);
    assertThat(caller.isAuthenticated()).isTrue();
    assertThat(caller.token()).isEmpty();
    assertThat(caller.getName()).isEqualTo(CHECKOUT);
    assertThat(calls).hasValue(1);
  }

  @Test
  void enforceWhenPeerVerifiedUnderPrefixThenAllows() {
    assertThat(enforce(enforcer(new PeerVerifier.Verified(AUDITOR)), "/internal/audit", true).allowed()).isTrue();
  }

  @Test
  void enforceWhenPeerVerifiedButWrongWorkloadThenDenies403WithoutChallenge() {
    Enforcer enforcer = enforcer(new PeerVerifier.Verified(CHECKOUT));
    Decision d = enforce(enforcer, "/internal/audit", true);

    assertThat(d).isInstanceOf(Decision.Deny.class);
    Decision.Deny deny = (Decision.Deny) d;
    assertThat(deny.reason()).isEqualTo(DenyReason.WORKLOAD_FORBIDDEN);
    WireResponse wire = enforcer.respond(deny);
    assertThat(wire.status()).isEqualTo(403);
    assertThat(wire.headers()).doesNotContainKey("WWW-Authenticate");
    assertThat(wire.body()).doesNotContain("spiffe").doesNotContain("ops").doesNotContain("audit");
  }

  @Test
  void enforceWhenChainRejectedThenDeniesPeerRejectedEvenOnPublicRoute() {
    Enforcer enforcer = enforcer(new PeerVerifier.Rejected("leaf is a CA"));
    Decision d = enforce(enforcer, "/health", true);

    assertThat(d).isInstanceOf(Decision.Deny.class);
    Decision.Deny deny = (Decision.Deny) d;
    assertThat(deny.reason()).isEqualTo(DenyReason.PEER_REJECTED);
    assertThat(deny.gate()).isEqualTo(PeerGate.NAME);
    WireResponse wire = enforcer.respond(deny);
    assertThat(wire.status()).isEqualTo(403);
    assertThat(wire.headers()).doesNotContainKey("WWW-Authenticate");
    assertThat(wire.body()).doesNotContain("CA");
  }

  @Test
  void enforceWhenChainRejectedOnWorkloadRouteThenDenies() {
    Decision d = enforce(enforcer(new PeerVerifier.Rejected("untrusted")), "/internal/inventory", true);

    assertThat(((Decision.Deny) d).reason()).isEqualTo(DenyReason.PEER_REJECTED);
  }

  @Test
  void enforceWhenNoChainThenVerifierNotCalledAndPublicRouteAllowed() {
    Decision d = enforce(enforcer(new PeerVerifier.Rejected("never")), "/health", false);

    assertThat(d.allowed()).isTrue();
    assertThat(((Decision.Allow) d).caller().workload()).isEmpty();
    assertThat(calls).hasValue(0);
  }

  @Test
  void enforceWhenNoChainOnWorkloadRouteThenDenies() {
    Decision d = enforce(enforcer(new PeerVerifier.Verified(CHECKOUT)), "/internal/inventory", false);

    assertThat(d.allowed()).isFalse();
    assertThat(((Decision.Deny) d).status()).isIn(401, 403);
  }

  @Test
  void enforceWhenPeerOnlyOnBearerRouteThenDeniesCredentialMissing() {
    Decision d = enforce(enforcer(new PeerVerifier.Verified(CHECKOUT)), "/orders", true);

    assertThat(((Decision.Deny) d).reason()).isEqualTo(DenyReason.CREDENTIAL_MISSING);
    assertThat(((Decision.Deny) d).status()).isEqualTo(401);
  }

  @Test
  void enforceWhenPeerOnlyOnAuthenticatedRouteThenDeniesCredentialMissing() {
    Decision d = enforce(enforcer(new PeerVerifier.Verified(CHECKOUT)), "/profile", true);

    assertThat(((Decision.Deny) d).reason()).isEqualTo(DenyReason.CREDENTIAL_MISSING);
    assertThat(((Decision.Deny) d).gate()).isEqualTo("policy");
  }

  @Test
  void enforceWhenPeerOnlyOnAuthenticatedOrWorkloadRouteThenAllows() {
    Decision d = enforce(enforcer(new PeerVerifier.Verified(CHECKOUT)), "/jobs", true);

    assertThat(d).isInstanceOf(Decision.Allow.class);
    assertThat(((Decision.Allow) d).caller().workload()).contains(CHECKOUT);
    Decision anonymous = enforce(enforcer(new PeerVerifier.Verified(CHECKOUT)), "/jobs", false);
    assertThat(((Decision.Deny) anonymous).reason()).isEqualTo(DenyReason.CREDENTIAL_MISSING);
  }

  @Test
  void enforceWhenRouteNeedsBothAndOnlyPeerThenDenies() {
    Decision d = enforce(enforcer(new PeerVerifier.Verified(CHECKOUT)), "/both", true);

    assertThat(((Decision.Deny) d).reason()).isEqualTo(DenyReason.CREDENTIAL_MISSING);
  }

  @Test
  void enforceWhenPeerVerifiedOnUnmatchedRouteThenDeniesRouteUnmatched() {
    Decision d = enforce(enforcer(new PeerVerifier.Verified(CHECKOUT)), "/elsewhere", true);

    assertThat(((Decision.Deny) d).reason()).isEqualTo(DenyReason.ROUTE_UNMATCHED);
  }

  @Test
  void enforceWhenVerifierThrowsThenFailsClosed() {
    Enforcer enforcer = Enforcer.builder()
        .bearerJwt(BearerJwt.issuer("https://issuer.test").audience("api")
            .keySource((selector, context) -> List.of()).build())
        .peerVerifier(chain -> {
          throw new IllegalStateException("boom");
        })
        .routes(RoutePolicy.builder().get("/health", Requirement.permitAll()).build())
        .clock(clock)
        .build();

    Decision d = enforce(enforcer, "/health", true);

    assertThat(((Decision.Deny) d).reason()).isEqualTo(DenyReason.INTERNAL_ERROR);
  }

  @Test
  void peerVerifierWhenSetTwiceThenThrows() {
    Enforcer.Builder b = Enforcer.builder().peerVerifier(chain -> new PeerVerifier.Rejected("x"));

    org.assertj.core.api.Assertions.assertThatIllegalStateException()
        .isThrownBy(() -> b.peerVerifier(chain -> new PeerVerifier.Rejected("x")))
        .withMessageContaining("peerVerifier");
  }

  @Test
  void verifiedWhenWorkloadIdBlankOrNotAsciiThenThrows() {
    org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
        .isThrownBy(() -> new PeerVerifier.Verified(""));
    org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
        .isThrownBy(() -> new PeerVerifier.Verified("spiffe://a/b c"));
  }

  @Test
  void callerWhenTokenAndWorkloadThenEqualityIncludesWorkload() {
    assertThat(CoreAccess.callers().workload(CHECKOUT)).isEqualTo(CoreAccess.callers().workload(CHECKOUT));
    assertThat(CoreAccess.callers().workload(CHECKOUT)).isNotEqualTo(CoreAccess.callers().workload(AUDITOR));
    assertThat(CoreAccess.callers().withWorkload(Caller.anonymous(), null)).isSameAs(Caller.anonymous());
  }

  private static X509Certificate certificate() {
    try (InputStream in = PeerGateTests.class.getResourceAsStream("peer-gate-test.pem")) {
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
