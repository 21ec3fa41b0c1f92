package dev.zt.samples.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.zt.testkit.spiffe.TestSvid;
import dev.zt.testkit.spiffe.TestTrustDomain;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The gateway's environment contract: every missing or bad variable stops the start with an error naming it. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GatewayConfigTests {

  private static final TestTrustDomain EXAMPLE = TestTrustDomain.create("example.org");

  @TempDir
  static Path dir;

  private Map<String, String> env;

  @BeforeAll
  void files() throws Exception {
    TestSvid svid = EXAMPLE.issueX509Svid("/ns/edge/sa/gateway");
    env = new HashMap<>(Map.of(
        "ZT_ISSUER", "http://127.0.0.1:9/issuer",
        "ZT_AUDIENCE", "orders-api",
        "GATEWAY_UPSTREAM", "https://127.0.0.1:8443",
        "ZT_SVID_CERT", Files.writeString(dir.resolve("svid.pem"), svid.chainPem()).toString(),
        "ZT_SVID_KEY", Files.writeString(dir.resolve("svid.key"), svid.keyPem()).toString(),
        "ZT_TRUST_DOMAIN", "example.org",
        "ZT_X509_BUNDLE", Files.writeString(dir.resolve("bundle.pem"), EXAMPLE.bundle().pem()).toString()));
  }

  private Map<String, String> with(String name, String value) {
    Map<String, String> e = new HashMap<>(env);
    if (value == null) {
      e.remove(name);
    } else {
      e.put(name, value);
    }
    return e;
  }

  private void assertRefused(Map<String, String> e, String variable) {
    assertThatThrownBy(() -> GatewayConfig.fromEnvironment(e)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(variable);
  }

  @Test
  void fromEnvironmentWhenCompleteThenDefaults() {
    GatewayConfig c = GatewayConfig.fromEnvironment(env);

    assertThat(c.port()).isEqualTo(8080);
    assertThat(c.host()).isEqualTo("0.0.0.0");
    assertThat(c.upstreamAudience()).isEqualTo("orders-service");
    assertThat(c.internalIssuer()).isEmpty();
    assertThat(c.exchange()).isEqualTo(GatewayConfig.Exchange.LOCAL);
    assertThat(c.gatewayId().toString()).isEqualTo("spiffe://example.org/ns/edge/sa/gateway");
    assertThat(c.upstreamId()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"ZT_ISSUER", "ZT_AUDIENCE", "GATEWAY_UPSTREAM", "ZT_SVID_CERT", "ZT_SVID_KEY",
      "ZT_TRUST_DOMAIN", "ZT_X509_BUNDLE"})
  void fromEnvironmentWhenRequiredVariableMissingThenErrorNamesIt(String name) {
    assertRefused(with(name, null), name);
    assertRefused(with(name, "  "), name);
  }

  @Test
  void fromEnvironmentWhenUpstreamIsNotHttpsOriginThenErrorNamesIt() {
    for (String bad : List.of("http://127.0.0.1:8443", "https://127.0.0.1:8443/api", "https://u:p@127.0.0.1:1",
        "https://127.0.0.1:1?x=1", "127.0.0.1:8443", "https://", "ht tp://x")) {
      assertRefused(with("GATEWAY_UPSTREAM", bad), "GATEWAY_UPSTREAM");
    }
  }

  @Test
  void fromEnvironmentWhenRemotePlainHttpIssuerThenRefusedUnlessAllowed() {
    assertRefused(with("ZT_ISSUER", "http://idp.example.com/realms/shop"), "ZT_ISSUER");
    Map<String, String> allowed = with("ZT_ISSUER", "http://idp.example.com/realms/shop");
    allowed.put("ZT_ALLOW_PLAIN_HTTP", "true");

    assertThat(GatewayConfig.fromEnvironment(allowed).allowPlainHttp()).isTrue();
    assertRefused(with("ZT_ALLOW_PLAIN_HTTP", "yes"), "ZT_ALLOW_PLAIN_HTTP");
  }

  @Test
  void fromEnvironmentWhenPortOrHostBadThenErrorNamesIt() {
    for (String bad : List.of("-1", "65536", "http", "80 80")) {
      assertRefused(with("PORT", bad), "PORT");
    }
    assertRefused(with("ZT_HOST", "no such host!"), "ZT_HOST");
  }

  @Test
  void fromEnvironmentWhenSvidFilesBadThenErrorNamesThem() throws Exception {
    assertRefused(with("ZT_SVID_CERT", dir.resolve("missing.pem").toString()), "ZT_SVID_CERT");
    assertRefused(with("ZT_SVID_KEY", dir.resolve("missing.key").toString()), "ZT_SVID_KEY");
    Path otherKey = Files.writeString(dir.resolve("other.key"), EXAMPLE.issueX509Svid("/x").keyPem());
    assertRefused(with("ZT_SVID_KEY", otherKey.toString()), "ZT_SVID_KEY");
    assertRefused(with("ZT_X509_BUNDLE", env.get("ZT_SVID_KEY")), "ZT_X509_BUNDLE");
  }

  @Test
  void fromEnvironmentWhenSvidOfAnotherTrustDomainThenErrorNamesIt() {
    assertRefused(with("ZT_TRUST_DOMAIN", "other.org"), "ZT_TRUST_DOMAIN");
    assertRefused(with("ZT_TRUST_DOMAIN", "Not A Domain"), "ZT_TRUST_DOMAIN");
  }

  @Test
  void fromEnvironmentWhenUpstreamIdBadThenErrorNamesIt() {
    for (String bad : List.of("orders", "spiffe://other.org/ns/shop/sa/orders", "spiffe://example.org/ns/*",
        "spiffe://EXAMPLE.org/orders")) {
      assertRefused(with("GATEWAY_UPSTREAM_ID", bad), "GATEWAY_UPSTREAM_ID");
    }
    assertThat(GatewayConfig.fromEnvironment(with("GATEWAY_UPSTREAM_ID", "spiffe://example.org/ns/shop/sa/orders"))
        .upstreamId()).isPresent();
  }

  @Test
  void fromEnvironmentWhenInternalIssuerBadThenErrorNamesIt() {
    for (String bad : List.of("gateway", "ftp://gw/internal", "https://gw/internal/", "https://gw/internal?x",
        "https://gw/a/../b")) {
      assertRefused(with("GATEWAY_INTERNAL_ISSUER", bad), "GATEWAY_INTERNAL_ISSUER");
    }
  }

  @Test
  void fromEnvironmentWhenExchangeUnknownOrStsThenErrorNamesIt() {
    assertRefused(with("GATEWAY_EXCHANGE", "remote"), "GATEWAY_EXCHANGE");
    assertRefused(with("GATEWAY_STS_URI", "https://sts.example/token"), "GATEWAY_STS_URI");
    Map<String, String> sts = with("GATEWAY_EXCHANGE", "sts");
    assertRefused(sts, "GATEWAY_STS_URI");
    sts.put("GATEWAY_STS_URI", "https://sts.example/token");
    assertRefused(sts, "GATEWAY_STS_CLIENT_ID");
  }

  @Test
  void fromEnvironmentWhenStsCompleteThenStsWithTheSecretRedacted() {
    Map<String, String> e = with("GATEWAY_EXCHANGE", "sts");
    e.put("GATEWAY_STS_URI", "https://idp.example.com/realms/shop/protocol/openid-connect/token");
    e.put("GATEWAY_STS_CLIENT_ID", "gateway");
    e.put("GATEWAY_STS_CLIENT_SECRET", "s3cret-value");

    GatewayConfig c = GatewayConfig.fromEnvironment(e);

    assertThat(c.exchange()).isEqualTo(GatewayConfig.Exchange.STS);
    assertThat(c.sts()).hasValueSatisfying(s -> assertThat(s.clientId()).isEqualTo("gateway"));
    assertThat(c.toString()).doesNotContain("s3cret-value");
    Map<String, String> withKey = new HashMap<>(e);
    withKey.put("GATEWAY_SIGNING_KEY", "/k.pem");
    assertRefused(withKey, "GATEWAY_SIGNING_KEY");
    Map<String, String> withIssuer = new HashMap<>(e);
    withIssuer.put("GATEWAY_INTERNAL_ISSUER", "https://gw.example/internal");
    assertRefused(withIssuer, "GATEWAY_INTERNAL_ISSUER");
    Map<String, String> plain = new HashMap<>(e);
    plain.put("GATEWAY_STS_URI", "http://idp.example.com/token");
    assertRefused(plain, "GATEWAY_STS_URI");
    Map<String, String> noSecret = new HashMap<>(e);
    noSecret.remove("GATEWAY_STS_CLIENT_SECRET");
    assertRefused(noSecret, "GATEWAY_STS_CLIENT_SECRET");
  }

  @Test
  void fromEnvironmentWhenKeyActivationThenSecondsOrIsoDurationAndSixMinutesByDefault() throws Exception {
    Map<String, String> e = with("GATEWAY_SIGNING_KEY", signingKeyFile().toString());
    assertThat(GatewayConfig.fromEnvironment(e).keyActivation()).isEqualTo(java.time.Duration.ofMinutes(6));
    e.put("GATEWAY_KEY_ACTIVATION", "PT40S");
    assertThat(GatewayConfig.fromEnvironment(e).keyActivation()).isEqualTo(java.time.Duration.ofSeconds(40));
    e.put("GATEWAY_KEY_ACTIVATION", "420");
    assertThat(GatewayConfig.fromEnvironment(e).keyActivation()).isEqualTo(java.time.Duration.ofMinutes(7));
    e.put("GATEWAY_KEY_ACTIVATION", "0");
    assertThat(GatewayConfig.fromEnvironment(e).keyActivation()).isZero();
  }

  @ParameterizedTest
  @ValueSource(strings = {"6m", "-1", "PT-1S", "P2D", "1e3", "PT6M junk", "9999999"})
  void fromEnvironmentWhenKeyActivationBadThenErrorNamesIt(String value) throws Exception {
    Map<String, String> e = with("GATEWAY_SIGNING_KEY", signingKeyFile().toString());
    e.put("GATEWAY_KEY_ACTIVATION", value);
    assertRefused(e, "GATEWAY_KEY_ACTIVATION");
  }

  @Test
  void fromEnvironmentWhenKeyActivationWithoutASigningKeyFileOrWithStsThenRefused() {
    assertRefused(with("GATEWAY_KEY_ACTIVATION", "PT6M"), "GATEWAY_KEY_ACTIVATION");
    Map<String, String> sts = with("GATEWAY_EXCHANGE", "sts");
    sts.put("GATEWAY_STS_URI", "https://idp.example.com/token");
    sts.put("GATEWAY_STS_CLIENT_ID", "gateway");
    sts.put("GATEWAY_STS_CLIENT_SECRET", "s3cret-value");
    sts.put("GATEWAY_KEY_ACTIVATION", "PT6M");
    assertRefused(sts, "GATEWAY_KEY_ACTIVATION");
  }

  private static Path signingKeyFile() throws Exception {
    Path p = dir.resolve("signing-key.pem");
    if (!Files.exists(p)) {
      Files.writeString(p, GatewayEndToEndTests.pem(GatewayEndToEndTests.newSigningKey()));
    }
    return p;
  }

  @Test
  void fromEnvironmentWhenSigningKeyFileBadThenErrorNamesIt() throws Exception {
    assertRefused(with("GATEWAY_SIGNING_KEY", dir.resolve("none.pem").toString()), "GATEWAY_SIGNING_KEY");
    Path onlyPrivate = Files.writeString(dir.resolve("private-only.pem"),
        EXAMPLE.issueX509Svid("/k").keyPem());
    assertRefused(with("GATEWAY_SIGNING_KEY", onlyPrivate.toString()), "GATEWAY_SIGNING_KEY");
  }

  @Test
  void startWhenEnvironmentBadThenNoGatewayAndTheErrorNamesTheVariable() {
    assertThatThrownBy(() -> Gateway.start(with("GATEWAY_UPSTREAM", "http://127.0.0.1:1")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("GATEWAY_UPSTREAM");
  }

  @Test
  void encodePathWhenDecodedPathThenEveryReservedOrNonAsciiCharacterEscaped() {
    assertThat(UpstreamProxy.encodePath("/orders/42")).isEqualTo("/orders/42");
    assertThat(UpstreamProxy.encodePath("/docs/café menu;v=1?%#")).isEqualTo("/docs/caf%C3%A9%20menu%3Bv=1%3F%25%23");
  }

  @Test
  void forwardedWhenIpv6ClientThenQuotedAndBracketed() {
    assertThat(UpstreamProxy.forwarded("2001:db8::1", "https", "shop.example.com", "127.0.0.1", 8080))
        .isEqualTo("for=\"[2001:db8::1]\";proto=https;host=shop.example.com;by=\"127.0.0.1:8080\"");
    assertThat(UpstreamProxy.forwarded("192.0.2.60", "http", "gw:8080", "::1", 8080))
        .isEqualTo("for=192.0.2.60;proto=http;host=\"gw:8080\";by=\"[::1]:8080\"");
    assertThat(UpstreamProxy.forwarded("192.0.2.60", "http", "a\"b", "127.0.0.1", 1))
        .contains("host=\"a\\\"b\"");
  }
}
