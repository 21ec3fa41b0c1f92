package dev.zt.policy;

import java.util.Objects;
import java.util.Optional;

/**
 * One recorded decision decided again under another policy ({@link AuditReplay}).
 *
 * @param line the record's number in the export (1-based; blank lines are not counted)
 * @param recorded what was decided then
 * @param replayed what the new policy decides, or empty when the record cannot be replayed (see {@code note})
 * @param note why it cannot be replayed; empty when it was
 * @since 0.3
 */
public record ReplayedDecision(int line, AuditRecord recorded, Optional<Outcome> replayed, Optional<String> note) {

  /**
   * A decision in the export's terms.
   *
   * @param decision {@code allow}, {@code deny} or {@code answer}
   * @param status the status of zt's answer (200 for an allow)
   * @param rule the deciding rule
   * @param reason the deny reason, {@code ALLOWED} or {@code ANSWERED}
   */
  public record Outcome(String decision, int status, String rule, String reason) {
    public Outcome {
      Objects.requireNonNull(decision, "decision");
      Objects.requireNonNull(rule, "rule");
      Objects.requireNonNull(reason, "reason");
    }

    /** {@code allow 200 by 'GET /orders'}, {@code deny 403 INSUFFICIENT_SCOPE by 'POST /orders'}. */
    @Override
    public String toString() {
      return decision + " " + status + (decision.equals("deny") ? " " + reason : "") + " by '" + rule + "'";
    }
  }

  public ReplayedDecision {
    Objects.requireNonNull(recorded, "recorded");
    Objects.requireNonNull(replayed, "replayed");
    Objects.requireNonNull(note, "note");
    if (replayed.isPresent() == note.isPresent()) {
      throw new IllegalArgumentException("a replayed decision has an outcome or a note, not both");
    }
  }

  /** The recorded decision as an outcome. */
  public Outcome before() {
    return new Outcome(recorded.decision(), recorded.status(), recorded.rule(), recorded.reason());
  }

  /** Whether the new policy decides differently (decision, status, rule or reason); false when not replayed. */
  public boolean changed() {
    return replayed.isPresent() && !replayed.get().equals(before());
  }
}
