package dev.zt.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.zt.core.credential.BearerJwt;
import dev.zt.core.policy.Requirement;
import dev.zt.core.policy.RoutePolicy;
import io.opentelemetry.api.OpenTelemetry;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The plain allow of a cached token is one shared value per caller and rule (issue 19: no decision object per
 * request), and sharing it changes no answer: each rule's allow names its rule, no holder can change what another
 * sees, and every allow is still audited.
 */
class AllowedStageTests {

  private final Clock clock = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
  private final List<Decision> audited = new ArrayList<>();
  private Enforcer enforcer;
  private String alice;
  private String bob;

  @BeforeEach
  void setUp() throws Exception {
    ECKey key = new ECKeyGenerator(Curve.P_256).keyID("k").generate();
    alice = "Bearer " + token(key, "alice");
    bob = "Bearer " + token(key, "bob");
    JWK published = key.toPublicJWK();
    enforcer = Enforcer.builder()
        .bearerJwt(BearerJwt.issuer("https://issuer.test").audience("api")
            .keySource((selector, context) -> selector.select(new JWKSet(published))).build())
        .routes(RoutePolicy.builder().get("/orders", Requirement.allScopes("orders:read"))
            .get("/items", Requirement.authenticated()).get("/status", Requirement.permitAll()).build())
        .openTelemetry(OpenTelemetry.noop())
        .auditListener((request, decision, detail) -> audited.add(decision))
        .clock(clock)
        .build();
  }

  private String token(ECKey key, String subject) throws Exception {
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID("k")
        .type(new JOSEObjectType("at+jwt")).build(), new JWTClaimsSet.Builder().issuer("https://issuer.test")
        .audience("api").subject(subject).claim("scope", "orders:read").issueTime(Date.from(clock.instant()))
        .expirationTime(Date.from(clock.instant().plusSeconds(300))).build());
    jwt.sign(new ECDSASigner(key));
    return jwt.serialize();
  }

  private CompletionStage<Decision> enforce(String path, String authorization) {
    List<String> values = authorization == null ? List.of() : List.of(new String(authorization.toCharArray()));
    return enforcer.enforce(RequestContext.builder("GET", path).arrival(clock.instant())
        .headers(name -> name.equalsIgnoreCase("Authorization") ? values : List.of()).build());
  }

  @Test
  void enforceWhenOneCallerIsAllowedAgainUnderTheSameRuleThenTheAllowAndItsStageAreShared() {
    enforce("/orders", alice); // validates the token
    CompletionStage<Decision> first = enforce("/orders", alice);
    CompletionStage<Decision> second = enforce("/orders", alice);

    assertThat(second).isSameAs(first);
    assertThat(second.toCompletableFuture().join()).isSameAs(first.toCompletableFuture().join());
    assertThat(audited).hasSize(3).allSatisfy(d -> assertThat(d).isEqualTo(audited.get(0)));
  }

  @Test
  void enforceWhenOneCallerAlternatesRulesThenEachAllowNamesItsOwnRule() {
    for (int i = 0; i < 3; i++) {
      Decision orders = enforce("/orders", alice).toCompletableFuture().join();
      Decision items = enforce("/items", alice).toCompletableFuture().join();

      assertThat(orders).isInstanceOf(Decision.Allow.class);
      assertThat(orders.rule()).isEqualTo(enforcer.routes().routes().get(0).id());
      assertThat(items.rule()).isEqualTo(enforcer.routes().routes().get(1).id());
    }
  }

  @Test
  void enforceWhenTwoCallersUnderOneRuleThenEachAllowNamesItsOwnCaller() {
    Decision.Allow a = (Decision.Allow) enforce("/orders", alice).toCompletableFuture().join();
    Decision.Allow b = (Decision.Allow) enforce("/orders", bob).toCompletableFuture().join();
    Decision.Allow a2 = (Decision.Allow) enforce("/orders", alice).toCompletableFuture().join();

    assertThat(a.caller().subject()).contains("alice");
    assertThat(b.caller().subject()).contains("bob");
    assertThat(a2.caller().subject()).contains("alice");
  }

  @Test
  void obtrudeWhenTheStageIsSharedThenRefusedAndEveryHolderStillSeesTheAllow() {
    enforce("/orders", alice);
    CompletableFuture<Decision> shared = enforce("/orders", alice).toCompletableFuture();
    Decision allow = shared.join();

    assertThatThrownBy(() -> shared.obtrudeValue(null)).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> shared.obtrudeException(new IllegalStateException()))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThat(shared.complete(null)).isFalse();
    assertThat(shared.completeExceptionally(new IllegalStateException())).isFalse();
    assertThat(shared.cancel(true)).isFalse();
    assertThat(enforce("/orders", alice).toCompletableFuture().join()).isSameAs(allow);
  }

  @Test
  void enforceWhenAnonymousOnAPublicRouteThenAllowedWithAStageOfItsOwn() {
    CompletionStage<Decision> first = enforce("/status", null);
    CompletionStage<Decision> second = enforce("/status", null);

    assertThat(first.toCompletableFuture().join().allowed()).isTrue();
    assertThat(second).isNotSameAs(first);
    assertThat(second.toCompletableFuture().join()).isEqualTo(first.toCompletableFuture().join());
  }
}
