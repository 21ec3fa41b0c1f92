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
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** SQL injection in the fields of URL-encoded form bodies: inspected like query parameters, bounded, fail closed. */
class FormInspectionTests {

  private static final String FORM = "application/x-www-form-urlencoded";

  private final Clock clock = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
  private final List<String> details = new ArrayList<>();

  private Enforcer enforcer(Detection detection) {
    return Enforcer.builder()
        .bearerJwt(BearerJwt.issuer("https://issuer.test").audience("api")
            .keySource((selector, context) -> List.of()).build())
        .routes(RoutePolicy.builder()
            .post("/comments", Requirement.permitAll())
            .build())
        .rateLimits(RatePolicy.none())
        .detection(detection)
        .countermeasures(CountermeasurePolicy.none())
        .auditListener((request, decision, detail) -> details.add(detail))
        .clock(clock)
        .build();
  }

  private Decision post(Enforcer e, String contentType, String body, String... headers) {
    return post(e, contentType, body.getBytes(StandardCharsets.UTF_8), headers);
  }

  private Decision post(Enforcer e, String contentType, byte[] body, String... headers) {
    Map<String, List<String>> h = new LinkedHashMap<>();
    if (contentType != null) {
      h.put("Content-Type", new ArrayList<>(List.of(contentType)));
    }
    for (int i = 0; i < headers.length; i += 2) {
      h.computeIfAbsent(headers[i], k -> new ArrayList<>()).add(headers[i + 1]);
    }
    RequestContext ctx = RequestContext.builder("POST", "/comments")
        .headers(RequestHeaders.of(h))
        .arrival(clock.instant())
        .formBody(body)
        .build();
    return e.enforce(ctx).toCompletableFuture().join();
  }

  private static DenyReason reason(Decision d) {
    assertThat(d).isInstanceOf(Decision.Deny.class);
    return ((Decision.Deny) d).reason();
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "name=x&comment=1%27%20OR%20%271%27%3D%271",
      "comment=%27+UNION+SELECT+password+FROM+users--",
      "comment=1;DROP TABLE users--",
      "comment=x%27%3B%20WAITFOR%20DELAY%20%270%3A0%3A5%27--",
      "comment=%EF%BC%87%20OR%201%3D1--",            // fullwidth apostrophe
      "comment=%E2%80%99%20OR%201%3D1--",            // typographic apostrophe
      "comment=\u2019 OR 1=1--",                      // the same, sent as raw UTF-8 bytes
      "a=1&%27%20OR%201%3D1--=x",                     // in a field name
      "comment=admin%27%00--"})
  void enforceWhenFormFieldCarriesSqlInjectionThenRefuses403(String body) {
    Enforcer e = enforcer(Detection.defaults());
    Decision d = post(e, FORM, body);

    assertThat(reason(d)).isEqualTo(DenyReason.ATTACK_DETECTED);
    assertThat(((Decision.Deny) d).status()).isEqualTo(403);
    assertThat(((Decision.Deny) d).gate()).isEqualTo("inspection");
    assertThat(details.get(0)).startsWith("sqli.form: location=form:");
  }

  @Test
  void enforceWhenFormFieldIsInjectedThenEvidenceNamesTheField() {
    Decision d = post(enforcer(Detection.defaults()), FORM, "name=Ann&comment=1%27%20OR%20%271%27%3D%271");

    assertThat(reason(d)).isEqualTo(DenyReason.ATTACK_DETECTED);
    assertThat(details.get(0)).contains("location=form:comment ").contains("shape=boolean");
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "name=O%27Brien&comment=It%27s+a+%22quote%22",
      "name=O'Brien&comment=It's a \"quote\"",
      "name=O%E2%80%99Neil&comment=Select+your+size%2C+then+drop+it+in+the+cart",
      "name=&comment=&&",
      "email=ann%40example.com&age=42&note=100%25+sure",
      "q=rock+%27n%27+roll"})
  void enforceWhenFormFieldsAreBenignThenAllows(String body) {
    assertThat(post(enforcer(Detection.defaults()), FORM, body).allowed()).isTrue();
  }

  @Test
  void enforceWhenEncodingIsMalformedThenInspectsTheRawTextAndNeverCrashes() {
    Enforcer e = enforcer(Detection.defaults());
    // invalid escapes stay as they are; what follows them is still read
    assertThat(reason(post(e, FORM, "q=%zz%27%20OR%20%271%27%3D%271"))).isEqualTo(DenyReason.ATTACK_DETECTED);
    assertThat(reason(post(e, FORM, "q=%%27%20OR%201%3D1--"))).isEqualTo(DenyReason.ATTACK_DETECTED);
    // a lone %, a truncated escape, invalid UTF-8: harmless text, allowed
    assertThat(post(e, FORM, "q=%").allowed()).isTrue();
    assertThat(post(e, FORM, "q=50%&r=%2").allowed()).isTrue();
    assertThat(post(e, FORM, new byte[] {'q', '=', (byte) 0xff, (byte) 0xc0, 'a'}).allowed()).isTrue();
    // decoded once only: %2527 is the text %27, not a quote
    assertThat(post(e, FORM, "q=O%2527Brien").allowed()).isTrue();
  }

  @Test
  void enforceWhenBodyIsOverTheLimitThenRefuses413RatherThanInspectingAPrefix() {
    Enforcer e = enforcer(Detection.defaults().withMaxFormBytes(1024));
    String pad = "a=" + "x".repeat(1022); // exactly 1024 bytes

    assertThat(post(e, FORM, pad).allowed()).isTrue();
    Decision over = post(e, FORM, pad + "&");
    assertThat(reason(over)).isEqualTo(DenyReason.FORM_TOO_LARGE);
    assertThat(((Decision.Deny) over).status()).isEqualTo(413);
    assertThat(e.respond((Decision.Deny) over).body()).contains("content-too-large");
    assertThat(details.get(details.size() - 1)).contains("over 1024 bytes");
  }

  @Test
  void enforceWhenInjectionIsPaddedPastTheDetectorsWindowThenStillRefuses() {
    Enforcer e = enforcer(Detection.defaults());
    for (int pad : new int[] {4000, 4095, 4096, 5000, 7700, 30_000}) {
      String body = "comment=" + "+".repeat(pad) + "x%27%20OR%20%271%27%3D%271";
      assertThat(reason(post(e, FORM, body))).as("padded by %d", pad).isEqualTo(DenyReason.ATTACK_DETECTED);
    }
    assertThat(post(e, FORM, "comment=" + "It%27s+fine.+".repeat(3000)).allowed()).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {
      FORM + "; charset=UTF-16",
      FORM + ";charset=utf-7",
      FORM + "; charset=IBM037",
      FORM + "; charset=GBK",
      FORM + "; charset=\"x-unknown\""})
  void enforceWhenCharsetIsNotInspectableThenRefuses415(String contentType) {
    Decision d = post(enforcer(Detection.defaults()), contentType, "comment=hello");

    assertThat(reason(d)).isEqualTo(DenyReason.FORM_UNSUPPORTED);
    assertThat(((Decision.Deny) d).status()).isEqualTo(415);
  }

  @ParameterizedTest
  @ValueSource(strings = {FORM, FORM + "; charset=UTF-8", "Application/X-WWW-Form-URLEncoded;charset=\"utf-8\"",
      FORM + "; charset=ISO-8859-1", FORM + "; charset=us-ascii"})
  void enforceWhenCharsetAgreesWithAsciiThenInspectsAndAllowsBenign(String contentType) {
    Enforcer e = enforcer(Detection.defaults());
    assertThat(post(e, contentType, "comment=hello").allowed()).isTrue();
    assertThat(reason(post(e, contentType, "comment=%27%20OR%201%3D1--"))).isEqualTo(DenyReason.ATTACK_DETECTED);
  }

  @Test
  void enforceWhenFormIsContentEncodedOrTypedTwiceThenRefuses415() {
    Enforcer e = enforcer(Detection.defaults());
    assertThat(reason(post(e, FORM, "comment=hello", "Content-Encoding", "gzip")))
        .isEqualTo(DenyReason.FORM_UNSUPPORTED);
    assertThat(reason(post(e, FORM, "comment=hello", "Content-Type", "text/plain")))
        .isEqualTo(DenyReason.FORM_UNSUPPORTED);
    assertThat(post(e, FORM, "comment=hello", "Content-Encoding", "identity").allowed()).isTrue();
  }

  @Test
  void enforceWhenSqlInjectionDetectionIsOffThenFormsAreNotInspectedOrRead() {
    Enforcer off = enforcer(Detection.off());
    assertThat(off.formBodyLimit()).isZero();
    assertThat(post(off, FORM, "comment=%27%20OR%201%3D1--").allowed()).isTrue();
    assertThat(enforcer(Detection.defaults()).formBodyLimit()).isEqualTo(64 * 1024);
    assertThat(enforcer(Detection.off().withIdentifierField("username")).formBodyLimit()).isEqualTo(64 * 1024);
  }

  @Test
  void enforceWhenNoFormBodyThenNothingChanges() {
    Enforcer e = enforcer(Detection.defaults());
    RequestContext ctx = RequestContext.builder("POST", "/comments").arrival(clock.instant()).build();
    assertThat(ctx.formBody()).isEmpty();
    assertThat(e.enforce(ctx).toCompletableFuture().join().allowed()).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"application/json", "multipart/form-data; boundary=x", "text/plain",
      "application/x-www-form-urlencodedx", "application/x-www-form", "x-www-form-urlencoded", ""})
  void isFormWhenAnotherMediaTypeThenFalse(String contentType) {
    assertThat(FormBody.isForm(contentType)).isFalse();
  }

  @Test
  void isFormWhenFormWithParametersOrCaseThenTrue() {
    assertThat(FormBody.isForm(FORM)).isTrue();
    assertThat(FormBody.isForm(" APPLICATION/x-www-form-urlencoded ; charset=UTF-8")).isTrue();
    assertThat(FormBody.isForm(null)).isFalse();
  }

  @Test
  void fieldsWhenParsedThenRawInOrderAndDecodedOnceOnRequest() {
    FormBody form = FormBody.of("a=1&&b=x+y%2B&c&=v&n%C3%A9=%E2%82%AC&b=2".getBytes(StandardCharsets.US_ASCII));

    assertThat(form.fields()).extracting(FormBody.Field::rawName).containsExactly("a", "b", "c", "", "n%C3%A9", "b");
    assertThat(form.fields().get(1).rawValue()).isEqualTo("x+y%2B");
    assertThat(form.fields().get(1).value()).isEqualTo("x y+");
    assertThat(form.firstValue("né")).contains("€");
    assertThat(form.firstValue("b")).contains("x y+");
    assertThat(form.firstValue("c")).contains("");
    assertThat(form.firstValue("missing")).isEmpty();
    assertThat(FormBody.of("q=%2527".getBytes(StandardCharsets.US_ASCII)).firstValue("q")).contains("%27");
  }

  @Test
  void fieldsWhenRawNonAsciiBytesThenKeptAsEscapes() {
    FormBody form = FormBody.of("n=J\u00f6rg".getBytes(StandardCharsets.UTF_8));
    assertThat(form.fields().get(0).rawValue()).isEqualTo("J%C3%B6rg");
    assertThat(form.firstValue("n")).contains("J\u00f6rg");
    assertThat(form.toString()).doesNotContain("J");
  }

  @Test
  void formBodyWhenTheArrayChangesLaterThenTheContextDoesNot() {
    byte[] body = "a=1".getBytes(StandardCharsets.US_ASCII);
    RequestContext ctx = RequestContext.builder("POST", "/comments").formBody(body).build();
    body[2] = '2';
    assertThat(ctx.formBody().orElseThrow().firstValue("a")).contains("1");
    assertThatThrownBy(() -> RequestContext.builder("POST", "/x").formBody(body).formBody(body))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void detectionWhenFormLimitOutOfRangeThenThrows() {
    assertThatThrownBy(() -> Detection.defaults().withMaxFormBytes(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Detection.defaults().withMaxFormBytes(Detection.MAX_FORM_BYTES + 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Detection.defaults().withIdentifierField(" "))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Detection.defaults().withIdentifiersPerSource(1001, java.time.Duration.ofMinutes(1)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
