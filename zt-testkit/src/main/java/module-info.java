/**
 * zt-testkit: what users' tests need to test a service that zt protects: an in-process issuer, a token builder, a
 * SPIFFE authority, request builders, a settable clock, assertions on decisions, in-process OPA and AuthZEN
 * policy decision points, and a policy file's embedded tests as JUnit dynamic tests.
 */
module dev.zt.testkit {
  requires transitive dev.zt.core;
  requires transitive dev.zt.spiffe;
  requires transitive dev.zt.policy; // the policy test harness: PolicyFile, PolicyExtensions in its API
  requires transitive org.junit.jupiter.api;
  requires transitive org.junit.jupiter.params;
  requires transitive org.assertj.core;
  requires jdk.httpserver;
  requires org.bouncycastle.pkix;
  requires org.bouncycastle.provider;

  exports dev.zt.testkit;
  exports dev.zt.testkit.conformance;
  exports dev.zt.testkit.pdp;
  exports dev.zt.testkit.policy;
  exports dev.zt.testkit.spiffe;
}
