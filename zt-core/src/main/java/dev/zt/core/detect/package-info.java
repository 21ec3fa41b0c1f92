/**
 * Detection: what a request carries (SQL injection in query parameters, path segments, named headers and form
 * fields) and what an identity or source does over many requests (credential stuffing, probing, API enumeration).
 * {@link dev.zt.core.detect.Detection} configures the detectors; each finding is a {@link dev.zt.core.detect.Verdict}
 * of some {@link dev.zt.core.detect.Severity}, audited and handed to the countermeasures. The detectors themselves are
 * package-private.
 *
 * <pre>{@code
 * Detection detection = Detection.defaults()
 *     .withIdentifierField("username")
 *     .withStuffing(20, Duration.ofMinutes(1));
 * }</pre>
 */
package dev.zt.core.detect;
