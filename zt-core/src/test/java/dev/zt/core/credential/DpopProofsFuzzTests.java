package dev.zt.core.credential;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jose.util.JSONObjectUtils;
import dev.zt.core.internal.FuzzText;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Fuzz targets for {@link DpopProofs}: any string is refused for a named reason (never through the catch-all for an
 * unexpected exception); a proof the client's key really signed, with fuzzed header and payload, is accepted only
 * when the rules checked here independently hold.
 */
class DpopProofsFuzzTests {

  private static final long NOW = 1_768_471_200_000L;
  private static final String TOKEN = "token";
  private static final URI HTU = URI.create("https://orders.example.com/orders");
  private static final ECKey KEY = key();
  private static final String JKT = thumbprint();
  private static final DpopProofs PROOFS = new DpopProofs(Dpop.defaults(), null);

  private static ECKey key() {
    try {
      return new ECKeyGenerator(Curve.P_256).generate();
    } catch (com.nimbusds.jose.JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String thumbprint() {
    try {
      return KEY.toPublicJWK().computeThumbprint().toString();
    } catch (com.nimbusds.jose.JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  @FuzzTest(maxDuration = "2m")
  void verifyWhenAnyStringThenRefusedForANamedReason(FuzzedDataProvider data) {
    DpopProofs.Result r = PROOFS.verify(FuzzText.of(data), "GET", HTU, TOKEN, JKT, NOW);

    assertThat(r).isInstanceOf(DpopProofs.Fail.class);
    assertThat(((DpopProofs.Fail) r).detail()).doesNotStartWith("proof unparseable");
  }

  /**
   * Input: the header's JSON text (the client's {@code jwk} is put first in it), a NUL, the payload's JSON text; the
   * proof is then signed with the client's key.
   */
  @FuzzTest(maxDuration = "2m")
  void verifyWhenSignedWithFuzzedContentThenAcceptedOnlyWhenEveryRuleHolds(FuzzedDataProvider data)
      throws Exception {
    String text = FuzzText.of(data);
    int nul = text.indexOf('\0');
    String header = nul < 0 ? "{\"typ\":\"dpop+jwt\",\"alg\":\"ES256\"}" : text.substring(0, nul);
    String payload = nul < 0 ? text : text.substring(nul + 1);
    if (header.startsWith("{")) { // the client's public key, so that a proof can be accepted at all
      String jwk = "\"jwk\":" + KEY.toPublicJWK().toJSONString();
      header = "{" + jwk + (header.substring(1).strip().startsWith("}") ? "" : ",") + header.substring(1);
    }
    String signingInput = b64(header) + "." + b64(payload);
    Base64URL sig = new ECDSASigner(KEY).sign(new JWSHeader(JWSAlgorithm.ES256),
        signingInput.getBytes(StandardCharsets.US_ASCII));

    DpopProofs.Result r = PROOFS.verify(signingInput + "." + sig, "GET", HTU, TOKEN, JKT, NOW);

    if (r instanceof DpopProofs.Fail fail) {
      assertThat(fail.detail()).doesNotStartWith("proof unparseable");
      return;
    }
    Map<String, Object> h = JSONObjectUtils.parse(header);
    Map<String, Object> c = JSONObjectUtils.parse(payload);
    assertThat(((String) h.get("typ")).toLowerCase(java.util.Locale.ROOT)).isEqualTo("dpop+jwt");
    assertThat(h.get("alg")).isEqualTo("ES256");
    assertThat(h).doesNotContainKeys("kid", "jku", "x5u", "x5c", "crit", "b64");
    assertThat(c.get("htm")).isEqualTo("GET");
    assertThat(DpopProofs.normalHtu((String) c.get("htu"))).isEqualTo(HTU);
    long iat = (long) (((Number) c.get("iat")).doubleValue() * 1000);
    assertThat(iat).isBetween(NOW - 60_000, NOW + 5_000);
    assertThat(c.get("ath")).isEqualTo(new String(DpopProofs.accessTokenHash(TOKEN), StandardCharsets.US_ASCII));
  }

  private static String b64(String json) {
    return Base64URL.encode(json.getBytes(StandardCharsets.UTF_8)).toString();
  }
}
