package dev.zt.statecheck;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zt.core.spi.Entry;
import dev.zt.core.spi.IdentityFlags;
import dev.zt.core.spi.Presence;
import dev.zt.core.spi.RateBucket;
import dev.zt.core.spi.RateBuckets;
import dev.zt.core.spi.SecurityState;
import dev.zt.core.spi.SingleUse;
import dev.zt.core.spi.SlidingCounters;
import dev.zt.core.spi.SourceBlocks;
import dev.zt.core.spi.StoreSettings;
import dev.zt.core.spi.Suspensions;
import dev.zt.core.trust.TrustLevel;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.ArrayList;
import org.junit.jupiter.api.Test;

/**
 * The contract of the state SPI ({@code dev.zt.core.spi}), for every implementation: what each store answers, when
 * entries end, what is atomic. zt-core runs it on {@link SecurityState#inMemory()}; another implementation (a Redis
 * module) extends this class, returns its state from {@link #state()} and, if its entries end on another clock than
 * the one in {@link #settings(long)}, overrides {@link #advance(Duration)}. Shipped in zt-core's test-jar.
 */
public abstract class SecurityStateContract {

  private static final String JTI = "jti-1";

  /** The clock the stores are opened with; {@link #advance} moves it. */
  protected final MovableClock clock = new MovableClock(Instant.parse("2026-03-02T10:00:00Z"));

  /** The implementation under test: a fresh, empty state for each test. */
  protected abstract SecurityState state();

  /** The settings stores are opened with. */
  protected StoreSettings settings(long maxEntries) {
    return new StoreSettings(clock, maxEntries);
  }

  /** Lets {@code d} pass for the stores. */
  protected void advance(Duration d) {
    clock.advance(d);
  }

  private Suspensions suspensions() {
    return state().suspensions(settings(1000));
  }

  // ---- suspensions

  @Test
  void suspensionsCheckWhenNothingSuspendedThenAbsent() {
    Suspensions s = suspensions();
    assertThat(s.check(JTI, Optional.of("alice"), Optional.of(clock.instant()))).isEqualTo(Presence.ABSENT);
    assertThat(s.subjects()).isEmpty();
    assertThat(s.tokens()).isEmpty();
  }

  @Test
  void suspensionsCheckWhenTokenSuspendedThenOnlyThatTokenIsPresent() {
    Suspensions s = suspensions();
    s.suspendToken(JTI, Optional.of("alice"), "sqli.query", Duration.ofMinutes(15));
    assertThat(s.isEmpty()).isFalse();
    assertThat(s.check(JTI, Optional.of("alice"), Optional.empty())).isEqualTo(Presence.PRESENT);
    assertThat(s.check("jti-2", Optional.of("alice"), Optional.empty())).isEqualTo(Presence.ABSENT);
    assertThat(s.tokens()).extracting(Entry::key, Entry::rule).containsExactly(
        org.assertj.core.groups.Tuple.tuple(JTI, "sqli.query"));
  }

  @Test
  void suspensionsCheckWhenSubjectSuspendedThenEveryTokenOfItIsPresentAndOthersAbsent() {
    Suspensions s = suspensions();
    s.suspendSubject("alice", "manual", Duration.ofMinutes(15));
    assertThat(s.check("any", Optional.of("alice"), Optional.empty())).isEqualTo(Presence.PRESENT);
    assertThat(s.check("any", Optional.of("bob"), Optional.empty())).isEqualTo(Presence.ABSENT);
    assertThat(s.check("any", Optional.empty(), Optional.empty())).isEqualTo(Presence.ABSENT);
    assertThat(s.subjects()).extracting(Entry::key).containsExactly("alice");
  }

  @Test
  void suspensionsCheckWhenRevokedThenTokensIssuedUpToItAndWithoutIatArePresentAndLaterOnesAbsent() {
    Suspensions s = suspensions();
    Instant revokedAt = clock.instant();
    s.revokeIssuedUpTo("alice", revokedAt, "caep.session-revoked", Duration.ofDays(1));
    assertThat(s.check("a", Optional.of("alice"), Optional.of(revokedAt.minusSeconds(60)))).isEqualTo(Presence.PRESENT);
    assertThat(s.check("b", Optional.of("alice"), Optional.of(revokedAt))).isEqualTo(Presence.PRESENT);
    assertThat(s.check("c", Optional.of("alice"), Optional.empty())).isEqualTo(Presence.PRESENT);
    assertThat(s.check("d", Optional.of("alice"), Optional.of(revokedAt.plusSeconds(1)))).isEqualTo(Presence.ABSENT);
    assertThat(s.check("e", Optional.of("bob"), Optional.of(revokedAt.minusSeconds(60)))).isEqualTo(Presence.ABSENT);
  }

  @Test
  void suspensionsCheckWhenTtlPassedThenAbsent() {
    Suspensions s = suspensions();
    s.suspendToken(JTI, Optional.of("alice"), "r", Duration.ofMinutes(15));
    s.suspendSubject("bob", "r", Duration.ofMinutes(15));
    advance(Duration.ofMinutes(15));
    assertThat(s.check(JTI, Optional.of("alice"), Optional.empty())).isEqualTo(Presence.ABSENT);
    assertThat(s.check("x", Optional.of("bob"), Optional.empty())).isEqualTo(Presence.ABSENT);
    assertThat(s.tokens()).isEmpty();
    assertThat(s.subjects()).isEmpty();
  }

  @Test
  void suspensionsLiftWhenSubjectHasTokensSubjectAndRevocationThenAllAreLiftedAndOthersStay() {
    Suspensions s = suspensions();
    s.suspendToken(JTI, Optional.of("alice"), "r", Duration.ofMinutes(15));
    s.suspendToken("jti-bob", Optional.of("bob"), "r", Duration.ofMinutes(15));
    s.suspendSubject("alice", "r", Duration.ofMinutes(15));
    s.revokeIssuedUpTo("alice", clock.instant(), "r", Duration.ofDays(1));
    assertThat(s.lift("alice")).isTrue();
    assertThat(s.check(JTI, Optional.of("alice"), Optional.empty())).isEqualTo(Presence.ABSENT);
    assertThat(s.check("jti-bob", Optional.of("bob"), Optional.empty())).isEqualTo(Presence.PRESENT);
    assertThat(s.lift("alice")).isFalse();
  }

  // ---- source blocks

  @Test
  void sourceBlocksCheckWhenAddressBlockedThenPresentWithOrWithoutItsNetwork() {
    SourceBlocks b = state().sourceBlocks(settings(1000));
    assertThat(b.check("198.51.100.7", Optional.of("net:198.51.100.0/24"), false)).isEqualTo(Presence.ABSENT);
    b.block("198.51.100.7", SourceBlocks.Scope.ALL, "stuffing.source", Duration.ofMinutes(15));
    assertThat(b.check("198.51.100.7", Optional.empty(), false)).isEqualTo(Presence.PRESENT);
    assertThat(b.check("198.51.100.7", Optional.of("net:198.51.100.0/24"), true)).isEqualTo(Presence.PRESENT);
    assertThat(b.check("198.51.100.8", Optional.of("net:198.51.100.0/24"), false)).isEqualTo(Presence.ABSENT);
  }

  @Test
  void sourceBlocksCheckWhenNetworkBlockedThenPresentOnlyForClientsBlockableByNetwork() {
    SourceBlocks b = state().sourceBlocks(settings(1000));
    b.block("net:198.51.100.0/24", SourceBlocks.Scope.ALL, "stuffing.network", Duration.ofMinutes(15));
    assertThat(b.check("198.51.100.9", Optional.of("net:198.51.100.0/24"), false)).isEqualTo(Presence.PRESENT);
    assertThat(b.check("198.51.100.9", Optional.empty(), false)).isEqualTo(Presence.ABSENT);
    assertThat(b.check("203.0.113.9", Optional.of("net:203.0.113.0/24"), false)).isEqualTo(Presence.ABSENT);
  }

  @Test
  void sourceBlocksCheckWhenAnonymousOnlyBlockThenOnlyAnonymousRequestsArePresent() {
    SourceBlocks b = state().sourceBlocks(settings(1000));
    b.block("198.51.100.7", SourceBlocks.Scope.ANONYMOUS, "probing.source", Duration.ofMinutes(15));
    assertThat(b.check("198.51.100.7", Optional.of("net:198.51.100.0/24"), true)).isEqualTo(Presence.PRESENT);
    assertThat(b.check("198.51.100.7", Optional.of("net:198.51.100.0/24"), false)).isEqualTo(Presence.ABSENT);
    assertThat(b.blocks(SourceBlocks.Scope.ANONYMOUS)).extracting(Entry::key).containsExactly("198.51.100.7");
    assertThat(b.blocks(SourceBlocks.Scope.ALL)).isEmpty();
  }

  @Test
  void sourceBlocksUnblockWhenBothScopesBlockedThenBothLiftedAndTtlEndsTheRest() {
    SourceBlocks b = state().sourceBlocks(settings(1000));
    b.block("198.51.100.7", SourceBlocks.Scope.ALL, "r", Duration.ofMinutes(15));
    b.block("198.51.100.7", SourceBlocks.Scope.ANONYMOUS, "r", Duration.ofMinutes(15));
    b.block("198.51.100.8", SourceBlocks.Scope.ALL, "r", Duration.ofMinutes(15));
    assertThat(b.unblock("198.51.100.7")).isTrue();
    assertThat(b.unblock("198.51.100.7")).isFalse();
    assertThat(b.check("198.51.100.7", Optional.of("net:198.51.100.0/24"), true)).isEqualTo(Presence.ABSENT);
    advance(Duration.ofMinutes(15));
    assertThat(b.check("198.51.100.8", Optional.empty(), false)).isEqualTo(Presence.ABSENT);
  }

  // ---- identity flags

  @Test
  void identityFlagsCheckWhenOneFlagSetThenOnlyThatFlagAndKeyArePresentUntilCleared() {
    IdentityFlags f = state().identityFlags(settings(1000));
    f.set(IdentityFlags.Flag.THROTTLED, "sub:alice", "enumeration.identity", Duration.ofMinutes(15));
    assertThat(f.check(IdentityFlags.Flag.THROTTLED, "sub:alice")).isEqualTo(Presence.PRESENT);
    assertThat(f.check(IdentityFlags.Flag.MONITORED, "sub:alice")).isEqualTo(Presence.ABSENT);
    assertThat(f.check(IdentityFlags.Flag.THROTTLED, "sub:bob")).isEqualTo(Presence.ABSENT);
    assertThat(f.flagged(IdentityFlags.Flag.THROTTLED)).extracting(Entry::key).containsExactly("sub:alice");
    assertThat(f.clear(IdentityFlags.Flag.THROTTLED, "sub:alice")).isTrue();
    assertThat(f.check(IdentityFlags.Flag.THROTTLED, "sub:alice")).isEqualTo(Presence.ABSENT);
  }

  @Test
  void identityFlagsCheckWhenTtlPassedThenAbsent() {
    IdentityFlags f = state().identityFlags(settings(1000));
    f.set(IdentityFlags.Flag.CRITICAL, "alice", "r", Duration.ofMinutes(15));
    advance(Duration.ofMinutes(15));
    assertThat(f.check(IdentityFlags.Flag.CRITICAL, "alice")).isEqualTo(Presence.ABSENT);
  }

  @Test
  void identityFlagsLevelCapWhenNoneThenHighAndWhenCappedThenTheCapUntilItEnds() {
    IdentityFlags f = state().identityFlags(settings(1000));
    assertThat(f.levelCap("alice")).isEqualTo(TrustLevel.HIGH);
    f.capLevel("alice", TrustLevel.LOW, Duration.ofMinutes(15));
    assertThat(f.levelCap("alice")).isEqualTo(TrustLevel.LOW);
    assertThat(f.levelCap("bob")).isEqualTo(TrustLevel.HIGH);
    advance(Duration.ofMinutes(15));
    assertThat(f.levelCap("alice")).isEqualTo(TrustLevel.HIGH);
  }

  // ---- sliding counters

  @Test
  void slidingCountersAddWhenEventsWithinTheWindowThenCountsThemAndResetStartsOver() {
    SlidingCounters c = state().slidingCounters("contract", settings(1000));
    Duration w = Duration.ofMinutes(1);
    assertThat(c.add("k", w)).isEqualTo(1);
    assertThat(c.add("k", w)).isEqualTo(2);
    assertThat(c.add("other", w)).isEqualTo(1);
    c.reset("k");
    assertThat(c.add("k", w)).isEqualTo(1);
  }

  @Test
  void slidingCountersAddIfCountedWhenTheKeyIsNotCountedThenCountsNothingAndOnceCountedThenCounts() {
    SlidingCounters c = state().slidingCounters("contract", settings(1000));
    Duration w = Duration.ofMinutes(1);
    assertThat(c.addIfCounted("k", w)).isZero();
    assertThat(c.addIfCounted("k", w)).isZero();
    assertThat(c.add("k", w)).isEqualTo(1);
    assertThat(c.addIfCounted("k", w)).isEqualTo(2);
    assertThat(c.addIfCounted("other", w)).isZero();
  }

  @Test
  void slidingCountersAddWhenTwoWindowsPassedThenEarlierEventsNoLongerCount() {
    SlidingCounters c = state().slidingCounters("contract", settings(1000));
    Duration w = Duration.ofMinutes(1);
    for (int i = 0; i < 5; i++) {
      c.add("k", w);
    }
    advance(Duration.ofMinutes(2).plusSeconds(1));
    assertThat(c.add("k", w)).isEqualTo(1);
  }

  @Test
  void slidingCountersAddDistinctWhenMembersRepeatThenCountsThemOnceUpToTheCapacity() {
    SlidingCounters c = state().slidingCounters("contract", settings(1000));
    Duration w = Duration.ofMinutes(1);
    assertThat(c.addDistinct("k", 1, w, 3)).isEqualTo(1);
    assertThat(c.addDistinct("k", 1, w, 3)).isEqualTo(1);
    assertThat(c.addDistinct("k", 2, w, 3)).isEqualTo(2);
    assertThat(c.addDistinct("k", 3, w, 3)).isEqualTo(3);
    assertThat(c.addDistinct("k", 4, w, 3)).isEqualTo(3);
    c.clearDistinct("k");
    assertThat(c.addDistinct("k", 4, w, 3)).isEqualTo(1);
    advance(Duration.ofMinutes(1));
    assertThat(c.addDistinct("k", 5, w, 3)).isEqualTo(1);
  }

  // ---- rate buckets

  private static List<RateBuckets.Band> perMinute(long n) {
    return List.of(new RateBuckets.Band("minute", n, Duration.ofMinutes(1), RateBuckets.Refill.INTERVALLY));
  }

  @Test
  void rateBucketsTryConsumeWhenCapacityUsedThenRefusesWithAWaitUntilThePeriodRefills() {
    RateBucket b = state().rateBuckets("contract", settings(1000)).bucket("sub:alice\u0000GET /orders", perMinute(3));
    assertThat(b.tryConsume()).isTrue();
    assertThat(b.tryConsume()).isTrue();
    assertThat(b.tryConsumeAndReport().consumed()).isTrue();
    assertThat(b.tryConsume()).isFalse();
    RateBuckets.Consumption refused = b.tryConsumeAndReport();
    assertThat(refused.consumed()).isFalse();
    assertThat(refused.nanosToWait()).isPositive().isLessThanOrEqualTo(Duration.ofMinutes(1).toNanos());
    advance(Duration.ofMinutes(1));
    assertThat(b.tryConsume()).isTrue();
  }

  @Test
  void rateBucketsBucketWhenTwoHandlesForOneKeyThenTheyShareOneBudgetAndOtherKeysDoNot() {
    RateBuckets buckets = state().rateBuckets("contract", settings(1000));
    RateBucket first = buckets.bucket("k", perMinute(2));
    RateBucket second = buckets.bucket("k", perMinute(2));
    RateBucket other = buckets.bucket("other", perMinute(2));
    assertThat(first.tryConsume()).isTrue();
    assertThat(second.tryConsume()).isTrue();
    assertThat(first.tryConsume()).isFalse();
    assertThat(second.tryConsume()).isFalse();
    assertThat(other.tryConsume()).isTrue();
  }

  @Test
  void rateBucketsReshapeWhenCapacityLoweredThenConsumptionCarriesOverAndIsNeverRefilled() {
    RateBucket b = state().rateBuckets("contract", settings(1000)).bucket("k", perMinute(10));
    for (int i = 0; i < 5; i++) {
      assertThat(b.tryConsume()).isTrue();
    }
    b.reshape(perMinute(2)); // half used stays half used: one of two left
    assertThat(b.tryConsume()).isTrue();
    assertThat(b.tryConsume()).isFalse();
    b.reshape(perMinute(10)); // back up: still nothing given back beyond the proportion used
    int taken = 0;
    while (b.tryConsume()) {
      taken++;
    }
    assertThat(taken).isLessThanOrEqualTo(5);
  }

  // ---- single use

  @Test
  void singleUsePutIfAbsentWhenUsedTwiceThenFirstThenReplayUntilTheTtlEnds() {
    SingleUse s = state().singleUse("contract", settings(1000));
    assertThat(s.putIfAbsent("jti-a", Duration.ofMinutes(1))).isEqualTo(SingleUse.Use.FIRST);
    assertThat(s.putIfAbsent("jti-a", Duration.ofMinutes(1))).isEqualTo(SingleUse.Use.REPLAY);
    assertThat(s.putIfAbsent("jti-b", Duration.ofMinutes(1))).isEqualTo(SingleUse.Use.FIRST);
    advance(Duration.ofMinutes(1));
    assertThat(s.putIfAbsent("jti-a", Duration.ofMinutes(1))).isEqualTo(SingleUse.Use.FIRST);
  }

  @Test
  void singleUsePutIfAbsentWhenRacedFromManyThreadsThenExactlyOneIsFirst() throws Exception {
    SingleUse s = state().singleUse("contract", settings(1000));
    int threads = 8;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      for (int round = 0; round < 50; round++) {
        String key = "jti-" + round;
        CountDownLatch start = new CountDownLatch(1);
        List<Future<SingleUse.Use>> uses = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          Callable<SingleUse.Use> use = () -> {
            start.await();
            return s.putIfAbsent(key, Duration.ofMinutes(1));
          };
          uses.add(pool.submit(use));
        }
        start.countDown();
        int first = 0;
        for (Future<SingleUse.Use> u : uses) {
          SingleUse.Use r = u.get(10, TimeUnit.SECONDS);
          assertThat(r).isIn(SingleUse.Use.FIRST, SingleUse.Use.REPLAY);
          first += r == SingleUse.Use.FIRST ? 1 : 0;
        }
        assertThat(first).as(key).isEqualTo(1);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /** A clock the contract moves by hand. */
  public static final class MovableClock extends Clock {
    private volatile Instant now;

    public MovableClock(Instant start) {
      this.now = start;
    }

    public void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public long millis() {
      return now.toEpochMilli();
    }
  }
}
