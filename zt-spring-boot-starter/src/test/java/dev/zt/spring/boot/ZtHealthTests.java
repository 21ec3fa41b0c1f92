package dev.zt.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zt.core.Decision;
import dev.zt.core.Enforcer;
import dev.zt.core.authz.Condition;
import dev.zt.core.authz.ObjectPolicy;
import dev.zt.core.authz.PdpBinding;
import dev.zt.core.authz.PdpDecision;
import dev.zt.core.authz.PdpInput;
import dev.zt.core.authz.PolicyDecisionPoint;
import dev.zt.core.authz.Resource;
import dev.zt.core.RequestContext;
import dev.zt.core.credential.BearerJwt;
import dev.zt.core.credential.KeySourceHealth;
import dev.zt.core.policy.RoutePolicy;
import dev.zt.core.policy.Requirement;
import dev.zt.redis.RedisHealth;
import dev.zt.testkit.TestIssuer;
import dev.zt.testkit.TestRequest;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** zt's health from its parts: key sources and PDPs (of real enforcers), Redis, and the aggregate. */
class ZtHealthTests {

  private static final Instant T = Instant.parse("2026-01-01T00:00:00Z");

  @Test
  void keySourcesWhenNotFetchedYetThenUpAndFetchedAfterTheFirstToken() throws Exception {
    try (TestIssuer issuer = TestIssuer.start()) {
      Enforcer enforcer = enforcer(issuer.issuer());
      KeySourcesHealthPart part = new KeySourcesHealthPart(enforcer::keySources);

      assertThat(part.check().level()).isEqualTo(HealthPart.Level.UP);
      assertThat(part.check().details()).containsEntry(issuer.issuer(), Map.of("status", "not fetched yet"));

      enforce(enforcer, issuer.token().audience("health-api").build());

      assertThat(part.check().level()).isEqualTo(HealthPart.Level.UP);
      assertThat(enforcer.keySources()).singleElement()
          .satisfies(k -> assertThat(k.lastFetched()).isPresent())
          .satisfies(k -> assertThat(k.failing()).isFalse());
    }
  }

  @Test
  void keySourcesWhenIssuerNeverReachableThenDown() throws Exception {
    String issuerUrl;
    String token;
    try (TestIssuer issuer = TestIssuer.start()) {
      issuerUrl = issuer.issuer();
      token = issuer.token().audience("health-api").build();
    } // closed: nothing answers at its address any more
    Enforcer enforcer = enforcer(issuerUrl);

    enforce(enforcer, token);

    HealthPart.Check c = new KeySourcesHealthPart(enforcer::keySources).check();
    assertThat(c.level()).isEqualTo(HealthPart.Level.DOWN);
    assertThat(c.details().get(issuerUrl).toString()).contains("unavailable", "lastFailed");
  }

  @Test
  void keySourcesWhenLastFetchFailedAfterASuccessThenDegraded() {
    KeySourceHealth k = new KeySourceHealth("https://issuer.example", Optional.of(T), Optional.of(T.plusSeconds(60)));

    assertThat(new KeySourcesHealthPart(() -> List.of(k)).check().level()).isEqualTo(HealthPart.Level.DEGRADED);
  }

  @Test
  void keySourcesWhenFetchSucceededAfterAFailureThenUp() {
    KeySourceHealth k = new KeySourceHealth("https://issuer.example", Optional.of(T.plusSeconds(60)), Optional.of(T));

    assertThat(new KeySourcesHealthPart(() -> List.of(k)).check().level()).isEqualTo(HealthPart.Level.UP);
  }

  @Test
  void keySourcesWhenIssuerHasUserInfoThenNotShown() {
    assertThat(KeySourcesHealthPart.safe("https://user:secret@issuer.example/realms/a?x=1"))
        .isEqualTo("https://issuer.example/realms/a");
    assertThat(KeySourcesHealthPart.safe("https://issuer.example/realms/a")).isEqualTo("https://issuer.example/realms/a");
  }

  @Test
  void pdpsWhenAnsweringThenUpAndWhenLastCallUnavailableThenDegraded() throws Exception {
    java.util.concurrent.atomic.AtomicReference<PdpDecision> next =
        new java.util.concurrent.atomic.AtomicReference<>(new PdpDecision.Allow(Optional.empty(), Optional.empty()));
    PolicyDecisionPoint pdp = new PolicyDecisionPoint() {
      @Override
      public java.util.concurrent.CompletionStage<PdpDecision> decide(PdpInput input) {
        return java.util.concurrent.CompletableFuture.completedFuture(next.get());
      }

      @Override
      public String name() {
        return "authzen:user:secret@pdp.example";
      }
    };
    try (TestIssuer issuer = TestIssuer.start()) {
      Enforcer enforcer = Enforcer.builder()
          .bearerJwt(BearerJwt.issuer(issuer.issuer()).audience("health-api").build())
          .routes(RoutePolicy.builder().get("/x", Requirement.authenticated()).build())
          .objects(ObjectPolicy.builder().permit("all", "order", java.util.Set.of("read"), Condition.always()).build())
          .pdp(PdpBinding.to(pdp).resourceTypes("order").actions("read").build())
          .build();
      PdpHealthPart part = new PdpHealthPart(enforcer::pdps);
      assertThat(part.check().details()).containsEntry("authzen:pdp.example", Map.of("status", "not asked yet"));

      check(enforcer, issuer.token().audience("health-api").build());
      assertThat(part.check().level()).isEqualTo(HealthPart.Level.UP);

      next.set(new PdpDecision.Unavailable("down", java.time.Duration.ofSeconds(5)));
      check(enforcer, issuer.token().audience("health-api").build());

      HealthPart.Check c = part.check();
      assertThat(c.level()).isEqualTo(HealthPart.Level.DEGRADED);
      assertThat(c.details().toString()).contains("unavailable").doesNotContain("secret");
    }
  }

  @Test
  void redisWhenInStepThenUpElseDegradedWithReason() {
    RedisHealth inStep = new RedisHealth(RedisHealth.Status.IN_STEP, T, Optional.empty(), 0);
    RedisHealth degraded =
        new RedisHealth(RedisHealth.Status.DEGRADED, T, Optional.of("the connection to Redis is down"), 3);

    assertThat(new RedisHealthPart(() -> inStep).check().level()).isEqualTo(HealthPart.Level.UP);
    HealthPart.Check c = new RedisHealthPart(() -> degraded).check();
    assertThat(c.level()).isEqualTo(HealthPart.Level.DEGRADED);
    assertThat(c.details()).containsEntry("reason", "the connection to Redis is down").containsEntry("changesWaiting", 3);
  }

  @Test
  void checkWhenPartsDifferThenWorstWinsAndDegradedIsItsOwnStatus() {
    assertThat(new ZtHealth(List.of(part("a", HealthPart.Level.UP), part("b", HealthPart.Level.DEGRADED))).check()
        .status()).isEqualTo("DEGRADED");
    assertThat(new ZtHealth(List.of(part("a", HealthPart.Level.DOWN), part("b", HealthPart.Level.DEGRADED))).check()
        .status()).isEqualTo("DOWN");
    assertThat(new ZtHealth(List.of(part("a", HealthPart.Level.UP))).check().status()).isEqualTo("UP");
  }

  @Test
  void checkWhenPartThrowsThenDownWithTheTypeOnly() {
    HealthPart failing = new HealthPart() {
      @Override
      public String name() {
        return "redis";
      }

      @Override
      public Check check() {
        throw new IllegalStateException("redis://user:secret@host");
      }
    };

    ZtHealth.Result r = new ZtHealth(List.of(failing)).check();

    assertThat(r.status()).isEqualTo("DOWN");
    assertThat(r.details().toString()).doesNotContain("secret").contains("IllegalStateException");
  }

  private static HealthPart part(String name, HealthPart.Level level) {
    return new HealthPart() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public Check check() {
        return new Check(level, Map.of());
      }
    };
  }

  private static Enforcer enforcer(String issuer) {
    return Enforcer.builder()
        .bearerJwt(BearerJwt.issuer(issuer).audience("health-api").build())
        .routes(RoutePolicy.builder().get("/x", Requirement.authenticated()).build())
        .build();
  }

  private static void check(Enforcer enforcer, String token) throws Exception {
    RequestContext request = TestRequest.get("/x").bearer(token).build();
    Decision.Allow allow = (Decision.Allow) enforcer.enforce(request).toCompletableFuture().get();
    enforcer.authorization(request, allow).checkAsync("read", Resource.of("order", "1")).toCompletableFuture().get();
  }

  private static void enforce(Enforcer enforcer, String token) throws Exception {
    RequestContext request = TestRequest.get("/x").bearer(token).build();
    enforcer.enforce(request).toCompletableFuture().get();
  }
}
