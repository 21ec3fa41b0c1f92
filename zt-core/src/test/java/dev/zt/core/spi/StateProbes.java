package dev.zt.core.spi;

import java.util.Map;

/** Test access to the in-memory stores: the stores an enforcer opened, by name, and how many keys one holds. */
public final class StateProbes {

  private StateProbes() {}

  /** The in-memory state, recording each sliding-counter store it opens in {@code opened} by name. */
  public static SecurityState recordingCounters(Map<String, SlidingCounters> opened) {
    return new Forwarding(SecurityState.inMemory()) {
      @Override
      public SlidingCounters slidingCounters(String name, StoreSettings settings) {
        SlidingCounters c = super.slidingCounters(name, settings);
        opened.put(name, c);
        return c;
      }
    };
  }

  /** How many keys an in-memory counter store holds now (after pending evictions). */
  public static long size(SlidingCounters counters) {
    return ((InMemoryCounters) counters).size();
  }

  /** A state that forwards every store to another. */
  public static class Forwarding implements SecurityState {
    private final SecurityState to;

    public Forwarding(SecurityState to) {
      this.to = to;
    }

    @Override
    public Suspensions suspensions(StoreSettings settings) {
      return to.suspensions(settings);
    }

    @Override
    public SourceBlocks sourceBlocks(StoreSettings settings) {
      return to.sourceBlocks(settings);
    }

    @Override
    public IdentityFlags identityFlags(StoreSettings settings) {
      return to.identityFlags(settings);
    }

    @Override
    public SlidingCounters slidingCounters(String name, StoreSettings settings) {
      return to.slidingCounters(name, settings);
    }

    @Override
    public RateBuckets rateBuckets(String name, StoreSettings settings) {
      return to.rateBuckets(name, settings);
    }

    @Override
    public SingleUse singleUse(String name, StoreSettings settings) {
      return to.singleUse(name, settings);
    }
  }
}
