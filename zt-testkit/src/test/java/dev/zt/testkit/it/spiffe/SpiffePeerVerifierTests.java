package dev.zt.testkit.it.spiffe;

import dev.zt.spiffe.SvidSnapshot;
import dev.zt.spiffe.TrustBundleSet;
import dev.zt.spiffe.X509Source;

import dev.zt.spiffe.SpiffePeerVerifier;

import static dev.zt.testkit.it.spiffe.SpiffeFixtures.BUNDLES;
import static dev.zt.testkit.it.spiffe.SpiffeFixtures.CLOCK;
import static dev.zt.testkit.it.spiffe.SpiffeFixtures.EXAMPLE;
import static dev.zt.testkit.it.spiffe.SpiffeFixtures.EXAMPLE_VIA_INTERMEDIATE;
import static dev.zt.testkit.it.spiffe.SpiffeFixtures.OTHER;
import static org.assertj.core.api.Assertions.assertThat;

import dev.zt.core.credential.BearerJwt;
import dev.zt.core.Decision;
import dev.zt.core.DenyReason;
import dev.zt.core.Enforcer;
import dev.zt.core.credential.PeerVerifier;
import dev.zt.core.rate.RatePolicy;
import dev.zt.core.RequestContext;
import dev.zt.core.policy.Requirement;
import dev.zt.core.policy.RoutePolicy;
import dev.zt.testkit.spiffe.TestSvid;
import dev.zt.testkit.spiffe.TestTrustDomain;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@link SpiffePeerVerifier}: core's peer SPI over X.509-SVID verification, alone and inside an enforcer. */
class SpiffePeerVerifierTests {

  private final SpiffePeerVerifier verifier = SpiffePeerVerifier.of(BUNDLES, CLOCK);

  @Test
  void verifyWhenGoodSvidThenVerifiedWithCanonicalId() {
    PeerVerifier.Result r = verifier.verify(EXAMPLE.issueX509Svid("/ns/shop/sa/checkout").chain());

    assertThat(r).isEqualTo(new PeerVerifier.Verified("spiffe://example.org/ns/shop/sa/checkout"));
  }

  @Test
  void verifyWhenGoodSvidViaIntermediateThenVerified() {
    PeerVerifier.Result r = verifier.verify(EXAMPLE_VIA_INTERMEDIATE.issueX509Svid("/ns/ops/sa/auditor").chain());

    assertThat(r).isEqualTo(new PeerVerifier.Verified("spiffe://example.org/ns/ops/sa/auditor"));
  }

  static Stream<Arguments> badChains() {
    TestTrustDomain stranger = TestTrustDomain.create("stranger.test", CLOCK);
    return Stream.of(
        Arguments.of("CA leaf", (Supplier<TestSvid>) () -> EXAMPLE.leaf("/a").ca().issue()),
        Arguments.of("two URI SANs", (Supplier<TestSvid>) () -> EXAMPLE.leaf("/a").extraUriSan("spiffe://example.org/b")
            .issue()),
        Arguments.of("no URI SAN", (Supplier<TestSvid>) () -> EXAMPLE.leaf("/a").noUriSan().issue()),
        Arguments.of("without digitalSignature", (Supplier<TestSvid>) () -> EXAMPLE.leaf("/a")
            .withoutDigitalSignature().issue()),
        Arguments.of("with keyCertSign", (Supplier<TestSvid>) () -> EXAMPLE.leaf("/a").withKeyCertSign().issue()),
        Arguments.of("expired", (Supplier<TestSvid>) () -> EXAMPLE.leaf("/a")
            .validity(CLOCK.instant().minus(Duration.ofDays(2)), CLOCK.instant().minus(Duration.ofDays(1))).issue()),
        Arguments.of("signed by another domain's CA", (Supplier<TestSvid>) () -> EXAMPLE.leaf("/a").signedBy(OTHER)
            .issue()),
        Arguments.of("unknown trust domain", (Supplier<TestSvid>) () -> stranger.issueX509Svid("/a")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badChains")
  void verifyWhenBadChainThenRejectedNamingTheRule(String name, Supplier<TestSvid> svid) {
    PeerVerifier.Result r = verifier.verify(svid.get().chain());

    assertThat(r).isInstanceOf(PeerVerifier.Rejected.class);
    assertThat(((PeerVerifier.Rejected) r).reason()).isNotBlank();
  }

  @Test
  void verifyWhenSourceBundlesRotateThenNextRequestUsesThem() {
    TestSvid own = EXAMPLE.issueX509Svid("/ns/shop/sa/orders");
    X509Source source = X509Source.of(new SvidSnapshot(own.toX509Svid(), BUNDLES));
    SpiffePeerVerifier rotating = SpiffePeerVerifier.of(source, CLOCK);
    List<java.security.cert.X509Certificate> chain = EXAMPLE.issueX509Svid("/ns/shop/sa/checkout").chain();
    assertThat(rotating.verify(chain)).isInstanceOf(PeerVerifier.Verified.class);

    source.update(new SvidSnapshot(own.toX509Svid(), TrustBundleSet.of(OTHER.bundle().trustBundle())));

    assertThat(rotating.verify(chain)).isInstanceOf(PeerVerifier.Rejected.class);
  }

  // ---- inside an enforcer

  private static Enforcer enforcer() {
    return Enforcer.builder()
        .bearerJwt(BearerJwt.issuer("https://issuer.test").audience("api")
            .keySource((selector, context) -> List.of()).build())
        .peerVerifier(SpiffePeerVerifier.of(BUNDLES, CLOCK))
        .routes(RoutePolicy.builder()
            .get("/internal/inventory", Requirement.workload("spiffe://example.org/ns/shop/sa/checkout"))
            .get("/internal/audit", Requirement.workload("spiffe://example.org/ns/ops/**"))
            .build())
        .rateLimits(RatePolicy.none())
        .clock(CLOCK)
        .build();
  }

  private static Decision enforce(Enforcer enforcer, String path, TestSvid peer) {
    return enforcer.enforce(RequestContext.builder("GET", path).arrival(CLOCK.instant())
        .peerCertificates(peer.chain()).build()).toCompletableFuture().join();
  }

  @Test
  void enforceWhenCheckoutSvidThenInventoryAllowedAndAuditForbidden() {
    Enforcer enforcer = enforcer();
    TestSvid checkout = EXAMPLE.issueX509Svid("/ns/shop/sa/checkout");

    Decision inventory = enforce(enforcer, "/internal/inventory", checkout);
    Decision audit = enforce(enforcer, "/internal/audit", checkout);

    assertThat(inventory.allowed()).isTrue();
    assertThat(((Decision.Allow) inventory).caller().workload()).contains("spiffe://example.org/ns/shop/sa/checkout");
    assertThat(((Decision.Deny) audit).reason()).isEqualTo(DenyReason.WORKLOAD_FORBIDDEN);
    assertThat(((Decision.Deny) audit).status()).isEqualTo(403);
  }

  @Test
  void enforceWhenCaLeafWithAllowedIdThenPeerRejected() {
    Decision d = enforce(enforcer(), "/internal/inventory", EXAMPLE.leaf("/ns/shop/sa/checkout").ca().issue());

    assertThat(((Decision.Deny) d).reason()).isEqualTo(DenyReason.PEER_REJECTED);
  }
}
