package dev.zt.core.policy;

import dev.zt.core.Caller;
import dev.zt.core.DenyReason;
import dev.zt.core.internal.pipeline.Gate;
import dev.zt.core.internal.pipeline.RequestState;
import dev.zt.core.internal.pipeline.Step;

import java.util.Optional;

/**
 * The policy gate, deny by default (OWASP API5: broken function-level authorization): the route rule the request
 * matched decides; no matching rule means denied. An anonymous caller is asked to authenticate (401) before it is
 * told anything about a route: for it this gate runs before the trust and rate gates ({@link Anonymous}).
 */
final class PolicyGate implements Gate {

  static final String NAME = "policy";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Step evaluate(RequestState exchange) {
    Route route = exchange.routeOrNull();
    Caller caller = exchange.caller();
    if (route == null) {
      return Step.deny(caller.isAuthenticated() ? DenyReason.ROUTE_UNMATCHED : DenyReason.CREDENTIAL_MISSING);
    }
    Requirement requirement = route.requirement();
    if (requirement.isPublic()) {
      return Step.proceed();
    }
    if (!caller.isAuthenticated()) {
      return Step.deny(DenyReason.CREDENTIAL_MISSING);
    }
    Optional<Step.Stop> stop = requirement.check(caller);
    return stop.isPresent() ? stop.get() : Step.proceed();
  }

  /**
   * Whether the route would admit {@code caller} (ignoring its trust floor, which the trust gate holds): for the rate
   * gate, which names a route's limits only to callers the route is for.
   */
  static boolean admits(Route route, Caller caller) {
    if (route == null) {
      return false;
    }
    return route.requirement().admits(caller);
  }

  /**
   * The policy gate's verdict for callers without a credential, run before the trust and rate gates: an anonymous
   * request to a route that is not public is asked to authenticate (401, bare challenge) exactly as one to a path
   * that matches no rule, so neither a trust challenge ({@code acr_values}, a trust refusal) nor a rate limit tells
   * it which routes exist. Authenticated callers go on; the policy gate proper decides for them at the end.
   */
  static final class Anonymous implements Gate {
    private final PolicyGate policy = new PolicyGate();

    @Override
    public String name() {
      return NAME;
    }

    @Override
    public Step evaluate(RequestState exchange) {
      return exchange.caller().isAuthenticated() ? Step.proceed() : policy.evaluate(exchange);
    }
  }
}
