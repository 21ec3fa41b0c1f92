package dev.zt.testkit.it.spiffe;

import dev.zt.spiffe.InvalidBundleException;
import dev.zt.spiffe.TrustBundle;
import dev.zt.spiffe.TrustBundleSet;
import dev.zt.spiffe.TrustDomain;
import dev.zt.spiffe.X509Svid;
import dev.zt.spiffe.X509SvidResult;
import dev.zt.spiffe.X509SvidRule;
import dev.zt.spiffe.X509SvidVerifier;

import static dev.zt.testkit.it.spiffe.SpiffeFixtures.EXAMPLE;
import static dev.zt.testkit.it.spiffe.SpiffeFixtures.OTHER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.util.JSONObjectUtils;
import dev.zt.testkit.spiffe.TestBundle;
import dev.zt.testkit.spiffe.TestSvid;
import java.text.ParseException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TrustBundleTests {

  private static final TrustDomain TD = EXAMPLE.trustDomain();

  @Test
  void parseWhenTestkitBundleThenX509AndJwtAuthoritiesSequenceAndHint() {
    TrustBundle b = EXAMPLE.bundle().trustBundle();
    assertThat(b.trustDomain()).isEqualTo(TD);
    assertThat(b.x509Authorities()).containsExactly(EXAMPLE.root());
    assertThat(b.jwtAuthorities()).containsOnlyKeys(EXAMPLE.jwtKey().getKeyID());
    assertThat(b.jwtAuthority(EXAMPLE.jwtKey().getKeyID()).orElseThrow().isPrivate()).isFalse();
    assertThat(b.sequence()).hasValue(1);
    assertThat(b.refreshHint()).contains(Duration.ofSeconds(300));
  }

  /** The testkit bundle's JSON with {@code change} applied to its parsed form. */
  private static String edited(Consumer<Map<String, Object>> change) {
    try {
      Map<String, Object> doc = new LinkedHashMap<>(JSONObjectUtils.parse(EXAMPLE.bundle().json()));
      List<Object> keys = new ArrayList<>();
      for (Object k : (List<?>) doc.get("keys")) {
        @SuppressWarnings("unchecked")
        Map<String, Object> copy = new LinkedHashMap<>((Map<String, Object>) k);
        keys.add(copy);
      }
      doc.put("keys", keys);
      change.accept(doc);
      return JSONObjectUtils.toJSONString(doc);
    } catch (ParseException e) {
      throw new IllegalStateException(e);
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> key(Map<String, Object> doc, int i) {
    return (Map<String, Object>) ((List<Object>) doc.get("keys")).get(i);
  }

  @ParameterizedTest
  @ValueSource(strings = {"x509-SVID", "sig", "enc", "jwt_svid"})
  void parseWhenUnknownUseThenKeyIgnored(String use) {
    TrustBundle b = TrustBundle.parse(TD, edited(d -> {
      key(d, 0).put("use", use);
      key(d, 1).put("use", use);
    }));
    assertThat(b.isEmpty()).isTrue();
  }

  @Test
  void parseWhenUseMissingOrKeyTypeUnknownThenKeyIgnored() {
    TrustBundle b = TrustBundle.parse(TD, edited(d -> {
      key(d, 0).remove("use");
      key(d, 1).put("kty", "OKP");
    }));
    assertThat(b.isEmpty()).isTrue();
  }

  @Test
  void parseWhenX509KeyHasNoX5cThenIgnored() {
    TrustBundle b = TrustBundle.parse(TD, edited(d -> key(d, 0).remove("x5c")));
    assertThat(b.x509Authorities()).isEmpty();
    assertThat(b.jwtAuthorities()).hasSize(1);
  }

  @Test
  void parseWhenX5cHasMoreCertificatesThenOnlyTheFirstCounts() {
    String other = java.util.Base64.getEncoder().encodeToString(der(OTHER.root()));
    TrustBundle b = TrustBundle.parse(TD, edited(d -> {
      List<Object> x5c = new ArrayList<>((List<?>) key(d, 0).get("x5c"));
      x5c.add(other);
      key(d, 0).put("x5c", x5c);
    }));
    assertThat(b.x509Authorities()).containsExactly(EXAMPLE.root());
  }

  @Test
  void parseWhenEmptyKeysThenEmptyBundleThatTrustsNothing() {
    TrustBundle b = TrustBundle.parse(TD, "{\"keys\":[]}");
    assertThat(b.isEmpty()).isTrue();
    assertThat(b.sequence()).isEmpty();
    TestSvid svid = EXAMPLE.issueX509Svid("/a");
    X509SvidResult r = X509SvidVerifier.create(SpiffeFixtures.CLOCK).verify(svid.chain(), TrustBundleSet.of(b));
    assertThat(((X509SvidResult.Rejected) r).rule()).isEqualTo(X509SvidRule.NO_BUNDLE_FOR_TRUST_DOMAIN);
  }

  @Test
  void parseWhenDuplicateMemberAnywhereThenRejected() {
    assertThatThrownBy(() -> TrustBundle.parse(TD, "{\"keys\":[],\"keys\":[]}"))
        .isInstanceOf(InvalidBundleException.class);
    String json = EXAMPLE.bundle().json();
    String dupInKey = json.replaceFirst("\"use\":\"jwt-svid\"", "\"use\":\"jwt-svid\",\"use\":\"jwt-svid\"");
    assertThat(dupInKey).isNotEqualTo(json);
    assertThatThrownBy(() -> TrustBundle.parse(TD, dupInKey)).isInstanceOf(InvalidBundleException.class);
  }

  @Test
  void parseWhenLargerThanTheCapThenRejected() {
    String big = "{\"keys\":[],\"pad\":\"" + "a".repeat(TrustBundle.MAX_BUNDLE_CHARS) + "\"}";
    assertThatThrownBy(() -> TrustBundle.parse(TD, big)).isInstanceOf(InvalidBundleException.class)
        .hasMessageContaining("larger");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "[]", "{}", "{\"keys\":{}}", "{\"keys\":[1]}", "{\"keys\":[]} x",
      "{\"keys\":[],\"spiffe_sequence\":-1}", "{\"keys\":[],\"spiffe_sequence\":\"1\"}",
      "{\"keys\":[],\"spiffe_sequence\":1.5}", "{\"keys\":[],\"spiffe_refresh_hint\":true}"})
  void parseWhenStructureInvalidThenRejected(String json) {
    assertThatThrownBy(() -> TrustBundle.parse(TD, json)).isInstanceOf(InvalidBundleException.class);
  }

  @Test
  void parseWhenJwtKeyWithoutKidOrDuplicateKidThenRejected() {
    assertThatThrownBy(() -> TrustBundle.parse(TD, edited(d -> key(d, 1).remove("kid"))))
        .isInstanceOf(InvalidBundleException.class).hasMessageContaining("kid");
    assertThatThrownBy(() -> TrustBundle.parse(TD, edited(d -> {
      @SuppressWarnings("unchecked")
      List<Object> keys = (List<Object>) d.get("keys");
      keys.add(new LinkedHashMap<>(key(d, 1)));
    }))).isInstanceOf(InvalidBundleException.class).hasMessageContaining("kid");
  }

  @Test
  void parseWhenPrivateKeyMaterialThenRejected() {
    String withD = edited(d -> key(d, 1).put("d", EXAMPLE.jwtKey().getD().toString()));
    assertThatThrownBy(() -> TrustBundle.parse(TD, withD)).isInstanceOf(InvalidBundleException.class)
        .hasMessageContaining("private");
  }

  @Test
  void parseWhenX5cCertificateDoesNotMatchTheJwkThenRejected() {
    String otherX = edited(d -> key(d, 0).put("x5c",
        List.of(java.util.Base64.getEncoder().encodeToString(der(OTHER.root())))));
    assertThatThrownBy(() -> TrustBundle.parse(TD, otherX)).isInstanceOf(InvalidBundleException.class);
  }

  @Test
  void fromPemWhenRootPemThenOneX509Authority() {
    TestBundle tb = EXAMPLE.bundle();
    TrustBundle b = TrustBundle.fromPem(TD, "# comment\n" + tb.pem() + "\n");
    assertThat(b.x509Authorities()).containsExactly(EXAMPLE.root());
    assertThat(b.jwtAuthorities()).isEmpty();
  }

  @Test
  void fromPemWhenNoCertificateOrOtherBlocksThenRejected() {
    assertThatThrownBy(() -> TrustBundle.fromPem(TD, "nothing here")).isInstanceOf(InvalidBundleException.class);
    String key = EXAMPLE.issueX509Svid("/a").keyPem();
    assertThatThrownBy(() -> TrustBundle.fromPem(TD, EXAMPLE.bundle().pem() + key))
        .isInstanceOf(InvalidBundleException.class).hasMessageContaining("PRIVATE KEY");
    assertThatThrownBy(() -> TrustBundle.fromPem(TD, EXAMPLE.bundle().pem() + EXAMPLE.bundle().pem()))
        .isInstanceOf(InvalidBundleException.class).hasMessageContaining("twice");
  }

  @Test
  void bundleSetWhenTwoBundlesForOneDomainThenFailsFast() {
    assertThatThrownBy(() -> TrustBundleSet.of(TrustBundle.empty(TD), TrustBundle.empty(TD)))
        .isInstanceOf(IllegalArgumentException.class);
    TrustBundleSet set = TrustBundleSet.of(TrustBundle.empty(TD));
    assertThat(set.with(EXAMPLE.bundle().trustBundle()).bundleFor(TD).orElseThrow().isEmpty()).isFalse();
    assertThat(set.bundleFor(OTHER.trustDomain())).isEmpty();
  }

  @Test
  void x509SvidWhenFromPemThenRoundTripsAndChecksTheKey() {
    TestSvid svid = SpiffeFixtures.EXAMPLE_VIA_INTERMEDIATE.issueX509Svid("/ns/shop/sa/checkout");
    X509Svid own = X509Svid.fromPem(svid.chainPem(), svid.keyPem());
    assertThat(own.spiffeId()).hasToString("spiffe://example.org/ns/shop/sa/checkout");
    assertThat(own.chain()).hasSize(2);
    assertThat(own.toString()).doesNotContain(svid.keyPem().substring(30, 60));
    TestSvid another = EXAMPLE.issueX509Svid("/b");
    assertThatThrownBy(() -> X509Svid.fromPem(svid.chainPem(), another.keyPem()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("does not belong");
    assertThatThrownBy(() -> X509Svid.of(EXAMPLE.leaf("").issue().chain(), svid.privateKey()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static byte[] der(java.security.cert.X509Certificate c) {
    try {
      return c.getEncoded();
    } catch (java.security.cert.CertificateEncodingException e) {
      throw new IllegalStateException(e);
    }
  }
}
