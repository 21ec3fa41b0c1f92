package dev.zt.core.authz;

import java.util.concurrent.CompletionStage;

/**
 * An external policy decision point (PDP): asked with an {@link PdpInput}, it answers allow, deny or unavailable.
 * Implementations never throw and never block the calling thread: an error, a timeout or a malformed answer completes
 * the stage with {@link PdpDecision.Unavailable}, which zt answers with 503, never with an allow.
 *
 * @since 0.3
 */
public interface PolicyDecisionPoint {

  /** Asks for a decision on {@code input}; completes (never exceptionally) within the PDP's deadline. */
  CompletionStage<PdpDecision> decide(PdpInput input);

  /** A short name for the audit log (e.g. {@code opa:orders/allow}). */
  String name();
}
