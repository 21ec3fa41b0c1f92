package dev.zt.spring.boot;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * zt's health from its parts: the worst part's level, and each part's details under its name. A part that throws is
 * {@code DOWN} with the exception's type only (its message may name a host). The status codes are Boot's
 * {@code UP} and {@code DOWN} and zt's own {@code DEGRADED} (see {@link ZtHealthIndicator}).
 */
final class ZtHealth {

  /** The status code of {@link HealthPart.Level#DEGRADED}. */
  static final String DEGRADED = "DEGRADED";

  private final List<HealthPart> parts;

  ZtHealth(List<HealthPart> parts) {
    this.parts = List.copyOf(parts);
  }

  /** The status code and the details. */
  record Result(String status, Map<String, Object> details) {}

  Result check() {
    HealthPart.Level worst = HealthPart.Level.UP;
    Map<String, Object> details = new LinkedHashMap<>();
    for (HealthPart part : parts) {
      HealthPart.Check c;
      try {
        c = part.check();
      } catch (RuntimeException e) {
        c = new HealthPart.Check(HealthPart.Level.DOWN, Map.of("error", e.getClass().getName()));
      }
      details.put(part.name(), c.details());
      if (c.level().compareTo(worst) > 0) {
        worst = c.level();
      }
    }
    return new Result(worst == HealthPart.Level.DEGRADED ? DEGRADED : worst.name(), details);
  }
}
