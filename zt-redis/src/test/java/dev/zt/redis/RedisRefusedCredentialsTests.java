package dev.zt.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lettuce.core.RedisException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * Refused credentials always fail the start, also when Lettuce reports the refused handshake as a closed connection
 * (a race in its handshake handler, about 1 start in 250 against a real Redis); an outage still starts degraded.
 */
class RedisRefusedCredentialsTests {

  private static final String WRONGPASS = "WRONGPASS invalid username-password pair or user is disabled.";

  @Test
  void buildWhenHandshakeClosesAndRedisRefusesThePasswordThenThrows() throws Exception {
    try (ClosingRedis redis = new ClosingRedis("-" + WRONGPASS)) {
      assertThatThrownBy(() -> RedisState.builder("redis://:wrong-pw@127.0.0.1:" + redis.port()).build())
          .isInstanceOf(RedisException.class).hasMessageContaining("refused the credentials")
          .hasRootCauseMessage(WRONGPASS)
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain("wrong-pw"));
      assertThat(redis.commands()).contains("AUTH wrong-pw");
    }
  }

  @Test
  void buildWhenHandshakeClosesAndRedisRefusesTheAclUserThenThrows() throws Exception {
    try (ClosingRedis redis = new ClosingRedis("-" + WRONGPASS)) {
      assertThatThrownBy(() -> RedisState.builder("redis://nobody:pw@127.0.0.1:" + redis.port()).build())
          .isInstanceOf(RedisException.class).hasRootCauseMessage(WRONGPASS);
      assertThat(redis.commands()).contains("AUTH nobody pw");
    }
  }

  @Test
  void buildWhenHandshakeClosesAndRedisWantsAPasswordNoneGivenThenThrows() throws Exception {
    try (ClosingRedis redis = new ClosingRedis("-" + WRONGPASS)) {
      assertThatThrownBy(() -> RedisState.builder("redis://127.0.0.1:" + redis.port()).build())
          .isInstanceOf(RedisException.class).hasRootCauseMessage("NOAUTH Authentication required.");
      assertThat(redis.commands()).contains("PING");
    }
  }

  @Test
  void buildWhenHandshakeClosesButRedisTakesTheCredentialsThenStartsDegraded() throws Exception {
    try (ClosingRedis redis = new ClosingRedis("+OK");
        RedisState state = RedisState.builder("redis://:right-pw@127.0.0.1:" + redis.port()).build()) {
      assertThat(state.degraded()).isTrue(); // a connection that closes is an outage, not a configuration error
      assertThat(redis.commands()).contains("AUTH right-pw");
    }
  }

  @Test
  void buildWhenHandshakeClosesAndRedisIsLoadingThenStartsDegraded() throws Exception {
    try (ClosingRedis redis = new ClosingRedis("-LOADING Redis is loading the dataset in memory");
        RedisState state = RedisState.builder("redis://:pw@127.0.0.1:" + redis.port()).build()) {
      assertThat(state.degraded()).isTrue();
    }
  }

  @Test
  void buildWhenCredentialsGivenAndRedisDownThenStartsDegradedWithoutWaiting() {
    try (RedisServerProcess server = RedisServerProcess.start(List.of("--requirepass", "right-pw"))) {
      server.stop();
      long start = System.nanoTime();
      try (RedisState state = RedisState.builder("redis://:wrong-pw@127.0.0.1:" + server.port()).build()) {
        assertThat(state.degraded()).isTrue();
      }
      assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(2000);
    }
  }

  /** Against a real Redis the race shows about once in 250 starts; before the probe this loop failed now and then. */
  @Test
  void buildWhenPasswordWrongThenThrowsEveryTime() {
    try (RedisServerProcess server = RedisServerProcess.start(List.of("--requirepass", "right-pw"))) {
      String wrong = "redis://:wrong-pw@127.0.0.1:" + server.port();
      for (int i = 0; i < 200; i++) {
        assertThatThrownBy(() -> RedisState.builder(wrong).build()).as("start %d", i)
            .isInstanceOf(RedisException.class).hasRootCauseMessage(WRONGPASS);
      }
      try (RedisState state = RedisState.builder("redis://:right-pw@127.0.0.1:" + server.port()).build()) {
        assertThat(state.degraded()).isFalse();
      }
    }
  }

  /**
   * A Redis as Lettuce sees it when its handshake race strikes: the handshake ({@code HELLO}) ends in a closed
   * connection; on a connection without credentials {@code AUTH} gets {@code authReply}, {@code PING} and the rest
   * {@code NOAUTH}.
   */
  private static final class ClosingRedis implements AutoCloseable {
    private final ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    private final String authReply;
    private final List<String> commands = new ArrayList<>();

    ClosingRedis(String authReply) throws IOException {
      this.authReply = authReply;
      Thread acceptor = new Thread(this::accept, "closing-redis");
      acceptor.setDaemon(true);
      acceptor.start();
    }

    int port() {
      return socket.getLocalPort();
    }

    List<String> commands() {
      synchronized (commands) {
        return List.copyOf(commands);
      }
    }

    private void accept() {
      while (!socket.isClosed()) {
        try {
          Socket s = socket.accept();
          Thread t = new Thread(() -> serve(s), "closing-redis-connection");
          t.setDaemon(true);
          t.start();
        } catch (IOException closed) {
          return;
        }
      }
    }

    private void serve(Socket s) {
      try (s; InputStream in = new BufferedInputStream(s.getInputStream()); OutputStream out = s.getOutputStream()) {
        for (List<String> command; (command = read(in)) != null; ) {
          synchronized (commands) {
            commands.add(String.join(" ", command));
          }
          String name = command.get(0).toUpperCase(Locale.ROOT);
          if (name.equals("HELLO")) {
            return; // closed without an answer
          }
          String reply = name.equals("AUTH") ? authReply : "-NOAUTH Authentication required.";
          out.write((reply + "\r\n").getBytes(StandardCharsets.UTF_8));
          out.flush();
        }
      } catch (IOException gone) {
        // the client went away
      }
    }

    /** One RESP array of bulk strings, or null at the end of the stream. */
    private static List<String> read(InputStream in) throws IOException {
      String header = line(in);
      if (header == null) {
        return null;
      }
      int n = Integer.parseInt(header.substring(1));
      List<String> parts = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        int length = Integer.parseInt(line(in).substring(1));
        parts.add(new String(in.readNBytes(length), StandardCharsets.UTF_8));
        line(in); // CRLF
      }
      return parts;
    }

    private static String line(InputStream in) throws IOException {
      StringBuilder b = new StringBuilder();
      for (int c; (c = in.read()) != -1; ) {
        if (c == '\n') {
          return b.toString().stripTrailing();
        }
        b.append((char) c);
      }
      return null;
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }
}
