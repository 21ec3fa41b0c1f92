package dev.zt.netty;

import dev.zt.apicheck.ApiSurface;
import org.junit.jupiter.api.Test;

/** The public API of zt-netty matches its committed api/zt-netty.api (docs/architecture.md, "The API surface file"). */
class ApiSurfaceTests {

  @Test
  void checkWhenCompiledThenMatchesCommittedFile() {
    ApiSurface.assertMatchesCommittedFile("zt-netty");
  }
}
