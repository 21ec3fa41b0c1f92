package dev.zt.core;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
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

  TrustGate(TrustPolicy policy, Responses responses, java.time.Clock clock, boolean alwaysScore,
      java.util.function.Function<TrustContext, Optional<String>> country) {
    this.policy = policy;
    this.responses = responses;
    this.clock = clock;
    this.alwaysScore = alwaysScore;
    this.country = country;
    this.behaviour = policy.behaviourEnabled() ? new Behaviour(100_000) : null;
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
    Instant now = clock.instant();
    TrustContext ctx = new TrustContext(exchange.request(), exchange.caller(), exchange.clientAddress(), now);
    List<TrustScore.Part> parts = new ArrayList<>(policy.signals().size() + 1);
    double sum = 0;
    double weights = 0;
    boolean hardFail = false;
    for (TrustPolicy.Weighted w : policy.signals()) {
      SignalResult r;
      try {
        r = w.signal().evaluate(ctx);
        if (r == null) {
          r = SignalResult.hardFail("signal returned nothing");
        }
      } catch (RuntimeException e) {
        r = SignalResult.hardFail("signal failed: " + e.getClass().getSimpleName());
      }
      parts.add(new TrustScore.Part(w.name(), w.weight(), r));
      if (r.hardFail()) {
        hardFail = true;
      } else if (!r.abstained()) {
        sum += w.weight() * r.score();
        weights += w.weight();
      }
    }
    if (behaviour != null) {
      String routeId = exchange.routeOrNull() == null ? Route.DEFAULT_DENY : exchange.routeOrNull().id();
      SignalResult r = behaviour.observe(exchange.identity(), routeId, country.apply(ctx).orElse(null), now);
      parts.add(new TrustScore.Part("behaviour", policy.behaviourWeight(), r));
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
        parts.add(new TrustScore.Part("events", 0, SignalResult.hardFail("capped at " + cap.get()
            + " by a security event")));
        score = Math.min(score, cap.get() == TrustLevel.CRITICAL ? 0 : score);
      }
    }
    return new TrustScore(score, level, parts);
  }

  /** Lets the behaviour baseline learn the outcome of a request. */
  void outcome(String identity, int status) {
    if (behaviour != null) {
      behaviour.outcome(identity, status);
    }
  }
}
