package dev.zt.core.internal.pipeline;

import dev.zt.core.Caller;
import dev.zt.core.internal.ClientAddresses;
import dev.zt.core.Decision;
import dev.zt.core.RequestContext;
import dev.zt.core.policy.Route;
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
    return client.isPresent() ? addressIdentity(client.get().getHostAddress()) : UNKNOWN;
  }

  /** The identity of an anonymous caller at {@code hostAddress} (an IP literal): {@code ip:} and the address. */
  public static String addressIdentity(String hostAddress) {
    return "ip:" + hostAddress;
  }

  /** The identity of {@code caller} from {@code client}: the caller's own key, else {@link #anonymousIdentity}. */
  public static String identityOf(Caller caller, java.util.Optional<java.net.InetAddress> client) {
    String key = CoreAccess.callers().identityKey(caller);
    return key != null ? key : anonymousIdentity(client);
  }


  private static final Object[] NO_REFS = new Object[0];
  private static final long[] NO_LONGS = new long[0];

  // Made once per request, so kept to 96 bytes (issue 19): what few requests use lives in slots (the trace), in the
  // enforcer's layout (its public origin) or in one field (the waiting decision's flags).
  private RequestContext request; // replaced once, by the same request with its form body read
  private final String path;
  private final Route route;
  private final ClientAddresses.Client client;
  private final long now;
  private final Slots slots;
  private Caller caller = Caller.anonymous();
  private String detail = "";
  private String anonymousKey;
  // what the gates keep for this request, by slot: the first few in fields, the rest in arrays made on the first
  // write (see Slots); a primitive is stored XOR its slot's initial value, so zero reads as the initial value
  private Object r0;
  private Object r1;
  private Object r2;
  private Object r3;
  private long l0;
  private long l1;
  private Object[] refs = NO_REFS; // slots from Slots.INLINE_REFS on
  private long[] longs = NO_LONGS; // slots from Slots.INLINE_LONGS on
  // only for a decision that waited on I/O: DECIDED_LATER, then SETTLED once it (or an adapter's timeout) is audited
  private volatile int settled;
  private static final int DECIDED_LATER = 1;
  private static final int SETTLED_BIT = 2;
  private static final java.util.concurrent.atomic.AtomicIntegerFieldUpdater<RequestState> SETTLED =
      java.util.concurrent.atomic.AtomicIntegerFieldUpdater.newUpdater(RequestState.class, "settled");

  public RequestState(RequestContext request, String path, Route route) {
    this(request, path, route, request.clientAddress(), request.arrival().toEpochMilli());
  }

  public RequestState(RequestContext request, String path, Route route, java.util.Optional<java.net.InetAddress> client,
      long now) {
    this(request, path, route, new ClientAddresses.Client(client, client.isPresent()), now, Slots.CORE);
  }

  /** A request's state in an enforcer whose features allocated {@code slots} (a frozen layout). */
  public RequestState(RequestContext request, String path, Route route, ClientAddresses.Client client, long now,
      Slots slots) {
    this.request = request;
    this.path = path;
    this.route = route;
    this.client = client;
    this.now = now;
    this.slots = slots;
  }

  /** The value in {@code slot}, or {@code null} when no gate wrote it. */
  @SuppressWarnings("unchecked")
  public <T> T get(Slot<T> slot) {
    int i = slot.index;
    switch (i) {
      case 0: return (T) r0;
      case 1: return (T) r1;
      case 2: return (T) r2;
      case 3: return (T) r3;
      default:
        i -= Slots.INLINE_REFS;
        Object[] r = refs;
        return i < r.length ? (T) r[i] : null;
    }
  }

  /** Writes {@code value} to {@code slot}. */
  public <T> void set(Slot<T> slot, T value) {
    int i = slot.index;
    switch (i) {
      case 0 -> r0 = value;
      case 1 -> r1 = value;
      case 2 -> r2 = value;
      case 3 -> r3 = value;
      default -> {
        i -= Slots.INLINE_REFS;
        if (i >= refs.length) {
          refs = java.util.Arrays.copyOf(refs, Math.max(slots.refs() - Slots.INLINE_REFS, i + 1));
        }
        refs[i] = value;
      }
    }
  }

  /** The value in {@code slot}, or its initial value when no gate wrote it. */
  public long get(LongSlot slot) {
    int i = slot.index;
    long raw;
    if (i == 0) {
      raw = l0;
    } else if (i == 1) {
      raw = l1;
    } else {
      i -= Slots.INLINE_LONGS;
      long[] l = longs;
      raw = i < l.length ? l[i] : 0;
    }
    return raw ^ slot.initial;
  }

  /** Writes {@code value} to {@code slot}. */
  public void set(LongSlot slot, long value) {
    long raw = value ^ slot.initial;
    int i = slot.index;
    if (i == 0) {
      l0 = raw;
    } else if (i == 1) {
      l1 = raw;
    } else {
      i -= Slots.INLINE_LONGS;
      if (i >= longs.length) {
        longs = java.util.Arrays.copyOf(longs, Math.max(slots.longs() - Slots.INLINE_LONGS, i + 1));
      }
      longs[i] = raw;
    }
  }

  /**
   * The decision waits on I/O: it may complete after a blocking adapter stopped waiting for it. Called before the
   * stage can complete on another thread.
   */
  public void decidedLater() {
    int s;
    do {
      s = settled;
    } while (!SETTLED.compareAndSet(this, s, s | DECIDED_LATER));
  }

  public boolean isDecidedLater() {
    return (settled & DECIDED_LATER) != 0;
  }

  /** Claims the one audit record of a decision that waited (the pipeline's, or an adapter's timeout); once. */
  public boolean settle() {
    int s;
    do {
      s = settled;
      if ((s & SETTLED_BIT) != 0) {
        return false;
      }
    } while (!SETTLED.compareAndSet(this, s, s | SETTLED_BIT));
    return true;
  }

  /** Records each gate's step for this request (zt explain): not for production requests. */
  public void trace(java.util.function.BiConsumer<String, Step> trace) {
    set(slots.trace(), trace);
  }

  /** Hands {@code gate}'s {@code step} to the trace, if this request is traced. */
  public void traced(String gate, Step step) {
    java.util.function.BiConsumer<String, Step> trace = get(slots.trace());
    if (trace != null) {
      trace.accept(gate, step);
    }
  }

  public static final String UNKNOWN = "unknown";

  /**
   * The client's address when automated responses may count and block it: empty when it is unknown, exempt
   * (loopback by default), a trusted proxy, or a peer that sent an {@code X-Forwarded-For} zt does not trust.
   */
  /** Whether per-source budgets apply to the client (see {@link ClientAddresses.Client#budgeted()}). */
  public boolean budgetedSource() {
    return client.budgeted();
  }

  public java.util.Optional<java.net.InetAddress> blockableSource() {
    return client.blockable() ? client.address() : java.util.Optional.empty();
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
    return client.address();
  }

  /** The request's trust, once the trust gate computed it (the breakdown is built when read). */
  public java.util.Optional<TrustScore> trust() {
    TrustBreakdown scoring = get(Slots.TRUST);
    return scoring == null ? java.util.Optional.empty() : java.util.Optional.of(scoring.breakdown(this));
  }

  /**
   * Records the trust gate's outcome: the level, and {@code breakdown}, which builds the score's breakdown from what
   * the gate kept in its own slots when {@link #trust()} is read.
   */
  public void trust(TrustLevel level, TrustBreakdown breakdown) {
    set(Slots.TRUST_LEVEL, level);
    set(Slots.TRUST, breakdown);
  }

  public Identities.State identityState() {
    return get(Slots.IDENTITY);
  }

  public void identityState(Identities.State state) {
    set(Slots.IDENTITY, state);
  }

  /** The route's slot in the per-identity state, or -1 before a gate looked it up. */
  public int routeSlot() {
    return (int) get(Slots.ROUTE_INDEX);
  }

  public void routeSlot(int slot) {
    set(Slots.ROUTE_INDEX, slot);
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
      anonymousKey = anonymousIdentity(client.address());
    }
    return anonymousKey;
  }

  /** The trust level the trust gate scored, or {@code null} when it did not score this request. */
  public TrustLevel trustLevelOrNull() {
    return get(Slots.TRUST_LEVEL);
  }

  /** The trust level, HIGH when the trust gate did not score this request. */
  public TrustLevel trustLevelOrHigh() {
    TrustLevel level = get(Slots.TRUST_LEVEL);
    return level == null ? TrustLevel.HIGH : level;
  }

  /** Counts one query parameter or form field handed to the detectors (the work per request is bounded). */
  public void countInspected() {
    set(slots.inspected(), get(slots.inspected()) + 1);
  }

  /** How many query parameters and form fields were handed to the detectors for this request. */
  public int inspectedFields() {
    return (int) get(slots.inspected());
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

  /**
   * Whether every slot written so far lives in this state's own fields (no overflow array was made): what the slot
   * layout promises a request scored by the trust and rate gates. For zt's tests.
   */
  public boolean slotsInline() {
    return refs == NO_REFS && longs == NO_LONGS;
  }

  /** Who the caller is so far ({@link Caller#anonymous()} until a credential gate authenticates one). */
  public Caller caller() {
    return caller;
  }

  /** Records the authenticated caller. Only zt's own gates build {@link Caller}s. */
  public void authenticate(Caller caller) {
    this.caller = Objects.requireNonNull(caller, "caller");
  }

  /**
   * Adds a field to the answer of an allowed request (a step after the allow: {@link AfterAllow}). A name is a token
   * (RFC 9110 §5.1) and is added once; a value is visible ASCII and spaces (no CR, LF or other controls).
   *
   * @throws IllegalArgumentException for a malformed name or value
   * @throws IllegalStateException if the field was added already
   */
  public void addResponseHeader(String name, String value) {
    if (!dev.zt.core.internal.Encodings.isToken(name)
        || !value.chars().allMatch(c -> (c >= 0x20 && c < 0x7f) || c == '\t')) {
      throw new IllegalArgumentException("a response field is a token name and a visible-ASCII value");
    }
    java.util.Map<String, String> fields = get(slots.responseHeaders());
    if (fields == null) {
      fields = new java.util.LinkedHashMap<>();
      set(slots.responseHeaders(), fields);
    }
    for (String existing : fields.keySet()) {
      if (existing.equalsIgnoreCase(name)) {
        throw new IllegalStateException("response field " + name + " was added already");
      }
    }
    fields.put(name, value);
  }

  /** The response fields steps after the allow added, in order; empty (a shared instance) for none. */
  public java.util.Map<String, String> responseHeaders() {
    java.util.Map<String, String> fields = get(slots.responseHeaders());
    return fields == null ? java.util.Map.of() : fields;
  }

  /**
   * Sets the credential the allowed request is forwarded with, in place of the client's: once per request (two
   * steps that each mint one are a misconfiguration, and fail closed).
   *
   * @throws IllegalStateException if a credential to forward was set already
   */
  public void forward(dev.zt.core.Decision.ForwardedCredential credential) {
    Objects.requireNonNull(credential, "credential");
    if (get(slots.forward()) != null) {
      throw new IllegalStateException("a credential to forward was set already");
    }
    set(slots.forward(), credential);
  }

  /** The credential to forward, if a step after the allow set one. */
  public java.util.Optional<dev.zt.core.Decision.ForwardedCredential> forwarded() {
    return java.util.Optional.ofNullable(get(slots.forward()));
  }

  /**
   * The request's effective URI without query and fragment (the DPoP {@code htu}): from the enforcer's public origin
   * when it has one, never then from the client's {@code Host}; else as {@link RequestContext#effectiveUri()}.
   */
  public java.util.Optional<java.net.URI> effectiveUri() {
    java.net.URI publicOrigin = slots.publicOrigin(); // the enforcer's, when it has one
    return publicOrigin == null ? request.effectiveUri()
        : request.effectiveUri(publicOrigin);
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
