package dev.zt.core;

import dev.zt.core.countermeasure.CountermeasurePolicy;
import dev.zt.core.credential.BearerJwt;
import dev.zt.core.detect.Detection;
import dev.zt.core.policy.Requirement;
import dev.zt.core.policy.RoutePolicy;
import dev.zt.core.rate.RatePolicy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 12 §3: a form body is read only for a request that every other check would allow ({@link Decision.ReadForm}),
 * within a deadline, and its inspection is bounded (fields counted before any is parsed or inspected).
 */
class FormReadOrderTests {

  private static final String FORM = "application/x-www-form-urlencoded";
  private static final String INJECTED = "name=x&comment=1%27%20OR%20%271%27%3D%271";

  private final Clock clock = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
  private final List<Decision> audited = new ArrayList<>();

  private Enforcer enforcer(Detection detection) {
    return Enforcer.builder()
        .bearerJwt(BearerJwt.issuer("https://issuer.test").audience("api")
            .keySource((selector, context) -> List.of()).build())
        .routes(RoutePolicy.builder()
            .post("/comments", Requirement.permitAll())
            .post("/orders", Requirement.allScopes("orders:write"))
            .build())
        .rateLimits(RatePolicy.none())
        .detection(detection)
        .countermeasures(CountermeasurePolicy.none())
        .auditListener((request, decision, detail) -> audited.add(decision))
        .clock(clock)
        .build();
  }

  private RequestContext.Builder request(String path, String... headers) {
    Map<String, List<String>> h = new LinkedHashMap<>();
    h.put("Content-Type", new ArrayList<>(List.of(FORM)));
    for (int i = 0; i < headers.length; i += 2) {
      h.computeIfAbsent(headers[i], k -> new ArrayList<>()).add(headers[i + 1]);
    }
    return RequestContext.builder("POST", path).headers(RequestHeaders.of(h)).arrival(clock.instant());
  }

  private static Decision await(java.util.concurrent.CompletionStage<Decision> stage) {
    return stage.toCompletableFuture().join();
  }

  private static DenyReason reason(Decision d) {
    assertThat(d).isInstanceOf(Decision.Deny.class);
    return ((Decision.Deny) d).reason();
  }

  @Test
  void enforceWhenFormUnreadAndEveryGateAllowsThenAsksForTheBodyAndAuditsNothingYet() {
    Enforcer e = enforcer(Detection.defaults());

    Decision d = await(e.enforce(request("/comments").build()));

    assertThat(d).isInstanceOf(Decision.ReadForm.class);
    assertThat(d.allowed()).as("not decided: code that does not know the step fails closed").isFalse();
    Decision.ReadForm read = (Decision.ReadForm) d;
    assertThat(read.maxBytes()).isEqualTo(Detection.DEFAULT_MAX_FORM_BYTES);
    assertThat(read.deadlineMillis()).isEqualTo(clock.millis() + Detection.DEFAULT_FORM_READ_TIMEOUT.toMillis());
    assertThat(read.rule()).isEqualTo(e.routes().routes().get(0).id());
    assertThat(audited).isEmpty();
  }

  @Test
  void enforceWhenFormUnreadAndAnonymousOnProtectedRouteThen401WithoutAskingForTheBody() {
    Enforcer e = enforcer(Detection.defaults());

    Decision d = await(e.enforce(request("/orders").build()));

    assertThat(reason(d)).isEqualTo(DenyReason.CREDENTIAL_MISSING);
  }

  @Test
  void enforceWhenInjectedFormAndAnonymousOnProtectedRouteThen401BeforeTheFormIsInspected() {
    Enforcer e = enforcer(Detection.defaults());

    Decision d = await(e.enforce(request("/orders").formBody(INJECTED.getBytes(StandardCharsets.UTF_8)).build()));

    // before: the form was inspected before the policy gate, and an anonymous caller probed the detector (403)
    assertThat(reason(d)).isEqualTo(DenyReason.CREDENTIAL_MISSING);
  }

  @Test
  void enforceFormWhenBodyReadThenInspectsAndDecidesFinally() {
    Enforcer e = enforcer(Detection.defaults());
    RequestContext ctx = request("/comments").build();
    Decision.ReadForm read = (Decision.ReadForm) await(e.enforce(ctx));

    Decision injected = await(e.enforceForm(read, ctx.withFormBody(INJECTED.getBytes(StandardCharsets.UTF_8))));

    assertThat(reason(injected)).isEqualTo(DenyReason.ATTACK_DETECTED);
    assertThat(audited).containsExactly(injected);

    Decision.ReadForm again = (Decision.ReadForm) await(e.enforce(ctx));
    RequestContext withForm = ctx.withFormBody("name=x&comment=hello".getBytes(StandardCharsets.UTF_8));
    Decision benign = await(e.enforceForm(again, withForm));
    assertThat(benign).isInstanceOf(Decision.Allow.class);
    assertThat(withForm.formBody().orElseThrow().firstValue("comment")).contains("hello");
  }

  @Test
  void enforceFormWhenAnotherRequestsContextOrCalledTwiceThenThrows() {
    Enforcer e = enforcer(Detection.defaults());
    RequestContext ctx = request("/comments").build();
    Decision.ReadForm read = (Decision.ReadForm) await(e.enforce(ctx));
    RequestContext other = request("/comments").build();

    assertThatThrownBy(() -> e.enforceForm(read, other.withFormBody(new byte[0])))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> e.enforceForm(read, ctx)).isInstanceOf(IllegalArgumentException.class);
    e.enforceForm(read, ctx.withFormBody(new byte[0]));
    assertThatThrownBy(() -> e.enforceForm(read, ctx.withFormBody(new byte[0])))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> e.formTimedOut(read)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void formTimedOutWhenBodyTooSlowThen408AndAudited() {
    Enforcer e = enforcer(Detection.defaults().withFormReadTimeout(Duration.ofSeconds(3)));
    Decision.ReadForm read = (Decision.ReadForm) await(e.enforce(request("/comments").build()));
    assertThat(read.deadlineMillis()).isEqualTo(clock.millis() + 3000);

    Decision.Deny d = e.formTimedOut(read);

    assertThat(d.reason()).isEqualTo(DenyReason.FORM_READ_TIMEOUT);
    assertThat(d.status()).isEqualTo(408);
    assertThat(audited).containsExactly(d);
    assertThat(e.respond(d).body()).contains("request-timeout").contains("408");
  }

  @Test
  void enforceWhenDeclaredLengthOverLimitThen413WithoutAskingForTheBody() {
    Enforcer e = enforcer(Detection.defaults().withMaxFormBytes(1024));

    assertThat(reason(await(e.enforce(request("/comments", "Content-Length", "1025").build()))))
        .isEqualTo(DenyReason.FORM_TOO_LARGE);
    assertThat(await(e.enforce(request("/comments", "Content-Length", "1024").build())))
        .isInstanceOf(Decision.ReadForm.class);
  }

  @Test
  void enforceWhenCharsetNotInspectableThen415WithoutAskingForTheBody() {
    Enforcer e = enforcer(Detection.defaults());
    Map<String, List<String>> h = Map.of("Content-Type", List.of(FORM + "; charset=UTF-16"));
    RequestContext ctx = RequestContext.builder("POST", "/comments").headers(RequestHeaders.of(h))
        .arrival(clock.instant()).build();

    assertThat(reason(await(e.enforce(ctx)))).isEqualTo(DenyReason.FORM_UNSUPPORTED);
  }

  @Test
  void enforceWhenDetectionOffThenNoFormIsAskedFor() {
    Enforcer e = enforcer(Detection.off());

    assertThat(await(e.enforce(request("/comments").build()))).isInstanceOf(Decision.Allow.class);
  }

  @Test
  void inspectFormWhen32KiPairsThenRefused413BeforeAnyFieldIsParsedOrInspected() {
    Enforcer e = enforcer(Detection.defaults());
    byte[] body = "'&".repeat(32 * 1024).getBytes(StandardCharsets.US_ASCII);
    Decision.ReadForm read = (Decision.ReadForm) await(e.enforce(request("/comments").build()));

    Decision d = await(e.enforceForm(read, read.context().withFormBody(body)));

    assertThat(reason(d)).isEqualTo(DenyReason.FORM_TOO_LARGE);
    assertThat(read.exchange().inspectedFields()).isZero();
  }

  @Test
  void inspectFormWhenFieldsAtTheCapThenEachIsInspectedOnce() {
    Enforcer e = enforcer(Detection.defaults());
    byte[] body = "'&".repeat(Detection.DEFAULT_MAX_FORM_FIELDS).getBytes(StandardCharsets.US_ASCII);
    Decision.ReadForm read = (Decision.ReadForm) await(e.enforce(request("/comments").build()));

    Decision d = await(e.enforceForm(read, read.context().withFormBody(body)));

    assertThat(d).isInstanceOf(Decision.Allow.class);
    assertThat(read.exchange().inspectedFields()).isEqualTo(Detection.DEFAULT_MAX_FORM_FIELDS);
  }

  @Test
  void fieldCountWhenEmptyPairsThenSkippedAsFieldsAre() {
    FormBody f = FormBody.of("a=1&&b=2&".getBytes(StandardCharsets.US_ASCII));
    assertThat(f.fieldCount()).isEqualTo(2).isEqualTo(f.fields().size());
    assertThat(FormBody.of(new byte[0]).fieldCount()).isZero();
    assertThat(FormBody.of("&&&".getBytes(StandardCharsets.US_ASCII)).fieldCount()).isZero();
  }

  @Test
  void detectionWhenFormReadTimeoutOrFieldCapOutOfRangeThenThrows() {
    assertThatThrownBy(() -> Detection.defaults().withFormReadTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Detection.defaults().withFormReadTimeout(Duration.ofMinutes(6)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Detection.defaults().withMaxFormFields(0)).isInstanceOf(IllegalArgumentException.class);
  }
}
