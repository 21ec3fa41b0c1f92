package dev.zt.testkit.it.spiffe;

import dev.zt.spiffe.TrustBundleSet;

import dev.zt.testkit.TestClock;
import dev.zt.testkit.spiffe.TestTrustDomain;

/** Trust domains shared by the SPIFFE tests: keys are made once per test run. */
final class SpiffeFixtures {

  static final TestClock CLOCK = TestClock.create();
  static final TestTrustDomain EXAMPLE = TestTrustDomain.create("example.org", CLOCK);
  static final TestTrustDomain EXAMPLE_VIA_INTERMEDIATE = EXAMPLE.withIntermediate();
  static final TestTrustDomain OTHER = TestTrustDomain.create("other.test", CLOCK);
  static final TrustBundleSet BUNDLES = TrustBundleSet.of(EXAMPLE.bundle().trustBundle(), OTHER.bundle().trustBundle());

  private SpiffeFixtures() {}
}
