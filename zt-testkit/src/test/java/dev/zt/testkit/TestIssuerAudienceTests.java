package dev.zt.testkit;

import static dev.zt.testkit.ZtAssertions.assertThatDecision;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jwt.SignedJWT;
import dev.zt.core.DenyReason;
import dev.zt.core.Enforcer;
import dev.zt.core.credential.BearerJwt;
import dev.zt.core.policy.Requirement;
import dev.zt.core.policy.RoutePolicy;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The audience of {@link TestIssuer}'s tokens: named once per suite, or per issuer, never the sample's by accident. */
class TestIssuerAudienceTests {

  static Enforcer enforcer(TestIssuer issuer, BearerJwt bearerJwt) {
    return Enforcer.builder()
        .bearerJwt(bearerJwt)
        .routes(RoutePolicy.builder().get("/orders", Requirement.allScopes("orders:read")).build())
        .build();
  }

  @Test
  void defaultAudienceWhenSuitePropertiesNameOneThenIssuersUseIt() throws Exception {
    // this module's src/test/resources/zt-testkit.properties names orders-api
    assertThat(TestIssuer.defaultAudience()).isEqualTo("orders-api");
    try (TestIssuer issuer = TestIssuer.start()) {
      assertThat(issuer.audience()).isEqualTo("orders-api");
      assertThat(SignedJWT.parse(issuer.token().build()).getJWTClaimsSet().getAudience()).containsExactly("orders-api");
    }
  }

  @Test
  void builderWhenAudienceSetThenTokensCarryItAndItsEnforcerAllows() throws Exception {
    try (TestIssuer issuer = TestIssuer.builder().audience("payments-api").start()) {
      String token = issuer.token().scope("orders:read").build();

      assertThat(SignedJWT.parse(token).getJWTClaimsSet().getAudience()).containsExactly("payments-api");
      assertThatDecision(enforcer(issuer, issuer.bearerJwt().build()).enforce(
          TestRequest.get("/orders").bearer(token).build())).isAllowedFor("user-1");
    }
  }

  @Test
  void builderWhenAudienceSetThenEnforcerOfAnotherAudienceDenies() {
    try (TestIssuer issuer = TestIssuer.builder().audience("payments-api").start()) {
      String token = issuer.token().scope("orders:read").build();
      Enforcer ordersApi = enforcer(issuer, BearerJwt.issuer(issuer.issuer()).audience("orders-api").build());

      assertThatDecision(ordersApi.enforce(TestRequest.get("/orders").bearer(token).build()))
          .isDeniedWith(DenyReason.TOKEN_AUDIENCE_MISMATCH);
    }
  }

  @Test
  void builderWhenAudienceSetTwiceThenThrowsNamingIt() {
    TestIssuer.Builder b = TestIssuer.builder().audience("a");
    assertThatThrownBy(() -> b.audience("b")).isInstanceOf(IllegalStateException.class).hasMessageContaining("audience");
  }

  @Test
  void builderWhenClockSetTwiceThenThrowsNamingIt() {
    TestIssuer.Builder b = TestIssuer.builder().clock(TestClock.create());
    assertThatThrownBy(() -> b.clock(TestClock.create())).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("clock");
  }

  @Test
  void builderWhenAudienceBlankThenThrows() {
    assertThatThrownBy(() -> TestIssuer.builder().audience(" ")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void builderWhenNoClockThenTokensFollowTheSystemClock() throws Exception {
    try (TestIssuer issuer = TestIssuer.builder().start()) {
      long iat = SignedJWT.parse(issuer.token().build()).getJWTClaimsSet().getIssueTime().toInstant().getEpochSecond();
      assertThat(iat).isBetween(java.time.Instant.now().getEpochSecond() - 60, java.time.Instant.now().getEpochSecond());
    }
  }

  @Test
  void suiteAudienceWhenNoPropertiesThenFallbackNotTheSample(@TempDir Path dir) throws Exception {
    try (URLClassLoader empty = new URLClassLoader(new URL[] {dir.toUri().toURL()}, null)) {
      assertThat(TestIssuer.suiteAudience(empty)).isEqualTo(TestIssuer.FALLBACK_AUDIENCE).isNotEqualTo("orders-api");
    }
  }

  @Test
  void suiteAudienceWhenPropertiesNameOneThenIsIt(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("zt-testkit.properties"), "audience = billing-api\n", StandardCharsets.UTF_8);
    try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, null)) {
      assertThat(TestIssuer.suiteAudience(loader)).isEqualTo("billing-api");
    }
  }

  @Test
  void suiteAudienceWhenPropertiesNameABlankOneThenThrows(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("zt-testkit.properties"), "audience=\n", StandardCharsets.UTF_8);
    try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, null)) {
      assertThatThrownBy(() -> TestIssuer.suiteAudience(loader)).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("blank audience");
    }
  }
}
