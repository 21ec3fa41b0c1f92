package dev.zt.spring.boot;

import dev.zt.core.Enforcer;
import dev.zt.core.credential.KeySourceHealth;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The issuers' key sources ({@link Enforcer#keySources()}): {@code DOWN} when an issuer's keys were never fetched and
 * the last try failed (its tokens are refused with 503), {@code DEGRADED} when the last fetch failed after an earlier
 * one succeeded (tokens are checked against the keys cached then, for the outage tolerance), else {@code UP} — also
 * before the first fetch, which zt makes at the first token (asking for health never fetches).
 */
final class KeySourcesHealthPart implements HealthPart {

  private final Supplier<List<KeySourceHealth>> keySources;

  /** @param keySources {@link Enforcer#keySources()} */
  KeySourcesHealthPart(Supplier<List<KeySourceHealth>> keySources) {
    this.keySources = keySources;
  }

  @Override
  public String name() {
    return "keySources";
  }

  @Override
  public Check check() {
    Level level = Level.UP;
    Map<String, Object> details = new LinkedHashMap<>();
    for (KeySourceHealth k : keySources.get()) {
      Map<String, Object> d = new LinkedHashMap<>();
      Level l = k.unavailable() ? Level.DOWN : k.failing() ? Level.DEGRADED : Level.UP;
      d.put("status", k.unavailable() ? "unavailable" : k.failing() ? "failing" : k.lastFetched().isPresent()
          ? "fetched" : "not fetched yet");
      k.lastFetched().ifPresent(t -> d.put("lastFetched", t.toString()));
      k.lastFailed().ifPresent(t -> d.put("lastFailed", t.toString()));
      details.put(safe(k.issuer()), d);
      if (l.compareTo(level) > 0) {
        level = l;
      }
    }
    return new Check(level, details);
  }

  /** The issuer without user information, query or fragment, should a configuration have put any there. */
  static String safe(String issuer) {
    try {
      URI u = URI.create(issuer);
      if (u.getRawUserInfo() == null && u.getRawQuery() == null && u.getRawFragment() == null) {
        return issuer;
      }
      return new URI(u.getScheme(), null, u.getHost(), u.getPort(), u.getPath(), null, null).toString();
    } catch (IllegalArgumentException | java.net.URISyntaxException e) {
      return "(an issuer that is not a URI)";
    }
  }
}
