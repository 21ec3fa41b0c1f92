package dev.zt.core.countermeasure;

import dev.zt.core.DenyReason;
import dev.zt.core.internal.pipeline.Gate;
import dev.zt.core.internal.pipeline.RequestState;
import dev.zt.core.internal.pipeline.Step;
import dev.zt.core.spi.Presence;

/**
 * Refuses requests from a blocked client (an automated response to, e.g., credential stuffing): its address, its
 * /24 · /64 network, or — for a request without a credential — an anonymous-only block of either. Exempt clients,
 * trusted proxies and unknown clients are only ever refused by an operator's block of their exact address. When the
 * state cannot tell whether the client is blocked, the request is refused ({@link DenyReason#STATE_UNAVAILABLE}, 503).
 */
final class SourceGate implements Gate {

  static final String NAME = "source";
  private final Countermeasures responses;

  SourceGate(Countermeasures responses) {
    this.responses = responses;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Step evaluate(RequestState exchange) {
    Presence blocked = responses.blocked(exchange);
    if (blocked == Presence.ABSENT) {
      return Step.proceed();
    }
    if (blocked == Presence.PRESENT) {
      exchange.note("source " + exchange.clientAddress().get().getHostAddress() + " is blocked");
      return Step.deny(DenyReason.SOURCE_BLOCKED);
    }
    exchange.note("source blocks unavailable: refused");
    return Step.deny(DenyReason.STATE_UNAVAILABLE);
  }
}
