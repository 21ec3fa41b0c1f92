package dev.zt.testkit.it.core;

import dev.zt.core.internal.ClientAddresses;
import dev.zt.core.Decision;
import dev.zt.core.DenyReason;
import dev.zt.core.Enforcer;
import dev.zt.core.RequestContext;
import dev.zt.core.RequestHeaders;

import dev.zt.core.countermeasure.Countermeasure;
import dev.zt.core.countermeasure.CountermeasurePolicy;
import dev.zt.core.countermeasure.Countermeasures;
import dev.zt.core.detect.Detection;
import dev.zt.core.policy.Requirement;
import dev.zt.core.policy.RoutePolicy;

import static dev.zt.testkit.ZtAssertions.assertThatDecision;
import static dev.zt.testkit.ZtAssertions.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.zt.testkit.TestClock;
import dev.zt.testkit.TestIssuer;
import dev.zt.testkit.TestRequest;
import dev.zt.testkit.ZtExtension;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.testing.junit5.OpenTelemetryExtension;
import io.opentelemetry.sdk.trace.data.EventData;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Credential stuffing by login identifier: {@code stuffing.identifier} (many failures for one identifier, from any
 * sources) and {@code stuffing.identifiers} (one source failing for many identifiers), their windows, their bounds,
 * their audit events and their responses — which never touch the account an identifier names.
 */
@ExtendWith(ZtExtension.class)
class IdentifierStuffingTests {

  @RegisterExtension
  static final OpenTelemetryExtension otel = OpenTelemetryExtension.create();

  private static final AttributeKey<String> RULE = AttributeKey.stringKey("zt.rule");
  private static final AttributeKey<String> EVIDENCE = AttributeKey.stringKey("zt.evidence");

  TestIssuer issuer;
  TestClock clock;

  @BeforeEach
  void setUp(TestIssuer issuer, TestClock clock) {
    this.issuer = issuer;
    this.clock = clock;
  }

  private Enforcer enforcer(UnaryOperator<Detection> detection, CountermeasurePolicy responses) {
    return Enforcer.builder()
        .bearerJwt(issuer.bearerJwt().build())
        .routes(RoutePolicy.builder()
            .post("/login", Requirement.permitAll())
            .get("/search", Requirement.authenticated())
            .build())
        .clock(clock)
        .openTelemetry(otel.getOpenTelemetry())
        .detection(detection.apply(Detection.defaults()
            .withIdentifierStuffing(5, Duration.ofMinutes(10))
            .withIdentifiersPerSource(4, Duration.ofMinutes(10))))
        .countermeasures(responses)
        .trustForwardedFor(InetAddress::isLoopbackAddress)
        .build();
  }

  private Enforcer enforcer() {
    return enforcer(UnaryOperator.identity(), CountermeasurePolicy.defaults());
  }

  private RequestContext from(String address) {
    return TestRequest.post("/login").header("X-Forwarded-For", address).clock(clock).build();
  }

  private static void fail(Enforcer e, RequestContext request, String identifier) {
    e.reportAuthenticationFailure(request, identifier);
  }

  private static List<String> rules(Enforcer e) {
    return e.countermeasures().active().stream().map(Countermeasures.Active::rule).toList();
  }

  // ---- stuffing.identifier

  @Test
  void reportWhenOneIdentifierFailsFromManySourcesThenVerdictAtTheThresholdOnly() {
    Enforcer e = enforcer();
    for (int i = 1; i <= 4; i++) {
      fail(e, from("198.51.100." + i), "alice");
    }
    assertThat(e.countermeasures().active()).isEmpty();
    fail(e, from("198.51.100.5"), "alice");
    assertThat(e.countermeasures().active()).singleElement().satisfies(a -> {
      assertThat(a.rule()).isEqualTo("stuffing.identifier");
      assertThat(a.kind()).isEqualTo(Countermeasure.Kind.ENHANCED_MONITORING);
      assertThat(a.target()).isEqualTo("ip:198.51.100.5");
    });
  }

  @Test
  void reportWhenIdentifierSpelledDifferentlyThenCountsAsOne() {
    Enforcer e = enforcer();
    for (String spelling : new String[] {"alice", "Alice", " ALICE ", "\uff41\uff4c\uff49\uff43\uff45", "aLiCe"}) {
      fail(e, from("198.51.100.7"), spelling);
    }
    assertThat(rules(e)).contains("stuffing.identifier").doesNotContain("stuffing.identifiers");
  }

  @Test
  void reportWhenOtherIdentifiersFailThenTheyDoNotAddUp() {
    Enforcer e = enforcer(d -> d.withIdentifiersPerSource(Integer.MAX_VALUE, Duration.ofMinutes(1)),
        CountermeasurePolicy.defaults());
    for (int i = 0; i < 4; i++) {
      fail(e, from("198.51.100.1"), "alice");
      fail(e, from("198.51.100.1"), "bob");
      fail(e, from("198.51.100.1"), "carol");
    }
    assertThat(e.countermeasures().active()).isEmpty();
  }

  @Test
  void reportWhenFailuresAreSpreadBeyondTheWindowThenNoVerdict() {
    Enforcer e = enforcer();
    for (int i = 0; i < 12; i++) {
      fail(e, from("198.51.100." + (i + 1)), "alice");
      clock.advance(Duration.ofMinutes(5)); // 2 per 10-minute window: the sliding count stays below 5
    }
    assertThat(e.countermeasures().active()).isEmpty();
  }

  @Test
  void reportWhenTheWindowRollsThenOldFailuresStopCounting() {
    Enforcer e = enforcer();
    for (int i = 0; i < 4; i++) {
      fail(e, from("198.51.100." + (i + 1)), "alice");
    }
    clock.advance(Duration.ofMinutes(21)); // two windows later: nothing of those remains
    for (int i = 0; i < 4; i++) {
      fail(e, from("198.51.100." + (i + 1)), "alice");
    }
    assertThat(e.countermeasures().active()).isEmpty();
    fail(e, from("198.51.100.9"), "alice");
    assertThat(rules(e)).containsExactly("stuffing.identifier");
  }

  @Test
  void reportWhenIdentifierVerdictsThenTheNamedAccountIsNeverSuspendedOrItsOwnerBlocked() {
    // even a policy that asks for every action cannot hold the verdict against the account it names
    CountermeasurePolicy harsh = CountermeasurePolicy.builder().on("stuffing.identifier",
        Countermeasure.suspendCredential(Duration.ofHours(1)), Countermeasure.throttle(Duration.ofHours(1))).build();
    Enforcer e = enforcer(UnaryOperator.identity(), harsh);
    String alice = issuer.token().subject("alice").build();
    assertThatDecision(await(e.enforce(TestRequest.get("/search").bearer(alice).clock(clock).build()))).isAllowed();
    for (int i = 1; i <= 10; i++) {
      fail(e, from("198.51.100." + i), "alice");
    }
    assertThat(e.countermeasures().active()).noneMatch(a -> a.kind() == Countermeasure.Kind.SUSPEND_CREDENTIAL
        || a.target().contains("alice"));
    assertThatDecision(await(e.enforce(TestRequest.get("/search").bearer(alice).clock(clock)
        .header("X-Forwarded-For", "198.51.100.10").build()))).isAllowed();
  }

  // ---- stuffing.identifiers

  @Test
  void reportWhenOneSourceFailsForManyIdentifiersThenItIsBlockedAndOthersAreNot() {
    Enforcer e = enforcer();
    for (int i = 0; i < 3; i++) {
      fail(e, from("203.0.113.7"), "user" + i);
    }
    assertThat(e.countermeasures().active()).isEmpty();
    fail(e, from("203.0.113.7"), "user3");
    assertThat(e.countermeasures().active()).singleElement().satisfies(a -> {
      assertThat(a.rule()).isEqualTo("stuffing.identifiers");
      assertThat(a.kind()).isEqualTo(Countermeasure.Kind.BLOCK_SOURCE);
      assertThat(a.target()).isEqualTo("203.0.113.7");
    });
    String token = issuer.token().subject("bob").build();
    assertThatDecision(await(e.enforce(TestRequest.get("/search").bearer(token).clock(clock)
        .header("X-Forwarded-For", "203.0.113.7").build()))).isDeniedWith(DenyReason.SOURCE_BLOCKED);
    assertThatDecision(await(e.enforce(TestRequest.get("/search").bearer(token).clock(clock)
        .header("X-Forwarded-For", "203.0.113.8").build()))).isAllowed();
  }

  @Test
  void reportWhenOneSourceRepeatsTheSameIdentifiersThenTheyAreNotDistinct() {
    Enforcer e = enforcer(d -> d.withIdentifierStuffing(1000, Duration.ofMinutes(1)), CountermeasurePolicy.defaults());
    for (int i = 0; i < 20; i++) {
      fail(e, from("203.0.113.7"), "user" + (i % 3));
    }
    assertThat(e.countermeasures().active()).isEmpty();
  }

  @Test
  void reportWhenDistinctIdentifiersAreSpreadBeyondTheWindowThenNoVerdict() {
    Enforcer e = enforcer();
    for (int i = 0; i < 10; i++) {
      fail(e, from("203.0.113.7"), "user" + i);
      clock.advance(Duration.ofMinutes(4)); // at most 3 distinct within any 10 minutes
    }
    assertThat(e.countermeasures().active()).isEmpty();
  }

  @Test
  void reportWhenManySourcesFailForDistinctIdentifiersThenEachSourceCountsAlone() {
    Enforcer e = enforcer();
    for (int s = 0; s < 50; s++) {
      for (int i = 0; i < 3; i++) {
        fail(e, from("203.0.113." + s), "user" + s + "-" + i);
      }
    }
    assertThat(e.countermeasures().active()).isEmpty();
  }

  @Test
  void reportWhenLoopbackFailsForManyIdentifiersThenItIsNeverBlocked() {
    Enforcer e = enforcer();
    for (int i = 0; i < 8; i++) {
      fail(e, TestRequest.post("/login").clock(clock).build(), "user" + i);
    }
    assertThat(e.countermeasures().active()).noneMatch(a -> a.kind() == Countermeasure.Kind.BLOCK_SOURCE);
  }

  // ---- audit, inputs, configuration

  @Test
  void reportWhenVerdictsThenAuditNamesRuleAndEvidenceButNoGuessedIdentifiers() {
    Enforcer e = enforcer();
    Span span = otel.getOpenTelemetry().getTracer("test").spanBuilder("logins").startSpan();
    try (Scope ignored = span.makeCurrent()) {
      for (int i = 1; i <= 5; i++) {
        fail(e, from("198.51.100." + i), "Alice\"\n");
      }
      for (int i = 0; i < 4; i++) {
        fail(e, from("203.0.113.7"), "hunter2-typed-as-name-" + i);
      }
    } finally {
      span.end();
    }
    List<EventData> events = otel.getSpans().get(otel.getSpans().size() - 1).getEvents();
    List<EventData> verdicts = events.stream().filter(ev -> ev.getName().equals("zt.verdict")).toList();
    assertThat(verdicts).extracting(ev -> ev.getAttributes().get(RULE))
        .containsExactly("stuffing.identifier", "stuffing.identifiers");
    assertThat(verdicts.get(0).getAttributes().get(EVIDENCE))
        .isEqualTo("5 authentication failures for identifier \"alice?\" within 600 s, 5 distinct sources among the"
            + " latest 5");
    assertThat(verdicts.get(1).getAttributes().get(EVIDENCE))
        .isEqualTo("4 distinct identifiers failed from 203.0.113.7 within 600 s")
        .doesNotContain("hunter2");
    assertThat(events).filteredOn(ev -> ev.getName().equals("zt.action"))
        .extracting(ev -> ev.getAttributes().get(AttributeKey.stringKey("zt.action")) + " "
            + ev.getAttributes().get(RULE))
        .containsExactly("ENHANCED_MONITORING stuffing.identifier", "BLOCK_SOURCE stuffing.identifiers");
  }

  private RequestContext form(String address, String body) {
    return RequestContext.builder("POST", "/login")
        .headers(RequestHeaders.of(java.util.Map.of("Content-Type", List.of("application/x-www-form-urlencoded"),
            "X-Forwarded-For", List.of(address))))
        .clientAddress(InetAddress.getLoopbackAddress())
        .arrival(clock.instant())
        .formBody(body.getBytes(StandardCharsets.US_ASCII))
        .build();
  }

  @Test
  void reportWhenApplicationAnswers401ToAFormLoginThenTheConfiguredFieldIsTheIdentifier() {
    Enforcer e = enforcer(d -> d.withIdentifierField("username"), CountermeasurePolicy.defaults());
    for (int i = 1; i <= 5; i++) {
      RequestContext login = form("198.51.100." + i, "username=alice&password=guess" + i);
      Decision d = await(e.enforce(login));
      assertThatDecision(d).isAllowed();
      e.report(login, d, i == 5 ? 200 : 401); // the last one succeeded: not a failure
    }
    assertThat(e.countermeasures().active()).isEmpty();
    RequestContext again = form("198.51.100.9", "password=x&username=ALICE");
    e.report(again, await(e.enforce(again)), 401);
    assertThat(rules(e)).containsExactly("stuffing.identifier");
  }

  @Test
  void reportWhenNoIdentifierFieldIsConfiguredThenFormsAreNotReadForIdentifiers() {
    Enforcer e = enforcer();
    for (int i = 0; i < 10; i++) {
      RequestContext login = form("198.51.100." + i, "username=alice");
      Decision d = await(e.enforce(login));
      assertThatDecision(d).isAllowed();
      e.report(login, d, 401);
    }
    assertThat(e.countermeasures().active()).isEmpty();
  }

  @Test
  void reportWhenIdentifierIsBlankThenIgnoredAndNullIsRefused() {
    Enforcer e = enforcer();
    for (int i = 0; i < 10; i++) {
      fail(e, from("203.0.113.7"), "   ");
    }
    assertThat(e.countermeasures().active()).isEmpty();
    assertThatThrownBy(() -> e.reportAuthenticationFailure(from("203.0.113.7"), null))
        .isInstanceOf(NullPointerException.class);
  }

  @Test
  void reportWhenDetectionIsOffThenNothingIsCounted() {
    Enforcer e = Enforcer.builder().bearerJwt(issuer.bearerJwt().build())
        .routes(RoutePolicy.builder().post("/login", Requirement.permitAll()).build())
        .clock(clock).openTelemetry(otel.getOpenTelemetry()).detection(Detection.off())
        .trustForwardedFor(InetAddress::isLoopbackAddress).build();
    for (int i = 0; i < 50; i++) {
      fail(e, from("203.0.113.7"), "user" + i);
      fail(e, from("198.51.100." + i), "alice");
    }
    assertThat(e.countermeasures().active()).isEmpty();
  }

  // ---- the bounded stores themselves


}
