package dev.zt.spring.boot;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * zt's typed {@code zt.*} properties: where the policy comes from, and the one-issuer shorthand. zt is configured
 * either by a policy file ({@code zt.policy-file}, docs/policy-file.md) or by properties alone ({@code zt.issuer} or
 * {@code zt.issuers}, {@code zt.routes}, {@code zt.trust}, {@code zt.rate-limits}, {@code zt.detection},
 * {@code zt.countermeasures}, {@code zt.trust-forwarded-for}, …: the policy file's keys in kebab-case, listed in
 * docs/spring-boot.md), never both. Properties are translated into the document a policy file is parsed into and
 * validated by the file's own schema and builders, so their defaults, errors and meaning are the file's. An unknown
 * {@code zt.*} property fails the start.
 *
 * @param policyFile the zt policy file the enforcer is built from, a Spring resource location:
 *     classpath:zt-policy.yaml, file:/etc/zt/zt-policy.yaml or a bare file-system path
 * @param policyReload follow a file-system policy file and apply each valid change (zt-policy's LivePolicy: a
 *     bad edit keeps the last good policy and is logged); off by default, so the policy in force is the one the process
 *     started with
 * @param issuer the token issuer, the exact iss (RFC 7519 §4.1.1); with a policy file, the file's
 *     ${ZT_ISSUER}
 * @param audience this service's audience, which aud must name (RFC 7519 §4.1.3); with a policy file, the
 *     file's ${ZT_AUDIENCE}
 * @param jwksUri the issuer's JWK Set URI, when it is not found by discovery; with a policy file, the file's
 *     ${ZT_JWKS_URI}
 * @param rolesClaim the claim the caller's roles are read from (a dotted path, e.g. realm_access.roles), for
 *     every issuer that names none; with a policy file, the file's ${ZT_ROLES_CLAIM}
 * @param allowPlainHttp a weakening: fetch the issuers' keys over plain http from a host that is not loopback (every
 *     issuer's allow_plain_http_key_source); with a policy file, true fills the file's
 *     ${ZT_ALLOW_PLAIN_HTTP}
 * @param token the token rules every issuer follows unless it sets its own
 * @since 0.4
 */
@ConfigurationProperties("zt")
public record ZtProperties(
    String policyFile,
    @DefaultValue("false") boolean policyReload,
    String issuer,
    String audience,
    URI jwksUri,
    String rolesClaim,
    @DefaultValue("false") boolean allowPlainHttp,
    @DefaultValue Token token) {

  /** The policy file's location, when one is configured. */
  public Optional<String> policyFileIfSet() {
    return Optional.ofNullable(policyFile).filter(s -> !s.isBlank());
  }

  /**
   * Token rules (RFC 9068, RFC 7519) for every issuer that does not set its own.
   *
   * @param maxLifetime the longest exp - iat accepted (1h, PT1H); each issuer's
   *     max_token_lifetime
   * @param type the token type required in the JOSE typ header: only at+jwt (RFC 9068 §2.1); each
   *     issuer's require_access_token_type
   * @param algorithms the signature algorithms accepted, a subset of zt's defaults (e.g. RS256,ES256); each
   *     issuer's algorithms
   * @since 0.4
   */
  public record Token(Duration maxLifetime, String type, List<String> algorithms) {

    /** Whether any token rule is set. */
    boolean isSet() {
      return maxLifetime != null || type != null || algorithms != null && !algorithms.isEmpty();
    }
  }
}
