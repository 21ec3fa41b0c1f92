package dev.zt.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.zt.core.internal.RequestTarget.Parsed;
import dev.zt.core.internal.RequestTarget.Refused;
import dev.zt.core.internal.RequestTarget.Result;
import java.util.Locale;

/**
 * Fuzz target for {@link RequestTarget}: a target is refused, or split into a path that starts with {@code /} and a
 * query, both visible US-ASCII, that put back together are the target (origin-form) or its tail (absolute-form).
 */
class RequestTargetFuzzTests {

  @FuzzTest(maxDuration = "4m")
  void parseWhenFuzzedThenSplitsLosslesslyOrRefuses(FuzzedDataProvider data) {
    String target = FuzzText.of(data);

    Result result = RequestTarget.parse(target);

    if (result instanceof Refused refused) {
      assertThat(refused.why()).isNotBlank();
      return;
    }
    Parsed parsed = (Parsed) result;
    assertThat(parsed.rawPath()).startsWith("/").doesNotContain("?");
    assertVisibleAscii(parsed.rawPath());
    assertVisibleAscii(parsed.rawQuery());
    String rebuilt = target.indexOf('?') < 0 ? parsed.rawPath() : parsed.rawPath() + "?" + parsed.rawQuery();
    if (target.startsWith("/")) {
      assertThat(rebuilt).isEqualTo(target);
    } else {
      String lower = target.toLowerCase(Locale.ROOT);
      assertThat(lower.startsWith("http://") || lower.startsWith("https://")).isTrue();
      String authorityAndRest = target.substring(target.indexOf("//") + 2);
      String authority = authorityAndRest.split("[/?]", 2)[0];
      assertThat(authority).isNotEmpty().doesNotContain("@");
      String rest = authorityAndRest.substring(authority.length());
      // the path is the target's own, or "/" for an empty one ("http://host" or "http://host?q", RFC 9110 §4.2.3)
      assertThat(rebuilt).isEqualTo(rest.isEmpty() || rest.startsWith("?") ? "/" + rest : rest);
    }
    // what the adapter does next never throws either
    assertThat(PathNormalizer.normalize(parsed.rawPath())).isNotNull();
  }

  private static void assertVisibleAscii(String s) {
    for (int i = 0; i < s.length(); i++) {
      assertThat(s.charAt(i)).isBetween('!', '~').isNotEqualTo('#');
    }
  }
}
