package dev.zt.core.credential;


import dev.zt.core.credential.BearerJwt;
import dev.zt.core.credential.JwtVerifier;
import dev.zt.core.credential.VerifiedJwt;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.nimbusds.jose.util.JSONObjectUtils;
import dev.zt.core.internal.FuzzText;
import dev.zt.core.internal.StrictJson;
import java.text.ParseException;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Fuzz targets for {@link JwtVerifier}'s parsing and strict checks. Any string is refused with a specific reason
 * (never through the catch-all that turns an unexpected exception into {@code TOKEN_MALFORMED}) unless the issuer's
 * key signed exactly its first two parts (checked here with the JDK alone); a token the
 * issuer's key really signed, with fuzzed header and payload, is accepted only when every rule holds, as checked here
 * independently of the verifier.
 */
class JwtVerifierFuzzTests {

  private static final FuzzKeys KEYS = new FuzzKeys();
  private static final JwtVerifier VERIFIER = new JwtVerifier(KEYS.config(), KEYS.jwks());
  private static final long SKEW = BearerJwt.issuer("x").audience("x").keySource(KEYS.jwks()).build()
      .clockSkew().toMillis();
  private static final long MAX_LIFETIME = KEYS.config().maxLifetime().toMillis();

  @FuzzTest(maxDuration = "4m")
  void verifyWhenAnyStringThenRefusedForANamedReason(FuzzedDataProvider data) {
    String token = FuzzText.of(data);

    JwtVerifier.Result result = VERIFIER.verify(token, FuzzKeys.NOW_MILLIS);

    if (result instanceof JwtVerifier.Fail fail) {
      assertThat(fail.detail()).doesNotStartWith("unparseable");
    } else {
      assertThat(KEYS.signed(token)).as("accepted without the issuer's signature").isTrue();
    }
  }

  /** Input: the header's JSON text, a NUL, the payload's JSON text; the token is then signed with the real key. */
  @FuzzTest(maxDuration = "4m")
  void verifyWhenSignedWithFuzzedContentThenAcceptedOnlyWhenEveryRuleHolds(FuzzedDataProvider data) {
    String text = FuzzText.of(data);
    int nul = text.indexOf('\0');
    String header = nul < 0 ? "{\"alg\":\"EdDSA\"}" : text.substring(0, nul);
    String payload = nul < 0 ? text : text.substring(nul + 1);
    String token = KEYS.sign(header, payload);

    JwtVerifier.Result result = VERIFIER.verify(token, FuzzKeys.NOW_MILLIS);

    if (result instanceof JwtVerifier.Fail fail) {
      assertThat(fail.detail()).doesNotStartWith("unparseable");
      return;
    }
    VerifiedJwt jwt = ((JwtVerifier.Ok) result).jwt();
    assertThat(StrictJson.valid(header)).isTrue();
    assertThat(StrictJson.valid(payload)).isTrue();
    Map<String, Object> h = parse(header);
    Map<String, Object> c = parse(payload);
    assertThat(h.get("alg")).isEqualTo("EdDSA");
    assertThat(h).doesNotContainKeys("crit", "b64", "cty", "jku", "x5u", "jwk", "enc", "zip");
    assertThat(h.get("kid")).isIn(null, "k1");
    if (h.containsKey("typ")) {
      String typ = ((String) h.get("typ")).toLowerCase(Locale.ROOT);
      assertThat(typ).isIn("jwt", "at+jwt", "application/jwt", "application/at+jwt");
    }
    assertThat(c.get("iss")).isEqualTo(FuzzKeys.ISSUER).isEqualTo(jwt.issuer());
    Object aud = c.get("aud");
    assertThat(aud instanceof List<?> l ? l.contains(FuzzKeys.AUDIENCE) : FuzzKeys.AUDIENCE.equals(aud)).isTrue();
    long exp = millis(c.get("exp"));
    long iat = millis(c.get("iat"));
    assertThat(FuzzKeys.NOW_MILLIS).isLessThan(exp + SKEW);
    assertThat(iat).isLessThanOrEqualTo(FuzzKeys.NOW_MILLIS + SKEW).isLessThan(exp);
    assertThat(exp - iat).isLessThanOrEqualTo(MAX_LIFETIME);
    if (c.containsKey("nbf")) {
      assertThat(FuzzKeys.NOW_MILLIS).isGreaterThanOrEqualTo(millis(c.get("nbf")) - SKEW);
    }
    assertThat(jwt.expiresAt().toEpochMilli()).isEqualTo(exp);
    assertThat(jwt.claims().keySet()).isEqualTo(c.keySet());
  }

  private static Map<String, Object> parse(String json) {
    try {
      return JSONObjectUtils.parse(json);
    } catch (ParseException e) {
      throw new AssertionError("accepted a token whose JSON Nimbus refuses", e);
    }
  }

  /** A NumericDate as milliseconds, truncated as the verifier truncates fractions. */
  private static long millis(Object v) {
    assertThat(v).isInstanceOf(Number.class);
    if (v instanceof Long || v instanceof Integer) {
      return ((Number) v).longValue() * 1000;
    }
    double seconds = ((Number) v).doubleValue();
    assertThat(Double.isFinite(seconds)).isTrue();
    return (long) Math.floor(seconds * 1000);
  }
}
