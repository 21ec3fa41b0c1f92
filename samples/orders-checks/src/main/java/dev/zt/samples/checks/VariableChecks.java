package dev.zt.samples.checks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zt.testkit.TestIssuer;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The standalone variables every orders sample takes, with the same meanings, defaults and start-up errors:
 * {@code ZT_ISSUER}, {@code ZT_AUDIENCE} (both required), {@code ZT_JWKS_URI} (else discovery),
 * {@code ZT_MAX_TOKEN_LIFETIME} (ISO-8601 or seconds; default 1 h), {@code ZT_ACCESS_TOKEN_TYPE} ({@code at+jwt}),
 * {@code ZT_ALGORITHMS} (a subset of zt's defaults), {@code ZT_ROLES_CLAIM} (a dotted path) and {@code PORT}. A
 * missing or bad value stops the start with exit status 2 and a message naming the variable: a misspelt setting never
 * silently weakens, or drops, a check. Each variable's effect is seen over HTTP only.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class VariableChecks {

  /**
   * What {@code GET /orders/1001} answers once zt allowed it: the application's 404 (order ids are 128-bit random, no
   * order is called 1001). zt itself never answers 404, so this status means "zt let the request through".
   */
  private static final int REACHED = 404;

  private TestIssuer issuer;
  private OrdersTarget.Running defaults;

  /** How to start the service under test. */
  protected abstract OrdersTarget target();

  @BeforeAll
  void start() throws Exception {
    issuer = TestIssuer.builder().audience("orders-api").start(); // RS256, typ at+jwt, roles in "roles"
    defaults = target().start(env());
  }

  @AfterAll
  void stop() throws Exception {
    if (defaults != null) {
      defaults.close();
    }
    issuer.close();
  }

  private Map<String, String> env(String... pairs) {
    Map<String, String> env = new HashMap<>(Map.of("ZT_ISSUER", issuer.issuer(), "ZT_AUDIENCE", "orders-api",
        "PORT", "0"));
    for (int i = 0; i < pairs.length; i += 2) {
      if (pairs[i + 1] == null) {
        env.remove(pairs[i]);
      } else {
        env.put(pairs[i], pairs[i + 1]);
      }
    }
    return env;
  }

  private static int get(OrdersTarget.Running service, String path, String token) throws Exception {
    return Http.send("GET", service.uri(path), token).statusCode();
  }

  @Test
  void startWhenIssuerOrAudienceMissingThenExitStatus2NamingTheVariable() throws Exception {
    for (String name : List.of("ZT_ISSUER", "ZT_AUDIENCE")) {
      for (String value : new String[] {null, " "}) {
        OrdersTarget.Refusal refusal = target().refuse(env(name, value));
        assertThat(refusal.status()).as(name + "=" + value).isEqualTo(2);
        assertThat(refusal.message()).as(name + "=" + value).contains(name + " is required");
      }
    }
  }

  @Test
  void startWhenAValueIsNotUnderstoodThenExitStatus2NamingTheVariable() throws Exception {
    Map<String, String> bad = new LinkedHashMap<>();
    bad.put("ZT_JWKS_URI", "https://idp.example/keys with space");
    bad.put("ZT_MAX_TOKEN_LIFETIME", "soon");
    bad.put("ZT_MAX_TOKEN_LIFETIME ", "PT1Z"); // an ISO-8601 look-alike (the key's blank keeps the map's keys apart)
    bad.put("ZT_ACCESS_TOKEN_TYPE", "jwt");
    bad.put("ZT_ALGORITHMS", "HS256");
    bad.put("ZT_ALGORITHMS ", "RS256,RS256");
    bad.put("ZT_ROLES_CLAIM", "realm_access..roles");
    bad.put("PORT", "http");
    bad.put("PORT ", "70000");
    SoftAssertions soft = new SoftAssertions();
    for (Map.Entry<String, String> e : bad.entrySet()) {
      String name = e.getKey().strip();
      OrdersTarget.Refusal refusal = target().refuse(env(name, e.getValue()));
      soft.assertThat(refusal.status()).as(name + "=" + e.getValue()).isEqualTo(2);
      soft.assertThat(refusal.message()).as(name + "=" + e.getValue()).contains(name);
    }
    OrdersTarget.Refusal plain = target().refuse(env("ZT_ISSUER", "http://idp.example"));
    soft.assertThat(plain.status()).as("a plain-http issuer off loopback").isEqualTo(2);
    soft.assertThat(plain.message()).contains("ZT_ISSUER").contains("plain http");
    soft.assertAll();
  }

  @Test
  void accessTokenTypeWhenAtJwtThenTypJwtAndUntypedTokensRefusedAndAtJwtAllowed() throws Exception {
    String typedJwt = issuer.token().scope("orders:read").header("typ", "JWT").build();
    String untyped = issuer.token().scope("orders:read").withoutHeader("typ").build();
    String accessToken = issuer.token().scope("orders:read").build(); // typ: at+jwt

    try (OrdersTarget.Running service = target().start(env("ZT_ACCESS_TOKEN_TYPE", "at+jwt"))) {
      assertThat(get(service, "/orders/1001", typedJwt)).isEqualTo(401);
      assertThat(get(service, "/orders/1001", untyped)).isEqualTo(401);
      assertThat(get(service, "/orders/1001", accessToken)).isEqualTo(REACHED);
    }
    assertThat(get(defaults, "/orders/1001", typedJwt)).as("without the setting").isEqualTo(REACHED);
  }

  @Test
  void rolesClaimWhenRealmAccessRolesThenThatAdminReachesStatsAndReadsOthersOrdersAndTopLevelRolesDoNot()
      throws Exception {
    String keycloakAdmin = issuer.token().subject("kc-admin").scope("orders:read")
        .claim("realm_access", Map.of("roles", List.of("admin"))).build();
    String topLevelAdmin = issuer.token().subject("tl-admin").scope("orders:read").roles("admin").build();

    try (OrdersTarget.Running service = target().start(env("ZT_ROLES_CLAIM", "realm_access.roles"))) {
      HttpResponse<String> created = Http.send("POST", service.uri("/orders"),
          issuer.token().subject("alice").scope("orders:write").build());
      String location = created.headers().firstValue("Location").orElseThrow();

      assertThat(get(service, "/admin/stats", keycloakAdmin)).isEqualTo(200);
      assertThat(get(service, "/admin/stats", topLevelAdmin)).as("roles only from the configured claim")
          .isEqualTo(403);
      assertThat(get(service, location, keycloakAdmin)).isEqualTo(200);
      assertThat(Http.send("GET", service.uri("/orders"), keycloakAdmin).body())
          .contains(location.substring("/orders/".length()));
      assertThat(get(service, location, topLevelAdmin)).as("roles only from the configured claim").isEqualTo(403);
    }
    assertThat(get(defaults, "/admin/stats", keycloakAdmin)).as("without the setting").isEqualTo(403);
    assertThat(get(defaults, "/admin/stats", topLevelAdmin)).as("the default claim: roles").isEqualTo(200);
  }

  @Test
  void algorithmsWhenIssuersAlgorithmNotListedThenItsTokensRefused() throws Exception {
    String rs256 = issuer.token().scope("orders:read").build();

    try (OrdersTarget.Running service = target().start(env("ZT_ALGORITHMS", "ES256,EdDSA"))) {
      assertThat(get(service, "/orders/1001", rs256)).isEqualTo(401);
    }
    assertThat(get(defaults, "/orders/1001", rs256)).as("RS256 is one of the defaults").isEqualTo(REACHED);
  }

  @Test
  void jwksUriAndMaxTokenLifetimeWhenSetThenKeysFromThereAndLongerTokensAccepted() throws Exception {
    try (TestIssuer other = TestIssuer.builder().audience("orders-api").start()) {
      String ninetyMinutes = issuer.token().scope("orders:read").expiresIn(Duration.ofMinutes(90)).build();
      String threeHours = issuer.token().scope("orders:read").expiresIn(Duration.ofHours(3)).build();

      try (OrdersTarget.Running service = target().start(env("ZT_JWKS_URI", issuer.jwksUri().toString(),
          "ZT_MAX_TOKEN_LIFETIME", "PT2H"))) {
        assertThat(get(service, "/orders/1001", ninetyMinutes)).isEqualTo(REACHED);
        assertThat(get(service, "/orders/1001", threeHours)).isEqualTo(401);
      }
      try (OrdersTarget.Running service = target().start(env("ZT_JWKS_URI", other.jwksUri().toString(),
          "ZT_MAX_TOKEN_LIFETIME", "7200"))) {
        assertThat(get(service, "/orders/1001", ninetyMinutes)).as("keys only from ZT_JWKS_URI").isEqualTo(401);
        assertThat(get(service, "/orders/1001", other.token().issuer(issuer.issuer()).scope("orders:read")
            .expiresIn(Duration.ofMinutes(90)).build())).as("signed by the keys there, 7200 s allowed")
            .isEqualTo(REACHED);
      }
      assertThat(get(defaults, "/orders/1001", ninetyMinutes)).as("the default lifetime: 1 h").isEqualTo(401);
      assertThat(get(defaults, "/orders/1001", issuer.token().scope("orders:read").build())).isEqualTo(REACHED);
    }
  }
}
