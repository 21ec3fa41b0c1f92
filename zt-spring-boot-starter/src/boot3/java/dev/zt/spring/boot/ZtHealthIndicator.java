package dev.zt.spring.boot;

import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;

/**
 * The actuator's {@code zt} health component (Boot 3.5's {@code HealthIndicator}; the only Boot-version-specific
 * class of zt's health). {@code UP}; {@code DEGRADED} (a status of zt's own, HTTP 200 by Boot's default mapping)
 * while zt decides from what it holds — cached keys through an issuer outage, the local mirror while Redis is away;
 * {@code DOWN} (503) when zt refuses requests for lack of a part (no keys at all).
 *
 * <p>Not {@code OUT_OF_SERVICE}: Boot answers it 503 and readiness probes take the instance out, so an issuer or Redis
 * outage would pull every instance of a fleet that still enforces correctly. Add {@code DEGRADED} to
 * {@code management.endpoint.health.status.order} to see it in the aggregate status.
 */
final class ZtHealthIndicator implements HealthIndicator {

  private final ZtHealth health;

  ZtHealthIndicator(ZtHealth health) {
    this.health = health;
  }

  @Override
  public Health health() {
    ZtHealth.Result r = health.check();
    return Health.status(r.status()).withDetails(r.details()).build();
  }
}
