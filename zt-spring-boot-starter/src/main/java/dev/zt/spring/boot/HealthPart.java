package dev.zt.spring.boot;

import java.util.Map;

/**
 * One part of zt's health ({@link ZtHealth}): the key sources, the Redis state. Independent of Spring Boot's health
 * types, which moved between Boot 3.5 and 4.0; only {@link ZtHealthIndicator} knows them.
 */
interface HealthPart {

  /** How well zt can decide, worst last. */
  enum Level {
    /** Every part answers. */
    UP,
    /** zt still decides by its rules from what it has (cached keys, the local mirror): serve, and alert. */
    DEGRADED,
    /** zt refuses what it cannot decide (503): requests that need this part fail. */
    DOWN
  }

  /** The part's name in the details ({@code keySources}, {@code redis}). */
  String name();

  /** The part's level and details, read from state zt keeps (never a call out, never a secret or a URL). */
  Check check();

  /** A part's level and its details. */
  record Check(Level level, Map<String, Object> details) {
    public Check {
      details = Map.copyOf(details);
    }
  }
}
