package dev.zt.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zt.core.credential.BearerJwt;
import dev.zt.core.policy.Requirement;
import dev.zt.core.policy.RoutePolicy;
import com.nimbusds.jose.util.JSONObjectUtils;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** RFC 9728 protected resource metadata: served from the configuration, only with a public origin. */
class ResourceMetadataTests {

  private static BearerJwt issuer(String iss) {
    return BearerJwt.issuer(iss).audience("orders-api").keySource((selector, context) -> List.of()).build();
  }

  private static Enforcer enforcer(String origin, RoutePolicy routes) {
    Enforcer.Builder b = Enforcer.builder().bearerJwt(issuer("https://idp-a.example"))
        .bearerJwt(issuer("https://idp-b.example/realms/b")).routes(routes);
    if (origin != null) {
      b.publicOrigin(URI.create(origin));
    }
    return b.build();
  }

  private static final RoutePolicy ROUTES = RoutePolicy.builder()
      .get("/orders", Requirement.allScopes("orders:read"))
      .post("/orders", Requirement.anyScope("orders:write", "orders:admin").and(Requirement.senderConstrained()))
      .get("/health", Requirement.permitAll())
      .build();

  private static Decision get(Enforcer e, String method, String path) {
    return e.enforce(RequestContext.builder(method, path).build()).toCompletableFuture().join();
  }

  @Test
  void enforceWhenMetadataRequestedThenAnsweredWithTheConfiguration() throws Exception {
    Decision d = get(enforcer("https://orders.example.com", ROUTES), "GET", "/.well-known/oauth-protected-resource");

    assertThat(d).isInstanceOf(Decision.Answer.class);
    assertThat(d.allowed()).isFalse();
    WireResponse r = ((Decision.Answer) d).response();
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.headers()).containsEntry("Content-Type", "application/json").containsEntry("Cache-Control",
        "max-age=300");
    Map<String, Object> doc = JSONObjectUtils.parse(r.body());
    assertThat(doc).containsExactly(
        Map.entry("resource", "https://orders.example.com"),
        Map.entry("authorization_servers", List.of("https://idp-a.example", "https://idp-b.example/realms/b")),
        Map.entry("scopes_supported", List.of("orders:read", "orders:write", "orders:admin")),
        Map.entry("bearer_methods_supported", List.of("header")),
        Map.entry("dpop_signing_alg_values_supported", List.of("ES256", "ES384", "RS256", "PS256", "EdDSA")));
    assertThat(d.rule()).isEqualTo("oauth-protected-resource");
  }

  @Test
  void enforceWhenAMultiTenantIssuerThenEachAllowedTenantsIssuerListedAndNeverTheTemplate() throws Exception {
    String template = "https://login.example.com/{tenantid}/v2.0";
    Enforcer listed = Enforcer.builder().bearerJwt(BearerJwt.multiTenant(template).tenants("t-2", "t-1")
        .audience("orders-api").keySource((selector, context) -> List.of()).build())
        .publicOrigin(URI.create("https://orders.example.com")).routes(ROUTES).build();
    Enforcer any = Enforcer.builder().bearerJwt(issuer("https://idp-a.example"))
        .bearerJwt(BearerJwt.multiTenant(template).unsafeAnyTenant()
        .audience("orders-api").keySource((selector, context) -> List.of()).build())
        .publicOrigin(URI.create("https://orders.example.com")).routes(ROUTES).build();

    Map<String, Object> doc = JSONObjectUtils.parse(((Decision.Answer) get(listed, "GET",
        "/.well-known/oauth-protected-resource")).response().body());
    Map<String, Object> anyDoc = JSONObjectUtils.parse(((Decision.Answer) get(any, "GET",
        "/.well-known/oauth-protected-resource")).response().body());

    assertThat(doc).containsEntry("authorization_servers",
        List.of("https://login.example.com/t-1/v2.0", "https://login.example.com/t-2/v2.0"));
    assertThat(anyDoc).containsEntry("authorization_servers", List.of("https://idp-a.example"));
  }

  @Test
  void enforceWhenOriginHasAPathThenServedAtThePathInsertedFormWithTheResourceAsGiven() throws Exception {
    Enforcer e = enforcer("https://API.example.com:443/orders-service", ROUTES);

    Decision inserted = get(e, "GET", "/.well-known/oauth-protected-resource/orders-service");
    Decision stripped = get(e, "HEAD", "/.well-known/oauth-protected-resource");

    assertThat(inserted).isInstanceOf(Decision.Answer.class);
    assertThat(stripped).isInstanceOf(Decision.Answer.class);
    assertThat(JSONObjectUtils.parse(((Decision.Answer) inserted).response().body()))
        .containsEntry("resource", "https://API.example.com:443/orders-service");
    Decision.Deny deny = (Decision.Deny) get(e, "GET", "/orders");
    assertThat(e.respond(deny).headers().get("WWW-Authenticate")).contains(
        "resource_metadata=\"https://api.example.com/.well-known/oauth-protected-resource/orders-service\"");
  }

  @Test
  void enforceWhenEveryProtectedRouteRequiresSenderConstraintThenDpopBoundTokensRequired() throws Exception {
    RoutePolicy bound = RoutePolicy.builder()
        .get("/orders", Requirement.allScopes("orders:read").and(Requirement.senderConstrained()))
        .get("/health", Requirement.permitAll())
        .build();
    Decision d = get(enforcer("https://orders.example.com", bound), "GET", "/.well-known/oauth-protected-resource");

    assertThat(JSONObjectUtils.parse(((Decision.Answer) d).response().body()))
        .containsEntry("dpop_bound_access_tokens_required", true);
  }

  @ParameterizedTest
  @ValueSource(strings = {"POST", "PUT", "OPTIONS"})
  void enforceWhenNotGetOrHeadThenNotServed(String method) {
    Decision d = get(enforcer("https://orders.example.com", ROUTES), method, "/.well-known/oauth-protected-resource");
    assertThat(d).isInstanceOf(Decision.Deny.class);
  }

  @Test
  void enforceWhenAnotherPathUnderWellKnownThenNotServed() {
    Decision d = get(enforcer("https://orders.example.com", ROUTES), "GET",
        "/.well-known/oauth-protected-resource/other");
    assertThat(d).isInstanceOf(Decision.Deny.class);
  }

  @Test
  void enforceWhenNoPublicOriginThenNoMetadataAndNoResourceMetadataParameter() {
    Enforcer e = enforcer(null, ROUTES);
    Decision d = get(e, "GET", "/.well-known/oauth-protected-resource");

    assertThat(d).isInstanceOf(Decision.Deny.class);
    Decision.Deny deny = (Decision.Deny) get(e, "GET", "/orders");
    assertThat(e.respond(deny).headers().get("WWW-Authenticate")).isEqualTo("Bearer realm=\"zt\"");
  }
}
