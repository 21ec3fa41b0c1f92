package dev.zt.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zt.core.credential.BearerJwt;
import dev.zt.core.internal.pipeline.AfterAllow;
import dev.zt.core.internal.pipeline.RequestState;
import dev.zt.core.internal.pipeline.Step;
import dev.zt.core.policy.Requirement;
import dev.zt.core.policy.RoutePolicy;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * The slot layout with DPoP on: DPoP's per-request slots are allocated after the trust and rate gates', so a bearer
 * request scored by both still writes no overflow array (what the slots promise the steady path).
 */
class SlotLayoutTests {

  private final Clock clock = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);

  @Test
  void enforceWhenPublicOriginAndABearerTokenScoredThenNoSlotSpillsOutOfTheState() throws Exception {
    ECKey key = new ECKeyGenerator(Curve.P_256).keyID("k").generate();
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID("k")
        .type(new JOSEObjectType("at+jwt")).build(), new JWTClaimsSet.Builder().issuer("https://issuer.test")
        .audience("api").subject("u").claim("scope", "orders:read").issueTime(Date.from(clock.instant()))
        .expirationTime(Date.from(clock.instant().plusSeconds(300))).build());
    jwt.sign(new ECDSASigner(key));
    AtomicBoolean inline = new AtomicBoolean();
    JWK published = key.toPublicJWK();
    Enforcer e = Enforcer.builder()
        .bearerJwt(BearerJwt.issuer("https://issuer.test").audience("api")
            .keySource((selector, context) -> selector.select(new com.nimbusds.jose.jwk.JWKSet(published))).build())
        .routes(RoutePolicy.builder().get("/orders", Requirement.allScopes("orders:read")).build())
        .publicOrigin(URI.create("https://orders.example.com"))
        .detection(dev.zt.core.detect.Detection.off()) // the inspection gate's field count is a slot of its own
        .clock(clock)
        .testingAfterAllow(new AfterAllow() {
          @Override
          public String name() {
            return "layout";
          }

          @Override
          public Step evaluate(RequestState state) {
            boolean spilled = !state.slotsInline(); // first: building the trust breakdown writes a slot of its own
            inline.set(!spilled && state.trust().isPresent());
            return Step.proceed();
          }
        })
        .build();

    Decision d = e.enforce(RequestContext.builder("GET", "/orders").arrival(clock.instant())
        .headers(name -> name.equalsIgnoreCase("Authorization") ? List.of("Bearer " + jwt.serialize()) : List.of())
        .build()).toCompletableFuture().join();

    assertThat(d.allowed()).isTrue();
    assertThat(inline).as("scored, and every slot written inline").isTrue();
  }
}
