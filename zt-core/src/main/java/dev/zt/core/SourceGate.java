package dev.zt.core;

/** Refuses requests from a blocked client address (an automated response to, e.g., credential stuffing). */
final class SourceGate implements Gate {

  static final String NAME = "source";
  private final Responses responses;

  SourceGate(Responses responses) {
    this.responses = responses;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Step evaluate(Exchange exchange) {
    if (exchange.clientAddress().isPresent() && responses.isBlocked(exchange.clientAddress().get())) {
      exchange.note("source " + exchange.clientAddress().get().getHostAddress() + " is blocked");
      return Step.deny(DenyReason.SOURCE_BLOCKED);
    }
    return Step.proceed();
  }
}
