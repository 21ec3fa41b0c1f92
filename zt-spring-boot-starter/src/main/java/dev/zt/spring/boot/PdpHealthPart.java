package dev.zt.spring.boot;

import dev.zt.core.Enforcer;
import dev.zt.core.authz.PdpHealth;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The bound policy decision points ({@link Enforcer#pdps()}): {@code DEGRADED} while a PDP's last call ended
 * unavailable (the object checks it covers are answered 503; everything else is decided as usual, and the PDP is
 * shared by the fleet, so taking instances out would not help), else {@code UP}. Listed only when there are
 * bindings.
 */
final class PdpHealthPart implements HealthPart {

  private final Supplier<List<PdpHealth>> pdps;

  /** @param pdps {@link Enforcer#pdps()} */
  PdpHealthPart(Supplier<List<PdpHealth>> pdps) {
    this.pdps = pdps;
  }

  @Override
  public String name() {
    return "pdps";
  }

  @Override
  public Check check() {
    Level level = Level.UP;
    Map<String, Object> details = new LinkedHashMap<>();
    for (PdpHealth p : pdps.get()) {
      Map<String, Object> d = new LinkedHashMap<>();
      d.put("status", p.failing() ? "unavailable" : p.lastAnswered().isPresent() ? "answering" : "not asked yet");
      p.lastAnswered().ifPresent(t -> d.put("lastAnswered", t.toString()));
      p.lastUnavailable().ifPresent(t -> d.put("lastUnavailable", t.toString()));
      details.put(safe(p.name()), d);
      if (p.failing()) {
        level = Level.DEGRADED;
      }
    }
    return new Check(level, details);
  }

  /** The name without user information ({@code authzen:user:secret@host} names its authority). */
  static String safe(String name) {
    int at = name.lastIndexOf('@');
    if (at < 0) {
      return name;
    }
    int colon = name.indexOf(':');
    return (colon >= 0 && colon < at ? name.substring(0, colon + 1) : "") + name.substring(at + 1);
  }
}
