package dev.zt.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The enforcer's own defaults (moved from zt-testkit's validation budget tests). */
class EnforcerTests {

  @Test
  void defaultPoolSizeWhenBuiltThenOneThreadPerCpuAtLeastTwo() {
    assertThat(Enforcer.defaultPoolSize())
        .isEqualTo(Math.max(2, Runtime.getRuntime().availableProcessors()));
  }
}
