package dev.zt.core.internal.pipeline;

import dev.zt.core.DenyReason;
import dev.zt.core.RequestContext;

/**
 * One step of the enforcement pipeline (peer, credential, trust, rate, policy). Gates share this one small contract
 * and run in a fixed order; adding a gate never touches an adapter.
 *
 * <p>A gate returns at once when it can decide on the calling thread, and returns {@link Step#later} when it must
 * wait on I/O. It must not block when {@link RequestContext#mayBlock()} is false. A gate that throws is treated as
 * a deny ({@link DenyReason#INTERNAL_ERROR}): the pipeline fails closed.
 *
 * @since 0.1
 */
public interface Gate {

  /** A short, stable name for the audit log: {@code credential}, {@code policy}, … */
  String name();

  /** Inspects the exchange, may record what it established on it, and says whether to go on. */
  Step evaluate(RequestState exchange);
}
