package dev.zt.core.detect;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Inspection cost is bounded and linear in the value's length, shown by counting work, never by timing: the steps
 * {@link SqlInjectionDetector#work} counts are every character the normalizer, the decoded readings and the lexer
 * step over and every token the judge looks at, over every reading and context. For adversarial shapes (long runs of
 * what opens a literal, a comment, a call or a parenthesis, what the rules look ahead from, what decodes into more to
 * judge) at n and 4n characters, up to the inspected length, the work at 4n is at most 4.5 times the work at n, and
 * below a fixed number of steps per character. A rule that rescans from an earlier position for every token of a
 * run (as the {@code (5=5)*7} rule once did on a run of {@code (}) makes the work at 4n about sixteen times the work
 * at n, and fails here.
 */
class SqlInjectionDetectorLinearityTests {

  /** The longest value the detector inspects, and a quarter of it. */
  private static final int LONG = SqlInjectionDetector.MAX_INSPECTED;
  private static final int SHORT = LONG / 4;
  /** Linear: four times the length costs at most this many times the work. */
  private static final double MAX_GROWTH = 4.5;
  /** Bounded: no value costs more steps per inspected character than this (the worst measured is 28.5, unknown calls). */
  private static final int MAX_STEPS_PER_CHAR = 64;

  static Stream<Arguments> shapes() {
    String hexOfHex = "0x" + HexFormat.of().formatHex(("0x" + "41".repeat(16) + " ").getBytes(StandardCharsets.US_ASCII))
        + " ";
    return Stream.of(
        Arguments.of("quotes", "'"),
        Arguments.of("double quotes", "\""),
        Arguments.of("backticks", "`"),
        Arguments.of("open parentheses", "("),
        Arguments.of("close parentheses", ")"),
        Arguments.of("nested literal comparison", "((1=1"),
        Arguments.of("parenthesised test then operator", "(5=5)*"),
        Arguments.of("block comment openers", "/*"),
        Arguments.of("closed block comments", "/**/"),
        Arguments.of("executable comments", "/*!"),
        Arguments.of("line comments", "--\n"),
        Arguments.of("dashes", "- -"),
        Arguments.of("hash comments", "#"),
        Arguments.of("quote then comment", "'--"),
        Arguments.of("hex prefixes", "0x "),
        Arguments.of("long hex literals", "0x" + "41".repeat(12) + " "),
        Arguments.of("hex that spells more hex", hexOfHex),
        Arguments.of("utf-16 hex literal", "0x" + "4100".repeat(12) + " "),
        Arguments.of("backslash-x escapes", "\\x27"),
        Arguments.of("backslash-x spelling a quote and or", "\\x27\\x20or\\x20"),
        Arguments.of("backslashes", "\\"),
        Arguments.of("escaped quotes", "\\'"),
        Arguments.of("concatenation", "||"),
        Arguments.of("quote concatenation", "' || '"),
        Arguments.of("alternating quote and keyword", "' or "),
        Arguments.of("quote keyword quote", "'select'"),
        Arguments.of("many or 1=1", " or 1=1"),
        Arguments.of("many and 'a'='a'", "' and 'a'='a"),
        Arguments.of("comment-split keywords", "UN/**/ION/**/"),
        Arguments.of("comment-split halves", "un/**/"),
        Arguments.of("delay calls", "benchmark("),
        Arguments.of("sleep calls", "sleep(("),
        Arguments.of("nested sql calls", "ascii("),
        Arguments.of("if calls", "IF("),
        Arguments.of("elt tests", "ELT(1=1,"),
        Arguments.of("unknown calls", "f("),
        Arguments.of("copy statements", ";copy("),
        Arguments.of("stacked selects", "; select "),
        Arguments.of("select quantifiers", "select all "),
        Arguments.of("grant heads", "' grant all "),
        Arguments.of("union selects", "1 union select "),
        Arguments.of("case when", "case when 1=1 "),
        Arguments.of("html entities", "&#1;"),
        Arguments.of("numbers glued to keywords", "1or1=1 "),
        Arguments.of("delay calls with arguments", "benchmark(1,"),
        Arguments.of("casts after calls", "ascii(1)::"),
        Arguments.of("if then statement", "' if(1)"),
        Arguments.of("or unknown call", " or f("),
        Arguments.of("variables", "@'"),
        Arguments.of("brackets", "[a"),
        Arguments.of("semicolons", ";"),
        Arguments.of("quote operator quote", "'-'"),
        Arguments.of("quote bitwise operator quote word", "a'|'b"),
        Arguments.of("quote space quote", "' '"),
        Arguments.of("percent-encoded quotes", "%27"),
        Arguments.of("iis escapes", "%u0027"),
        Arguments.of("fullwidth quotes", "\uff07"),
        Arguments.of("nfkc-expanding character", "\ufdfa"),
        Arguments.of("nfkc-expanding into parentheses", "\u2474"),
        Arguments.of("adjacent strings after or", "' or '' "),
        Arguments.of("quote word comment", "'a--\n"),
        Arguments.of("semicolon fragments", "; or 1=1 "),
        Arguments.of("words and spaces", "a "),
        Arguments.of("tag-split keywords", "un<>ion sel<>ect "),
        Arguments.of("scientific no-ops", " 1.e( 1.e,"),
        Arguments.of("long numbers before an e", " 11111111.e"),
        Arguments.of("binary prefixes", "binary "),
        Arguments.of("limits", " LIMIT 1,1 INTO @,"),
        Arguments.of("tautologies", "f(@@v)=f(@@v)="),
        Arguments.of("catalog reads", "select a from information_schema.t "),
        Arguments.of("bulk inserts", "bulk insert t from 'x' "),
        Arguments.of("open top selects", "((select top 1 "),
        Arguments.of("quote space quote words", "' 'a "),
        Arguments.of("value lists", "x', 'a', 1, (select 1"),
        Arguments.of("value rows", "'), ('a', 1), ("),
        Arguments.of("set lists", "x', a=1, b='c"),
        Arguments.of("jsonb key tests", " or '{}' ?| array['a'] or 'x'::jsonb ? "),
        Arguments.of("casts after glued calls", "f(x)::double precision "),
        Arguments.of("path globs", "'**/*.js', "),
        Arguments.of("self matches", "42 like 42 "),
        Arguments.of("glued keywords", "adminand 1=1-- -q "),
        Arguments.of("glued calls", "1UPDATEXML(0,"),
        Arguments.of("numbers and dash idioms", "8-- -q\n"),
        Arguments.of("nul-split keywords", "sel\u0000ect uni\u0000on "),
        Arguments.of("line-break-split words", "uni\r\n\r\non\n"),
        Arguments.of("odbc escapes", "{x {a 1"),
        Arguments.of("escapes left after one decoding", "%2527%2520or%2520"),
        Arguments.of("escapes that decode to escapes", "%2525"),
        Arguments.of("escapes four layers deep", "%25252527%25252520or%2525252520"),
        Arguments.of("html character references", "&#x27;&#39; or&#x20;"),
        Arguments.of("unicode escapes", "\\u0027\\u0020or "),
        Arguments.of("named html references", "&apos;&nbsp;or&lpar;"),
        Arguments.of("overlong utf-8", "%C0%A7%C0%A0or%C0%A0"),
        Arguments.of("zero-width-split keywords", "un\u200bion sel\u00adect "),
        Arguments.of("concatenated select lists", " union select a || 'b' || "),
        Arguments.of("arithmetic on parenthesised literals", "'-(1)*(2)='"),
        Arguments.of("expressions between quotes", "1'*col is \\N - '1 x'|a!='"),
        Arguments.of("keywords cut by empty comments", "S/**/E/**/L/**/E/**/C/**/T "),
        Arguments.of("stray percents", "a%nd se%lect "),
        Arguments.of("a percent before every character", "%S%E%L%E%C%T% "),
        Arguments.of("control-split keywords", "uni\u000bon sel\u001eect "),
        Arguments.of("dollar quotes", "$$a$$ $t$b$t$ 1 or x ~ $$c$$ "),
        Arguments.of("unclosed tagged dollar quotes", "$a$ $b1$ x "),
        Arguments.of("unclosed dollar quotes", " $$x "),
        Arguments.of("signs after or", "1 OR~1 AND!0 or -+-+1 "),
        Arguments.of("declarations", "1; declare c cursor local for declare n int; @#x@#"),
        Arguments.of("pattern words", "x' rlike 'a x' like (select 1) "),
        Arguments.of("aliased union lists", " union select all a as b, "),
        Arguments.of("tautologies after odd tokens", "\\.<\\ or 1=1 -- "),
        Arguments.of("odd union columns", " union select !<@,version() "),
        Arguments.of("empty executable comments", "x/*!1*/(/*!*/ 1e1FROM "),
        Arguments.of("mixed", "' or (select ascii(substr(0x41414141414141414141,1)))=1/**/un/**/ion--\\x27`(("));
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("shapes")
  void workWhenAdversarialShapeGrowsFourfoldThenWorkGrowsAtMostLinearly(String name, String unit) {
    for (boolean form : new boolean[] {false, true}) {
      long small = SqlInjectionDetector.work(repeat(unit, SHORT), form);
      long large = SqlInjectionDetector.work(repeat(unit, LONG), form);
      System.out.printf("linearity: %-40s form=%-5s %8d steps at %d chars, %8d at %d: x%.2f, %.1f per char%n", name,
          form, small, SHORT, large, LONG, (double) large / small, (double) large / LONG);
      assertThat(large).as("%s (form %s): %d steps at %d chars, %d at %d", name, form, small, SHORT, large, LONG)
          .isLessThanOrEqualTo((long) (MAX_GROWTH * small));
      assertThat(large).as("%s (form %s): steps per character", name, form)
          .isLessThanOrEqualTo((long) MAX_STEPS_PER_CHAR * LONG);
    }
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("shapes")
  void workWhenValueLongerThanInspectedThenBoundedByTheInspectedLength(String name, String unit) {
    long inspected = SqlInjectionDetector.work(repeat(unit, LONG), true);
    long longer = SqlInjectionDetector.work(repeat(unit, 16 * LONG), true);
    assertThat(longer).as(name).isLessThanOrEqualTo(inspected + LONG);
  }

  /** {@code unit} repeated and cut to exactly {@code length} characters. */
  private static String repeat(String unit, int length) {
    return unit.repeat(length / unit.length() + 1).substring(0, length);
  }
}
