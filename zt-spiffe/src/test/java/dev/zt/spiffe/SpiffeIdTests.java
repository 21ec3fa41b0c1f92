package dev.zt.spiffe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SpiffeIdTests {

  /**
   * The SPIFFE ID vectors, a copy in this module's test resources (its first line names the source): the build reads
   * nothing outside the repository.
   */
  static final String VECTORS = "/vectors/spiffe-ids.tsv";

  record Vector(int line, String input, String kind, boolean valid, String reason) {
    String code() {
      int colon = reason.indexOf(':');
      return colon < 0 ? reason : reason.substring(0, colon);
    }

    @Override
    public String toString() {
      return "line " + line + " [" + kind + "] " + InvalidSpiffeIdException.printable(input) + " → "
          + (valid ? "valid" : code());
    }
  }

  static List<Vector> vectors() throws IOException {
    List<String> lines;
    try (InputStream in = SpiffeIdTests.class.getResourceAsStream(VECTORS)) {
      assertThat(in).as("test resource %s", VECTORS).isNotNull();
      lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
    }
    assertThat(lines.get(0)).as("source line").startsWith("# source: ");
    assertThat(lines.get(1)).isEqualTo("input\tkind\texpected\treason");
    List<Vector> out = new ArrayList<>();
    for (int i = 2; i < lines.size(); i++) {
      String[] cols = lines.get(i).split("\t", -1);
      assertThat(cols).as("line %d has four columns", i + 1).hasSize(4);
      assertThat(cols[2]).isIn("valid", "invalid");
      out.add(new Vector(i + 1, unescape(cols[0]), cols[1], cols[2].equals("valid"), cols[3]));
    }
    return out;
  }

  /** The file's only escape: {@code \\uXXXX} for a character that a TSV line cannot show. */
  static String unescape(String s) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      if (s.startsWith("\\u", i) && i + 6 <= s.length()) {
        b.append((char) Integer.parseInt(s.substring(i + 2, i + 6), 16));
        i += 5;
      } else {
        b.append(s.charAt(i));
      }
    }
    return b.toString();
  }

  @Test
  void vectorsWhenReadThenAll111RowsArePresent() throws IOException {
    List<Vector> v = vectors();
    assertThat(v).hasSize(111);
    assertThat(v).extracting(Vector::kind).containsOnly("id", "trust_domain");
  }

  static Stream<Vector> rows() throws IOException {
    return vectors().stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void parseWhenSharedVectorThenOutcomeAndRuleMatch(Vector v) {
    if (v.kind().equals("id")) {
      if (v.valid()) {
        SpiffeId id = SpiffeId.parse(v.input());
        assertThat(id.toString()).isEqualTo(v.input());
        assertThat(SpiffeId.isValid(v.input())).isTrue();
        // leaf acceptability: a root ID is a valid ID but never a workload's X.509-SVID ID
        boolean hasPath = v.input().indexOf('/', "spiffe://".length()) >= 0;
        assertThat(id.isRoot()).isEqualTo(!hasPath);
        if (v.reason().contains("NOT acceptable as a leaf")) {
          assertThat(id.isRoot()).isTrue();
        }
        assertThat(SpiffeId.parseLenient(v.input()).wasCanonical()).isTrue();
      } else {
        InvalidSpiffeIdException e =
            catchThrowableOfType(() -> SpiffeId.parse(v.input()), InvalidSpiffeIdException.class);
        assertThat(e).as("rejected").isNotNull();
        assertRule(e.rule(), v.code());
        assertThat(SpiffeId.isValid(v.input())).isFalse();
      }
    } else {
      if (v.valid()) {
        TrustDomain td = TrustDomain.parse(v.input());
        String expected = v.input().startsWith("spiffe://")
            ? v.input().substring(9).split("/", 2)[0]
            : v.input();
        assertThat(td.name()).isEqualTo(expected);
      } else {
        InvalidSpiffeIdException e =
            catchThrowableOfType(() -> TrustDomain.parse(v.input()), InvalidSpiffeIdException.class);
        assertThat(e).as("rejected").isNotNull();
        assertRule(e.rule(), v.code());
      }
    }
  }

  private static void assertRule(SpiffeIdRule rule, String code) {
    if (code.equals("empty_or_wrong_scheme")) {
      assertThat(rule).isIn(SpiffeIdRule.EMPTY, SpiffeIdRule.WRONG_SCHEME);
    } else {
      assertThat(rule.code()).isEqualTo(code);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void parseLenientWhenNonCanonicalCaseVectorThenLowercasesAndSaysSo(Vector v) {
    if (v.valid() || !v.code().equals("non_canonical_case")) {
      return;
    }
    if (v.kind().equals("id")) {
      Lenient<SpiffeId> r = SpiffeId.parseLenient(v.input());
      assertThat(r.value().toString()).isEqualTo(lowerSchemeAndTrustDomain(v.input()));
      assertThat(r.normalizations()).isNotEmpty()
          .isSubsetOf(Normalization.LOWERCASED_SCHEME, Normalization.LOWERCASED_TRUST_DOMAIN);
    } else {
      Lenient<TrustDomain> r = TrustDomain.parseLenient(v.input());
      assertThat(r.value().name()).isEqualTo(v.input().toLowerCase(java.util.Locale.ROOT));
      assertThat(r.normalizations()).containsExactly(Normalization.LOWERCASED_TRUST_DOMAIN);
    }
  }

  private static String lowerSchemeAndTrustDomain(String s) {
    int slash = s.indexOf('/', 9);
    int end = slash < 0 ? s.length() : slash;
    return s.substring(0, end).toLowerCase(java.util.Locale.ROOT) + s.substring(end);
  }

  // ---- generated character-class loops over all 256 byte values

  @TestFactory
  Stream<DynamicTest> parseWhenEachByteInTrustDomainThenOnlyTheAllowedClassPasses() {
    return IntStream.range(0, 256).mapToObj(b -> DynamicTest.dynamicTest(String.format("0x%02X", b), () -> {
      char c = (char) b;
      String input = "spiffe://a" + c + "b/p";
      boolean allowed = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_';
      if (allowed) {
        assertThat(SpiffeId.parse(input).trustDomain().name()).isEqualTo("a" + c + "b");
        assertThat(TrustDomain.parse("a" + c + "b").name()).isEqualTo("a" + c + "b");
      } else if (c == '/') {
        assertThat(SpiffeId.parse(input).trustDomain().name()).isEqualTo("a"); // the separator
        assertRejected(() -> TrustDomain.parse("a/b"), SpiffeIdRule.BAD_TRUST_DOMAIN_CHAR);
      } else if (c >= 'A' && c <= 'Z') {
        assertRejected(() -> SpiffeId.parse(input), SpiffeIdRule.NON_CANONICAL_CASE);
        assertRejected(() -> TrustDomain.parse("a" + c + "b"), SpiffeIdRule.NON_CANONICAL_CASE);
        assertThat(SpiffeId.parseLenient(input).value().trustDomain().name())
            .isEqualTo("a" + Character.toLowerCase(c) + "b");
      } else {
        assertRejected(() -> SpiffeId.parse(input), SpiffeIdRule.BAD_TRUST_DOMAIN_CHAR);
        if (c != ':') { // "a:b" has no ":/", so it is read as a bare name too
          assertRejected(() -> TrustDomain.parse("a" + c + "b"), SpiffeIdRule.BAD_TRUST_DOMAIN_CHAR);
        }
        assertThatThrownBy(() -> SpiffeId.parseLenient(input)).isInstanceOf(InvalidSpiffeIdException.class);
      }
      for (String hex : List.of(String.format("%02X", b), String.format("%02x", b))) {
        assertRejected(() -> SpiffeId.parse("spiffe://a%" + hex + "b/p"), SpiffeIdRule.BAD_TRUST_DOMAIN_CHAR);
        assertRejected(() -> TrustDomain.parse("a%" + hex + "b"), SpiffeIdRule.BAD_TRUST_DOMAIN_CHAR);
      }
    }));
  }

  @TestFactory
  Stream<DynamicTest> parseWhenEachByteInPathSegmentThenOnlyTheAllowedClassPasses() {
    return IntStream.range(0, 256).mapToObj(b -> DynamicTest.dynamicTest(String.format("0x%02X", b), () -> {
      char c = (char) b;
      String input = "spiffe://td/a" + c + "b";
      boolean allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || c == '.' || c == '-' || c == '_';
      if (allowed) {
        assertThat(SpiffeId.parse(input).path()).isEqualTo("/a" + c + "b");
      } else if (c == '/') {
        assertThat(SpiffeId.parse(input).segments()).containsExactly("a", "b");
      } else {
        assertRejected(() -> SpiffeId.parse(input), SpiffeIdRule.BAD_PATH_SEGMENT_CHAR);
        assertThatThrownBy(() -> SpiffeId.parseLenient(input)).isInstanceOf(InvalidSpiffeIdException.class);
      }
      for (String hex : List.of(String.format("%02X", b), String.format("%02x", b))) {
        assertRejected(() -> SpiffeId.parse("spiffe://td/a%" + hex + "b"), SpiffeIdRule.BAD_PATH_SEGMENT_CHAR);
        assertThatThrownBy(() -> SpiffeId.parseLenient("spiffe://td/a%" + hex + "b"))
            .isInstanceOf(InvalidSpiffeIdException.class);
      }
    }));
  }

  private static void assertRejected(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, SpiffeIdRule rule) {
    InvalidSpiffeIdException e = catchThrowableOfType(call, InvalidSpiffeIdException.class);
    assertThat(e).as("rejected with %s", rule).isNotNull();
    assertThat(e.rule()).isEqualTo(rule);
  }

  // ---- lenient parsing

  static Stream<Arguments> lenientCases() {
    return Stream.of(
        Arguments.of(" spiffe://example.org/a\n", "spiffe://example.org/a", List.of(Normalization.TRIMMED_WHITESPACE)),
        Arguments.of("SPIFFE://example.org/a", "spiffe://example.org/a", List.of(Normalization.LOWERCASED_SCHEME)),
        Arguments.of("spiffe://Example.ORG/Path", "spiffe://example.org/Path",
            List.of(Normalization.LOWERCASED_TRUST_DOMAIN)),
        Arguments.of("spiffe://example.org/a/", "spiffe://example.org/a",
            List.of(Normalization.DROPPED_TRAILING_SLASH)),
        Arguments.of("spiffe://example.org/", "spiffe://example.org", List.of(Normalization.DROPPED_TRAILING_SLASH)),
        Arguments.of("\tSpiffe://EXAMPLE.org/ns/A/ ", "spiffe://example.org/ns/A",
            List.of(Normalization.TRIMMED_WHITESPACE, Normalization.LOWERCASED_SCHEME,
                Normalization.LOWERCASED_TRUST_DOMAIN, Normalization.DROPPED_TRAILING_SLASH)),
        Arguments.of("spiffe://example.org/a", "spiffe://example.org/a", List.of()));
  }

  @ParameterizedTest
  @MethodSource("lenientCases")
  void parseLenientWhenIdentityPreservingDifferenceThenNormalizesAndReports(String in, String out,
      List<Normalization> done) {
    Lenient<SpiffeId> r = SpiffeId.parseLenient(in);
    assertThat(r.value()).hasToString(out);
    assertThat(r.normalizations()).containsExactlyElementsOf(done);
  }

  @ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {
      "spiffe://example.org/a//", "spiffe://example.org//a", "spiffe://example.org/a/./b", "spiffe://example.org/%61",
      "spiffe://example.org/a b", "spiffe://exa mple.org/a", "spiffe://example.org:443/a", "spiffe://Ex%41mple/a",
      "spiffe://example.org/a?x=1", "http://example.org/a", "spiffe://example.org/a\u00A0", "spiffe://\u212Aelvin/a"})
  void parseLenientWhenIdentityWouldBeAmbiguousThenRejects(String in) {
    assertThatThrownBy(() -> SpiffeId.parseLenient(in)).isInstanceOf(InvalidSpiffeIdException.class);
  }

  @Test
  void parseWhenRejectedThenMessageNamesRuleAndSectionWithoutRawControlCharacters() {
    assertThatThrownBy(() -> SpiffeId.parse("spiffe://td/a\nb"))
        .isInstanceOf(InvalidSpiffeIdException.class)
        .hasMessageContaining("bad_path_segment_char")
        .hasMessageContaining("SPIFFE-ID §2.2")
        .hasMessageNotContaining("\n");
  }

  @Test
  void workloadWhenPathGivenThenBuildsIdInTrustDomain() {
    TrustDomain td = TrustDomain.parse("example.org");
    SpiffeId id = td.workload("/ns/shop/sa/checkout");
    assertThat(id).hasToString("spiffe://example.org/ns/shop/sa/checkout");
    assertThat(id.isMemberOf(td)).isTrue();
    assertThat(id.segments()).containsExactly("ns", "shop", "sa", "checkout");
    assertThat(td.id().isRoot()).isTrue();
    assertThat(td.id().segments()).isEmpty();
    assertThatThrownBy(() -> td.workload("ns")).isInstanceOf(IllegalArgumentException.class);
    assertRejected(() -> td.workload("/ns/../x"), SpiffeIdRule.DOT_SEGMENT);
  }

  @Test
  void equalsWhenSameStringThenSameIdAndTrailingDotIsAnotherDomain() {
    assertThat(SpiffeId.parse("spiffe://a/b")).isEqualTo(SpiffeId.parse("spiffe://a/b"));
    assertThat(SpiffeId.parse("spiffe://a/B")).isNotEqualTo(SpiffeId.parse("spiffe://a/b"));
    assertThat(TrustDomain.parse("example.org.")).isNotEqualTo(TrustDomain.parse("example.org"));
  }
}
