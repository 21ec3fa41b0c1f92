package dev.zt.samples.gateway;

import static org.assertj.core.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * orders-service as the real built jar ({@code samples/orders-service/target/orders-service.jar}) in a child
 * {@code java -jar} process with the given environment; started means its internal-mode line was logged (its last
 * start-up line), waited for on the child's output, not with a sleep.
 */
final class OrdersServiceProcess implements AutoCloseable {

  /** The line orders-service logs last at start-up when its mTLS listener runs in internal mode. */
  static final String READY = "mTLS listener in internal mode";

  private final Process process;
  private final List<String> output = Collections.synchronizedList(new ArrayList<>());

  private OrdersServiceProcess(Process process) {
    this.process = process;
  }

  static Path jar() {
    Path jar = Path.of("").toAbsolutePath().resolve("../orders-service/target/orders-service.jar").normalize();
    if (!Files.isRegularFile(jar)) {
      fail("no " + jar + ": build samples/orders-service first (mvnw verify -pl samples/orders-service,"
          + "samples/gateway -am)");
    }
    return jar;
  }

  static OrdersServiceProcess start(Map<String, String> env) throws IOException {
    String java = ProcessHandle.current().info().command().orElse("java");
    ProcessBuilder pb = new ProcessBuilder(java, "-Xshare:auto", "-Xmx128m", "-jar", jar().toString())
        .redirectErrorStream(true);
    pb.environment().clear();
    pb.environment().putAll(env);
    OrdersServiceProcess p = new OrdersServiceProcess(pb.start());
    CompletableFuture<Void> ready = new CompletableFuture<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(
          new InputStreamReader(p.process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = r.readLine()) != null; ) {
          if (p.output.size() < 2000) {
            p.output.add(line);
          }
          if (line.contains(READY)) {
            ready.complete(null);
          }
        }
      } catch (IOException e) {
        // the child ended
      } finally {
        ready.completeExceptionally(new IllegalStateException("orders-service ended before it was ready"));
      }
    }, "orders-service-output");
    reader.setDaemon(true);
    reader.start();
    try {
      ready.get(60, TimeUnit.SECONDS);
    } catch (TimeoutException | java.util.concurrent.ExecutionException | InterruptedException e) {
      p.close();
      fail("orders-service did not start (" + e + "): " + String.join("\n", p.output));
    }
    return p;
  }

  /** What the child printed so far. */
  List<String> output() {
    synchronized (output) {
      return List.copyOf(output);
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
