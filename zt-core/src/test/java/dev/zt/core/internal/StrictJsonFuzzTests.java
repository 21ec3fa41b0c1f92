package dev.zt.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.nimbusds.jose.util.JSONObjectUtils;
import java.text.ParseException;
import java.util.List;
import java.util.Map;

/**
 * Fuzz target for {@link StrictJson}: it answers for every input (never throws), its answer does not depend on
 * surrounding whitespace or on which container adds a level, a duplicate name (plain or escaped) always fails it, and
 * what it accepts Nimbus' parser reads with the same members: no member that it saw is dropped or merged by the
 * parser that reads the token or bundle afterwards (the duplicate-name bypass).
 */
class StrictJsonFuzzTests {

  @FuzzTest(maxDuration = "4m")
  void validWhenFuzzedThenAgreesWithTheParserThatReadsAfterIt(FuzzedDataProvider data) {
    String text = FuzzText.of(data);

    boolean valid = StrictJson.valid(text);

    if (!valid) {
      return;
    }
    assertThat(StrictJson.valid("{\"a\":" + text + "}")).isEqualTo(StrictJson.valid("[" + text + "]"));
    assertThat(StrictJson.valid(" \n" + text + "\t\r")).isTrue();
    assertThat(StrictJson.valid("{\"k\":" + text + ",\"k\":0}")).isFalse();
    assertThat(StrictJson.valid("{\"k\":0,\"\\u006b\":" + text + "}")).isFalse();
    Map<String, Object> parsed;
    try {
      parsed = JSONObjectUtils.parse(text);
    } catch (ParseException e) {
      return; // not an object, or a number or literal that only the real parser checks
    }
    assertThat(members(parsed)).as("members the parser read").isEqualTo(nameSeparators(text));
  }

  /** Members at every depth. */
  private static int members(Object value) {
    int n = 0;
    if (value instanceof Map<?, ?> map) {
      n += map.size();
      for (Object v : map.values()) {
        n += members(v);
      }
    } else if (value instanceof List<?> list) {
      for (Object v : list) {
        n += members(v);
      }
    }
    return n;
  }

  /** Colons outside strings: in text StrictJson accepts, exactly one per member. */
  private static int nameSeparators(String text) {
    int n = 0;
    boolean inString = false;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (inString) {
        if (c == '\\') {
          i++;
        } else if (c == '"') {
          inString = false;
        }
      } else if (c == '"') {
        inString = true;
      } else if (c == ':') {
        n++;
      }
    }
    return n;
  }
}
