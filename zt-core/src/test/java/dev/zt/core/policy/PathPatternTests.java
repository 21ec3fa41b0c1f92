package dev.zt.core.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class PathPatternTests {

  @ParameterizedTest(name = "[{index}] {0}")
  @NullAndEmptySource
  @ValueSource(strings = {
      // no leading '/'
      "orders", "orders/{*}", "{**}", " /orders", "*",
      // {**} anywhere but last
      "/{**}/orders", "/docs/{**}/", "/docs/{**}/{*}", "/{**}/{**}",
      // empty middle segment
      "//", "//orders", "/orders//items", "/orders//",
      // dot segments
      "/.", "/..", "/orders/./items", "/orders/../admin", "/orders/..", "/orders/.",
      // percent escapes (patterns are decoded text), path parameters, backslashes
      "/orders%2Fadmin", "/caf%C3%A9", "/%", "/orders;x=1", "/orders/;", "/a\\b",
      // braces inside literal segments, and unknown wildcards
      "/orders{*}", "/{*}orders", "/{", "/}", "/a{**}", "/{***}", "/{ * }", "/{}",
      // captures: a whole segment, a name of letters, digits and '_' starting with a letter, unique per pattern
      "/orders/x{id}", "/orders/{id}x", "/{1d}", "/{_id}", "/{a-b}", "/{a b}", "/{id}/{id}", "/{id}/x/{id}",
      "/{{id}}", "/{id}}", "/{é}",
      // globs: literal text here, so they would match only a segment that is literally '*'
      "/accounts/*", "/accounts/**", "/*", "/**", "/*/orders", "/orders*", "/*.json", "/a/b*c",
      // unbalanced braces, path variables of other frameworks
      "/orders/{*", "/orders/*}", "/orders/{{*}}", "/orders/:id", "/:tenant/orders",
      // whitespace at the ends of a segment, controls a normalized path never holds
      "/orders ", "/orders/ x", "/orders/x\t", "/orders/\u0085", "/orders/a\u2028", "/orders/\u00a0x",
  })
  void parseWhenPatternIsInvalidThenThrows(String pattern) {
    assertThatIllegalArgumentException().isThrownBy(() -> PathPattern.parse(pattern));
  }

  @Test
  void parseWhenGlobIsUsedThenMessageNamesPatternAndFix() {
    assertThatIllegalArgumentException().isThrownBy(() -> PathPattern.parse("/accounts/*"))
        .withMessageContaining("'/accounts/*'").withMessageContaining("{*}");
    assertThatIllegalArgumentException().isThrownBy(() -> PathPattern.parse("/accounts/**"))
        .withMessageContaining("'/accounts/**'").withMessageContaining("{**}");
    assertThatIllegalArgumentException().isThrownBy(() -> PathPattern.parse("/accounts/x{id}"))
        .withMessageContaining("'/accounts/x{id}'").withMessageContaining("{name}");
    assertThatIllegalArgumentException().isThrownBy(() -> PathPattern.parse("/accounts/{id}/{id}"))
        .withMessageContaining("appears twice");
    assertThatIllegalArgumentException().isThrownBy(() -> PathPattern.parse("/accounts/:id"))
        .withMessageContaining("{id}");
    assertThatIllegalArgumentException().isThrownBy(() -> PathPattern.parse("accounts"))
        .withMessageContaining("'/accounts'");
    assertThatIllegalArgumentException().isThrownBy(() -> PathPattern.parse("/{**}/x"))
        .withMessageContaining("last segment");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {
      "/", "/orders", "/orders/", "/orders/{*}", "/orders/{*}/items", "/{*}", "/{*}/", "/{**}", "/docs/{**}",
      "/{*}/{**}", "/a.b", "/.well-known/jwks.json", "/...", "/café", "/a b",
      "/orders/{id}", "/t/{tenant_1}/o/{orderId}/{**}", "/{A}",
  })
  void parseWhenPatternIsValidThenKeepsItsText(String pattern) {
    PathPattern parsed = PathPattern.parse(pattern);
    assertThat(parsed.toString()).isEqualTo(pattern);
    assertThat(parsed).isEqualTo(PathPattern.parse(pattern)).hasSameHashCodeAs(PathPattern.parse(pattern));
  }

  @Test
  void equalsWhenPatternsDifferThenNotEqual() {
    assertThat(PathPattern.parse("/orders")).isNotEqualTo(PathPattern.parse("/orders/"));
    assertThat(PathPattern.parse("/orders")).isNotEqualTo(PathPattern.parse("/Orders"));
  }

  @ParameterizedTest(name = "{0} ~ {1} = {2}")
  @CsvSource(delimiter = '|', textBlock = """
      # root
      /                 | /               | true
      /                 | /orders         | false
      /                 | //              | false
      /                 | ''              | false
      # exact literals, case-sensitive
      /orders           | /orders         | true
      /orders           | /Orders         | false
      /orders           | /ORDERS         | false
      /Orders           | /orders         | false
      /orders           | /order          | false
      /orders           | /ordersx        | false
      /orders           | /orders/1       | false
      /orders           | /               | false
      /orders           | ''              | false
      /orders           | orders          | false
      /orders           | /orders?        | false
      /orders/items     | /orders/items   | true
      /orders/items     | /orders/item    | false
      /orders/items     | /orders         | false
      /orders/items     | /ordersitems    | false
      /a.b              | /a.b            | true
      /a.b              | /axb            | false
      /café             | /café           | true
      # trailing slash is significant
      /orders           | /orders/        | false
      /orders/          | /orders         | false
      /orders/          | /orders/        | true
      /orders/          | /orders/1       | false
      # {*}: exactly one non-empty segment
      /orders/{*}       | /orders/42      | true
      /orders/{*}       | /orders/a.b;c   | true
      /orders/{*}       | /orders/        | false
      /orders/{*}       | /orders         | false
      /orders/{*}       | /orders/42/     | false
      /orders/{*}       | /orders/42/x    | false
      /orders/{*}       | /ordersx/42     | false
      /orders/{*}/items | /orders/42/items | true
      /orders/{*}/items | /orders/42/item | false
      /orders/{*}/items | /orders//items  | false
      /{*}              | /x              | true
      /{*}              | /               | false
      /{*}              | /x/             | false
      /{*}/             | /x/             | true
      /{*}/             | /x              | false
      # {**}: zero or more segments
      /docs/{**}        | /docs           | true
      /docs/{**}        | /docs/          | true
      /docs/{**}        | /docs/a         | true
      /docs/{**}        | /docs/a/b       | true
      /docs/{**}        | /docs/a/b/      | true
      /docs/{**}        | /docsx          | false
      /docs/{**}        | /docsx/a        | false
      /docs/{**}        | /doc            | false
      /docs/{**}        | /Docs/a         | false
      /docs/{**}        | /               | false
      /docs/{**}        | /other/docs/a   | false
      /{**}             | /               | true
      /{**}             | /anything/at/all | true
      /{*}/{**}         | /a              | true
      /{*}/{**}         | /a/b/c          | true
      /{*}/{**}         | /               | false
      """)
  void matchesWhenPathIsGivenThenFollowsSegmentRules(String pattern, String path, boolean expected) {
    assertThat(PathPattern.parse(pattern).matches(path)).isEqualTo(expected);
  }

  @Test
  void capturesWhenPathMatchesThenNamesEachCapturedSegment() {
    PathPattern p = PathPattern.parse("/t/{tenant}/orders/{id}/{*}/{**}");
    assertThat(p.captureNames()).containsExactly("tenant", "id");
    assertThat(p.captures("/t/acme/orders/42/x/y/z")).containsExactly(
        java.util.Map.entry("tenant", "acme"), java.util.Map.entry("id", "42"));
    assertThat(PathPattern.parse("/orders/{id}").captures("/orders/caf\u00e9 %2F")).containsEntry("id",
        "caf\u00e9 %2F");
  }

  @Test
  void capturesWhenPathDoesNotMatchThenEmpty() {
    PathPattern p = PathPattern.parse("/orders/{id}");
    assertThat(p.captures("/orders/")).isEmpty();
    assertThat(p.captures("/orders")).isEmpty();
    assertThat(p.captures("/orders/1/2")).isEmpty();
    assertThat(p.captures("/other/1")).isEmpty();
    assertThat(PathPattern.parse("/orders/{*}").captures("/orders/1")).isEmpty();
    assertThat(PathPattern.parse("/orders/{*}").captureNames()).isEmpty();
  }

  @Test
  void matchesWhenCaptureIsNamedThenMatchesAsAnUnnamedSegment() {
    PathPattern named = PathPattern.parse("/orders/{id}");
    PathPattern unnamed = PathPattern.parse("/orders/{*}");
    for (String path : new String[] {"/orders/1", "/orders/", "/orders", "/orders/1/", "/orders/a b"}) {
      assertThat(named.matches(path)).as(path).isEqualTo(unnamed.matches(path));
    }
    assertThat(named.covers(unnamed)).isTrue();
    assertThat(unnamed.covers(named)).isTrue();
  }
}
