package dev.zt.testkit.spring;

import static dev.zt.testkit.spring.ZtTokens.zt;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.zt.testkit.TestKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.http.HttpHeaders;

/** The token options are set once and refuse what would make an ambiguous token; no Spring context needed. */
class ZtTokenTests {

  @Test
  void scopesWhenSetTwiceThenFails() {
    assertThatThrownBy(() -> zt().scopes("a").scopes("b")).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("scopes");
  }

  @Test
  void optionsWhenSetTwiceThenEachFails() {
    assertThatThrownBy(() -> zt().roles("a").roles("b")).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> zt().subject("a").subject("b")).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> zt().clientId("a").clientId("b")).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> zt().expired().expired()).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> zt().audience("a").audience("b")).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> zt().issuer("a").issuer("b")).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> zt().signedWith(TestKey.ec256()).signedWith(TestKey.ec256()))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> zt().claim("tenant", "a").claim("tenant", "b")).isInstanceOf(IllegalStateException.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {"iss", "aud", "sub", "exp", "iat", "nbf", "jti", "scope", "client_id", "cnf"})
  void claimWhenReservedThenRefused(String name) {
    assertThatThrownBy(() -> zt().claim(name, "x")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(name);
  }

  @Test
  void optionsWhenBlankOrEmptyThenRefused() {
    assertThatThrownBy(() -> zt().scopes()).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> zt().scopes(" ")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> zt().subject("")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> zt().audience()).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void acceptWhenNoZtTestRunsOnThisThreadThenFailsNamingZtTest() {
    HttpHeaders headers = new HttpHeaders();
    assertThatThrownBy(() -> zt().accept(headers)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("@ZtTest");
    assertThat(headers).isEmpty();
  }

  @Test
  void issuerWhenCalledTwiceThenSameIssuerForTheJvm() {
    assertThat(ZtTokens.issuer()).isSameAs(ZtTokens.issuer());
  }
}
