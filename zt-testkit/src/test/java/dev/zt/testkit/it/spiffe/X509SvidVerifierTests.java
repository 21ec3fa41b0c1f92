package dev.zt.testkit.it.spiffe;

import dev.zt.spiffe.TrustBundle;
import dev.zt.spiffe.TrustBundleSet;
import dev.zt.spiffe.VerifiedX509Svid;
import dev.zt.spiffe.X509SvidResult;
import dev.zt.spiffe.X509SvidRule;
import dev.zt.spiffe.X509SvidVerifier;

import static dev.zt.testkit.it.spiffe.SpiffeFixtures.BUNDLES;
import static dev.zt.testkit.it.spiffe.SpiffeFixtures.CLOCK;
import static dev.zt.testkit.it.spiffe.SpiffeFixtures.EXAMPLE;
import static dev.zt.testkit.it.spiffe.SpiffeFixtures.EXAMPLE_VIA_INTERMEDIATE;
import static dev.zt.testkit.it.spiffe.SpiffeFixtures.OTHER;
import static org.assertj.core.api.Assertions.assertThat;

import dev.zt.testkit.spiffe.TestSvid;
import dev.zt.testkit.spiffe.TestTrustDomain;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class X509SvidVerifierTests {

  private final X509SvidVerifier verifier = X509SvidVerifier.create(CLOCK);

  private static final Instant NOW = CLOCK.instant();

  @Test
  void verifyWhenLeafDirectlyUnderRootThenVerifiedWithId() {
    TestSvid svid = EXAMPLE.issueX509Svid("/ns/shop/sa/checkout");
    X509SvidResult r = verifier.verify(svid.chain(), BUNDLES);
    assertThat(r).isInstanceOf(X509SvidResult.Verified.class);
    VerifiedX509Svid v = ((X509SvidResult.Verified) r).svid();
    assertThat(v.spiffeId()).hasToString("spiffe://example.org/ns/shop/sa/checkout");
    assertThat(v.trustAnchor()).isEqualTo(EXAMPLE.root());
    assertThat(v.chain()).containsExactly(svid.leaf());
  }

  @Test
  void verifyWhenLeafViaIntermediateThenVerified() {
    TestSvid svid = EXAMPLE_VIA_INTERMEDIATE.issueX509Svid("/ns/shop/sa/checkout");
    assertThat(svid.chain()).hasSize(2);
    X509SvidResult r = verifier.verify(svid.chain(), BUNDLES);
    assertThat(r).isInstanceOf(X509SvidResult.Verified.class);
    assertThat(((X509SvidResult.Verified) r).svid().chain()).hasSize(2);
  }

  @Test
  void verifyWhenPeerAlsoSendsTheRootThenVerified() {
    TestSvid svid = EXAMPLE_VIA_INTERMEDIATE.issueX509Svid("/a");
    List<X509Certificate> withRoot = new ArrayList<>(svid.chain());
    withRoot.add(EXAMPLE.root());
    assertThat(verifier.verify(withRoot, BUNDLES)).isInstanceOf(X509SvidResult.Verified.class);
  }

  @Test
  void verifyWhenNoBasicConstraintsOnLeafThenVerified() {
    TestSvid svid = EXAMPLE.leaf("/a").withoutBasicConstraints().issue();
    assertThat(verifier.verify(svid.chain(), BUNDLES)).isInstanceOf(X509SvidResult.Verified.class);
  }

  @Test
  void verifyWhenNoExtendedKeyUsageThenVerified() {
    TestSvid svid = EXAMPLE.leaf("/a").extendedKeyUsage().issue();
    assertThat(verifier.verify(svid.chain(), BUNDLES)).isInstanceOf(X509SvidResult.Verified.class);
  }

  static Stream<Arguments> badLeaves() {
    TestTrustDomain unbundled = TestTrustDomain.create("unbundled.test", CLOCK);
    return Stream.of(
        bad("CA leaf", () -> EXAMPLE.leaf("/a").ca().issue(), X509SvidRule.LEAF_IS_CA),
        bad("two URI SANs", () -> EXAMPLE.leaf("/a").extraUriSan("spiffe://example.org/b").issue(),
            X509SvidRule.MULTIPLE_URI_SANS),
        bad("SPIFFE + https URI SANs", () -> EXAMPLE.leaf("/a").extraUriSan("https://example.org/").issue(),
            X509SvidRule.MULTIPLE_URI_SANS),
        bad("root-only ID", () -> EXAMPLE.leaf("").issue(), X509SvidRule.LEAF_ID_WITHOUT_PATH),
        bad("missing digitalSignature", () -> EXAMPLE.leaf("/a").withoutDigitalSignature().issue(),
            X509SvidRule.DIGITAL_SIGNATURE_MISSING),
        bad("keyCertSign on leaf", () -> EXAMPLE.leaf("/a").withKeyCertSign().issue(),
            X509SvidRule.LEAF_KEY_CERT_SIGN),
        bad("cRLSign on leaf", () -> EXAMPLE.leaf("/a").withCrlSign().issue(), X509SvidRule.LEAF_CRL_SIGN),
        bad("no key usage", () -> EXAMPLE.leaf("/a").withoutKeyUsage().issue(), X509SvidRule.KEY_USAGE_MISSING),
        bad("key usage not critical", () -> EXAMPLE.leaf("/a").keyUsageNotCritical().issue(),
            X509SvidRule.KEY_USAGE_NOT_CRITICAL),
        bad("EKU without clientAuth", () -> EXAMPLE.leaf("/a").extendedKeyUsage(KeyPurposeId.id_kp_serverAuth)
            .issue(), X509SvidRule.EXTENDED_KEY_USAGE),
        bad("wrong trust domain (no bundle)", () -> unbundled.issueX509Svid("/a"),
            X509SvidRule.NO_BUNDLE_FOR_TRUST_DOMAIN),
        bad("expired", () -> EXAMPLE.leaf("/a").validity(NOW.minus(Duration.ofHours(2)), NOW.minusSeconds(1))
            .issue(), X509SvidRule.EXPIRED),
        bad("not yet valid", () -> EXAMPLE.leaf("/a").validity(NOW.plusSeconds(60), NOW.plus(Duration.ofHours(1)))
            .issue(), X509SvidRule.NOT_YET_VALID),
        bad("signed by another domain's CA", () -> EXAMPLE.leaf("/a").signedBy(OTHER).issue(),
            X509SvidRule.NOT_SIGNED_BY_TRUST_DOMAIN_AUTHORITY),
        bad("non-SPIFFE URI SAN", () -> EXAMPLE.leaf("/a").uri("https://example.org/a").issue(),
            X509SvidRule.NOT_A_SPIFFE_ID),
        bad("SPIFFE URI with a dot segment", () -> EXAMPLE.leaf("/a").uri("spiffe://example.org/a/../b").issue(),
            X509SvidRule.NOT_A_SPIFFE_ID),
        bad("upper-case trust domain in SAN", () -> EXAMPLE.leaf("/a").uri("spiffe://EXAMPLE.org/a").issue(),
            X509SvidRule.NOT_A_SPIFFE_ID),
        bad("no URI SAN", () -> EXAMPLE.leaf("/a").noUriSan().issue(), X509SvidRule.NO_URI_SAN),
        bad("intermediate without keyCertSign",
            () -> EXAMPLE.withIntermediateLackingKeyCertSign().issueX509Svid("/a"),
            X509SvidRule.SIGNING_CERT_KEY_CERT_SIGN_MISSING),
        bad("intermediate left out", () -> EXAMPLE_VIA_INTERMEDIATE.leaf("/a").withoutIntermediates().issue(),
            X509SvidRule.NOT_SIGNED_BY_TRUST_DOMAIN_AUTHORITY),
        bad("a leaf presented as intermediate", () -> {
          TestSvid a = EXAMPLE.issueX509Svid("/a");
          TestSvid b = EXAMPLE.issueX509Svid("/b");
          return new Chain(List.of(a.leaf(), b.leaf()));
        }, X509SvidRule.SIGNING_CERT_NOT_CA));
  }

  record Chain(List<X509Certificate> certs) {}

  private static Arguments bad(String name, Supplier<Object> leaf, X509SvidRule rule) {
    return Arguments.of(name, leaf, rule);
  }

  @ParameterizedTest(name = "{0} → {2}")
  @MethodSource("badLeaves")
  void verifyWhenLeafBreaksARuleThenRejectedNamingIt(String name, Supplier<Object> make, X509SvidRule rule) {
    Object made = make.get();
    List<X509Certificate> chain = made instanceof TestSvid s ? s.chain() : ((Chain) made).certs();
    X509SvidResult r = verifier.verify(chain, BUNDLES);
    assertThat(r).isInstanceOf(X509SvidResult.Rejected.class);
    assertThat(((X509SvidResult.Rejected) r).rule()).as(((X509SvidResult.Rejected) r).detail()).isEqualTo(rule);
  }

  @Test
  void verifyWhenChainEmptyThenRejected() {
    assertThat(verifier.verify(List.of(), BUNDLES))
        .isEqualTo(new X509SvidResult.Rejected(X509SvidRule.CHAIN_EMPTY, "no certificate presented"));
  }

  @Test
  void verifyWhenBundleOfLeafDomainIsEmptyThenRejectedEvenIfAnotherDomainTrustsTheCa() {
    TestSvid svid = EXAMPLE.issueX509Svid("/a");
    // example.org's CA listed under other.test must not vouch for example.org IDs
    TrustBundleSet misfiled = TrustBundleSet.of(TrustBundle.empty(EXAMPLE.trustDomain()),
        TrustBundle.ofX509Authorities(OTHER.trustDomain(), List.of(EXAMPLE.root())));
    X509SvidResult r = verifier.verify(svid.chain(), misfiled);
    assertThat(((X509SvidResult.Rejected) r).rule()).isEqualTo(X509SvidRule.NO_BUNDLE_FOR_TRUST_DOMAIN);
  }

  @Test
  void verifyWhenClockMovesPastExpiryThenRejectedAsExpired() {
    TestSvid svid = EXAMPLE.issueX509Svid("/a");
    dev.zt.testkit.TestClock later = dev.zt.testkit.TestClock.at(NOW.plus(Duration.ofHours(2)));
    X509SvidResult r = X509SvidVerifier.create(later).verify(svid.chain(), BUNDLES);
    assertThat(((X509SvidResult.Rejected) r).rule()).isEqualTo(X509SvidRule.EXPIRED);
  }

  @Test
  void verifyWhenRootLacksKeyCertSignThenRejected() {
    // a bundle whose only authority is a leaf certificate: no signing certificate may be a non-CA
    TestSvid fakeRoot = EXAMPLE.issueX509Svid("/fake-root");
    TrustBundleSet set = TrustBundleSet.of(TrustBundle.ofX509Authorities(EXAMPLE.trustDomain(),
        List.of(fakeRoot.leaf())));
    X509SvidResult r = verifier.verify(EXAMPLE.issueX509Svid("/a").chain(), set);
    assertThat(r).isInstanceOf(X509SvidResult.Rejected.class);
  }

  @Test
  void verifyWhenEmptySubjectWithCriticalSanThenVerified() {
    // (an empty subject with a non-critical SAN never gets this far: the JDK refuses to parse such a certificate)
    TestSvid svid = EXAMPLE.leaf("/a").emptySubject().issue();
    assertThat(svid.leaf().getSubjectX500Principal().getName()).isEmpty();
    assertThat(verifier.verify(svid.chain(), BUNDLES)).isInstanceOf(X509SvidResult.Verified.class);
  }

  @Test
  void verifyWhenCustomKeyUsageWithKeyAgreementThenVerified() {
    TestSvid svid = EXAMPLE.leaf("/a").keyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement).issue();
    assertThat(verifier.verify(svid.chain(), BUNDLES)).isInstanceOf(X509SvidResult.Verified.class);
  }
}
