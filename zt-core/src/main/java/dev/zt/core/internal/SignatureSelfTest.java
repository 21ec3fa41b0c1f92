package dev.zt.core.internal;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.Provider;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Map;

/**
 * The known-answer self-test a JCA provider passes, per JWS algorithm, before zt verifies that algorithm's signatures
 * with it: a known-good signature verifies, the same signature over a changed input does not, and an all-zero
 * signature (r = s = 0 for ECDSA) does not — through the very verifier classes zt verifies tokens with (Nimbus'
 * {@code RSASSAVerifier} and {@code ECDSAVerifier} with the provider on their JCA context; the raw {@code Ed25519}
 * signature, as zt's Ed25519 verifier calls it). An exception on a bad signature counts as a refusal; one on the good
 * signature fails the test. The vectors were made once, for this test only (the keys' private halves are gone).
 */
final class SignatureSelfTest {

  private static final byte[] INPUT = "zt signature provider self-test".getBytes(StandardCharsets.US_ASCII);

  // SubjectPublicKeyInfo prefix of an Ed25519 key (RFC 8410 §4)
  private static final byte[] ED25519_SPKI_PREFIX = {
      0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00};

  private static final String RSA_KEY =
      "{\"kty\":\"RSA\",\"e\":\"AQAB\",\"n\":\"knm-50yPbxcuAuVidEGnvxxjVVfm-cldyQUPvlMhtWVY0978zZF25XCF1VNkG04735v"
      + "fJLo9X5WJHhaW3Al8CKU1JkVrIExiBmTiySViGUasGXJKFF3GvMOeATlva0-8LhS0jKvCo0F1XbtSNwEDqRjS0TH3mdSBan7"
      + "wjhWxw_ylll1GK-N9KzsuOMlTCbGHeWguwYHZqa7ilEkekeNusEnPXt1IEBFdX_7DJoSEfFbG_sLsO0XzTqgSeCez6WqA5W3"
      + "8KE3gNZa11A1wT0oRY9W_E0XHJxxyk3fEouFmhlQ73BsSELFgothnthyIGsG1Nhd-6b-gOHf-Ub_jT6g1mw\"}";
  private static final String RS256 =
      "UvzqpDYCROTAJxHh6h3Uo3tRizN6pGIVJ_DV5XzJ_LrP8J-UjaHPI9b1DVaCJTZD9fmcd6MT6_ukPGsCHCFp5sGcdOHlh_th"
      + "3oawi4UojM5IU90gmB2eqnBKmZPgl-ZZIS7KUdBAxOSSEm2aPun327vA_dT_w9Gxew8mAsIXbry5CWs7y1_2V0bCM9xHpYz4"
      + "o1XIYryXxI9yvGLuz5loWjkyt-T6SovLsFRwucJt2Qfr-nA8j_nOEYySomG91FRz9v1COYQ38xkQH5AB1hj7pfjgufqGTUq_"
      + "ZKZg_1DbIcNa_f2LY7ENbeWzoKfgP-l2l6eYTJDGYvZr0Tmyv__fKg";
  private static final String RS384 =
      "WQtOOg2ZcKWYuKlsbherHQuLkJ_FqmvMNubNHHcnuWXZFwYHCZtw4QNfxxqCwQdh8Yi_CsARl9z4MDecG8WDov2V41yIQnZG"
      + "pcyOCQPlAWWVviIIFcu3_IqtKVk1zSf7A4knl4BjDHbUXZjXSLq5tUDV8nZyh_77Z2OMdG2lnWr6u8F7Y29j9RgXCtZ4yZt8"
      + "xXKo7YzSn1dNT-zT1LRmko9RJFoVqXps-bmnFIi8ln9k2c-kVSSQTsJqcmK548yMfSf5_HNBLqOmSQQTzUUjIVJHn8hga8Us"
      + "vYUWnfC20Opz2kK0b7rq4lHnmzVFz0jyE2Ws8VL4ZTB8tVqxsoOu7w";
  private static final String RS512 =
      "FhVjCt3l-hDpRGj1mMQb6TBDpsARVBfHeYMapbo1ZQznHCM25wxdItw7whAma2u6ONZVLgJcg2IBg_W4qo-5ygLRnCXqQmBK"
      + "qsmVXbYKQoFkEBMfvOc8_BCROTwptsxfVEUwEtxqlwAoXwbrIzGd2o0hLlQsfPGftQO2WH0hb1T9JH81Nr_OqIBSiXosmyjA"
      + "rgPgBnQ4MmVt5hctHr-UvnZRkfG5ycg6KDLJk_X7WmpW-JFYK0E6vkPjlluvPRmUyJT6-14M3pLgA4omBokp6yCOdoruYMiX"
      + "61oFggfC9JMp7rvptfJ6Kzc5rlLmWbZ1H4DXTBtFzcNwQxAc3pE-VA";
  private static final String PS256 =
      "dLFfQ18wfDeYnBoCilrIN_J07Myj8_ChnLpDNkB4AUV6UIsfxLtyEMkGGjTk5SECxPFIkeDN2y7uUMlXgkwNbGWW0JedmweE"
      + "BK0KvJ50TCLodQXAN_JRyoL2oSfuN4g33rbK8NxfCVDpN52u_8EZverV9sP_r1mJJt_eEe0tziN-4WlTD9naCSbewtcNtkh5"
      + "S2n02Xab2ZO7Ir_056IcJohDc2QmXqLSAncR1F52Qimi4O2GgCzpPfHPHifhtU5IgX-mVihQR-TPaxnUa0IAhYfuXl45U35B"
      + "AGVQ-5tO-4PTTCiGchOo053RY4XLrtbt3iCnRhjjgTLUaAJeI-c3Iw";
  private static final String PS384 =
      "JJwrr8vjUG6EmcgJEpLPjn-H8r8HfMqOZkdyoFcQzvkakN8iaOTjkXLNdNM-KmncMUXZPYIAzIgNmLsaM1Qoysrx7P4u4nCB"
      + "3zVrhow8jJfxCCV3ZD02HsKWGt7C1clQPjSN_WndGgc_juaS1WSbkyT6ewqNRy-5Y_ehzw29zE560EVoW2aYR_PPp3AWwc3n"
      + "-0Js4orJ9axfbovvYKV9KjyTbAZVmKEZsa-mRqt_fa2IN19VcIDjf7_WunEy7mziobCqlfSOlA66EHVm-2QHmbFpWYk2fL_n"
      + "KGYSfBFOyahe8sI2x5mkIOQdNUYSYdbF0N0-GjwmKVjE2D66sx24yA";
  private static final String PS512 =
      "UL3FFiVNKSDxo9x8xhhdOkSUz8G0N75Oe3hJVjsSX9j0_hcvvZN5xAPbuqRS4OR5abdiL0SlwEwuqGiirLNQUwItA7JsDEpc"
      + "3qEvNaAAtCtvioR8obBkJbRtJtxcc9CHCwCWHROgcBF0JDzBty9ihg1sSsCdZwwSdaemk4NeTWxFb1WSd4MGOxB3WgI8Yn-n"
      + "S12XS3PfSS9ddclxe4BabT5VsS0wuPJgOzzB6RRgArTo31AfYCauEl73O53dz6KXxi0AF4CMfCZwIKJS8KYmi8cR4Ofj8nHn"
      + "_l7V3lbBOy2RxLv2eKpYgwLEkboHWJYk2Bhr6S1bwQoZ3JvKYBbcUw";
  private static final String P256_KEY =
      "{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"YL6thrIGcizKA9dE-5hHQDqtkbuowmRjRue6PVjRFy4\",\"y\":\"FxAHQv7o_MnPuMl"
      + "pVXlb9PS8ugcyeHFCv1bR7GNlM_c\"}";
  private static final String P384_KEY =
      "{\"kty\":\"EC\",\"crv\":\"P-384\",\"x\":\"PLo0URXS4ypC-pNCGBt9Q3VdQCGYIQGyDUZ1bo8GZF179IybYFMpw6uHAAaXHqjW\""
      + ",\"y\":\"3EdmByDyh_9vISGWvkykcvjslG7wGlSE7x5yATJV30lFqcU0KC1L0R4cE19Ehhpz\"}";
  private static final String P521_KEY =
      "{\"kty\":\"EC\",\"crv\":\"P-521\",\"x\":\"Abx9aW97Qz-mgvVd93qLLKzBrJyjLAhNAE3Iq3KDUamQVviVt6h1yWxEiP3CddK_s"
      + "R9hN-aOzItrBPswLUDVxr1h\",\"y\":\"AVAMnDAUG7qeuln_NJKHLpjGQZpxFBEJUejSWSMRuz2MvB-1_3hZtxKVAnQPfpeUHD"
      + "niidowDYGKQEypfqGLxtLV\"}";
  private static final String ES256 =
      "2Tm89-MWtpchE7uWJ_yFqbc-XCoeAj8rgWKVd5id6MA1TzrNlYlfvhCSeiUZPVLIy2qIUK4fooPLdgAup__eHQ";
  private static final String ES384 =
      "Zvc2GgUTa3AW4oTr70oo783UZqCH9EZDyRHjhTqsisL2nq-a8Lt4PWs5TXmzu9QDotg8yo0tAQPwNHfgMHem-_vHvXe19HoE"
      + "KecCXrhh5CEhdYp91sBcoeHl1JhzeJSw";
  private static final String ES512 =
      "ARn30aWMwU4bNDXwLi3_xW9-JLFFSBQzTvPLI0qflCNLYAmDEnoNk6Z_Mfkx5F5Sd4lh2BG9x-PzwwsUR1dKLmVPAEs2j9ca"
      + "f-80Isnmppy05XrcOBJg-K8mIUf0PdSLUdF7bmSe4Xd03u7FEJgy2pF8E58FUPya3lIGpw68m4SXPBZS";
  private static final String ED25519_X = "qvsiVDfFB_ibTk20TifRpn7igg_OdAkBWGZuE3-aMHs";
  private static final String EDDSA =
      "Hg-h8NL5H1nULqFE5PQ2Auge-rxGxWZp3p1l69k0ECukhHLnuGMO4nF-XdRJdt9JlrqvwpxN7ilBoh18yqoODA";

  private static final Map<String, String[]> VECTORS = Map.ofEntries(
      Map.entry("RS256", new String[] {RSA_KEY, RS256}),
      Map.entry("RS384", new String[] {RSA_KEY, RS384}),
      Map.entry("RS512", new String[] {RSA_KEY, RS512}),
      Map.entry("PS256", new String[] {RSA_KEY, PS256}),
      Map.entry("PS384", new String[] {RSA_KEY, PS384}),
      Map.entry("PS512", new String[] {RSA_KEY, PS512}),
      Map.entry("ES256", new String[] {P256_KEY, ES256}),
      Map.entry("ES384", new String[] {P384_KEY, ES384}),
      Map.entry("ES512", new String[] {P521_KEY, ES512}),
      Map.entry("EdDSA", new String[] {ED25519_X, EDDSA}));

  private SignatureSelfTest() {}

  /** Whether zt has a self-test for {@code alg} (every algorithm it verifies). */
  static boolean covers(JWSAlgorithm alg) {
    return VECTORS.containsKey(alg.getName());
  }

  /**
   * Runs the self-test of {@code alg} on {@code provider}; {@code null} when it passes, else why not (for the build's
   * log line or its error). Never throws.
   */
  static String run(Provider provider, JWSAlgorithm alg) {
    String[] v = VECTORS.get(alg.getName());
    if (v == null) {
      return "no self-test for " + alg.getName();
    }
    try {
      byte[] good = Base64URL.from(v[1]).decode();
      byte[] changed = INPUT.clone();
      changed[0] ^= 1;
      byte[] zero = new byte[good.length];
      try {
        if (!verifies(provider, alg, v[0], INPUT, good)) {
          return "a known-good " + alg.getName() + " signature did not verify";
        }
      } catch (JOSEException | GeneralSecurityException | RuntimeException e) {
        return "a known-good " + alg.getName() + " signature did not verify: " + e.getClass().getSimpleName()
            + (e.getMessage() == null ? "" : " (" + e.getMessage() + ")");
      }
      if (refusalFailed(provider, alg, v[0], changed, good)) {
        return "a " + alg.getName() + " signature over a changed input verified";
      }
      if (refusalFailed(provider, alg, v[0], INPUT, zero)) {
        return "an all-zero " + alg.getName() + " signature verified";
      }
      if (JWSAlgorithm.Family.EC.contains(alg) && rawZeroEcdsaAccepted(provider, alg, v[0])) {
        return "the provider's own ECDSA accepted r = s = 0";
      }
      return null;
    } catch (java.text.ParseException | RuntimeException | LinkageError e) {
      return alg.getName() + " not available: " + e.getClass().getSimpleName()
          + (e.getMessage() == null ? "" : " (" + e.getMessage() + ")");
    }
  }

  private static boolean refusalFailed(Provider provider, JWSAlgorithm alg, String key, byte[] input, byte[] sig) {
    try {
      return verifies(provider, alg, key, input, sig);
    } catch (JOSEException | GeneralSecurityException | java.text.ParseException | RuntimeException e) {
      return false; // refused by throwing: zt treats it as a refusal too
    }
  }

  private static boolean verifies(Provider provider, JWSAlgorithm alg, String key, byte[] input, byte[] sig)
      throws JOSEException, GeneralSecurityException, java.text.ParseException {
    if (JWSAlgorithm.EdDSA.equals(alg)) {
      Signature s = Signature.getInstance("Ed25519", provider);
      s.initVerify(ed25519(key));
      s.update(input);
      return s.verify(sig);
    }
    JWSVerifier verifier = JWSAlgorithm.Family.RSA.contains(alg)
        ? new RSASSAVerifier(RSAKey.parse(key).toRSAPublicKey())
        : new ECDSAVerifier(ECKey.parse(key).toECPublicKey());
    verifier.getJCAContext().setProvider(provider);
    return verifier.verify(new JWSHeader(alg), input, Base64URL.encode(sig));
  }

  /** r = s = 0 in DER straight to the provider's ECDSA, below Nimbus' own range check (CVE-2022-21449). */
  private static boolean rawZeroEcdsaAccepted(Provider provider, JWSAlgorithm alg, String key) {
    String name = "SHA" + alg.getName().substring(2) + "withECDSA";
    try {
      Signature s = Signature.getInstance(name, provider);
      s.initVerify(ECKey.parse(key).toECPublicKey());
      s.update(INPUT);
      return s.verify(new byte[] {0x30, 0x06, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00});
    } catch (JOSEException | GeneralSecurityException | java.text.ParseException | RuntimeException e) {
      return false;
    }
  }

  /** An Ed25519 public key parsed by the JDK, as zt's Ed25519 verifier parses it. */
  private static PublicKey ed25519(String x) throws GeneralSecurityException {
    byte[] raw = Base64URL.from(x).decode();
    byte[] spki = new byte[ED25519_SPKI_PREFIX.length + raw.length];
    System.arraycopy(ED25519_SPKI_PREFIX, 0, spki, 0, ED25519_SPKI_PREFIX.length);
    System.arraycopy(raw, 0, spki, ED25519_SPKI_PREFIX.length, raw.length);
    return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(spki));
  }
}
