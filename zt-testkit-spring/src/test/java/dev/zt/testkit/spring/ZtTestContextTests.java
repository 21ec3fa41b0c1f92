package dev.zt.testkit.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.core.env.MapPropertySource;

/**
 * Where the tokens' audience and roles claim come from: the application's properties first, else its policy file's
 * entry for the test issuer (a {@code classpath:} or {@code file:} resource, or a path); without either, a clear
 * failure. No Boot needed: a plain application context with those properties.
 */
class ZtTestContextTests {

  private static ZtTestContext contextWith(Map<String, Object> properties) {
    GenericApplicationContext app = new GenericApplicationContext();
    app.getEnvironment().getPropertySources().addFirst(new MapPropertySource("test", properties));
    return new ZtTestContext(app, SharedIssuer.get());
  }

  private static String issuer() {
    return SharedIssuer.get().issuer();
  }

  @Test
  void settingsWhenPropertiesSetThenTheyWin() {
    ZtTestContext zt = contextWith(Map.of("zt.issuer", issuer(), "zt.audience", "orders-api",
        "zt.roles-claim", "realm_access.roles", "zt.policy-file", "classpath:zt-policy-fixed-audience.yaml"));

    assertThat(zt.settings()).isEqualTo(new ZtTestContext.Settings("orders-api", "realm_access.roles"));
  }

  @Test
  void settingsWhenOnlyClasspathPolicyFileThenItsFirstAudienceAndRolesClaim() {
    ZtTestContext zt = contextWith(Map.of("zt.issuer", issuer(),
        "zt.policy-file", "classpath:zt-policy-fixed-audience.yaml"));

    assertThat(zt.settings()).isEqualTo(new ZtTestContext.Settings("ledger-api", "realm_access.roles"));
  }

  @Test
  void settingsWhenPolicyFileIsAPathThenReadFromThere() {
    ZtTestContext zt = contextWith(Map.of("zt.issuer", issuer(),
        "zt.policy-file", "src/test/resources/zt-policy-fixed-audience.yaml"));

    assertThat(zt.settings().audience()).isEqualTo("ledger-api");
  }

  @Test
  void settingsWhenFileReadsAudienceFromPropertyOnlyThenDefaultRolesClaim() {
    ZtTestContext zt = contextWith(Map.of("zt.issuer", issuer(), "zt.audience", "orders-api",
        "zt.policy-file", "src/test/resources/zt-policy.yaml"));

    assertThat(zt.settings()).isEqualTo(new ZtTestContext.Settings("orders-api", "roles"));
  }

  @Test
  void settingsWhenNoAudienceAnywhereThenFailsNamingZtAudience() {
    ZtTestContext zt = contextWith(Map.of("zt.issuer", issuer()));

    assertThatThrownBy(zt::settings).isInstanceOf(IllegalStateException.class).hasMessageContaining("zt.audience");
  }

  @Test
  void settingsWhenPolicyFileMissingThenFailsNamingIt() {
    ZtTestContext zt = contextWith(Map.of("zt.issuer", issuer(), "zt.policy-file", "classpath:nowhere.yaml"));

    assertThatThrownBy(zt::settings).isInstanceOf(IllegalStateException.class).hasMessageContaining("nowhere.yaml");
  }

  @Test
  void settingsWhenZtIssuerIsAnotherIssuerThenFails() {
    ZtTestContext zt = contextWith(Map.of("zt.issuer", "https://login.example", "zt.audience", "orders-api"));

    assertThatThrownBy(zt::settings).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("https://login.example");
  }
}
