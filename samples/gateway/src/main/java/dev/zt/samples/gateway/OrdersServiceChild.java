package dev.zt.samples.gateway;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * orders-service as its built jar in a child {@code java -jar} process (the demo's upstream): started means it logged
 * {@link #READY}, its last start-up line in internal mode, read from its output rather than waited for.
 */
final class OrdersServiceChild implements AutoCloseable {

  /** The line orders-service logs last at start-up when its mTLS listener runs in internal mode. */
  static final String READY = "mTLS listener in internal mode";

  private static final String JAR = "orders-service/target/orders-service.jar";

  private final Process process;
  private final List<String> output = Collections.synchronizedList(new ArrayList<>());

  private OrdersServiceChild(Process process) {
    this.process = process;
  }

  /**
   * orders-service's environment for internal mode on loopback: client tokens of {@code issuer} for {@code audience}
   * on its public port (any free one), its mTLS listener on {@code mtlsPort} with the SVID in {@code cert}/{@code key}
   * and the {@code example.org} bundle in {@code bundle}, taking internal tokens of {@code internalIssuer} from the
   * workload {@code gatewayId} only. Mutable, so a caller can add to it.
   */
  static Map<String, String> internalModeEnvironment(String issuer, String audience, int mtlsPort, Path cert,
      Path key, Path bundle, String internalIssuer, String gatewayId) {
    Map<String, String> env = new HashMap<>();
    env.put("ZT_ISSUER", issuer);
    env.put("ZT_AUDIENCE", audience);
    env.put("ZT_HOST", "127.0.0.1");
    env.put("PORT", "0");
    env.put("ZT_MTLS_PORT", Integer.toString(mtlsPort));
    env.put("ZT_SVID_CERT", cert.toString());
    env.put("ZT_SVID_KEY", key.toString());
    env.put("ZT_TRUST_DOMAIN", "example.org");
    env.put("ZT_X509_BUNDLE", bundle.toString());
    env.put("ZT_INTERNAL_ISSUER", internalIssuer);
    env.put("ZT_GATEWAY_ID", gatewayId);
    return env;
  }

  /**
   * The built orders-service jar: beside the gateway's build output ({@code samples/gateway/target/gateway.jar} or
   * {@code …/target/classes} → {@code samples/orders-service/target/orders-service.jar}), else under the working
   * directory (the repository's root or {@code samples/gateway}).
   */
  static Optional<Path> findJar() {
    List<Path> candidates = new ArrayList<>();
    try {
      Path code = Path.of(Gateway.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      Path target = code.getParent(); // target/ holds gateway.jar and classes/
      if (target != null && target.getParent() != null && target.getParent().getParent() != null) {
        candidates.add(target.getParent().getParent().resolve(JAR));
      }
    } catch (URISyntaxException | RuntimeException e) {
      // no code source: fall back on the working directory
    }
    Path cwd = Path.of("").toAbsolutePath();
    candidates.add(cwd.resolve("samples").resolve(JAR));
    candidates.add(cwd.resolve("..").resolve(JAR));
    return candidates.stream().map(Path::normalize).filter(Files::isRegularFile).findFirst();
  }

  /**
   * Starts the built jar ({@link #findJar()}) with exactly {@code env} as its environment.
   *
   * @throws IOException there is no built jar (the message says how to build it), or as {@link #start(Path, Map)}
   */
  static OrdersServiceChild start(Map<String, String> env) throws IOException {
    Path jar = findJar().orElseThrow(() -> new IOException("no " + JAR + ": build samples/orders-service first"
        + " (mvnw verify -pl samples/orders-service,samples/gateway -am)"));
    return start(jar, env);
  }

  /**
   * Starts {@code jar} with exactly {@code env} as its environment and waits (at most 60 s) for its ready line.
   *
   * @throws IOException the process could not start or ended, or was not ready in time (its output attached)
   */
  static OrdersServiceChild start(Path jar, Map<String, String> env) throws IOException {
    String java = ProcessHandle.current().info().command().orElse("java");
    ProcessBuilder pb = new ProcessBuilder(java, "-Xshare:auto", "-Xmx128m", "-jar", jar.toString())
        .redirectErrorStream(true);
    pb.environment().clear();
    pb.environment().putAll(env);
    OrdersServiceChild child = new OrdersServiceChild(pb.start());
    CompletableFuture<Void> ready = new CompletableFuture<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(
          new InputStreamReader(child.process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = r.readLine()) != null; ) {
          if (child.output.size() < 2000) {
            child.output.add(line);
          }
          if (line.contains(READY)) {
            ready.complete(null);
          }
        }
      } catch (IOException e) {
        // the child ended
      } finally {
        ready.completeExceptionally(new IOException("orders-service ended before it was ready"));
      }
    }, "orders-service-output");
    reader.setDaemon(true);
    reader.start();
    try {
      ready.get(60, TimeUnit.SECONDS);
    } catch (TimeoutException | ExecutionException e) {
      child.close();
      throw new IOException("orders-service did not start (" + e.getMessage() + "):\n  "
          + String.join("\n  ", child.output()));
    } catch (InterruptedException e) {
      child.close();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while orders-service started");
    }
    return child;
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
