package dev.zt.core;

/**
 * Receives every decision after it is audited, on the thread that decided: a hook for a SIEM forwarder, a test, or
 * a demo that prints what happened. It must be fast and must not throw (a throw is logged and ignored: a listener
 * never changes a decision).
 *
 * @since 0.1
 */
@FunctionalInterface
public interface AuditListener {

  /**
   * Called once per decision.
   *
   * @param request the request decided on
   * @param decision the decision
   * @param detail the audit detail for denials (why, for operators; never the token), else empty
   */
  void onDecision(RequestContext request, Decision decision, String detail);
}
