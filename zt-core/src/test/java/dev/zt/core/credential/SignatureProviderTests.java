package dev.zt.core.credential;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import dev.zt.core.Enforcer;
import dev.zt.core.countermeasure.CountermeasurePolicy;
import dev.zt.core.detect.Detection;
import dev.zt.core.internal.SignatureVerifiers;
import dev.zt.core.policy.Requirement;
import dev.zt.core.policy.RoutePolicy;
import dev.zt.core.rate.RatePolicy;
import java.security.InvalidKeyException;
import java.security.InvalidParameterException;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.Security;
import java.security.SignatureSpi;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link SignatureProvider}: which JCA provider verifies each algorithm, the self-test a provider passes first, and
 * that an explicit choice never falls back. Runs in every surefire execution (JDK only, ACCP only, Conscrypt only).
 */
class SignatureProviderTests {

  /** Set per surefire execution: the provider {@code auto()} must pick where it can, so no run passes on the JDK. */
  static final String EXPECTED = System.getProperty("zt.test.signature-provider", "JDK");

  private static Enforcer.Builder builder(String... algorithms) {
    BearerJwt.Builder jwt = BearerJwt.issuer("https://issuer.test").audience("api")
        .keySource((selector, context) -> List.of());
    if (algorithms.length > 0) {
      jwt.algorithms(algorithms);
    }
    return Enforcer.builder()
        .bearerJwt(jwt.build())
        .routes(RoutePolicy.builder().get("/orders", Requirement.allScopes("orders:read")).build())
        .rateLimits(RatePolicy.none())
        .detection(Detection.off())
        .countermeasures(CountermeasurePolicy.none());
  }

  @Test
  void autoWhenThisRunHasItsNativeProviderThenPicksItForEveryAlgorithmItPasses() {
    Map<String, String> chosen = builder().build().signatureProviders();

    assertThat(chosen).containsOnlyKeys(BearerJwt.DEFAULT_ALGORITHMS);
    switch (EXPECTED) {
      case "JDK" -> assertThat(chosen.values()).allSatisfy(name -> assertThat(name).startsWith("Sun"));
      case "AmazonCorrettoCryptoProvider" -> assertThat(chosen.values()).containsOnly(EXPECTED);
      case "Conscrypt" -> {
        // Conscrypt has no Ed25519 and other names for RSASSA-PSS: those stay on the JDK, per algorithm
        assertThat(chosen).containsEntry("RS256", EXPECTED).containsEntry("RS384", EXPECTED)
            .containsEntry("RS512", EXPECTED).containsEntry("ES256", EXPECTED).containsEntry("ES384", EXPECTED);
        assertThat(chosen.get("EdDSA")).isEqualTo("SunEC");
      }
      default -> throw new AssertionError("unknown zt.test.signature-provider " + EXPECTED);
    }
  }

  @Test
  void autoWhenNoNativeLibraryIsOnTheClassPathThenPicksTheJdkAndSaysWhy() {
    SignatureVerifiers auto = SignatureVerifiers.auto(ClassLoader.getPlatformClassLoader())
        .prepare(List.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256, JWSAlgorithm.EdDSA));

    assertThat(auto.names()).containsExactlyEntriesOf(
        new java.util.TreeMap<>(Map.of("ES256", "SunEC", "EdDSA", "SunEC", "RS256", "SunRsaSign")));
    assertThat(auto.providerFor(JWSAlgorithm.ES256)).isNull();
    assertThat(auto.describe()).contains("AmazonCorrettoCryptoProvider not on the class path")
        .contains("Conscrypt not on the class path");
  }

  @Test
  void autoWhenThisRunIsTheJdkOnlyOneThenNeitherNativeLibraryIsOnTheClassPath() {
    // the default surefire execution excludes both libraries: the fallback is what this JVM runs on
    if (EXPECTED.equals("JDK")) {
      assertThat(SignatureVerifiers.auto().prepare(List.of(JWSAlgorithm.ES256)).describe())
          .contains("AmazonCorrettoCryptoProvider not on the class path", "Conscrypt not on the class path");
    } else {
      assertThat(SignatureVerifiers.find(EXPECTED)).isPresent();
    }
  }

  @Test
  void jdkWhenBuiltThenEveryAlgorithmStaysOnTheJdksProviders() {
    Map<String, String> chosen = builder().signatureProvider(SignatureProvider.jdk()).build().signatureProviders();

    assertThat(chosen).containsEntry("RS256", "SunRsaSign").containsEntry("PS256", "SunRsaSign")
        .containsEntry("ES256", "SunEC").containsEntry("EdDSA", "SunEC");
  }

  @Test
  void namedWhenTheProviderIsAbsentThenTheBuildFails() {
    Enforcer.Builder b = builder().signatureProvider(SignatureProvider.named("NoSuchProvider"));

    assertThatThrownBy(b::build).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("NoSuchProvider").hasMessageContaining("never falls back");
  }

  @Test
  void namedWhenTheProviderLacksAnAllowedAlgorithmThenTheBuildFailsNamingIt() {
    // SunEC verifies ECDSA and EdDSA, not RSA: RS256 is allowed by default
    Enforcer.Builder b = builder().signatureProvider(SignatureProvider.named("SunEC"));

    assertThatThrownBy(b::build).isInstanceOf(IllegalStateException.class).hasMessageContaining("SunEC")
        .hasMessageMatching("(?s).*cannot verify (RS|PS)\\d{3}.*");
  }

  @Test
  void namedWhenTheProviderVerifiesEveryAllowedAlgorithmThenItIsUsedForEach() {
    Map<String, String> chosen = builder("ES256", "ES384", "EdDSA")
        .signatureProvider(SignatureProvider.named("SunEC")).build().signatureProviders();

    assertThat(chosen).containsExactlyEntriesOf(
        new java.util.TreeMap<>(Map.of("ES256", "SunEC", "ES384", "SunEC", "EdDSA", "SunEC")));
  }

  @Test
  void namedWhenGivenABlankNameThenRefuses() {
    assertThatThrownBy(() -> SignatureProvider.named(" ")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void ofWhenTheProviderAcceptsAForgedSignatureThenTheBuildFails() {
    Provider lenient = provider("Lenient", "SHA256withECDSA", new Spi(() -> true));
    Enforcer.Builder b = builder("ES256").signatureProvider(SignatureProvider.of(lenient));

    assertThatThrownBy(b::build).isInstanceOf(IllegalStateException.class).hasMessageContaining("Lenient")
        .hasMessageContaining("cannot verify ES256");
  }

  @Test
  void ofWhenTheProviderThrowsOnAGoodSignatureThenTheBuildFails() {
    Provider broken = provider("Broken", "SHA256withECDSA", new Spi(() -> {
      throw new IllegalStateException("native failure");
    }));
    Enforcer.Builder b = builder("ES256").signatureProvider(SignatureProvider.of(broken));

    assertThatThrownBy(b::build).isInstanceOf(IllegalStateException.class).hasMessageContaining("Broken")
        .hasMessageContaining("did not verify");
  }

  @Test
  void ofWhenTheProviderIsSoundThenItVerifiesWithoutBeingInstalled() {
    Provider sunEc = Security.getProvider("SunEC");
    Map<String, String> chosen = builder("ES256").signatureProvider(SignatureProvider.of(sunEc)).build()
        .signatureProviders();

    assertThat(chosen).containsExactly(Map.entry("ES256", "SunEC"));
  }

  @Test
  void signatureProviderWhenSetTwiceThenRefuses() {
    Enforcer.Builder b = builder().signatureProvider(SignatureProvider.jdk());

    assertThatThrownBy(() -> b.signatureProvider(SignatureProvider.auto()))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("signatureProvider");
  }

  @Test
  void toStringWhenEachKindThenSaysWhatWasAsked() {
    assertThat(SignatureProvider.auto()).hasToString("auto");
    assertThat(SignatureProvider.jdk()).hasToString("jdk");
    assertThat(SignatureProvider.named("Conscrypt")).hasToString("Conscrypt");
    assertThat(SignatureProvider.of(Security.getProvider("SunEC"))).hasToString("SunEC");
  }

  /** A provider with one signature service whose verify answers as {@code spi} says. */
  static Provider provider(String name, String algorithm, Spi spi) {
    return new OneService(name, algorithm, spi);
  }

  private static final class OneService extends Provider {
    OneService(String name, String algorithm, Spi spi) {
      super(name, "1", "test");
      putService(new Provider.Service(this, "Signature", algorithm, Spi.class.getName(), null, null) {
        @Override
        public Object newInstance(Object parameter) {
          return spi.copy();
        }
      });
    }
  }

  /** What a test provider's verify does. */
  interface Answer {
    boolean verify();
  }

  static final class Spi extends SignatureSpi {
    private final Answer answer;

    Spi(Answer answer) {
      this.answer = answer;
    }

    Spi copy() {
      return new Spi(answer);
    }

    @Override
    protected void engineInitVerify(PublicKey publicKey) throws InvalidKeyException {}

    @Override
    protected void engineInitSign(PrivateKey privateKey) throws InvalidKeyException {
      throw new InvalidKeyException("verify only");
    }

    @Override
    protected void engineUpdate(byte b) {}

    @Override
    protected void engineUpdate(byte[] b, int off, int len) {}

    @Override
    protected byte[] engineSign() {
      throw new UnsupportedOperationException();
    }

    @Override
    protected boolean engineVerify(byte[] sigBytes) {
      return answer.verify();
    }

    @Override
    @Deprecated
    protected void engineSetParameter(String param, Object value) throws InvalidParameterException {}

    @Override
    @Deprecated
    protected Object engineGetParameter(String param) throws InvalidParameterException {
      return null;
    }
  }
}
