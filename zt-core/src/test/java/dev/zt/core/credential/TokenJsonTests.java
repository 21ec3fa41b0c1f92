package dev.zt.core.credential;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.util.JSONObjectUtils;
import dev.zt.core.internal.Encodings;
import dev.zt.core.internal.StrictJson;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link TokenJson}: the one-pass decoding and strict parsing of a JWS part. What it accepts, Nimbus' parser reads to
 * equal values (so claims mean what they meant); what it refuses includes everything Nimbus' lenient reader lets
 * through (comments, unquoted strings, {@code NaN}).
 */
class TokenJsonTests {

  private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {
      "{}",
      " { } ",
      "{\"iss\":\"https://issuer.example\",\"aud\":[\"a\",\"b\"],\"exp\":1700000000,\"iat\":1.7E9}",
      "{\"a\":null,\"b\":true,\"c\":false,\"d\":-0,\"e\":0.5,\"f\":-12e-3,\"g\":9223372036854775807}",
      "{\"big\":9223372036854775808,\"neg\":-9223372036854775808,\"frac\":1.0}",
      "{\"nested\":{\"roles\":[\"user\",{\"x\":[[],{}]}]},\"empty\":[]}",
      "{\"esc\":\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\\u00e9\\u20AC\",\"\\u0061\":1}",
      "{\"utf8\":\"é € 😀\"}",
      "\t\r\n{\"ws\" : [ 1 , 2 ] }\n",
  })
  void objectWhenStrictJsonThenReadsWhatNimbusReads(String json) throws Exception {
    Map<String, Object> ours = TokenJson.object(json);

    assertThat(ours).isEqualTo(JSONObjectUtils.parse(json));
  }

  @ParameterizedTest(name = "[{0}]")
  @ValueSource(strings = {
      "", " ", "[]", "\"s\"", "1", "null", "{", "}", "{\"a\"}", "{\"a\":}", "{\"a\":1,}", "{,\"a\":1}",
      "{\"a\":1}{}", "{\"a\":1} x", "{\"a\":[1,]}", "{\"a\":[,1]}", "{\"a\" 1}", "{a:1}", "{'a':1}",
      "{\"a\":'x'}", "{\"a\":abc}", "{\"a\":tru}", "{\"a\":truex}", "{\"a\":nul}", "{\"a\":NaN}",
      "{\"a\":Infinity}", "{\"a\":-Infinity}", "{\"a\":1e400}", "{\"a\":-1e400}", "{\"a\":01}", "{\"a\":-01}",
      "{\"a\":1.}", "{\"a\":.5}", "{\"a\":1e}", "{\"a\":1e+}", "{\"a\":+1}", "{\"a\":0x10}", "{\"a\":-}",
      "{\"a\":1/*c*/}", "{/*c*/\"a\":1}", "{\"a\":1}//c", "{\"a\":1}#c", "{\"a\";1}", "{\"a\"=>1}",
      "{\"a\":\"\u0001\"}", "{\"a\":\"tab\tinside\"}", "{\"a\":\"\\x41\"}", "{\"a\":\"\\u00g1\"}",
      "{\"a\":\"\\u00\"}", "{\"a\":\"unterminated}", "{\"a\":1,\"a\":2}", "{\"a\":1,\"\\u0061\":2}",
      "{\"n\":{\"r\":[1],\"r\":[2]}}", "{\"n\":[{\"x\":1,\"x\":1}]}", "{\"a\":null,\"a\":null}",
  })
  void objectWhenNotStrictJsonObjectThenRefuses(String json) {
    assertThat(TokenJson.object(json)).isNull();
  }

  @Test
  void objectWhenNestedDeeperThanTheLimitThenRefuses() {
    // the object at depth 0, its member's value at 1, ... as StrictJson counts: values at depth 32 are the deepest
    String ok = "{\"a\":" + "[".repeat(32) + "]".repeat(32) + "}";
    String tooDeep = "{\"a\":" + "[".repeat(33) + "]".repeat(33) + "}";

    assertThat(TokenJson.object(ok)).isNotNull();
    assertThat(StrictJson.valid(ok)).isTrue();
    assertThat(TokenJson.object(tooDeep)).isNull();
    assertThat(StrictJson.valid(tooDeep)).isFalse();
  }

  @Test
  void objectWhenReadThenReadOnlyAtEveryDepth() {
    Map<String, Object> m = TokenJson.object("{\"o\":{\"l\":[1,{\"x\":2}]},\"e\":{},\"f\":[]}");

    assertThatThrownBy(() -> m.put("y", 1)).isInstanceOf(UnsupportedOperationException.class);
    @SuppressWarnings("unchecked")
    Map<String, Object> o = (Map<String, Object>) m.get("o");
    assertThatThrownBy(() -> o.put("y", 1)).isInstanceOf(UnsupportedOperationException.class);
    @SuppressWarnings("unchecked")
    List<Object> l = (List<Object>) o.get("l");
    assertThatThrownBy(() -> l.add(3)).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> ((Map<?, ?>) l.get(1)).clear()).isInstanceOf(UnsupportedOperationException.class);
    assertThat(((List<?>) m.get("f")).contains(null)).isFalse(); // an empty array answers null lookups
  }

  @Test
  void objectWhenNumbersThenLongsAndDoublesAsNimbusGivesThem() {
    Map<String, Object> m = TokenJson.object("{\"i\":1700000000,\"f\":1.5,\"e\":1e3,\"b\":18446744073709551616}");

    assertThat(m.get("i")).isEqualTo(1700000000L);
    assertThat(m.get("f")).isEqualTo(1.5d);
    assertThat(m.get("e")).isEqualTo(1000.0d);
    assertThat(m.get("b")).isEqualTo(1.8446744073709552E19d);
  }

  @Test
  void memberWhenTopLevelStringThenReturnsItAndOnlyIt() {
    assertThat(member("{\"sub\":\"x\",\"iss\":\"https://i.example\"}", "iss")).isEqualTo("https://i.example");
    assertThat(member("{\"\\u0069ss\":\"https://i.example\"}", "iss")).isEqualTo("https://i.example");
    assertThat(member("{\"iss\":\"a\\/b\"}", "iss")).isEqualTo("a/b");
    assertThat(member("{\"o\":{\"iss\":\"nested\"}}", "iss")).isNull();
    assertThat(member("{\"iss\":7}", "iss")).isNull();
    assertThat(member("{\"iss\":null}", "iss")).isNull();
    assertThat(member("{\"iss\":[\"a\"]}", "iss")).isNull();
    assertThat(member("{\"sub\":\"x\"}", "iss")).isNull();
  }

  @ParameterizedTest(name = "[{0}]")
  @ValueSource(strings = {
      "{\"iss\":\"a\",\"iss\":\"b\"}", "{\"iss\":\"a\",\"\\u0069ss\":\"b\"}", "{\"iss\":\"a\"} x",
      "{\"iss\":7,\"iss\":\"a\"}", "{\"iss\":\"a\",\"iss\":null}", "{\"iss\":\"a\",\"x\":NaN}",
      "{\"iss\":\"a\",\"x\":01}", "{\"iss\":\"a\",\"x\":[1,]}", "{\"iss\":\"a\",\"x\":\"\\q\"}",
      "{\"iss\":\"a\",}", "[{\"iss\":\"a\"}]", "{\"iss\":\"a\",\"x\":\"\u0002\"}",
  })
  void memberWhenTheObjectIsNotStrictThenNothingIsRead(String json) {
    assertThat(member(json, "iss")).isNull();
  }

  @Test
  void memberWhenOtherMembersRepeatThenLeavesThemToTheFullParse() {
    // the scan builds no names: only the wanted member twice is refused here; the rest after the signature
    String json = "{\"a\":1,\"a\":2,\"n\":{\"k\":1,\"k\":2},\"iss\":\"x\"}";

    assertThat(member(json, "iss")).isEqualTo("x");
    assertThat(TokenJson.object(json)).isNull();
  }

  @Test
  void memberWhenNameDiffersOnlyAfterItsPrefixThenNotTheMember() {
    assertThat(member("{\"issuer\":\"x\"}", "iss")).isNull();
    assertThat(member("{\"is\":\"x\"}", "iss")).isNull();
    assertThat(member("{\"Iss\":\"x\"}", "iss")).isNull();
    assertThat(member("{\"i\\u0073s\":\"x\",\"issuer\":\"y\"}", "iss")).isEqualTo("x");
  }

  @Test
  void decodeWhenCanonicalThenAgreesWithTheJdkAndTheCanonicalCheck() {
    Random random = new Random(19);
    for (int n = 0; n < 300; n++) {
      byte[] bytes = new byte[n % 70];
      random.nextBytes(bytes);
      String s = B64URL.encodeToString(bytes);
      String framed = "x." + s + ".y";

      assertThat(TokenJson.decode(framed, 2, 2 + s.length())).isEqualTo(bytes.length == 0 ? null : bytes);
    }
  }

  @ParameterizedTest(name = "[{0}]")
  @ValueSource(strings = {
      "", "QQ==", "QQ=", "ab+c", "ab/c", "Q", "QUJDR", "QR", "QB", "Q_", "QUJ", "QUK", "QU_", "AAB", " QQ",
      "QQ ", "Q.Q", "QUI\u0000", "Q\u00c9", "Q\uff21", "QQ\u200b",
  })
  void decodeWhenNotCanonicalThenRefusesAsTheCanonicalCheckDoes(String s) {
    assertThat(Encodings.canonicalBase64Url(s, 0, s.length())).isFalse();
    assertThat(TokenJson.decode(s, 0, s.length())).isNull();
  }

  @Test
  void textWhenInvalidUtf8ThenRefuses() {
    assertThat(TokenJson.text(new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xC0, (byte) 0x80, '"', '}'}))
        .isNull(); // overlong NUL
    assertThat(TokenJson.text(new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80})).isNull(); // an encoded surrogate
    assertThat(TokenJson.text(new byte[] {(byte) 0xE2, (byte) 0x82})).isNull(); // truncated
    assertThat(TokenJson.text("é€😀".getBytes(StandardCharsets.UTF_8))).isEqualTo("é€😀");
    assertThat(TokenJson.text("{}".getBytes(StandardCharsets.US_ASCII))).isEqualTo("{}");
  }

  private static String member(String json, String name) {
    String part = B64URL.encodeToString(json.getBytes(StandardCharsets.UTF_8));
    return TokenJson.member("h." + part + ".s", 2, 2 + part.length(), name);
  }
}
