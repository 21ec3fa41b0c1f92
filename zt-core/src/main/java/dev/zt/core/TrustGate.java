package dev.zt.core;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The trust gate: scores the request from its signals (and the caller's behaviour baseline), caps the score after
 * critical events, and holds it against the route's floor: below it, the route asks for step-up (401,
 * RFC 9470) or refuses (403). The score is computed once per request and shared with the rate gate.
 */
final class TrustGate implements Gate {

  static final String NAME = "trust";

  private final TrustPolicy policy;
  private final Responses responses;
  private final Behaviour behaviour;
  private final java.util.function.Function<TrustContext, Optional<String>> country;
  private final java.time.Clock clock;
  private final boolean alwaysScore;
  private final TrustSignal[] signals;
  private final double[] signalWeights;
  private final String[] names;       // signal names, then "behaviour", then "events"
  private final double[] partWeights;

  private static final SignalResult NOTHING = SignalResult.hardFail("signal returned nothing");
  private static final SignalResult FAILED = SignalResult.hardFail("signal failed");
  private static final SignalResult CAPPED_CRITICAL = SignalResult.hardFail("CRITICAL after a security event");
  private static final SignalResult CAPPED = SignalResult.of(0.5, "level capped by a security event");

  TrustGate(TrustPolicy policy, Responses responses, java.time.Clock clock, boolean alwaysScore,
      java.util.function.Function<TrustContext, Optional<String>> country) {
    this.policy = policy;
    this.responses = responses;
    this.clock = clock;
    this.alwaysScore = alwaysScore;
    this.country = country;
    this.behaviour = policy.behaviourEnabled() ? new Behaviour(100_000) : null;
    int n = policy.signals().size();
    this.signals = new TrustSignal[n];
    this.signalWeights = new double[n];
    this.names = new String[n + 2];
    this.partWeights = new double[n + 2];
    for (int i = 0; i < n; i++) {
      TrustPolicy.Weighted w = policy.signals().get(i);
      signals[i] = w.signal();
      signalWeights[i] = w.weight();
      names[i] = w.name();
      partWeights[i] = w.weight();
    }
    // behaviour, when on, takes slot n; the event cap takes the next free slot
    names[n] = behaviour != null ? "behaviour" : "events";
    partWeights[n] = behaviour != null ? policy.behaviourWeight() : 0;
    names[n + 1] = "events";
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Step evaluate(Exchange exchange) {
    Route route = exchange.routeOrNull();
    Requirement.TrustFloor floor = route == null ? null : route.trustFloor();
    if (floor == null && !alwaysScore) {
      return Step.proceed();
    }
    TrustScore score = score(exchange);
    exchange.trust(score);
    if (floor == null || score.level().atLeast(floor.level())) {
      return Step.proceed();
    }
    exchange.note("trust " + score.summary() + " below " + floor.level());
    if (floor.stepUp()) {
      Map<String, String> params = new LinkedHashMap<>();
      floor.acrValues().ifPresent(a -> params.put("acr_values", a));
      floor.maxAge().ifPresent(m -> params.put("max_age", Long.toString(m.toSeconds())));
      return Step.deny(DenyReason.STEP_UP_REQUIRED, params, Map.of());
    }
    return Step.deny(DenyReason.TRUST_TOO_LOW);
  }

  TrustScore score(Exchange exchange) {
    long nowMillis = clock.millis();
    TrustContext ctx = new TrustContext(exchange.request(), exchange.caller(), exchange.clientAddress(),
        java.time.Instant.ofEpochMilli(nowMillis));
    int n = signals.length;
    // names and weights are shared; only the results array is per request (plus room for behaviour and events)
    SignalResult[] results = new SignalResult[n + 2];
    double sum = 0;
    double weights = 0;
    boolean hardFail = false;
    for (int i = 0; i < n; i++) {
      SignalResult r;
      try {
        r = signals[i].evaluate(ctx);
        if (r == null) {
          r = NOTHING;
        }
      } catch (RuntimeException e) {
        r = FAILED;
      }
      results[i] = r;
      if (r.hardFail()) {
        hardFail = true;
      } else if (!r.abstained()) {
        sum += signalWeights[i] * r.score();
        weights += signalWeights[i];
      }
    }
    int size = n;
    if (behaviour != null) {
      String routeId = exchange.routeOrNull() == null ? Route.DEFAULT_DENY : exchange.routeOrNull().id();
      SignalResult r = behaviour.observe(exchange.identity(), routeId, country.apply(ctx).orElse(null),
          ctx.now());
      results[size++] = r;
      if (!r.abstained()) {
        sum += policy.behaviourWeight() * r.score();
        weights += policy.behaviourWeight();
      }
    }
    double score = weights == 0 ? 1.0 : sum / weights;
    TrustLevel level = policy.levelOf(score);
    if (hardFail) {
      score = 0;
      level = TrustLevel.CRITICAL;
    }
    Optional<String> sub = exchange.caller().subject();
    if (sub.isPresent()) {
      Optional<TrustLevel> cap = responses.levelCap(sub.get());
      if (cap.isPresent() && cap.get().ordinal() < level.ordinal()) {
        level = cap.get();
        results[size++] = cap.get() == TrustLevel.CRITICAL ? CAPPED_CRITICAL : CAPPED;
        if (cap.get() == TrustLevel.CRITICAL) {
          score = 0;
        }
      }
    }
    return new TrustScore(score, level, new TrustScore.Parts(names, partWeights, results, size));
  }

  /** Lets the behaviour baseline learn the outcome of a request. */
  void outcome(String identity, int status) {
    if (behaviour != null) {
      behaviour.outcome(identity, status);
    }
  }
}
