package dev.zt.redis;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code redis-server} on a free loopback port, without persistence ({@code --save "" --appendonly no}),
 * started for a test: {@link #start} returns once the server printed its ready line, {@link #stop} and
 * {@link #restart} (same port) make an outage. When {@code redis-server} is missing, the project's
 * {@code scripts/redis-server.sh install} is run first (as root it installs the Debian package); if that fails the
 * test fails with the script's message: the zt-redis suite never passes without a server.
 */
public final class RedisServerProcess implements AutoCloseable {

  private static final String READY = "Ready to accept connections";

  private final String binary;
  private final int port;
  private final Path dir;
  private final List<String> extra;
  private final Tls tls;
  private Process process;

  /**
   * The PEM files of a TLS server: its certificate (chain), its private key (PKCS #8) and the CA it would check client
   * certificates against (clients are not asked for one: {@code --tls-auth-clients no}).
   */
  public record Tls(Path certificate, Path privateKey, Path ca) {}

  private RedisServerProcess(String binary, int port, Path dir, List<String> extra, Tls tls) {
    this.binary = binary;
    this.port = port;
    this.dir = dir;
    this.extra = List.copyOf(extra);
    this.tls = tls;
  }

  /** Starts a server on a free port (a few ports are tried if one is taken between the probe and the bind). */
  public static RedisServerProcess start() {
    return start(List.of());
  }

  /** Starts a server with {@code extra} arguments (an ACL user: {@code --user alice on >pw ~* +@all}). */
  public static RedisServerProcess start(List<String> extra) {
    return start(extra, null);
  }

  /**
   * Starts a server that speaks only TLS ({@code --port 0 --tls-port <free>}) with {@code tls}'s certificate and key,
   * and {@code extra} arguments (an ACL user); {@link #uri()} is then {@code rediss://127.0.0.1:<port>}.
   */
  public static RedisServerProcess startTls(Tls tls, List<String> extra) {
    return start(extra, java.util.Objects.requireNonNull(tls, "tls"));
  }

  private static RedisServerProcess start(List<String> extra, Tls tls) {
    String binary = binary();
    Path dir;
    try {
      dir = Files.createTempDirectory("zt-redis");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    IllegalStateException last = null;
    for (int attempt = 0; attempt < 5; attempt++) {
      RedisServerProcess server = new RedisServerProcess(binary, freePort(), dir, extra, tls);
      try {
        server.launch();
        return server;
      } catch (IllegalStateException e) {
        last = e;
      }
    }
    throw last;
  }

  public int port() {
    return port;
  }

  /** {@code redis://127.0.0.1:<port>}, or {@code rediss://…} for a TLS server. */
  public String uri() {
    return (tls == null ? "redis://" : "rediss://") + "127.0.0.1:" + port;
  }

  /** Stops the server (SIGTERM, then SIGKILL) and waits until it is gone. */
  public void stop() {
    if (process == null) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    process = null;
  }

  /** Starts the server again on the same port (empty: nothing persisted). */
  public void restart() {
    stop();
    launch();
  }

  @Override
  public void close() {
    stop();
    try {
      Files.deleteIfExists(dir); // empty: nothing is persisted
    } catch (IOException ignored) {
      // left in the temporary directory
    }
  }

  private void launch() {
    List<String> command = new java.util.ArrayList<>(List.of(binary, "--bind",
        "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no", "--dir", dir.toString(),
        "--loglevel", "notice"));
    if (tls == null) {
      command.addAll(List.of("--port", Integer.toString(port)));
    } else {
      command.addAll(List.of("--port", "0", "--tls-port", Integer.toString(port), "--tls-cert-file",
          tls.certificate().toString(), "--tls-key-file", tls.privateKey().toString(), "--tls-ca-cert-file",
          tls.ca().toString(), "--tls-auth-clients", "no"));
    }
    command.addAll(extra);
    try {
      process = new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + binary, e);
    }
    Process p = process;
    CompletableFuture<Boolean> ready = new CompletableFuture<>();
    Deque<String> tail = new ArrayDeque<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = in.readLine()) != null; ) {
          synchronized (tail) {
            tail.addLast(line);
            if (tail.size() > 20) {
              tail.removeFirst();
            }
          }
          if (line.contains(READY)) {
            ready.complete(true);
          }
        }
      } catch (IOException ignored) {
        // the process ended
      }
      ready.complete(false);
    }, "redis-server-" + port);
    reader.setDaemon(true);
    reader.start();
    boolean up;
    try {
      up = ready.get(20, TimeUnit.SECONDS);
    } catch (Exception e) {
      up = false;
    }
    if (!up) {
      p.destroyForcibly();
      process = null;
      synchronized (tail) {
        throw new IllegalStateException("redis-server on port " + port + " did not get ready:\n"
            + String.join("\n", tail));
      }
    }
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The redis-server binary, installed by the project's script when missing. */
  private static synchronized String binary() {
    Path script = script();
    String out = run(script, "path");
    if (out != null) {
      return out;
    }
    out = run(script, "install");
    if (out == null) {
      throw new IllegalStateException("redis-server is missing and " + script + " install could not install it "
          + "(see its message above); the zt-redis tests need a real Redis 7");
    }
    return out;
  }

  private static String run(Path script, String what) {
    try {
      Process p = new ProcessBuilder("sh", script.toString(), what)
          .redirectError(ProcessBuilder.Redirect.INHERIT).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      return p.waitFor() == 0 && !out.isEmpty() ? out.lines().reduce((a, b) -> b).orElseThrow() : null;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** scripts/redis-server.sh, found from the working directory up (the module's or the project's directory). */
  private static Path script() {
    for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
      Path s = d.resolve("scripts").resolve("redis-server.sh");
      if (Files.isRegularFile(s)) {
        return s;
      }
    }
    throw new IllegalStateException("scripts/redis-server.sh not found above " + Path.of("").toAbsolutePath());
  }
}
