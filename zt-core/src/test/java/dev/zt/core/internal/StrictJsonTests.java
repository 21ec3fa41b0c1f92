package dev.zt.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The one strict JSON reader behind tokens, key sets, bundles and answers: {@code valid} accepts exactly what
 * {@code readObject} reads (any value at the top), and both refuse what a lenient parser lets through.
 */
class StrictJsonTests {

  @ParameterizedTest
  @ValueSource(strings = {"{}", "[]", "\"x\"", "0", "-1.5e3", "true", "null", " {\"a\":[1,2,{\"b\":null}],\"c\":\"\\u0041\"} "})
  void validWhenStrictJsonOfAnyKindThenTrue(String text) {
    assertThat(StrictJson.valid(text)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "{\"a\":1,\"a\":2}", // duplicate at the top
      "[{\"a\":1,\"\\u0061\":2}]", // duplicate below the top, spelt differently
      "{\"a\":01}", // leading zero
      "{\"a\":tru}", "{\"a\":NaN}", "{'a':1}", "{a:1}", "{\"a\":1}/*c*/", "{\"a\":1} x", "", "{\"a\":\"\u0001\"}",
      "{\"a\":1,}", "[1,]"})
  void validWhenNotStrictThenFalse(String text) {
    assertThat(StrictJson.valid(text)).isFalse();
  }

  @Test
  void validWhenNestedDeeperThanTheLimitThenFalse() {
    String ok = "[".repeat(StrictJson.MAX_DEPTH + 1) + "]".repeat(StrictJson.MAX_DEPTH + 1);
    String deep = "[".repeat(StrictJson.MAX_DEPTH + 2) + "]".repeat(StrictJson.MAX_DEPTH + 2);
    assertThat(StrictJson.valid(ok)).isTrue();
    assertThat(StrictJson.valid(deep)).isFalse();
  }

  @Test
  void readObjectWhenAnObjectThenReadOnlyValuesOfNimbusTypes() {
    Map<String, Object> o = StrictJson.readObject("{\"n\":1,\"d\":1.5,\"l\":[true],\"m\":{\"s\":\"x\"}}");
    assertThat(o).containsEntry("n", 1L).containsEntry("d", 1.5).containsEntry("l", List.of(true))
        .containsEntry("m", Map.of("s", "x"));
    assertThat(StrictJson.readObject("[1]")).isNull();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> o.put("x", 1))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void topLevelStringWhenTheMemberIsThereOnceThenItElseNull() {
    assertThat(StrictJson.topLevelString("{\"x\":{\"iss\":\"inner\"},\"iss\":\"outer\"}", "iss")).isEqualTo("outer");
    assertThat(StrictJson.topLevelString("{\"iss\":\"a\",\"iss\":\"b\"}", "iss")).isNull();
    assertThat(StrictJson.topLevelString("{\"iss\":1}", "iss")).isNull();
    assertThat(StrictJson.topLevelString("{\"iss\":\"a\"", "iss")).isNull();
  }

  @Test
  void readObjectWhenCommonNamesSpelledPlainlyOrEscapedThenTheSameMembers() {
    assertThat(StrictJson.readObject("{\"iss\":\"a\",\"exp\":1,\"issuer\":2,\"is\":3}"))
        .containsOnlyKeys("iss", "exp", "issuer", "is").containsEntry("iss", "a").containsEntry("issuer", 2L);
    assertThat(StrictJson.readObject("{\"is\\u0073\":\"a\"}")).containsOnlyKeys("iss");
    assertThat(StrictJson.readObject("{\"iss\\\"\":\"a\"}")).containsOnlyKeys("iss\"");
    // a common name twice, once escaped: still a duplicate
    assertThat(StrictJson.readObject("{\"iss\":\"a\",\"i\\u0073s\":\"b\"}")).isNull();
    assertThat(StrictJson.readObject("{\"sub\":\"a\",\"sub\":\"a\"}")).isNull();
    // a name must open with a quote, however it ends
    assertThat(StrictJson.readObject("{iss\":\"a\"}")).isNull();
    assertThat(StrictJson.readObject("{xiss\":\"a\"}")).isNull();
    assertThat(StrictJson.readObject("{\"iss\"")).isNull();
  }

  @Test
  void readObjectWhenIntegersAtTheLongBoundaryThenLongsAsParseLongElseDoubles() {
    for (String n : List.of("0", "-0", "7", "-7", "1700000000", "999999999999999999", "-99999999999999999",
        "-999999999999999999", "9223372036854775807", "-9223372036854775808")) {
      assertThat(StrictJson.readObject("{\"n\":" + n + "}")).as(n).containsEntry("n", Long.parseLong(n));
    }
    assertThat(StrictJson.readObject("{\"n\":9223372036854775808}")).containsEntry("n", 9.223372036854775808e18);
    assertThat(StrictJson.readObject("{\"n\":12.0}")).containsEntry("n", 12.0);
    assertThat(StrictJson.readObject("{\"n\":1e3}")).containsEntry("n", 1000.0);
    assertThat(StrictJson.readObject("{\"n\":01}")).isNull();
    assertThat(StrictJson.readObject("{\"n\":-}")).isNull();
    java.util.Random random = new java.util.Random(19);
    for (int k = 0; k < 10_000; k++) {
      long v = random.nextLong() >> random.nextInt(64);
      assertThat(StrictJson.readObject("{\"n\":" + v + "}")).containsEntry("n", v);
    }
  }
}
