package dev.zt.samples.gateway.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SessionSettingsTests {

  private static Map<String, String> env(String... pairs) {
    Map<String, String> env = new HashMap<>();
    env.put("ZT_ISSUER", "https://idp.example");
    env.put("GATEWAY_SESSION_CLIENT_ID", "gateway");
    for (int i = 0; i < pairs.length; i += 2) {
      env.put(pairs[i], pairs[i + 1]);
    }
    return env;
  }

  @Test
  void fromEnvironmentWhenClientIdUnsetThenNoSessions() {
    assertThat(SessionSettings.fromEnvironment(Map.of("ZT_ISSUER", "https://idp.example"), 8080)).isEmpty();
  }

  @Test
  void fromEnvironmentWhenOnlyClientIdThenStrictDefaults() {
    SessionSettings s = SessionSettings.fromEnvironment(env(), 8080).orElseThrow();
    assertThat(s.publicOrigin()).isEqualTo("http://127.0.0.1:8080");
    assertThat(s.redirectUri()).hasToString("http://127.0.0.1:8080/callback");
    assertThat(s.scopes()).containsExactly("openid");
    assertThat(s.clientSecret()).isEmpty();
    assertThat(s.renewBefore()).isEqualTo(Duration.ofSeconds(30));
    assertThat(s.idleTimeout()).isEqualTo(Duration.ofMinutes(30));
    assertThat(s.absoluteTimeout()).isEqualTo(Duration.ofHours(8));
  }

  @Test
  void fromEnvironmentWhenPublicUrlHasDefaultPortAndCaseThenOriginNormalised() {
    SessionSettings s = SessionSettings.fromEnvironment(env("GATEWAY_PUBLIC_URL", "HTTPS://Shop.Example:443/",
        "GATEWAY_SESSION_SCOPES", "openid  orders:read openid"), 8080).orElseThrow();
    assertThat(s.publicOrigin()).isEqualTo("https://shop.example");
    assertThat(s.scopes()).containsExactly("openid", "orders:read");
  }

  @Test
  void toStringWhenSecretSetThenRedacted() {
    SessionSettings s = SessionSettings.fromEnvironment(env("GATEWAY_SESSION_CLIENT_SECRET", "s3cr3t-value"), 8080)
        .orElseThrow();
    assertThat(s.toString()).doesNotContain("s3cr3t-value");
    assertThat(s.clientSecret().orElseThrow().reveal()).isEqualTo("s3cr3t-value");
  }

  @Test
  void fromEnvironmentWhenSecretWithoutClientIdThenNamesBoth() {
    assertThatThrownBy(() -> SessionSettings.fromEnvironment(
        Map.of("ZT_ISSUER", "https://idp.example", "GATEWAY_SESSION_CLIENT_SECRET", "x"), 8080))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("GATEWAY_SESSION_CLIENT_SECRET").hasMessageContaining("GATEWAY_SESSION_CLIENT_ID");
  }

  @Test
  void fromEnvironmentWhenIssuerMissingThenNamesZtIssuer() {
    assertThatThrownBy(() -> SessionSettings.fromEnvironment(Map.of("GATEWAY_SESSION_CLIENT_ID", "gateway"), 8080))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("ZT_ISSUER");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "GATEWAY_PUBLIC_URL|http://shop.example",
      "GATEWAY_PUBLIC_URL|https://shop.example/app",
      "GATEWAY_PUBLIC_URL|https://user@shop.example",
      "GATEWAY_PUBLIC_URL|ftp://shop.example",
      "GATEWAY_PUBLIC_URL|not a url",
      "ZT_ISSUER|http://idp.example",
      "GATEWAY_SESSION_SCOPES|openid \"quoted\"",
      "GATEWAY_SESSION_RENEW_BEFORE|soon",
      "GATEWAY_SESSION_RENEW_BEFORE|-1",
      "GATEWAY_SESSION_IDLE_TIMEOUT|0",
      "GATEWAY_SESSION_MAX|0",
      "GATEWAY_SESSION_CLIENT_ID|two words"})
  void fromEnvironmentWhenValueBadThenErrorNamesVariable(String name, String value) {
    assertThatThrownBy(() -> SessionSettings.fromEnvironment(env(name, value), 8080))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith(name);
  }

  @Test
  void fromEnvironmentWhenIdleLongerThanAbsoluteThenNamesBoth() {
    assertThatThrownBy(() -> SessionSettings.fromEnvironment(env("GATEWAY_SESSION_IDLE_TIMEOUT", "7200",
        "GATEWAY_SESSION_ABSOLUTE_TIMEOUT", "3600"), 8080))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("GATEWAY_SESSION_IDLE_TIMEOUT").hasMessageContaining("GATEWAY_SESSION_ABSOLUTE_TIMEOUT");
  }

  @Test
  void fromEnvironmentWhenLoopbackHttpThenAllowed() {
    for (String url : List.of("http://localhost:9000", "http://127.0.0.1:9000")) {
      assertThat(SessionSettings.fromEnvironment(env("GATEWAY_PUBLIC_URL", url), 8080).orElseThrow().publicOrigin())
          .isEqualTo(url);
    }
  }
}
