package dev.zt.samples.orders.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The variables' shared reading: blank is unset, values are stripped, every refusal names its variable. */
class VariablesTests {

  @Test
  void portWhenUnsetOrBlankThenTheDefault() {
    assertThat(Variables.port(Map.of())).isEqualTo(Variables.DEFAULT_PORT).isEqualTo(8080);
    assertThat(Variables.port(Map.of("PORT", " "))).isEqualTo(8080);
    assertThat(Variables.port(Map.of("PORT", " 0 "))).isZero();
  }

  @ParameterizedTest
  @ValueSource(strings = {"-1", "65536", "http", "80.5"})
  void portWhenNotAPortThenRefused(String value) {
    assertThatThrownBy(() -> Variables.port(Map.of("PORT", value))).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("PORT must be a port number from 0 to 65535, not '" + value + "'");
  }

  @Test
  void requiredWhenBlankThenRefusedNamingTheVariable() {
    assertThatThrownBy(() -> Variables.required(Map.of("ZT_ISSUER", "  "), "ZT_ISSUER"))
        .hasMessage("ZT_ISSUER is required (see the README)");
  }

  @Test
  void flagWhenTrueOrFalseInAnyCaseThenRead() {
    assertThat(Variables.flag(Map.of("F", " TRUE "), "F")).isTrue();
    assertThat(Variables.flag(Map.of("F", "False"), "F")).isFalse();
    assertThat(Variables.flag(Map.of(), "F")).isFalse();
  }

  @Test
  void flagWhenAnythingElseThenRefused() {
    assertThatThrownBy(() -> Variables.flag(Map.of("ZT_ALLOW_PLAIN_HTTP", "yes"), "ZT_ALLOW_PLAIN_HTTP"))
        .hasMessage("ZT_ALLOW_PLAIN_HTTP must be true or false, not 'yes'");
  }

  @Test
  void refuseRemotePlainHttpWhenLoopbackLiteralOrLocalhostThenAccepted() {
    for (String u : new String[] {"http://localhost:8080", "http://127.0.0.2/", "http://[::1]:80", "https://a.b"}) {
      Variables.refuseRemotePlainHttp("ZT_ISSUER", URI.create(u), false);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"http://idp.example.com", "http://127.example.com", "http://10.0.0.1", "HTTP://[::2]"})
  void refuseRemotePlainHttpWhenNotLoopbackThenRefusedUnlessAllowed(String u) {
    assertThatThrownBy(() -> Variables.refuseRemotePlainHttp("ZT_JWKS_URI", URI.create(u), false))
        .hasMessageStartingWith("ZT_JWKS_URI uses plain http to a host that is not loopback (" + u + ")");
    Variables.refuseRemotePlainHttp("ZT_JWKS_URI", URI.create(u), true);
  }

  @Test
  void printableWhenLongOrControlCharactersThenCutAndReplaced() {
    assertThat(Variables.printable("a".repeat(70))).isEqualTo("a".repeat(64) + "...");
    assertThat(Variables.printable("x\ny\u00e9")).isEqualTo("x?y?");
  }

  @Test
  void uriWhenNotAUriThenRefusedNamingTheVariable() {
    assertThatThrownBy(() -> Variables.uri("http://a b", "ZT_ISSUER"))
        .hasMessage("ZT_ISSUER is not a URI: 'http://a b'");
  }
}
