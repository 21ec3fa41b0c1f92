package dev.zt.core;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Which detectors run and their thresholds. Verdicts go to the {@link ResponsePolicy}.
 *
 * <ul>
 *   <li>SQL injection in query parameters, path segments, the named headers and the fields of URL-encoded form
 *       bodies ({@code sqli.query}, {@code sqli.path}, {@code sqli.header}, {@code sqli.form}): the request is
 *       refused (403). A form body longer than {@code maxFormBytes}, or with more than {@code maxFormFields}
 *       fields, is refused whole (413), never inspected in part. A form body is read only for a request that every
 *       other check would allow, within {@code formReadTimeout} (else 408).
 *   </li>
 *   <li>Credential stuffing: {@code stuffing.source} when one source has {@code perSource} authentication failures
 *       (401) within the window; {@code stuffing.distributed} when failures across many sources, each below that,
 *       add up to {@code distributedFailures} from at least {@code distributedSources} addresses.</li>
 *   <li>Credential stuffing by login identifier (the name a failed login was attempted for, reported by the
 *       application through {@link Enforcer#reportAuthenticationFailure} or read from the form field
 *       {@code identifierField} of a request the application answered 401): {@code stuffing.identifier} when one
 *       identifier has {@code identifierFailures} failures from any sources within {@code identifierWindow};
 *       {@code stuffing.identifiers} when one source fails for {@code identifiersPerSource} distinct identifiers
 *       within {@code identifiersWindow}.</li>
 *   <li>API enumeration: {@code enumeration.identity} when one identity misses (403/404) on {@code distinctPaths} paths,
 *       with a 403/404 ratio of at least {@code errorRatio} over all its answers, within the window.</li>
 * </ul>
 *
 * @param maxFormBytes the largest URL-encoded form body read and inspected, in bytes (1 … 16 MiB)
 * @param identifierField the form field that holds the login identifier, if the application has a login form
 * @param identifierFailures failures for one identifier, from any sources, that make a {@code stuffing.identifier}
 * @param identifierWindow the sliding window those are counted in
 * @param identifiersPerSource distinct identifiers failing from one source that make a {@code stuffing.identifiers}
 *     (at most 1000, or {@link Integer#MAX_VALUE} for never)
 * @param identifiersWindow the sliding window those are counted in
 * @param formReadTimeout how long an adapter waits for a form body it must read before deciding, counted from the
 *     moment the request would be allowed without it (1 ms … 5 min); a body that is slower is refused (408)
 * @param maxFormFields the most fields (name=value pairs) a form body may have to be inspected (1 … 100 000); a form
 *     with more is refused (413) before any field is inspected, so inspection work per request stays bounded
 * @since 0.1
 */
public record Detection(
    boolean sqlInjection,
    List<String> inspectedHeaders,
    int stuffingPerSource,
    Duration stuffingWindow,
    int distributedFailures,
    int distributedSources,
    Duration distributedWindow,
    int enumerationDistinctPaths,
    double enumerationErrorRatio,
    Duration enumerationWindow,
    int maxFormBytes,
    Optional<String> identifierField,
    int identifierFailures,
    Duration identifierWindow,
    int identifiersPerSource,
    Duration identifiersWindow,
    Duration formReadTimeout,
    int maxFormFields) {

  /** The default form body limit: 64 KiB. */
  public static final int DEFAULT_MAX_FORM_BYTES = 64 * 1024;

  /** The default deadline for reading a form body: 10 seconds. */
  public static final Duration DEFAULT_FORM_READ_TIMEOUT = Duration.ofSeconds(10);

  /** The default number of form fields inspected: 1000 (Jetty's {@code maxFormKeys}), more are refused. */
  public static final int DEFAULT_MAX_FORM_FIELDS = 1000;

  /** The largest form body limit that may be configured: 16 MiB. */
  public static final int MAX_FORM_BYTES = 16 * 1024 * 1024;

  public Detection {
    inspectedHeaders = List.copyOf(inspectedHeaders);
    Objects.requireNonNull(stuffingWindow, "stuffingWindow");
    Objects.requireNonNull(distributedWindow, "distributedWindow");
    Objects.requireNonNull(enumerationWindow, "enumerationWindow");
    Objects.requireNonNull(identifierField, "identifierField");
    Objects.requireNonNull(identifierWindow, "identifierWindow");
    Objects.requireNonNull(identifiersWindow, "identifiersWindow");
    if (stuffingPerSource < 1 || distributedFailures < 1 || distributedSources < 1 || enumerationDistinctPaths < 1
        || identifierFailures < 1 || identifiersPerSource < 1
        || !(enumerationErrorRatio > 0 && enumerationErrorRatio <= 1)) {
      throw new IllegalArgumentException("detection thresholds must be positive (error ratio within (0, 1])");
    }
    if (identifiersPerSource > 1000 && identifiersPerSource != Integer.MAX_VALUE) {
      throw new IllegalArgumentException("identifiersPerSource must be at most 1000 (each source keeps that many)");
    }
    if (maxFormBytes < 1 || maxFormBytes > MAX_FORM_BYTES) {
      throw new IllegalArgumentException("maxFormBytes must be within [1, " + MAX_FORM_BYTES + "]: " + maxFormBytes);
    }
    Objects.requireNonNull(formReadTimeout, "formReadTimeout");
    if (formReadTimeout.toMillis() < 1 || formReadTimeout.compareTo(Duration.ofMinutes(5)) > 0) {
      throw new IllegalArgumentException("formReadTimeout must be within [1 ms, 5 min]: " + formReadTimeout);
    }
    if (maxFormFields < 1 || maxFormFields > 100_000) {
      throw new IllegalArgumentException("maxFormFields must be within [1, 100000]: " + maxFormFields);
    }
    if (identifierField.isPresent() && identifierField.get().isBlank()) {
      throw new IllegalArgumentException("identifierField must not be blank");
    }
    for (Duration d : List.of(stuffingWindow, distributedWindow, enumerationWindow, identifierWindow,
        identifiersWindow)) {
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException("detection windows must be positive: " + d);
      }
    }
  }

  /**
   * SQL injection on (query, path, {@code User-Agent}, {@code Referer}, form fields of bodies up to 64 KiB);
   * 20 failures per source per minute; 300 failures from 30 sources in 10 minutes; 10 failures for one login
   * identifier in 15 minutes; 20 distinct identifiers failing from one source in 10 minutes (no identifier form
   * field: the application reports identifiers); 20 distinct paths at ≥ 50 % 403/404 in 5 minutes.
   */
  public static Detection defaults() {
    return new Detection(true, List.of("User-Agent", "Referer"), 20, Duration.ofMinutes(1), 300, 30,
        Duration.ofMinutes(10), 20, 0.5, Duration.ofMinutes(5), DEFAULT_MAX_FORM_BYTES, Optional.empty(), 10,
        Duration.ofMinutes(15), 20, Duration.ofMinutes(10), DEFAULT_FORM_READ_TIMEOUT, DEFAULT_MAX_FORM_FIELDS);
  }

  /** Nothing is inspected or counted (and no form body is read). */
  public static Detection off() {
    return new Detection(false, List.of(), Integer.MAX_VALUE, Duration.ofMinutes(1), Integer.MAX_VALUE,
        Integer.MAX_VALUE, Duration.ofMinutes(1), Integer.MAX_VALUE, 1, Duration.ofMinutes(1), DEFAULT_MAX_FORM_BYTES,
        Optional.empty(), Integer.MAX_VALUE, Duration.ofMinutes(1), Integer.MAX_VALUE, Duration.ofMinutes(1),
        DEFAULT_FORM_READ_TIMEOUT, DEFAULT_MAX_FORM_FIELDS);
  }

  /** The same, with credential-stuffing thresholds changed. */
  public Detection withStuffing(int perSource, Duration window) {
    return new Detection(sqlInjection, inspectedHeaders, perSource, window, distributedFailures, distributedSources,
        distributedWindow, enumerationDistinctPaths, enumerationErrorRatio, enumerationWindow, maxFormBytes,
        identifierField, identifierFailures, identifierWindow, identifiersPerSource, identifiersWindow,
        formReadTimeout, maxFormFields);
  }

  /** The same, with enumeration thresholds changed. */
  public Detection withEnumeration(int distinctPaths, double errorRatio, Duration window) {
    return new Detection(sqlInjection, inspectedHeaders, stuffingPerSource, stuffingWindow, distributedFailures,
        distributedSources, distributedWindow, distinctPaths, errorRatio, window, maxFormBytes, identifierField,
        identifierFailures, identifierWindow, identifiersPerSource, identifiersWindow, formReadTimeout, maxFormFields);
  }

  /**
   * The same, with another form body limit. A larger body is refused (413); a smaller limit costs legitimate large
   * forms, a larger one costs memory and inspection time per request.
   *
   * @since 0.1
   */
  public Detection withMaxFormBytes(int bytes) {
    return new Detection(sqlInjection, inspectedHeaders, stuffingPerSource, stuffingWindow, distributedFailures,
        distributedSources, distributedWindow, enumerationDistinctPaths, enumerationErrorRatio, enumerationWindow,
        bytes, identifierField, identifierFailures, identifierWindow, identifiersPerSource, identifiersWindow,
        formReadTimeout, maxFormFields);
  }

  /**
   * The same, reading the login identifier of a failed login from the form field {@code name} (e.g.
   * {@code username}) of any URL-encoded request the application answers with 401.
   *
   * @since 0.1
   */
  public Detection withIdentifierField(String name) {
    return new Detection(sqlInjection, inspectedHeaders, stuffingPerSource, stuffingWindow, distributedFailures,
        distributedSources, distributedWindow, enumerationDistinctPaths, enumerationErrorRatio, enumerationWindow,
        maxFormBytes, Optional.of(name), identifierFailures, identifierWindow, identifiersPerSource,
        identifiersWindow, formReadTimeout, maxFormFields);
  }

  /**
   * The same, with the per-identifier thresholds changed: {@code failures} for one identifier within {@code window}
   * make a {@code stuffing.identifier} verdict.
   *
   * @since 0.1
   */
  public Detection withIdentifierStuffing(int failures, Duration window) {
    return new Detection(sqlInjection, inspectedHeaders, stuffingPerSource, stuffingWindow, distributedFailures,
        distributedSources, distributedWindow, enumerationDistinctPaths, enumerationErrorRatio, enumerationWindow,
        maxFormBytes, identifierField, failures, window, identifiersPerSource, identifiersWindow,
        formReadTimeout, maxFormFields);
  }

  /**
   * The same, with the across-identifiers thresholds changed: one source failing for {@code identifiers} distinct
   * identifiers within {@code window} makes a {@code stuffing.identifiers} verdict.
   *
   * @since 0.1
   */
  public Detection withIdentifiersPerSource(int identifiers, Duration window) {
    return new Detection(sqlInjection, inspectedHeaders, stuffingPerSource, stuffingWindow, distributedFailures,
        distributedSources, distributedWindow, enumerationDistinctPaths, enumerationErrorRatio, enumerationWindow,
        maxFormBytes, identifierField, identifierFailures, identifierWindow, identifiers, window,
        formReadTimeout, maxFormFields);
  }

  /**
   * The same, with another deadline for reading a form body zt must inspect before deciding. The servlet filter
   * checks it after each read of the body (a read that blocks is bounded by the container's idle timeout: keep that
   * at or below this); the Netty handler checks it as contents arrive and with a timer on the event loop.
   *
   * @since 0.1
   */
  public Detection withFormReadTimeout(Duration timeout) {
    return new Detection(sqlInjection, inspectedHeaders, stuffingPerSource, stuffingWindow, distributedFailures,
        distributedSources, distributedWindow, enumerationDistinctPaths, enumerationErrorRatio, enumerationWindow,
        maxFormBytes, identifierField, identifierFailures, identifierWindow, identifiersPerSource, identifiersWindow,
        timeout, maxFormFields);
  }

  /**
   * The same, with another cap on the number of form fields; a form with more is refused (413) uninspected.
   *
   * @since 0.1
   */
  public Detection withMaxFormFields(int fields) {
    return new Detection(sqlInjection, inspectedHeaders, stuffingPerSource, stuffingWindow, distributedFailures,
        distributedSources, distributedWindow, enumerationDistinctPaths, enumerationErrorRatio, enumerationWindow,
        maxFormBytes, identifierField, identifierFailures, identifierWindow, identifiersPerSource, identifiersWindow,
        formReadTimeout, fields);
  }

  boolean stuffingEnabled() {
    return stuffingPerSource != Integer.MAX_VALUE;
  }

  boolean identifierStuffingEnabled() {
    return identifierFailures != Integer.MAX_VALUE || identifiersPerSource != Integer.MAX_VALUE;
  }

  /** How many form bytes adapters read: 0 when nothing would look at a form. */
  int formBodyLimit() {
    return sqlInjection || identifierField.isPresent() ? maxFormBytes : 0;
  }
}
