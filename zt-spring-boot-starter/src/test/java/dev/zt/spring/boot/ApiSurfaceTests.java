package dev.zt.spring.boot;

import dev.zt.apicheck.ApiSurface;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The public API of the starter matches its committed api file (docs/architecture.md, "The API surface file"). Shared
 * by both Boot lines: each module checks its own classes against its own file ({@code api/<module>.api}).
 */
class ApiSurfaceTests {

  @Test
  void checkWhenCompiledThenMatchesCommittedFile() {
    ApiSurface.assertMatchesCommittedFile(
        Path.of(System.getProperty("basedir", System.getProperty("user.dir"))).getFileName().toString());
  }
}
