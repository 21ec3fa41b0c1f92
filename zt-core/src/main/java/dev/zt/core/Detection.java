package dev.zt.core;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Which detectors run and their thresholds. Verdicts go to the {@link ResponsePolicy}.
 *
 * <ul>
 *   <li>SQL injection in query parameters, path segments and the named headers ({@code sqli.query},
 *       {@code sqli.path}, {@code sqli.header}): the request is refused (403).</li>
 *   <li>Credential stuffing: {@code stuffing.source} when one source has {@code perSource} authentication failures
 *       (401) within the window; {@code stuffing.distributed} when failures across many sources, each below that,
 *       add up to {@code distributedFailures} from at least {@code distributedSources} addresses.</li>
 *   <li>API enumeration: {@code enumeration.identity} when one identity misses (403/404) on {@code distinctPaths} paths,
 *       with a 403/404 ratio of at least {@code errorRatio} over all its answers, within the window.</li>
 * </ul>
 *
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
    Duration enumerationWindow) {

  public Detection {
    inspectedHeaders = List.copyOf(inspectedHeaders);
    Objects.requireNonNull(stuffingWindow, "stuffingWindow");
    Objects.requireNonNull(distributedWindow, "distributedWindow");
    Objects.requireNonNull(enumerationWindow, "enumerationWindow");
    if (stuffingPerSource < 1 || distributedFailures < 1 || distributedSources < 1 || enumerationDistinctPaths < 1
        || !(enumerationErrorRatio > 0 && enumerationErrorRatio <= 1)) {
      throw new IllegalArgumentException("detection thresholds must be positive (error ratio within (0, 1])");
    }
  }

  /**
   * SQL injection on (query, path, {@code User-Agent}, {@code Referer}); 20 failures per source per minute;
   * 300 failures from 30 sources in 10 minutes; 20 distinct paths at ≥ 50 % 403/404 in 5 minutes.
   */
  public static Detection defaults() {
    return new Detection(true, List.of("User-Agent", "Referer"), 20, Duration.ofMinutes(1), 300, 30,
        Duration.ofMinutes(10), 20, 0.5, Duration.ofMinutes(5));
  }

  /** Nothing is inspected or counted. */
  public static Detection off() {
    return new Detection(false, List.of(), Integer.MAX_VALUE, Duration.ofMinutes(1), Integer.MAX_VALUE,
        Integer.MAX_VALUE, Duration.ofMinutes(1), Integer.MAX_VALUE, 1, Duration.ofMinutes(1));
  }

  /** The same, with credential-stuffing thresholds changed. */
  public Detection withStuffing(int perSource, Duration window) {
    return new Detection(sqlInjection, inspectedHeaders, perSource, window, distributedFailures, distributedSources,
        distributedWindow, enumerationDistinctPaths, enumerationErrorRatio, enumerationWindow);
  }

  /** The same, with enumeration thresholds changed. */
  public Detection withEnumeration(int distinctPaths, double errorRatio, Duration window) {
    return new Detection(sqlInjection, inspectedHeaders, stuffingPerSource, stuffingWindow, distributedFailures,
        distributedSources, distributedWindow, distinctPaths, errorRatio, window);
  }

  boolean stuffingEnabled() {
    return stuffingPerSource != Integer.MAX_VALUE;
  }
}
