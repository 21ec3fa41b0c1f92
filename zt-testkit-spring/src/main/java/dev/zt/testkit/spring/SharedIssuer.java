package dev.zt.testkit.spring;

import dev.zt.testkit.TestIssuer;

/**
 * The one issuer of this JVM: started on first use, on the system clock (the enforcer's), and left running until the
 * JVM exits (its threads are daemons). One per JVM keeps application contexts cacheable across test classes.
 */
final class SharedIssuer {

  private SharedIssuer() {}

  static TestIssuer get() {
    return Holder.ISSUER;
  }

  private static final class Holder {
    static final TestIssuer ISSUER = TestIssuer.start();
  }
}
