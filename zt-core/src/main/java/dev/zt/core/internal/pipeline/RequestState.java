package dev.zt.core.internal.pipeline;

import dev.zt.core.Caller;
import dev.zt.core.internal.ClientAddresses;
import dev.zt.core.Decision;
import dev.zt.core.RequestContext;
import dev.zt.core.policy.Route;
import dev.zt.core.trust.SignalResult;
import dev.zt.core.trust.TrustLevel;
import dev.zt.core.trust.TrustScore;

import java.util.Objects;
import java.util.Optional;

/**
 * The state of one request as it passes the gates: the request, the route rule it matched, and what earlier gates
 * established (the caller). Confined to one request; gates run one after another, never concurrently.
 *
 * @since 0.1
 */
public final class RequestState {

  /**
   * The identity limits and responses key an anonymous caller by: {@code ip:} and its address, else {@code unknown}.
   * The one place that key is built.
   */
  public static String anonymousIdentity(java.util.Optional<java.net.InetAddress> client) {
    return client.isPresent() ? "ip:" + client.get().getHostAddress() : UNKNOWN;
  }

  /** The identity of {@code caller} from {@code client}: the caller's own key, else {@link #anonymousIdentity}. */
  public static String identityOf(Caller caller, java.util.Optional<java.net.InetAddress> client) {
    String key = CoreAccess.callers().identityKey(caller);
    return key != null ? key : anonymousIdentity(client);
  }


  private RequestContext request; // replaced once, by the same request with its form body read
  private final String path;
  private final Route route;
  private final java.util.Optional<java.net.InetAddress> client;
  private final boolean blockable;
  private final boolean budgeted;
  private final long now;
  private Caller caller = Caller.anonymous();
  private String detail = "";
  private String anonymousKey;
  private Identities.State identityState;
  private int routeSlot = -1;
  private int inspectedFields;
  // the trust gate's outcome: a level and score on the steady path; the breakdown is built only if someone reads it
  private TrustLevel trustLevel;
  private double trustScore;
  private long trustMillis;
  private SignalResult[] trustResults;
  private SignalResult trustBehaviour;
  private SignalResult trustCap;
  private TrustBreakdown trustScoring;
  private TrustScore trust;
  // only for a decision that waited on I/O: whether it (or an adapter's timeout) has been audited
  private boolean decidedLater;
  private volatile int settled;
  private static final java.util.concurrent.atomic.AtomicIntegerFieldUpdater<RequestState> SETTLED =
      java.util.concurrent.atomic.AtomicIntegerFieldUpdater.newUpdater(RequestState.class, "settled");

  public RequestState(RequestContext request, String path, Route route) {
    this(request, path, route, request.clientAddress(), request.arrival().toEpochMilli());
  }

  public RequestState(RequestContext request, String path, Route route, java.util.Optional<java.net.InetAddress> client,
      long now) {
    this(request, path, route, new ClientAddresses.Client(client, client.isPresent()), now);
  }

  public RequestState(RequestContext request, String path, Route route, ClientAddresses.Client client, long now) {
    this.request = request;
    this.path = path;
    this.route = route;
    this.client = client.address();
    this.blockable = client.blockable();
    this.budgeted = client.budgeted();
    this.now = now;
  }

  /** The decision waits on I/O: it may complete after a blocking adapter stopped waiting for it. */
  public void decidedLater() {
    decidedLater = true;
  }

  public boolean isDecidedLater() {
    return decidedLater;
  }

  /** Claims the one audit record of a decision that waited (the pipeline's, or an adapter's timeout); once. */
  public boolean settle() {
    return SETTLED.compareAndSet(this, 0, 1);
  }

  /** The identity of an anonymous caller whose address is not known: never shared state, never blocked. */
  public static final String UNKNOWN = "unknown";

  /**
   * The client's address when automated responses may count and block it: empty when it is unknown, exempt
   * (loopback by default), a trusted proxy, or a peer that sent an {@code X-Forwarded-For} zt does not trust.
   */
  /** Whether per-source budgets apply to the client (see {@link ClientAddresses.Client#budgeted()}). */
  public boolean budgetedSource() {
    return budgeted;
  }

  public java.util.Optional<java.net.InetAddress> blockableSource() {
    return blockable ? client : java.util.Optional.empty();
  }

  /**
   * The time every check of this request is made at, in epoch milliseconds: the arrival the adapter stamped with the
   * enforcer's clock, read once per request (a clock read costs tens of nanoseconds, and the gates need it several
   * times).
   */
  public long now() {
    return now;
  }

  /** The client's address after trusted proxies ({@code X-Forwarded-For} from a trusted proxy), if known. */
  public java.util.Optional<java.net.InetAddress> clientAddress() {
    return client;
  }

  /** The request's trust, once the trust gate computed it. */
  public java.util.Optional<TrustScore> trust() {
    if (trust == null && trustScoring != null) {
      trust = trustScoring.breakdown(this, trustScore, trustLevel, trustMillis, trustResults, trustBehaviour,
          trustCap);
    }
    return java.util.Optional.ofNullable(trust);
  }

  /**
   * Records the trust gate's outcome: the score and level, and what {@code gate} needs to build the breakdown when
   * {@link #trust()} is read — the time, the results of signals it cannot evaluate again ({@code null} when all are
   * zt's own), the behaviour result and the event cap ({@code null} for none).
   */
  public void trust(double score, TrustLevel level, TrustBreakdown gate, long millis, SignalResult[] results,
      SignalResult behaviour, SignalResult cap) {
    this.trustScore = score;
    this.trustLevel = level;
    this.trustScoring = gate;
    this.trustMillis = millis;
    this.trustResults = results;
    this.trustBehaviour = behaviour;
    this.trustCap = cap;
    this.trust = null;
  }

  public Identities.State identityState() {
    return identityState;
  }

  public void identityState(Identities.State state) {
    this.identityState = state;
  }

  /** The route's slot in the per-identity state, or -1 before a gate looked it up. */
  public int routeSlot() {
    return routeSlot;
  }

  public void routeSlot(int slot) {
    this.routeSlot = slot;
  }

  /**
   * The identity limits and responses are keyed by: {@code sub:…}, else {@code client:…}, else {@code workload:…}
   * (a peer-only caller), else {@code ip:…}, else {@code unknown}.
   */
  public String identity() {
    String key = CoreAccess.callers().identityKey(caller);
    if (key != null) {
      return key;
    }
    if (anonymousKey == null) {
      anonymousKey = anonymousIdentity(client);
    }
    return anonymousKey;
  }

  /** The trust level, HIGH when the trust gate did not score this request. */
  public TrustLevel trustLevelOrHigh() {
    return trustLevel == null ? TrustLevel.HIGH : trustLevel;
  }

  /** Counts one query parameter or form field handed to the detectors (the work per request is bounded). */
  public void countInspected() {
    inspectedFields++;
  }

  /** How many query parameters and form fields were handed to the detectors for this request. */
  public int inspectedFields() {
    return inspectedFields;
  }

  /** The request with its form body, once read after every other check passed ({@link Decision.ReadForm}). */
  public void formRead(RequestContext withForm) {
    this.request = withForm;
  }

  public RequestContext request() {
    return request;
  }

  /** The normalized path that routing used. */
  public String path() {
    return path;
  }

  /** The route rule this request matched, if any (none means it will be denied by default). */
  public Optional<Route> route() {
    return Optional.ofNullable(route);
  }

  public Route routeOrNull() {
    return route;
  }

  /** Who the caller is so far ({@link Caller#anonymous()} until a credential gate authenticates one). */
  public Caller caller() {
    return caller;
  }

  /** Records the authenticated caller. Only zt's own gates build {@link Caller}s. */
  public void authenticate(Caller caller) {
    this.caller = Objects.requireNonNull(caller, "caller");
  }

  /** Adds a detail for the audit log (never sent to the client). */
  public void note(String detail) {
    this.detail = detail;
  }

  public String detail() {
    return detail;
  }

  public String ruleId() {
    return route == null ? Route.DEFAULT_DENY : route.id();
  }
}
