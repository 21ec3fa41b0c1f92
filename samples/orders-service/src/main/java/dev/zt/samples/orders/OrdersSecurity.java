package dev.zt.samples.orders;

import dev.zt.core.AuditListener;
import dev.zt.core.BearerJwt;
import dev.zt.core.Enforcer;
import dev.zt.core.Requirement;
import dev.zt.core.RoutePolicy;
import dev.zt.servlet.ZeroTrustFilter;
import jakarta.servlet.DispatcherType;
import java.util.EnumSet;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;

/** How orders-service is protected: its routes and the filter. The README's snippet is {@link #readmeExample}. */
final class OrdersSecurity {

  private OrdersSecurity() {}

  /** The sample's rules: deny by default, so anything not listed here is refused. */
  static RoutePolicy routes() {
    return RoutePolicy.builder()
        .get("/orders", Requirement.allScopes("orders:read"))
        .get("/orders/{*}", Requirement.allScopes("orders:read"))
        .post("/orders", Requirement.allScopes("orders:write"))
        .get("/admin/stats", Requirement.allRoles("admin"))
        .get("/health", Requirement.permitAll())
        .get("/docs/{**}", Requirement.permitAll())
        .build();
  }

  static Enforcer enforcer(BearerJwt jwt, AuditListener listener) {
    Enforcer.Builder b = Enforcer.builder().bearerJwt(jwt).routes(routes()).realm("orders");
    if (listener != null) {
      b.auditListener(listener);
    }
    return b.build();
  }

  static void protect(ServletContextHandler context, Enforcer enforcer) {
    context.addFilter(new FilterHolder(new ZeroTrustFilter(enforcer)), "/*", EnumSet.of(DispatcherType.REQUEST));
  }

  /** The README's "use it in your service" snippet, verbatim between the tags; a test keeps the two in step. */
  static Enforcer readmeExample(ServletContextHandler context, String issuer) {
    // tag::readme[]
    Enforcer enforcer = Enforcer.builder()
        .bearerJwt(BearerJwt.issuer(issuer)       // keys via discovery + JWKS, rotation picked up
            .audience("orders-api")               // aud must name this service
            .build())
        .routes(RoutePolicy.builder()             // deny by default: no matching rule → refused
            .get("/orders", Requirement.allScopes("orders:read"))
            .get("/orders/{*}", Requirement.allScopes("orders:read"))
            .post("/orders", Requirement.allScopes("orders:write"))
            .get("/admin/stats", Requirement.allRoles("admin"))
            .get("/health", Requirement.permitAll())
            .build())
        .build();
    context.addFilter(new FilterHolder(new ZeroTrustFilter(enforcer)),
        "/*", EnumSet.of(DispatcherType.REQUEST));
    // end::readme[]
    return enforcer;
  }
}
