package dev.zt.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zt.core.Decision;
import dev.zt.core.DenyReason;
import dev.zt.core.Enforcer;
import dev.zt.core.RequestContext;
import dev.zt.core.countermeasure.CountermeasurePolicy;
import dev.zt.core.credential.BearerJwt;
import dev.zt.core.detect.Detection;
import dev.zt.core.policy.Requirement;
import dev.zt.core.policy.RoutePolicy;
import dev.zt.core.rate.RateLimit;
import dev.zt.core.rate.RatePolicy;
import dev.zt.statecheck.SecurityStateContract.MovableClock;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two enforcers on two {@link RedisState}s (two instances of a service) behind one rate limit, asked as an event loop
 * asks (non-blocking requests): together they allow the limit once, and Redis is asked on the enforcers' blocking
 * executors, never on the caller's thread.
 */
class RedisRateLimitTests {

  private final MovableClock clock = new MovableClock(Instant.parse("2026-03-02T10:00:00Z"));
  private RedisServerProcess server;
  private RedisState stateA;
  private RedisState stateB;
  private ExecutorService blockingA;
  private ExecutorService blockingB;
  private final AtomicInteger handedOver = new AtomicInteger();

  @BeforeEach
  void start() {
    server = RedisServerProcess.start();
    stateA = RedisState.builder(server.uri()).leaseShare(0).build();
    stateB = RedisState.builder(server.uri()).leaseShare(0).build();
    blockingA = Executors.newSingleThreadExecutor(r -> new Thread(r, "blocking-a"));
    blockingB = Executors.newSingleThreadExecutor(r -> new Thread(r, "blocking-b"));
  }

  @AfterEach
  void stop() throws InterruptedException {
    blockingA.shutdownNow();
    blockingB.shutdownNow();
    blockingA.awaitTermination(5, TimeUnit.SECONDS);
    blockingB.awaitTermination(5, TimeUnit.SECONDS);
    stateA.close();
    stateB.close();
    server.close();
  }

  private Enforcer enforcer(RedisState state, ExecutorService blocking) {
    return Enforcer.builder()
        .bearerJwt(BearerJwt.issuer("https://issuer.test").audience("api")
            .keySource((selector, context) -> List.of()).build())
        .routes(RoutePolicy.builder().get("/orders", Requirement.permitAll()).build())
        .rateLimits(RatePolicy.builder().defaultLimit(RateLimit.of("orders", 50, Duration.ofSeconds(10))).build())
        .detection(Detection.off())
        .countermeasures(CountermeasurePolicy.none())
        .blockingExecutor(task -> {
          handedOver.incrementAndGet();
          blocking.execute(task);
        })
        .state(state)
        .clock(clock)
        .build();
  }

  private Decision get(Enforcer e) {
    RequestContext request;
    try {
      request = RequestContext.builder("GET", "/orders").arrival(clock.instant())
          .clientAddress(InetAddress.getByName("198.51.100.7")).nonBlocking().build();
    } catch (UnknownHostException ex) {
      throw new AssertionError(ex);
    }
    CompletableFuture<Decision> decision = e.enforce(request).toCompletableFuture();
    return decision.orTimeout(5, TimeUnit.SECONDS).join();
  }

  @Test
  void enforceWhenTwoInstancesShareFiftyPerTenSecondsThenFiftyAllowedAcrossBothAndRedisAskedOffTheCallersThread() {
    Enforcer a = enforcer(stateA, blockingA);
    Enforcer b = enforcer(stateB, blockingB);
    int allowed = 0;
    int limited = 0;
    for (int i = 0; i < 120; i++) {
      Decision d = get(i % 2 == 0 ? a : b);
      if (d instanceof Decision.Allow) {
        allowed++;
      } else if (d instanceof Decision.Deny deny && deny.reason() == DenyReason.RATE_LIMITED) {
        limited++;
      }
    }
    assertThat(allowed).isEqualTo(50);
    assertThat(limited).isEqualTo(70);
    // every allowed request asked Redis (no leases) on the executor; refusals are remembered, so at most one each
    assertThat(handedOver.get()).isBetween(50, 52);

    clock.advance(Duration.ofSeconds(10));
    assertThat(get(b)).isInstanceOf(Decision.Allow.class);
  }

  @Test
  void enforceWhenRedisStoppedThenEachInstanceAllowsItsLocalShareNeverA503() {
    Enforcer a = enforcer(stateA, blockingA);
    assertThat(get(a)).isInstanceOf(Decision.Allow.class);
    server.stop();

    int allowed = 0;
    for (int i = 0; i < 80; i++) {
      Decision d = get(a);
      if (d instanceof Decision.Allow) {
        allowed++;
      } else {
        assertThat(((Decision.Deny) d).reason()).isEqualTo(DenyReason.RATE_LIMITED);
      }
    }
    assertThat(allowed).isEqualTo(50); // localShare 1 (the default): the whole limit on this instance
  }
}
