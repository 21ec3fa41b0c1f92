package dev.zt.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TestKeyTests {

  @Test
  void rsaWhenTheBuildNamesAKeyPoolThenEveryKeyIsStillDistinctWithItsOwnKid() {
    // zt's own build sets TestKey.RSA_KEY_POOL (the parent pom): the keys come from it, each once per JVM
    assertThat(System.getProperty(TestKey.RSA_KEY_POOL)).as("the build's key pool").isNotBlank();
    Set<Object> moduli = new HashSet<>();
    Set<String> kids = new HashSet<>();
    for (int i = 0; i < 8; i++) {
      TestKey key = i % 2 == 0 ? TestKey.rsa() : TestKey.rsa(JWSAlgorithm.PS256, 2048);
      RSAKey jwk = (RSAKey) key.publicJwk();
      assertThat(jwk.size()).isEqualTo(2048);
      assertThat(jwk.getKeyUse()).isEqualTo(KeyUse.SIGNATURE);
      assertThat(key.algorithm()).isEqualTo(i % 2 == 0 ? JWSAlgorithm.RS256 : JWSAlgorithm.PS256);
      moduli.add(jwk.getModulus());
      kids.add(jwk.getKeyID());
    }
    assertThat(moduli).hasSize(8);
    assertThat(kids).hasSize(8);
  }

  @Test
  void rsaWhenPooledKeyOfAnotherIssuerSignsThenTheIssuersEnforcerRefusesIt() {
    try (TestIssuer issuer = TestIssuer.start()) {
      String forged = issuer.token().scope("orders:read").signedWith(TestKey.rsa())
          .header("kid", issuer.signingKey().keyId()).build();
      dev.zt.core.Enforcer enforcer = dev.zt.core.Enforcer.builder()
          .bearerJwt(issuer.bearerJwt().build())
          .routes(dev.zt.core.policy.RoutePolicy.builder()
              .get("/orders", dev.zt.core.policy.Requirement.allScopes("orders:read")).build())
          .build();
      ZtAssertions.assertThatDecision(ZtAssertions.await(enforcer.enforce(TestRequest.get("/orders").bearer(forged)
          .build()))).isDeniedWith(dev.zt.core.DenyReason.TOKEN_SIGNATURE_INVALID);
      ZtAssertions.assertThatDecision(ZtAssertions.await(enforcer.enforce(TestRequest.get("/orders")
          .bearer(issuer.token().scope("orders:read").build()).build()))).isAllowed();
    }
  }
}
