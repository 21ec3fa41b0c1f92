/**
 * zt-core: the Policy Enforcement Point. {@link dev.zt.core.Enforcer} decides on every request; the feature packages
 * hold the configuration of each check (credentials, routes, trust, rates, detection, countermeasures). The
 * {@code internal} packages are exported to zt's own modules only: they are not API and change without notice.
 */
module dev.zt.core {
  requires transitive com.nimbusds.jose.jwt;
  requires transitive io.opentelemetry.api;
  requires com.github.benmanes.caffeine;
  requires io.github.bucket4j.core;
  requires org.slf4j;
  requires java.net.http; // the introspection client (RFC 7662)

  exports dev.zt.core;
  exports dev.zt.core.authz;
  exports dev.zt.core.countermeasure;
  exports dev.zt.core.credential;
  exports dev.zt.core.detect;
  exports dev.zt.core.policy;
  exports dev.zt.core.rate;
  exports dev.zt.core.spi;
  exports dev.zt.core.translate;
  exports dev.zt.core.trust;
  exports dev.zt.core.internal to dev.zt.spiffe, dev.zt.spiffe.workload, dev.zt.testkit, dev.zt.servlet, dev.zt.netty,
      dev.zt.policy;
  exports dev.zt.core.internal.pipeline to dev.zt.spiffe, dev.zt.spiffe.workload, dev.zt.testkit, dev.zt.servlet,
      dev.zt.netty, dev.zt.policy;
}
