package dev.zt.core.trust;

import dev.zt.core.Decision;
import dev.zt.core.internal.ClientAddresses;
import dev.zt.core.internal.pipeline.AfterAnswer;
import dev.zt.core.internal.pipeline.TrustBreakdown;
import dev.zt.core.Caller;
import dev.zt.core.DenyReason;
import dev.zt.core.RequestContext;
import dev.zt.core.internal.SourceKey;
import dev.zt.core.internal.pipeline.CountermeasureHooks;
import dev.zt.core.internal.pipeline.Gate;
import dev.zt.core.internal.pipeline.Identities;
import dev.zt.core.internal.pipeline.LongSlot;
import dev.zt.core.internal.pipeline.RequestState;
import dev.zt.core.internal.pipeline.Slot;
import dev.zt.core.internal.pipeline.Slots;
import dev.zt.core.internal.pipeline.Step;
import dev.zt.core.policy.Requirement;
import dev.zt.core.policy.Route;

import java.net.InetAddress;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The trust gate: scores the request from its signals (and the caller's behaviour baseline), caps the score after
 * critical events, and holds it against the route's floor: below it, the route asks for step-up (401,
 * RFC 9470) or refuses (403). The score is computed once per request and shared with the rate gate.
 *
 * <p>The steady path allocates nothing: zt's own signals are evaluated without a {@link TrustContext}, the score
 * and level go to the {@link RequestState} as primitives, and the per-signal breakdown ({@link TrustScore}) is built
 * only when something reads it (a denial's audit detail, a recording span, enhanced monitoring). Signals of yours
 * get a {@code TrustContext} and their results are kept for that breakdown.
 */
final class TrustGate implements Gate, TrustBreakdown, AfterAnswer {

  static final String NAME = "trust";

  private final TrustPolicy policy;
  private final CountermeasureHooks countermeasures;
  private final Identities identities;
  private final Function<TrustContext, Optional<String>> country;
  private final boolean alwaysScore;
  private final TrustSignal[] signals;
  /** zt's own signals as {@link BuiltInSignals.Pure}, else {@code null} at that index. */
  private final BuiltInSignals.Pure[] pure;
  /** Whether any signal is not zt's own (then a TrustContext is built and results kept). */
  private final boolean custom;
  private final double[] signalWeights;
  private final String[] names;       // signal names, then "behaviour", then "events"
  private final double[] partWeights;
  private final int behaviourSlot;    // index of the behaviour part, or -1
  // what the gate keeps per request: the score (raw bits of a double), the results of signals it cannot evaluate
  // again (custom ones), the behaviour result, the event cap, and the breakdown once built
  private final LongSlot scoreSlot;
  private final Slot<SignalResult[]> resultsSlot;
  private final Slot<SignalResult> behaviourResultSlot;
  private final Slot<SignalResult> capSlot;
  private final Slot<TrustScore> builtSlot;

  private static final SignalResult NOTHING = SignalResult.hardFail("signal returned nothing");
  private static final SignalResult FAILED = SignalResult.hardFail("signal failed");
  private static final SignalResult CAPPED_CRITICAL = SignalResult.hardFail("CRITICAL after a security event");
  private static final SignalResult CAPPED = SignalResult.of(0.5, "level capped by a security event");
  private static final SignalResult NO_BASELINE = SignalResult.abstain("client unknown: no baseline");

  /**
   * @param identities where behaviour baselines live, or {@code null} when nothing is kept per identity
   * @param country where the country comes from, or {@code null} for nowhere
   */
  TrustGate(TrustPolicy policy, CountermeasureHooks countermeasures, boolean alwaysScore,
      Function<TrustContext, Optional<String>> country, Identities identities, Slots slots) {
    // the slots written on every scored request first: they are the ones kept in the request state's fields
    this.behaviourResultSlot = slots.slot("trust.behaviour");
    this.scoreSlot = slots.longSlot("trust.score", 0);
    this.resultsSlot = slots.slot("trust.results");
    this.capSlot = slots.slot("trust.cap");
    this.builtSlot = slots.slot("trust.breakdown");
    this.policy = policy;
    this.countermeasures = countermeasures;
    this.alwaysScore = alwaysScore;
    this.country = country;
    this.identities = policy.behaviourEnabled() ? identities : null;
    if (policy.behaviourEnabled() && identities == null) {
      throw new IllegalArgumentException("behaviour needs per-identity state");
    }
    int n = policy.signals().size();
    this.signals = new TrustSignal[n];
    this.pure = new BuiltInSignals.Pure[n];
    this.signalWeights = new double[n];
    this.names = new String[n + 2];
    this.partWeights = new double[n + 2];
    boolean anyCustom = false;
    for (int i = 0; i < n; i++) {
      TrustPolicy.Weighted w = policy.signals().get(i);
      signals[i] = w.signal();
      if (w.signal() instanceof BuiltInSignals.Pure p) {
        pure[i] = p;
      } else {
        anyCustom = true;
      }
      signalWeights[i] = w.weight();
      names[i] = w.name();
      partWeights[i] = w.weight();
    }
    this.custom = anyCustom;
    // behaviour, when on, takes slot n; the event cap takes the next free slot
    this.behaviourSlot = this.identities != null ? n : -1;
    names[n] = this.identities != null ? "behaviour" : "events";
    partWeights[n] = this.identities != null ? policy.behaviourWeight() : 0;
    names[n + 1] = "events";
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Step evaluate(RequestState exchange) {
    Route route = exchange.routeOrNull();
    Requirement.TrustFloor floor = route == null ? null : route.trustFloor();
    if (floor == null && !alwaysScore) {
      return Step.proceed();
    }
    TrustLevel level = score(exchange);
    if (floor == null || level.atLeast(floor.level())) {
      return Step.proceed();
    }
    exchange.note("trust " + exchange.trust().map(TrustScore::summary).orElse(level.name()) + " below "
        + floor.level());
    if (floor.stepUp()) {
      Map<String, String> params = new LinkedHashMap<>();
      floor.acrValues().ifPresent(a -> params.put("acr_values", a));
      floor.maxAge().ifPresent(m -> params.put("max_age", Long.toString(m.toSeconds())));
      return Step.deny(DenyReason.STEP_UP_REQUIRED, params, Map.of());
    }
    return Step.deny(DenyReason.TRUST_TOO_LOW);
  }

  /** Scores the request, records the outcome on the exchange, and returns the level. */
  TrustLevel score(RequestState exchange) {
    long now = exchange.now();
    RequestContext request = exchange.request();
    Caller caller = exchange.caller();
    Optional<InetAddress> client = exchange.clientAddress();
    TrustContext ctx = custom || country != null ? new TrustContext(request, caller, client, Instant.ofEpochMilli(now))
        : null;
    SignalResult[] kept = custom ? new SignalResult[signals.length] : null;
    double sum = 0;
    double weights = 0;
    boolean hardFail = false;
    for (int i = 0; i < signals.length; i++) {
      SignalResult r;
      if (pure[i] != null) {
        r = pure[i].evaluate(request, caller, client, now);
      } else {
        r = evaluateCustom(signals[i], ctx);
      }
      if (kept != null) {
        kept[i] = r;
      }
      if (r.hardFail()) {
        hardFail = true;
      } else if (!r.abstained()) {
        sum += signalWeights[i] * r.score();
        weights += signalWeights[i];
      }
    }
    SignalResult behaviourResult = null;
    if (identities != null) {
      Behaviour.Baseline baseline = (Behaviour.Baseline) identities.of(exchange, now).baseline();
      String where = country == null || baseline == null ? null : country.apply(ctx).orElse(null);
      behaviourResult = baseline == null ? NO_BASELINE : baseline.observe(identities.slotOf(exchange), where, now);
      if (!behaviourResult.abstained()) {
        sum += policy.behaviourWeight() * behaviourResult.score();
        weights += policy.behaviourWeight();
      }
    }
    double score = weights == 0 ? 1.0 : sum / weights;
    TrustLevel level = policy.levelOf(score);
    if (hardFail) {
      score = 0;
      level = TrustLevel.CRITICAL;
    }
    SignalResult capResult = null;
    Optional<String> sub = caller.subject();
    if (sub.isPresent()) {
      Optional<TrustLevel> cap = countermeasures.levelCap(sub.get());
      if (cap.isPresent() && cap.get().ordinal() < level.ordinal()) {
        level = cap.get();
        capResult = cap.get() == TrustLevel.CRITICAL ? CAPPED_CRITICAL : CAPPED;
        if (cap.get() == TrustLevel.CRITICAL) {
          score = 0;
        }
      }
    }
    exchange.set(scoreSlot, Double.doubleToRawLongBits(score));
    if (kept != null) {
      exchange.set(resultsSlot, kept);
    }
    if (behaviourResult != null) {
      exchange.set(behaviourResultSlot, behaviourResult);
    }
    if (capResult != null) {
      exchange.set(capSlot, capResult);
    }
    exchange.trust(level, this);
    return level;
  }

  private static SignalResult evaluateCustom(TrustSignal signal, TrustContext ctx) {
    try {
      SignalResult r = signal.evaluate(ctx);
      return r == null ? NOTHING : r;
    } catch (RuntimeException e) {
      return FAILED;
    }
  }

  /**
   * The breakdown of a score {@link #score} recorded: zt's own signals evaluated again on the same inputs (they are
   * pure), the kept results of the others, the behaviour result and the event cap.
   */
  @Override
  public TrustScore breakdown(RequestState exchange) {
    TrustScore built = exchange.get(builtSlot);
    if (built != null) {
      return built;
    }
    double score = Double.longBitsToDouble(exchange.get(scoreSlot));
    TrustLevel level = exchange.trustLevelOrHigh();
    long now = exchange.now();
    SignalResult[] kept = exchange.get(resultsSlot);
    SignalResult behaviourResult = exchange.get(behaviourResultSlot);
    SignalResult capResult = exchange.get(capSlot);
    int n = signals.length;
    SignalResult[] results = new SignalResult[n + 2];
    for (int i = 0; i < n; i++) {
      results[i] = kept != null ? kept[i]
          : pure[i].evaluate(exchange.request(), exchange.caller(), exchange.clientAddress(), now);
    }
    int size = n;
    if (behaviourSlot >= 0) {
      results[size++] = behaviourResult;
    }
    if (capResult != null) {
      results[size++] = capResult;
    }
    built = new TrustScore(score, level, new TrustScore.Parts(names, partWeights, results, size));
    exchange.set(builtSlot, built);
    return built;
  }

  /** Lets the behaviour baseline learn the outcome of a request. */
  @Override
  public void denied(RequestState state, Decision.Deny deny, int status) {
    outcome(state.identity(), state.caller(), status);
  }

  @Override
  public void answered(RequestContext request, ClientAddresses.Client client, Caller caller, String identity,
      String path, int status) {
    outcome(identity, caller, status);
  }

  void outcome(String identity, Caller caller, int status) {
    if (identities != null) {
      Identities.State s = identities.peek(identity, caller);
      if (s != null && s.baseline() != null) {
        ((Behaviour.Baseline) s.baseline()).outcome(status >= 400);
      }
    }
  }
}
