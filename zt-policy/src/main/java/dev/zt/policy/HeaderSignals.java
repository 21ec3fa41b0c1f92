package dev.zt.policy;

import dev.zt.core.trust.SignalResult;
import dev.zt.core.trust.TrustContext;
import dev.zt.core.trust.TrustSignal;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The policy file's declarative trust inputs read from a request header that a component you trust writes (a gateway,
 * an MDM-aware proxy): {@code header:} signals and {@code country_from: {header: …}}. A header is only as good as
 * whatever sets it: the gateway must overwrite it on every request, or a client simply sends
 * {@code compliant}. Values compare case-insensitively after trimming; only the first field line counts.
 */
final class HeaderSignals {

  /** A value's score, or a hard failure. */
  record Score(double score, boolean hardFail) {}

  private HeaderSignals() {}

  /**
   * A signal from {@code header}: a listed value gives its score (or a hard failure), any other value
   * {@code otherwise} (abstains when empty), no header abstains.
   */
  static TrustSignal signal(String header, Map<String, Score> values, Optional<Score> otherwise) {
    return ctx -> {
      List<String> v = ctx.request().headers().values(header);
      if (v.isEmpty()) {
        return SignalResult.abstain(header + " absent");
      }
      String value = v.get(0).strip().toLowerCase(Locale.ROOT);
      Score s = values.get(value);
      if (s == null) {
        return otherwise.map(o -> result(o, header + " not listed")).orElseGet(
            () -> SignalResult.abstain(header + " not listed"));
      }
      return result(s, header + " " + value);
    };
  }

  private static SignalResult result(Score s, String reason) {
    return s.hardFail() ? SignalResult.hardFail(reason) : SignalResult.of(s.score(), reason);
  }

  /** The country from {@code header}: two ASCII letters, upper-cased; anything else is no country. */
  static Function<TrustContext, Optional<String>> country(String header) {
    return ctx -> {
      List<String> v = ctx.request().headers().values(header);
      if (v.isEmpty()) {
        return Optional.empty();
      }
      String c = v.get(0).strip();
      if (c.length() != 2 || !isAsciiLetter(c.charAt(0)) || !isAsciiLetter(c.charAt(1))) {
        return Optional.empty();
      }
      return Optional.of(c.toUpperCase(Locale.ROOT));
    };
  }

  private static boolean isAsciiLetter(char c) {
    return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z';
  }
}
