package dev.zt.testkit.it.core;

import static dev.zt.testkit.ZtAssertions.assertThatDecision;
import static dev.zt.testkit.ZtAssertions.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.zt.core.Caller;
import dev.zt.core.Decision;
import dev.zt.core.DenyReason;
import dev.zt.core.Enforcer;
import dev.zt.core.credential.BearerJwt;
import dev.zt.core.internal.pipeline.CoreAccess;
import dev.zt.testkit.TestClock;
import dev.zt.testkit.TestIssuer;
import dev.zt.testkit.TestRequest;
import dev.zt.testkit.TokenBuilder;
import dev.zt.testkit.ZtExtension;
import io.opentelemetry.api.OpenTelemetry;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A multi-tenant issuer whose tenants share one key source (Entra's {@code …/{tenantid}/v2.0}): a token is accepted
 * only when its {@code iss} is the template around its own {@code tid} and that tenant is allowed; never by a wildcard.
 * The testkit issuer's keys stand in for the shared JWKS.
 */
@ExtendWith(ZtExtension.class)
class MultiTenantIssuerTests {

  static final String TEMPLATE = "https://login.example.com/{tenantid}/v2.0";
  static final String A = "0b1c2d3e-0000-4000-8000-00000000000a";
  static final String B = "0b1c2d3e-0000-4000-8000-00000000000b";
  static final String C = "0b1c2d3e-0000-4000-8000-00000000000c";

  TestIssuer issuer;
  TestClock clock;

  @BeforeEach
  void setUp(TestIssuer issuer, TestClock clock) {
    this.issuer = issuer;
    this.clock = clock;
  }

  private static String issuerOf(String tid) {
    return TEMPLATE.replace("{tenantid}", tid);
  }

  private BearerJwt.Builder multiTenant() {
    return BearerJwt.multiTenant(TEMPLATE).jwksUri(issuer.jwksUri()).audience(TestIssuer.defaultAudience());
  }

  private Enforcer enforcer(UnaryOperator<BearerJwt.Builder> options) {
    return Enforcer.builder().bearerJwt(options.apply(multiTenant()).build()).routes(Fixtures.routes()).clock(clock)
        .openTelemetry(OpenTelemetry.noop()).build();
  }

  private Enforcer tenantsAB() {
    return enforcer(b -> b.tenants(A, B));
  }

  private TokenBuilder token(String iss, String tid) {
    TokenBuilder t = issuer.token().issuer(iss).scope("orders:read");
    return tid == null ? t : t.claim("tid", tid);
  }

  private static Decision get(Enforcer e, String token) {
    return await(e.enforce(TestRequest.get("/orders").bearer(token).build()));
  }

  @Test
  void enforceWhenIssOfTheTokensOwnAllowedTenantThenAllowsWithTheTenantsIssuer() {
    Decision d = get(tenantsAB(), token(issuerOf(A), A).build());
    assertThatDecision(d).isAllowed();
    assertThat(((Decision.Allow) d).caller().token().orElseThrow().issuer()).isEqualTo(issuerOf(A));
  }

  @Test
  void enforceWhenTidNamesAnotherTenantThanIssThenDeniesIssuerMismatch() {
    assertThatDecision(get(tenantsAB(), token(issuerOf(A), B).build()))
        .isDeniedWith(DenyReason.TOKEN_ISSUER_MISMATCH).hasStatus(401);
    assertThatDecision(get(tenantsAB(), token(issuerOf(B), A).build()))
        .isDeniedWith(DenyReason.TOKEN_ISSUER_MISMATCH);
  }

  @Test
  void enforceWhenTenantNotAllowedThenDeniesIssuerMismatch() {
    assertThatDecision(get(tenantsAB(), token(issuerOf(C), C).build()))
        .isDeniedWith(DenyReason.TOKEN_ISSUER_MISMATCH).hasStatus(401);
  }

  @Test
  void enforceWhenAllowedTenantsTokenClaimsAnUnlistedTenantsTidThenDenies() {
    assertThatDecision(get(tenantsAB(), token(issuerOf(A), C).build()))
        .isDeniedWith(DenyReason.TOKEN_ISSUER_MISMATCH);
  }

  @Test
  void enforceWhenTidMissingThenDeniesInvalidClaim() {
    assertThatDecision(get(tenantsAB(), token(issuerOf(A), null).build()))
        .isDeniedWith(DenyReason.TOKEN_CLAIM_INVALID).hasStatus(401);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "..", "a/b", "a?b", "a%2Fb", "a b", "{tenantid}"})
  void enforceWhenTidIsNotATenantIdThenDeniesInvalidClaim(String tid) {
    assertThatDecision(get(enforcer(BearerJwt.Builder::unsafeAnyTenant), token(issuerOf(tid), tid).build()))
        .isDeniedWith(DenyReason.TOKEN_CLAIM_INVALID);
  }

  @Test
  void enforceWhenTidIsNotAStringThenDeniesInvalidClaim() {
    assertThatDecision(get(tenantsAB(), issuer.token().issuer(issuerOf(A)).claim("tid", 7).scope("orders:read")
        .build())).isDeniedWith(DenyReason.TOKEN_CLAIM_INVALID);
  }

  @ParameterizedTest
  @ValueSource(strings = {TEMPLATE, "https://login.example.com/" + A + "/v2.0/", "https://login.example.com/" + A
      + "/v2.0x", "https://login.example.com/" + A + "/" + A + "/v2.0", "http://login.example.com/" + A + "/v2.0",
      "https://LOGIN.example.com/" + A + "/v2.0"})
  void enforceWhenIssIsNotExactlyTheTemplateAroundTheTidThenDenies(String iss) {
    assertThatDecision(get(tenantsAB(), token(iss, A).build())).isDeniedWith(DenyReason.TOKEN_ISSUER_MISMATCH);
    assertThatDecision(get(enforcer(BearerJwt.Builder::unsafeAnyTenant), token(iss, A).build()))
        .isDeniedWith(DenyReason.TOKEN_ISSUER_MISMATCH);
  }

  @Test
  void enforceWhenAnyTenantAllowedByNameThenEveryTenantsOwnTokenAllowedAndMismatchStillDenied() {
    Enforcer any = enforcer(BearerJwt.Builder::unsafeAnyTenant);
    assertThatDecision(get(any, token(issuerOf(C), C).build())).isAllowed();
    assertThatDecision(get(any, token(issuerOf(C), A).build())).isDeniedWith(DenyReason.TOKEN_ISSUER_MISMATCH);
  }

  @Test
  void enforceWhenSameSubjectInTwoTenantsThenTwoIdentities() {
    Enforcer e = tenantsAB();
    Caller inA = ((Decision.Allow) get(e, token(issuerOf(A), A).subject("alice").build())).caller();
    Caller inB = ((Decision.Allow) get(e, token(issuerOf(B), B).subject("alice").build())).caller();
    assertThat(CoreAccess.callers().identityKey(inA)).isEqualTo("sub:alice iss:" + issuerOf(A));
    assertThat(CoreAccess.callers().identityKey(inB)).isEqualTo("sub:alice iss:" + issuerOf(B));
  }

  @Test
  void enforceWhenBesideAnExactIssuerThenEachTokenGoesToItsOwnIssuer() {
    Enforcer e = Enforcer.builder().bearerJwt(issuer.bearerJwt().build()).bearerJwt(multiTenant().tenants(A).build())
        .routes(Fixtures.routes()).clock(clock).openTelemetry(OpenTelemetry.noop()).build();
    assertThatDecision(get(e, issuer.token().scope("orders:read").build())).isAllowed();
    assertThatDecision(get(e, token(issuerOf(A), A).build())).isAllowed();
    assertThatDecision(get(e, token(issuerOf(B), B).build())).isDeniedWith(DenyReason.TOKEN_ISSUER_MISMATCH);
    // the exact issuer's token does not become a tenant's by carrying a tid
    assertThatDecision(get(e, issuer.token().claim("tid", A).scope("orders:read").build())).isAllowed();
  }

  @Test
  void buildWhenExactIssuerIsAlsoAnAllowedTenantsIssuerThenThrows() {
    assertThatThrownBy(() -> Enforcer.builder().bearerJwt(BearerJwt.issuer(issuerOf(A))
            .jwksUri(issuer.jwksUri()).audience("api").build())
        .bearerJwt(multiTenant().tenants(A).build()).routes(Fixtures.routes()).build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("exactly one issuer");
    assertThatThrownBy(() -> Enforcer.builder().bearerJwt(multiTenant().unsafeAnyTenant().build())
        .bearerJwt(BearerJwt.issuer(issuerOf(A)).jwksUri(issuer.jwksUri()).audience("api").build())
        .routes(Fixtures.routes()).build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("exactly one issuer");
  }

  @Test
  void buildWhenMultiTenantMisconfiguredThenThrows() {
    assertThatThrownBy(() -> BearerJwt.multiTenant("https://login.example.com/common/v2.0"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> BearerJwt.multiTenant("https://{tenantid}.example.com/{tenantid}"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> multiTenant().build()).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("tenants");
    assertThatThrownBy(() -> multiTenant().tenants(A).unsafeAnyTenant().build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("contradict");
    assertThatThrownBy(() -> BearerJwt.multiTenant(TEMPLATE).audience("api").tenants(A).build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("jwksUri");
    assertThatThrownBy(() -> issuer.bearerJwt().tenants(A).build()).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> issuer.bearerJwt().unsafeAnyTenant().build()).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> multiTenant().tenants("a/b")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> multiTenant().tenants(A).tenants(B)).isInstanceOf(IllegalStateException.class);
  }
}
