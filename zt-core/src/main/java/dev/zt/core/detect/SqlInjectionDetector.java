package dev.zt.core.detect;

import java.util.Optional;

/**
 * Finds SQL injection in one untrusted value (a query parameter, path segment, form field or header value).
 *
 * <p>Not a list of regular expressions: the value is normalized (percent-decoded once, Unicode NFKC, NULs and
 * comments handled), tokenized as SQL would be, and the token stream's shape (its fingerprint) is judged, so
 * {@code O'Brien} or prose with quotes passes while {@code ' OR 1=1--} does not. See {@code docs/detection.md}
 * for the model, the corpora it was measured on, and its detection and false-positive rates.
 *
 * @since 0.1
 */
public final class SqlInjectionDetector {

  private SqlInjectionDetector() {}

  /** A detector with the default sensitivity. */
  public static SqlInjectionDetector create() {
    return new SqlInjectionDetector();
  }

  /**
   * Inspects one value.
   *
   * @param location where the value came from, for the rule id and evidence (e.g. {@code query:id})
   * @param value the raw value as received (still percent-encoded where the wire had it so)
   * @return a verdict when the value carries SQL injection
   */
  public Optional<Verdict> inspect(String location, String value) {
    throw new UnsupportedOperationException("not implemented");
  }
}
