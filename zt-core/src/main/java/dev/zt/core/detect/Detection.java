package dev.zt.core.detect;

import dev.zt.core.internal.pipeline.Assembly;
import dev.zt.core.internal.pipeline.Features;
import dev.zt.core.Enforcer;
import dev.zt.core.countermeasure.CountermeasurePolicy;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Which detectors run and their thresholds. Verdicts go to the {@link CountermeasurePolicy}.
 *
 * <ul>
 *   <li>SQL injection in query parameters, path segments, the named headers and the fields of URL-encoded form
 *       bodies ({@code sqli.query}, {@code sqli.path}, {@code sqli.header}, {@code sqli.form}): the request is
 *       refused (403). A form body longer than {@code maxFormBytes}, or with more than {@code maxFormFields}
 *       fields, is refused whole (413), never inspected in part. A form body is read only for a request that every
 *       other check would allow, within {@code formReadTimeout} (else 408).
 *   </li>
 *   <li>Credential stuffing: {@code stuffing.source} when one address has {@code perSource} failed
 *       authentications within the window, {@code stuffing.network} when its /24 (IPv4) or /64 (IPv6) network has
 *       {@code stuffingPerNetwork}; {@code stuffing.distributed} when failures across many sources, each below that,
 *       add up to {@code distributedFailures} from at least {@code distributedSources} addresses. A failed
 *       authentication is a presented credential that fails verification (a bad signature, an unknown key, a
 *       malformed token or header, a wrong issuer or audience, …) or a 401 the application answered; never a
 *       missing credential, an expired or suspended token, or a step-up challenge (see {@code docs/detection.md}).
 *       Exempt, proxy and unknown clients are never counted.</li>
 *   <li>Anonymous probing: {@code probing.source} / {@code probing.network} when requests without a credential from
 *       one address (or network) draw {@code probingPerSource} ({@code probingPerNetwork}) attack verdicts within
 *       {@code probingWindow}.</li>
 *   <li>Credential stuffing by login identifier (the name a failed login was attempted for, reported by the
 *       application through {@link Enforcer#reportAuthenticationFailure} or read from the form field
 *       {@code identifierField} of a request the application answered 401): {@code stuffing.identifier} when one
 *       identifier has {@code identifierFailures} failures from any sources within {@code identifierWindow};
 *       {@code stuffing.identifiers} when one source fails for {@code identifiersPerSource} distinct identifiers
 *       within {@code identifiersWindow}.</li>
 *   <li>API enumeration: {@code enumeration.identity} when one identity misses (403/404) on {@code distinctPaths}
 * paths,
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
 * @param stuffingPerNetwork failed authentications from one /24 (IPv4) or /64 (IPv6) network within
 *     {@code stuffingWindow} that make a {@code stuffing.network} verdict
 * @param probingPerSource attack verdicts on requests without a credential from one address within
 *     {@code probingWindow} that make a {@code probing.source} verdict
 * @param probingPerNetwork the same from one /24 · /64 network ({@code probing.network})
 * @param probingWindow the sliding window those are counted in
 * @param sensitiveFields name fragments, besides {@link #BUILT_IN_SENSITIVE}, of fields whose values evidence never
 *     quotes
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
    int stuffingPerNetwork,
    int probingPerSource,
    int probingPerNetwork,
    Duration probingWindow,
    List<String> sensitiveFields,
    Duration formReadTimeout,
    int maxFormFields) {

  static {
    Features.register(Detection.class, (detection, assembly) -> {
      if (detection.sqlInjection()) {
        InspectionGate inspection = new InspectionGate(detection, assembly.countermeasures());
        assembly.add(Assembly.Stage.INSPECTION, inspection); // the form body after every gate allowed
        assembly.form(inspection);
      }
      OutcomeDetectors outcomes = new OutcomeDetectors(detection, assembly.countermeasures(), assembly.clock(),
          assembly.stateBound(), assembly.state());
      assembly.afterAnswer(outcomes);
      assembly.loginFailures(outcomes::authenticationFailure);
    });
  }

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
    sensitiveFields = List.copyOf(sensitiveFields);
    Objects.requireNonNull(probingWindow, "probingWindow");
    for (String f : sensitiveFields) {
      if (f.isBlank()) {
        throw new IllegalArgumentException("a sensitive field name must not be blank");
      }
    }
    if (stuffingPerNetwork < 1 || probingPerSource < 1 || probingPerNetwork < 1) {
      throw new IllegalArgumentException("network and probing thresholds must be positive");
    }
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
    // a distinct count keeps up to its threshold of members per key and walks them on each event: bounded, or off
    if (enumerationDistinctPaths > 1000 && enumerationDistinctPaths != Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "enumerationDistinctPaths must be at most 1000 (each identity keeps that many paths): " + enumerationDistinctPaths);
    }
    if (distributedSources > 1000 && distributedSources != Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "distributedSources must be at most 1000 (that many sources are kept): " + distributedSources);
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
        identifiersWindow, probingWindow)) {
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException("detection windows must be positive: " + d);
      }
    }
  }

  /**
   * SQL injection on (query, path, {@code User-Agent}, form fields of bodies up to 64 KiB; not {@code Referer}:
   * {@link #withRefererInspected()}); 20 failed authentications per address per minute and 100 per /24 · /64
   * network; 10 attack verdicts on requests without a credential per address in 10 minutes and 50 per network; 300
   * failures from 30 sources in 10 minutes; 10 failures for one login
   * identifier in 15 minutes; 20 distinct identifiers failing from one source in 10 minutes (no identifier form
   * field: the application reports identifiers); 20 distinct paths at ≥ 50 % 403/404 in 5 minutes.
   */
  public static Detection defaults() {
    return new Detection(true, List.of("User-Agent"), 20, Duration.ofMinutes(1), 300, 30,
        Duration.ofMinutes(10), 20, 0.5, Duration.ofMinutes(5), DEFAULT_MAX_FORM_BYTES, Optional.empty(), 10,
        Duration.ofMinutes(15), 20, Duration.ofMinutes(10), 100, 10, 50, Duration.ofMinutes(10), List.of(),
        DEFAULT_FORM_READ_TIMEOUT, DEFAULT_MAX_FORM_FIELDS);
  }

  /** Nothing is inspected or counted (and no form body is read). */
  public static Detection off() {
    return new Detection(false, List.of(), Integer.MAX_VALUE, Duration.ofMinutes(1), Integer.MAX_VALUE,
        Integer.MAX_VALUE, Duration.ofMinutes(1), Integer.MAX_VALUE, 1, Duration.ofMinutes(1), DEFAULT_MAX_FORM_BYTES,
        Optional.empty(), Integer.MAX_VALUE, Duration.ofMinutes(1), Integer.MAX_VALUE, Duration.ofMinutes(1),
        Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE, Duration.ofMinutes(1), List.of(),
        DEFAULT_FORM_READ_TIMEOUT, DEFAULT_MAX_FORM_FIELDS);
  }

  /** The same, with credential-stuffing thresholds changed. */
  public Detection withStuffing(int perSource, Duration window) {
    return new Detection(sqlInjection, inspectedHeaders, perSource, window, distributedFailures, distributedSources,
        distributedWindow, enumerationDistinctPaths, enumerationErrorRatio, enumerationWindow, maxFormBytes,
        identifierField, identifierFailures, identifierWindow, identifiersPerSource, identifiersWindow,
        stuffingPerNetwork, probingPerSource, probingPerNetwork, probingWindow, sensitiveFields,
        formReadTimeout, maxFormFields);
  }

  /** The same, with enumeration thresholds changed. */
  public Detection withEnumeration(int distinctPaths, double errorRatio, Duration window) {
    return new Detection(sqlInjection, inspectedHeaders, stuffingPerSource, stuffingWindow, distributedFailures,
        distributedSources, distributedWindow, distinctPaths, errorRatio, window, maxFormBytes, identifierField,
        identifierFailures, identifierWindow, identifiersPerSource, identifiersWindow, stuffingPerNetwork,
        probingPerSource, probingPerNetwork, probingWindow, sensitiveFields, formReadTimeout, maxFormFields);
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
        stuffingPerNetwork, probingPerSource, probingPerNetwork, probingWindow, sensitiveFields,
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
        identifiersWindow, stuffingPerNetwork, probingPerSource, probingPerNetwork, probingWindow, sensitiveFields,
        formReadTimeout, maxFormFields);
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
        maxFormBytes, identifierField, failures, window, identifiersPerSource, identifiersWindow, stuffingPerNetwork,
        probingPerSource, probingPerNetwork, probingWindow, sensitiveFields, formReadTimeout, maxFormFields);
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
        maxFormBytes, identifierField, identifierFailures, identifierWindow, identifiers, window, stuffingPerNetwork,
        probingPerSource, probingPerNetwork, probingWindow, sensitiveFields, formReadTimeout, maxFormFields);
  }

  /**
   * The same, with the per-network threshold of failed authentications changed: {@code failures} from one /24 (IPv4)
   * or /64 (IPv6) network within the stuffing window make a {@code stuffing.network} verdict (default 100), so
   * rotating addresses inside one network does not escape the per-address count.
   *
   * @since 0.1
   */
  public Detection withNetworkStuffing(int failures) {
    return new Detection(sqlInjection, inspectedHeaders, stuffingPerSource, stuffingWindow, distributedFailures,
        distributedSources, distributedWindow, enumerationDistinctPaths, enumerationErrorRatio, enumerationWindow,
        maxFormBytes, identifierField, identifierFailures, identifierWindow, identifiersPerSource, identifiersWindow,
        failures, probingPerSource, probingPerNetwork, probingWindow, sensitiveFields, formReadTimeout, maxFormFields);
  }

  /**
   * The same, with the bound on anonymous probing changed: {@code perSource} attack verdicts on requests without a
   * credential from one address ({@code probing.source}), or {@code perNetwork} from one /24 · /64 network
   * ({@code probing.network}), within {@code window} (defaults 10, 50, 10 minutes).
   *
   * @since 0.1
   */
  public Detection withProbing(int perSource, int perNetwork, Duration window) {
    return new Detection(sqlInjection, inspectedHeaders, stuffingPerSource, stuffingWindow, distributedFailures,
        distributedSources, distributedWindow, enumerationDistinctPaths, enumerationErrorRatio, enumerationWindow,
        maxFormBytes, identifierField, identifierFailures, identifierWindow, identifiersPerSource, identifiersWindow,
        stuffingPerNetwork, perSource, perNetwork, window, sensitiveFields, formReadTimeout, maxFormFields);
  }

  /**
   * The same, also inspecting the {@code Referer} header for SQL injection. Off by default: a {@code Referer} is
   * written by the browser from the page the user came from, so any page on the web can put an injection's shape
   * there on a victim's requests.
   *
   * @since 0.1
   */
  public Detection withRefererInspected() {
    if (inspectedHeaders.stream().anyMatch(h -> h.equalsIgnoreCase("Referer"))) {
      throw new IllegalStateException("Referer is already inspected");
    }
    List<String> headers = new java.util.ArrayList<>(inspectedHeaders);
    headers.add("Referer");
    return new Detection(sqlInjection, headers, stuffingPerSource, stuffingWindow, distributedFailures,
        distributedSources, distributedWindow, enumerationDistinctPaths, enumerationErrorRatio, enumerationWindow,
        maxFormBytes, identifierField, identifierFailures, identifierWindow, identifiersPerSource, identifiersWindow,
        stuffingPerNetwork, probingPerSource, probingPerNetwork, probingWindow, sensitiveFields,
        formReadTimeout, maxFormFields);
  }

  /**
   * The same, treating fields (query parameters, form fields, inspected headers) whose names contain any of
   * {@code names} (case-insensitive; {@code -}, {@code _} and {@code .} ignored) as sensitive, in addition to the
   * built-in list ({@link #BUILT_IN_SENSITIVE}): a verdict about such a field never quotes its value.
   *
   * @since 0.1
   */
  public Detection withSensitiveFields(String... names) {
    if (!sensitiveFields.isEmpty()) {
      throw new IllegalStateException("sensitive fields were already set");
    }
    return new Detection(sqlInjection, inspectedHeaders, stuffingPerSource, stuffingWindow, distributedFailures,
        distributedSources, distributedWindow, enumerationDistinctPaths, enumerationErrorRatio, enumerationWindow,
        maxFormBytes, identifierField, identifierFailures, identifierWindow, identifiersPerSource, identifiersWindow,
        stuffingPerNetwork, probingPerSource, probingPerNetwork, probingWindow, List.of(names),
        formReadTimeout, maxFormFields);
  }

  /**
   * Name fragments that make a field sensitive whatever is configured (compared without case, {@code -}, {@code _}
   * and {@code .}): {@code password}, {@code passwd}, {@code pwd}, {@code passphrase}, {@code secret},
   * {@code token}, {@code apikey}, {@code authorization}, {@code credential}, {@code cookie}, {@code session},
   * {@code privatekey}; and the exact names {@code otp} and {@code pin} (as fragments they would match
   * {@code shipping}).
   */
  public static final List<String> BUILT_IN_SENSITIVE = List.of("password", "passwd", "pwd", "passphrase", "secret",
      "token", "apikey", "authorization", "credential", "cookie", "session", "privatekey");

  /** Whether a field of this name is sensitive: its value is never quoted in evidence. */
  boolean isSensitive(String name) {
    String n = squash(name);
    if (n.equals("otp") || n.equals("pin")) {
      return true;
    }
    for (String f : BUILT_IN_SENSITIVE) {
      if (n.contains(f)) {
        return true;
      }
    }
    for (String f : sensitiveFields) {
      if (n.contains(squash(f))) {
        return true;
      }
    }
    return false;
  }

  private static String squash(String name) {
    StringBuilder b = new StringBuilder(name.length());
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c != '-' && c != '_' && c != '.') {
        b.append(Character.toLowerCase(c));
      }
    }
    return b.toString();
  }

  boolean probingEnabled() {
    return probingPerSource != Integer.MAX_VALUE || probingPerNetwork != Integer.MAX_VALUE;
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
        stuffingPerNetwork, probingPerSource, probingPerNetwork, probingWindow, sensitiveFields, timeout,
        maxFormFields);
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
        stuffingPerNetwork, probingPerSource, probingPerNetwork, probingWindow, sensitiveFields, formReadTimeout,
        fields);
  }

  boolean enumerationEnabled() {
    return enumerationDistinctPaths != Integer.MAX_VALUE;
  }

  boolean stuffingEnabled() {
    return stuffingPerSource != Integer.MAX_VALUE;
  }

  boolean identifierStuffingEnabled() {
    return identifierFailures != Integer.MAX_VALUE || identifiersPerSource != Integer.MAX_VALUE;
  }

  /** How many form bytes adapters read: 0 when nothing would look at a form. */
  public int formBodyLimit() {
    return sqlInjection || identifierField.isPresent() ? maxFormBytes : 0;
  }
}
