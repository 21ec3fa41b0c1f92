package dev.zt.netty;

import dev.zt.core.internal.pipeline.CoreAccess;
import dev.zt.core.DenyReason;
import dev.zt.core.Enforcer;

import dev.zt.core.internal.pipeline.Gate;
import dev.zt.core.internal.pipeline.RequestState;
import dev.zt.core.internal.pipeline.Step;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Test-only gates for adapter tests, added through the enforcer's testing hook (reached through
 * {@code CoreAccess}, in a package exported to zt's modules only).
 */
public final class TestingGates {

  private TestingGates() {}

  /** Adds {@code gate} between the credential and the policy gate. */
  public static Enforcer.Builder with(Enforcer.Builder builder, Gate gate) {
    return CoreAccess.enforcers().testingGate(builder, gate);
  }

  /**
   * An artificially slow asynchronous gate: every request waits {@code delay} on a timer thread, then goes on. It
   * never blocks the caller; the decision simply completes later, on another thread. Counts the requests it saw.
   */
  public static final class Slow implements Gate {
    private final Duration delay;
    private final AtomicInteger seen = new AtomicInteger();

    public Slow(Duration delay) {
      this.delay = delay;
    }

    @Override
    public String name() {
      return "test-slow";
    }

    @Override
    public Step evaluate(RequestState exchange) {
      seen.incrementAndGet();
      return Step.later(CompletableFuture.supplyAsync(Step::proceed,
          CompletableFuture.delayedExecutor(delay.toMillis(), TimeUnit.MILLISECONDS)));
    }

    public int seen() {
      return seen.get();
    }
  }

  /**
   * A gate whose decisions the test completes by hand: every request waits until {@link #complete(Step)} is called,
   * on the test's own thread, so an adapter's asynchronous path can be driven step by step.
   */
  public static final class Held implements Gate {
    private final ConcurrentLinkedQueue<CompletableFuture<Step>> waiting = new ConcurrentLinkedQueue<>();

    @Override
    public String name() {
      return "test-held";
    }

    @Override
    public Step evaluate(RequestState exchange) {
      CompletableFuture<Step> f = new CompletableFuture<>();
      waiting.add(f);
      return Step.later(f);
    }

    /** How many requests wait for {@link #complete}. */
    public int waiting() {
      return waiting.size();
    }

    /** Completes the oldest waiting request's step with {@code step} ({@link Step#proceed()}, a deny…). */
    public void complete(Step step) {
      CompletableFuture<Step> f = waiting.poll();
      if (f == null) {
        throw new IllegalStateException("no request is waiting");
      }
      f.complete(step);
    }

    /** Lets the oldest waiting request go on. */
    public void proceed() {
      complete(Step.proceed());
    }

    /** Denies the oldest waiting request with {@code reason}. */
    public void deny(DenyReason reason) {
      complete(Step.deny(reason));
    }
  }

  /** A deliberately wrong gate: blocks the calling thread (on an event loop, BlockHound must catch it). */
  public static Gate blocking(Duration sleep) {
    return new Gate() {
      @Override
      public String name() {
        return "test-blocking";
      }

      @Override
      public Step evaluate(RequestState exchange) {
        try {
          Thread.sleep(sleep.toMillis());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return Step.proceed();
      }
    };
  }
}
