package dev.zt.core.spi;

/** The embedded default: each store in this process, bounded, on the enforcer's clock. */
final class InMemoryState implements SecurityState {

  static final InMemoryState INSTANCE = new InMemoryState();

  private InMemoryState() {}

  @Override
  public Suspensions suspensions(StoreSettings settings) {
    return new InMemorySuspensions(settings);
  }

  @Override
  public SourceBlocks sourceBlocks(StoreSettings settings) {
    return new InMemorySourceBlocks(settings);
  }

  @Override
  public IdentityFlags identityFlags(StoreSettings settings) {
    return new InMemoryIdentityFlags(settings);
  }

  @Override
  public SlidingCounters slidingCounters(String name, StoreSettings settings) {
    return new InMemoryCounters(settings);
  }

  @Override
  public RateBuckets rateBuckets(String name, StoreSettings settings) {
    return new InMemoryRateBuckets(settings);
  }

  @Override
  public SingleUse singleUse(String name, StoreSettings settings) {
    return new InMemorySingleUse(settings);
  }

  @Override
  public String toString() {
    return "SecurityState.inMemory()";
  }
}
