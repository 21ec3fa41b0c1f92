package dev.zt.core.internal.pipeline;

import dev.zt.core.internal.pipeline.CoreAccess;
import dev.zt.core.credential.TestCredentials;
import dev.zt.core.Caller;
import dev.zt.core.RequestContext;
import dev.zt.core.credential.VerifiedJwt;
import dev.zt.core.policy.Requirement;
import dev.zt.core.policy.Route;
import dev.zt.core.policy.RoutePolicy;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The per-identity state and the hint a cached {@link Caller} keeps to it: used while valid, never across enforcers,
 * never after eviction, and refreshed through the cache every second.
 */
class IdentitiesTests {

  private final MutableClock clock = new MutableClock(Instant.parse("2026-03-02T10:00:00Z"));
  private final List<Route> routes = RoutePolicy.builder().get("/a", Requirement.authenticated())
      .get("/b", Requirement.authenticated()).build().routes();

  private Identities identities(Optional<String> tenantClaim) {
    return new Identities(100, clock, now -> new Object(), routes, tenantClaim);
  }

  private static Caller caller(String subject, Map<String, Object> claims) {
    Instant now = Instant.parse("2026-03-02T10:00:00Z");
    VerifiedJwt jwt = TestCredentials.jwt("RS256", Optional.empty(), claims, "https://issuer.test",
        Optional.of(subject), List.of("api"), now.plusSeconds(600), now, Optional.empty(), Optional.empty(),
        Optional.empty(), Set.of());
    return CoreAccess.callers().caller(jwt, Set.of());
  }

  private static RequestState exchange(Caller caller) {
    RequestState ex = new RequestState(RequestContext.builder("GET", "/a").build(), "/a", null);
    ex.authenticate(caller);
    return ex;
  }

  @Test
  void ofWhenSameIdentityThroughTwoTokensThenOneState() {
    Identities ids = identities(Optional.empty());
    Identities.State a = ids.of(exchange(caller("alice", Map.of())), clock.millis());
    Identities.State b = ids.of(exchange(caller("alice", Map.of())), clock.millis());
    assertThat(a).isSameAs(b).isSameAs(ids.peek("sub:alice", caller("alice", Map.of())));
    assertThat(ids.of(exchange(caller("bob", Map.of())), clock.millis())).isNotSameAs(a);
  }

  @Test
  void ofWhenExchangeAlreadyFoundItsStateThenReusesIt() {
    Identities ids = identities(Optional.empty());
    RequestState ex = exchange(caller("alice", Map.of()));
    Identities.State s = ids.of(ex, clock.millis());
    assertThat(ex.identityState()).isSameAs(s);
    assertThat(ids.of(ex, clock.millis())).isSameAs(s);
  }

  @Test
  void ofWhenHintOlderThanASecondThenRefreshedThroughTheCache() {
    Identities ids = identities(Optional.empty());
    Caller alice = caller("alice", Map.of());
    Identities.State s = ids.of(exchange(alice), clock.millis());
    long first = s.touched;
    clock.advance(Duration.ofMillis(999));
    assertThat(ids.of(exchange(alice), clock.millis())).isSameAs(s);
    assertThat(s.touched).as("hint used, no refresh").isEqualTo(first);
    clock.advance(Duration.ofMillis(1));
    assertThat(ids.of(exchange(alice), clock.millis())).isSameAs(s);
    assertThat(s.touched).isEqualTo(first + 1000);
  }

  @Test
  void ofWhenStateEvictedThenTheHintIsNotUsedAndANewStateIsMade() {
    Identities ids = identities(Optional.empty());
    Caller alice = caller("alice", Map.of());
    Identities.State s = ids.of(exchange(alice), clock.millis());
    clock.advance(Duration.ofDays(1).plusSeconds(1));
    ids.cleanUp();
    assertThat(s.retired).isTrue();
    Identities.State fresh = ids.of(exchange(alice), clock.millis());
    assertThat(fresh).isNotSameAs(s);
    assertThat(ids.peek("sub:alice", alice)).isSameAs(fresh);
  }

  @Test
  void ofWhenHintBelongsToAnotherEnforcerThenNotUsed() {
    Identities one = identities(Optional.empty());
    Identities two = identities(Optional.empty());
    Caller alice = caller("alice", Map.of());
    Identities.State s1 = one.of(exchange(alice), clock.millis());
    Identities.State s2 = two.of(exchange(alice), clock.millis());
    assertThat(s2).isNotSameAs(s1);
    assertThat(two.peek("sub:alice", alice)).isSameAs(s2);
  }

  @Test
  void ofWhenTenantsDifferThenStatesDiffer() {
    Identities ids = identities(Optional.of("tid"));
    Identities.State acme = ids.of(exchange(caller("alice", Map.of("tid", "acme"))), clock.millis());
    Identities.State globex = ids.of(exchange(caller("alice", Map.of("tid", "globex"))), clock.millis());
    Identities.State none = ids.of(exchange(caller("alice", Map.of())), clock.millis());
    assertThat(acme).isNotSameAs(globex).isNotSameAs(none);
    assertThat(ids.of(exchange(caller("alice", Map.of("tid", "acme"))), clock.millis())).isSameAs(acme);
  }

  @Test
  void ofWhenAnonymousThenNoHintIsLeftOnTheSharedCaller() {
    Identities ids = identities(Optional.empty());
    RequestState ex = new RequestState(RequestContext.builder("GET", "/a").build(), "/a", null);
    ids.of(ex, clock.millis());
    assertThat(CoreAccess.callers().stateHint(Caller.anonymous())).isNull();
  }

  @Test
  void slotWhenRoutesThenOneSlotEachAndOneForUnmatched() {
    Identities ids = identities(Optional.empty());
    assertThat(ids.slotCount()).isEqualTo(3);
    assertThat(ids.slot(routes.get(0))).isEqualTo(0);
    assertThat(ids.slot(routes.get(1))).isEqualTo(1);
    assertThat(ids.slot(null)).isEqualTo(2);
    assertThat(ids.routeId(2)).isEqualTo(Route.DEFAULT_DENY);
    assertThat(ids.routeId(1)).isEqualTo("GET /b");
  }

  /** A clock tests move by hand. */
  static final class MutableClock extends Clock {
    private Instant now;

    MutableClock(Instant start) {
      this.now = start;
    }

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
