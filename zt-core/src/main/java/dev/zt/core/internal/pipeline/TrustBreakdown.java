package dev.zt.core.internal.pipeline;

import dev.zt.core.trust.TrustScore;

/**
 * Builds a request's trust breakdown when something reads it ({@link RequestState#trust()}): the trust gate keeps
 * only a level and primitives in its slots on the steady path and implements this to build the {@link TrustScore} on
 * demand.
 */
public interface TrustBreakdown {

  /** The breakdown of the score the gate recorded for {@code state}. */
  TrustScore breakdown(RequestState state);
}
