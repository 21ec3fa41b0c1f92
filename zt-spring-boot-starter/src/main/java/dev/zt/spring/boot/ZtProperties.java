package dev.zt.spring.boot;

import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * zt's {@code zt.*} properties. The whole protection comes from a zt policy file ({@code zt.policy-file}, see
 * docs/policy-file.md): its issuers, routes (deny by default), trust, rate, detection and countermeasures. The other
 * properties are handed to that file as its variables {@code ${ZT_ISSUER}}, {@code ${ZT_AUDIENCE}},
 * {@code ${ZT_JWKS_URI}} and {@code ${ZT_ROLES_CLAIM}}, over the process environment; a property the file does not use
 * fails the start (it would otherwise look enforced and be ignored).
 *
 * @param policyFile the zt policy file ({@code zt-policy.yaml}) the enforcer is built from; required unless the
 *     application defines its own {@code Enforcer} bean
 * @param issuer the token issuer, the exact {@code iss} (RFC 7519 §4.1.1); the file's {@code ${ZT_ISSUER}}
 * @param audience this service's audience, which {@code aud} must name (RFC 7519 §4.1.3); the file's
 *     {@code ${ZT_AUDIENCE}}
 * @param jwksUri the issuer's JWK Set URI, when it is not found by discovery; the file's {@code ${ZT_JWKS_URI}}
 * @param rolesClaim the claim the caller's roles are read from (a dotted path, e.g. {@code realm_access.roles}); the
 *     file's {@code ${ZT_ROLES_CLAIM}}
 * @since 0.4
 */
@ConfigurationProperties("zt")
public record ZtProperties(Path policyFile, String issuer, String audience, URI jwksUri, String rolesClaim) {

  /** The policy file, when one is configured. */
  public Optional<Path> policyFileIfSet() {
    return Optional.ofNullable(policyFile);
  }
}
