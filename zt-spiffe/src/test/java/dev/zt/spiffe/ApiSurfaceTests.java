package dev.zt.spiffe;

import dev.zt.apicheck.ApiSurface;
import org.junit.jupiter.api.Test;

/** The public API of zt-spiffe matches its committed api/zt-spiffe.api (docs/architecture.md, "The API surface file"). */
class ApiSurfaceTests {

  @Test
  void checkWhenCompiledThenMatchesCommittedFile() {
    ApiSurface.assertMatchesCommittedFile("zt-spiffe");
  }
}
