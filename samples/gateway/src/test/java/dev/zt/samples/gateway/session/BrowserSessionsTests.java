package dev.zt.samples.gateway.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.zt.testkit.TestClock;
import dev.zt.testkit.TestIssuer;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Start-up: discovery read once, and every unfit answer a start-up error naming {@code ZT_ISSUER}. */
class BrowserSessionsTests {

  private final TestClock clock = TestClock.create();

  private static Map<String, String> env(String issuer) {
    return Map.of("ZT_ISSUER", issuer, "GATEWAY_SESSION_CLIENT_ID", "gateway-web");
  }

  @Test
  void fromEnvironmentWhenClientIdUnsetThenNoSessionsAndNoDiscovery() {
    try (TestIssuer issuer = TestIssuer.start(clock)) {
      assertThat(BrowserSessions.fromEnvironment(Map.of("ZT_ISSUER", issuer.issuer()), 8080, clock)).isEmpty();
      assertThat(issuer.discoveryRequests()).isZero();
    }
  }

  @Test
  void fromEnvironmentWhenIssuerServesEndpointsThenFilterReady() {
    try (TestIssuer issuer = TestIssuer.start(clock)) {
      assertThat(BrowserSessions.fromEnvironment(env(issuer.issuer()), 8080, clock)).hasValueSatisfying(
          s -> assertThat(s.filter()).isNotNull());
      assertThat(issuer.discoveryRequests()).isEqualTo(1);
    }
  }

  @Test
  void fromEnvironmentWhenMetadataNamesAnotherIssuerThenStartupErrorNamesZtIssuer() {
    try (TestIssuer issuer = TestIssuer.start(clock)) {
      issuer.metadataIssuer("https://evil.example");
      assertThatThrownBy(() -> BrowserSessions.fromEnvironment(env(issuer.issuer()), 8080, clock))
          .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("ZT_ISSUER")
          .hasMessageContaining("another issuer");
    }
  }

  @Test
  void fromEnvironmentWhenOnlyRfc8414MetadataThenUsesIt() {
    try (TestIssuer issuer = TestIssuer.start(clock)) {
      issuer.openIdDiscovery(false);
      assertThat(BrowserSessions.fromEnvironment(env(issuer.issuer()), 8080, clock)).isPresent();
    }
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', value = {
      "'\"code_challenge_methods_supported\":[\"plain\"]'|S256",
      "''|S256",
      "'\"code_challenge_methods_supported\":[\"S256\"],\"token_endpoint\":\"http://idp.example/token\"'|https"})
  void fromEnvironmentWhenMetadataUnfitThenStartupErrorNamesZtIssuer(String extra, String message) throws Exception {
    com.sun.net.httpserver.HttpServer server = com.sun.net.httpserver.HttpServer.create(
        new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 4);
    String issuer = "http://127.0.0.1:" + server.getAddress().getPort();
    server.createContext("/.well-known/openid-configuration", ex -> {
      String body = "{\"issuer\":\"" + issuer + "\",\"authorization_endpoint\":\"" + issuer + "/authorize\","
          + (extra.contains("token_endpoint") ? "" : "\"token_endpoint\":\"" + issuer + "/token\",")
          + extra + (extra.isEmpty() ? "\"x\":1" : "") + "}";
      byte[] b = body.getBytes(java.nio.charset.StandardCharsets.UTF_8);
      ex.sendResponseHeaders(200, b.length);
      try (var out = ex.getResponseBody()) {
        out.write(b);
      }
    });
    server.start();
    try {
      assertThatThrownBy(() -> BrowserSessions.fromEnvironment(env(issuer), 8080, clock))
          .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("ZT_ISSUER")
          .hasMessageContaining(message);
    } finally {
      server.stop(0);
    }
  }

  @Test
  void fromEnvironmentWhenIssuerUnreachableThenStartupErrorNamesZtIssuer() {
    String gone;
    try (TestIssuer issuer = TestIssuer.start(clock)) {
      gone = issuer.issuer();
    }
    assertThatThrownBy(() -> BrowserSessions.fromEnvironment(env(gone), 8080, clock))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("ZT_ISSUER");
  }
}
