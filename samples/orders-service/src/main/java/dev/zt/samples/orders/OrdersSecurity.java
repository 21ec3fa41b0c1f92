package dev.zt.samples.orders;

import dev.zt.core.AuditListener;
import dev.zt.core.credential.BearerJwt;
import dev.zt.core.credential.Dpop;
import dev.zt.core.credential.Introspection;
import dev.zt.core.Enforcer;
import dev.zt.core.detect.Detection;
import dev.zt.core.rate.RateLimit;
import dev.zt.core.rate.RatePolicy;
import dev.zt.core.policy.Requirement;
import dev.zt.core.countermeasure.CountermeasurePolicy;
import dev.zt.core.trust.SignalResult;
import dev.zt.core.trust.TrustContext;
import dev.zt.core.trust.TrustLevel;
import dev.zt.core.trust.TrustPolicy;
import dev.zt.core.trust.TrustSignal;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import dev.zt.core.authz.Condition;
import dev.zt.core.authz.OpaClient;
import dev.zt.core.authz.PdpBinding;
import dev.zt.core.authz.PdpCache;
import dev.zt.core.authz.ObjectPolicy;
import java.util.function.UnaryOperator;
import dev.zt.core.policy.RoutePolicy;
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
    return routes(false);
  }

  /**
   * The sample's rules; with {@code requireDpop} ({@code ZT_REQUIRE_DPOP=true}) the {@code /orders} routes take only
   * sender-constrained (DPoP-bound) tokens.
   */
  static RoutePolicy routes(boolean requireDpop) {
    UnaryOperator<Requirement> orders = r -> requireDpop ? r.and(Requirement.senderConstrained()) : r;
    return RoutePolicy.builder()
        // GET /orders also needs trust MEDIUM or better, else the client is asked to step up (RFC 9470)
        .get("/orders", orders.apply(Requirement.allScopes("orders:read")
            .and(Requirement.minimumTrust(TrustLevel.MEDIUM).orStepUp("mfa", Duration.ofMinutes(5)))))
        .get("/orders/{id}", orders.apply(Requirement.allScopes("orders:read")))
        .post("/orders", orders.apply(Requirement.allScopes("orders:write")))
        .get("/admin/stats", Requirement.allRoles("admin"))
        .get("/health", Requirement.permitAll())
        .get("/docs/{**}", Requirement.permitAll())
        .build();
  }

  /** The id of the sample's object rule, as the audit names it. */
  static final String ORDER_READ_RULE = "order-read-owner-or-admin";

  /**
   * The sample's object rules: {@code read} on an {@code order} is permitted to its owner (the resource's
   * {@code owner} attribute equals the caller's {@code sub}) or to role {@code admin}; nothing else is permitted, so
   * anyone else is denied by default ({@code default-deny}, 403 {@code OBJECT_FORBIDDEN}).
   */
  static ObjectPolicy objects() {
    return ObjectPolicy.builder()
        .permit(ORDER_READ_RULE, "order", Set.of("read"), Condition.owner("owner").or(Condition.anyRole("admin")))
        .build();
  }

  /**
   * The rules of the mTLS listener, by SPIFFE principal (the peer's verified X.509-SVID): {@code GET
   * /internal/inventory} for the checkout workload only, {@code GET /internal/audit} for any workload under
   * {@code ns/ops/}, {@code GET /health} public, everything else denied.
   */
  static RoutePolicy workloadRoutes(String trustDomain) {
    String td = "spiffe://" + trustDomain;
    return RoutePolicy.builder()
        .get("/internal/inventory", Requirement.workload(td + "/ns/shop/sa/checkout"))
        .get("/internal/audit", Requirement.workload(td + "/ns/ops/**"))
        .get("/health", Requirement.permitAll())
        .build();
  }

  /**
   * The enforcer of the mTLS listener: the peer gate verifies the client's X.509-SVID on every request (the
   * handshake already did, but a resumed session skips that), then {@link #workloadRoutes} decide. Bearer tokens
   * are still validated when presented (the builder needs the configuration), but no route here accepts one alone.
   */
  static Enforcer workloadEnforcer(BearerJwt jwt, dev.zt.core.credential.PeerVerifier peers, String trustDomain,
      AuditListener listener) {
    return workloadEnforcer(List.of(jwt), peers, trustDomain, listener);
  }

  /** {@link #workloadEnforcer(BearerJwt, dev.zt.core.credential.PeerVerifier, String, AuditListener)}, each issuer. */
  static Enforcer workloadEnforcer(List<BearerJwt> jwts, dev.zt.core.credential.PeerVerifier peers,
      String trustDomain, AuditListener listener) {
    Enforcer.Builder b = Enforcer.builder().peerVerifier(peers).routes(workloadRoutes(trustDomain))
        .realm("orders-internal");
    jwts.forEach(b::bearerJwt);
    if (listener != null) {
      b.auditListener(listener);
    }
    return b.build();
  }

  /**
   * The rules of the mTLS listener in internal mode ({@code ZT_INTERNAL_ISSUER}): {@link #workloadRoutes} plus
   * orders-service's API ({@code GET /orders}, {@code GET /orders/{id}}, {@code POST /orders}, with the scopes of the
   * public listener) and {@code GET /whoami}, each demanding both the peer's X.509-SVID to be exactly
   * {@code gatewayId} (else 403) and a verified internal token (else 401).
   */
  static RoutePolicy internalRoutes(String trustDomain, String gatewayId) {
    String td = "spiffe://" + trustDomain;
    // the gateway's SVID, then a token: authenticated() first, so a gateway call without a token is 401 (a scope
    // check alone would answer a token-less workload caller 403 insufficient_scope)
    Requirement gateway = Requirement.workload(gatewayId).and(Requirement.authenticated());
    return RoutePolicy.builder()
        .get("/orders", gateway.and(Requirement.allScopes("orders:read")))
        .get("/orders/{id}", gateway.and(Requirement.allScopes("orders:read")))
        .post("/orders", gateway.and(Requirement.allScopes("orders:write")))
        .get("/whoami", gateway)
        .get("/internal/inventory", Requirement.workload(td + "/ns/shop/sa/checkout"))
        .get("/internal/audit", Requirement.workload(td + "/ns/ops/**"))
        .get("/health", Requirement.permitAll())
        .build();
  }

  /**
   * The enforcer of the mTLS listener in internal mode: the peer gate as in {@link #workloadEnforcer}, the internal
   * issuer's tokens only ({@code internal}: a client token, of another issuer, is 401 {@code invalid_token}), the
   * object rules ({@link #objects()}) and {@link #internalRoutes}.
   */
  static Enforcer internalEnforcer(BearerJwt internal, dev.zt.core.credential.PeerVerifier peers,
      String trustDomain, String gatewayId, AuditListener listener) {
    Enforcer.Builder b = Enforcer.builder().peerVerifier(peers).bearerJwt(internal)
        .routes(internalRoutes(trustDomain, gatewayId)).objects(objects()).realm("orders-internal");
    if (listener != null) {
      b.auditListener(listener);
    }
    return b.build();
  }

  /**
   * FOR THE SAMPLE ONLY, not a production mechanism: device posture is read from {@code X-Device-Posture}
   * ({@code compliant} / {@code noncompliant}), as a stand-in for a lookup in an MDM.
   */
  static final TrustSignal DEVICE_POSTURE_HEADER = ctx -> {
    List<String> v = ctx.request().headers().values("X-Device-Posture");
    if (v.isEmpty()) {
      return SignalResult.abstain("no posture reported");
    }
    return switch (v.get(0).strip().toLowerCase(Locale.ROOT)) {
      case "compliant" -> SignalResult.of(1.0, "device compliant");
      case "noncompliant" -> SignalResult.hardFail("device non-compliant");
      default -> SignalResult.of(0.5, "device posture unknown");
    };
  };

  /**
   * What a policy file ({@code ZT_POLICY_FILE}) may name that only code supplies: the trust signal
   * {@code device-posture} ({@link #DEVICE_POSTURE_HEADER}) and the country resolver {@code geo-header}
   * ({@link #countryHeader}), as the shipped {@code zt-policy.yaml} uses them.
   */
  static dev.zt.policy.PolicyExtensions policyExtensions() {
    return dev.zt.policy.PolicyExtensions.builder()
        .signal("device-posture", DEVICE_POSTURE_HEADER)
        .countryResolver("geo-header", OrdersSecurity::countryHeader)
        .build();
  }

  /** FOR THE SAMPLE ONLY: the country from {@code X-Geo-Country}, as a stand-in for a geo-IP lookup. */
  static Optional<String> countryHeader(TrustContext ctx) {
    List<String> v = ctx.request().headers().values("X-Geo-Country");
    if (v.isEmpty() || !v.get(0).strip().matches("[A-Za-z]{2}")) {
      return Optional.empty();
    }
    return Optional.of(v.get(0).strip().toUpperCase(Locale.ROOT));
  }

  /**
   * The sample's continuous verification: the default signals plus device posture, a geo-fed behaviour baseline,
   * 50 requests per 10 s per identity on GET /orders, and the default detectors and responses (SQL injection refused,
   * 3 attempts suspend the credential for 15 min; 20 failed authentications from one source in a minute block it for
   * 15 min). It sits behind a gateway: X-Forwarded-For is trusted from loopback only.
   */
  static Enforcer enforcer(BearerJwt jwt, AuditListener listener) {
    return enforcer(List.of(jwt), listener);
  }

  /**
   * {@link #enforcer(BearerJwt, AuditListener)} accepting tokens of each issuer in {@code jwts} (at least one): a
   * token goes to the configuration its exact {@code iss} names, any other {@code iss} is refused.
   */
  static Enforcer enforcer(List<BearerJwt> jwts, AuditListener listener) {
    return enforcer(jwts, listener, Sender.NONE);
  }

  /**
   * {@link #enforcer(List, AuditListener)}; with {@code clientCertHeader}, the RFC 9440 {@code Client-Cert} header a
   * trusted proxy (loopback) sends is the client certificate certificate-bound tokens are checked against.
   */
  static Enforcer enforcer(List<BearerJwt> jwts, AuditListener listener, boolean clientCertHeader) {
    return enforcer(jwts, listener, Sender.NONE.withClientCertHeader(clientCertHeader));
  }

  /**
   * How the standalone service treats sender-constrained tokens: its public origin ({@code ZT_PUBLIC_ORIGIN}; with it
   * DPoP is understood and the RFC 9728 metadata served), whether the {@code /orders} routes require a DPoP-bound
   * token ({@code ZT_REQUIRE_DPOP}), whether proofs need server nonces ({@code ZT_DPOP_NONCE}) and whether a trusted
   * proxy's RFC 9440 {@code Client-Cert} header is the client certificate ({@code ZT_CLIENT_CERT_HEADER}).
   */
  record Sender(Optional<java.net.URI> publicOrigin, boolean requireDpop, boolean dpopNonce,
      boolean clientCertHeader) {
    static final Sender NONE = new Sender(Optional.empty(), false, false);

    Sender(Optional<java.net.URI> publicOrigin, boolean requireDpop, boolean dpopNonce) {
      this(publicOrigin, requireDpop, dpopNonce, false);
    }

    Sender withClientCertHeader(boolean on) {
      return new Sender(publicOrigin, requireDpop, dpopNonce, on);
    }
  }

  /** {@link #enforcer(List, AuditListener)} with {@code sender}'s public origin, DPoP rules, routes and proxies. */
  static Enforcer enforcer(List<BearerJwt> jwts, AuditListener listener, Sender sender) {
    return enforcer(jwts, listener, sender, Optional.empty());
  }

  /** How long the sample caches a PDP decision (per canonical input and policy revision). */
  static final Duration PDP_CACHE_TTL = Duration.ofSeconds(5);

  /** The most PDP decisions the sample caches. */
  static final long PDP_CACHE_ENTRIES = 10_000;

  /**
   * The sample's PDP binding ({@code ZT_PDP_URL}): OPA's Data API at {@code orders/allow} with the configured deadline
   * (no answer by then: 503), behind a decision cache (key: the whole canonical input and the policy revision OPA
   * reports with {@code provenance=true}; {@link #PDP_CACHE_TTL}, {@link #PDP_CACHE_ENTRIES} at most, on
   * {@code clock}), asked on {@code read} of an {@code order} after the object rule permitted. No claims beyond what
   * every input carries ({@code sub}, {@code client_id}, scopes, roles) go to the PDP. The binding's own deadline is a
   * backstop half a second after the client's, so the client's is the one that answers.
   */
  static PdpBinding pdp(OrdersService.Pdp pdp, java.time.Clock clock) {
    OpaClient.Builder opa = OpaClient.builder(pdp.base()).path("orders/allow").timeout(pdp.timeout());
    if (pdp.plainHttp()) {
      opa.allowPlainHttp(); // the environment was checked already: loopback, or ZT_ALLOW_PLAIN_HTTP=true
    }
    PdpCache cached = PdpCache.builder(opa.build()).ttl(PDP_CACHE_TTL).maxEntries(PDP_CACHE_ENTRIES).clock(clock)
        .build();
    return PdpBinding.to(cached).resourceTypes("order").actions("read")
        .timeout(pdp.timeout().plusMillis(500)).build();
  }

  /**
   * {@link #enforcer(List, AuditListener, Sender)} with the object rules ({@link #objects()}, always) and, when
   * given, a PDP asked after them ({@link #pdp}).
   */
  static Enforcer enforcer(List<BearerJwt> jwts, AuditListener listener, Sender sender, Optional<PdpBinding> pdp) {
    return enforcer(jwts, listener, sender, pdp, Optional.empty());
  }

  /**
   * {@link #enforcer(List, AuditListener, Sender, Optional)} keeping its suspensions, blocks, flags, detector counters
   * and rate buckets in {@code state} ({@code ZT_REDIS_URL}: shared with the other instances), else in memory.
   */
  static Enforcer enforcer(List<BearerJwt> jwts, AuditListener listener, Sender sender, Optional<PdpBinding> pdp,
      Optional<dev.zt.core.spi.SecurityState> state) {
    Enforcer.Builder b = Enforcer.builder().routes(routes(sender.requireDpop())).realm("orders")
        .objects(objects())
        .trust(TrustPolicy.builder()
            .signal("device", 2.0, DEVICE_POSTURE_HEADER)
            .tokenAge(1).authenticationStrength(1).channel(0.5).behaviour(1)
            .build())
        .countryFrom(OrdersSecurity::countryHeader)
        .rateLimits(RatePolicy.builder()
            .route("GET /orders", RateLimit.of("orders", 50, Duration.ofSeconds(10)))
            .defaultLimit(RateLimit.of("default", 1200, Duration.ofMinutes(1)).and("burst", 100, Duration.ofSeconds(1)))
            .build())
        .detection(Detection.defaults())
        .countermeasures(CountermeasurePolicy.defaults())
        .trustForwardedFor(InetAddress::isLoopbackAddress);
    if (sender.clientCertHeader()) {
      b.trustClientCertHeader();
    }
    jwts.forEach(b::bearerJwt);
    sender.publicOrigin().ifPresent(b::publicOrigin);
    pdp.ifPresent(b::pdp);
    state.ifPresent(b::state);
    if (sender.dpopNonce()) {
      b.dpop(Dpop.builder().requireNonce().build());
    }
    if (listener != null) {
      b.auditListener(listener);
    }
    return b.build();
  }

  static void protect(ServletContextHandler context, Enforcer enforcer) {
    context.addFilter(new FilterHolder(new ZeroTrustFilter(enforcer)), "/*", EnumSet.of(DispatcherType.REQUEST));
  }

  /**
   * {@link #protect(ServletContextHandler, Enforcer)} with an enforcer read from {@code enforcers} at the start of each
   * request (a {@code LivePolicy}: a reloaded policy applies from the next request on).
   */
  static void protect(ServletContextHandler context, java.util.function.Supplier<Enforcer> enforcers) {
    context.addFilter(new FilterHolder(new ZeroTrustFilter(enforcers)), "/*", EnumSet.of(DispatcherType.REQUEST));
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
            .get("/orders/{id}", Requirement.allScopes("orders:read"))
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

  /** The README's introspection snippet: opaque tokens (and, here, the issuer's JWTs too) asked of the issuer. */
  static BearerJwt readmeIntrospection(String issuer, String clientSecret) {
    // tag::readme-introspection[]
    BearerJwt jwt = BearerJwt.issuer(issuer)
        .audience("orders-api")
        .introspection(Introspection.client("orders-service")   // RFC 7662, endpoint by discovery
            .clientSecretBasic(clientSecret)                      // or clientSecretPost, privateKeyJwt, tlsClientAuth
            .introspectJwts()                                     // JWTs too: a revocation is seen within 30 s
            .cacheTtl(Duration.ofSeconds(30))                     // never past the token's exp
            .build())
        .build();
    // end::readme-introspection[]
    return jwt;
  }
}
