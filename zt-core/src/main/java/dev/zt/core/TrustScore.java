package dev.zt.core;

import java.util.List;

/**
 * A request's trust: the weighted score, its level, and every signal's part in it (for the audit log, never the
 * response).
 *
 * @param score the score in [0, 1]
 * @param level the level the cut points put it in
 * @param breakdown each signal's result and weight, in configuration order
 * @since 0.1
 */
public record TrustScore(double score, TrustLevel level, List<Part> breakdown) {

  public TrustScore {
    breakdown = List.copyOf(breakdown);
  }

  /** One signal's contribution. */
  public record Part(String signal, double weight, SignalResult result) {}

  /** A short printable summary: {@code 0.62 MEDIUM [device=1.00 geo=0.40 …]}. */
  public String summary() {
    StringBuilder b = new StringBuilder(String.format(java.util.Locale.ROOT, "%.2f %s [", score, level));
    for (Part p : breakdown) {
      b.append(p.signal()).append('=');
      SignalResult r = p.result();
      b.append(r.hardFail() ? "FAIL" : r.abstained() ? "-" : String.format(java.util.Locale.ROOT, "%.2f", r.score()));
      b.append('(').append(r.reason()).append(") ");
    }
    if (!breakdown.isEmpty()) {
      b.setLength(b.length() - 1);
    }
    return b.append(']').toString();
  }
}
