package dev.zt.testkit.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@link RawHttp} against a one-shot loopback server that records the request and plays a canned response. */
class RawHttpTests {

  /** Accepts one connection, records the request head, answers {@code response} verbatim and closes. */
  private static final class OneShot implements AutoCloseable {
    final ServerSocket socket;
    final CompletableFuture<String> request = new CompletableFuture<>();

    OneShot(String response) throws IOException {
      socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
      Thread t = new Thread(() -> {
        try (Socket s = socket.accept()) {
          s.setSoTimeout(5000);
          request.complete(readHead(s.getInputStream()));
          s.getOutputStream().write(response.getBytes(StandardCharsets.ISO_8859_1));
          s.getOutputStream().flush();
        } catch (IOException e) {
          request.completeExceptionally(e);
        }
      }, "raw-http-one-shot");
      t.setDaemon(true);
      t.start();
    }

    int port() {
      return socket.getLocalPort();
    }

    String request() throws Exception {
      return request.get(5, TimeUnit.SECONDS);
    }

    private static String readHead(InputStream in) throws IOException {
      ByteArrayOutputStream buf = new ByteArrayOutputStream();
      int matched = 0;
      byte[] end = {'\r', '\n', '\r', '\n'};
      while (matched < 4) {
        int b = in.read();
        if (b < 0) {
          break;
        }
        buf.write(b);
        matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
      }
      return buf.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }

  @Test
  void sendWhenTargetAndHeadersAreOddThenTheyGoOutByteForByte() throws Exception {
    try (OneShot server = new OneShot("HTTP/1.1 204 No Content\r\n\r\n")) {
      RawHttp.Response r = new RawHttp(server.port()).get("/docs/..;/admin/%2e%2e//x?a=%zz")
          .header("Authorization", "Bearer a")
          .header("authorization", "Bearer b")
          .send();
      assertThat(r.status()).isEqualTo(204);
      assertThat(server.request()).isEqualTo("GET /docs/..;/admin/%2e%2e//x?a=%zz HTTP/1.1\r\n"
          + "Host: 127.0.0.1:" + server.port() + "\r\n"
          + "Authorization: Bearer a\r\n"
          + "authorization: Bearer b\r\n"
          + "Connection: close\r\n\r\n");
    }
  }

  @Test
  void sendWhenPostWithoutBodyThenContentLengthZero() throws Exception {
    try (OneShot server = new OneShot("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")) {
      new RawHttp(server.port()).post("/orders").send();
      assertThat(server.request()).startsWith("POST /orders HTTP/1.1\r\n").contains("\r\nContent-Length: 0\r\n");
    }
  }

  @Test
  void sendWhenContentLengthThenBodyAndRepeatedHeadersAreKept() throws Exception {
    String response = "HTTP/1.1 401 Unauthorized\r\n"
        + "WWW-Authenticate: Bearer realm=\"a\"\r\n"
        + "www-authenticate: Basic realm=\"b\"\r\n"
        + "Content-Length: 5\r\n\r\n"
        + "hello";
    try (OneShot server = new OneShot(response)) {
      RawHttp.Response r = new RawHttp(server.port()).get("/").send();
      assertThat(r.status()).isEqualTo(401);
      assertThat(r.reason()).isEqualTo("Unauthorized");
      assertThat(r.headers("Www-Authenticate")).containsExactly("Bearer realm=\"a\"", "Basic realm=\"b\"");
      assertThat(r.header("content-length")).contains("5");
      assertThat(r.body()).isEqualTo("hello");
    }
  }

  @Test
  void sendWhenResponseChunkedThenBodyIsReassembled() throws Exception {
    String response = "HTTP/1.1 200 OK\r\n"
        + "Transfer-Encoding: chunked\r\n\r\n"
        + "5;ext=1\r\nroute\r\n"
        + "9\r\n=/orders\n\r\n"
        + "0\r\nTrailer: x\r\n\r\n";
    try (OneShot server = new OneShot(response)) {
      RawHttp.Response r = new RawHttp(server.port()).get("/orders").send();
      assertThat(r.body()).isEqualTo("route=/orders\n");
    }
  }

  @Test
  void sendWhenNoFramingThenBodyRunsToTheEndOfTheConnection() throws Exception {
    try (OneShot server = new OneShot("HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil close")) {
      RawHttp.Response r = new RawHttp(server.port()).get("/").send();
      assertThat(r.body()).isEqualTo("until close");
      assertThat(r.header("Content-Type")).contains("text/plain");
      assertThat(r.header("X-Absent")).isEmpty();
      assertThat(r.headers("X-Absent")).isEmpty();
    }
  }
}
