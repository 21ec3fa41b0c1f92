package dev.zt.testkit.it.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zt.core.Enforcer;
import dev.zt.core.credential.BearerJwt;
import dev.zt.core.policy.Requirement;
import dev.zt.core.policy.RoutePolicy;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The guard of each surefire execution (JDK only, ACCP only, Conscrypt only): the enforcer the conformance suite's
 * tokens meet verifies on the provider this run is for, so no execution passes on the JDK by accident.
 */
class SignatureProviderRunTests {

  private static final String EXPECTED = System.getProperty("zt.test.signature-provider", "JDK");

  @Test
  void autoWhenThisRunHasItsNativeProviderThenTheEnforcerVerifiesOnIt() {
    Enforcer enforcer = Enforcer.builder()
        .bearerJwt(BearerJwt.issuer("https://issuer.test").audience("api")
            .keySource((selector, context) -> List.of()).build())
        .routes(RoutePolicy.builder().get("/orders", Requirement.allScopes("orders:read")).build())
        .build();
    Map<String, String> chosen = enforcer.signatureProviders();

    assertThat(chosen).containsOnlyKeys(BearerJwt.DEFAULT_ALGORITHMS);
    switch (EXPECTED) {
      case "JDK" -> assertThat(chosen.values()).allSatisfy(name -> assertThat(name).startsWith("Sun"));
      case "AmazonCorrettoCryptoProvider" -> assertThat(chosen.values()).containsOnly(EXPECTED);
      case "Conscrypt" -> { // no Ed25519 in Conscrypt: EdDSA stays on the JDK
        assertThat(chosen).containsEntry("EdDSA", "SunEC");
        assertThat(chosen.entrySet()).filteredOn(e -> !e.getKey().equals("EdDSA"))
            .allSatisfy(e -> assertThat(e.getValue()).isEqualTo(EXPECTED));
      }
      default -> throw new AssertionError("unknown zt.test.signature-provider " + EXPECTED);
    }
  }
}
