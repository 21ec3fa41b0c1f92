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
 * <p>The value is tokenized in four contexts: as it is (a numeric or bare position in a query), as if it followed
 * an opening {@code '}, an opening {@code "}, or an opening MySQL {@code `} (an identifier taken from input); a
 * quoted context is only tried when the value holds that quote, and a string context is tried a second time with
 * MySQL's backslash escapes when the value holds a backslash. Two decoded readings are judged as well: {@code \xHH}
 * escapes, and {@code 0x} literals that spell ASCII text (issue 20). Only the first {@value SqlNormalizer#MAX_INSPECTED} characters of a longer value are inspected, and the verdict's
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
    Pass pass = new Pass();
    examine(value, form, pass);
    if (pass.best == null) {
      return Optional.empty();
    }
    return Optional.of(new Verdict("sqli." + locationKind(location), pass.best.severity(),
        evidence(location, pass.best, pass.reading, pass.normalized)));
  }

  /**
   * The steps one inspection of {@code value} takes: characters normalized, scanned and lexed, and tokens visited by
   * the judge, over every reading and context. Deterministic; the linearity test reads it, nothing else does.
   */
  static long work(String value, boolean form) {
    if (isPlain(value, Math.min(value.length(), SqlNormalizer.MAX_INSPECTED))) {
      return Math.min(value.length(), SqlNormalizer.MAX_INSPECTED);
    }
    Pass pass = new Pass();
    examine(value, form, pass);
    return pass.steps + Math.min(value.length(), SqlNormalizer.MAX_INSPECTED);
  }

  /**
   * How many percent-decodings a value is read through, the server's included: an escape written in a payload and
   * the application's second decoding (WAF testers' {@code url} mutation), and two more layers (their
   * {@code double_url}). Encoding a value three times over is itself an evasion; no form or link does it.
   */
  static final int MAX_DECODINGS = 4;

  /** One inspection's state: the best finding so far, the reading it came from, and (as a Work) the steps counted. */
  private static final class Pass extends SqlNormalizer.Work {
    Normalized normalized;
    Finding best;
    String reading;
  }

  private static void examine(String value, boolean form, Pass pass) {
    Normalized normalized = SqlNormalizer.normalize(value, form, pass);
    pass.normalized = normalized;
    Finding best = judge(normalized.text(), null, pass);
    String reading = null;
    if (normalized.escapes() && (best == null || best.severity() != Severity.CRITICAL)) {
      char[] unescaped = SqlNormalizer.decodeHexEscapes(normalized.text(), pass);
      Finding decoded = unescaped == null ? best : judgeThenPercentDecoded(unescaped, best, pass);
      if (decoded != best) {
        best = at(decoded, 0); // \x27\x4F\x52 1=1: the escapes a layer below may decode
        reading = "backslash-x-decoded";
      }
    }
    if (best == null) {
      // 0x77616974666f72…: SQL Server runs a hex literal cast to text through EXEC(@s); judge what it spells
      char[] text = normalized.text();
      for (int i = SqlNormalizer.hexLiteral(text, 0, pass); i >= 0 && best == null;
          i = SqlNormalizer.hexLiteral(text, i + 2, pass)) {
        char[] spelled = SqlNormalizer.decodeHexLiteral(text, i, pass);
        Finding decoded = spelled == null ? null : judge(spelled, null, pass);
        if (decoded != null) {
          best = at(decoded, i);
          reading = "hex-literal-decoded";
        }
      }
    }
    if (best == null && normalized.escapes()) {
      // &#x27;&#x20;&#x4f;&#x52;…: an application that unescapes HTML in its input turns character references into SQL
      char[] unescaped = SqlNormalizer.decodeHtmlEntities(normalized.text(), pass);
      Finding decoded = unescaped == null ? null : judgeThenPercentDecoded(unescaped, null, pass);
      if (decoded != null) {
        best = at(decoded, 0);
        reading = "html-entity-decoded";
      }
    }
    if (best == null) {
      // jSQL's empty prefix, Ghauri's 1UPDATEXML(…): a scanner appended its payload to the original value with no
      // separator. No database splits adminand or 1UPDATEXML, so no reading above finds it, but the request is a
      // scanner's probe: judge the value with its first word split before the keyword or call it ends in
      char[] text = normalized.text();
      int at = gluedKeyword(text, pass);
      boolean danger = at > 0 && isDangerCall(text, at);
      // a keyword or char( counts only with the comment the probe ends in: brand new shoes costs no second pass
      if (at > 0 && (danger || hasCommentMark(text, at, pass))) {
        char[] split = new char[text.length + 1];
        System.arraycopy(text, 0, split, 0, at);
        split[at] = ' ';
        System.arraycopy(text, at, split, at + 1, text.length - at);
        Finding decoded = judge(split, null, pass);
        if (decoded != null && (danger || SqlJudge.endsInCuttingComment(split, pass))) {
          best = at(decoded, at);
          reading = "glued-keyword-split";
        }
      }
    }
    if (best == null && normalized.comments()) {
      // S/**/E/**/L/**/E/**/C/**/T * FROM users: a keyword cut into pieces by empty comments, joined
      best = judgeRewritten(SqlNormalizer.removeSplittingComments(normalized.text(), pass), pass);
      reading = best == null ? null : "split-comments-removed";
    }
    if (best == null && normalized.escapes()) {
      // 10 a%nd 1=0/(se%lect top 1 ta%ble_name fr%om info%rmation_schema.tables): ASP drops a % that starts no escape
      best = judgeRewritten(SqlNormalizer.removeStrayPercents(normalized.text(), pass), pass);
      reading = best == null ? null : "stray-percent-removed";
    }
    if (best == null && value.indexOf('%') >= 0) {
      // %C0%A7%C0%A0or%C0%A01=1: overlong UTF-8, which decoders that do not check for it read as the ASCII it spells
      String overlong = SqlNormalizer.decodeOverlongEscapes(value, pass);
      Finding decoded = overlong == null ? null : judge(SqlNormalizer.normalize(overlong, form, pass).text(), null, pass);
      if (decoded == null && normalized.escapes()) {
        // %25C0%25A7: the same escapes written in a payload, which the server's decoding leaves as text
        overlong = SqlNormalizer.decodeOverlongEscapes(new String(normalized.text()), pass);
        decoded = overlong == null ? null : judge(SqlNormalizer.normalize(overlong, true, pass).text(), null, pass);
      }
      if (decoded != null) {
        best = at(decoded, 0);
        reading = "overlong-utf8-decoded";
      }
    }
    if (best == null && normalized.escapes()) {
      // ' UNION%0aSELECT%0a1,2,3--, %27+OR+%271%27%3D%271: an escape that survived the server's decoding is what an
      // application or a service further on that decodes again turns into SQL; judge the value decoded again, as a
      // form decoder does it (+ a space: URLDecoder, unquote_plus), while escapes remain, up to MAX_DECODINGS layers
      char[] text = normalized.text();
      int at = SqlNormalizer.escapeAt(text, pass);
      for (int layer = 2; at >= 0 && layer <= MAX_DECODINGS && best == null; layer++) {
        Normalized again = SqlNormalizer.normalize(new String(text), true, pass);
        Finding decoded = judge(again.text(), null, pass);
        if (decoded == null && again.nul() && (contains(again, '\'', pass) || contains(again, '"', pass))) {
          decoded = new Finding("nul-byte", Severity.HIGH, Context.AS_IS, "", 0); // ' or 1]%00 written as text
        }
        if (decoded != null) {
          best = at(decoded, at);
          reading = layer == 2 ? "percent-decoded-twice" : "percent-decoded-" + layer + "-times";
        }
        text = again.text();
        if (SqlNormalizer.escapeAt(text, pass) < 0) {
          break;
        }
      }
    }
    if (best == null && normalized.nul() && (contains(normalized, '\'', pass)
        || contains(normalized, '"', pass))) {
      // A NUL has no business in a text value; next to a quote it is a truncation or filter-evasion attempt.
      best = new Finding("nul-byte", Severity.HIGH, Context.AS_IS, "", 0);
    }
    pass.best = best;
    pass.reading = reading;
  }

  /** The finding in a rewritten reading of the value, placed at its start; null when there is no rewrite or none. */
  private static Finding judgeRewritten(char[] rewritten, Pass pass) {
    Finding found = rewritten == null ? null : judge(rewritten, null, pass);
    return found == null ? null : at(found, 0);
  }

  /**
   * {@link #judge} on a decoded reading's text, then, when that finds nothing new and the text holds a percent escape
   * (an HTML reference or a backslash-u escape of {@code %0a}: two schemes stacked), on that text percent-decoded once.
   */
  private static Finding judgeThenPercentDecoded(char[] decodedText, Finding best, Pass pass) {
    Finding found = judge(decodedText, best, pass);
    if (found == best && SqlNormalizer.escapeAt(decodedText, pass) >= 0) {
      found = judge(SqlNormalizer.normalize(new String(decodedText), true, pass).text(), best, pass);
    }
    return found;
  }

  /** The most severe finding over every context that applies to {@code text}, starting from {@code best}. */
  private static Finding judge(char[] text, Finding best, SqlNormalizer.Work work) {
    boolean backslash = contains(text, '\\', work);
    for (Context context : Context.values()) {
      if ((context.quote != 0 && !contains(text, context.quote, work)) || (context.backslash && !backslash)) {
        continue;
      }
      SqlTokens tokens = SqlLexer.lex(text, text.length, context.quote, context.backslash);
      Finding finding = SqlJudge.judge(SqlJudge.fold(tokens), context);
      work.steps += tokens.work;
      if (finding != null && (best == null || finding.severity().compareTo(best.severity()) > 0)) {
        best = finding;
        if (best.severity() == Severity.CRITICAL) {
          break;
        }
      }
    }
    return best;
  }

  /**
   * Only {@code [A-Za-z0-9_.-]}: no quote, operator, space or escape that SQL could act on, and no {@code 0x} literal
   * long enough to be decoded (SQL Server runs {@code 0x77616974…} cast to text: the hex-literal reading judges it).
   */
  private static boolean isPlain(String value, int inspected) {
    int hexDigits = -1; // digits of the 0x literal being read, or -1 when not in one
    for (int i = 0; i < inspected; i++) {
      char c = value.charAt(i);
      if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.'
          || c == '-')) {
        return false;
      }
      if (hexDigits >= 0 && Character.digit(c, 16) >= 0) {
        if (++hexDigits >= SqlNormalizer.HEX_LITERAL_MIN_DIGITS) {
          return false;
        }
      } else {
        hexDigits = (c == 'x' || c == 'X') && i > 0 && value.charAt(i - 1) == '0'
            && (i == 1 || !Character.isLetterOrDigit(value.charAt(i - 2))) ? 0 : -1;
      }
    }
    return true;
  }

  /** Keywords a scanner's payload starts with, longest first where one ends another ({@code xor}, {@code or}). */
  private static final String[] GLUED_WORDS = {"union", "xor", "and", "or"};
  /**
   * Calls a scanner's payload starts with: the error-based and delay calls no word ends in, whose call is the attack
   * on its own, and the comparison probes' {@code char(}, which must end in a cutting comment like the keywords.
   */
  private static final String[] GLUED_DANGER_CALLS = {"updatexml", "extractvalue", "dbms_pipe.receive_message",
      "dbms_lock.sleep", "user_lock.sleep", "pg_sleep"};
  private static final String[] GLUED_CALLS = {"char", "chr"};

  /**
   * Where the value's first word ends in one of {@link #GLUED_WORDS} (followed by a blank, a quote or a parenthesis)
   * or {@link #GLUED_DANGER_CALLS} / {@link #GLUED_CALLS} (followed by {@code (}) after at least one letter or digit:
   * the index the keyword starts at, or -1.
   */
  private static int gluedKeyword(char[] text, SqlNormalizer.Work work) {
    int end = 0;
    while (end < text.length && (SqlLexer.isWordPart(text[end]) || text[end] == '.')) {
      work.steps++;
      end++;
    }
    if (end >= text.length) {
      return -1;
    }
    char next = text[end];
    if (next == '(') {
      int at = suffix(text, end, GLUED_DANGER_CALLS);
      return at > 0 ? at : suffix(text, end, GLUED_CALLS);
    }
    return next <= ' ' || next == '\'' || next == '"' ? suffix(text, end, GLUED_WORDS) : -1;
  }

  /** The start of the first of {@code words} that {@code text[0, end)} ends in, after one character or more, or -1. */
  private static int suffix(char[] text, int end, String[] words) {
    for (String w : words) {
      int at = end - w.length();
      if (at < 1) {
        continue;
      }
      boolean same = true;
      for (int k = 0; k < w.length() && same; k++) {
        same = SqlWord.lower(text[at + k]) == w.charAt(k);
      }
      if (same) {
        return at;
      }
    }
    return -1;
  }

  /** Whether {@code text} holds {@code --} or {@code #} after {@code from}: what a cutting comment starts with. */
  private static boolean hasCommentMark(char[] text, int from, SqlNormalizer.Work work) {
    for (int i = from; i < text.length; i++) {
      work.steps++;
      if (text[i] == '#' || (text[i] == '-' && i + 1 < text.length && text[i + 1] == '-')) {
        return true;
      }
    }
    return false;
  }

  /** Whether the call glued at {@code at} is one of {@link #GLUED_DANGER_CALLS}. */
  private static boolean isDangerCall(char[] text, int at) {
    int end = at;
    while (end < text.length && text[end] != '(') {
      end++;
    }
    return text.length > end && suffix(text, end, GLUED_DANGER_CALLS) == at;
  }

  private static boolean contains(Normalized normalized, char c, SqlNormalizer.Work work) {
    return contains(normalized.text(), c, work);
  }

  private static boolean contains(char[] text, char c, SqlNormalizer.Work work) {
    for (char t : text) {
      work.steps++;
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
  private static Finding at(Finding finding, int position) {
    return finding == null ? null : new Finding(finding.shape(), finding.severity(), finding.context(),
        finding.fingerprint(), position);
  }

  private static String evidence(String location, Finding finding, String reading, Normalized normalized) {
    StringBuilder out = new StringBuilder(64 + LOCATION + EXCERPT);
    out.append("location=");
    for (int i = 0; i < Math.min(location.length(), LOCATION); i++) {
      out.append(printable(location.charAt(i)));
    }
    out.append(" shape=").append(finding.shape());
    out.append(" context=").append(finding.context().label);
    if (reading != null) {
      out.append(" reading=").append(reading);
    }
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
