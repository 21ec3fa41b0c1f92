package dev.zt.core.internal.pipeline;

import dev.zt.core.countermeasure.Countermeasure;
import dev.zt.core.detect.Verdict;
import java.time.Duration;

/** Where the countermeasures record detector verdicts and the actions they take (the enforcer's audit). */
public interface AuditSink {

  /** A detector's verdict about {@code identity}: a {@code zt.verdict} event and counter. */
  void verdict(Verdict verdict, String identity);

  /**
   * An action taken (or, with {@code kind} null, a state change such as a lifted pin): a {@code zt.action} event,
   * counter and WARN line.
   */
  void action(Countermeasure.Kind kind, String target, String rule, String evidence, Duration ttl);
}
