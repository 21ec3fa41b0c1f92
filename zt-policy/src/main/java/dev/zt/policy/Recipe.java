package dev.zt.policy;

import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import dev.zt.core.Enforcer;
import dev.zt.core.countermeasure.CountermeasurePolicy;
import dev.zt.core.credential.BearerJwt;
import dev.zt.core.credential.Dpop;
import dev.zt.core.credential.SignatureProvider;
import dev.zt.core.detect.Detection;
import dev.zt.core.policy.Requirement;
import dev.zt.core.policy.RoutePolicy;
import dev.zt.core.rate.RatePolicy;
import dev.zt.core.trust.TrustContext;
import dev.zt.core.trust.TrustPolicy;
import java.net.InetAddress;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * What a policy file says, mapped onto zt-core's immutable configuration types: everything but the issuers' key
 * sources is built once; {@link #builder(Map)} hands out a fresh {@link Enforcer.Builder} each time.
 */
record Recipe(
    List<IssuerSpec> issuers,
    List<ParsedRoute> routes,
    RoutePolicy routePolicy,
    Optional<String> realm,
    Optional<URI> publicOrigin,
    Optional<SignatureProvider> signatureProvider,
    Optional<TrustPolicy> trust,
    Optional<Function<TrustContext, Optional<String>>> country,
    Optional<RatePolicy> rates,
    Optional<Detection> detection,
    Optional<CountermeasurePolicy> countermeasures,
    Optional<Predicate<InetAddress>> forwardedFor,
    boolean clientCertHeader,
    Optional<Dpop> dpop,
    Optional<dev.zt.core.authz.ObjectPolicy> objects,
    List<ObjectRuleAt> objectRules,
    List<dev.zt.core.authz.PdpBinding> pdps,
    List<PolicyTestCase> tests,
    List<PolicyFinding> shadowed) {

  /**
   * A fresh builder with everything from the file; {@code keySources} replaces the key source of the issuers it
   * names (by {@code iss}), as the test run does.
   */
  Enforcer.Builder builder(Map<String, JWKSource<SecurityContext>> keySources) {
    Enforcer.Builder b = Enforcer.builder().routes(routePolicy);
    for (IssuerSpec i : issuers) {
      JWKSource<SecurityContext> ks = keySources.get(i.issuer());
      b.bearerJwt(ks == null ? i.config() : i.build(Optional.of(ks)));
    }
    realm.ifPresent(b::realm);
    publicOrigin.ifPresent(b::publicOrigin);
    signatureProvider.ifPresent(b::signatureProvider);
    trust.ifPresent(b::trust);
    country.ifPresent(b::countryFrom);
    rates.ifPresent(b::rateLimits);
    detection.ifPresent(b::detection);
    countermeasures.ifPresent(b::countermeasures);
    forwardedFor.ifPresent(b::trustForwardedFor);
    if (clientCertHeader) {
      b.trustClientCertHeader();
    }
    dpop.ifPresent(b::dpop);
    objects.ifPresent(b::objects);
    pdps.forEach(b::pdp);
    return b;
  }

  /**
   * A route rule as the file gives it, before the route policy is built.
   *
   * @param methods upper-case methods; empty for {@code any_method}
   */
  record ParsedRoute(String id, Set<String> methods, boolean anyMethod, boolean preflight, String path,
      Requirement requirement, String pointer, int line, boolean explicitId, boolean shadow) {

    void addTo(RoutePolicy.Builder b) {
      if (shadow) {
        b.shadow(id, anyMethod ? Set.of() : methods, path, requirement);
      } else if (preflight) {
        b.preflight(path);
      } else if (anyMethod) {
        b.anyMethod(path, requirement);
      } else if (explicitId) {
        b.route(id, methods, path, requirement);
      } else {
        b.route(methods, path, requirement);
      }
    }
  }

  /** An object rule's id and place in the file. */
  record ObjectRuleAt(String id, String pointer, int line, boolean shadow) {}

  /** An issuer's settings: built as the file says, or with a key source of the test run's own. */
  record IssuerSpec(String issuer, List<String> audiences, List<String> algorithms, BearerJwt config,
      Function<Optional<JWKSource<SecurityContext>>, BearerJwt> factory) {

    BearerJwt build(Optional<JWKSource<SecurityContext>> keySource) {
      return factory.apply(keySource);
    }
  }
}
