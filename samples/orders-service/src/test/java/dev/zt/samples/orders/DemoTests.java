package dev.zt.samples.orders;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The README's demo command runs this tour: every step must behave as it says. */
class DemoTests {

  @Test
  void runWhenStartedThenEveryScriptedStepBehavesAsExpected() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    boolean ok = Demo.run(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    String printed = bytes.toString(StandardCharsets.UTF_8);
    assertThat(ok).as(printed).isTrue();
    assertThat(printed)
        .contains("reason INSUFFICIENT_SCOPE")
        .contains("reason ROUTE_UNMATCHED")
        .contains("reason TOKEN_EXPIRED")
        .contains("reason TOKEN_ALGORITHM_REJECTED")
        .contains("reason OBJECT_FORBIDDEN")
        .contains("reason PDP_DENIED")
        .contains("reason PDP_UNAVAILABLE")
        .contains("All 32 steps behaved as expected.")
        .doesNotContain("UNEXPECTED");
  }
}
