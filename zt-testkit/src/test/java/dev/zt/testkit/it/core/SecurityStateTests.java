package dev.zt.testkit.it.core;

import static dev.zt.testkit.ZtAssertions.assertThatDecision;
import static dev.zt.testkit.ZtAssertions.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.zt.core.Decision;
import dev.zt.core.DenyReason;
import dev.zt.core.Enforcer;
import dev.zt.core.detect.Detection;
import dev.zt.core.policy.Requirement;
import dev.zt.core.policy.RoutePolicy;
import dev.zt.core.rate.RateLimit;
import dev.zt.core.rate.RatePolicy;
import dev.zt.core.spi.Entry;
import dev.zt.core.spi.IdentityFlags;
import dev.zt.core.spi.Presence;
import dev.zt.core.spi.RateBucket;
import dev.zt.core.spi.RateBuckets;
import dev.zt.core.spi.SecurityState;
import dev.zt.core.spi.SingleUse;
import dev.zt.core.spi.SlidingCounters;
import dev.zt.core.spi.SourceBlocks;
import dev.zt.core.spi.StateUnavailableException;
import dev.zt.core.spi.StoreSettings;
import dev.zt.core.spi.Suspensions;
import dev.zt.core.trust.TrustLevel;
import dev.zt.core.trust.TrustPolicy;
import dev.zt.testkit.TestClock;
import dev.zt.testkit.TestIssuer;
import dev.zt.testkit.TestRequest;
import dev.zt.testkit.ZtExtension;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The enforcer on the state SPI: every store it uses comes from {@link Enforcer.Builder#state}, and a store that cannot
 * answer never turns into an allow — a suspension or block check that cannot answer refuses (503
 * {@code STATE_UNAVAILABLE}), flags that cannot be read are taken strictly, and a detector whose counters fail leaves
 * the answer it was given as it was.
 */
@ExtendWith(ZtExtension.class)
class SecurityStateTests {

  TestIssuer issuer;
  TestClock clock;

  @BeforeEach
  void setUp(TestIssuer issuer, TestClock clock) {
    this.issuer = issuer;
    this.clock = clock;
  }

  private Enforcer enforcer(SecurityState state, UnaryOperator<Enforcer.Builder> more) {
    Enforcer.Builder b = Enforcer.builder()
        .bearerJwt(issuer.bearerJwt().build())
        .routes(RoutePolicy.builder()
            .get("/search", Requirement.authenticated())
            .get("/orders", Requirement.authenticated().and(Requirement.minimumTrust(TrustLevel.LOW)))
            .get("/health", Requirement.permitAll())
            .get("/admin", Requirement.allScopes("admin"))
            .build())
        .clock(clock)
        .state(state);
    return more.apply(b).build();
  }

  private Enforcer enforcer(SecurityState state) {
    return enforcer(state, b -> b.rateLimits(RatePolicy.none()));
  }

  private Decision get(Enforcer e, String path, String token) {
    int q = path.indexOf('?');
    TestRequest r = TestRequest.get(q < 0 ? path : path.substring(0, q)).peer("198.51.100.7").clock(clock);
    if (q >= 0) {
      r.query(path.substring(q + 1));
    }
    if (token != null) {
      r.bearer(token);
    }
    return await(e.enforce(r.build()));
  }

  private String token(String subject) {
    return issuer.token().subject(subject).build();
  }

  // ---- suspensions

  @Test
  void enforceWhenSuspensionsAnswerAbsentThenAllows() {
    Enforcer e = enforcer(new Failing() {
      @Override
      public Suspensions suspensions(StoreSettings settings) {
        return suspensionsAnswering(() -> Presence.ABSENT);
      }
    });
    assertThatDecision(get(e, "/search", token("alice"))).isAllowed();
  }

  @Test
  void enforceWhenSuspensionsCannotAnswerThenDeniesStateUnavailableOnFirstSightAndOnCacheHits() {
    Enforcer e = enforcer(new Failing() {
      @Override
      public Suspensions suspensions(StoreSettings settings) {
        return suspensionsAnswering(() -> Presence.UNAVAILABLE);
      }
    });
    String token = token("alice");
    assertThatDecision(get(e, "/search", token)).isDeniedWith(DenyReason.STATE_UNAVAILABLE).hasStatus(503)
        .byGate("credential");
    assertThatDecision(get(e, "/search", token)).isDeniedWith(DenyReason.STATE_UNAVAILABLE).hasStatus(503);
    // a public route validates a presented credential too: still never an allow on a token it cannot clear
    assertThatDecision(get(e, "/health", token)).isDeniedWith(DenyReason.STATE_UNAVAILABLE);
    assertThatDecision(get(e, "/health", null)).isAllowed();
  }

  @Test
  void enforceWhenSuspensionCheckThrowsThenDeniesStateUnavailable() {
    Enforcer e = enforcer(new Failing() {
      @Override
      public Suspensions suspensions(StoreSettings settings) {
        return suspensionsAnswering(() -> {
          throw new StateUnavailableException("down");
        });
      }
    });
    assertThatDecision(get(e, "/search", token("alice"))).isDeniedWith(DenyReason.STATE_UNAVAILABLE);
  }

  @Test
  void enforceWhenSuspensionsAnswerPresentThenDeniesSuspended() {
    Enforcer e = enforcer(new Failing() {
      @Override
      public Suspensions suspensions(StoreSettings settings) {
        return suspensionsAnswering(() -> Presence.PRESENT);
      }
    });
    assertThatDecision(get(e, "/search", token("alice"))).isDeniedWith(DenyReason.TOKEN_SUSPENDED).hasStatus(401);
  }

  // ---- source blocks

  @Test
  void enforceWhenSourceBlocksCannotAnswerThenDeniesStateUnavailableBeforeTheCredential() {
    Enforcer e = enforcer(new Failing() {
      @Override
      public SourceBlocks sourceBlocks(StoreSettings settings) {
        return blocksAnswering(Presence.UNAVAILABLE);
      }
    });
    assertThatDecision(get(e, "/search", token("alice"))).isDeniedWith(DenyReason.STATE_UNAVAILABLE)
        .byGate("source");
    assertThatDecision(get(e, "/health", null)).isDeniedWith(DenyReason.STATE_UNAVAILABLE);
  }

  @Test
  void enforceWhenSourceBlockCheckThrowsThenDeniesStateUnavailable() {
    Enforcer e = enforcer(new Failing() {
      @Override
      public SourceBlocks sourceBlocks(StoreSettings settings) {
        return blocksAnswering(null);
      }
    });
    assertThatDecision(get(e, "/health", null)).isDeniedWith(DenyReason.STATE_UNAVAILABLE);
  }

  @Test
  void enforceWhenSourceBlocksAnswerAbsentThenAllowsAndPresentThenBlocks() {
    Enforcer open = enforcer(new Failing() {
      @Override
      public SourceBlocks sourceBlocks(StoreSettings settings) {
        return blocksAnswering(Presence.ABSENT);
      }
    });
    Enforcer blocked = enforcer(new Failing() {
      @Override
      public SourceBlocks sourceBlocks(StoreSettings settings) {
        return blocksAnswering(Presence.PRESENT);
      }
    });
    assertThatDecision(get(open, "/health", null)).isAllowed();
    assertThatDecision(get(blocked, "/health", null)).isDeniedWith(DenyReason.SOURCE_BLOCKED);
  }

  // ---- identity flags

  @Test
  void enforceWhenIdentityFlagsCannotAnswerThenTrustIsCappedAtCriticalAndFloorsRefuse() {
    Enforcer e = enforcer(new Failing() {
      @Override
      public IdentityFlags identityFlags(StoreSettings settings) {
        return new ForwardingFlags(SecurityState.inMemory().identityFlags(settings)) {
          @Override
          public boolean isEmpty(Flag flag) {
            return false;
          }

          @Override
          public Presence check(Flag flag, String key) {
            return Presence.UNAVAILABLE;
          }
        };
      }
    }, b -> b.rateLimits(RatePolicy.none()).trust(TrustPolicy.builder().build()));
    String token = token("alice");
    assertThatDecision(get(e, "/orders", token)).isDeniedWith(DenyReason.TRUST_TOO_LOW);
    assertThatDecision(get(e, "/search", token)).isAllowed(); // no floor: nothing else refuses it
  }

  @Test
  void enforceWhenTrustCapCannotBeReadThenTrustIsCappedAtCritical() {
    Enforcer e = enforcer(new Failing() {
      @Override
      public IdentityFlags identityFlags(StoreSettings settings) {
        return new ForwardingFlags(SecurityState.inMemory().identityFlags(settings)) {
          @Override
          public TrustLevel levelCap(String subject) {
            throw new StateUnavailableException("down");
          }
        };
      }
    }, b -> b.rateLimits(RatePolicy.none()).trust(TrustPolicy.builder().build()));
    assertThatDecision(get(e, "/orders", token("alice"))).isDeniedWith(DenyReason.TRUST_TOO_LOW);
  }

  // ---- rate buckets and the validation budget

  @Test
  void enforceWhenRateBucketsFailThenDeniesStateUnavailableNeverUnlimited() {
    Enforcer e = enforcer(new Failing() {
      @Override
      public RateBuckets rateBuckets(String name, StoreSettings settings) {
        RateBuckets real = super.rateBuckets(name, settings);
        return name.equals("rate") ? (key, bands) -> {
          throw new StateUnavailableException("down");
        } : real;
      }
    }, b -> b.rateLimits(RatePolicy.builder().defaultLimit(RateLimit.of("default", 100,
        Duration.ofMinutes(1))).build()));
    assertThatDecision(get(e, "/search", token("alice"))).isDeniedWith(DenyReason.STATE_UNAVAILABLE).byGate("rate");
  }

  @Test
  void enforceWhenRateBucketsFailForACallerTheRouteDoesNotAdmitThenDeniesStateUnavailable() {
    Enforcer e = enforcer(new Failing() {
      @Override
      public RateBuckets rateBuckets(String name, StoreSettings settings) {
        RateBuckets real = super.rateBuckets(name, settings);
        return name.equals("rate") ? (key, bands) -> {
          throw new StateUnavailableException("down");
        } : real;
      }
    }, b -> b.rateLimits(RatePolicy.builder().defaultLimit(RateLimit.of("default", 100, Duration.ofMinutes(1)))
        .build()));
    assertThatDecision(get(e, "/admin", token("alice"))).isDeniedWith(DenyReason.STATE_UNAVAILABLE).byGate("rate");
  }

  @Test
  void enforceWhenRateBucketRefusesThenRateLimitedAndWhenItAllowsThenAllowed() {
    RateBucket empty = new RateBucket() {
      @Override
      public boolean tryConsume() {
        return false;
      }

      @Override
      public RateBuckets.Consumption tryConsumeAndReport() {
        return new RateBuckets.Consumption(false, Duration.ofSeconds(3).toNanos());
      }

      @Override
      public void reshape(List<RateBuckets.Band> bands) {}
    };
    Enforcer e = enforcer(new Failing() {
      @Override
      public RateBuckets rateBuckets(String name, StoreSettings settings) {
        return name.equals("rate") ? (key, bands) -> empty : super.rateBuckets(name, settings);
      }
    }, b -> b.rateLimits(RatePolicy.builder().defaultLimit(RateLimit.of("default", 100,
        Duration.ofMinutes(1))).build()));
    Decision d = get(e, "/search", token("alice"));
    assertThatDecision(d).isDeniedWith(DenyReason.RATE_LIMITED);
    assertThat(e.respond((Decision.Deny) d).headers()).containsEntry("Retry-After", "3");
  }

  @Test
  void enforceWhenValidationBudgetStoreFailsThenUncachedTokensAreRefusedStateUnavailable() {
    Enforcer e = enforcer(new Failing() {
      @Override
      public RateBuckets rateBuckets(String name, StoreSettings settings) {
        RateBuckets real = super.rateBuckets(name, settings);
        return name.startsWith("budget.") ? (key, bands) -> {
          throw new StateUnavailableException("down");
        } : real;
      }
    });
    assertThatDecision(get(e, "/search", token("alice"))).isDeniedWith(DenyReason.STATE_UNAVAILABLE)
        .byGate("credential");
  }

  // ---- detectors and countermeasures whose stores fail

  @Test
  void enforceWhenCountersFailThenAttacksAreStillRefusedAndNothingIsAllowed() {
    Enforcer e = enforcer(new Failing() {
      @Override
      public SlidingCounters slidingCounters(String name, StoreSettings settings) {
        return down(SlidingCounters.class);
      }
    }, b -> b.rateLimits(RatePolicy.none()).detection(Detection.defaults()));
    String token = token("alice");
    for (int i = 0; i < 4; i++) {
      assertThatDecision(get(e, "/search?q=1%27%20OR%20%271%27%3D%271", token))
          .isDeniedWith(DenyReason.ATTACK_DETECTED).byGate("inspection");
    }
    assertThatDecision(get(e, "/search?q=shoes", token)).isAllowed(); // nothing counted, so nothing suspended
    for (int i = 0; i < 30; i++) {
      assertThatDecision(get(e, "/search", "not.a.token")).isDeniedWith(DenyReason.TOKEN_MALFORMED);
    }
  }

  @Test
  void countermeasuresWhenStoreWriteFailsThenTheOperatorSeesTheFailure() {
    Enforcer e = enforcer(new Failing() {
      @Override
      public Suspensions suspensions(StoreSettings settings) {
        return suspensionsAnswering(() -> Presence.ABSENT);
      }
    });
    assertThatThrownBy(() -> e.countermeasures().suspendSubject("alice", Duration.ofMinutes(5), "incident"))
        .isInstanceOf(StateUnavailableException.class);
  }

  // ---- one state, several enforcers (what a shared store gives a fleet)

  @Test
  void enforceWhenTwoEnforcersShareOneStateThenASuspensionOrBlockOnOneHoldsOnTheOther() throws Exception {
    SecurityState shared = new Shared();
    Enforcer first = enforcer(shared);
    Enforcer second = enforcer(shared);
    String token = token("alice");
    assertThatDecision(get(second, "/search", token)).isAllowed();
    first.countermeasures().suspendSubject("alice", Duration.ofMinutes(5), "incident");
    assertThatDecision(get(second, "/search", token)).isDeniedWith(DenyReason.TOKEN_SUSPENDED);
    first.countermeasures().blockSource(InetAddress.getByName("198.51.100.7"), Duration.ofMinutes(5), "incident");
    assertThatDecision(get(second, "/health", null)).isDeniedWith(DenyReason.SOURCE_BLOCKED);
    assertThat(second.countermeasures().active()).hasSize(2);
  }

  @Test
  void enforceWhenTwoEnforcersKeepTheDefaultStateThenASuspensionOnOneStaysOnIt() {
    Enforcer first = enforcer(SecurityState.inMemory());
    Enforcer second = Enforcer.builder().bearerJwt(issuer.bearerJwt().build())
        .routes(RoutePolicy.builder().get("/search", Requirement.authenticated()).build())
        .rateLimits(RatePolicy.none()).clock(clock).build(); // state(…) not called: in memory, its own
    String token = token("alice");
    first.countermeasures().suspendSubject("alice", Duration.ofMinutes(5), "incident");
    assertThatDecision(get(first, "/search", token)).isDeniedWith(DenyReason.TOKEN_SUSPENDED);
    assertThatDecision(get(second, "/search", token)).isAllowed();
  }

  @Test
  void stateWhenSetTwiceThenRefused() {
    Enforcer.Builder b = Enforcer.builder().state(SecurityState.inMemory());
    assertThatThrownBy(() -> b.state(SecurityState.inMemory())).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("state");
  }

  // ---- helpers

  /** Suspensions that may hold something and answer every check from {@code answer}; every write fails. */
  private static Suspensions suspensionsAnswering(java.util.function.Supplier<Presence> answer) {
    return new Suspensions() {
      @Override
      public boolean isEmpty() {
        return false;
      }

      @Override
      public Presence check(String tokenKey, Optional<String> subject, Optional<Instant> issuedAt) {
        return answer.get();
      }

      @Override
      public void suspendToken(String tokenKey, Optional<String> subject, String rule, Duration ttl) {
        throw new StateUnavailableException("down");
      }

      @Override
      public void suspendSubject(String subject, String rule, Duration ttl) {
        throw new StateUnavailableException("down");
      }

      @Override
      public void revokeIssuedUpTo(String subject, Instant issuedUpTo, String rule, Duration ttl) {
        throw new StateUnavailableException("down");
      }

      @Override
      public boolean lift(String subject) {
        throw new StateUnavailableException("down");
      }

      @Override
      public List<Entry> subjects() {
        return List.of();
      }

      @Override
      public List<Entry> tokens() {
        return List.of();
      }
    };
  }

  /** Blocks that may hold something and answer every check with {@code answer} ({@code null}: throw). */
  private static SourceBlocks blocksAnswering(Presence answer) {
    return new SourceBlocks() {
      @Override
      public boolean isEmpty() {
        return false;
      }

      @Override
      public Presence check(String address, Optional<String> network, boolean anonymous) {
        if (answer == null) {
          throw new StateUnavailableException("down");
        }
        return answer;
      }

      @Override
      public void block(String key, Scope scope, String rule, Duration ttl) {
        throw new StateUnavailableException("down");
      }

      @Override
      public boolean unblock(String key) {
        return false;
      }

      @Override
      public List<Entry> blocks(Scope scope) {
        return List.of();
      }
    };
  }

  /** The in-memory state; tests override the store they break. */
  /** A store of {@code type} every call of which fails as a store that is down does. */
  private static <T> T down(Class<T> type) {
    return type.cast(java.lang.reflect.Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type},
        (proxy, method, args) -> switch (method.getName()) {
          case "toString" -> "down " + type.getSimpleName();
          case "hashCode" -> System.identityHashCode(proxy);
          case "equals" -> proxy == args[0];
          default -> throw new StateUnavailableException("down");
        }));
  }

  private static class Failing implements SecurityState {
    private final SecurityState memory = SecurityState.inMemory();

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
      return memory.rateBuckets(name, settings);
    }

    @Override
    public SingleUse singleUse(String name, StoreSettings settings) {
      return memory.singleUse(name, settings);
    }
  }

  /** One in-memory store per kind and name, handed to every enforcer that opens it: a fleet in one process. */
  private static final class Shared extends Failing {
    private final Map<String, Object> stores = new ConcurrentHashMap<>();

    @Override
    public Suspensions suspensions(StoreSettings settings) {
      return (Suspensions) stores.computeIfAbsent("suspensions", k -> super.suspensions(settings));
    }

    @Override
    public SourceBlocks sourceBlocks(StoreSettings settings) {
      return (SourceBlocks) stores.computeIfAbsent("blocks", k -> super.sourceBlocks(settings));
    }

    @Override
    public IdentityFlags identityFlags(StoreSettings settings) {
      return (IdentityFlags) stores.computeIfAbsent("flags", k -> super.identityFlags(settings));
    }
  }

  /** Identity flags forwarded to another store; tests override what they break. */
  private static class ForwardingFlags implements IdentityFlags {
    private final IdentityFlags to;

    ForwardingFlags(IdentityFlags to) {
      this.to = to;
    }

    @Override
    public boolean isEmpty(Flag flag) {
      return to.isEmpty(flag);
    }

    @Override
    public Presence check(Flag flag, String key) {
      return to.check(flag, key);
    }

    @Override
    public void set(Flag flag, String key, String rule, Duration ttl) {
      to.set(flag, key, rule, ttl);
    }

    @Override
    public boolean clear(Flag flag, String key) {
      return to.clear(flag, key);
    }

    @Override
    public List<Entry> flagged(Flag flag) {
      return to.flagged(flag);
    }

    @Override
    public TrustLevel levelCap(String subject) {
      return to.levelCap(subject);
    }

    @Override
    public void capLevel(String subject, TrustLevel level, Duration ttl) {
      to.capLevel(subject, level, ttl);
    }
  }
}
