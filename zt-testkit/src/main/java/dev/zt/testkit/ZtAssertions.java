package dev.zt.testkit;

import dev.zt.core.Decision;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Entry points for zt's assertions.
 *
 * <pre>{@code
 * assertThatDecision(enforcer.enforce(request)).isDeniedWith(DenyReason.TOKEN_EXPIRED).hasStatus(401);
 * }</pre>
 *
 * @since 0.1
 */
public final class ZtAssertions {

  /** How long {@link #assertThatDecision(CompletionStage)} waits for a decision that completes later. */
  public static final Duration DECISION_TIMEOUT = Duration.ofSeconds(10);

  private ZtAssertions() {}

  public static DecisionAssert assertThatDecision(Decision decision) {
    return new DecisionAssert(decision);
  }

  /** Waits (bounded) for the decision, then asserts on it. */
  public static DecisionAssert assertThatDecision(CompletionStage<Decision> decision) {
    return new DecisionAssert(await(decision));
  }

  /** The decision, waiting at most {@link #DECISION_TIMEOUT}. */
  public static Decision await(CompletionStage<Decision> decision) {
    try {
      return decision.toCompletableFuture().get(DECISION_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while waiting for a decision", e);
    } catch (ExecutionException e) {
      throw new AssertionError("the decision completed exceptionally (zt must never do that)", e.getCause());
    } catch (TimeoutException e) {
      throw new AssertionError("no decision within " + DECISION_TIMEOUT, e);
    }
  }
}
