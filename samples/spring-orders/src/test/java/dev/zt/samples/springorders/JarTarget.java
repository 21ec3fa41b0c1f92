package dev.zt.samples.springorders;

import dev.zt.samples.checks.OrdersTarget;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The built {@code target/spring-orders.jar} as an operator runs it: {@code java -jar} with the given environment and
 * nothing else. Started once it logged the port of each listener; a refusal is the process's exit status and its
 * stderr.
 */
final class JarTarget implements OrdersTarget {

  /** How long a start or a refusal may take on a loaded machine: a bound for a broken run, not a wait. */
  private static final int SECONDS = 120;

  private static final Pattern LISTENING = Pattern.compile("spring-orders listening on port (\\d+) \\((\\w+)\\)");

  static Path jar() {
    Path jar = Path.of(System.getProperty("spring-orders.jar", "target/spring-orders.jar"));
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(jar + " is not built: run the module's verify (the jar checks run after"
          + " packaging)");
    }
    return jar;
  }

  private static Process launch(Map<String, String> env) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xshare:auto", "-jar", jar().toString());
    pb.environment().clear();
    pb.environment().putAll(env);
    return pb.start();
  }

  /** Every line of {@code stream}, as it comes, on a daemon thread. */
  private static BlockingQueue<String> lines(java.io.InputStream stream) {
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
        for (String line = r.readLine(); line != null; line = r.readLine()) {
          lines.add(line);
        }
      } catch (IOException e) {
        // the process ended
      }
    });
    reader.setDaemon(true);
    reader.start();
    return lines;
  }

  @Override
  public Running start(Map<String, String> env) throws Exception {
    Process p = launch(env);
    BlockingQueue<String> out = lines(p.getInputStream());
    lines(p.getErrorStream()); // drained
    boolean management = env.containsKey("MANAGEMENT_SERVER_PORT");
    int api = -1;
    int mgmt = -1;
    List<String> seen = new ArrayList<>();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(SECONDS);
    try {
      while (api < 0 || (management && mgmt < 0)) {
        String line = out.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        if (line == null) {
          throw new AssertionError("spring-orders did not start within " + SECONDS + " s (alive: " + p.isAlive()
              + "); its output: " + seen);
        }
        seen.add(line);
        Matcher m = LISTENING.matcher(line);
        if (m.find()) {
          if (m.group(2).equals("API")) {
            api = Integer.parseInt(m.group(1));
          } else {
            mgmt = Integer.parseInt(m.group(1));
          }
        }
      }
    } catch (Throwable t) {
      stop(p);
      throw t;
    }
    int port = api;
    int managementPort = management ? mgmt : api;
    return new Running() {
      @Override
      public int port() {
        return port;
      }

      @Override
      public int managementPort() {
        return managementPort;
      }

      @Override
      public void close() throws InterruptedException {
        stop(p);
      }
    };
  }

  private static void stop(Process p) throws InterruptedException {
    p.destroy();
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
    }
  }

  @Override
  public Refusal refuse(Map<String, String> env) throws Exception {
    Process p = launch(env);
    lines(p.getInputStream());
    BlockingQueue<String> err = lines(p.getErrorStream());
    if (!p.waitFor(SECONDS, TimeUnit.SECONDS)) {
      stop(p);
      throw new AssertionError("spring-orders started with " + env);
    }
    List<String> message = new ArrayList<>();
    for (String line = err.poll(5, TimeUnit.SECONDS); line != null; line = err.poll(1, TimeUnit.SECONDS)) {
      message.add(line);
    }
    return new Refusal(p.exitValue(), String.join("\n", message));
  }
}
