package dev.zt.testkit.conformance;

import java.util.Objects;

/**
 * A running server under test: the loopback port it listens on and how to stop it. Returned by
 * {@link AdapterConformanceSuite#start(dev.zt.core.Enforcer)}.
 *
 * @param port the TCP port on {@code 127.0.0.1}
 * @param stop stops the server and releases its resources
 * @since 0.1
 */
public record ServerHandle(int port, Stopper stop) implements AutoCloseable {

  /** How a server is stopped. */
  @FunctionalInterface
  public interface Stopper {
    void stop() throws Exception;
  }

  public ServerHandle {
    if (port <= 0 || port > 65535) {
      throw new IllegalArgumentException("not a TCP port: " + port);
    }
    Objects.requireNonNull(stop, "stop");
  }

  /** Stops the server; a failure to stop is reported as an {@link IllegalStateException}. */
  @Override
  public void close() {
    try {
      stop.stop();
    } catch (Exception e) {
      throw new IllegalStateException("the server on port " + port + " did not stop cleanly", e);
    }
  }
}
