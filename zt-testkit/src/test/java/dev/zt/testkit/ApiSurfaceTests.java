package dev.zt.testkit;

import dev.zt.apicheck.ApiSurface;
import org.junit.jupiter.api.Test;

/** The public API of zt-testkit matches its committed api/zt-testkit.api (docs/architecture.md, "The API surface file"). */
class ApiSurfaceTests {

  @Test
  void checkWhenCompiledThenMatchesCommittedFile() {
    ApiSurface.assertMatchesCommittedFile("zt-testkit");
  }
}
