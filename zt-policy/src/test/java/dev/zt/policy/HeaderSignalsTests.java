package dev.zt.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zt.core.Caller;
import dev.zt.core.RequestContext;
import dev.zt.core.RequestHeaders;
import dev.zt.core.trust.SignalResult;
import dev.zt.core.trust.TrustContext;
import dev.zt.core.trust.TrustSignal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The policy file's header signal and header country: listed values, the rest, absence, and bad input. */
class HeaderSignalsTests {

  private static final TrustSignal POSTURE = HeaderSignals.signal("X-Device-Posture",
      Map.of("compliant", new HeaderSignals.Score(1.0, false), "noncompliant", new HeaderSignals.Score(0, true)),
      Optional.of(new HeaderSignals.Score(0.5, false)));

  private static TrustContext with(String name, String... values) {
    RequestHeaders headers = values.length == 0 ? RequestHeaders.of(Map.of())
        : RequestHeaders.of(Map.of(name, List.of(values)));
    return new TrustContext(RequestContext.builder("GET", "/orders").headers(headers).build(), Caller.anonymous(),
        Optional.empty(), Instant.EPOCH);
  }

  @Test
  void signalWhenListedValueThenItsScoreAnyCaseAndTrimmed() {
    SignalResult r = POSTURE.evaluate(with("X-Device-Posture", "  Compliant "));

    assertThat(r.score()).isEqualTo(1.0);
    assertThat(r.hardFail()).isFalse();
  }

  @Test
  void signalWhenHardFailValueThenHardFailure() {
    assertThat(POSTURE.evaluate(with("X-Device-Posture", "NONCOMPLIANT")).hardFail()).isTrue();
  }

  @Test
  void signalWhenOtherValueThenOtherwise() {
    SignalResult r = POSTURE.evaluate(with("X-Device-Posture", "compliant-ish"));

    assertThat(r.score()).isEqualTo(0.5);
    assertThat(r.hardFail()).isFalse();
    assertThat(r.abstained()).isFalse();
  }

  @Test
  void signalWhenHeaderAbsentThenAbstains() {
    assertThat(POSTURE.evaluate(with("X-Device-Posture")).abstained()).isTrue();
  }

  @Test
  void signalWhenSeveralFieldLinesThenOnlyTheFirstCounts() {
    // a client appending "compliant" after the gateway's "noncompliant" gains nothing
    assertThat(POSTURE.evaluate(with("X-Device-Posture", "noncompliant", "compliant")).hardFail()).isTrue();
  }

  @Test
  void signalWhenNoOtherwiseAndValueUnlistedThenAbstains() {
    TrustSignal strict = HeaderSignals.signal("X-Device-Posture",
        Map.of("compliant", new HeaderSignals.Score(1.0, false)), Optional.empty());

    assertThat(strict.evaluate(with("X-Device-Posture", "whatever")).abstained()).isTrue();
  }

  @Test
  void countryWhenTwoLettersThenUpperCasedElseNone() {
    var country = HeaderSignals.country("X-Geo-Country");

    assertThat(country.apply(with("X-Geo-Country", " de "))).contains("DE");
    assertThat(country.apply(with("X-Geo-Country", "DEU"))).isEmpty();
    assertThat(country.apply(with("X-Geo-Country", "D1"))).isEmpty();
    assertThat(country.apply(with("X-Geo-Country", "ÄÖ"))).isEmpty();
    assertThat(country.apply(with("X-Geo-Country"))).isEmpty();
  }

  @Test
  void parseWhenHeaderSignalAndExtensionBothGivenThenRefused() {
    String text = PolicyFileTests.HEAD + PolicyFileTests.ROUTES + """
        trust:
          signals:
            - weight: 1
              extension: device-posture
              header: {name: X-Device-Posture, values: {compliant: 1}}
        """;

    assertThat(PolicyFileTests.problems(text)).anySatisfy(p ->
        assertThat(p.pointer()).startsWith("/trust/signals/0"));
  }

  @Test
  void parseWhenHeaderScoreOutOfRangeOrUnknownWordThenRefused() {
    for (String score : List.of("1.5", "-0.1", "fail", "true")) {
      String text = PolicyFileTests.HEAD + PolicyFileTests.ROUTES + """
          trust:
            signals:
              - weight: 1
                header: {name: X-Device-Posture, values: {compliant: %s}}
          """.formatted(score);

      assertThat(PolicyFileTests.problems(text)).as(score).anySatisfy(p ->
          assertThat(p.pointer()).startsWith("/trust/signals/0/header"));
    }
  }

  @Test
  void parseWhenHeaderNameIsNotATokenThenRefused() {
    String text = PolicyFileTests.HEAD + PolicyFileTests.ROUTES + """
        trust:
          country_from: {header: "X Geo"}
        """;

    assertThat(PolicyFileTests.problems(text)).anySatisfy(p ->
        assertThat(p.pointer()).startsWith("/trust/country_from"));
  }

  @Test
  void parseWhenHeaderSignalThenLoadsWithoutExtensions() throws Exception {
    String text = PolicyFileTests.HEAD + PolicyFileTests.ROUTES + """
        trust:
          signals:
            - name: device
              weight: 2
              header: {name: X-Device-Posture, values: {compliant: 1.0, noncompliant: hard_fail}, otherwise: 0.5}
          country_from: {header: X-Geo-Country}
        """;

    assertThat(PolicyFileTests.parse(text).enforcerBuilder().build()).isNotNull();
  }
}
