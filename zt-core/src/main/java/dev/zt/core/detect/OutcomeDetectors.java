package dev.zt.core.detect;

import dev.zt.core.Caller;
import dev.zt.core.Decision;
import dev.zt.core.internal.pipeline.AfterAnswer;
import dev.zt.core.internal.ClientAddresses;
import dev.zt.core.DenyReason;
import dev.zt.core.RequestContext;
import dev.zt.core.internal.SourceKey;
import dev.zt.core.internal.pipeline.CountermeasureHooks;
import dev.zt.core.credential.VerifiedJwt;
import dev.zt.core.internal.pipeline.RequestState;
import dev.zt.core.spi.SecurityState;
import dev.zt.core.spi.SlidingCounters;
import dev.zt.core.spi.StoreSettings;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * The detectors that watch outcomes rather than requests: credential stuffing (401s per source, and spread across
 * many sources; failed logins per identifier, and distinct identifiers per source) and API enumeration (one identity
 * walking many paths with a high 403/404 ratio). They are fed every denial the enforcer makes, every status an
 * adapter reports after the application answered, and the failed logins the application reports.
 *
 * <p>Identifiers are keyed after normalization (trimmed, NFKC, lower case, at most {@value #MAX_IDENTIFIER} chars),
 * so {@code Alice}, {@code alice } and fullwidth {@code ａｌｉｃｅ} count as one. They are never held against the account
 * they name: verdicts about them carry the source's identity and no credential.
 *
 * <p>The counts live in the enforcer's {@link SecurityState} (one {@link SlidingCounters} store per count, each
 * bounded by the countermeasures' {@code maxEntries}), so a fleet that shares its state sees a run spread over its
 * instances whole: per address and network, per identifier, per identity's walk through the API (answers, 403/404s,
 * distinct paths missed) and across every source (stuffing.distributed).
 */
final class OutcomeDetectors implements AfterAnswer {

  private final Detection detection;
  private final CountermeasureHooks countermeasures;
  private final SlidingCounters failuresBySource;
  private final SlidingCounters failuresByNetwork;
  private final SlidingCounters probesBySource;
  private final SlidingCounters probesByNetwork;
  private final SlidingCounters walks; // "t"/"e" + identity: answers, 403/404s; "p" + identity: distinct paths
  private final SlidingCounters spread; // failures and distinct sources, across every source
  private final SlidingCounters failuresByIdentifier; // counts and distinct sources per identifier
  private final SlidingCounters identifiersBySource;

  /** Identifiers are cut to this many characters for counting. */
  static final int MAX_IDENTIFIER = 128;

  /** How many of the latest sources per identifier are remembered for the evidence. */
  static final int SOURCES_REMEMBERED = 16;

  OutcomeDetectors(Detection detection, CountermeasureHooks countermeasures, Clock clock, long maxEntries,
      SecurityState state) {
    this.detection = detection;
    this.countermeasures = countermeasures;
    StoreSettings settings = new StoreSettings(clock, maxEntries);
    this.failuresBySource = state.slidingCounters("detect.stuffing.source", settings);
    this.failuresByNetwork = state.slidingCounters("detect.stuffing.network", settings);
    this.probesBySource = state.slidingCounters("detect.probing.source", settings);
    this.probesByNetwork = state.slidingCounters("detect.probing.network", settings);
    this.walks = state.slidingCounters("detect.enumeration", settings);
    this.spread = state.slidingCounters("detect.stuffing.distributed", settings);
    this.failuresByIdentifier = state.slidingCounters("detect.stuffing.identifier", settings);
    this.identifiersBySource = state.slidingCounters("detect.stuffing.identifiers", settings);
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
    Optional<String> addr = client.address().map(InetAddress::getHostAddress);
    String identity = RequestState.anonymousIdentity(client.address());
    if (detection.identifierFailures() != Integer.MAX_VALUE) {
      Duration window = detection.identifierWindow();
      long n = failuresByIdentifier.add(key, window);
      // the latest sources, for the evidence: distinct ones among at most SOURCES_REMEMBERED
      int sources = failuresByIdentifier.addDistinct(key, fingerprint(addr.orElse("-")), window, SOURCES_REMEMBERED);
      if (n >= detection.identifierFailures()) {
        failuresByIdentifier.reset(key);
        failuresByIdentifier.clearDistinct(key);
        countermeasures.onVerdict(new Verdict("stuffing.identifier", Severity.MEDIUM, n
            + " authentication failures for identifier \"" + printable(key) + "\" within " + seconds(window) + ", "
            + sources + " distinct sources among the latest " + Math.min(n, SOURCES_REMEMBERED)),
            identity, Optional.empty(), source);
      }
    }
    if (addr.isPresent() && detection.identifiersPerSource() != Integer.MAX_VALUE) {
      int distinct = identifiersBySource.addDistinct(addr.get(), fingerprint(key), detection.identifiersWindow(),
          detection.identifiersPerSource());
      if (distinct >= detection.identifiersPerSource()) {
        identifiersBySource.clearDistinct(addr.get());
        // the identifiers themselves stay out of the evidence: a mistyped one may be someone's password
        countermeasures.onVerdict(new Verdict("stuffing.identifiers", Severity.HIGH, distinct
            + " distinct identifiers failed from " + addr.get() + " within " + seconds(detection.identifiersWindow())),
            identity, Optional.empty(), source);
      }
    }
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
   * misconfigured client behind one shared address, and guesses nothing. An inactive introspected token is not
   * counted either: the endpoint says the same of an expired or revoked one as of a guess (guessing is bounded by the
   * validation budget, which every call for an unknown token draws on). A reason added to {@link DenyReason} must be
   * placed here: the switch has no default on purpose.
   */
  static boolean failedAuthentication(DenyReason reason) {
    return switch (reason) {
      case MALFORMED_CREDENTIAL, MULTIPLE_CREDENTIALS, TOKEN_MALFORMED, TOKEN_TOO_LARGE, TOKEN_ALGORITHM_REJECTED,
          TOKEN_HEADER_REJECTED, TOKEN_KEY_UNKNOWN, TOKEN_SIGNATURE_INVALID -> true;
      case PATH_REJECTED, CREDENTIAL_MISSING, TOKEN_ISSUER_MISMATCH, TOKEN_AUDIENCE_MISMATCH, TOKEN_CLAIM_INVALID,
          TOKEN_NOT_ACCESS_TOKEN, TOKEN_BINDING_UNVERIFIED, TOKEN_NOT_SENDER_CONSTRAINED, DPOP_PROOF_INVALID,
          DPOP_NONCE_REQUIRED, TOKEN_EXPIRED, TOKEN_NOT_YET_VALID,
          TOKEN_ISSUED_IN_FUTURE, TOKEN_LIFETIME_EXCEEDED, TOKEN_SUSPENDED, KEYS_UNAVAILABLE, STATE_UNAVAILABLE,
          VALIDATION_BUDGET_EXCEEDED, TOKEN_INACTIVE, INTROSPECTION_UNAVAILABLE,
          PEER_REJECTED, WORKLOAD_FORBIDDEN, ROUTE_UNMATCHED, INSUFFICIENT_SCOPE, INSUFFICIENT_ROLE,
          CLAIM_CONDITION_FAILED, SOURCE_BLOCKED, ATTACK_DETECTED, FORM_TOO_LARGE, FORM_UNSUPPORTED,
          FORM_READ_TIMEOUT, UPGRADE_REFUSED, STEP_UP_REQUIRED, TRUST_TOO_LOW, RATE_LIMITED, RATE_LIMITED_ABNORMAL,
          DECISION_TIMEOUT, REQUEST_MALFORMED, REQUEST_LINE_TOO_LONG, HEADERS_TOO_LARGE, OBJECT_FORBIDDEN, PDP_DENIED,
          PDP_UNAVAILABLE, TOKEN_EXCHANGE_SUBJECT_REFUSED, TOKEN_EXCHANGE_REFUSED, TOKEN_EXCHANGE_UNAVAILABLE,
          INTERNAL_ERROR -> false;
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
    boolean enumeration = detection.enumerationEnabled();
    if (status >= 200 && status < 400) {
      // the common case: an identity that is not walking into 403/404s has no count, and costs one lookup
      if (enumeration) {
        walks.addIfCounted("t" + identity, detection.enumerationWindow());
      }
      return;
    }
    if (failedAuthentication && source.isPresent() && detection.stuffingEnabled()) {
      String addr = source.get().getHostAddress();
      long n = failuresBySource.add(addr, detection.stuffingWindow());
      if (n >= detection.stuffingPerSource()) {
        failuresBySource.reset(addr);
        countermeasures.onVerdict(new Verdict("stuffing.source", Severity.HIGH,
            n + " failed authentications from " + addr + " within " + seconds(detection.stuffingWindow())),
            RequestState.addressIdentity(addr), Optional.empty(), source);
      }
      SourceKey network = new SourceKey(source.get(), true);
      String net = network.key();
      long m = failuresByNetwork.add(net, detection.stuffingWindow());
      if (m >= detection.stuffingPerNetwork()) {
        failuresByNetwork.reset(net);
        countermeasures.onVerdict(new Verdict("stuffing.network", Severity.HIGH, m + " failed authentications from "
            + net.substring(4) + " within " + seconds(detection.stuffingWindow())),
                CountermeasureHooks.Basis.BEHAVIOUR, net,
            Optional.empty(), Optional.of(network));
      }
      Duration window = detection.distributedWindow();
      long failures = spread.add("failures", window);
      int sources = spread.addDistinct("sources", fingerprint(addr), window, detection.distributedSources());
      if (failures >= detection.distributedFailures() && sources >= detection.distributedSources()) {
        spread.reset("failures");
        spread.clearDistinct("sources");
        countermeasures.onVerdict(new Verdict("stuffing.distributed", Severity.MEDIUM, failures
            + " authentication failures from " + sources + "+ sources within " + seconds(window)), "global",
            Optional.empty(), Optional.empty());
      }
    }
    if (enumeration && (status == 403 || status == 404) && !identity.equals(RequestState.UNKNOWN)) {
      Duration window = detection.enumerationWindow();
      long total = walks.add("t" + identity, window);
      long errors = walks.add("e" + identity, window);
      int paths = walks.addDistinct("p" + identity, path.hashCode(), window, detection.enumerationDistinctPaths());
      if (paths >= detection.enumerationDistinctPaths() && errors >= detection.enumerationErrorRatio() * total) {
        walks.reset("t" + identity);
        walks.reset("e" + identity);
        walks.clearDistinct("p" + identity);
        countermeasures.onVerdict(new Verdict("enumeration.identity", Severity.HIGH, paths + " distinct paths, "
            + errors + "/" + total + " answered 403/404 within " + window.toSeconds() + " s"), identity, token, source);
      }
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
    String addr = source.get().getHostAddress();
    long n = probesBySource.add(addr, detection.probingWindow());
    if (n >= detection.probingPerSource()) {
      probesBySource.reset(addr);
      countermeasures.onVerdict(new Verdict("probing.source", Severity.HIGH,
          n + " attack verdicts on requests without a"
          + " credential from " + addr + " within " + seconds(detection.probingWindow())), RequestState.addressIdentity(addr),
          Optional.empty(), source);
    }
    SourceKey network = new SourceKey(source.get(), true);
    String net = network.key();
    long m = probesByNetwork.add(net, detection.probingWindow());
    if (m >= detection.probingPerNetwork()) {
      probesByNetwork.reset(net);
      countermeasures.onVerdict(new Verdict("probing.network", Severity.HIGH,
          m + " attack verdicts on requests without a"
          + " credential from " + net.substring(4) + " within " + seconds(detection.probingWindow())),
          CountermeasureHooks.Basis.BEHAVIOUR, net, Optional.empty(), Optional.of(network));
    }
  }

  private static String seconds(Duration d) {
    return d.toSeconds() + " s";
  }
}
