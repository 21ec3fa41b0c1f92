package dev.zt.spiffe.workload;

import dev.zt.apicheck.ApiSurface;
import org.junit.jupiter.api.Test;

/** The public API of zt-spiffe-workload matches its committed api/zt-spiffe-workload.api (docs/architecture.md, "The API surface file"). */
class ApiSurfaceTests {

  @Test
  void checkWhenCompiledThenMatchesCommittedFile() {
    ApiSurface.assertMatchesCommittedFile("zt-spiffe-workload");
  }
}
