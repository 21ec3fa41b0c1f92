package dev.zt.testkit.it.spiffe;

import dev.zt.core.credential.SignatureProvider;
import dev.zt.spiffe.JwtSvidResult;
import dev.zt.spiffe.JwtSvidRule;
import dev.zt.spiffe.JwtSvidVerifier;
import dev.zt.spiffe.TrustBundle;
import dev.zt.spiffe.TrustBundleSet;
import dev.zt.spiffe.VerifiedJwtSvid;

import static dev.zt.testkit.it.spiffe.SpiffeFixtures.BUNDLES;
import static dev.zt.testkit.it.spiffe.SpiffeFixtures.CLOCK;
import static dev.zt.testkit.it.spiffe.SpiffeFixtures.EXAMPLE;
import static dev.zt.testkit.it.spiffe.SpiffeFixtures.OTHER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import dev.zt.testkit.spiffe.JwtSvidBuilder;
import dev.zt.testkit.spiffe.TestTrustDomain;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class JwtSvidVerifierTests {

  static final RSAKey RSA = rsa();
  static final TrustBundleSet WITH_RSA = BUNDLES.with(TrustBundle.builder(EXAMPLE.trustDomain())
      .jwtAuthority(EXAMPLE.jwtKey().getKeyID(), EXAMPLE.jwtKey())
      .jwtAuthority(RSA.getKeyID(), RSA)
      .build());

  private final JwtSvidVerifier verifier =
      JwtSvidVerifier.builder().audiences("test-audience", "second").clock(CLOCK).build();

  private static RSAKey rsa() {
    try {
      return new RSAKeyGenerator(2048).keyID("rsa-1").generate();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  private JwtSvidResult verify(String token) {
    return verifier.verify(token, WITH_RSA);
  }

  private static JwtSvidRule ruleOf(JwtSvidResult r) {
    assertThat(r).isInstanceOf(JwtSvidResult.Rejected.class);
    return ((JwtSvidResult.Rejected) r).rule();
  }

  @Test
  void verifyWhenValidEs256ThenVerifiedWithSubjectAndAudience() {
    JwtSvidResult r = verify(EXAMPLE.jwtSvid("/ns/shop/sa/checkout").sign());
    assertThat(r).isInstanceOf(JwtSvidResult.Verified.class);
    VerifiedJwtSvid svid = ((JwtSvidResult.Verified) r).svid();
    assertThat(svid.spiffeId()).hasToString("spiffe://example.org/ns/shop/sa/checkout");
    assertThat(svid.audience()).containsExactly("test-audience");
    assertThat(svid.algorithm()).isEqualTo("ES256");
    assertThat(svid.keyId()).isEqualTo(EXAMPLE.jwtKey().getKeyID());
  }

  @ParameterizedTest
  @ValueSource(strings = {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512"})
  void verifyWhenRsaFamilyAlgorithmThenVerified(String alg) {
    String token = EXAMPLE.jwtSvid("/a").signWith(RSA, JWSAlgorithm.parse(alg)).sign();
    assertThat(verify(token)).isInstanceOf(JwtSvidResult.Verified.class);
  }

  @Test
  void verifyWhenAnyOfTheAudiencesMatchesThenVerified() {
    assertThat(verify(EXAMPLE.jwtSvid("/a").audience("elsewhere", "second").sign()))
        .isInstanceOf(JwtSvidResult.Verified.class);
  }

  @Test
  void verifyWhenTypIsJoseOrAbsentThenVerified() {
    assertThat(verify(EXAMPLE.jwtSvid("/a").header("typ", "JOSE").sign())).isInstanceOf(JwtSvidResult.Verified.class);
    assertThat(verify(EXAMPLE.jwtSvid("/a").header("typ", null).sign())).isInstanceOf(JwtSvidResult.Verified.class);
  }

  @Test
  void verifyWhenExpiredWithinSkewThenVerified() {
    String token = EXAMPLE.jwtSvid("/a").expiresAt(CLOCK.instant().minusSeconds(10)).sign();
    assertThat(verify(token)).isInstanceOf(JwtSvidResult.Verified.class);
  }

  static Stream<Arguments> denials() {
    TestTrustDomain unbundled = TestTrustDomain.create("unbundled.test", CLOCK);
    return Stream.of(
        deny("alg none", b -> b.header("alg", "none"), JwtSvidRule.ALGORITHM_NOT_ALLOWED),
        deny("alg HS256", b -> b.header("alg", "HS256"), JwtSvidRule.ALGORITHM_NOT_ALLOWED),
        deny("alg EdDSA", b -> b.header("alg", "EdDSA"), JwtSvidRule.ALGORITHM_NOT_ALLOWED),
        deny("alg missing", b -> b.header("alg", null), JwtSvidRule.ALGORITHM_NOT_ALLOWED),
        deny("alg lower case", b -> b.header("alg", "es256"), JwtSvidRule.ALGORITHM_NOT_ALLOWED),
        deny("alg checked before kid lookup", b -> b.header("alg", "HS256").header("kid", "unknown"),
            JwtSvidRule.ALGORITHM_NOT_ALLOWED),
        deny("jku header", b -> b.header("jku", "https://attacker.test/jwks"), JwtSvidRule.HEADER_NOT_ALLOWED),
        deny("embedded jwk", b -> b.header("jwk", java.util.Map.of("kty", "EC")), JwtSvidRule.HEADER_NOT_ALLOWED),
        deny("crit header", b -> b.header("crit", List.of("exp")), JwtSvidRule.HEADER_NOT_ALLOWED),
        deny("typ at+jwt", b -> b.header("typ", "at+jwt"), JwtSvidRule.TYPE_NOT_ALLOWED),
        deny("typ lower case jwt", b -> b.header("typ", "jwt"), JwtSvidRule.TYPE_NOT_ALLOWED),
        deny("kid missing", b -> b.header("kid", null), JwtSvidRule.KEY_ID_MISSING),
        deny("kid unknown", b -> b.header("kid", "nope"), JwtSvidRule.KEY_NOT_FOUND),
        deny("sub missing", b -> b.claim("sub", null), JwtSvidRule.SUBJECT_MISSING),
        deny("sub not a SPIFFE ID", b -> b.claim("sub", "alice@example.org"), JwtSvidRule.SUBJECT_NOT_SPIFFE_ID),
        deny("sub with trailing slash", b -> b.claim("sub", "spiffe://example.org/a/"),
            JwtSvidRule.SUBJECT_NOT_SPIFFE_ID),
        deny("sub in another domain than the signing key",
            b -> b.claim("sub", "spiffe://other.test/a"), JwtSvidRule.KEY_NOT_FOUND),
        deny("unknown trust domain", b -> b.claim("sub", "spiffe://unbundled.test/a"),
            JwtSvidRule.NO_BUNDLE_FOR_TRUST_DOMAIN),
        deny("signed by the unbundled domain's key", b -> b.signWith(unbundled.jwtKey(), JWSAlgorithm.ES256),
            JwtSvidRule.KEY_NOT_FOUND),
        deny("alg ES384 with a P-256 key", b -> b.header("alg", "ES384"), JwtSvidRule.KEY_NOT_USABLE),
        deny("alg RS256 with an EC key", b -> b.header("alg", "RS256"), JwtSvidRule.KEY_NOT_USABLE),
        deny("aud missing", b -> b.audience(), JwtSvidRule.AUDIENCE_MISSING),
        deny("aud empty array", b -> b.claim("aud", List.of()), JwtSvidRule.AUDIENCE_MISSING),
        deny("aud wrong", b -> b.audience("other-service"), JwtSvidRule.AUDIENCE_MISMATCH),
        deny("aud not strings", b -> b.claim("aud", List.of(1)), JwtSvidRule.CLAIM_INVALID),
        deny("exp missing", b -> b.claim("exp", null), JwtSvidRule.EXPIRATION_MISSING),
        deny("exp a string", b -> b.claim("exp", "2030-01-01"), JwtSvidRule.CLAIM_INVALID),
        deny("expired", b -> b.expiresAt(CLOCK.instant().minus(Duration.ofMinutes(2))), JwtSvidRule.EXPIRED),
        deny("nbf in the future", b -> b.claim("nbf", CLOCK.instant().plus(Duration.ofMinutes(2)).getEpochSecond()),
            JwtSvidRule.NOT_YET_VALID));
  }

  private static Arguments deny(String name, UnaryOperator<JwtSvidBuilder> change, JwtSvidRule rule) {
    return Arguments.of(name, change, rule);
  }

  @ParameterizedTest(name = "{0} → {2}")
  @MethodSource("denials")
  void verifyWhenTokenBreaksARuleThenRejectedNamingIt(String name, UnaryOperator<JwtSvidBuilder> change,
      JwtSvidRule rule) {
    String token = change.apply(EXAMPLE.jwtSvid("/ns/shop/sa/checkout")).sign();
    JwtSvidResult r = verify(token);
    assertThat(ruleOf(r)).as(r.toString()).isEqualTo(rule);
  }

  @Test
  void verifyWhenPayloadSwappedThenSignatureInvalid() {
    String a = EXAMPLE.jwtSvid("/a").sign();
    String b = EXAMPLE.jwtSvid("/admin").sign();
    String[] pa = a.split("\\.");
    String[] pb = b.split("\\.");
    assertThat(ruleOf(verify(pa[0] + "." + pb[1] + "." + pa[2]))).isEqualTo(JwtSvidRule.SIGNATURE_INVALID);
  }

  @Test
  void verifyWhenOtherDomainSignsForItsOwnSubjectThenVerified() {
    assertThat(verify(OTHER.jwtSvid("/svc").sign())).isInstanceOf(JwtSvidResult.Verified.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "a", "a.b", "a.b.c.d", "..", "e30.e30.", "e30=.e30.AA"})
  void verifyWhenNotCompactJwsThenMalformed(String token) {
    assertThat(ruleOf(verify(token))).isEqualTo(JwtSvidRule.MALFORMED);
  }

  @Test
  void verifyWhenHeaderHasDuplicateMemberThenMalformed() {
    String good = EXAMPLE.jwtSvid("/a").sign();
    String header = "{\"alg\":\"ES256\",\"alg\":\"ES256\",\"kid\":\"" + EXAMPLE.jwtKey().getKeyID() + "\"}";
    String h = Base64.getUrlEncoder().withoutPadding().encodeToString(header.getBytes(StandardCharsets.UTF_8));
    String[] p = good.split("\\.");
    assertThat(ruleOf(verify(h + "." + p[1] + "." + p[2]))).isEqualTo(JwtSvidRule.MALFORMED);
  }

  @Test
  void verifyWhenTooLongThenMalformed() {
    assertThat(ruleOf(verify("a".repeat(9000)))).isEqualTo(JwtSvidRule.MALFORMED);
  }

  @Test
  void builderWhenAudiencesMissingOrRepeatedThenFailsFast() {
    assertThatThrownBy(() -> JwtSvidVerifier.builder().clock(CLOCK).build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("audiences");
    assertThatThrownBy(() -> JwtSvidVerifier.builder().audiences("a").audiences("b"))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> JwtSvidVerifier.builder().audiences(List.of()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> JwtSvidVerifier.builder().audiences("a").build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("clock");
    assertThatThrownBy(() -> JwtSvidVerifier.builder().clockSkew(Duration.ofMinutes(10)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void builderWhenTheSignatureProviderIsAbsentThenFails() {
    assertThatThrownBy(() -> JwtSvidVerifier.builder().audiences("a").clock(CLOCK)
        .signatureProvider(SignatureProvider.named("NoSuchProvider")).build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("NoSuchProvider");
  }

  @Test
  void builderWhenTheSignatureProviderCannotVerifyAnAlgorithmThenFails() {
    // SunEC verifies ECDSA, not the RSA algorithms a JWT-SVID may carry: an explicit choice never falls back
    assertThatThrownBy(() -> JwtSvidVerifier.builder().audiences("a").clock(CLOCK)
        .signatureProvider(SignatureProvider.named("SunEC")).build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("SunEC").hasMessageContaining("cannot verify");
  }

  @Test
  void verifyWhenTheJdkIsChosenThenVerifiesAndRefusesAsOnAnyProvider() {
    JwtSvidVerifier onJdk = JwtSvidVerifier.builder().audiences("test-audience").clock(CLOCK)
        .signatureProvider(SignatureProvider.jdk()).build();
    String good = EXAMPLE.jwtSvid("/a").sign();
    String[] p = good.split("\\.");
    String forged = p[0] + "." + p[1] + "." + (p[2].charAt(5) == 'A' ? p[2].replaceFirst("^(.{5}).", "$1B")
        : p[2].replaceFirst("^(.{5}).", "$1A"));

    assertThat(onJdk.verify(good, BUNDLES)).isInstanceOf(JwtSvidResult.Verified.class);
    assertThat(ruleOf(onJdk.verify(forged, BUNDLES))).isEqualTo(JwtSvidRule.SIGNATURE_INVALID);
  }
}
