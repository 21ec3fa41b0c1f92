package dev.zt.core.trust;

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
    // zt's own gate hands an immutable, lazily materialized view (no Part is built unless someone reads it)
    breakdown = breakdown instanceof Parts ? breakdown : List.copyOf(breakdown);
  }

  /** The breakdown over the gate's arrays; built per request without allocating a {@link Part} per signal. */
  static final class Parts extends java.util.AbstractList<Part> implements java.util.RandomAccess {
    private final String[] names;
    private final double[] weights;
    private final SignalResult[] results;
    private final int size;

    Parts(String[] names, double[] weights, SignalResult[] results, int size) {
      this.names = names;
      this.weights = weights;
      this.results = results;
      this.size = size;
    }

    @Override
    public Part get(int index) {
      java.util.Objects.checkIndex(index, size);
      return new Part(names[index], weights[index], results[index]);
    }

    @Override
    public int size() {
      return size;
    }
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
