package dev.zt.core.internal.pipeline;

import dev.zt.core.trust.SignalResult;
import dev.zt.core.trust.TrustLevel;
import dev.zt.core.trust.TrustScore;

/**
 * Builds a request's trust breakdown when something reads it ({@link RequestState#trust()}): the trust gate keeps
 * only primitives on the steady path and implements this to build the {@link TrustScore} on demand.
 */
public interface TrustBreakdown {

  /** The breakdown of the score the gate recorded with {@link RequestState#trust(double, TrustLevel,
   * TrustBreakdown, long, SignalResult[], SignalResult, SignalResult)}. */
  TrustScore breakdown(RequestState state, double score, TrustLevel level, long millis, SignalResult[] results,
      SignalResult behaviour, SignalResult cap);
}
