package dev.zt.core.detect;

import dev.zt.core.detect.SqlJudge.Context;
import dev.zt.core.detect.SqlJudge.Finding;
import dev.zt.core.detect.SqlNormalizer.Normalized;
import java.util.Objects;
import java.util.Optional;

/**
 * Finds SQL injection in one untrusted value (a query parameter, path segment, form field or header value).
 *
 * <p>Not a list of regular expressions: the value is normalized (percent-decoded once, Unicode NFKC, NULs and
 * comments handled), tokenized as SQL would be, and the token stream's shape (its fingerprint) is judged, so
 * {@code O'Brien} or prose with quotes passes while {@code ' OR 1=1--} does not. See {@code docs/detection.md}
 * for the model, the corpora it was measured on, and its detection and false-positive rates.
 *
 * <p>The value is tokenized in three contexts: as it is (a numeric or bare position in a query), as if it followed
 * an opening {@code '}, and as if it followed an opening {@code "}; a quoted context is only tried when the value
 * holds that quote, and is tried a second time with MySQL's backslash escapes when the value holds a backslash.
 * Only the first {@value SqlNormalizer#MAX_INSPECTED} characters of a longer value are inspected, and the verdict's
 * evidence says so. Stateless and thread-safe; linear in the value's length.
 *
 * @since 0.1
 */
final class SqlInjectionDetector {

  /** How many characters of one value are inspected; a caller inspects a longer value in windows of this length. */
  static final int MAX_INSPECTED = SqlNormalizer.MAX_INSPECTED;

  private static final int EXCERPT = 60;
  private static final int LOCATION = 64;

  private SqlInjectionDetector() {}

  /** A detector with the default sensitivity. */
  static SqlInjectionDetector create() {
    return new SqlInjectionDetector();
  }

  /**
   * Inspects one value. A {@code +} stays a plus sign: use this for path segments, header values, and values a
   * container has already decoded.
   *
   * @param location where the value came from, for the rule id and evidence (e.g. {@code query:id})
   * @param value the raw value as received (still percent-encoded where the wire had it so)
   * @return a verdict when the value carries SQL injection
   */
  Optional<Verdict> inspect(String location, String value) {
    return inspect(location, value, false);
  }

  /**
   * Inspects one value that is {@code application/x-www-form-urlencoded} as it stands (a query string parameter or
   * a form field not yet decoded): {@code +} is a space, {@code %2B} a plus sign.
   *
   * @param location where the value came from, for the rule id and evidence (e.g. {@code query:id})
   * @param value the raw value as received
   * @return a verdict when the value carries SQL injection
   * @since 0.1
   */
  Optional<Verdict> inspectQueryValue(String location, String value) {
    return inspect(location, value, true);
  }

  private static Optional<Verdict> inspect(String location, String value, boolean form) {
    Objects.requireNonNull(location, "location");
    Objects.requireNonNull(value, "value");
    if (isPlain(value, Math.min(value.length(), SqlNormalizer.MAX_INSPECTED))) {
      return Optional.empty(); // identifiers, numbers, slugs: nothing SQL could do with them
    }
    Normalized normalized = SqlNormalizer.normalize(value, form);
    Finding best = null;
    boolean backslash = contains(normalized, '\\');
    for (Context context : Context.values()) {
      if ((context.quote != 0 && !contains(normalized, context.quote)) || (context.backslash && !backslash)) {
        continue;
      }
      char[] text = normalized.text();
      SqlTokens tokens = SqlLexer.lex(text, text.length, context.quote, context.backslash);
      Finding finding = SqlJudge.judge(SqlJudge.fold(tokens), context);
      if (finding != null && (best == null || finding.severity().compareTo(best.severity()) > 0)) {
        best = finding;
        if (best.severity() == Severity.CRITICAL) {
          break;
        }
      }
    }
    if (best == null && normalized.nul() && (contains(normalized, '\'') || contains(normalized, '"'))) {
      // A NUL has no business in a text value; next to a quote it is a truncation or filter-evasion attempt.
      best = new Finding("nul-byte", Severity.HIGH, Context.AS_IS, "", 0);
    }
    if (best == null) {
      return Optional.empty();
    }
    return Optional.of(new Verdict("sqli." + locationKind(location), best.severity(),
        evidence(location, best, normalized)));
  }

  /** Only {@code [A-Za-z0-9_.-]}: no quote, operator, space or escape that SQL could act on. */
  private static boolean isPlain(String value, int inspected) {
    for (int i = 0; i < inspected; i++) {
      char c = value.charAt(i);
      if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.'
          || c == '-')) {
        return false;
      }
    }
    return true;
  }

  private static boolean contains(Normalized normalized, char c) {
    for (char t : normalized.text()) {
      if (t == c) {
        return true;
      }
    }
    return false;
  }

  /** {@code query:id} → {@code query}; anything but {@code [a-z0-9_-]} is dropped, nothing left → {@code value}. */
  private static String locationKind(String location) {
    int colon = location.indexOf(':');
    String prefix = colon < 0 ? location : location.substring(0, colon);
    StringBuilder kind = new StringBuilder(Math.min(prefix.length(), 24));
    for (int i = 0; i < prefix.length() && kind.length() < 24; i++) {
      char c = SqlWord.lower(prefix.charAt(i));
      if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-') {
        kind.append(c);
      }
    }
    return kind.length() == 0 ? "value" : kind.toString();
  }

  /**
   * The location, the shape and context that matched, the fingerprint, and at most {@value #EXCERPT} printable
   * characters of the normalized value around the match. Nothing else of the value.
   */
  private static String evidence(String location, Finding finding, Normalized normalized) {
    StringBuilder out = new StringBuilder(64 + LOCATION + EXCERPT);
    out.append("location=");
    for (int i = 0; i < Math.min(location.length(), LOCATION); i++) {
      out.append(printable(location.charAt(i)));
    }
    out.append(" shape=").append(finding.shape());
    out.append(" context=").append(finding.context().label);
    if (!finding.fingerprint().isEmpty()) {
      out.append(" fingerprint=").append(finding.fingerprint());
    }
    if (normalized.truncated()) {
      out.append(" inspected=first-").append(SqlNormalizer.MAX_INSPECTED).append("-chars");
    }
    char[] text = normalized.text();
    int from = Math.max(0, Math.min(finding.position(), text.length) - 8);
    int to = Math.min(text.length, from + EXCERPT);
    out.append(" excerpt=");
    for (int i = from; i < to; i++) {
      out.append(printable(text[i]));
    }
    return out.toString();
  }

  /** Printable ASCII as it is, anything else as {@code ?}: no line breaks or escapes reach an audit log. */
  private static char printable(char c) {
    return c >= 0x20 && c < 0x7f ? c : '?';
  }
}
