package dev.zt.core.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The detector against two corpora (sources in the files' headers and in docs/detection.md): every attack is
 * flagged and every benign value passes, except the values listed below with the reason each is accepted.
 */
class SqlInjectionDetectorTests {

  private static final SqlInjectionDetector DETECTOR = SqlInjectionDetector.create();

  private static final List<String> ATTACKS = corpus("/sqli/attacks.txt");
  private static final List<String> BENIGN = corpus("/sqli/benign.txt");

  /** Detection rate the corpus must reach; measured 95.7 % (398 of 416) when these thresholds
   * were set, 95.9 % (399 of 416) since issue 20, 96.2 % (400 of 416) since its third round. */
  private static final double MIN_DETECTION = 0.95;
  /** False-positive rate the corpus must stay under; measured 0.69 % (6 of 870); 0.34 % (3 of 870) since issue 20,
   * 3 of 884 with the second round's prose.
   */
  private static final double MAX_FALSE_POSITIVES = 0.01;

  /** Attacks the detector deliberately does not flag, each with the reason. Kept exact by a test below. */
  private static final Map<String, String> KNOWN_MISSES = Map.ofEntries(
      Map.entry("2010-01-01' sleep(20.to_i) '",
          "Ruby, not SQL: 20.to_i is a number and an alias, so sleep() gets two words, which reads as prose"),
      Map.entry("unittests@coreruleset.org\" sleep(10.to_i) \"", "same Ruby probe after a double quote"),
      Map.entry("...(json_build_object(1,password)::jsonb)::int",
          "CRS placeholder '...' before the call: no function is called, so the cast is on a parenthesis"),
      Map.entry("x' or email~all(array[email]);analyze--",
          "PostgreSQL regex match '~' against ALL(ARRAY[..]) is not a modelled comparison; ANALYZE is not a judged"
              + " statement"),
      Map.entry("2020-03-01 UNION ALL SELECT CONCAT",
          "a fragment: UNION SELECT and a bare word is also the search 'union select meaning' (benign corpus)"),
      Map.entry("1='1' or-- -", "OR with nothing after it: no valid query in any of the three contexts"),
      Map.entry("1%2Bcurrent_user::int", "current_user without parentheses is a name; a cast on a name is not judged"),
      Map.entry("admin@juice-sh.op';",
          "a probe that only closes the literal and the statement: the shape of the benign DRESS WITH HAT 18';"),
      Map.entry("admin@juice-sh.op\";", "same probe with a double quote"),
      Map.entry("root@example.com'/* comment */;", "same probe with a closed comment, which is whitespace"),
      Map.entry("{ts 1}UNION SELECT.`` 1.e.table_name", "MySQL lexer quirks: ODBC escape, empty identifier, 1.e"),
      Map.entry("SELECT information_schema 1337.e.tables 13.37e.table_name",
          "MySQL lexer quirk: 1337.e.tables reads as a qualified name"),
      Map.entry("SELECT{_ .``1.e.table_name}", "MySQL lexer quirks: ODBC escape and 1.e"));

  /** Benign values the detector still flags, each with the reason. Kept exact by a test below. */
  private static final Map<String, String> KNOWN_FALSE_POSITIVES = Map.of(
      "7\" #2 CIRCULAR NEEDLE",
      "a quote then #2 after a single token: the shape of admin'#x, which must stay an injection",
      "BAMBOO CHARCOAL SOAP 1 '#",
      "a quote then # at the very end: exactly admin'# (the rest of the query commented out)",
      "FOO+BAR%27%23+BLAH",
      "FOO BAR'# BLAH: a quote then a # comment of one word");

  static Stream<String> attacks() {
    return ATTACKS.stream();
  }

  static Stream<String> benign() {
    return BENIGN.stream();
  }

  static Stream<String> knownMisses() {
    return KNOWN_MISSES.keySet().stream().sorted();
  }

  static Stream<String> knownFalsePositives() {
    return KNOWN_FALSE_POSITIVES.keySet().stream().sorted();
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("attacks")
  void inspectQueryValueWhenAttackCorpusValueThenFlags(String attack) {
    assumeFalse(KNOWN_MISSES.containsKey(attack), () -> "accepted miss: " + KNOWN_MISSES.get(attack));
    Optional<Verdict> verdict = DETECTOR.inspectQueryValue("query:q", attack);
    assertThat(verdict).as(attack).isPresent();
    assertThat(verdict.get().rule()).isEqualTo("sqli.query");
    assertThat(verdict.get().severity()).isIn(Severity.HIGH, Severity.CRITICAL);
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("benign")
  void inspectWhenBenignCorpusValueThenPasses(String value) {
    assumeFalse(KNOWN_FALSE_POSITIVES.containsKey(value),
        () -> "accepted false positive: " + KNOWN_FALSE_POSITIVES.get(value));
    assertThat(DETECTOR.inspect("query:q", value)).as(value).isEmpty();
    assertThat(DETECTOR.inspectQueryValue("query:q", value)).as(value).isEmpty();
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("knownMisses")
  void inspectQueryValueWhenKnownMissThenStillMissesAndIsInCorpus(String attack) {
    assertThat(ATTACKS).contains(attack);
    assertThat(DETECTOR.inspectQueryValue("query:q", attack))
        .as("detected now: remove it from KNOWN_MISSES").isEmpty();
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("knownFalsePositives")
  void inspectWhenKnownFalsePositiveThenStillFlaggedAndIsInCorpus(String value) {
    assertThat(BENIGN).contains(value);
    assertThat(flagged(value)).as("passes now: remove it from KNOWN_FALSE_POSITIVES").isTrue();
  }

  @Test
  void inspectWhenCorporaMeasuredThenRatesMeetThresholds() {
    long detected = ATTACKS.stream().filter(a -> DETECTOR.inspectQueryValue("query:q", a).isPresent()).count();
    long falsePositives = BENIGN.stream().filter(SqlInjectionDetectorTests::flagged).count();
    double detection = (double) detected / ATTACKS.size();
    double falsePositive = (double) falsePositives / BENIGN.size();
    System.out.printf("SQLi corpus: %d attacks, %d detected (%.1f %%); %d benign, %d false positives (%.2f %%)%n",
        ATTACKS.size(), detected, 100 * detection, BENIGN.size(), falsePositives, 100 * falsePositive);
    assertThat(ATTACKS).hasSizeGreaterThanOrEqualTo(150);
    assertThat(BENIGN).hasSizeGreaterThanOrEqualTo(300);
    assertThat(detection).isGreaterThanOrEqualTo(MIN_DETECTION);
    assertThat(falsePositive).isLessThanOrEqualTo(MAX_FALSE_POSITIVES);
    assertThat(ATTACKS.size() - detected).isEqualTo(KNOWN_MISSES.size());
    assertThat(falsePositives).isEqualTo(KNOWN_FALSE_POSITIVES.size());
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {"", "abc", "A-1_b.c", "12345", "order_by", "union", "SELECT", "1.0", "--", "a-b-c"})
  void inspectWhenValueIsOnlyWordCharactersThenEmpty(String value) {
    assertThat(DETECTOR.inspect("query:q", value)).isEmpty();
    assertThat(DETECTOR.inspectQueryValue("query:q", value)).isEmpty();
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', textBlock = """
      query:id          | sqli.query
      path:3            | sqli.path
      header:User-Agent | sqli.header
      form:name         | sqli.form
      Cookie:session    | sqli.cookie
      weird kind!:x     | sqli.weirdkind
      :x                | sqli.value
      nocolon           | sqli.nocolon
      """)
  void inspectWhenLocationHasKindThenRuleIsSqliDotKind(String location, String rule) {
    assertThat(DETECTOR.inspect(location, "' OR 1=1--")).get().extracting(Verdict::rule).isEqualTo(rule);
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {"1; DROP TABLE users--", "'; EXEC xp_cmdshell 'dir'--", "1' AND SLEEP(5)--",
      "1; WAITFOR DELAY '0:0:5'", "' || pg_sleep(10)--", "1 AND BENCHMARK(5000000,MD5(1))"})
  void inspectWhenStackedOrTimeBasedThenCritical(String attack) {
    assertThat(DETECTOR.inspect("query:q", attack)).get().extracting(Verdict::severity).isEqualTo(Severity.CRITICAL);
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {"' OR 1=1--", "1 UNION SELECT 1,2", "admin'--", "' AND extractvalue(1,version())--",
      "1 ORDER BY 5--"})
  void inspectWhenOtherInjectionThenHigh(String attack) {
    assertThat(DETECTOR.inspect("query:q", attack)).get().extracting(Verdict::severity).isEqualTo(Severity.HIGH);
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {"admin'#x", "admin'#'", "admin'--x'", "admin'-a-b--", "admin' #1", "1')#--'"})
  void inspectWhenCommentFollowsQuoteAfterSingleTokenThenFlagsWhateverTheCommentHolds(String attack) {
    assertThat(DETECTOR.inspect("form:user", attack)).get().extracting(Verdict::evidence).asString()
        .contains("shape=comment");
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {"adding the '--disable-largefile' option to the 'configure' script",
      "I used the '#' key", "red shoes' -cheap -used --kids", "see the \"-----BEGIN CERTIFICATE-----\" line"})
  void inspectWhenCommentLikeTextFollowsQuoteAfterWordsThenPasses(String prose) {
    assertThat(DETECTOR.inspect("query:q", prose)).isEmpty();
  }

  @Test
  void inspectWhenFlaggedThenEvidenceHasLocationFingerprintAndShortExcerptOnly() {
    String attack = "' OR 1=1-- " + "x".repeat(40) + "SECRET-TAIL-MARKER";
    Verdict verdict = DETECTOR.inspect("query:id", attack).orElseThrow();
    assertThat(verdict.evidence())
        .startsWith("location=query:id ")
        .contains("shape=boolean", "context=after-single-quote", "fingerprint=s&1=1c", "excerpt=' OR 1=1-- ")
        .doesNotContain("MARKER");
    String excerpt = verdict.evidence().substring(verdict.evidence().indexOf("excerpt=") + "excerpt=".length());
    assertThat(excerpt).hasSizeLessThanOrEqualTo(60);
  }

  @Test
  void inspectWhenValueHasControlCharactersThenEvidenceIsPrintable() {
    Verdict verdict = DETECTOR.inspect("header:X-Test\r\nInjected: yes", "' OR 1=1--\r\n\u0007\u00e9").orElseThrow();
    assertThat(verdict.evidence()).doesNotContain("\r", "\n", "\u0007").matches("[\\x20-\\x7e]*");
  }

  @Test
  void inspectWhenValueLongerThanLimitThenInspectsTheFirst4096CharactersAndSaysSo() {
    String padding = "lorem ipsum ".repeat(400);
    Optional<Verdict> early = DETECTOR.inspect("form:comment", "' OR 1=1-- " + padding);
    assertThat(early).get().extracting(Verdict::evidence).asString().contains("inspected=first-4096-chars");
    assertThat(DETECTOR.inspect("form:comment", "x" + padding + "' OR 1=1--")).isEmpty();
  }

  @Test
  void inspectQueryValueWhenPlusEncodesSpaceThenDecodesItAndInspectKeepsIt() {
    assertThat(DETECTOR.inspectQueryValue("query:id", "1+OR+1=1")).isPresent();
    assertThat(DETECTOR.inspect("path:id", "1+OR+1=1")).isEmpty(); // a literal plus: 1 + OR + 1 is not SQL
    assertThat(DETECTOR.inspectQueryValue("query:q", "C%2B%2B and Java")).isEmpty();
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {
      "%27%20OR%201%3D1--", // percent-encoded once
      "%u0027 OR 1=1--", // IIS %u escape
      "\uff07 \uff2f\uff32 \uff11\uff1d\uff11\uff0d\uff0d", // fullwidth ' OR 1=1--
      "\u2019 OR \u20191\u2019=\u20191", // typographic quotes
      "1%C2%A0UNION%C2%A0SELECT%C2%A01,2", // no-break spaces
      "1%A0UNION%A0SELECT%A01,2", // a Latin-1 no-break space, not valid UTF-8
      "1 UN/**/ION SEL/**/ECT 1,2--", // words split by comments
      "1 /*!50000UnIoN*/ /*!50000SeLeCt*/ 1,2", // MySQL executable comments
      "1%0AUNION%0ASELECT%0A1,2", // line breaks as whitespace
      "-1 --%0A union select 1,2", // a line comment that the value continues past
  })
  void inspectQueryValueWhenAttackIsEncodedOrObfuscatedThenNormalizesAndFlags(String attack) {
    assertThat(DETECTOR.inspectQueryValue("query:q", attack)).isPresent();
  }

  /**
   * An escape that survives the server's decoding is read a second time, decoded as a form decoder does it ({@code +}
   * a space), as a reading of its own: what an application or a service further on that decodes again would run (WAF
   * testers send {@code ' UNION%0aSELECT} percent-encoded as it is written, so the application receives {@code %0a}).
   */
  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {"%2527%2520OR%25201%253D1--", "%27%20UNION%250aSELECT%250a1,2,3--",
      "%27%20uni%256fn%20sel%2565ct%201,2,3--", "1%27%250cOR%250c%271%27%3D%271", "%27%20or%201%5D%2500",
      "%2527%2BOR%2B%25271%2527%253D%25271", "1%2BOR%2B1%253D1"})
  void inspectWhenDoubleEncodedThenReadsTheSecondDecoding(String attack) {
    assertThat(DETECTOR.inspect("query:q", attack)).as(attack).get().extracting(Verdict::evidence).asString()
        .contains("reading=percent-decoded-twice");
  }

  /**
   * Eighth round: JavaScript/JSON backslash-u escapes join the backslash-x reading, HTML character references
   * ({@code &#x27;}, {@code &#39;}, {@code &apos;}, {@code &nbsp;}) are read decoded (WAF testers' {@code unicode},
   * {@code html_hex} and {@code html_named} mutations), then percent-decoded when they spell escapes
   * ({@code &#x25;0a}: two schemes stacked); overlong UTF-8 ({@code %C0%A7}) is read as the ASCII it spells.
   */
  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(delimiter = '|', textBlock = """
      %5Cu0027%5Cu0020%5Cu004f%5Cu0052%5Cu0020%5Cu0027%5Cu0031%5Cu0027%5Cu003d%5Cu0027%5Cu0031 | backslash-x-decoded
      %26%23x27%3B%26%23x20%3Bor%26%23x20%3B1%3D1--                                                 | html-entity-decoded
      %26%2339%3B+or+%26%2339%3B1%26%2339%3B%3D%26%2339%3B1                                        | html-entity-decoded
      %26%23x27%3B+UNION%26%23x25%3B0aSELECT%26%23x25%3B0a1,2--                                   | html-entity-decoded
      %5Cu0027+UNION%5Cu00250aSELECT%5Cu00250a1,2--                                                | backslash-x-decoded
      %26%2339%3B%26nbsp%3BOR%26nbsp%3B%26%2339%3B1%26%2339%3B%3D%26%2339%3B1                          | html-entity-decoded
      %26apos%3B+or+%26apos%3B1%26apos%3B%3D%26apos%3B1                                            | html-entity-decoded
      %C0%A7%C0%A0or%C0%A01=1--                                                                    | overlong-utf8-decoded
      """)
  void inspectWhenUnicodeEscapesOrHtmlReferencesSpellAnInjectionThenReadsThemDecoded(String attack, String reading) {
    assertThat(DETECTOR.inspectQueryValue("query:q", attack)).as(attack).get().extracting(Verdict::evidence)
        .asString().contains("reading=" + reading);
  }

  /** Beside it: a name or a sentence written with those references or escapes. */
  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {"O%26%2339%3BBrien", "don%26%2339%3Bt+stop", "Tom%26%2339%3Bs+%26amp%3B+Jerry%26%2339%3Bs+--+best",
      "caf%5Cu00e9", "it%5Cu0027s+John%5Cu0027s+book", "O%26apos%3BBrien", "Tom+%26amp%3B+Jerry%26apos%3Bs",
      "caf%C0%A9", "%C0%A7", "fish+%26amp%3B+chips+%26lpar%3Bwith+peas%26rpar%3B"})
  void inspectWhenUnicodeEscapesOrHtmlReferencesInTextThenPasses(String value) {
    assertThat(DETECTOR.inspectQueryValue("query:q", value)).as(value).isEmpty();
  }

  /** Encoded again and again (WAF testers' {@code double_url} mutation): read through up to four decodings. */
  @Test
  void inspectWhenEncodedThreeOrFourTimesThenReadsEachDecodingAndNoMore() {
    assertThat(DETECTOR.inspect("query:q", "%252527%252520OR%2525201%25253D1--")).get()
        .extracting(Verdict::evidence).asString().contains("reading=percent-decoded-3-times");
    assertThat(DETECTOR.inspect("query:q", "%25252527%25252520OR%252525201%2525253D1--")).get()
        .extracting(Verdict::evidence).asString().contains("reading=percent-decoded-4-times");
    assertThat(DETECTOR.inspect("query:q", "%2525252527%2525252520OR%25252525201%252525253D1--")).isEmpty();
  }

  /** Beside it: a fifth encoding is not decoded, and benign values decoded again are still benign. */
  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {"%2525252527%2525252520OR%25252525201%252525253D1--", "O%2527Brien", "O%252527Brien",
      "50%2525 off", "100%25%20sure",
      "https%253A%252F%252Fexample.com%252Fsearch%253Fq%253Dshoes", "%2541%2542%2543",
      "C%252B%252B%2Brocks", "1%2B1%253D2%2Bis%2Btrue"})
  void inspectWhenFiveTimesEncodedOrBenignEncodedAgainThenPasses(String value) {
    assertThat(DETECTOR.inspect("query:q", value)).as(value).isEmpty();
  }

  @Test
  void inspectWhenNulNextToQuoteThenFlagsAndNulAloneDoesNot() {
    assertThat(DETECTOR.inspect("query:q", "abc%00'")).get().extracting(Verdict::evidence).asString()
        .contains("shape=nul-byte");
    assertThat(DETECTOR.inspect("query:q", "hello%00world")).isEmpty();
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {"\\' OR 1=1--", "foo\\''or'1'='1"})
  void inspectWhenBackslashEscapesMatterThenEitherReadingIsJudged(String attack) {
    // Standard SQL ends the literal at \' ; MySQL does not. Each attack works under one of the two readings.
    assertThat(DETECTOR.inspect("query:q", attack)).isPresent();
  }

  @Test
  void inspectWhenArgumentsNullThenThrows() {
    assertThatNullPointerException().isThrownBy(() -> DETECTOR.inspect(null, "x"));
    assertThatNullPointerException().isThrownBy(() -> DETECTOR.inspect("query:q", null));
    assertThatNullPointerException().isThrownBy(() -> DETECTOR.inspectQueryValue("query:q", null));
  }

  // Issue 20: the classes the detector missed on a corpus it was never tuned on. Each case below was missed before.

  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {
      "42` WHERE 1049=8008 OR SLEEP(2)-- x",
      "test`=`test` AND MAKE_SET(9000=9000,1179) AND `test`=`test",
      "1`) WHERE 4271=7262 UNION ALL SELECT NULL,NULL-- x",
      "books`=`books` AND 5372=IF((7124=7124),BENCHMARK(5000000,MD5('x')),7164) AND `books`=`books"})
  void inspectWhenOddBacktickHidesTheRestThenReadsAfterTheBacktick(String attack) {
    assertThat(DETECTOR.inspectQueryValue("query:sort", attack)).as(attack).isPresent();
  }

  @Test
  void inspectWhenBacktickIdentifierContextThenEvidenceNamesIt() {
    assertThat(DETECTOR.inspect("query:sort", "name` WHERE 1=2 UNION SELECT 1,2-- x").orElseThrow().evidence())
        .contains("context=after-backtick");
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {
      "' insert into users values('eve','x')--",
      "admin'create user eve identified by 'x'--",
      "' grant all privileges on *.* to 'eve'@'%'--",
      "' backup database master to disk='\\\\host\\share\\db.bak'--",
      "' copy users from program 'id'--",
      "' print @@version--",
      "' desc users--",
      "' select password from users where name='admin'--",
      "1 exec(@s)",
      "0x73656c65637420404076657273696f6e exec(@s)",
      "@var select @var as var into temp end --"})
  void inspectWhenStatementFollowsClosingContextWithoutSemicolonThenCritical(String attack) {
    Optional<Verdict> verdict = DETECTOR.inspectQueryValue("query:q", attack);
    assertThat(verdict).as(attack).isPresent();
    assertThat(verdict.get().severity()).as(attack).isEqualTo(Severity.CRITICAL);
    assertThat(verdict.get().evidence()).contains("shape=stacked");
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {" or x=x", " HAVING 1=1", " ORDER BY 1--", "AND false", " like '%'", " and USER=USER",
      "1 HAVING 3893=3505", "1\") WHERE 1471=7534 AND 'x'=REGEXP_SUBSTRING(REPEAT('a',1000),NULL)--"})
  void inspectWhenFragmentAppendedToValueWithoutQuoteThenFlags(String attack) {
    assertThat(DETECTOR.inspectQueryValue("query:q", attack)).as(attack).isPresent();
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {" MAKE_SET(4734=3827,2264)", "ELT(4095=4557,4686)", "IIF(9100=2066,1907,1/0)",
      "7,IIF(3387=5681,1,1/0)", "1;IIF(4366=3056,1,1/0)", "(7430=7853)*42"})
  void inspectWhenBooleanTestInsideCallWithoutAndOrThenFlags(String attack) {
    Optional<Verdict> verdict = DETECTOR.inspectQueryValue("query:q", attack);
    assertThat(verdict).as(attack).isPresent();
    assertThat(verdict.get().evidence()).contains("shape=boolean");
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {"'|| 'a' ||'", "' || '' || '", "x' || 'y' || '"})
  void inspectWhenConcatenationThatTheClosingQuoteCompletesThenFlags(String attack) {
    Optional<Verdict> verdict = DETECTOR.inspectQueryValue("query:q", attack);
    assertThat(verdict).as(attack).isPresent();
    assertThat(verdict.get().evidence()).contains("shape=expression");
  }

  @ParameterizedTest(name = "[{index}] {0} -> {1}")
  @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
      \\x27\\x4F\\x52 SELECT *                                          | backslash-x-decoded
      \\x27UNION SELECT 1,2--                                           | backslash-x-decoded
      CONVERT(varchar, 0x77616974666f722064656c61792027303a303a3527) | hex-literal-decoded
      CONVERT(varchar, 0x770061006900740066006f0072002000640065006c00610079002000270030003a0030003a00350027) \
        | hex-literal-decoded
      """)
  void inspectWhenKeywordsHexOrBackslashEncodedThenJudgesWhatTheySpell(String attack, String reading) {
    Optional<Verdict> verdict = DETECTOR.inspect("query:q", attack);
    assertThat(verdict).as(attack).isPresent();
    assertThat(verdict.get().evidence()).contains("reading=" + reading);
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {"1or1=1", "1001AND 3471=1176", "-5971OR 3140=1510 # x", "1UNION SELECT 1,2"})
  void inspectWhenNumberGluedToKeywordThenSplitsItAsMySqlDoes(String attack) {
    assertThat(DETECTOR.inspectQueryValue("query:id", attack)).as(attack).isPresent();
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {
      "RANDOMBLOB(500000000/2)",
      "-1 UNION SELECT 1 INTO @,@",
      "128+(SELECT x WHERE 4173=9681 AND 'a'=REGEXP_SUBSTRING(REPEAT('a',1000),NULL))",
      "') RAISE_ERROR('70001','q'||(SELECT CURRENT_USER)||'q')"})
  void inspectWhenHeavyCallUnknownFunctionOrSelectIntoThenFlags(String attack) {
    assertThat(DETECTOR.inspectQueryValue("query:q", attack)).as(attack).isPresent();
  }

  // Issue 20, second round: the misses named from the tuning part of the public corpora, as grammar.

  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {"'-'", "'&'", "'^'", "\"-\"", "' - '", "'%2B0%2B'", "x'*1*'", "admin'-'", "'|'", "'/'"})
  void inspectWhenQuoteOperatorQuoteThenFlagsTheImplicitConversion(String attack) {
    // name = ''-'' : MySQL reads both strings as 0, so the test matches every name that is not a number
    Optional<Verdict> verdict = DETECTOR.inspectQueryValue("form:user", attack);
    assertThat(verdict).as(attack).isPresent();
    assertThat(verdict.get().evidence()).contains("shape=expression");
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {"'LIKE'", "\"LIKE\"", "x'like'", "' or '' '", "\" or \"\" \"", "' or ''*'"})
  void inspectWhenComparisonOrLogicMeetsAQuoteTheApplicationClosesThenFlags(String attack) {
    assertThat(DETECTOR.inspectQueryValue("form:user", attack)).as(attack).isPresent();
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {"' or (EXISTS)", "' or (version)", "x' and (user)--"})
  void inspectWhenSqlFunctionNameStandsAloneAfterLogicThenFlags(String attack) {
    assertThat(DETECTOR.inspectQueryValue("form:user", attack)).as(attack).isPresent();
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {"'test--", "'admin #", "'x/*"})
  void inspectWhenValueClosesTheLiteralThenOneWordAndCommentThenFlags(String attack) {
    assertThat(DETECTOR.inspectQueryValue("form:user", attack)).get().extracting(Verdict::evidence).asString()
        .contains("shape=comment");
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {"; or '1'='1'", ";or 1=1", "; and 2>1"})
  void inspectWhenSemicolonThenFragmentThenFlags(String attack) {
    assertThat(DETECTOR.inspectQueryValue("query:id", attack)).as(attack).isPresent();
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {"0x77616974666f722064656c61792027303a303a3527",
      "0x770061006900740066006F0072002000640065006C00610079002000270030003A0030003A"})
  void inspectWhenValueIsOnlyAHexLiteralSpellingAnInjectionThenDecodesItDespiteTheFastPath(String attack) {
    assertThat(DETECTOR.inspect("query:id", attack)).get().extracting(Verdict::evidence).asString()
        .contains("reading=hex-literal-decoded");
  }

  /** Prose and code beside the shapes above: an operator or word between quotes that the value closes itself. */
  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {"O'Brien", "rock 'n' roll", "it's - it's", "'a' & 'b'", "we sell 'a' & 'b' sizes",
      "press '+' to zoom in", "type '-' for none", "delim=\" | \",", "Ch'in's dynasty", "a 6'-7' player",
      "5' - 6' tall", "\"LIKE\" STAMP", "\"*\"", "'*'", "'cause -- why not", "the '70s -- a decade",
      "'Tis the season", "O'Neil or (left) wing", "Step 1; or else", "0xdeadbeefcafebabe1234",
      "0x52908400098527886E0F7030069857D2E4169EE7"})
  void inspectWhenProseOrCodeBesideTheSecondRoundShapesThenPasses(String value) {
    assertThat(flagged(value)).as(value).isFalse();
  }

  // Issue 20, third round: the classes still open after the second, as grammar.

  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {"A' | 'B", "x'|'y", "admin' ^ 'x", "1' | '1", "A\" | \"B", "x'-1|'y"})
  void inspectWhenQuoteBitwiseOperatorQuoteAroundWordsThenFlagsTheImplicitConversion(String attack) {
    // name = 'A' | 'B' : MySQL reads both strings as 0, so the test matches every name that is not a number
    Optional<Verdict> verdict = DETECTOR.inspectQueryValue("form:user", attack);
    assertThat(verdict).as(attack).isPresent();
    assertThat(verdict.get().evidence()).contains("shape=expression");
  }

  /** Beside it: quoted words joined by | or ^ in code and prose, and measurements with the same quotes. */
  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {"'a' | 'b'", "type Align = 'left' | 'right'", "x | 'y'", "a' | b", "a 6'|7' board",
      "6'-7'", "Tom' | 'Jerry and friends", "Kids' | 'Teens' | 'Adults'", "ls | 'grep", "a = b' | 'c",
      "run(' | 'x", "it's | 'quoted", "x' | 'y' or z", "a' ^ 'b c"})
  void inspectWhenQuotedWordsJoinedByBitwiseOperatorInTextThenPasses(String value) {
    assertThat(flagged(value)).as(value).isFalse();
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {"' '", "admin' '", "1'  '", "\" \"", "x\" \"", "'/**/'"})
  void inspectWhenQuoteSpaceQuoteThenFlagsTheConcatenationProbe(String attack) {
    // 'admin' '' : adjacent literals concatenate, so the query runs unchanged: the probe that the quote got through
    Optional<Verdict> verdict = DETECTOR.inspectQueryValue("form:user", attack);
    assertThat(verdict).as(attack).isPresent();
    assertThat(verdict.get().evidence()).contains("shape=expression");
  }

  /** Beside it: a quoted space in code, a typo'd contraction, two quoted words, prose before the quote. */
  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {"' '.join(words)", "\" \".join(parts)", "split(' ')", "sep=' '", "x = ' '",
      "don' 't", "'a' 'b'", "\"a\" \"b\"", "the 90' '", "O'Brien", "rock 'n' roll", "it's ' quoted", "') '",
      "a' 'b", "`x` `"})
  void inspectWhenQuoteSpaceQuoteInCodeOrProseThenPasses(String value) {
    assertThat(flagged(value)).as(value).isFalse();
  }

  // Issue 20, fourth round: a value that opens with ) closes the application's parenthesis, as a number closes a
  // numeric position; and a select list that concatenates a quoted literal.

  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(delimiterString = " -> ", quoteCharacter = '"', textBlock = """
      )) SELECT 1 FROM RDB$DATABASE -> stacked
      ))) SELECT 'qbzqq'||(CASE 9419 WHEN 1489 THEN 1 ELSE 0 END)||'qkujq' FROM RDB$DATABASE -> stacked
      ) SELECT 'a'||'b' FROM t -> stacked
      1) SELECT 'a'||'b' FROM t -> stacked
      ) WHERE 1=1 -> clause
      )) ORDER BY 1-- -> order-by
      ) AND 'a'='a -> boolean
      """)
  void inspectWhenValueClosesAParenthesisThenReadsWhatFollowsAsAfterANumber(String attack, String shape) {
    Optional<Verdict> verdict = DETECTOR.inspectQueryValue("q", attack);
    assertThat(verdict).as(attack).isPresent();
    assertThat(verdict.get().evidence()).contains("shape=" + shape);
  }

  /** Beside it: code's continuation lines and list items that open with ), which only a literal comparison turns. */
  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {") and sys.version_info < (3, 8):", ") or len(node.body) < 1:", ") or x=y",
      ") select the file from the menu", ").parse_cl()", ") + '\\n';", ") order by date", ") where x = y",
      ")) and then", ":) select all from here", ") SELECT name FROM users"})
  void inspectWhenValueOpensWithAParenthesisInCodeOrProseThenPasses(String value) {
    assertThat(flagged(value)).as(value).isFalse();
  }

  /** Instructions to a person read like a statement: a determiner after FROM, or THEN after the first item. */
  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {"Select 'All' from the menu", "Select \"All\" from the menu", "1) Select 'All' from the menu",
      "2. Select 'All' from the menu", ") Select 'All' from the menu", "select 'none' from your options",
      "Select 'Export' from the dropdown and press Enter", "Select 1 from the list", "Select * from the list",
      "Select 'Yes', then click OK"})
  void inspectWhenSelectReadsAsAnInstructionThenPasses(String value) {
    assertThat(flagged(value)).as(value).isFalse();
  }

  /** Beside it: the same words as a query still flag. */
  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {"SELECT 'a' FROM dual", "select 'x' from users;", "SELECT 'a','b' FROM t",
      "SELECT * FROM users", "Select 'All' from the menu--", "1) SELECT 'a' FROM dual", "SELECT 'a' FROM users u"})
  void inspectWhenSelectIsAQueryThenStillFlags(String attack) {
    assertThat(flagged(attack)).as(attack).isTrue();
  }

  /** A word quoted in text, a quoted phrase with words after it, a dash before a sentence: prose, not a payload. */
  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {"Use 'OR' to combine filters, e.g. cats OR dogs", "Hit \"Execute\" and wait",
      "\"Exec\" summary attached", "\"and\" vs \"&\"", "\"Delete from cart\" doesn't work",
      "Execute 'make' then 'make install'", "'A' or 'B' -- pick one", "\"Yes\" and \"No\" -- both wrong",
      "it's (almost) done -- promise", "\"report (final) -- v2.pdf\""})
  void inspectWhenSqlWordIsQuotedInProseThenPasses(String value) {
    assertThat(flagged(value)).as(value).isFalse();
  }

  /** Beside it: the glued and spaced payloads these shapes resemble still flag. */
  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {"'or'1=1", "'||'6", "admin' or 'x", "' or 'a'='a", "x 'OR' 1=1--", "1 or 1 --",
      "1 or 1 -- qZnT", "' exec xp_cmdshell 'dir", "' DELETE FROM cart WHERE 'a'='a", "exec('select 1')",
      "x' char(65) --", "x' char (65) --", "x' foo(1) --", "x' concat (1,2) --"})
  void inspectWhenQuotedWordShapeIsAPayloadThenStillFlags(String attack) {
    assertThat(flagged(attack)).as(attack).isTrue();
  }

  // Issue 20, fifth round (from the tuning parts of OWASP ZAP and nuclei-templates): a double-quoted qualified name
  // called as a routine, a sort direction appended to a value, the rest of a select list, a table function on a
  // literal.

  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {"\"java.lang.Thread.sleep\"(5000)", "1 / \"java.lang.Thread.sleep\"(5000) ",
      "admin' / \"java.lang.Thread.sleep\"(5000) / '",
      "; select \"java.lang.Thread.sleep\"(5000) from t where a = 'b' -- ", "1 ASC  -- ", "admin DESC  -- ",
      "1 desc -- qZnT", "* from wp_users-- -", "id,md5(999999999)", "id,count(*) --",
      "SELECT content FROM read_blob('/etc/passwd')"})
  void inspectWhenQuotedRoutineCallOrSortDirectionFragmentThenFlags(String attack) {
    assertThat(DETECTOR.inspectQueryValue("form:q", attack)).as(attack).isPresent();
  }

  /** Beside it: a quoted title before a year, a quoted word before a parenthesis, a sort order in a sentence. */
  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {"\"Parasite\"(2019)", "\"Sleep\"(2023) -- great movie", "\"sleep\"(deprived)",
      "the \"sleep\" (rest) -- ok", "Sort: name desc -- newest first", "price desc -- cheapest last",
      "\"a.b\"(c)", "* from Amazon -- prices may vary", "* from Amazon", "* from the store --", "a,max(b)",
      "Select content from the list('x')"})
  void inspectWhenQuotedWordBeforeParenthesisOrSortOrderInTextThenPasses(String value) {
    assertThat(flagged(value)).as(value).isFalse();
  }

  /**
   * Sixth round: keywords split by an empty tag, which an application that strips markup joins (the issue's
   * comment-split keywords in another spelling), and a select list that is a product of numbers, the probe of an
   * endpoint that runs SQL.
   */
  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {"\u9326' a<>nd 1=2 un<>ion sel<>ect 1,2,3,md5(999999999)#", "1 UN<>ION SEL<>ECT 1,2--",
      "1' a<>nd sl<>eep(5)--", "select 547653*865674 as id", "SELECT 899999*899999", "select 2*3;",
      "' select 547653*865674 as id--"})
  void inspectWhenTagSplitKeywordsOrComputedSelectListThenFlags(String attack) {
    assertThat(DETECTOR.inspectQueryValue("form:q", attack)).as(attack).isPresent();
  }

  /**
   * Eighth round: keywords split by a NUL, a line break or an invisible format character (a zero-width space, a
   * soft hyphen), which a filter that strips them joins (WAF-bypass lists' {@code SEL%00ECT}, {@code SE%0D%0ALECT},
   * {@code un%E2%80%8Bion}): the comment-split keywords in more spellings.
   */
  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {"SEL%00ECT%20*%20FROM%20users", "SE%0D%0ALECT%20*%20FROM%20users",
      "' UNI%0D%0AON SELECT 1--", "1' uni%00on sel%00ect 1,2--", "1 OR%0ADER BY 1--", "1 UNI%0AON SEL%0D%0AECT 1,2--",
      "%27%20un%E2%80%8Bion se%E2%80%8Blect 1%E2%80%8B,2--", "1 UNI%C2%ADON SEL%C2%ADECT 1,2--"})
  void inspectWhenNulOrLineBreakSplitKeywordsThenFlags(String attack) {
    assertThat(DETECTOR.inspectQueryValue("query:q", attack)).as(attack).isPresent();
  }

  /**
   * Eighth round: a UNION SELECT whose select list concatenates with {@code ||} (GoTestWAF's padded payloads end in
   * {@code ' UNION SELECT username || ':' || password FROM users}); each {@code ||} lets the list run two tokens further.
   */
  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {"x' UNION SELECT username || ':' || password FROM users", "x' UNION SELECT a||b FROM users",
      "1 union select a || '~' || b || '~' || c from t"})
  void inspectWhenUnionSelectListConcatenatesThenFlags(String attack) {
    assertThat(DETECTOR.inspectQueryValue("query:q", attack)).as(attack).isPresent();
  }

  /** Beside it: {@code ||} in prose and code, and a select in a sentence with no UNION before it. */
  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {"tea || coffee from the shop", "a || b from c", "select tea || coffee from the menu",
      "x = a || b; // from the list"})
  void inspectWhenConcatenationInTextThenPasses(String value) {
    assertThat(flagged(value)).as(value).isFalse();
  }

  /** Eighth round: a literal in parentheses after arithmetic is that literal ({@code '-(1)='0} reads as {@code '-1='0}). */
  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {"'-(1)='0", "x'*(2)='0", "aa'or column%2B(1)='1"})
  void inspectWhenArithmeticOnParenthesisedLiteralThenComparisonThenFlags(String attack) {
    assertThat(DETECTOR.inspectQueryValue("query:q", attack)).as(attack).isPresent();
  }

  /** Beside it: arithmetic of that kind in text. */
  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {"pages 10-(12)", "price 5*(3) = 15", "O'Brien-(1)", "1-(1)", "'-(1)"})
  void inspectWhenArithmeticOnParenthesisedLiteralInTextThenPasses(String value) {
    assertThat(flagged(value)).as(value).isFalse();
  }

  /** Eighth round: MySQL's ODBC escape {@code {identifier expr}} is its expression, whatever the identifier. */
  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {"' AND{x 1}=1--", "' or {a 1}={a 1}--", "1 and {x (select 1)}=1"})
  void inspectWhenOdbcEscapeHoldsTheTestThenFlags(String attack) {
    assertThat(DETECTOR.inspectQueryValue("query:q", attack)).as(attack).isPresent();
  }

  /** Beside it: braces of templates and code. */
  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {"{{#each items}}", "{name} ordered {count} items", "if (a) {return b}",
      "function f() {return 1=1}", "{x 1} is the first cell"})
  void inspectWhenBracesOfTemplatesOrCodeThenPasses(String value) {
    assertThat(flagged(value)).as(value).isFalse();
  }

  /**
   * Beside them: lines of text, and two SQL words on two lines (not joined: both halves are words already); a bare
   * keyword, joined, is no shape.
   */
  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {"first line%0Asecond line", "Select%0Afrom the menu", "and%0Aor", "O'Brien%0Aselect",
      "sel%00ect", "uni%0D%0Aon street", "Dear Sir,%0D%0Aplease select%0D%0Aone of the options", "Order%0Aby phone",
      "Donau%C2%ADdampf%C2%ADschiff%C2%ADfahrt", "O%E2%80%8B'Brien", "Caf%C3%A9%E2%80%8B and%E2%80%8B bar",
      "%EF%BB%BFselect your size"})
  void inspectWhenLineBreaksInTextOrBareJoinedKeywordThenPasses(String value) {
    assertThat(DETECTOR.inspectQueryValue("query:q", value)).as(value).isEmpty();
  }

  /**
   * Beside them: the not-equal of VB and SQL between names (joined only into a word neither half is, of three
   * letters or more), an empty tag in text, and a select of a product that prose goes on after.
   */
  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {"If o<>r Then", "if a<>b then", "foo<>bar", "un<>known", "sel<>ection", "x <> y",
      "<>", "select 2*3 items", "Select 2-3 items from the list", "select 1/2 cup of sugar", "select 1 as id",
      "select 2 as your answer", "Choose 3*4 tiles"})
  void inspectWhenNotEqualBetweenWordsOrArithmeticInTextThenPasses(String value) {
    assertThat(flagged(value)).as(value).isFalse();
  }

  /**
   * Fragments appended with no quote first, in shapes of the lists' tuning parts: a function's name as a bare value,
   * a word comparison with a SQL call, GROUP BY and HAVING, the head of a subquery; and SQLite's PRAGMA and ATTACH.
   */
  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {" or (EXISTS)", " or username like char(37);", " (select top 1", "' (select top 1",
      " group by userid having 1=1--", "PRAGMA table_info('users');", "pragma writable_schema=1;",
      "ATTACH DATABASE '/tmp/x.db' AS x", "'; ATTACH DATABASE '/var/www/x.php' AS x;--"})
  void inspectWhenListFragmentOrSqliteStatementThenFlags(String attack) {
    assertThat(DETECTOR.inspectQueryValue("form:q", attack)).as(attack).isPresent();
  }

  /** Beside them: the same words in sentences and code. */
  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {"either or (exists)", "or something like fun(x)",
      "tastes like chicken (select top 5 recipes)",
      "group by name having fun", "a pragma is a compiler directive", "#pragma once", "use pragma(foo) in code",
      "attach the file to your email", "Attach 'report.pdf' as evidence", "attach database", "or (exists",
      "Attach database 'notes' as archive", "select database -- the one you want",
      "name like concat(a,b) and more"})
  void inspectWhenListFragmentWordsInTextThenPasses(String value) {
    assertThat(flagged(value)).as(value).isFalse();
  }

  /**
   * MySQL tokenisation that sqlmap's tamper scripts use: {@code BINARY} before an operand ({@code binary}) and a
   * number written {@code 1.e} before a bracket or a comma, which MySQL reads as nothing ({@code scientific}).
   */
  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {"173) AS cmgf WHERE binary 4380=binary 4975 AND binary 7749=binary 4",
      "books\" OR NOT binary 7476=binary 9478#", "1 AND binary 2>binary 1",
      "1 UNION ALL SELECT binary NULL, binary NULL, binary NULL", "1;SELECT SLEEP 1.e(2 1.e)#",
      "1 AND ORD 1.e(MID((CURRENT_USER 1.e( 1.e) 1.e) 1.e,7 1.e,1 1.e) 1.e)>1",
      "1' UNION ALL SELECT NULL 1.e,NULL 1.e,NULL-- Poqo",
      "42\" 1.e) 1.e) UNION ALL SELECT 'q' 1.e| 1.e|'r' 1.e,6200-- x",
      "1001\"))%0AUNION%0CALL%09SELECT%0CNULL--%0AYsmr", "1.UNION SELECT.2alias",
      "admin AND GTID_SUBSET(CONCAT_WS(0x28,0x496e,0x7e454e44),1337)#"})
  void inspectWhenMySqlBinaryOrScientificNotationHidesTheShapeThenFlags(String attack) {
    assertThat(DETECTOR.inspectQueryValue("form:q", attack)).as(attack).isPresent();
  }

  /** Beside it: the word and the numbers in text. */
  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {"a binary tree", "binary search in O(log n)", "it's a binary (0/1) choice",
      "version 1.e(beta)", "see section 2.e, page 3", "values 1.e,2.e,3.e", "the 'binary' option -- default"})
  void inspectWhenBinaryOrNumbersWithEInTextThenPasses(String value) {
    assertThat(flagged(value)).as(value).isFalse();
  }

  /**
   * Cheat-sheet shapes: a statement that reads a system catalog, SELECT of a pseudo-column or a function SQL calls
   * without parentheses, BACKUP and RESTORE to or from a disk, LOAD DATA INFILE, CREATE OR REPLACE FUNCTION, COPY
   * with a column list, an Oracle job, a call on a system variable, LIMIT after a quote, a word literal concatenated,
   * and a whole boolean test that fingerprints a database.
   */
  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {"SELECT table_name FROM information_schema.tables", "SELECT datname FROM pg_database",
      "SELECT name, password FROM master..sysxlogins", "select banner from v$version", "SELECT user;",
      "SELECT CURRENT_USER", "BACKUP LOG [TESTING] TO DISK = '\\\\10.0.0.1\\f'",
      "RESTORE VERIFYONLY FROM DISK = '\\\\10.0.0.1\\f'", "LOAD DATA INFILE '/etc/passwd' INTO TABLE t;",
      "CREATE OR REPLACE FUNCTION system(cstring) RETURNS int AS '/lib/libc.so.6', 'system' LANGUAGE 'c' STRICT;",
      "COPY nc(t) TO '/tmp/nc.sh';", "DBMS_SCHEDULER.CREATE_JOB (job_name => 'x', job_action => 'id')",
      "convert(int,@@version)", "1' LIMIT 1,1 INTO @,@,@--+", "' 'DERP", "'%2B'HERP",
      "connection_id()=connection_id()", "@@CONNECTIONS>0", "'i'='i'", "1337=1337",
      "RAWTOHEX('AB')=RAWTOHEX('AB')", "'||UTL_HTTP.REQUEST", "query_to_xml($$select 1$$,true,true,'')-- -"})
  void inspectWhenCheatSheetShapeThenFlags(String attack) {
    assertThat(DETECTOR.inspectQueryValue("form:q", attack)).as(attack).isPresent();
  }

  /** Beside them: the same words and shapes in sentences, code and data. */
  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {"select a file from pg_admin's menu", "Select user", "select current user",
      "back up the log to disk", "Restore from disk backup", "Restore files from disk = true",
      "load data from the file", "create or replace it",
      "copy nc(t) to the clipboard", "load data infile secure-file-priv", "1 limit 1 into the basket",
      "dbms_scheduler create job example", "f(x)=f(x) is trivially true", "E=mc2", "2+2=4", "x=1", "1=2", "\"a\"=\"b\"",
      "score=score", "@@ -1,2 +1,3 @@", "a == a", "don' 't", "a' 'b", "limit 1,1 into the cart"})
  void inspectWhenCheatSheetWordsInTextThenPasses(String value) {
    assertThat(flagged(value)).as(value).isFalse();
  }

  /**
   * jSQL Injection's shapes: a stacked SELECT with no FROM and a WHERE test, and a value that closes a parenthesis and
   * cuts the rest of the query with a comment.
   */
  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {"1;select 1 where char(97)>=char(98)-- -q7Zt", "admin';select 1 where 1=2-- -q7Zt",
      "1)-- -q7Zt", "2011020120))-- -q7Zt", ")-- -", "1) #"})
  void inspectWhenStackedSelectWhereOrParenthesisThenCommentThenFlags(String attack) {
    assertThat(DETECTOR.inspectQueryValue("form:q", attack)).as(attack).isPresent();
  }

  /**
   * A number, or a comparison of two, then MySQL's {@code -- -} that cuts the rest of the query (and a scanner's tag):
   * jSQL's numeric probes, {@code id=8-- -} dropping a trailing {@code AND owner=…}.
   */
  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {"8-- -q7Zt", "1-- -", "1 -- -", "10=1-- -q7Zt", "10!=0-- -q7Zt", "10.1=0.1-- -q7Zt",
      "10%2B1=1-- -q7Zt", "1=1-- -", "7 <> 7 -- -x"})
  void inspectWhenNumberOrComparisonThenDashIdiomThenFlags(String attack) {
    assertThat(DETECTOR.inspectQueryValue("query:q", attack)).as(attack).isPresent();
  }

  /** Beside it: no dash after the blank, a sentence or a number after it, a long word, text before the number. */
  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {"1--", "1 --", "8 -- great", "2-- -3", "5 -- - done", "1-- -abcdefghij", "1-- - x",
      "Chapter 1 -- -", "score 1=2 -- -", "10=1"})
  void inspectWhenNumberThenDashesInTextThenPasses(String value) {
    assertThat(flagged(value)).as(value).isFalse();
  }

  /** A scanner's true/false probe right after its prefix, then a comment that cuts the rest (jSQL's no-mode tests). */
  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {"2011020120 char(97)>=char(98)-- -q7Zt", "2011020120'chr(48)>=chr(49)-- -q7Zt",
      "1;'a'='b'-- -q7Zt", "2011020120 ;1=2-- -q7Zt"})
  void inspectWhenProbeComparisonAfterPrefixThenCommentThenFlags(String attack) {
    assertThat(DETECTOR.inspectQueryValue("form:q", attack)).as(attack).isPresent();
  }

  /** Beside it: a list item and code's closing line with a comment. */
  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {"1) -- first item and more", ")  # type: Dict[str, int]", ")  # noqa", "Call me :) -- bob",
      "Please select 1 where you live", "8 -- great", "1) -- ok", "3 limit 2 -- promo", "score 1=2 -- hmm",
      "Team A 2=2 -- draw game", "rating 5 char(1) -- x"})
  void inspectWhenParenthesisThenCommentInTextThenPasses(String value) {
    assertThat(flagged(value)).as(value).isFalse();
  }

  /**
   * libinjection's shapes: UNION of a parenthesised SELECT, stacked LOAD … INFILE, DELETE with MySQL's modifiers; and
   * SQL Server's DENY and RECONFIGURE as statements.
   */
  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {"union (select 1)--", "1 union all (select 1)--", "1;load xml local infile \"foo\"",
      "1;load data infile \"foo\"", "1; delete quick from foo", "1; delete low_priority ignore from foo",
      "'; DENY INSERT ON orders TO public;--", "'; RECONFIGURE;--"})
  void inspectWhenParenthesisedUnionOrMySqlStatementModifiersThenFlags(String attack) {
    assertThat(DETECTOR.inspectQueryValue("form:q", attack)).as(attack).isPresent();
  }

  /** Beside it: the words in sentences. */
  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {"the union (select 1) of workers", "delete quick from my list", "load data in file",
      "deny access to users", "Deny all charges on my card", "reconfigure the router",
      "We deny all claims on behalf of the company"})
  void inspectWhenUnionOrLoadWordsInTextThenPasses(String value) {
    assertThat(flagged(value)).as(value).isFalse();
  }

  /** A quote right after {@code [} opens a string, as after {@code (} or {@code =}: an array of options in code. */
  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {"program.parse(['--port', '80'], { from: 'user' }); // just user supplied arguments",
      "argv = ['--verbose', '--dry-run']", "opts['--force'] = true"})
  void inspectWhenQuotedOptionInArrayThenPasses(String value) {
    assertThat(flagged(value)).as(value).isFalse();
  }

  /** Python's string prefixes before a quote that opens a string: a lexer table, a bytes literal. */
  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {"(r'--.*$', Comment.Single),", "(r'#.*$', Comment),", "sep = b'--'",
      "(r'#[0-9a-fA-F]+', Number.Hex),", "(r'--|->', Operator),",
      "args.append(f'--prompt=\"{self.orig_prompt}\"')"})
  void inspectWhenPythonPrefixedStringThenPasses(String value) {
    assertThat(flagged(value)).as(value).isFalse();
  }

  /** Beside it: an injection after the same prefixes stays one. */
  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {"(r' or 1=1--", "r' or '1'='1", "x = b'; drop table users--", "(rb' union select 1,2--",
      "(r'--"})
  void inspectWhenInjectionAfterPythonPrefixThenFlags(String attack) {
    assertThat(DETECTOR.inspectQueryValue("form:q", attack)).as(attack).isPresent();
  }

  /** LIMIT after a numeric position, then a comment, INTO (the column-count probe), UNION or PROCEDURE. */
  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {"1 LIMIT 1-- -", "1 limit 1,1-- -", "1 LIMIT 1 INTO @,@,@", "1) LIMIT 1 INTO @a#",
      "1 LIMIT 0 UNION SELECT 1,2"})
  void inspectWhenLimitEndsTheQueryAfterANumberThenFlags(String attack) {
    assertThat(DETECTOR.inspectQueryValue("form:q", attack)).as(attack).isPresent();
  }

  /** Beside it: a limit in a sentence. */
  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {"2 limit 3 -- per customer, sorry", "Buy 1 limit 1 per order", "1 limit 1",
      "limit 1 -- x"})
  void inspectWhenLimitInTextThenPasses(String value) {
    assertThat(flagged(value)).as(value).isFalse();
  }

  /** SQL Server's BULK INSERT reads a file into a table: a statement, alone or after a closing context. */
  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {"bulk insert t from 'c:\\x.txt'", "1 bulk insert t from 'x'",
      "' BULK INSERT users FROM '\\\\host\\share\\x.txt'--"})
  void inspectWhenBulkInsertFromFileThenFlags(String attack) {
    assertThat(DETECTOR.inspectQueryValue("form:q", attack)).as(attack).isPresent();
  }

  /** Beside it: the words in a sentence. */
  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {"We offer bulk insert from 'partners' too", "bulk insert", "bulk insert speeds",
      "bulk inserts from the warehouse"})
  void inspectWhenBulkInsertInTextThenPasses(String value) {
    assertThat(flagged(value)).as(value).isFalse();
  }

  /**
   * An INSERT's value list finished from inside one of its values: more values and the list's {@code )}, then a
   * comment that cuts the rest, another row, or MySQL's ON DUPLICATE KEY UPDATE (an upsert that sets a column).
   */
  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {"test'), ('admin', 'admin')-- -", "test'),('admin','admin')#", "foo', 'bar')-- -",
      "a\",\"b\")--", "x', 1, 1) ON DUPLICATE KEY UPDATE role='admin'-- ",
      "' ON DUPLICATE KEY UPDATE password='hacked", "'), ('evil', '", "x', null, (select user())) #",
      "1, 1), (2, 3)-- -",
      "me@x.io\", \"pw\"), (\"admin@x.io\", \"pw\") ON DUPLICATE KEY UPDATE password=\"pw\" --"})
  void inspectWhenInsertValueListFinishedThenFlags(String attack) {
    assertThat(DETECTOR.inspectQueryValue("form:q", attack)).as(attack).isPresent();
  }

  /**
   * Beside it: lists that just end, comments with words, code that opens its strings, a row the application's rest
   * cannot follow, prose before the quote.
   */
  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {"'a', 'b') -- see below", "print('a', 'b')  # hi", "x', 'y')  # type: ignore",
      "'), ('evil', 1)", "Hello'), ('world')", "I said 'hi'), (and left)", "it's 'a', 'b')#", "1, 2) -- note",
      "(1), (2, 3)", "Tuple (1, 2), (3, 4)--", "pairs (1, 2), (3, 4)", "on duplicate key update the row",
      "(1, 2)--", "(1,2)--(3,4)", "(1, a=2)--",
      "\"a\", \"b\")"})
  void inspectWhenValueListsInTextThenPasses(String value) {
    assertThat(flagged(value)).as(value).isFalse();
  }

  /**
   * More columns of an UPDATE set from inside one of its values: {@code , col = value} after the closing quote, then a
   * comment that cuts the rest, a WHERE, or a literal the application's quote closes.
   */
  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {"x', role='admin", "x', role='admin'-- -", "x', is_admin=1-- -",
      "x', is_admin=1 where user='admin'-- -", "foo\", admin=\"1", "1, is_admin=1-- -",
      "x', a=1, b=(select 2)#"})
  void inspectWhenUpdateSetListContinuedThenFlags(String attack) {
    assertThat(DETECTOR.inspectQueryValue("form:q", attack)).as(attack).isPresent();
  }

  /** Beside it: prose before the quote, a comment with words, code's keyword arguments, no column set. */
  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {"See 'x', y='z'", "x', y=1 -- note", "f(a', b='c')", "1, is_admin=1", "Name', 'x",
      "1, x=2 where y", "x', role=\"admin"})
  void inspectWhenAssignmentsInTextThenPasses(String value) {
    assertThat(flagged(value)).as(value).isFalse();
  }

  /** USER(), DATABASE(), SCHEMA() stay SQL calls inside a known function, and a comment after a star stays one. */
  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {"1 and ascii(substring(user(),1,1))>64", "1 and length(database())>1",
      "' and left(schema(),1)='a", "UNION/**/SELECT/**/*/**/FROM users", "admin'/*", "1'/**/or/**/1=1/*"})
  void inspectWhenObjectFunctionCalledOrCommentAfterStarThenFlags(String attack) {
    assertThat(DETECTOR.inspectQueryValue("form:q", attack)).as(attack).isPresent();
  }

  /**
   * Beside it: JavaScript's {@code function(…)} inside a call SQL also has ({@code if}, {@code count}), and a path glob's
   * {@code **}{@code /*}, which opens no comment: SQL has no {@code **}.
   */
  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {"if (!arraySome(other, function(othValue, othIndex) {",
      "if (list.some(function(x) { return x; })) {", "count(function(){ return 1 })", "left(table(rows), 2)",
      "files: ['**/*.js']", "glob(\"**/*.js\")", "files: [\"**/*.js\", \"**/*.cjs\", \"**/*.mjs\"],"})
  void inspectWhenJavaScriptFunctionOrPathGlobThenPasses(String value) {
    assertThat(flagged(value)).as(value).isFalse();
  }

  /**
   * PostgreSQL's JSON readings: the jsonb key tests ({@code ?}, {@code ?|}, {@code ?&}) and a literal cast to json or
   * jsonb as the predicate of an injected OR, and a call's result cast to a type whose error shows it.
   */
  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {"1 OR '{\"a\":\"b\"}' ? 'a'", "1 OR '{\"name\":\"asd\"}' ?| array['a','name']",
      "1 OR 'x' ?& array['a']", "' OR '[1,2]' ? '1", "OR '{\"a\":1}'::jsonb #> '{a,b}' ? 'c'",
      "x' or '{}'::jsonb--", "function(foo)::text", "fmt(x)::double precision",
      "jsonb_pretty((select password from users))::int"})
  void inspectWhenPostgresJsonTestOrCastThenFlags(String attack) {
    assertThat(DETECTOR.inspectQueryValue("form:q", attack)).as(attack).isPresent();
  }

  /**
   * Beside it: a question mark between quoted words in prose, a literal cast alone or in a sentence, C++ and Rust
   * paths.
   */
  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {"Is it 'x' or 'y' ? 'y'", "Did you say 'yes' or 'no'?", "'a' ? 'b'", "1 or 'x' ? yes",
      "Which is better, 'tea' or 'coffee' ? 'tea' obviously", "'{\"a\":1}'::jsonb", "see 'x'::json docs",
      "say 'hi' or 'x'::json", "Vec::new()::text", "nlohmann::json(x)", "serde_json::json!(x)",
      "std::vector<int>(3)::size"})
  void inspectWhenQuestionMarksOrCastsInTextThenPasses(String value) {
    assertThat(flagged(value)).as(value).isFalse();
  }

  /** A whole value that is a pattern matched against itself: the LIKE form of 1=1. */
  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {"42 like 42", "1 rlike 1", "'a' like 'a'", "5 glob 5", "1 REGEXP 1"})
  void inspectWhenLiteralMatchedAgainstItselfThenFlags(String attack) {
    assertThat(DETECTOR.inspectQueryValue("form:q", attack)).as(attack).isPresent();
  }

  /** Beside it: different literals, and words. */
  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {"2 like 3", "love like love", "I like it like that", "5 like 50"})
  void inspectWhenLikeInTextThenPasses(String value) {
    assertThat(flagged(value)).as(value).isFalse();
  }

  /**
   * U+FFFD, what a client or proxy that decoded and re-encoded a value leaves of a byte that was no UTF-8 (sqlmap's
   * {@code %A0} blank), is read as the separator zt reads that byte as.
   */
  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {"1%EF%BF%BDand%EF%BF%BD1=1%EF%BF%BD--", "1%A0and%A01=1%A0--",
      "1'%EF%BF%BDUNION%EF%BF%BDALL%EF%BF%BDSELECT%EF%BF%BDNULL--%EF%BF%BDx"})
  void inspectWhenReplacementCharacterSeparatesThenFlags(String attack) {
    assertThat(DETECTOR.inspectQueryValue("query:q", attack)).as(attack).isPresent();
  }

  /** Beside it: mojibake in text, where a replacement character stands for a letter or a typographic quote. */
  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {"Caf\uFFFD au lait", "O\uFFFDBrien", "It\uFFFDs John\uFFFDs book", "na\uFFFDve or not",
      "\uFFFD\uFFFD\uFFFD"})
  void inspectWhenReplacementCharacterInTextThenPasses(String value) {
    assertThat(flagged(value)).as(value).isFalse();
  }

  /** Whole statements prose does not write: a select from Oracle's DUAL, a CREATE TABLE with a typed column. */
  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {"SELECT user FROM DUAL", "SELECT NULL FROM DUAL", "CREATE TABLE stdout(system_out text)",
      "create table t(id int, name text)", "create table t(name varchar)"})
  void inspectWhenSelectFromDualOrTypedCreateTableThenFlags(String attack) {
    assertThat(DETECTOR.inspectQueryValue("form:q", attack)).as(attack).isPresent();
  }

  /** Beside it: "dual" and "create table" in text. */
  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {"select from dual sim phones", "Select one from dual", "pick from dual options",
      "create table(s) for text", "Create table of contents (text)", "create table notes (text)"})
  void inspectWhenDualOrCreateTableInTextThenPasses(String value) {
    assertThat(flagged(value)).as(value).isFalse();
  }

  /**
   * A scanner's payload glued to the original value (jSQL's empty prefix, Ghauri's {@code 1UPDATEXML(…)}): no
   * database splits {@code adminand}, but the value split before the keyword or call its first word ends in is the
   * probe. The keywords and {@code char(} need the cutting comment the probes end in; the error and delay calls do not.
   */
  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {"adminand 1=1-- -q7Zt", "adminand'a'='b'-- -q7Zt", "adminor 0%2B1=1-- -q7Zt",
      "adminunion select 133717330%2B1,133727330%2B1-- -q7Zt", "adminchar(97)>=char(98)-- -q7Zt",
      "1chr(97)>=chr(98)-- -q7Zt", "1UPDATEXML(0,CONCAT(0x7e,0x72306f746833783439,0x7e),0)",
      "adminDBMS_PIPE.RECEIVE_MESSAGE('IsjT',5)", "1USER_LOCK.SLEEP(5)", "idxor 1=1#"})
  void inspectWhenScannerPayloadGluedToTheValueThenFlags(String attack) {
    Optional<Verdict> verdict = DETECTOR.inspectQueryValue("query:q", attack);
    assertThat(verdict).as(attack).isPresent();
    assertThat(verdict.get().evidence()).contains("reading=glued-keyword-split");
  }

  /**
   * Beside it: words that end in a keyword or a call's name, with no cutting comment, or in code (C's
   * {@code usleep}, an ESP-IDF call).
   */
  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {"brand 1=1", "island 2=2 -- see", "doctor 1=1", "esp_deep_sleep(5)", "usleep(5)",
      "getchar(1)>=getchar(2)", "Brand new", "color or flavor", "Reunion select 2024", "putchar(c);",
      "brand 'a'='a' -- as quoted"})
  void inspectWhenWordEndsInAKeywordInTextThenPasses(String value) {
    assertThat(flagged(value)).as(value).isFalse();
  }

  /**
   * Two false-positive classes of the never-tuned long descriptions and READMEs: a derivative's prime, then an
   * unknown function's call in a sentence; a template's section ({@code {{#each}}}), whose {@code #} opens no comment.
   */
  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {"y' = f(t,y,p) with sensitivity analysis capabilities (both forward and adjoint",
      "\"<ul>{{#kids}}<li>{{name}} is {{age}}</li>{{/kids}}</ul>\";", "x' = g(x) for every x in the set",
      "'{{#if ok}}yes{{/if}}'"})
  void inspectWhenPrimeBeforeACallInProseOrTemplateSectionThenPasses(String value) {
    assertThat(flagged(value)).as(value).isFalse();
  }

  /** Beside it: the same shapes as injections, a call with nothing after it and a # after a quote. */
  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {"x'=f(1)--", "1'=foo(2)", "x' = ascii(substr(user,1,1)) and words after", "admin'#",
      "admin')#"})
  void inspectWhenCallAfterQuoteOrCommentAfterQuoteThenFlags(String attack) {
    assertThat(DETECTOR.inspectQueryValue("form:q", attack)).as(attack).isPresent();
  }

  /** The quote that closes the literal, one word, and a comment with a scanner's short tag: nuclei's ' joxy-- z. */
  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {"'%2Bjoxy--%2Bz", "'joxy-- z", "' word-- x1", "'test--"})
  void inspectWhenQuoteWordAndTaggedCommentThenFlags(String attack) {
    assertThat(DETECTOR.inspectQueryValue("query:q", attack)).as(attack).isPresent();
  }

  /** Beside it: a sentence after the dashes, a dash glued to a word, words before the quote. */
  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {"'Tis-- but a scratch", "'Tis--but", "'word-- see below", "rock 'n' roll-- yes",
      "He said 'no-- never"})
  void inspectWhenQuoteWordAndDashesInTextThenPasses(String value) {
    assertThat(flagged(value)).as(value).isFalse();
  }

  /** A name compared equal to itself after a value or a closing parenthesis: a tautology on a column. */
  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {"hi or a=a", ") or (a=a", "admin AND b=b--", "x or user=user", "1) or (x=x)",
      "abc or (name=name) -- x", ") or x=x"})
  void inspectWhenValueThenNameComparedWithItselfThenFlags(String attack) {
    assertThat(DETECTOR.inspectQueryValue("form:q", attack)).as(attack).isPresent();
  }

  /** Beside it: two different names, a comparison prose goes on after, a sentence after the dash. */
  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {"hi or a=b", "cats or dogs=dogs -- I mean it", "yes or no", "x or y=y now", "(a=a)",
      ") or (a=a) and (b=c", "tom or tom"})
  void inspectWhenNamesComparedInTextThenPasses(String value) {
    assertThat(flagged(value)).as(value).isFalse();
  }

  /** Shell completion code after prose: a line continuation or a quoted "--" after the quote is text. */
  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {"install-template remove-template search file-search info' -- \\",
      "# Complete defaults following a \"--\""})
  void inspectWhenProseThenQuoteThenShellContinuationOrQuotedDashesThenPasses(String value) {
    assertThat(flagged(value)).as(value).isFalse();
  }

  /**
   * Beside them, what stays an injection: a single token before the quote (the comment's content is the attacker's
   * to choose, so {@code raw' -- "$cur"} from shell completion keeps the shape of {@code admin' -- "$x"}), and prose
   * followed by comment marks only.
   */
  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {"admin' -- \\", "admin' -- \"$cur\"))", "John Smith' -- -", "a b' #", "admin\"--\""})
  void inspectWhenSingleTokenOrCommentMarksOnlyAfterQuoteThenStillFlagsComment(String attack) {
    assertThat(DETECTOR.inspectQueryValue("form:user", attack)).as(attack).isPresent();
  }

  /** Benign text that the new shapes sit next to, and text the detector flagged before issue 20. */
  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {
      "if \"--no-cache\" in opts:",
      "\"--print-backgrounds=on\",",
      "about half the size of the pet food market\" -- James Finke, Commodore Int'l Ltd., 1982",
      "Nezvannyi gost'--khuzhe tatarina.",
      "<IMG SRC=\" &#14;  javascript:alert('XSS');\">",
      "'countdown calendar\" and \"disney:",
      "c.execute(\"select distinct author from nodes;\")",
      "Click 'create user' to add one",
      "I said 'select the file from the list'",
      "He said 'select * from users' is bad",
      "the query \"select name from t where id = 1\" fails",
      "Use `--force` to override",
      "run `npm install` or `yarn`",
      "Step 1; show results",
      "Step 2; print 'Hello'",
      "grant access to users",
      "3or4 people",
      "2nd floor",
      "0xdeadbeefcafebabe1234",
      "Please select one where you live (select one)",
      "songs like 'yesterday'",
      "desc: a fine item"})
  void inspectWhenBenignTextNearTheNewShapesThenPasses(String value) {
    assertThat(flagged(value)).as(value).isFalse();
  }

  /**
   * Ninth round (PHPIDS's tuning part): the value closes the literal, builds a MySQL expression on it and opens a new
   * literal the application's quote closes; also such an expression before OR. Generic variants, not the vectors.
   */
  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {"aa'like-'aa", "x'RLIKE'0", "1'*col is \\N - '1", "' is 42 = '", "abc' = !0 != !!'0",
      "q' / current_date != '1", "7' * id - '0", "4' MOD 2 like '0", "z'^(0)='0", "x' LIKE md5(1) or '1",
      "x' DIV@1 = 0 or '1", "x' or col ^ -'1", "x\"or@1=\"@1", " 0'rlike(0)and 1 rlike (@a)or true - ' 0 ",
      "X' != 'Y' = 0 = '1",
      "x'%2A1%2B2!='3", "x'|col!='"})
  void inspectQueryValueWhenExpressionBetweenTwoQuotesThenFlags(String attack) {
    assertThat(DETECTOR.inspectQueryValue("form:q", attack)).as(attack).isPresent();
  }

  /**
   * Beside it: quotes around operators in names, prose, code, measurements, algebra and markup: one operator, words
   * side by side, a blank before the quote, a sign on a name, a tag, a quoted word.
   */
  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {"Jones' & Smith's", "don't - won't", "Hello ' + name + '!", "'width:' + w + 'px", "f' = -g'",
      "\"<input>\"", "'<br/>'", "Ch'in's", "\"LIKE\" STAMP", "5' - 6'", "5'-6' tall", "students' - teachers' lounge",
      "rock'n'roll", "Smith' & Jones - Brown's", "x' * y'", "it's 5 o'clock", "f' = -2'", "U' - 1'",
      "the 'is' - 'was' list", "O'Brien / O'Neil's", "\"/unit/\"", "'/tmp/'",
      "'^', '==', '<', '>', '<=', '>=', '!='"})
  void inspectWhenOperatorsBetweenQuotesInTextThenPasses(String value) {
    assertThat(flagged(value)).as(value).isFalse();
  }

  /** Ninth round: a keyword cut into more than two pieces by empty comments, read with them removed. */
  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {"/**/S/**/E/**/L/**/E/**/C/**/T * FROM users WHERE 1 = 1",
      "1 U/**/NI/**/ON S/**/EL/**/ECT 1,2--", "x'; D/**/R/**/OP TABLE users--"})
  void inspectQueryValueWhenKeywordCutByEmptyCommentsThenFlags(String attack) {
    assertThat(DETECTOR.inspectQueryValue("form:q", attack)).as(attack).isPresent();
  }

  /** Beside it: globs and paths with an empty comment's characters, and pieces that join into no SQL. */
  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {"foo/**/bar and baz", "src/**/*.js", "a/**/b/**/c", "docs/**/README and more",
      "I/**/N/**/SERT"})
  void inspectWhenEmptyCommentsInPathsOrTextThenPasses(String value) {
    assertThat(flagged(value)).as(value).isFalse();
  }

  /** Ninth round, PHPIDS's false alerts: a star glued to a word is emphasis, not a select list. */
  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {"select *something* from the menu", "Select *all* from the list below",
      "select *one* from these options"})
  void inspectWhenSelectThenEmphasisThenPasses(String value) {
    assertThat(flagged(value)).as(value).isFalse();
  }

  /** Beside it: the select list's star, alone, glued to FROM, or before a column. */
  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {"select * from users", "select *from users", "SELECT *, name FROM users",
      "1 union select * from users--"})
  void inspectWhenSelectStarThenFlags(String attack) {
    assertThat(DETECTOR.inspectQueryValue("form:q", attack)).as(attack).isPresent();
  }

  /**
   * Ninth round (a WAF-evasion paper, "Beyond SQLi: Obfuscate and Bypass", and sqlmap's tamper percentage.py): a
   * keyword split by a control character a filter strips, and a keyword written with percent signs ASP drops.
   */
  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {"1+uni%0bon+se%0blect+1,2,3--", "1 UN%1EION SEL%0CECT password FROM users--",
      "10 a%25nd 1=0/(se%25lect top 1 ta%25ble_name fr%25om info%25rmation_schema.tables)",
      "%25u%25n%25i%25o%25n %25s%25e%25l%25e%25c%25t 1--", "%251%25'%25)%25 %25A%25N%25D%25 %251%25=%251"})
  void inspectQueryValueWhenKeywordSplitByControlCharacterOrStrayPercentThenFlags(String attack) {
    assertThat(DETECTOR.inspectQueryValue("form:q", attack)).as(attack).isPresent();
  }

  /** Beside it: percent signs in prose, code, templates, printf formats and man pages; words on two lines. */
  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {"100% sure and 50%off", "50%+ of the time", "save 20%or more", "'%='    =>      sub { x }",
      "(r'%=',                     Operator)", "printf(\"%s%s or %d\", a)", "%-5s%-10s", "<%- user %> and <% } %>",
      ".\\\" %%%LICENSE_START(BSD_ONELINE_CDROM)", "select the union\u000bof both sets", "a%nd"})
  void inspectWhenPercentSignsOrControlCharactersInTextThenPasses(String value) {
    assertThat(flagged(value)).as(value).isFalse();
  }

  /**
   * Ninth round (PHPIDS's tuning part): SQL Server's bracketed names glued to a keyword, a subquery as the operand of
   * the expression between two quotes, a numeric position sorted by a call, MySQL's information functions, its
   * full-text test and XOR between literals.
   */
  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {"x';SELECT[name]FROM[users]", "x' sounds like(select case(1=1)when'1'then'A'end) and '1",
      "x' like (select 1) or '1", "1 order by ifnull(null,userid)", "2 order by length(name)--",
      "CHARSET(CURRENT_USER())", "COERCIBILITY(version())",
      "' or MATCH username AGAINST ('%2Badmin -a' IN BOOLEAN MODE); -- -a", "x' or match(title) against ('y')--",
      "1' OR '1' XOR '0"})
  void inspectQueryValueWhenBracketNamesSubqueryOperandOrSortByCallThenFlags(String attack) {
    assertThat(DETECTOR.inspectQueryValue("form:q", attack)).as(attack).isPresent();
  }

  /** Beside it: an index after a word, and a sort by a call in prose. */
  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {"x[0] and select[1]", "sort items in order by count(x)", "see [note] from [1] below",
      "it's like (a) or 'b", "charset(utf8)", "set the charset (utf-8) here", "Tom's or match them against (the list)",
      "'or' => 2, 'xor' => 2,", "it's 'x' xor 'y"})
  void inspectWhenBracketsOrSortWordsInTextThenPasses(String value) {
    assertThat(flagged(value)).as(value).isFalse();
  }

  /** Ninth round (jSQL's tuning part): a comparison glued to the original value, then MySQL's "-- -" and a tag. */
  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {"admin0!=0-- -q7Zt", "admin0%2B1=1-- -q7Zt", "admin0.1=0.1-- -q7Zt", "id7=7-- -"})
  void inspectQueryValueWhenComparisonGluedToValueThenDashIdiomThenFlags(String attack) {
    assertThat(DETECTOR.inspectQueryValue("form:q", attack)).as(attack).isPresent();
  }

  /** Beside it: settings and notes with a dash comment that is prose. */
  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {"page=2 -- see below", "x=1 -- -- notes", "version 2.0=2.0 -- -", "a=b-- -c"})
  void inspectWhenSettingThenDashesInTextThenPasses(String value) {
    assertThat(flagged(value)).as(value).isFalse();
  }

  /** Ninth round (the SQL injection knowledge base's obfuscation page): signs glued to AND/OR in a numeric position. */
  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {"1 OR~1", "1 AND!0", "1 OR !~0", "7 and -+-+1"})
  void inspectQueryValueWhenSignsGluedToLogicInNumericPositionThenFlags(String attack) {
    assertThat(DETECTOR.inspectQueryValue("form:q", attack)).as(attack).isPresent();
  }

  /** Beside it: a sign on a number in prose. */
  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {"1 or -2", "2 and ~3 hours", "1 and ~2", "5 or !1", "10 or +5"})
  void inspectWhenSignedNumberAfterAndOrInTextThenPasses(String value) {
    assertThat(flagged(value)).as(value).isFalse();
  }

  /**
   * Ninth round (the knowledge base's PostgreSQL obfuscation page): dollar-quoted literals, and PostgreSQL's pattern
   * and prefix tests as comparisons.
   */
  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {"1 OR username ~ $$^admin$$--", "1 OR username ~* $$^ADMIN$$--", "1 OR username ^@ $$adm$$--",
      "x' OR name ~ $t$adm$t$--", "x' or name !~ 'z'--"})
  void inspectQueryValueWhenDollarQuotesOrPatternTestsThenFlags(String attack) {
    assertThat(DETECTOR.inspectQueryValue("form:q", attack)).as(attack).isPresent();
  }

  /** Beside it: dollars in prices, shells and TeX; a tilde in prose and filter languages. */
  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {"costs $$ and $$$", "echo $$ > pid", "$$x^2$$ or $$y$$", "takes 1 ~ 2 hours", "a ~ b",
      "--import-filter keep-uid=\"&& uid !~ Test\"", "substr($$out, $size, length($$out)) =  '';"})
  void inspectWhenDollarsOrTildesInTextThenPasses(String value) {
    assertThat(flagged(value)).as(value).isFalse();
  }

  /**
   * Tenth round (libdetection's grammar tests and Exploit-DB's proofs of concept): SQL Server's declarations of a
   * name and its {@code @#} variable in a stacked statement, MySQL's pattern words against a new literal or a
   * subquery, a derived table's alias before its WHERE, a TOP n select list, SELECT ALL and aliases in a UNION, and a
   * call's test that closes a parenthesis and cuts the rest.
   */
  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {"1; DECLARE name varchar(42)", "1; DECLARE c CURSOR FOR select 1", "1; declare n int;",
      "x'; DECLARE t CURSOR LOCAL FAST_FORWARD FOR select name from sysobjects",
      "1';declare @# int;shutdown;set @# = '1", "1' RLIKE '.*", "x' REGEXP '^a", "1' ILIKE 'adm%",
      "1' LIKE (SELECT 1)--", "1' RLIKE (SELECT 1 FROM t)--", "1) AS t WHERE 1=1", "SELECT TOP 5 * FROM users",
      "-7+union+select+all+1,2,3,version(),user(),6--", "1 union select distinct 1,2--",
      "' UNION SELECT email as name, NULL, password as f from admin_users where id!='1",
      "mid(Password,1,1)='a')--", "substring(version(),1,1)=5)#"})
  void inspectQueryValueWhenDeclarationPatternWordAliasOrQuantifierThenFlags(String attack) {
    assertThat(DETECTOR.inspectQueryValue("query:q", attack)).as(attack).isPresent();
  }

  /**
   * Beside it: "declare" and "like" in searches and prose, Perl's {@code @$} dereference, a profanity's {@code @#},
   * a parenthesis and "as" in a sentence, and a committee's name after "union select".
   */
  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {"declare a char array in c", "declare a cursor for the query", "I declare it; declare war",
      "open it; declare a cursor for the query", "connect; declare an int for it",
      "it's like 'that", "don't like (select all that apply)", "sounds like 'x", "what the @#$%",
      "if ( @$aref == 0 or ( @$aref == 1 and $x eq 'name' ) ) {", "(see 1) as shown where x=y",
      "select top 5 from the list", "the European Union select committee as chair, then", "1 and ~2",
      "len(x)=3) -- see note"})
  void inspectWhenDeclareLikeOrAliasInTextThenPasses(String value) {
    assertThat(flagged(value)).as(value).isFalse();
  }

  /**
   * Tenth round (the WAF-test collections: foospidy's lists, with libinjection's published bypasses, and the
   * community's bypasses): a tautology after odd tokens, then a comment; a UNION select list whose column only SQL
   * writes; an empty executable comment before a call's parenthesis; a number glued to FROM; a subquery compared in
   * CASE WHEN; a password set by CREATE USER.
   */
  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {"1 or \\.<\\ or 1=1 -- 1", "1 <@.$ or 1=1 -- 1", "1 union select !<@,version() -- 1",
      "1' union select \\,@@VERSION -- 1", "1 union select @ 1a,version() -- 1", "sLeEp/*!80000*/(10)",
      "SELECT-1e1FROM`test`", "(CASE+WHEN+(SELECT+1)=1+THEN+id+ELSE+updated_at+END)+ASC+",
      "create user name identified by 'pass123'"})
  void inspectQueryValueWhenOddTokensBeforeTautologyOrColumnThenFlags(String attack) {
    assertThat(DETECTOR.inspectQueryValue("query:q", attack)).as(attack).isPresent();
  }

  /** Beside it: a comparison before a note, an executable comment in prose, a glued word, SQL's words in a search. */
  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {". or 2=2 -- see the notes", "see /*!50000*/ (note)", "take 2from the box",
      "sql case when then else end syntax", "create user name identified by email", "union select, then count"})
  void inspectWhenSqlWordsOrCommentsInTextThenPasses(String value) {
    assertThat(flagged(value)).as(value).isFalse();
  }

  private static boolean flagged(String value) {
    return DETECTOR.inspect("query:q", value).isPresent() || DETECTOR.inspectQueryValue("query:q", value).isPresent();
  }

  /** One value per line; lines starting with '#' are comments (a value starting with '#' is written %23). */
  private static List<String> corpus(String resource) {
    try (InputStream in = SqlInjectionDetectorTests.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing test resource " + resource);
      }
      List<String> values = new ArrayList<>();
      BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        if (!line.isEmpty() && !line.startsWith("#")) {
          values.add(line);
        }
      }
      return List.copyOf(values);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
