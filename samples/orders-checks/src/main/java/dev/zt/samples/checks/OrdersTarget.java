package dev.zt.samples.checks;

import java.net.URI;
import java.util.Map;

/**
 * An orders API under test, as its operator starts it: from environment variables alone ({@code ZT_ISSUER},
 * {@code ZT_AUDIENCE}, {@code PORT}, …). orders-service on Jetty or Netty and spring-orders on Spring Boot each give
 * one, in-process or as a process of their built jar; the check classes of this package run against any of them and
 * see only HTTP answers, exit statuses and messages.
 */
public interface OrdersTarget {

  /**
   * Starts the service with {@code env} as its whole environment ({@code PORT=0}: any free port) and returns once it
   * answers. The caller closes it.
   */
  Running start(Map<String, String> env) throws Exception;

  /**
   * Starts the service with an environment it must refuse, and returns how it refused: the exit status and the
   * message its {@code main} prints. Fails the check if the service started.
   */
  Refusal refuse(Map<String, String> env) throws Exception;

  /** A started service. */
  interface Running extends AutoCloseable {

    /** The port of its API listener. */
    int port();

    /** {@code path} (with its query) on the API listener, over loopback. */
    default URI uri(String path) {
      return URI.create("http://127.0.0.1:" + port() + path);
    }

    /** The port of the actuator's management listener, when the service has one apart; else {@link #port()}. */
    default int managementPort() {
      return port();
    }

    @Override
    void close() throws Exception;
  }

  /**
   * How a start was refused: the process exit status ({@code main}'s, or the one it maps the refusal to in-process)
   * and the message, without the service's name in front.
   */
  record Refusal(int status, String message) {}
}
