package dev.zt.samples.orders;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zt.testkit.TestIssuer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The service as a process with {@code ZT_POLICY_FILE}, as an operator runs it: a bad file written while it runs is
 * reported on stderr by a WARN line naming the file and the reason (and the {@code zt.policy.reload} audit line), and
 * a good one afterwards by an applied line.
 */
class PolicyFileProcessTests {

  @TempDir
  Path dir;

  /** Reads {@code queue} until a line matches {@code wanted}, for at most {@code seconds}; every line read so far. */
  private static List<String> until(BlockingQueue<String> queue, Predicate<String> wanted, int seconds)
      throws InterruptedException {
    List<String> seen = new ArrayList<>();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (System.nanoTime() < deadline) {
      String line = queue.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
      if (line == null) {
        break;
      }
      seen.add(line);
      if (wanted.test(line)) {
        return seen;
      }
    }
    throw new AssertionError("no matching line within " + seconds + " s; stderr was: " + seen);
  }

  @Test
  void mainWhenPolicyFileTurnsBadThenWarnLineNamesFileAndReasonAndServiceKeepsRunning() throws Exception {
    Path file = Files.writeString(dir.resolve("zt-policy.yaml"), PolicyFileChecks.policy("orders:read"));
    try (TestIssuer issuer = TestIssuer.start()) {
      ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-cp", System.getProperty("java.class.path"), OrdersService.class.getName());
      pb.environment().clear();
      pb.environment().putAll(Map.of("ZT_ISSUER", issuer.issuer(), "ZT_AUDIENCE", "orders-api", "PORT", "0",
          "ZT_HOST", "127.0.0.1", "ZT_POLICY_FILE", file.toString()));
      pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
      Process p = pb.start();
      BlockingQueue<String> lines = new LinkedBlockingQueue<>();
      Thread reader = new Thread(() -> {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
          for (String line = r.readLine(); line != null; line = r.readLine()) {
            lines.add(line);
          }
        } catch (java.io.IOException e) {
          // the process ended
        }
      });
      reader.setDaemon(true);
      reader.start();
      try {
        until(lines, l -> l.contains("listening on port") && l.contains("policy file " + file), 60);

        Path tmp = dir.resolve("next.tmp");
        Files.writeString(tmp, "routes: [unclosed\n");
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);

        List<String> seen = until(lines, l -> l.contains("WARN") && l.contains("OrdersService")
            && l.contains("policy file " + file + " rejected"), 10);
        String warn = seen.get(seen.size() - 1);
        assertThat(warn).contains("the last good policy (sha256:").contains(file + ":");
        assertThat(p.isAlive()).isTrue();

        Files.writeString(tmp, PolicyFileChecks.policy("orders:audit"));
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        until(lines, l -> l.contains("INFO") && l.contains("policy file " + file + " applied: sha256:"), 10);
      } finally {
        p.destroy();
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
          p.destroyForcibly();
        }
      }
    }
  }
}
