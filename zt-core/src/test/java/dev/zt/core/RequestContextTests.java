package dev.zt.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zt.core.countermeasure.CountermeasurePolicy;
import dev.zt.core.credential.BearerJwt;
import dev.zt.core.policy.Requirement;
import dev.zt.core.policy.RoutePolicy;
import dev.zt.core.rate.RatePolicy;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The context as adapters build it on every request ({@code forRequestTarget}, {@code stampArrival}): the same
 * values as before the allocation-light construction, and the construction itself allocating only the builder, the
 * normalized path and the context.
 */
class RequestContextTests {

  private static final Instant NOW = Instant.parse("2026-01-01T00:00:00.123456789Z");

  private final Enforcer enforcer = Enforcer.builder()
      .bearerJwt(BearerJwt.issuer("https://issuer.test").audience("api")
          .keySource((selector, context) -> List.of()).build())
      .routes(RoutePolicy.builder().get("/health", Requirement.permitAll()).build())
      .rateLimits(RatePolicy.none())
      .countermeasures(CountermeasurePolicy.none())
      .clock(Clock.fixed(NOW, ZoneOffset.UTC))
      .build();

  @Test
  void stampArrivalWhenAdapterStampsThenTheClocksMillisecondAndStamped() {
    RequestContext c = enforcer.stampArrival(RequestContext.forRequestTarget("GET", "/health")).build();

    assertThat(c.arrival()).isEqualTo(Instant.parse("2026-01-01T00:00:00.123Z"));
    assertThat(c.arrivalMillis()).isEqualTo(NOW.toEpochMilli());
    assertThat(c.arrivalStamped()).isTrue();
    assertThat(c.withFormBody(new byte[0]).arrival()).isEqualTo(c.arrival());
  }

  @Test
  void arrivalWhenGivenWithNanosecondsThenKeptExactlyAndTheLastGivenWins() {
    RequestContext given = RequestContext.builder("GET", "/health").arrival(NOW).build();
    RequestContext restamped = enforcer.stampArrival(RequestContext.builder("GET", "/health")
        .arrival(Instant.EPOCH)).build();
    RequestContext regiven = enforcer.stampArrival(RequestContext.builder("GET", "/health")).arrival(NOW).build();

    assertThat(given.arrival()).isEqualTo(NOW);
    assertThat(given.arrivalMillis()).isEqualTo(NOW.toEpochMilli());
    assertThat(given.arrivalStamped()).isTrue();
    assertThat(restamped.arrival()).isEqualTo(Instant.parse("2026-01-01T00:00:00.123Z"));
    assertThat(regiven.arrival()).isEqualTo(NOW);
  }

  @Test
  void arrivalWhenNobodyStampedItThenNowAndNotStamped() {
    Instant before = Instant.now();

    RequestContext c = RequestContext.builder("GET", "/health").build();

    assertThat(c.arrival()).isBetween(before, Instant.now());
    assertThat(c.arrivalStamped()).isFalse();
  }

  @Test
  void enforceWhenStampedInMillisecondsThenDecidesAtThatTime() {
    RequestContext c = enforcer.stampArrival(RequestContext.forRequestTarget("GET", "/health?x=1")).build();

    Decision d = enforcer.enforce(c).toCompletableFuture().join();

    assertThat(d).isInstanceOf(Decision.Allow.class);
    assertThat(c.rawPath()).isEqualTo("/health");
    assertThat(c.rawQuery()).isEqualTo("x=1");
  }

  /**
   * What an adapter pays per request for the context: the builder, the normalized path and the context itself —
   * no {@code Instant} for the arrival and no parse result for an origin-form target (about 190 B before, 144 B
   * now, interpreted or compiled: escape analysis only ever lowers it).
   */
  @Test
  void buildWhenStampedOriginFormThenAllocatesNoInstantAndNoParseResult() {
    for (String name : List.of("java.management", "jdk.management")) { // the test runs in zt-core's module
      RequestContextTests.class.getModule().addReads(ModuleLayer.boot().findModule(name).orElseThrow());
    }
    allocationPerContextIsAtMost(160);
  }

  private void allocationPerContextIsAtMost(long bytes) {
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    int n = 50_000;
    long sink = 0;
    for (int i = 0; i < n; i++) { // warm up
      sink += context().rawPath().length();
    }
    long before = threads.getCurrentThreadAllocatedBytes();
    for (int i = 0; i < n; i++) {
      sink += context().rawPath().length();
    }
    long perContext = (threads.getCurrentThreadAllocatedBytes() - before) / n;

    assertThat(sink).isPositive();
    assertThat(perContext).as("bytes allocated per context").isLessThanOrEqualTo(bytes);
  }

  private RequestContext context() {
    return enforcer.stampArrival(RequestContext.forRequestTarget("GET", "/health")).nonBlocking().build();
  }
}
