package dev.zt.core;

import java.util.Optional;

/**
 * The policy gate, deny by default (OWASP API5: broken function-level authorization): the route rule the request
 * matched decides; no matching rule means denied. An anonymous caller is asked to authenticate (401) before it is
 * told anything about a route.
 */
final class PolicyGate implements Gate {

  static final String NAME = "policy";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Step evaluate(Exchange exchange) {
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
}
