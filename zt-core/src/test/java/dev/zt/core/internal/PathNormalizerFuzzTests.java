package dev.zt.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.zt.core.internal.PathNormalizer.Normalized;
import dev.zt.core.internal.PathNormalizer.Rejected;
import dev.zt.core.internal.PathNormalizer.Result;
import java.util.Locale;

/**
 * Fuzz target for {@link PathNormalizer}: every input is either refused or turned into a canonical path, and the
 * canonical path is a fixed point. Inputs: {@code src/test/resources/dev/zt/core/internal/PathNormalizerFuzzTestsInputs}.
 */
class PathNormalizerFuzzTests {

  private static final String[] MOUNTS = {"/", "/app", "/app/", "/a%2Fb", "/app/../x"};

  @FuzzTest(maxDuration = "4m")
  void normalizeWhenFuzzedThenCanonicalAndIdempotentOrRefused(FuzzedDataProvider data) {
    String raw = FuzzText.of(data);

    Result result = PathNormalizer.normalize(raw);
    if (PathNormalizer.isCanonical(raw)) { // the fast test RequestContext trusts: never a path normalize changes
      assertThat(result).isEqualTo(new Normalized(raw));
    }

    if (result instanceof Rejected rejected) {
      assertThat(rejected.why()).isNotBlank();
    } else {
      String path = ((Normalized) result).path();
      assertCanonical(path, raw);
      // idempotent: the canonical path, its '%' and ';' escaped again (they are data once decoded), is a fixed point
      assertThat(PathNormalizer.normalize(escape(path))).isEqualTo(result);
      if (path.indexOf('%') < 0 && path.indexOf(';') < 0) {
        assertThat(PathNormalizer.normalize(path)).isEqualTo(result);
      }
      // an encoded separator is never decoded into a path that is accepted
      assertThat(withoutParameters(raw).toLowerCase(Locale.ROOT)).doesNotContain("%2f").doesNotContain("%5c");
    }

    String mount = MOUNTS[Math.floorMod(raw.length(), MOUNTS.length)];
    Result within = PathNormalizer.normalizeWithin(raw, mount);
    if (within instanceof Normalized n) {
      assertCanonical(n.path(), raw);
      assertThat(result).isInstanceOf(Normalized.class);
    }
  }

  private static void assertCanonical(String path, String raw) {
    assertThat(path).startsWith("/").doesNotContain("//").doesNotContain("\\");
    assertThat(path.length()).isLessThanOrEqualTo(raw.length());
    for (String segment : path.substring(1).split("/", -1)) {
      assertThat(segment).isNotIn(".", "..");
    }
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      assertThat(c < 0x20 || c == 0x7f).as("control character at %d", i).isFalse();
      if (Character.isHighSurrogate(c) && i + 1 < path.length() && Character.isLowSurrogate(path.charAt(i + 1))) {
        i++;
      } else {
        assertThat(Character.isSurrogate(c)).as("unpaired surrogate at %d", i).isFalse();
      }
    }
  }

  private static String escape(String path) {
    return path.replace("%", "%25").replace(";", "%3B");
  }

  /** The raw path without its {@code ;} path parameters, which the normalizer drops before decoding. */
  private static String withoutParameters(String raw) {
    StringBuilder out = new StringBuilder(raw.length());
    boolean inParameter = false;
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c == '/') {
        inParameter = false;
      } else if (c == ';') {
        inParameter = true;
      }
      if (!inParameter) {
        out.append(c);
      }
    }
    return out.toString();
  }
}
