package dev.zt.servlet;

import dev.zt.apicheck.ApiSurface;
import org.junit.jupiter.api.Test;

/** The public API of zt-servlet matches its committed api/zt-servlet.api (docs/architecture.md, "The API surface file"). */
class ApiSurfaceTests {

  @Test
  void checkWhenCompiledThenMatchesCommittedFile() {
    ApiSurface.assertMatchesCommittedFile("zt-servlet");
  }
}
