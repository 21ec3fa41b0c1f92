package dev.zt.core;

import dev.zt.core.credential.BearerJwt;
import dev.zt.core.countermeasure.CountermeasurePolicy;
import dev.zt.core.internal.pipeline.Gate;
import dev.zt.core.rate.RatePolicy;
import dev.zt.core.internal.pipeline.RequestState;
import dev.zt.core.policy.Requirement;
import dev.zt.core.policy.RoutePolicy;
import dev.zt.core.internal.pipeline.Step;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

/**
 * Issue 13, thin adapters: what both adapters need is in core and audited like every decision — the denials an
 * adapter makes itself ({@link Enforcer#refuse}, {@link Enforcer#timedOut}), the arrival stamp, the bytes of a denial
 * and the form-field decoder.
 */
class AdapterDenialTests {

  private final Clock clock = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
  private final List<Decision> audited = new ArrayList<>();
  private final List<String> details = new ArrayList<>();
  private final CompletableFuture<Step> held = new CompletableFuture<>();

  private Enforcer enforcer(boolean holdEveryRequest) {
    Enforcer.Builder b = Enforcer.builder()
        .bearerJwt(BearerJwt.issuer("https://issuer.test").audience("api")
            .keySource((selector, context) -> List.of()).build())
        .routes(RoutePolicy.builder().get("/health", Requirement.permitAll()).build())
        .rateLimits(RatePolicy.none())
        .countermeasures(CountermeasurePolicy.none())
        .auditListener((request, decision, detail) -> {
          audited.add(decision);
          details.add(detail);
        })
        .clock(clock);
    if (holdEveryRequest) {
      b.testingGate(new Gate() {
        @Override
        public String name() {
          return "test-held";
        }

        @Override
        public Step evaluate(RequestState exchange) {
          return Step.later(held);
        }
      });
    }
    return b.build();
  }

  private static RequestContext request(String target) throws Exception {
    return RequestContext.forRequestTarget("GET", target).clientAddress(InetAddress.getByName("192.0.2.7"))
        .arrival(Instant.parse("2026-01-01T00:00:00Z")).build();
  }

  @Test
  void refuseWhenTheParserFailedThenDeniedAuditedAndAnsweredBare() throws Exception {
    Enforcer e = enforcer(false);

    Decision.Deny d = e.refuse(request("/bad-request"), DenyReason.HEADERS_TOO_LARGE, "codec: header too long");

    assertThat(d.reason()).isEqualTo(DenyReason.HEADERS_TOO_LARGE);
    assertThat(d.gate()).isEqualTo("adapter");
    assertThat(d.status()).isEqualTo(431);
    assertThat(audited).containsExactly(d);
    assertThat(details.get(0)).contains("codec: header too long");
    WireResponse wire = e.respond(d);
    assertThat(wire.status()).isEqualTo(431);
    assertThat(wire.bodyBytes()).isEmpty();
    assertThat(wire.closesConnection()).isTrue();
    assertThat(wire.fields()).containsExactly(Map.entry("Connection", "close"), Map.entry("Content-Length", "0"));
  }

  @Test
  void refuseWhenEnforcerFaultedThenInternalErrorAudited() throws Exception {
    Enforcer e = enforcer(false);

    Decision.Deny d = e.refuse(request("/health"), DenyReason.INTERNAL_ERROR, "enforce threw IllegalStateException");

    assertThat(d.status()).isEqualTo(500);
    assertThat(audited).containsExactly(d);
    assertThat(e.respond(d).closesConnection()).isFalse();
  }

  @Test
  void refuseWhenFormBodyBrokeThenStepCompletedAndAuditedWithItsRule() throws Exception {
    Enforcer e = Enforcer.builder()
        .bearerJwt(BearerJwt.issuer("https://issuer.test").audience("api")
            .keySource((selector, context) -> List.of()).build())
        .routes(RoutePolicy.builder().post("/comments", Requirement.permitAll()).build())
        .rateLimits(RatePolicy.none())
        .countermeasures(CountermeasurePolicy.none())
        .auditListener((request, decision, detail) -> audited.add(decision))
        .clock(clock)
        .build();
    RequestContext form = RequestContext.builder("POST", "/comments")
        .headers(RequestHeaders.of(Map.of("Content-Type", List.of(FormBody.MEDIA_TYPE)))).build();
    Decision.ReadForm read = (Decision.ReadForm) e.enforce(form).toCompletableFuture().join();

    Decision.Deny d = e.refuse(read, DenyReason.REQUEST_MALFORMED, "body could not be decoded");

    assertThat(d.reason()).isEqualTo(DenyReason.REQUEST_MALFORMED);
    assertThat(d.rule()).isEqualTo(read.rule());
    assertThat(audited).containsExactly(d);
    assertThatThrownBy(() -> e.formTimedOut(read)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void timedOutWhenDecisionPendingThenDecisionTimeoutAuditedOnceAndTheLateDecisionNot() throws Exception {
    Enforcer e = enforcer(true);
    CompletionStage<Decision> pending = e.enforce(request("/health"));
    assertThat(pending.toCompletableFuture()).isNotDone();

    Decision d = e.timedOut(pending);

    assertThat(d).isInstanceOfSatisfying(Decision.Deny.class,
        x -> assertThat(x.reason()).isEqualTo(DenyReason.DECISION_TIMEOUT));
    assertThat(((Decision.Deny) d).status()).isEqualTo(503);
    assertThat(e.respond((Decision.Deny) d).headers()).containsEntry("Retry-After", "5");
    assertThat(audited).containsExactly(d);

    held.complete(Step.proceed()); // the pipeline's allow arrives after the adapter answered 503
    assertThat(pending.toCompletableFuture().join().allowed()).isTrue();
    assertThat(audited).as("one request, one audited decision").containsExactly(d);
  }

  @Test
  void timedOutWhenDecisionArrivedMeanwhileThenThatDecisionStands() throws Exception {
    Enforcer e = enforcer(true);
    CompletionStage<Decision> pending = e.enforce(request("/health"));
    held.complete(Step.proceed());

    Decision d = e.timedOut(pending);

    assertThat(d.allowed()).isTrue();
    assertThat(audited).containsExactly(d);
  }

  @Test
  void timedOutWhenStageIsForeignThenRefused() {
    Enforcer e = enforcer(false);

    assertThatThrownBy(() -> e.timedOut(new CompletableFuture<>())).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void stampArrivalWhenCalledThenArrivalIsTheEnforcersClockInMillis() {
    Clock fine = Clock.fixed(Instant.parse("2026-01-01T00:00:00.123456789Z"), ZoneOffset.UTC);
    Enforcer e = Enforcer.builder()
        .bearerJwt(BearerJwt.issuer("https://issuer.test").audience("api")
            .keySource((selector, context) -> List.of()).build())
        .routes(RoutePolicy.builder().get("/health", Requirement.permitAll()).build())
        .clock(fine)
        .build();

    RequestContext c = e.stampArrival(RequestContext.builder("GET", "/health")).build();

    assertThat(c.arrival()).isEqualTo(Instant.parse("2026-01-01T00:00:00.123Z"));
    assertThat(c.arrivalStamped()).isTrue();
  }

  @Test
  void fieldsWhenProblemAnswerThenHeadersThenContentLengthOfTheUtf8Body() throws Exception {
    Enforcer e = enforcer(false);
    WireResponse wire = e.respond(new Decision.Deny(DenyReason.CREDENTIAL_MISSING, "g", "r", List.of()));

    List<Map.Entry<String, String>> fields = wire.fields();

    assertThat(fields.subList(0, fields.size() - 1)).containsExactlyElementsOf(wire.headers().entrySet());
    assertThat(fields.get(fields.size() - 1))
        .isEqualTo(Map.entry("Content-Length", Integer.toString(wire.body().getBytes(StandardCharsets.UTF_8).length)));
    assertThat(wire.bodyBytes()).isEqualTo(wire.body().getBytes(StandardCharsets.UTF_8));
    assertThat(wire.closesConnection()).isFalse();
  }

  @Test
  void respondWhenFormReadTimedOutThenConnectionClose() {
    Enforcer e = enforcer(false);

    WireResponse wire = e.respond(new Decision.Deny(DenyReason.FORM_READ_TIMEOUT, "g", "r", List.of()));

    assertThat(wire.closesConnection()).isTrue();
    assertThat(wire.headers()).containsEntry("Connection", "close");
  }

  @Test
  void fieldNameWhenCharsetGivenThenTheSameDecoderReadsTheBytesInIt() {
    FormBody form = FormBody.of("n%E9=caf%E9+au+lait&x=%C3%A9&bad=%zz%4".getBytes(StandardCharsets.ISO_8859_1));

    List<FormBody.Field> f = form.fields();

    assertThat(f.get(0).name(StandardCharsets.ISO_8859_1)).isEqualTo("né");
    assertThat(f.get(0).value(StandardCharsets.ISO_8859_1)).isEqualTo("café au lait");
    assertThat(f.get(1).value(StandardCharsets.UTF_8)).isEqualTo("é").isEqualTo(f.get(1).value());
    assertThat(f.get(2).value(StandardCharsets.ISO_8859_1)).isEqualTo("%zz%4");
    byte[] raw = {'a', '=', (byte) 0xE9};
    assertThat(FormBody.of(raw).fields().get(0).value(StandardCharsets.ISO_8859_1)).isEqualTo("é");
  }
}
