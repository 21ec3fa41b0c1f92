package dev.zt.testkit.it.core;

import dev.zt.core.Enforcer;

import dev.zt.core.credential.BearerJwt;
import dev.zt.core.policy.Requirement;
import dev.zt.core.policy.RoutePolicy;

import dev.zt.testkit.TestClock;
import dev.zt.testkit.TestIssuer;
import io.opentelemetry.api.OpenTelemetry;
import java.util.function.UnaryOperator;

/** The routes and enforcer that zt's own enforcement tests run against. */
final class Fixtures {

  private Fixtures() {}

  static RoutePolicy routes() {
    return RoutePolicy.builder()
        .get("/orders", Requirement.allScopes("orders:read"))
        .get("/orders/{*}", Requirement.allScopes("orders:read"))
        .post("/orders", Requirement.allScopes("orders:write"))
        .get("/admin/stats", Requirement.allRoles("admin"))
        .get("/tenant", Requirement.authenticated().and(Requirement.claimEquals("tenant", "acme")))
        .get("/health", Requirement.permitAll())
        .get("/docs/{**}", Requirement.permitAll())
        .build();
  }

  static Enforcer enforcer(TestIssuer issuer, TestClock clock) {
    return enforcer(issuer, clock, UnaryOperator.identity());
  }

  static Enforcer enforcer(TestIssuer issuer, TestClock clock, UnaryOperator<BearerJwt.Builder> jwt) {
    return enforcer(issuer, clock, jwt, OpenTelemetry.noop());
  }

  static Enforcer enforcer(
      TestIssuer issuer, TestClock clock, UnaryOperator<BearerJwt.Builder> jwt, OpenTelemetry otel) {
    return Enforcer.builder()
        .bearerJwt(jwt.apply(issuer.bearerJwt()).build())
        .routes(routes())
        .realm("orders")
        .clock(clock)
        .openTelemetry(otel)
        .build();
  }
}
