package dev.zt.netty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;
import reactor.blockhound.BlockHound;
import reactor.blockhound.BlockingOperationError;

/**
 * Installed before any test class loads (a JUnit {@link LauncherSessionListener}, registered as a service): Netty's
 * leak detection at paranoid level with a detector that records every leak, and BlockHound with a callback that
 * records every blocking call on a non-blocking thread (Netty's event loops, marked by Netty's own BlockHound
 * integration) before throwing its {@link BlockingOperationError}. {@link NoLeaksOrBlocking} fails a test class on
 * either.
 *
 * <p>The one allowance: slf4j-simple, the tests' log backend, writes synchronously to stderr. zt's audit line is
 * written on the thread that decides; a service on an event loop configures an asynchronous appender.
 */
public final class NettyTestEnvironment implements LauncherSessionListener {

  private static final List<String> LEAKS = new CopyOnWriteArrayList<>();
  private static final List<BlockingOperationError> BLOCKING = new CopyOnWriteArrayList<>();
  private static boolean installed;

  @Override
  public void launcherSessionOpened(LauncherSession session) {
    install();
  }

  /** Idempotent; must run before Netty's buffer classes load, so the leak detector is ours. */
  static synchronized void install() {
    if (installed) {
      return;
    }
    installed = true;
    ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
    ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(new RecordingFactory());
    BlockHound.install(builder -> builder
        .allowBlockingCallsInside("org.slf4j.simple.SimpleLogger", "write")
        // a deadline on a stage (orTimeout / completeOnTimeout: the PDP's and an object check's) is an insert into the
        // JDK delayer's queue, whose lock is held for that insert only — no I/O, no wait on another request — yet a
        // contended lock parks for a moment, which BlockHound reports as a blocking call
        .allowBlockingCallsInside("java.util.concurrent.CompletableFuture$Delayer", "delay")
        .blockingMethodCallback(method -> {
          BlockingOperationError error = new BlockingOperationError(method);
          BLOCKING.add(error);
          throw error;
        }));
  }

  /**
   * Makes Netty report every leaked buffer now: collects garbage and allocates tracked buffers (the detector reports
   * what the collector found when the next buffer is tracked), a few rounds. Returns every leak recorded so far.
   */
  static List<String> leaks() {
    for (int round = 0; round < 4; round++) {
      System.gc();
      try {
        Thread.sleep(25);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
      for (ByteBufAllocator alloc : new ByteBufAllocator[] {
          ByteBufAllocator.DEFAULT, PooledByteBufAllocator.DEFAULT, UnpooledByteBufAllocator.DEFAULT}) {
        for (int i = 0; i < 4; i++) {
          ByteBuf probe = alloc.buffer(8);
          probe.release();
        }
      }
    }
    return List.copyOf(LEAKS);
  }

  /** Removes and returns the recorded leaks whose access records mention {@code hint}. */
  static List<String> takeLeaksTouched(String hint) {
    List<String> taken = new ArrayList<>();
    for (String leak : LEAKS) {
      if (leak.contains(hint)) {
        taken.add(leak);
      }
    }
    LEAKS.removeAll(taken);
    return taken;
  }

  /** Every blocking call BlockHound caught on an event loop so far. */
  static List<BlockingOperationError> blockingCalls() {
    return List.copyOf(BLOCKING);
  }

  /** Removes the blocking calls recorded so far (after a test that blocks on purpose). */
  static List<BlockingOperationError> takeBlockingCalls() {
    List<BlockingOperationError> taken = List.copyOf(BLOCKING);
    BLOCKING.removeAll(taken);
    return taken;
  }

  private static final class RecordingFactory extends ResourceLeakDetectorFactory {
    @Override
    public <T> ResourceLeakDetector<T> newResourceLeakDetector(Class<T> resource, int samplingInterval, long max) {
      return new RecordingDetector<>(resource, samplingInterval);
    }
  }

  private static final class RecordingDetector<T> extends ResourceLeakDetector<T> {
    RecordingDetector(Class<?> resource, int samplingInterval) {
      super(resource, samplingInterval);
    }

    @Override
    protected boolean needReport() {
      return true;
    }

    @Override
    protected void reportTracedLeak(String resourceType, String records) {
      LEAKS.add(resourceType + " leaked:" + records);
      super.reportTracedLeak(resourceType, records);
    }

    @Override
    protected void reportUntracedLeak(String resourceType) {
      LEAKS.add(resourceType + " leaked (untraced)");
      super.reportUntracedLeak(resourceType);
    }
  }
}
