package dev.zt.core.trust;

import java.util.Objects;

/**
 * What one trust signal says about a request: a score in [0, 1] with a reason, a hard failure that caps the whole
 * score at CRITICAL whatever the other signals say, or an abstention (no information: left out of the weighting).
 *
 * @param score the score in [0, 1] (0 for a hard failure or an abstention)
 * @param reason why, for the audit log's breakdown (never for the response)
 * @param hardFail whether this signal caps the whole score
 * @param abstained whether the signal had nothing to say
 * @since 0.1
 */
public record SignalResult(double score, String reason, boolean hardFail, boolean abstained) {

  public SignalResult {
    Objects.requireNonNull(reason, "reason");
    if (!(score >= 0 && score <= 1)) {
      throw new IllegalArgumentException("score must be within [0, 1]: " + score);
    }
  }

  /** A score with its reason. */
  public static SignalResult of(double score, String reason) {
    return new SignalResult(score, reason, false, false);
  }

  /** A hard failure: the request's trust is CRITICAL whatever the rest says (e.g. a non-compliant device). */
  public static SignalResult hardFail(String reason) {
    return new SignalResult(0, reason, true, false);
  }

  /** No information (e.g. no posture was reported). */
  public static SignalResult abstain(String reason) {
    return new SignalResult(0, reason, false, true);
  }
}
