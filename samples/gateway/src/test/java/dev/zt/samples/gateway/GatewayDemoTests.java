package dev.zt.samples.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The README's first command ends with this tour ({@code java -jar gateway.jar demo}): every step must behave. */
class GatewayDemoTests {

  @Test
  void runWhenStartedThenEveryScriptedStepBehavesAsExpected() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    boolean ok = GatewayDemo.run(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    String printed = bytes.toString(StandardCharsets.UTF_8);

    assertThat(ok).as(printed).isTrue();
    assertThat(printed)
        .contains("zt: allow by rule")
        .contains("forwards an internal token instead of the client's")
        .contains("\"act\":{\"sub\":\"spiffe://example.org" + GatewayDemo.GATEWAY_PATH + "\"}")
        .containsPattern("client token \\d+ bytes → internal token \\d+ bytes")
        .contains("reason CREDENTIAL_MISSING")
        .contains("reason INSUFFICIENT_SCOPE")
        .contains("error=\"invalid_token\"")
        .contains("the same internal token, reused")
        .contains("the gateway's check: ROTATED")
        .contains("Set-Cookie: __Host-zt-session=…")
        .contains("✓ the session was renewed on each call, with the rotated refresh token")
        .contains("All 12 steps behaved as expected.")
        .doesNotContain("UNEXPECTED")
        .doesNotContain("eyJ"); // no token printed
  }

  @Test
  void readmeWhenFirstCommandThenBuildsAndRunsBothDemos() throws Exception {
    String readme = Files.readString(Path.of("../../README.md"));
    String first = readme.substring(readme.indexOf("```sh") + "```sh".length());
    first = first.substring(0, first.indexOf("```")).strip();

    assertThat(first).isEqualTo("./mvnw -B -q -DskipTests package"
        + " && java -jar samples/orders-service/target/orders-service.jar demo"
        + " && java -jar samples/gateway/target/gateway.jar demo");
  }
}
