package dev.zt.spiffe;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.nimbusds.jose.jwk.JWK;
import java.util.Map;

/**
 * Fuzz target for {@link TrustBundle#parse} (SPIFFE Trust Domain and Bundle §4) and {@link TrustBundle#fromPem}: any
 * text is refused with {@link InvalidBundleException} alone, or gives a bounded bundle of public keys only, whose JWT
 * authorities each have a non-empty {@code kid}.
 */
class TrustBundleFuzzTests {

  private static final TrustDomain DOMAIN = TrustDomain.parse("spiffe://example.org");

  @FuzzTest(maxDuration = "4m")
  void parseWhenFuzzedThenPublicKeysOnlyOrInvalidBundleException(FuzzedDataProvider data) {
    String json = FuzzTexts.of(data);

    TrustBundle bundle;
    try {
      bundle = TrustBundle.parse(DOMAIN, json);
    } catch (InvalidBundleException e) {
      assertThat(e.getMessage()).isNotBlank();
      pemOrRefused(json);
      return;
    }
    assertThat(bundle.trustDomain()).isEqualTo(DOMAIN);
    assertThat(bundle.x509Authorities().size() + bundle.jwtAuthorities().size())
        .isLessThanOrEqualTo(TrustBundle.MAX_KEYS);
    for (Map.Entry<String, JWK> e : bundle.jwtAuthorities().entrySet()) {
      assertThat(e.getKey()).isNotEmpty();
      assertThat(e.getValue().isPrivate()).isFalse();
      assertThat(bundle.jwtAuthority(e.getKey())).contains(e.getValue());
    }
    bundle.sequence().ifPresent(s -> assertThat(s).isNotNegative());
    bundle.refreshHint().ifPresent(h -> assertThat(h.isNegative()).isFalse());
    assertThat(bundle.toString()).doesNotContain("\"d\"");
  }

  private static void pemOrRefused(String text) {
    try {
      TrustBundle pem = TrustBundle.fromPem(DOMAIN, text);
      assertThat(pem.x509Authorities()).isNotEmpty();
    } catch (InvalidBundleException e) {
      assertThat(e.getMessage()).isNotBlank();
    }
  }
}
