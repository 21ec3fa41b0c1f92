package dev.zt.core.detect;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.zt.core.detect.SqlJudge.Context;
import dev.zt.core.detect.SqlNormalizer.Normalized;
import dev.zt.core.internal.FuzzText;
import java.util.Optional;

/**
 * Fuzz target for the SQL-injection detector and the normalizer and lexer under it: any value is answered without an
 * exception, within the inspection bound, with evidence that is short printable ASCII (it goes to the audit log), and
 * {@code +} is the only character whose meaning differs between a query value and any other value, and the work
 * counted stays within a fixed number of steps per normalized character (a fuzzer that finds a superlinear input
 * fails here). The decoded
 * readings ({@code \xHH} escapes, {@code 0x} literals) are never longer than what they decode, so every reading is
 * bounded by the inspected length.
 */
class SqlInjectionDetectorFuzzTests {

  private static final SqlInjectionDetector DETECTOR = SqlInjectionDetector.create();

  @FuzzTest(maxDuration = "4m")
  void inspectWhenFuzzedThenBoundedPrintableVerdictOrNone(FuzzedDataProvider data) {
    String value = FuzzText.of(data);

    Optional<Verdict> plain = DETECTOR.inspect("query:q", value);
    Optional<Verdict> form = DETECTOR.inspectQueryValue("query:q", value);

    for (Optional<Verdict> verdict : java.util.List.of(plain, form)) {
      verdict.ifPresent(v -> {
        assertThat(v.rule()).matches("sqli\\.[a-z0-9_-]{1,24}");
        assertThat(v.evidence()).matches("[\\x20-\\x7e]*");
        assertThat(v.evidence().length()).isLessThanOrEqualTo(400);
      });
    }
    if (value.indexOf('+') < 0) {
      assertThat(form).isEqualTo(plain);
    }
    assertThat(DETECTOR.inspect("query:q", value)).isEqualTo(plain); // stateless
    for (boolean formEncoded : new boolean[] {false, true}) {
      // Linear work: a bounded number of steps per normalized character (SqlInjectionDetectorLinearityTests
      // measures at most 26 on its adversarial shapes), plus the passes over the raw value and a constant.
      int normalized = SqlNormalizer.normalize(value, formEncoded).text().length;
      long bound = 64L * normalized + 4L * Math.min(value.length(), SqlNormalizer.MAX_INSPECTED) + 256;
      assertThat(SqlInjectionDetector.work(value, formEncoded)).as("steps").isLessThanOrEqualTo(bound);
    }
  }

  @FuzzTest(maxDuration = "4m")
  void normalizeAndLexWhenFuzzedThenBoundedAndSpansInsideTheText(FuzzedDataProvider data) {
    String value = FuzzText.of(data);

    for (boolean formEncoded : new boolean[] {false, true}) {
      Normalized normalized = SqlNormalizer.normalize(value, formEncoded);
      char[] text = normalized.text();
      assertThat(text.length).isLessThanOrEqualTo(SqlNormalizer.MAX_INSPECTED);
      if (value.length() > SqlNormalizer.MAX_INSPECTED) {
        assertThat(normalized.truncated()).isTrue();
      }
      for (char c : text) {
        // printable, a line break or tab, or the mark a NUL or format character leaves (a blank the lexer can tell)
        assertThat(c >= 0x20 && c != 0x7f || c == '\n' || c == '\r' || c == '\t' || c == SqlNormalizer.SPLIT_MARK)
            .isTrue();
      }
      SqlNormalizer.Work work = new SqlNormalizer.Work();
      char[] unescaped = SqlNormalizer.decodeHexEscapes(text, work);
      if (unescaped != null) {
        assertThat(unescaped.length).isLessThan(text.length); // \xHH becomes one character
      }
      int literals = 0;
      for (int i = SqlNormalizer.hexLiteral(text, 0, work); i >= 0; i = SqlNormalizer.hexLiteral(text, i + 2, work)) {
        char[] spelled = SqlNormalizer.decodeHexLiteral(text, i, work);
        if (spelled != null) {
          assertThat(spelled.length).isLessThanOrEqualTo((text.length - i - 2) / 2); // a byte per two digits
        }
        assertThat(++literals).isLessThanOrEqualTo(text.length / (SqlNormalizer.HEX_LITERAL_MIN_DIGITS + 2));
      }
      for (Context context : Context.values()) {
        SqlTokens tokens = SqlLexer.lex(text, text.length, context.quote, context.backslash);
        int previousStart = 0;
        for (int i = 0; i < tokens.size; i++) {
          assertThat(tokens.start[i]).isBetween(previousStart, text.length);
          assertThat(tokens.end[i]).isBetween(tokens.start[i], text.length);
          previousStart = tokens.start[i];
        }
        assertThat(tokens.size).isLessThanOrEqualTo(text.length + 1);
        SqlJudge.judge(SqlJudge.fold(tokens), context);
      }
    }
  }
}
