package dev.zt.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zt.core.spi.IdentityFlags;
import dev.zt.core.spi.IdentityFlags.Flag;
import dev.zt.core.spi.Presence;
import dev.zt.core.spi.SourceBlocks;
import dev.zt.core.spi.SourceBlocks.Scope;
import dev.zt.core.spi.StoreSettings;
import dev.zt.core.spi.Suspensions;
import dev.zt.core.trust.TrustLevel;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.blockhound.BlockHound;
import reactor.blockhound.BlockingOperationError;

/**
 * Countermeasures write suspensions, blocks and flags from the gates and from the answer's report, which on Netty run
 * on the event loop: every write and read of these stores, with Redis up and with Redis stopped, runs on a thread
 * BlockHound watches as an event loop, and none may block (no wait for Redis, not even for the deadline).
 */
class RedisNonBlockingWritesTests {

  private static final String EVENT_LOOP = "zt-test-event-loop";
  private static final List<String> BLOCKING = new CopyOnWriteArrayList<>();
  private static final StoreSettings SETTINGS = new StoreSettings(Clock.systemUTC(), 1000);
  private static final Duration TTL = Duration.ofMinutes(5);

  private RedisServerProcess server;
  private RedisState state;

  @BeforeAll
  static void installBlockHound() {
    BlockHound.install(builder -> builder
        .nonBlockingThreadPredicate(p -> p.or(t -> t.getName().startsWith(EVENT_LOOP)))
        .allowBlockingCallsInside("org.slf4j.simple.SimpleLogger", "write") // the tests' log backend
        // a deadline on a stage is an insert into the JDK delayer's queue (its lock held for that insert only)
        .allowBlockingCallsInside("java.util.concurrent.CompletableFuture$Delayer", "delay")
        .blockingMethodCallback(method -> {
          java.io.StringWriter trace = new java.io.StringWriter();
          new Throwable().printStackTrace(new java.io.PrintWriter(trace)); // where it came from, for the report
          BLOCKING.add(method + " on " + Thread.currentThread().getName() + "\n" + trace);
          throw new BlockingOperationError(method);
        }));
  }

  @AfterAll
  static void noneLeft() {
    assertThat(BLOCKING).isEmpty();
  }

  @BeforeEach
  void start() {
    server = RedisServerProcess.start();
    state = RedisState.builder(server.uri()).reconcileEvery(Duration.ofHours(1)).build();
  }

  @AfterEach
  void stop() {
    state.close();
    server.close();
  }

  private void everyWriteAndReadOnTheEventLoop(Suspensions s, SourceBlocks b, IdentityFlags f, String n)
      throws Exception {
    java.util.concurrent.atomic.AtomicReference<Throwable> failed = new java.util.concurrent.atomic.AtomicReference<>();
    Runnable work = () -> {
      s.suspendToken("jti-" + n, Optional.of("alice" + n), "detect.sqli", TTL);
      s.suspendSubject("bob" + n, "detect.stuffing", TTL);
      s.revokeIssuedUpTo("carol" + n, Instant.now(), "caep.session-revoked", TTL);
      s.lift("bob" + n);
      b.block("198.51.100." + n, Scope.ALL, "stuffing.source", TTL);
      b.block("net:203.0.113.0/24", Scope.ANONYMOUS, "probing.network", TTL);
      b.unblock("net:203.0.113.0/24");
      f.set(Flag.THROTTLED, "sub:alice" + n, "enumeration.identity", TTL);
      f.clear(Flag.THROTTLED, "sub:alice" + n);
      f.capLevel("alice" + n, TrustLevel.LOW, TTL);
      assertThat(s.check("jti-" + n, Optional.of("alice" + n), Optional.empty())).isEqualTo(Presence.PRESENT);
      assertThat(b.check("198.51.100." + n, Optional.empty(), false)).isEqualTo(Presence.PRESENT);
      assertThat(f.levelCap("alice" + n)).isEqualTo(TrustLevel.LOW);
    };
    // a thread of its own per batch: an executor's idle worker parks, which BlockHound would rightly report
    Thread t = new Thread(() -> {
      try {
        work.run();
      } catch (Throwable e) {
        failed.set(e);
      }
    }, EVENT_LOOP);
    t.start();
    t.join(5000);
    assertThat(failed.get()).isNull();
  }

  @Test
  void handoffWhenTheTargetsSubmissionWaitsOnALockThenTheEventLoopDoesNotWait() throws Exception {
    // as a ScheduledThreadPoolExecutor's submission waits on its queue's lock while its worker holds it
    java.util.concurrent.locks.ReentrantLock queueLock = new java.util.concurrent.locks.ReentrantLock();
    List<String> ran = new CopyOnWriteArrayList<>();
    java.util.concurrent.ExecutorService worker = java.util.concurrent.Executors.newSingleThreadExecutor();
    java.util.concurrent.Executor target = task -> {
      queueLock.lock();
      try {
        worker.execute(task);
      } finally {
        queueLock.unlock();
      }
    };
    Handoff handoff = new Handoff("zt-test-handoff", target);
    java.util.concurrent.atomic.AtomicReference<Throwable> failed = new java.util.concurrent.atomic.AtomicReference<>();
    queueLock.lock();
    try {
      Thread loop = new Thread(() -> {
        try {
          for (int i = 0; i < 3; i++) {
            String n = "task" + i;
            handoff.execute(() -> ran.add(n));
          }
        } catch (Throwable e) {
          failed.set(e);
        }
      }, EVENT_LOOP + "-handoff");
      loop.start();
      loop.join(5000);
      assertThat(loop.isAlive()).as("the event loop returned while the target's lock was held").isFalse();
      assertThat(failed.get()).isNull();
      assertThat(ran).isEmpty();
    } finally {
      queueLock.unlock();
    }
    Await.until(Duration.ofSeconds(2), () -> ran.size() == 3, "the tasks forwarded");
    assertThat(ran).containsExactly("task0", "task1", "task2");
    handoff.close();
    worker.shutdown();
    assertThat(BLOCKING).isEmpty();
  }

  @Test
  void writesWhenOnAnEventLoopThenNeverBlockWithRedisUpOrStopped() throws Exception {
    Suspensions s = state.suspensions(SETTINGS);
    SourceBlocks b = state.sourceBlocks(SETTINGS);
    IdentityFlags f = state.identityFlags(SETTINGS);

    everyWriteAndReadOnTheEventLoop(s, b, f, "1");
    server.stop();
    everyWriteAndReadOnTheEventLoop(s, b, f, "2");

    assertThat(BLOCKING).isEmpty();
    Await.until(Duration.ofSeconds(2), () -> ((RedisSuspensions) s).pending() == 4, "buffered");
    assertThat(state.degraded()).isTrue();
  }
}
