package dev.zt.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zt.core.DenyReason;
import dev.zt.core.RequestContext;
import dev.zt.core.internal.RequestTarget.Parsed;
import dev.zt.core.internal.RequestTarget.Refused;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

/** RFC 9112 §3.2 request-targets, split the way a servlet container splits them before resolving the path. */
class RequestTargetTests {

  @ParameterizedTest(name = "{0} -> {1} ? {2}")
  @CsvSource(delimiter = '|', textBlock = """
      /orders                                | /orders                  |
      /orders?x=1&y=2                        | /orders                  | x=1&y=2
      /orders?                               | /orders                  |
      /orders??x                             | /orders                  | ?x
      //admin/stats                          | //admin/stats            |
      /docs/..;/admin/stats?a=%2F            | /docs/..;/admin/stats    | a=%2F
      /a?b=/c?d                              | /a                       | b=/c?d
      http://example.com/orders              | /orders                  |
      HTTP://example.com:8080/orders?x=1     | /orders                  | x=1
      https://127.0.0.1:1/admin/../orders    | /admin/../orders         |
      http://[::1]:80/docs/..;/admin/stats   | /docs/..;/admin/stats    |
      http://example.com                     | /                        |
      http://example.com?x=1                 | /                        | x=1
      http://example.com//admin              | //admin                  |
      """)
  void parseWhenOriginOrAbsoluteFormThenSplitsRawPathAndQuery(String target, String path, String query) {
    assertThat(RequestTarget.parse(target)).isInstanceOfSatisfying(Parsed.class, p -> {
      assertThat(p.rawPath()).isEqualTo(path);
      assertThat(p.rawQuery()).isEqualTo(query == null ? "" : query);
    });
  }

  @Test
  void parseWhenAbsoluteFormThenKeepsItsSchemeAndAuthorityForTheEffectiveUri() {
    assertThat(RequestTarget.parse("HTTPS://Example.com:8443/orders?x=1"))
        .isEqualTo(new Parsed("/orders", "x=1", "HTTPS", "Example.com:8443"));
    assertThat(RequestTarget.parse("/orders")).isEqualTo(new Parsed("/orders", "", "", ""));
  }

  @ParameterizedTest
  @NullAndEmptySource
  @ValueSource(strings = {
      "*",                                   // asterisk-form
      "example.com:443",                     // authority-form
      "orders",                              // relative reference
      "../orders",
      "?x=1",
      "ftp://example.com/orders",            // another scheme
      "javascript://x/%0aalert(1)",
      "http:/orders",                        // not an absolute URI with an authority
      "http:orders",
      "http:///orders",                      // empty authority
      "http://user@example.com/orders",      // userinfo
      "http://user:pw@example.com/admin",
      "/orders#frag",                        // fragment
      "http://example.com/orders#x",
      "/orders\tx",                          // control and non-ASCII characters
      "/orders x",
      "/ord\u00e9rs",
      "/orders\u007f",
      "/orders\u0000",
  })
  void parseWhenAnyOtherFormThenRefused(String target) {
    assertThat(RequestTarget.parse(target)).isInstanceOf(Refused.class);
  }

  @Test
  void parseWhenTargetTooLongThenRefused() {
    assertThat(RequestTarget.parse("/" + "a".repeat(PathNormalizer.MAX_PATH_LENGTH * 2))).isInstanceOf(Refused.class);
  }

  @Test
  void forRequestTargetWhenAbsoluteFormThenNormalizesOnlyThePath() {
    RequestContext ctx = RequestContext.forRequestTarget("GET", "http://h:1/admin/../orders?access_token=x").build();
    assertThat(ctx.rawPath()).isEqualTo("/admin/../orders");
    assertThat(ctx.rawQuery()).isEqualTo("access_token=x");
    assertThat(ctx.normalizedPath()).contains("/orders");
  }

  @Test
  void forRequestTargetWhenRefusedThenPathRejectedAndNothingNormalized() {
    RequestContext ctx = RequestContext.forRequestTarget("GET", "example.com:443").build();
    assertThat(ctx.normalizedPath()).isEmpty();
    assertThat(ctx.rawPath()).isEqualTo("example.com:443");
    assertThat(DenyReason.PATH_REJECTED.kind()).isEqualTo(DenyReason.Kind.BAD_PATH);
  }

  /**
   * The allocation-free origin-form path ({@link RequestTarget#originFormEnd}, what {@code forRequestTarget} takes
   * first) agrees with {@link RequestTarget#parse} on every target: the same path and query, or -1 where parse
   * refuses or takes the absolute-form path.
   */
  @ParameterizedTest
  @ValueSource(strings = {
      "/", "/orders", "/orders?", "/orders?x=1", "/orders??x", "/a?b=/c?d", "//admin", "/docs/..;/admin?a=%2F",
      "/orders#frag", "/orders?x#", "/orders x", "/orders\t", "/ord\u00e9rs", "/orders\u007f", "/orders\u0000",
      "/orders\u0020?x", "/?#", "*", "?x=1", "orders", "http://h/orders", "HTTP://h?x", "/\u00ff", "/%00?%23",
  })
  void originFormEndWhenAnyTargetThenAgreesWithParse(String target) {
    assertAgrees(target);
    assertAgrees("/" + "a".repeat(PathNormalizer.MAX_PATH_LENGTH * 2 - 1)); // the longest accepted
    assertAgrees("/" + "a".repeat(PathNormalizer.MAX_PATH_LENGTH * 2)); // one too long
  }

  @Test
  void originFormEndWhenRandomTargetsThenAgreesWithParse() {
    java.util.Random random = new java.util.Random(19);
    char[] alphabet = {'/', '?', '#', '%', '.', ';', ':', '@', 'a', 'Z', '0', ' ', '\t', '\u007f', '\u0000',
        '\u0080', '\u00e9', '\u2028', '~', '!', '\\'};
    for (int i = 0; i < 20_000; i++) {
      StringBuilder b = new StringBuilder(random.nextBoolean() ? "/" : "");
      for (int n = random.nextInt(12); n > 0; n--) {
        b.append(alphabet[random.nextInt(alphabet.length)]);
      }
      assertAgrees(b.toString());
    }
  }

  private static void assertAgrees(String target) {
    int end = RequestTarget.originFormEnd(target);
    RequestTarget.Result parsed = RequestTarget.parse(target);
    if (end < 0) {
      assertThat(parsed instanceof Refused || !target.startsWith("/")).as("%s", target).isTrue();
      return;
    }
    String query = end == target.length() ? "" : target.substring(end + 1);
    assertThat(parsed).as("%s", target).isEqualTo(new Parsed(target.substring(0, end), query));
    RequestContext ctx = RequestContext.forRequestTarget("GET", target).build();
    assertThat(ctx.rawPath()).isEqualTo(target.substring(0, end));
    assertThat(ctx.rawQuery()).isEqualTo(query);
  }
}
