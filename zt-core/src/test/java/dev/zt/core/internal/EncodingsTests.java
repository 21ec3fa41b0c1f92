package dev.zt.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EncodingsTests {

  @Test
  void printableAsciiWhenLineBreaksControlsAndNonAsciiThenEachBecomesAQuestionMark() {
    assertThat(Encodings.printableAscii("a\r\nb\u0085c\u2028d\u00e9\u0000e", 64, "")).isEqualTo("a??b?c?d??e");
  }

  @Test
  void printableAsciiWhenQuotesAreAlsoReplacedThenNoneSurvives() {
    assertThat(Encodings.printableAscii("x=\"y\\\" sub=admin", 64, "\"\\")).isEqualTo("x=?y?? sub=admin");
  }

  @Test
  void printableAsciiWhenLongerThanMaxThenCutWithAnEllipsis() {
    assertThat(Encodings.printableAscii("abcdef", 4, "")).isEqualTo("abcd…");
    assertThat(Encodings.printableAscii("abcd", 4, "")).isEqualTo("abcd");
  }

  @Test
  void printableAsciiWhenAHugeHostileValueThenOutputIsBounded() {
    String hostile = "\u2028".repeat(1_000_000);
    assertThat(Encodings.printableAscii(hostile, 400, "")).hasSize(401).startsWith("????").endsWith("…");
  }
}
