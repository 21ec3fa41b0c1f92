package dev.zt.core.internal.pipeline;

import dev.zt.core.AuditListener;
import dev.zt.core.Caller;
import dev.zt.core.Decision;
import dev.zt.core.RequestContext;

/**
 * An {@link AuditListener} that also gets the caller as far as the pipeline verified it, for a denial too (a
 * {@link Decision.Deny} carries no caller): zt's audit export records the verified claims of a request refused for
 * its scopes so that it can be replayed. Not API: zt's own modules implement it.
 */
public interface CallerAudit extends AuditListener {

  /** Called once per decision instead of {@link #onDecision(RequestContext, Decision, String)}. */
  void onDecision(RequestContext request, Decision decision, String detail, Caller caller);

  @Override
  default void onDecision(RequestContext request, Decision decision, String detail) {
    onDecision(request, decision, detail, decision instanceof Decision.Allow a ? a.caller() : Caller.anonymous());
  }
}
