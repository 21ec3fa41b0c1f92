package dev.zt.core.rate;

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
import dev.zt.core.spi.RateBucket;
import dev.zt.core.spi.RateBuckets;
import dev.zt.core.spi.SecurityState;
import dev.zt.core.spi.StateProbes;
import dev.zt.core.spi.StoreSettings;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.junit.jupiter.api.Test;

/**
 * The rate gate on a thread that must not block (Netty's event loop): a handle that can answer locally answers at
 * once; one that needs its shared store ({@link RateBucket#ASK_STORE}) is asked on the enforcer's blocking executor,
 * and a full executor refuses the request (503), never lets it through.
 */
class RateGateTests {

  private final Clock clock = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
  /** Tasks handed to the blocking executor, run when the test says. */
  private final Queue<Runnable> executor = new ArrayDeque<>();
  /** The threads the shared store was asked on. */
  private final List<String> askedOn = new CopyOnWriteArrayList<>();

  /** A shared store's handle that holds no lease: only its store can answer, and it answers {@code consumed}. */
  private RateBuckets sharedStore(boolean consumed) {
    return (key, bands) -> new RateBucket() {
      @Override
      public int tryConsumeLocally() {
        return ASK_STORE;
      }

      @Override
      public boolean tryConsume() {
        askedOn.add(Thread.currentThread().getName());
        return consumed;
      }

      @Override
      public RateBuckets.Consumption tryConsumeAndReport() {
        askedOn.add(Thread.currentThread().getName());
        return new RateBuckets.Consumption(consumed, consumed ? 0 : Duration.ofSeconds(2).toNanos());
      }

      @Override
      public void reshape(List<RateBuckets.Band> bands) {}
    };
  }

  private static SecurityState withRate(RateBuckets rate) {
    return new StateProbes.Forwarding(SecurityState.inMemory()) {
      @Override
      public RateBuckets rateBuckets(String name, StoreSettings settings) {
        return name.equals("rate") ? rate : super.rateBuckets(name, settings);
      }
    };
  }

  private Enforcer enforcer(SecurityState state, Executor blocking) {
    return Enforcer.builder()
        .bearerJwt(BearerJwt.issuer("https://issuer.test").audience("api")
            .keySource((selector, context) -> List.of()).build())
        .routes(RoutePolicy.builder().get("/public", Requirement.permitAll()).build())
        .rateLimits(RatePolicy.builder().defaultLimit(RateLimit.of("default", 100, Duration.ofMinutes(1))).build())
        .detection(Detection.off())
        .countermeasures(CountermeasurePolicy.none())
        .blockingExecutor(blocking)
        .state(state)
        .clock(clock)
        .build();
  }

  private CompletionStage<Decision> get(Enforcer e, boolean nonBlocking) throws Exception {
    RequestContext.Builder b = RequestContext.builder("GET", "/public").arrival(clock.instant())
        .clientAddress(InetAddress.getByName("198.51.100.7"));
    if (nonBlocking) {
      b.nonBlocking();
    }
    return e.enforce(b.build());
  }

  private void runExecutor() {
    Thread t = new Thread(() -> {
      for (Runnable r = executor.poll(); r != null; r = executor.poll()) {
        r.run();
      }
    }, "zt-test-blocking");
    t.start();
    try {
      t.join();
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void evaluateWhenNonBlockingAndTheHandleAsksItsStoreThenDecidedLaterOnTheBlockingExecutor() throws Exception {
    Enforcer e = enforcer(withRate(sharedStore(true)), executor::add);

    CompletionStage<Decision> decision = get(e, true);

    assertThat(decision.toCompletableFuture()).isNotDone();
    assertThat(askedOn).isEmpty(); // not on the caller's thread
    runExecutor();
    assertThat(decision.toCompletableFuture().join()).isInstanceOf(Decision.Allow.class);
    // the address's bucket and its network's, both asked on the executor
    assertThat(askedOn).hasSize(2).containsOnly("zt-test-blocking");
  }

  @Test
  void evaluateWhenNonBlockingAndTheStoreRefusesThenRateLimitedFromTheExecutor() throws Exception {
    Enforcer e = enforcer(withRate(sharedStore(false)), executor::add);

    CompletionStage<Decision> decision = get(e, true);
    runExecutor();

    Decision d = decision.toCompletableFuture().join();
    assertThat(d).isInstanceOf(Decision.Deny.class);
    assertThat(((Decision.Deny) d).reason()).isEqualTo(DenyReason.RATE_LIMITED);
    assertThat(askedOn).containsOnly("zt-test-blocking");
  }

  @Test
  void evaluateWhenNonBlockingAndTheExecutorIsFullThenDeniesStateUnavailable() throws Exception {
    Enforcer e = enforcer(withRate(sharedStore(true)), task -> {
      throw new RejectedExecutionException("full");
    });

    Decision d = get(e, true).toCompletableFuture().join();

    assertThat(d).isInstanceOf(Decision.Deny.class);
    assertThat(((Decision.Deny) d).reason()).isEqualTo(DenyReason.STATE_UNAVAILABLE);
    assertThat(askedOn).isEmpty();
  }

  @Test
  void evaluateWhenTheRequestMayBlockThenTheStoreIsAskedOnTheCallersThread() throws Exception {
    Enforcer e = enforcer(withRate(sharedStore(true)), executor::add);

    CompletionStage<Decision> decision = get(e, false);

    assertThat(decision.toCompletableFuture()).isDone();
    assertThat(decision.toCompletableFuture().join()).isInstanceOf(Decision.Allow.class);
    assertThat(executor).isEmpty();
    assertThat(askedOn).hasSize(2).containsOnly(Thread.currentThread().getName());
  }

  @Test
  void evaluateWhenNonBlockingAndTheBucketIsLocalThenDecidedAtOnce() throws Exception {
    Enforcer e = enforcer(SecurityState.inMemory(), executor::add);

    CompletionStage<Decision> decision = get(e, true);

    assertThat(decision.toCompletableFuture()).isDone();
    assertThat(decision.toCompletableFuture().join()).isInstanceOf(Decision.Allow.class);
    assertThat(executor).isEmpty();
  }
}
