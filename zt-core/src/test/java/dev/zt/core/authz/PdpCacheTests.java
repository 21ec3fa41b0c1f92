package dev.zt.core.authz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.zt.statecheck.SecurityStateContract.MovableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The decision cache in front of a scripted PDP, on a clock the tests move (no sleeps). */
class PdpCacheTests {

  /** A PDP that answers with a function of the input, counting calls; or holds answers until released. */
  static final class ScriptedPdp implements PolicyDecisionPoint {
    volatile Function<PdpInput, PdpDecision> answer;
    volatile boolean hold;
    final List<CompletableFuture<PdpDecision>> held = new ArrayList<>();
    final List<PdpInput> asked = new ArrayList<>();

    ScriptedPdp(Function<PdpInput, PdpDecision> answer) {
      this.answer = answer;
    }

    @Override
    public synchronized CompletionStage<PdpDecision> decide(PdpInput input) {
      asked.add(input);
      if (hold) {
        CompletableFuture<PdpDecision> f = new CompletableFuture<>();
        held.add(f);
        return f;
      }
      return CompletableFuture.completedFuture(answer.apply(input));
    }

    @Override
    public String name() {
      return "scripted";
    }

    synchronized int calls() {
      return asked.size();
    }
  }

  static PdpDecision allow(String revision) {
    return new PdpDecision.Allow(Optional.of("d"), Optional.ofNullable(revision));
  }

  static PdpDecision deny(String revision) {
    return new PdpDecision.Deny(Optional.empty(), Optional.ofNullable(revision), "result false");
  }

  static final PdpDecision UNAVAILABLE = new PdpDecision.Unavailable("down", Duration.ofSeconds(5));

  static PdpInput input(String sub, String owner, String traceId) {
    return PdpInput.of(Map.of("caller", Map.of("sub", sub), "action", "read",
        "resource", Map.of("type", "order", "id", "42", "owner", owner),
        "request", Map.of("trace", traceId)));
  }

  static PdpDecision decide(PolicyDecisionPoint pdp, PdpInput input) {
    return pdp.decide(input).toCompletableFuture().join();
  }

  private final MovableClock clock = new MovableClock(Instant.parse("2026-01-15T10:00:00Z"));

  @Test
  void decideWhenSameInputAgainThenHitWithoutACall() {
    ScriptedPdp pdp = new ScriptedPdp(in -> allow("r1"));
    PdpCache cache = PdpCache.builder(pdp).clock(clock).build();

    PdpDecision first = decide(cache, input("alice", "alice", "t1"));
    PdpDecision second = decide(cache, input("alice", "alice", "t1"));

    assertThat(first).isEqualTo(second).isEqualTo(allow("r1"));
    assertThat(pdp.calls()).isEqualTo(1);
    assertThat(cache.hits()).isEqualTo(1);
    assertThat(cache.misses()).isEqualTo(1);
  }

  @Test
  void decideWhenDenyThenCachedToo() {
    ScriptedPdp pdp = new ScriptedPdp(in -> deny("r1"));
    PdpCache cache = PdpCache.builder(pdp).clock(clock).build();

    decide(cache, input("bob", "alice", "t"));
    assertThat(decide(cache, input("bob", "alice", "t"))).isInstanceOf(PdpDecision.Deny.class);
    assertThat(pdp.calls()).isEqualTo(1);
  }

  @Test
  void decideWhenTtlPassedThenAsksAgain() {
    ScriptedPdp pdp = new ScriptedPdp(in -> allow("r1"));
    PdpCache cache = PdpCache.builder(pdp).ttl(Duration.ofSeconds(5)).clock(clock).build();

    decide(cache, input("alice", "alice", "t"));
    clock.advance(Duration.ofMillis(4_999));
    decide(cache, input("alice", "alice", "t"));
    assertThat(pdp.calls()).isEqualTo(1);
    clock.advance(Duration.ofMillis(1));
    decide(cache, input("alice", "alice", "t"));
    assertThat(pdp.calls()).isEqualTo(2);
  }

  @Test
  void decideWhenUnavailableThenNeverCached() {
    ScriptedPdp pdp = new ScriptedPdp(in -> UNAVAILABLE);
    PdpCache cache = PdpCache.builder(pdp).clock(clock).build();

    assertThat(decide(cache, input("alice", "alice", "t"))).isSameAs(UNAVAILABLE);
    pdp.answer = in -> allow("r1");
    assertThat(decide(cache, input("alice", "alice", "t")).allowed()).isTrue();
    assertThat(pdp.calls()).isEqualTo(2);
  }

  @Test
  void decideWhenPdpThrowsOrFailsThenUnavailableAndNotCached() {
    PolicyDecisionPoint throwing = new PolicyDecisionPoint() {
      @Override
      public CompletionStage<PdpDecision> decide(PdpInput input) {
        throw new IllegalStateException("bug");
      }

      @Override
      public String name() {
        return "throwing";
      }
    };
    PolicyDecisionPoint failing = new PolicyDecisionPoint() {
      @Override
      public CompletionStage<PdpDecision> decide(PdpInput input) {
        return CompletableFuture.failedFuture(new IllegalStateException("bug"));
      }

      @Override
      public String name() {
        return "failing";
      }
    };

    assertThat(decide(PdpCache.builder(throwing).build(), input("a", "a", "t")))
        .isInstanceOf(PdpDecision.Unavailable.class);
    assertThat(decide(PdpCache.builder(failing).build(), input("a", "a", "t")))
        .isInstanceOf(PdpDecision.Unavailable.class);
  }

  @Test
  void decideWhenInputsDifferOnlyInAnUndeclaredFieldThenShareAnEntry() {
    ScriptedPdp pdp = new ScriptedPdp(in -> allow("r1"));
    PdpCache cache = PdpCache.builder(pdp).keyFields(List.of("caller.sub", "action", "resource.owner"))
        .clock(clock).build();

    decide(cache, input("alice", "alice", "trace-1"));
    decide(cache, input("alice", "alice", "trace-2"));

    assertThat(pdp.calls()).isEqualTo(1);
  }

  @Test
  void decideWhenInputsDifferInADeclaredFieldThenSeparateEntries() {
    ScriptedPdp pdp = new ScriptedPdp(in -> in.get("caller.sub").equals(in.get("resource.owner"))
        ? allow("r1") : deny("r1"));
    PdpCache cache = PdpCache.builder(pdp).keyFields(List.of("caller.sub", "action", "resource.owner"))
        .clock(clock).build();

    assertThat(decide(cache, input("alice", "alice", "t")).allowed()).isTrue();
    assertThat(decide(cache, input("mallory", "alice", "t")).allowed()).isFalse();
    assertThat(decide(cache, input("alice", "bob", "t")).allowed()).isFalse();
    assertThat(pdp.calls()).isEqualTo(3);
  }

  @Test
  void decideWhenADeclaredFieldIsAbsentOrOfAnotherTypeThenNotSharedWithAPresentOne() {
    ScriptedPdp pdp = new ScriptedPdp(in -> allow("r1"));
    PdpCache cache = PdpCache.builder(pdp).keyFields(List.of("caller.sub", "resource.owner")).clock(clock).build();

    decide(cache, PdpInput.of(Map.of("caller", Map.of("sub", "1"), "resource", Map.of("owner", "1"))));
    decide(cache, PdpInput.of(Map.of("caller", Map.of("sub", 1L), "resource", Map.of("owner", "1"))));
    decide(cache, PdpInput.of(Map.of("caller", Map.of("sub", "1"))));
    decide(cache, PdpInput.of(Map.of("caller", Map.of("sub", "1"), "resource", Map.of("owner", Map.of()))));

    assertThat(pdp.calls()).isEqualTo(4);
  }

  @Test
  void decideWhenNoKeyFieldsThenTheWholeInputIsTheKey() {
    ScriptedPdp pdp = new ScriptedPdp(in -> allow("r1"));
    PdpCache cache = PdpCache.builder(pdp).clock(clock).build();

    decide(cache, input("alice", "alice", "trace-1"));
    decide(cache, input("alice", "alice", "trace-2"));

    assertThat(pdp.calls()).isEqualTo(2);
  }

  @Test
  void decideWhenANewRevisionIsSeenThenEntriesOfTheOldOneAreDropped() {
    ScriptedPdp pdp = new ScriptedPdp(in -> allow("r1"));
    PdpCache cache = PdpCache.builder(pdp).ttl(Duration.ofSeconds(5)).clock(clock).build();
    decide(cache, input("alice", "alice", "a"));
    clock.advance(Duration.ofSeconds(3));
    decide(cache, input("bob", "bob", "b")); // cached until 8 s
    assertThat(cache.revision()).isEqualTo("r1");

    pdp.answer = in -> deny("r2"); // the policy changed: now it denies
    clock.advance(Duration.ofSeconds(3));
    decide(cache, input("alice", "alice", "a")); // expired at 5 s: asked again, sees r2
    assertThat(cache.revision()).isEqualTo("r2");

    assertThat(decide(cache, input("bob", "bob", "b")).allowed()).isFalse(); // within its TTL, but of r1
    assertThat(pdp.calls()).isEqualTo(4);
  }

  @Test
  void decideWhenALateAnswerNamesAnotherRevisionThenItBecomesCurrentAndTheOthersAreDropped() {
    ScriptedPdp pdp = new ScriptedPdp(in -> allow("r1"));
    pdp.hold = true;
    PdpCache cache = PdpCache.builder(pdp).clock(clock).build();
    CompletableFuture<PdpDecision> slow = cache.decide(input("alice", "alice", "a")).toCompletableFuture();
    pdp.hold = false;
    pdp.answer = in -> allow("r2");
    decide(cache, input("bob", "bob", "b"));
    assertThat(cache.revision()).isEqualTo("r2");

    pdp.held.get(0).complete(allow("r1"));
    assertThat(slow.join().allowed()).isTrue();
    assertThat(cache.revision()).isEqualTo("r1"); // a different revision: the newest seen wins by arrival

    decide(cache, input("bob", "bob", "b")); // bob's r2 entry was dropped with the switch
    assertThat(pdp.calls()).isEqualTo(3);
  }

  @Test
  void decideWhenNoRevisionKnownThenCachedUntilOneIsSeen() {
    ScriptedPdp pdp = new ScriptedPdp(in -> allow(null));
    PdpCache cache = PdpCache.builder(pdp).clock(clock).build();

    decide(cache, input("a", "a", "t"));
    decide(cache, input("a", "a", "t"));
    assertThat(pdp.calls()).isEqualTo(1);

    pdp.answer = in -> allow("r1");
    decide(cache, input("b", "b", "t"));
    pdp.answer = in -> allow(null);
    decide(cache, input("c", "c", "t"));
    decide(cache, input("c", "c", "t")); // without a revision once one is known: not cached
    assertThat(pdp.calls()).isEqualTo(4);
  }

  @Test
  void decideWhenConcurrentMissesOnOneKeyThenOneCall() {
    ScriptedPdp pdp = new ScriptedPdp(in -> allow("r1"));
    pdp.hold = true;
    PdpCache cache = PdpCache.builder(pdp).clock(clock).build();

    CompletableFuture<PdpDecision> a = cache.decide(input("a", "a", "t")).toCompletableFuture();
    CompletableFuture<PdpDecision> b = cache.decide(input("a", "a", "t")).toCompletableFuture();
    assertThat(pdp.calls()).isEqualTo(1);
    assertThat(a).isNotDone();

    pdp.held.get(0).complete(allow("r1"));
    assertThat(a.join()).isEqualTo(b.join()).isEqualTo(allow("r1"));
    pdp.hold = false;
    decide(cache, input("a", "a", "t"));
    assertThat(pdp.calls()).isEqualTo(1);
  }

  @Test
  void decideWhenCallerTampersWithAHitsStageThenTheNextHitIsUnchanged() {
    ScriptedPdp pdp = new ScriptedPdp(in -> allow("r1"));
    PdpCache cache = PdpCache.builder(pdp).clock(clock).build();
    decide(cache, input("a", "a", "t"));

    CompletableFuture<PdpDecision> hit = cache.decide(input("a", "a", "t")).toCompletableFuture();
    hit.obtrudeValue(deny("r1"));

    assertThat(decide(cache, input("a", "a", "t")).allowed()).isTrue();
  }

  @Test
  void decideWhenMoreKeysThanMaxEntriesThenBounded() {
    ScriptedPdp pdp = new ScriptedPdp(in -> allow("r1"));
    PdpCache cache = PdpCache.builder(pdp).maxEntries(2).clock(clock).build();

    for (int i = 0; i < 50; i++) {
      decide(cache, input("u" + i, "u" + i, "t"));
    }
    for (int i = 0; i < 50; i++) {
      decide(cache, input("u" + i, "u" + i, "t"));
    }
    assertThat(pdp.calls()).isGreaterThan(90);
  }

  @Test
  void builderWhenInvalidOrSetTwiceThenThrows() {
    ScriptedPdp pdp = new ScriptedPdp(in -> allow("r1"));
    assertThatThrownBy(() -> PdpCache.builder(pdp).ttl(Duration.ofMinutes(6)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> PdpCache.builder(pdp).ttl(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> PdpCache.builder(pdp).ttl(Duration.ofSeconds(1)).ttl(Duration.ofSeconds(2)))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> PdpCache.builder(pdp).maxEntries(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> PdpCache.builder(pdp).keyFields(List.of())).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> PdpCache.builder(pdp).keyFields(List.of("caller..sub")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> PdpCache.builder(pdp).keyFields(List.of("a", "a")))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
