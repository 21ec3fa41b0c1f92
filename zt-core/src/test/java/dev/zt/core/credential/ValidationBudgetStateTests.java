package dev.zt.core.credential;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zt.core.Enforcer;
import dev.zt.core.policy.Requirement;
import dev.zt.core.policy.RoutePolicy;
import dev.zt.core.spi.IdentityFlags;
import dev.zt.core.spi.RateBuckets;
import dev.zt.core.spi.SecurityState;
import dev.zt.core.spi.SingleUse;
import dev.zt.core.spi.SlidingCounters;
import dev.zt.core.spi.SourceBlocks;
import dev.zt.core.spi.StoreSettings;
import dev.zt.core.spi.Suspensions;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The validation budgets bound this instance's signature work and are taken on the caller's thread (an event loop's
 * too), so they stay in this process whatever state the enforcer shares: never opened from the given state.
 */
class ValidationBudgetStateTests {

  @Test
  void enforcerWhenStateSetThenValidationBudgetsAreNotOpenedFromIt() {
    List<String> opened = new CopyOnWriteArrayList<>();
    SecurityState memory = SecurityState.inMemory();
    SecurityState recording = new SecurityState() {
      @Override
      public Suspensions suspensions(StoreSettings settings) {
        return memory.suspensions(settings);
      }

      @Override
      public SourceBlocks sourceBlocks(StoreSettings settings) {
        return memory.sourceBlocks(settings);
      }

      @Override
      public IdentityFlags identityFlags(StoreSettings settings) {
        return memory.identityFlags(settings);
      }

      @Override
      public SlidingCounters slidingCounters(String name, StoreSettings settings) {
        return memory.slidingCounters(name, settings);
      }

      @Override
      public RateBuckets rateBuckets(String name, StoreSettings settings) {
        opened.add(name);
        return memory.rateBuckets(name, settings);
      }

      @Override
      public SingleUse singleUse(String name, StoreSettings settings) {
        return memory.singleUse(name, settings);
      }
    };

    Enforcer.builder()
        .bearerJwt(BearerJwt.issuer("https://issuer.test").audience("api")
            .keySource((selector, context) -> List.of()).build())
        .routes(RoutePolicy.builder().get("/orders", Requirement.permitAll()).build())
        .state(recording)
        .build();

    assertThat(opened).contains("rate").noneMatch(name -> name.startsWith("budget."));
  }
}
