package dev.zt.samples.orders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.zt.core.credential.BearerJwt;
import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The standalone mode's settings from issue 12 §7 and issue 14's {@code ZT_ISSUERS}, read from the environment: each
 * accepted value and the values refused at start-up, with a message that names the variable. What the settings do to
 * requests is checked on both servers by {@link EnvironmentChecks}.
 */
class EnvironmentSettingsTests {

  private static Map<String, String> env(String... pairs) {
    Map<String, String> env = new HashMap<>(Map.of("ZT_ISSUER", "https://idp.example", "ZT_AUDIENCE", "orders-api"));
    for (int i = 0; i < pairs.length; i += 2) {
      env.put(pairs[i], pairs[i + 1]);
    }
    return env;
  }

  @ParameterizedTest
  @ValueSource(strings = {"http://idp.example", "http://idp.example:8080/realms/x", "http://127.example.com",
      "http://127.0.0.1.nip.io", "http://10.0.0.1", "http://[::2]", "http://0.0.0.0", "HTTP://idp.example"})
  void jwtFromEnvironmentWhenIssuerIsRemotePlainHttpThenRefusesNamingTheVariable(String issuer) {
    assertThatThrownBy(() -> OrdersService.jwtFromEnvironment(env("ZT_ISSUER", issuer)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ZT_ISSUER").hasMessageContaining("ZT_ALLOW_PLAIN_HTTP=true");
  }

  @Test
  void jwtFromEnvironmentWhenJwksUriIsRemotePlainHttpThenRefusesNamingTheVariable() {
    assertThatThrownBy(() -> OrdersService.jwtFromEnvironment(env("ZT_JWKS_URI", "http://keys.example/jwks")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ZT_JWKS_URI").hasMessageContaining("ZT_ALLOW_PLAIN_HTTP=true");
    assertThatThrownBy(() -> OrdersService.jwtFromEnvironment(env("ZT_JWKS_URI", "http://keys.example/jwks",
        "ZT_ALLOW_PLAIN_HTTP", "false"))).hasMessageContaining("ZT_JWKS_URI");
  }

  @ParameterizedTest
  @ValueSource(strings = {"http://localhost:8080", "http://LOCALHOST", "http://127.0.0.1:1/realms/x",
      "http://127.8.9.10", "http://[::1]:8080", "https://idp.example"})
  void jwtFromEnvironmentWhenIssuerIsLoopbackOrHttpsThenStarts(String issuer) {
    assertThat(OrdersService.jwtFromEnvironment(env("ZT_ISSUER", issuer)).issuer()).isEqualTo(issuer);
  }

  @ParameterizedTest
  @ValueSource(strings = {"true", "TRUE", " true "})
  void jwtFromEnvironmentWhenPlainHttpAllowedThenStarts(String allow) {
    BearerJwt jwt = OrdersService.jwtFromEnvironment(env("ZT_ISSUER", "http://idp.example",
        "ZT_JWKS_URI", "http://keys.example/jwks", "ZT_ALLOW_PLAIN_HTTP", allow));

    assertThat(jwt.issuer()).isEqualTo("http://idp.example");
  }

  @ParameterizedTest
  @ValueSource(strings = {"yes", "1", "on", "true,false"})
  void jwtFromEnvironmentWhenAllowPlainHttpNotABooleanThenRefuses(String allow) {
    assertThatThrownBy(() -> OrdersService.jwtFromEnvironment(env("ZT_ALLOW_PLAIN_HTTP", allow)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ZT_ALLOW_PLAIN_HTTP");
  }

  @Test
  void jwtFromEnvironmentWhenAccessTokenTypeAtJwtThenRequiresExplicitTyping() {
    assertThat(OrdersService.jwtFromEnvironment(env()).requireAccessTokenType()).isFalse();
    assertThat(OrdersService.jwtFromEnvironment(env("ZT_ACCESS_TOKEN_TYPE", "at+jwt")).requireAccessTokenType())
        .isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"jwt", "JWT", "application/jwt", "at+jwt,jwt", "id", "none", "at jwt"})
  void jwtFromEnvironmentWhenAccessTokenTypeNotAtJwtThenRefuses(String type) {
    assertThatThrownBy(() -> OrdersService.jwtFromEnvironment(env("ZT_ACCESS_TOKEN_TYPE", type)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ZT_ACCESS_TOKEN_TYPE");
  }

  @ParameterizedTest
  @ValueSource(strings = {"RS256", "ES256,EdDSA", "RS256, PS256 ,ES384",
      "RS256,RS384,RS512,PS256,PS384,PS512,ES256,ES384,EdDSA"})
  void jwtFromEnvironmentWhenAlgorithmsAreDefaultsThenStarts(String algorithms) {
    assertThat(OrdersService.jwtFromEnvironment(env("ZT_ALGORITHMS", algorithms)).issuer())
        .isEqualTo("https://idp.example");
  }

  @ParameterizedTest
  @ValueSource(strings = {"HS256", "none", "RS256,HS256", "rs256", "RS256,", ",RS256", "RS256,,ES256", "RS256;ES256",
      "RS256,RS256", "ES512", "RSA-OAEP"})
  void jwtFromEnvironmentWhenAlgorithmOutsideTheDefaultsThenRefuses(String algorithms) {
    assertThatThrownBy(() -> OrdersService.jwtFromEnvironment(env("ZT_ALGORITHMS", algorithms)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ZT_ALGORITHMS");
  }

  @Test
  void jwtFromEnvironmentWhenRolesClaimGivenThenReadsRolesFromIt() {
    assertThat(OrdersService.jwtFromEnvironment(env()).rolesClaim()).isEqualTo("roles");
    assertThat(OrdersService.jwtFromEnvironment(env("ZT_ROLES_CLAIM", "realm_access.roles")).rolesClaim())
        .isEqualTo("realm_access.roles");
    assertThat(OrdersService.jwtFromEnvironment(env("ZT_ROLES_CLAIM", "resource_access.orders-api.roles"))
        .rolesClaim()).isEqualTo("resource_access.orders-api.roles");
  }

  @ParameterizedTest
  @ValueSource(strings = {".roles", "realm_access.", "realm_access..roles", "realm access.roles", "roles[0]"})
  void jwtFromEnvironmentWhenRolesClaimNotADottedPathThenRefuses(String claim) {
    assertThatThrownBy(() -> OrdersService.jwtFromEnvironment(env("ZT_ROLES_CLAIM", claim)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ZT_ROLES_CLAIM");
  }

  @Test
  void jwtsFromEnvironmentWhenIssuersUnsetOrBlankThenOnlyTheIssuer() {
    assertThat(OrdersService.jwtsFromEnvironment(env())).extracting(BearerJwt::issuer)
        .containsExactly("https://idp.example");
    assertThat(OrdersService.jwtsFromEnvironment(env("ZT_ISSUERS", " "))).extracting(BearerJwt::issuer)
        .containsExactly("https://idp.example");
  }

  @Test
  void jwtsFromEnvironmentWhenIssuersListedThenEachWithDiscoveryAndTheSameRules() {
    List<BearerJwt> jwts = OrdersService.jwtsFromEnvironment(env(
        "ZT_ISSUERS", " https://tenant-b.example/realms/b ,http://127.0.0.1:9/c,http://[::1]:8080",
        "ZT_JWKS_URI", "https://idp.example/keys",
        "ZT_ALGORITHMS", "ES256", "ZT_ACCESS_TOKEN_TYPE", "at+jwt", "ZT_ROLES_CLAIM", "realm_access.roles",
        "ZT_MAX_TOKEN_LIFETIME", "PT2H"));

    assertThat(jwts).extracting(BearerJwt::issuer).containsExactly("https://idp.example",
        "https://tenant-b.example/realms/b", "http://127.0.0.1:9/c", "http://[::1]:8080");
    assertThat(jwts.get(0).jwksUri()).contains(URI.create("https://idp.example/keys"));
    for (BearerJwt jwt : jwts.subList(1, jwts.size())) {
      assertThat(jwt.jwksUri()).as("ZT_JWKS_URI is ZT_ISSUER's alone: keys never pooled").isEmpty();
      assertThat(jwt.audiences()).containsExactly("orders-api");
      assertThat(jwt.requireAccessTokenType()).isTrue();
      assertThat(jwt.rolesClaim()).isEqualTo("realm_access.roles");
      assertThat(jwt.maxLifetime()).isEqualTo(Duration.ofHours(2));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"http://idp-b.example", "http://10.0.0.1/b", "http://127.example.com",
      "https://idp-b.example,http://idp-c.example"})
  void jwtsFromEnvironmentWhenIssuersEntryIsRemotePlainHttpThenRefusesNamingTheVariable(String issuers) {
    assertThatThrownBy(() -> OrdersService.jwtsFromEnvironment(env("ZT_ISSUERS", issuers)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ZT_ISSUERS").hasMessageContaining("ZT_ALLOW_PLAIN_HTTP=true");
  }

  @Test
  void jwtsFromEnvironmentWhenPlainHttpAllowedThenRemotePlainHttpIssuersStart() {
    assertThat(OrdersService.jwtsFromEnvironment(env("ZT_ISSUERS", "http://idp-b.example",
        "ZT_ALLOW_PLAIN_HTTP", "true"))).extracting(BearerJwt::issuer)
        .containsExactly("https://idp.example", "http://idp-b.example");
  }

  @ParameterizedTest
  @ValueSource(strings = {",", "https://idp-b.example,", ",https://idp-b.example",
      "https://idp-b.example,,https://idp-c.example", "https://idp-b.example, ,https://idp-c.example",
      "idp-b.example", "/realms/b", "ftp://idp-b.example", "file:///etc/passwd", "mailto:a@idp-b.example",
      "https://", "https:///realms/b", "https://user@idp-b.example", "https://idp-b.example?x=1",
      "https://idp-b.example#f", "https://idp b.example", "https://idp-b.example;https://idp-c.example",
      "https://idp-b.example https://idp-c.example", "https://idp-b.example:99999",
      "https://idp-b.example:0"})
  void jwtsFromEnvironmentWhenIssuersEntryNotAnIssuerUrlThenRefusesNamingTheVariable(String issuers) {
    assertThatThrownBy(() -> OrdersService.jwtsFromEnvironment(env("ZT_ISSUERS", issuers)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ZT_ISSUERS");
  }

  @ParameterizedTest
  @ValueSource(strings = {"https://idp-b.example,https://idp-b.example",
      "https://idp-b.example, https://idp-b.example ", "https://idp-b.example,HTTPS://IDP-B.example"})
  void jwtsFromEnvironmentWhenIssuersEntryRepeatedThenRefusesNamingTheVariable(String issuers) {
    assertThatThrownBy(() -> OrdersService.jwtsFromEnvironment(env("ZT_ISSUERS", issuers)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ZT_ISSUERS")
        .hasMessageContaining("twice");
  }

  @ParameterizedTest
  @ValueSource(strings = {"https://idp.example", "https://idp-b.example,https://idp.example", "HTTPS://IDP.EXAMPLE"})
  void jwtsFromEnvironmentWhenIssuersNamesTheIssuerAgainThenRefusesNamingBothVariables(String issuers) {
    assertThatThrownBy(() -> OrdersService.jwtsFromEnvironment(env("ZT_ISSUERS", issuers)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ZT_ISSUERS")
        .hasMessageContaining("ZT_ISSUER ");
  }

  @Test
  void jwtsFromEnvironmentWhenIssuersGivenWithoutIssuerThenRefusesNamingTheIssuer() {
    Map<String, String> env = env("ZT_ISSUERS", "https://idp-b.example");
    env.remove("ZT_ISSUER");

    assertThatThrownBy(() -> OrdersService.jwtsFromEnvironment(env))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ZT_ISSUER is required");
  }

  @Test
  void hostFromEnvironmentWhenUnsetThenEveryAddress() {
    assertThat(OrdersService.hostFromEnvironment(Map.of())).isEqualTo("0.0.0.0");
    assertThat(OrdersService.hostFromEnvironment(Map.of("ZT_HOST", " "))).isEqualTo("0.0.0.0");
  }

  @Test
  void hostFromEnvironmentWhenAddressOrLoopbackNameThenThatAddress() throws Exception {
    assertThat(OrdersService.hostFromEnvironment(Map.of("ZT_HOST", "127.0.0.1"))).isEqualTo("127.0.0.1");
    assertThat(OrdersService.hostFromEnvironment(Map.of("ZT_HOST", "::1"))).isEqualTo("0:0:0:0:0:0:0:1");
    assertThat(OrdersService.hostFromEnvironment(Map.of("ZT_HOST", "[::1]"))).isEqualTo("0:0:0:0:0:0:0:1");
    assertThat(InetAddress.getByName(OrdersService.hostFromEnvironment(Map.of("ZT_HOST", "localhost")))
        .isLoopbackAddress()).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"bad host", "127.0.0.1:8080/x", "http://127.0.0.1", "host;rm", "a/b"})
  void hostFromEnvironmentWhenNotAnAddressThenRefusesNamingTheVariable(String host) {
    assertThatThrownBy(() -> OrdersService.hostFromEnvironment(Map.of("ZT_HOST", host)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ZT_HOST");
  }

  @Test
  void senderFromEnvironmentWhenUnsetThenNoOriginAndNoDpop() {
    assertThat(OrdersService.senderFromEnvironment(env())).isEqualTo(OrdersSecurity.Sender.NONE);
    assertThat(OrdersService.senderFromEnvironment(env("ZT_PUBLIC_ORIGIN", " ", "ZT_REQUIRE_DPOP", "false")))
        .isEqualTo(OrdersSecurity.Sender.NONE);
  }

  @Test
  void senderFromEnvironmentWhenOriginAndFlagsThenExactlyAsGiven() {
    OrdersSecurity.Sender s = OrdersService.senderFromEnvironment(env("ZT_PUBLIC_ORIGIN",
        "https://api.example.com/orders-service", "ZT_REQUIRE_DPOP", "TRUE", "ZT_DPOP_NONCE", "true"));
    assertThat(s.publicOrigin()).contains(URI.create("https://api.example.com/orders-service"));
    assertThat(s.requireDpop()).isTrue();
    assertThat(s.dpopNonce()).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"ZT_REQUIRE_DPOP", "ZT_DPOP_NONCE"})
  void senderFromEnvironmentWhenDpopFlagWithoutOriginThenRefusesNamingBoth(String flag) {
    assertThatThrownBy(() -> OrdersService.senderFromEnvironment(env(flag, "true")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(flag)
        .hasMessageContaining("ZT_PUBLIC_ORIGIN");
  }

  @ParameterizedTest
  @ValueSource(strings = {"orders.example.com", "ftp://orders.example.com", "https://orders.example.com/",
      "https://orders.example.com?x", "https://user@orders.example.com", "https://orders example.com"})
  void senderFromEnvironmentWhenOriginNotAnOriginThenRefusesNamingTheVariable(String origin) {
    assertThatThrownBy(() -> OrdersService.senderFromEnvironment(env("ZT_PUBLIC_ORIGIN", origin)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ZT_PUBLIC_ORIGIN");
  }

  @ParameterizedTest
  @ValueSource(strings = {"ZT_REQUIRE_DPOP", "ZT_DPOP_NONCE"})
  void senderFromEnvironmentWhenFlagNotABooleanThenRefusesNamingIt(String flag) {
    assertThatThrownBy(() -> OrdersService.senderFromEnvironment(env("ZT_PUBLIC_ORIGIN", "https://o.example", flag,
        "yes"))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(flag);
  }

  @ParameterizedTest
  @ValueSource(strings = {"true", "TRUE", " true "})
  void clientCertHeaderFromEnvironmentWhenTrueThenOn(String value) {
    assertThat(OrdersService.clientCertHeaderFromEnvironment(env("ZT_CLIENT_CERT_HEADER", value))).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"false", "FALSE", "", " "})
  void clientCertHeaderFromEnvironmentWhenFalseOrEmptyThenOff(String value) {
    assertThat(OrdersService.clientCertHeaderFromEnvironment(env("ZT_CLIENT_CERT_HEADER", value))).isFalse();
    assertThat(OrdersService.clientCertHeaderFromEnvironment(env())).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"yes", "1", "on", "tru", "true,false"})
  void clientCertHeaderFromEnvironmentWhenNotTrueOrFalseThenRefusesNamingTheVariable(String value) {
    assertThatThrownBy(() -> OrdersService.clientCertHeaderFromEnvironment(env("ZT_CLIENT_CERT_HEADER", value)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ZT_CLIENT_CERT_HEADER");
  }

  // ---- issue 14: introspection (ZT_INTROSPECTION_*, ZT_INTROSPECT_JWTS)

  private static java.util.Optional<dev.zt.core.credential.Introspection> introspection(String... pairs) {
    return OrdersService.jwtFromEnvironment(env(pairs)).introspection();
  }

  private static String pkcs8Pem(String algorithm) throws Exception {
    java.security.KeyPairGenerator g = java.security.KeyPairGenerator.getInstance(algorithm);
    if (algorithm.equals("EC")) {
      g.initialize(new java.security.spec.ECGenParameterSpec("secp256r1"));
    } else {
      g.initialize(2048);
    }
    return "-----BEGIN PRIVATE KEY-----\n"
        + java.util.Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(g.generateKeyPair().getPrivate()
        .getEncoded()) + "\n-----END PRIVATE KEY-----\n";
  }

  @Test
  void introspectionFromEnvironmentWhenUnsetThenOff() {
    assertThat(introspection()).isEmpty();
  }

  @Test
  void introspectionFromEnvironmentWhenClientIdAndSecretThenClientSecretBasicByDiscovery() {
    dev.zt.core.credential.Introspection i = introspection("ZT_INTROSPECTION_CLIENT_ID", "orders",
        "ZT_INTROSPECTION_CLIENT_SECRET", "s3cret").orElseThrow();
    assertThat(i.clientAuth()).isEqualTo(dev.zt.core.credential.Introspection.ClientAuth.CLIENT_SECRET_BASIC);
    assertThat(i.endpoint()).isEmpty();
    assertThat(i.introspectJwts()).isFalse();
    assertThat(i.cacheTtl()).isEqualTo(Duration.ofSeconds(30));
    assertThat(i.toString()).doesNotContain("s3cret");
  }

  @Test
  void introspectionFromEnvironmentWhenEverySettingThenEachApplied() {
    dev.zt.core.credential.Introspection i = introspection("ZT_INTROSPECTION_CLIENT_ID", "orders",
        "ZT_INTROSPECTION_CLIENT_SECRET", "s3cret", "ZT_INTROSPECTION_CLIENT_AUTH", "client_secret_post",
        "ZT_INTROSPECTION_URI", "https://idp.example/introspect", "ZT_INTROSPECT_JWTS", "true",
        "ZT_INTROSPECTION_CACHE_TTL", "PT45S").orElseThrow();
    assertThat(i.clientAuth()).isEqualTo(dev.zt.core.credential.Introspection.ClientAuth.CLIENT_SECRET_POST);
    assertThat(i.endpoint()).contains(URI.create("https://idp.example/introspect"));
    assertThat(i.introspectJwts()).isTrue();
    assertThat(i.cacheTtl()).isEqualTo(Duration.ofSeconds(45));
  }

  @ParameterizedTest
  @ValueSource(strings = {"PT45S", "pt45s", "45", "45s", "45S", " 45 "})
  void introspectionFromEnvironmentWhenCacheTtlInEitherFormThenParsed(String ttl) {
    assertThat(introspection("ZT_INTROSPECTION_CLIENT_ID", "orders", "ZT_INTROSPECTION_CLIENT_SECRET", "s",
        "ZT_INTROSPECTION_CACHE_TTL", ttl).orElseThrow().cacheTtl()).isEqualTo(Duration.ofSeconds(45));
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "PT0S", "PT2H", "3601", "45m", "-5", "abc", "PT", "1.5"})
  void introspectionFromEnvironmentWhenCacheTtlNotUnderstoodThenRefusedNamingTheVariable(String ttl) {
    assertThatThrownBy(() -> introspection("ZT_INTROSPECTION_CLIENT_ID", "orders",
        "ZT_INTROSPECTION_CLIENT_SECRET", "s", "ZT_INTROSPECTION_CACHE_TTL", ttl))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ZT_INTROSPECTION_CACHE_TTL");
  }

  @ParameterizedTest
  @ValueSource(strings = {"RSA", "EC"})
  void introspectionFromEnvironmentWhenPrivateKeyJwtWithPemThenConfigured(String algorithm) throws Exception {
    assertThat(introspection("ZT_INTROSPECTION_CLIENT_ID", "orders", "ZT_INTROSPECTION_CLIENT_AUTH",
        "private_key_jwt", "ZT_INTROSPECTION_CLIENT_KEY", pkcs8Pem(algorithm)).orElseThrow().clientAuth())
        .isEqualTo(dev.zt.core.credential.Introspection.ClientAuth.PRIVATE_KEY_JWT);
  }

  @Test
  void introspectionFromEnvironmentWhenPrivateKeyJwtWithPemFileThenConfigured(@org.junit.jupiter.api.io.TempDir
      java.nio.file.Path dir) throws Exception {
    java.nio.file.Path key = java.nio.file.Files.writeString(dir.resolve("client.pem"), pkcs8Pem("RSA"));
    assertThat(introspection("ZT_INTROSPECTION_CLIENT_ID", "orders", "ZT_INTROSPECTION_CLIENT_AUTH",
        "private_key_jwt", "ZT_INTROSPECTION_CLIENT_KEY", key.toString())).isPresent();
  }

  @Test
  void introspectionFromEnvironmentWhenIntrospectJwtsFalseThenOff() {
    assertThat(introspection("ZT_INTROSPECTION_CLIENT_ID", "orders", "ZT_INTROSPECTION_CLIENT_SECRET", "s",
        "ZT_INTROSPECT_JWTS", "FALSE").orElseThrow().introspectJwts()).isFalse();
  }

  @ParameterizedTest
  @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', value = {
      "ZT_INTROSPECTION_CLIENT_SECRET=s|ZT_INTROSPECTION_CLIENT_ID",
      "ZT_INTROSPECT_JWTS=true|ZT_INTROSPECTION_CLIENT_ID",
      "ZT_INTROSPECTION_URI=https://idp.example/i|ZT_INTROSPECTION_CLIENT_ID",
      "ZT_INTROSPECTION_CLIENT_ID=orders|ZT_INTROSPECTION_CLIENT_SECRET",
      "ZT_INTROSPECTION_CLIENT_ID=orders,ZT_INTROSPECTION_CLIENT_AUTH=client_secret_post|ZT_INTROSPECTION_CLIENT_SECRET",
      "ZT_INTROSPECTION_CLIENT_ID=orders,ZT_INTROSPECTION_CLIENT_AUTH=private_key_jwt|ZT_INTROSPECTION_CLIENT_KEY",
      "ZT_INTROSPECTION_CLIENT_ID=orders,ZT_INTROSPECTION_CLIENT_SECRET=s,ZT_INTROSPECTION_CLIENT_AUTH=basic"
          + "|ZT_INTROSPECTION_CLIENT_AUTH",
      "ZT_INTROSPECTION_CLIENT_ID=orders,ZT_INTROSPECTION_CLIENT_SECRET=s,ZT_INTROSPECTION_CLIENT_AUTH=tls_client_auth"
          + "|ZT_INTROSPECTION_CLIENT_AUTH",
      "ZT_INTROSPECTION_CLIENT_ID=orders,ZT_INTROSPECTION_CLIENT_SECRET=s,ZT_INTROSPECTION_CLIENT_KEY=k"
          + "|ZT_INTROSPECTION_CLIENT_KEY",
      "ZT_INTROSPECTION_CLIENT_ID=orders,ZT_INTROSPECTION_CLIENT_AUTH=private_key_jwt,"
          + "ZT_INTROSPECTION_CLIENT_KEY=not-a-key-or-file|ZT_INTROSPECTION_CLIENT_KEY",
      "ZT_INTROSPECTION_CLIENT_ID=orders,ZT_INTROSPECTION_CLIENT_SECRET=s,ZT_INTROSPECT_JWTS=yes|ZT_INTROSPECT_JWTS",
      "ZT_INTROSPECTION_CLIENT_ID=orders,ZT_INTROSPECTION_CLIENT_SECRET=s,"
          + "ZT_INTROSPECTION_URI=http://idp.example/introspect|ZT_ALLOW_PLAIN_HTTP=true",
      "ZT_INTROSPECTION_CLIENT_ID=orders,ZT_INTROSPECTION_CLIENT_SECRET=s,ZT_INTROSPECTION_URI=idp/introspect"
          + "|ZT_INTROSPECTION_URI",
  })
  void introspectionFromEnvironmentWhenIncompleteOrNotUnderstoodThenRefusedNamingTheVariable(String settings,
      String named) {
    String[] pairs = settings.split(",");
    List<String> flat = new java.util.ArrayList<>();
    for (String p : pairs) {
      int eq = p.indexOf('=');
      flat.add(p.substring(0, eq));
      flat.add(p.substring(eq + 1));
    }
    assertThatThrownBy(() -> introspection(flat.toArray(String[]::new)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(named);
  }

  @Test
  void introspectionFromEnvironmentWhenPlainHttpAllowedThenRemoteEndpointAccepted() {
    assertThat(introspection("ZT_INTROSPECTION_CLIENT_ID", "orders", "ZT_INTROSPECTION_CLIENT_SECRET", "s",
        "ZT_INTROSPECTION_URI", "http://idp.example/introspect", "ZT_ALLOW_PLAIN_HTTP", "true")).isPresent();
  }

  @Test
  void jwtsFromEnvironmentWhenIntrospectionThenOnlyZtIssuerIntrospects() {
    List<BearerJwt> jwts = OrdersService.jwtsFromEnvironment(env("ZT_INTROSPECTION_CLIENT_ID", "orders",
        "ZT_INTROSPECTION_CLIENT_SECRET", "s", "ZT_ISSUERS", "https://tenant-b.example"));
    assertThat(jwts.get(0).introspection()).isPresent();
    assertThat(jwts.get(1).introspection()).isEmpty();
  }

  // ---- issue 15: ZT_PDP_URL, ZT_PDP_TIMEOUT_MS ----

  @Test
  void pdpFromEnvironmentWhenUrlUnsetThenNoPdp() {
    assertThat(OrdersService.pdpFromEnvironment(env())).isEmpty();
    assertThat(OrdersService.pdpFromEnvironment(env("ZT_PDP_URL", " "))).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"http://127.0.0.1:8181", "http://127.0.0.1:8181/", "http://127.0.0.1:8181//",
      " http://127.0.0.1:8181/ "})
  void pdpFromEnvironmentWhenUrlWithOrWithoutTrailingSlashThenTheSameBaseAndDefaultTimeout(String url) {
    OrdersService.Pdp pdp = OrdersService.pdpFromEnvironment(env("ZT_PDP_URL", url)).orElseThrow();
    assertThat(pdp.base()).isEqualTo(URI.create("http://127.0.0.1:8181"));
    assertThat(pdp.timeout()).isEqualTo(Duration.ofMillis(2000));
  }

  @Test
  void pdpFromEnvironmentWhenHttpsOrLoopbackOrAPathThenAccepted() {
    assertThat(OrdersService.pdpFromEnvironment(env("ZT_PDP_URL", "https://opa.example/opa/")).orElseThrow().base())
        .isEqualTo(URI.create("https://opa.example/opa"));
    assertThat(OrdersService.pdpFromEnvironment(env("ZT_PDP_URL", "http://localhost:8181")).orElseThrow().base())
        .isEqualTo(URI.create("http://localhost:8181"));
    assertThat(OrdersService.pdpFromEnvironment(env("ZT_PDP_URL", "http://[::1]:8181")).orElseThrow().base())
        .isEqualTo(URI.create("http://[::1]:8181"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"opa:8181", "ftp://127.0.0.1", "http://", "http://u:p@127.0.0.1:8181",
      "http://127.0.0.1:8181?x=1", "http://127.0.0.1:8181#f", "http://127.0.0.1:0", "http://127.0.0.1:70000",
      "127.0.0.1:8181", "http://127.0.0.1 :8181", "/v1/data"})
  void pdpFromEnvironmentWhenUrlNotAnOpaBaseUrlThenRefusedNamingTheVariable(String url) {
    assertThatThrownBy(() -> OrdersService.pdpFromEnvironment(env("ZT_PDP_URL", url)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ZT_PDP_URL");
  }

  @Test
  void pdpFromEnvironmentWhenRemotePlainHttpThenRefusedUnlessAllowed() {
    assertThatThrownBy(() -> OrdersService.pdpFromEnvironment(env("ZT_PDP_URL", "http://opa.example:8181")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ZT_PDP_URL")
        .hasMessageContaining("ZT_ALLOW_PLAIN_HTTP=true");
    assertThat(OrdersService.pdpFromEnvironment(env("ZT_PDP_URL", "http://opa.example:8181",
        "ZT_ALLOW_PLAIN_HTTP", "true"))).isPresent();
  }

  @ParameterizedTest
  @ValueSource(strings = {"1", "250", "2000", "60000", " 500 "})
  void pdpFromEnvironmentWhenTimeoutGivenThenUsed(String ms) {
    assertThat(OrdersService.pdpFromEnvironment(env("ZT_PDP_URL", "http://127.0.0.1:8181", "ZT_PDP_TIMEOUT_MS", ms))
        .orElseThrow().timeout()).isEqualTo(Duration.ofMillis(Long.parseLong(ms.strip())));
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "-1", "60001", "2s", "PT2S", "1.5", "abc", "99999999999", "0x10"})
  void pdpFromEnvironmentWhenTimeoutInvalidThenRefusedNamingTheVariable(String ms) {
    assertThatThrownBy(() -> OrdersService.pdpFromEnvironment(env("ZT_PDP_URL", "http://127.0.0.1:8181",
        "ZT_PDP_TIMEOUT_MS", ms))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ZT_PDP_TIMEOUT_MS");
  }

  @Test
  void pdpFromEnvironmentWhenTimeoutWithoutUrlThenRefusedNamingBoth() {
    assertThatThrownBy(() -> OrdersService.pdpFromEnvironment(env("ZT_PDP_TIMEOUT_MS", "500")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ZT_PDP_TIMEOUT_MS")
        .hasMessageContaining("ZT_PDP_URL");
  }

  @ParameterizedTest
  @ValueSource(strings = {"http://127.0.0.1:8181/", "http://127.8.9.10:8181", "http://localhost:8181",
      "http://[::1]:8181", "http://[0:0:0:0:0:0:0:1]:8181", "https://opa.example/opa/"})
  void pdpWhenTheEnvironmentAcceptedTheUrlThenTheOpaBindingBuildsForOrderRead(String url) {
    OrdersService.Pdp pdp = OrdersService.pdpFromEnvironment(env("ZT_PDP_URL", url)).orElseThrow();
    dev.zt.core.authz.PdpBinding binding = OrdersSecurity.pdp(pdp, java.time.Clock.systemUTC());
    assertThat(binding.covers("order", "read")).isTrue();
    assertThat(binding.covers("order", "write")).isFalse();
    assertThat(binding.claims()).isEmpty();
    assertThat(binding.timeout()).isGreaterThan(pdp.timeout());
  }

  @Test
  void pdpWhenRemotePlainHttpAllowedThenTheOpaBindingBuilds() {
    OrdersService.Pdp pdp = OrdersService.pdpFromEnvironment(env("ZT_PDP_URL", "http://opa.internal:8181",
        "ZT_ALLOW_PLAIN_HTTP", "true")).orElseThrow();
    assertThat(OrdersSecurity.pdp(pdp, java.time.Clock.systemUTC()).covers("order", "read")).isTrue();
  }

  @Test
  void environmentWhenIssuerOrAudienceMissingThenRefusesToStart() {
    assertThatThrownBy(() -> OrdersService.jwtFromEnvironment(Map.of("ZT_AUDIENCE", "a")))
        .hasMessageContaining("ZT_ISSUER");
    assertThatThrownBy(() -> OrdersService.jwtFromEnvironment(Map.of("ZT_ISSUER", "https://idp.example")))
        .hasMessageContaining("ZT_AUDIENCE");
  }

  @Test
  void environmentWhenJwksUriAndLifetimeGivenThenUsesThem() {
    BearerJwt jwt = OrdersService.jwtFromEnvironment(Map.of("ZT_ISSUER", "https://idp.example",
        "ZT_AUDIENCE", "orders-api", "ZT_JWKS_URI", "https://idp.example/keys", "ZT_MAX_TOKEN_LIFETIME", "PT2H"));
    assertThat(jwt.jwksUri()).contains(URI.create("https://idp.example/keys"));
    assertThat(jwt.maxLifetime()).isEqualTo(Duration.ofHours(2));
    assertThat(OrdersService.jwtFromEnvironment(Map.of("ZT_ISSUER", "https://idp.example",
        "ZT_AUDIENCE", "orders-api", "ZT_MAX_TOKEN_LIFETIME", "7200")).maxLifetime()).isEqualTo(Duration.ofHours(2));
  }

  @Test
  void environmentWhenServerChosenThenServletByDefaultOrNetty() {
    assertThat(OrdersService.serverFromEnvironment(Map.of())).isEqualTo(OrdersService.ServerKind.SERVLET);
    assertThat(OrdersService.serverFromEnvironment(Map.of("ZT_SERVER", "servlet")))
        .isEqualTo(OrdersService.ServerKind.SERVLET);
    assertThat(OrdersService.serverFromEnvironment(Map.of("ZT_SERVER", "Netty")))
        .isEqualTo(OrdersService.ServerKind.NETTY);
    assertThatThrownBy(() -> OrdersService.serverFromEnvironment(Map.of("ZT_SERVER", "tomcat")))
        .hasMessageContaining("ZT_SERVER");
  }
}
