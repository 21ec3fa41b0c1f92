package dev.zt.core.detect;

import dev.zt.core.Caller;
import dev.zt.core.Decision;
import dev.zt.core.internal.pipeline.AfterAnswer;
import dev.zt.core.internal.ClientAddresses;
import dev.zt.core.internal.WindowCounter;
import dev.zt.core.DenyReason;
import dev.zt.core.RequestContext;
import dev.zt.core.internal.SourceKey;
import dev.zt.core.internal.pipeline.CountermeasureHooks;
import dev.zt.core.credential.VerifiedJwt;
import dev.zt.core.internal.pipeline.RequestState;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * The detectors that watch outcomes rather than requests: credential stuffing (401s per source, and spread across
 * many sources; failed logins per identifier, and distinct identifiers per source) and API enumeration (one identity
 * walking many paths with a high 403/404 ratio). They are fed every denial the enforcer makes, every status an
 * adapter reports after the application answered, and the failed logins the application reports.
 *
 * <p>Identifiers are keyed after normalization (trimmed, NFKC, lower case, at most {@value #MAX_IDENTIFIER} chars),
 * so {@code Alice}, {@code alice } and fullwidth {@code ａｌｉｃｅ} count as one. They are never held against the account
 * they name: verdicts about them carry the source's identity and no credential.
 */
final class OutcomeDetectors implements AfterAnswer {

  private final Detection detection;
  private final CountermeasureHooks countermeasures;
  private final Clock clock;
  private final Cache<String, WindowCounter> failuresBySource;
  private final Cache<String, WindowCounter> failuresByNetwork;
  private final Cache<String, WindowCounter> probesBySource;
  private final Cache<String, WindowCounter> probesByNetwork;
  private final Cache<String, Walk> walks;
  private final Spread spread;
  private final Cache<String, IdentifierFailures> failuresByIdentifier;
  private final Cache<String, RecentDistinct> identifiersBySource;

  /** Identifiers are cut to this many characters for counting. */
  static final int MAX_IDENTIFIER = 128;

  /** How many of the latest sources per identifier are remembered for the evidence. */
  static final int SOURCES_REMEMBERED = 16;

  OutcomeDetectors(Detection detection, CountermeasureHooks countermeasures, Clock clock, long maxEntries) {
    this.detection = detection;
    this.countermeasures = countermeasures;
    this.clock = clock;
    this.failuresBySource = Caffeine.newBuilder().maximumSize(maxEntries)
        .expireAfterAccess(detection.stuffingWindow().multipliedBy(2)).executor(Runnable::run).build();
    this.failuresByNetwork = Caffeine.newBuilder().maximumSize(maxEntries)
        .expireAfterAccess(detection.stuffingWindow().multipliedBy(2)).executor(Runnable::run).build();
    this.probesBySource = Caffeine.newBuilder().maximumSize(maxEntries)
        .expireAfterAccess(detection.probingWindow().multipliedBy(2)).executor(Runnable::run).build();
    this.probesByNetwork = Caffeine.newBuilder().maximumSize(maxEntries)
        .expireAfterAccess(detection.probingWindow().multipliedBy(2)).executor(Runnable::run).build();
    this.walks = Caffeine.newBuilder().maximumSize(maxEntries)
        .expireAfterAccess(detection.enumerationWindow().multipliedBy(2)).executor(Runnable::run).build();
    this.spread = new Spread(detection.distributedWindow().toMillis(), detection.distributedSources() * 4);
    this.failuresByIdentifier = Caffeine.newBuilder().maximumSize(maxEntries)
        .expireAfterAccess(detection.identifierWindow().multipliedBy(2)).executor(Runnable::run).build();
    this.identifiersBySource = Caffeine.newBuilder().maximumSize(maxEntries)
        .expireAfterAccess(detection.identifiersWindow()).executor(Runnable::run).build();
  }

  /** A 401 the application answered: the login identifier from the configured form field, if there is one. */
  void loginFormFailure(RequestContext request, ClientAddresses.Client source) {
    if (detection.identifierField().isEmpty() || request.formBody().isEmpty()
        || request.formBody().get().length() > detection.maxFormBytes()) {
      return;
    }
    request.formBody().get().firstValue(detection.identifierField().get())
        .ifPresent(identifier -> authenticationFailure(identifier, source));
  }

  /**
   * A failed login for {@code identifier} from {@code client}: counted under the client's address, acted on only
   * where the client may be blocked.
   */
  void authenticationFailure(String identifier, ClientAddresses.Client client) {
    Optional<InetAddress> source = client.blockable() ? client.address() : Optional.empty();
    if (!detection.identifierStuffingEnabled()) {
      return;
    }
    String key = normalize(identifier);
    if (key.isEmpty()) {
      return;
    }
    long now = clock.millis();
    Optional<String> addr = client.address().map(InetAddress::getHostAddress);
    String identity = addr.map(a -> "ip:" + a).orElse(RequestState.UNKNOWN);
    if (detection.identifierFailures() != Integer.MAX_VALUE) {
      IdentifierFailures f = failuresByIdentifier.get(key,
          k -> new IdentifierFailures(detection.identifierWindow().toMillis(), now));
      f.failure(now, addr.orElse("-"), detection.identifierFailures()).ifPresent(counts -> countermeasures.onVerdict(
          new Verdict("stuffing.identifier", Severity.MEDIUM, counts[0] + " authentication failures for identifier \""
              + printable(key) + "\" within " + seconds(detection.identifierWindow()) + ", " + counts[1]
              + " distinct sources among the latest " + counts[2]),
          identity, Optional.empty(), source));
    }
    if (addr.isPresent() && detection.identifiersPerSource() != Integer.MAX_VALUE) {
      RecentDistinct r = identifiersBySource.get(addr.get(),
          k -> new RecentDistinct(detection.identifiersPerSource(), detection.identifiersWindow().toMillis()));
      int distinct = r.add(fingerprint(key), now);
      if (distinct >= detection.identifiersPerSource()) {
        r.clear();
        // the identifiers themselves stay out of the evidence: a mistyped one may be someone's password
        countermeasures.onVerdict(new Verdict("stuffing.identifiers", Severity.HIGH, distinct
            + " distinct identifiers failed from " + addr.get() + " within " + seconds(detection.identifiersWindow())),
            identity, Optional.empty(), source);
      }
    }
  }

  /** How many identifiers are being counted now (for tests of the bound). */
  long identifiersTracked() {
    failuresByIdentifier.cleanUp();
    return failuresByIdentifier.estimatedSize();
  }

  static String normalize(String identifier) {
    String s = java.text.Normalizer.normalize(identifier.strip(), java.text.Normalizer.Form.NFKC)
        .toLowerCase(java.util.Locale.ROOT);
    return s.length() > MAX_IDENTIFIER ? s.substring(0, MAX_IDENTIFIER) : s;
  }

  /** Printable ASCII only (a log line stays one line and quotes stay balanced), at most 64 characters. */
  private static String printable(String s) {
    return dev.zt.core.internal.Encodings.printableAscii(s, 64, "\"\\");
  }

  /** FNV-1a over the UTF-16 code units, 64 bits: distinct identifiers of one source, without keeping them. */
  static long fingerprint(String s) {
    long h = 0xcbf29ce484222325L;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      h = (h ^ (c & 0xff)) * 0x100000001b3L;
      h = (h ^ (c >>> 8)) * 0x100000001b3L;
    }
    return h;
  }

  /**
   * Whether a denial counts as a failed authentication: a credential was presented and failed verification before or
   * at its signature (malformed, an algorithm or header refused, an unknown key, a bad signature), the only failures
   * that guessing, stuffing or forging produce. Not a missing credential (behind a NAT or an ingress, anonymous
   * callers share an address), not an expired, early or over-age token from the real issuer (clients refresh those;
   * a skewed clock fails every client at once), not a suspended one (zt did that), not a step-up or trust challenge,
   * not an outage, and not a token the real issuer signed that fails a later rule (another issuer string or
   * audience, a claim, an ID token, a binding not proven): that is a client's mistake, repeated by every user of a
   * misconfigured client behind one shared address, and guesses nothing. A reason added to {@link DenyReason} must be
   * placed here: the switch has no default on purpose.
   */
  static boolean failedAuthentication(DenyReason reason) {
    return switch (reason) {
      case MALFORMED_CREDENTIAL, MULTIPLE_CREDENTIALS, TOKEN_MALFORMED, TOKEN_TOO_LARGE, TOKEN_ALGORITHM_REJECTED,
          TOKEN_HEADER_REJECTED, TOKEN_KEY_UNKNOWN, TOKEN_SIGNATURE_INVALID -> true;
      case PATH_REJECTED, CREDENTIAL_MISSING, TOKEN_ISSUER_MISMATCH, TOKEN_AUDIENCE_MISMATCH, TOKEN_CLAIM_INVALID,
          TOKEN_NOT_ACCESS_TOKEN, TOKEN_BINDING_UNVERIFIED, TOKEN_EXPIRED, TOKEN_NOT_YET_VALID,
          TOKEN_ISSUED_IN_FUTURE, TOKEN_LIFETIME_EXCEEDED, TOKEN_SUSPENDED, KEYS_UNAVAILABLE, VALIDATION_BUDGET_EXCEEDED,
          PEER_REJECTED, WORKLOAD_FORBIDDEN, ROUTE_UNMATCHED, INSUFFICIENT_SCOPE, INSUFFICIENT_ROLE,
          CLAIM_CONDITION_FAILED, SOURCE_BLOCKED, ATTACK_DETECTED, FORM_TOO_LARGE, FORM_UNSUPPORTED,
          FORM_READ_TIMEOUT, UPGRADE_REFUSED, STEP_UP_REQUIRED, TRUST_TOO_LOW, RATE_LIMITED, RATE_LIMITED_ABNORMAL,
          DECISION_TIMEOUT, REQUEST_MALFORMED, REQUEST_LINE_TOO_LONG, HEADERS_TOO_LARGE, INTERNAL_ERROR -> false;
    };
  }

  /** A denial the enforcer made. */
  @Override
  public void denied(RequestState state, Decision.Deny deny, int status) {
    denied(state, deny.reason(), status);
  }

  @Override
  public void answered(RequestContext request, ClientAddresses.Client client, Caller caller, String identity,
      String path, int status) {
    // an application's 401 is a failed authentication (a login form refusing a password)
    observe(identity, client.blockable() ? client.address() : Optional.empty(), caller.token(), path, status,
        status == 401);
    if (status == 401) {
      loginFormFailure(request, client);
    }
  }

  void denied(RequestState ex, DenyReason reason, int status) {
    Optional<InetAddress> source = ex.blockableSource();
    if (reason == DenyReason.ATTACK_DETECTED && !ex.caller().isAuthenticated()) {
      probe(source);
    }
    observe(ex.identity(), source, ex.caller().token(), ex.path(), status, failedAuthentication(reason));
  }

  /**
   * An outcome: a denial, or the status the application answered an allowed request with.
   *
   * @param source the client's address when it may be counted and blocked ({@link RequestState#blockableSource()})
   * @param failedAuthentication whether this was a failed authentication (for an application's answer: a 401)
   */
  void observe(String identity, Optional<InetAddress> source, Optional<VerifiedJwt> token, String path, int status,
      boolean failedAuthentication) {
    if (status >= 200 && status < 400) {
      // the common case: an identity that is not walking into 403/404s has no walk, and costs one lookup
      Walk w = walks.getIfPresent(identity);
      if (w != null) {
        w.success(clock.millis(), detection);
      }
      return;
    }
    long now = clock.millis();
    if (failedAuthentication && source.isPresent() && detection.stuffingEnabled()) {
      String addr = source.get().getHostAddress();
      WindowCounter c = failuresBySource.get(addr,
          k -> new WindowCounter(detection.stuffingWindow().toMillis(), now));
      long n = c.add(now);
      if (n >= detection.stuffingPerSource()) {
        c.reset();
        countermeasures.onVerdict(new Verdict("stuffing.source", Severity.HIGH,
            n + " failed authentications from " + addr + " within " + seconds(detection.stuffingWindow())),
            "ip:" + addr, Optional.empty(), source);
      }
      SourceKey network = new SourceKey(source.get(), true);
      String net = network.key();
      WindowCounter w = failuresByNetwork.get(net,
          k -> new WindowCounter(detection.stuffingWindow().toMillis(), now));
      long m = w.add(now);
      if (m >= detection.stuffingPerNetwork()) {
        w.reset();
        countermeasures.onVerdict(new Verdict("stuffing.network", Severity.HIGH, m + " failed authentications from "
            + net.substring(4) + " within " + seconds(detection.stuffingWindow())), CountermeasureHooks.Basis.BEHAVIOUR, net,
            Optional.empty(), Optional.of(network));
      }
      Optional<String> wide = spread.failure(addr, now, detection.distributedFailures(),
          detection.distributedSources());
      wide.ifPresent(evidence -> countermeasures.onVerdict(new Verdict("stuffing.distributed", Severity.MEDIUM, evidence),
          "global", Optional.empty(), Optional.empty()));
    }
    if ((status == 403 || status == 404) && !identity.equals(RequestState.UNKNOWN)) {
      Walk w = walks.get(identity, k -> new Walk());
      Optional<String> evidence = w.miss(path, now, detection);
      evidence.ifPresent(e -> countermeasures.onVerdict(new Verdict("enumeration.identity", Severity.HIGH, e), identity,
          token, source));
    }
  }

  /**
   * An attack verdict on a request without a credential: there is no token to suspend, so the source is counted
   * (address and /24 · /64 network) and, at the threshold, its anonymous requests are refused for a while.
   */
  private void probe(Optional<InetAddress> source) {
    if (source.isEmpty() || !detection.probingEnabled()) {
      return;
    }
    long now = clock.millis();
    long window = detection.probingWindow().toMillis();
    String addr = source.get().getHostAddress();
    WindowCounter c = probesBySource.get(addr, k -> new WindowCounter(window, now));
    long n = c.add(now);
    if (n >= detection.probingPerSource()) {
      c.reset();
      countermeasures.onVerdict(new Verdict("probing.source", Severity.HIGH, n + " attack verdicts on requests without a"
          + " credential from " + addr + " within " + seconds(detection.probingWindow())), "ip:" + addr,
          Optional.empty(), source);
    }
    SourceKey network = new SourceKey(source.get(), true);
    String net = network.key();
    WindowCounter w = probesByNetwork.get(net, k -> new WindowCounter(window, now));
    long m = w.add(now);
    if (m >= detection.probingPerNetwork()) {
      w.reset();
      countermeasures.onVerdict(new Verdict("probing.network", Severity.HIGH, m + " attack verdicts on requests without a"
          + " credential from " + net.substring(4) + " within " + seconds(detection.probingWindow())),
          CountermeasureHooks.Basis.BEHAVIOUR, net, Optional.empty(), Optional.of(network));
    }
  }

  private static String seconds(Duration d) {
    return d.toSeconds() + " s";
  }

  /** One identity's walk through the API within the current window. */
  private static final class Walk {
    private long windowStart = Long.MIN_VALUE;
    private int total;
    private int errors;
    private final Set<Integer> paths = new HashSet<>();

    synchronized void success(long now, Detection d) {
      roll(now, d);
      total++;
    }

    private void roll(long now, Detection d) {
      long window = d.enumerationWindow().toMillis();
      if (windowStart == Long.MIN_VALUE || now - windowStart >= window || now < windowStart) {
        windowStart = now;
        total = 0;
        errors = 0;
        paths.clear();
      }
    }

    /** A 403/404: the distinct paths counted are those that missed. */
    synchronized Optional<String> miss(String path, long now, Detection d) {
      roll(now, d);
      total++;
      errors++;
      if (paths.size() < 4096) {
        paths.add(path.hashCode());
      }
      if (paths.size() >= d.enumerationDistinctPaths() && errors >= d.enumerationErrorRatio() * total) {
        String evidence = paths.size() + " distinct paths, " + errors + "/" + total + " answered 403/404 within "
            + d.enumerationWindow().toSeconds() + " s";
        windowStart = Long.MIN_VALUE;
        return Optional.of(evidence);
      }
      return Optional.empty();
    }
  }

  /** Failed logins for one identifier: a sliding count, and the latest sources for the evidence. */
  private static final class IdentifierFailures {
    private final WindowCounter counter;
    private final String[] sources = new String[SOURCES_REMEMBERED];
    private int next;

    IdentifierFailures(long window, long now) {
      this.counter = new WindowCounter(window, now);
    }

    /**
     * Counts one failure; at the threshold, starts over and returns {failures, distinct latest sources, latest
     * sources remembered}.
     */
    synchronized Optional<long[]> failure(long now, String source, int threshold) {
      sources[next] = source;
      next = (next + 1) % sources.length;
      long n = counter.add(now);
      if (n < threshold) {
        return Optional.empty();
      }
      counter.reset();
      Set<String> distinct = new HashSet<>();
      int remembered = 0;
      for (String s : sources) {
        if (s != null) {
          distinct.add(s);
          remembered++;
        }
      }
      java.util.Arrays.fill(sources, null);
      next = 0;
      return Optional.of(new long[] {n, distinct.size(), remembered});
    }
  }

  /**
   * The distinct keys seen within a sliding window, exactly, in constant memory: at most {@code capacity} entries
   * (the threshold), the oldest dropped first, each with the time it was last seen.
   */
  static final class RecentDistinct {
    private final long[] keys;
    private final long[] seen;
    private final long window;
    private int size;

    RecentDistinct(int capacity, long window) {
      this.keys = new long[capacity];
      this.seen = new long[capacity];
      this.window = window;
    }

    /** Adds {@code key} at {@code now} and returns how many distinct keys the window holds. */
    synchronized int add(long key, long now) {
      int kept = 0;
      for (int i = 0; i < size; i++) { // drop what left the window (a clock that went back keeps everything)
        if (now - seen[i] < window) {
          keys[kept] = keys[i];
          seen[kept] = seen[i];
          kept++;
        }
      }
      size = kept;
      for (int i = 0; i < size; i++) {
        if (keys[i] == key) {
          seen[i] = Math.max(seen[i], now);
          return size;
        }
      }
      if (size == keys.length) { // full: the oldest goes (only reached when the caller does not act at capacity)
        int oldest = 0;
        for (int i = 1; i < size; i++) {
          if (seen[i] < seen[oldest]) {
            oldest = i;
          }
        }
        keys[oldest] = keys[size - 1];
        seen[oldest] = seen[size - 1];
        size--;
      }
      keys[size] = key;
      seen[size] = now;
      size++;
      return size;
    }

    synchronized void clear() {
      size = 0;
    }

    synchronized int size() {
      return size;
    }
  }

  /** Failures across all sources in the current window: low-and-slow stuffing from many addresses. */
  private static final class Spread {
    private final long window;
    private final int maxTracked;
    private long windowStart = Long.MIN_VALUE;
    private long failures;
    private final Set<String> sources = new HashSet<>();
    private boolean reported;

    Spread(long window, int maxTracked) {
      this.window = window;
      this.maxTracked = maxTracked;
    }

    synchronized Optional<String> failure(String source, long now, int failuresNeeded, int sourcesNeeded) {
      if (windowStart == Long.MIN_VALUE || now - windowStart >= window || now < windowStart) {
        windowStart = now;
        failures = 0;
        sources.clear();
        reported = false;
      }
      failures++;
      if (sources.size() < maxTracked) {
        sources.add(source);
      }
      if (!reported && failures >= failuresNeeded && sources.size() >= sourcesNeeded) {
        reported = true;
        return Optional.of(failures + " authentication failures from " + sources.size() + "+ sources within "
            + window / 1000 + " s");
      }
      return Optional.empty();
    }
  }
}
