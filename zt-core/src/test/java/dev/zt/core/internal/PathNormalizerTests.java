package dev.zt.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zt.core.internal.PathNormalizer.Normalized;
import dev.zt.core.internal.PathNormalizer.Rejected;
import dev.zt.core.internal.PathNormalizer.Result;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Servlet 6.0 §3.5.2 canonicalization as zt applies it before routing: the path zt authorizes must be the path the
 * container dispatches to, and anything the containers could read two ways is refused.
 */
class PathNormalizerTests {

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', textBlock = """
      /admin/../orders            | /orders
      /orders/..;/admin           | /admin
      /docs/%2e%2e/admin/stats    | /admin/stats
      /docs/%2E%2E/admin/stats    | /admin/stats
      /docs/.%2e/admin            | /admin
      /docs/%2e./admin            | /admin
      /docs/..;/admin/stats       | /admin/stats
      /docs/..;jsessionid=1/admin | /admin
      //admin                     | /admin
      /admin//stats               | /admin/stats
      ///admin///stats///         | /admin/stats/
      /ORDERS                     | /ORDERS
      /Orders/Admin               | /Orders/Admin
      /orders/                    | /orders/
      /orders                     | /orders
      /orders;x=1                 | /orders
      /orders;x=1/;y=2            | /orders/
      /orders/;x=1                | /orders/
      /orders;x=1;y=2/items;z     | /orders/items
      /docs/%252e%252e/admin      | /docs/%2e%2e/admin
      /docs/%2525                 | /docs/%25
      /a/./b                      | /a/b
      /a/%2e/b                    | /a/b
      /a/.;x/b                    | /a/b
      /./a                        | /a
      /a/b/..                     | /a/
      /a/b/../                    | /a/
      /a/b/.                      | /a/b/
      /a/b/./                     | /a/b/
      /a/..                       | /
      /a/../                      | /
      /.                          | /
      /./                         | /
      /                           | /
      //                          | /
      /%7Eu                       | /~u
      /%7eu                       | /~u
      /~u                         | /~u
      /caf%C3%A9                  | /café
      /caf%c3%a9                  | /café
      /%E2%82%AC                  | /€
      /%F0%9F%98%80               | /😀
      /a%3Bb                      | /a;b
      /a%3F                       | /a?
      /a%23                       | /a#
      /a%20b                      | /a b
      /a/.b                       | /a/.b
      /a/..b                      | /a/..b
      /a/.../b                    | /a/.../b
      /a/b../c                    | /a/b../c
      /a-b_c~d.e                  | /a-b_c~d.e
      /a/b/../../c                | /c
      /a/b/%2e%2e/%2e%2e/c/..;/d  | /d
      /a;%2F/b/                   | /a/b/
      """)
  void normalizeWhenPathIsAcceptedThenReturnsCanonicalPath(String raw, String expected) {
    assertThat(PathNormalizer.normalize(raw)).isEqualTo(new Normalized(expected));
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {
      // climbs above the root
      "/..", "/../", "/%2e%2e/admin", "/%2E%2E/admin", "/..;/admin", "/./../admin", "/a/../../admin",
      "/a/%2e%2e/%2e%2e/admin", "/.%2e/admin",
      // encoded separators: the container could split segments differently
      "/orders%2F..%2Fadmin", "/orders%2f..%2fadmin", "/orders%2Fadmin", "/orders%5C..%5Cadmin", "/a%5cb",
      "/a/..%2F",
      // NUL and other control characters, encoded or raw
      "/a%00", "/a%00/b", "/%00", "/a%0A", "/a%0D%0Ab", "/a%09", "/a%1F", "/a%7F", "/a\u0000b", "/a\tb", "/a\nb",
      "/a\u007fb",
      // raw backslash
      "/a\\b", "/a\\..\\admin", "/\\",
      // malformed escapes
      "/%", "/a%", "/a%/b", "/%G1", "/%1G", "/%4", "/a%4/b", "/%%41", "/%-1", "/% 41", "/%+4",
      // invalid UTF-8
      "/%C0%AF", "/%C0%AE%C0%AE/admin", "/%FF", "/%80", "/%C3", "/%C3/", "/%C3%28", "/%E2%82", "/%ED%A0%80",
      "/%F4%90%80%80", "/%F8%88%80%80%80",
      // must start with '/'
      "orders", "./orders", "%2Forders", "*", "http://host/orders", " /orders",
  })
  void normalizeWhenPathIsAmbiguousOrMalformedThenRejects(String raw) {
    assertThat(PathNormalizer.normalize(raw)).isInstanceOf(Rejected.class);
  }

  @ParameterizedTest
  @NullAndEmptySource
  void normalizeWhenPathIsNullOrEmptyThenRejects(String raw) {
    assertThat(PathNormalizer.normalize(raw)).isInstanceOf(Rejected.class);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {
      // a percent sign must be followed by two ASCII hex digits; Unicode digits are not hex digits
      "/%\uFF14\uFF11dmin", "/%\u0664\u0661dmin", "/docs/%\uFF12e%\uFF12e/admin", "/a%\uFF12\uFF10b",
      "/%\uFF14\uFF46k", "/%4\u0661", "/%4\u09E6x",
  })
  void normalizeWhenEscapeUsesNonAsciiDigitsThenRejects(String raw) {
    assertThat(PathNormalizer.normalize(raw)).isInstanceOf(Rejected.class);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {
      // ".." that would remove an empty segment: Tomcat merges "//" first, Jetty (legacy modes) does not, so
      // the two disagree on the target (Servlet 6.0 §3.5.2 lists this as a suspicious sequence)
      "/a//../b", "/a/b//../c", "/a//./../b", "/a//b/../../c", "/a/;x/../b", "/a/b//..",
  })
  void normalizeWhenDotDotWouldRemoveAnEmptySegmentThenRejects(String raw) {
    assertThat(PathNormalizer.normalize(raw)).isInstanceOf(Rejected.class);
  }

  @Test
  void normalizeWhenRawPathHasNonAsciiCharactersThenKeepsThemWhetherOrNotEscapesArePresent() {
    assertThat(PathNormalizer.normalize("/caf\u00e9")).isEqualTo(new Normalized("/caf\u00e9"));
    assertThat(PathNormalizer.normalize("/%41caf\u00e9")).isEqualTo(new Normalized("/Acaf\u00e9"));
    assertThat(PathNormalizer.normalize("/\uD83D\uDE00")).isEqualTo(new Normalized("/\uD83D\uDE00"));
    assertThat(PathNormalizer.normalize("/%41\uD83D\uDE00")).isEqualTo(new Normalized("/A\uD83D\uDE00"));
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"/a\uD83D", "/%41\uD83D", "/\uDE00b", "/%41\uDE00b", "/\uDE00\uD83D"})
  void normalizeWhenRawPathHasLoneSurrogateThenRejects(String raw) {
    assertThat(PathNormalizer.normalize(raw)).isInstanceOf(Rejected.class);
  }

  @Test
  void normalizeWhenPathIsLongerThanTheCapThenRejects() {
    String atCap = "/" + "a".repeat(PathNormalizer.MAX_PATH_LENGTH - 1);
    String overCap = atCap + "a";
    assertThat(PathNormalizer.normalize(atCap)).isEqualTo(new Normalized(atCap));
    assertThat(PathNormalizer.normalize(overCap)).isEqualTo(new Rejected("path too long"));
  }

  @Test
  void normalizeWhenPathIsAlreadyCanonicalThenReturnsTheSameString() {
    String raw = "/orders/42/items";
    Result result = PathNormalizer.normalize(raw);
    assertThat(result).isInstanceOf(Normalized.class);
    assertThat(((Normalized) result).path()).isSameAs(raw);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"/", "/orders", "/orders/", "/orders/42/items", "/a-b_c~d/e.f", "/a.", "/a/b..c"})
  void isCanonicalWhenPathHasOnlyUnreservedCharactersAndSingleSlashesThenHoldsAndNormalizeKeepsIt(String raw) {
    assertThat(PathNormalizer.isCanonical(raw)).isTrue();
    assertThat(PathNormalizer.normalize(raw)).isEqualTo(new Normalized(raw));
  }

  @ParameterizedTest(name = "[{0}]")
  @ValueSource(strings = {"", "orders", "//orders", "/a//b", "/.", "/..", "/a/.", "/a/..", "/a/.b", "/a%2Fb",
      "/a;x", "/a b", "/café", "/a\\b", "/a?b", "/a#b"})
  void isCanonicalWhenPathMightNormalizeToSomethingElseThenDoesNotHold(String raw) {
    assertThat(PathNormalizer.isCanonical(raw)).isFalse();
  }

  @Test
  void isCanonicalWhenPathIsLongerThanTheCapThenDoesNotHold() {
    assertThat(PathNormalizer.isCanonical("/" + "a".repeat(PathNormalizer.MAX_PATH_LENGTH - 1))).isTrue();
    assertThat(PathNormalizer.isCanonical("/" + "a".repeat(PathNormalizer.MAX_PATH_LENGTH))).isFalse();
  }

  @Test
  void normalizeWhenAppliedToItsOwnOutputThenIsIdempotentForUnreservedPaths() {
    for (String raw : new String[] {"/a/./b/../c/", "//x//y", "/p;q=1/r", "/%7Eu/v/.."}) {
      Normalized once = (Normalized) PathNormalizer.normalize(raw);
      assertThat(PathNormalizer.normalize(once.path())).as(raw).isEqualTo(once);
    }
  }

  static Stream<Arguments> everyEscapedByte() {
    return IntStream.range(0, 256).mapToObj(b -> Arguments.of(b, String.format("%%%02X", b)));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("everyEscapedByte")
  void normalizeWhenMiddleSegmentHoldsOneEscapedByteThenDecodesOnlySafeAscii(int b, String escape) {
    Result upper = PathNormalizer.normalize("/a/x" + escape + "y/b");
    Result lower = PathNormalizer.normalize("/a/x" + escape.toLowerCase() + "y/b");
    assertThat(lower).as("hex case must not matter").isEqualTo(upper);
    if (b < 0x20 || b == 0x7F) {
      assertThat(upper).as("control byte").isInstanceOf(Rejected.class);
    } else if (b == '/' || b == '\\') {
      assertThat(upper).as("encoded separator").isInstanceOf(Rejected.class);
    } else if (b >= 0x80) {
      assertThat(upper).as("lone non-ASCII byte is not UTF-8").isInstanceOf(Rejected.class);
    } else {
      assertThat(upper).isEqualTo(new Normalized("/a/x" + (char) b + "y/b"));
    }
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("everyEscapedByte")
  void normalizeWhenWholeSegmentIsOneEscapedByteThenOnlyDotIsADotSegment(int b, String escape) {
    Result result = PathNormalizer.normalize("/a/" + escape + "/b");
    if (b == '.') {
      assertThat(result).isEqualTo(new Normalized("/a/b"));
    } else if (b >= 0x20 && b < 0x7F && b != '/' && b != '\\') {
      assertThat(result).isEqualTo(new Normalized("/a/" + (char) b + "/b"));
    } else {
      assertThat(result).isInstanceOf(Rejected.class);
    }
  }

  @ParameterizedTest(name = "{0} under {1} -> {2}")
  @CsvSource(delimiter = '|', value = {
      "/app/orders|/app|/orders",
      "/app|/app|/",
      "/app/|/app|/",
      "/app;x=1/orders|/app|/orders",
      "/%61pp/orders|/app|/orders",
      "//app/orders|/app|/orders",
      "/app/..;/app/admin|/app|/admin",
      "/app/admin/%252e%252e/orders|/app|/admin/%2e%2e/orders",
      "/orders|/|/orders"})
  void normalizeWithinWhenUnderTheContextPathThenStripsItAfterNormalizing(String raw, String ctx, String expected) {
    assertThat(PathNormalizer.normalizeWithin(raw, ctx)).isEqualTo(new Normalized(expected));
  }

  @ParameterizedTest(name = "{0} under {1}")
  @CsvSource(delimiter = '|', value = {"/application/orders|/app", "/app/../admin|/app", "/other|/app",
      "/app/%2F|/app", "/apps|/app"})
  void normalizeWithinWhenOutsideTheContextPathThenRejects(String raw, String ctx) {
    assertThat(PathNormalizer.normalizeWithin(raw, ctx)).isInstanceOf(Rejected.class);
  }
}
