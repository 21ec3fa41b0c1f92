package dev.zt.netty;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Sends several HTTP/1.1 requests on one keep-alive connection in a single write (pipelining) and reads the
 * answers in order. Answers must carry {@code Content-Length} (zt's and the test applications' all do). Reads are
 * bounded by a 5 s timeout.
 */
final class Pipelined {

  record Answer(int status, Map<String, String> headers, String body) {}

  private Pipelined() {}

  /** A request head (and body) as raw text: {@code "GET /health HTTP/1.1\r\nHost: x\r\n\r\n"}. */
  static String request(String method, String target, String body, String... headers) {
    StringBuilder b = new StringBuilder(method).append(' ').append(target).append(" HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    for (int i = 0; i < headers.length; i += 2) {
      b.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
    }
    if (body != null) {
      b.append("Content-Length: ").append(body.getBytes(StandardCharsets.UTF_8).length).append("\r\n");
    }
    return b.append("\r\n").append(body == null ? "" : body).toString();
  }

  /** Sends {@code requests} in one write and reads {@code answers} answers. */
  static List<Answer> exchange(int port, String requests, int answers) {
    try (Socket socket = new Socket()) {
      socket.setSoTimeout(5000);
      socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5000);
      socket.getOutputStream().write(requests.getBytes(StandardCharsets.ISO_8859_1));
      socket.getOutputStream().flush();
      InputStream in = socket.getInputStream();
      List<Answer> out = new ArrayList<>();
      for (int i = 0; i < answers; i++) {
        out.add(read(in));
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Answer read(InputStream in) throws IOException {
    String status = line(in);
    Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    for (String l = line(in); !l.isEmpty(); l = line(in)) {
      int colon = l.indexOf(':');
      headers.put(l.substring(0, colon).trim(), l.substring(colon + 1).trim());
    }
    int length = Integer.parseInt(headers.getOrDefault("Content-Length", "0"));
    byte[] body = in.readNBytes(length);
    if (body.length < length) {
      throw new EOFException("body cut short");
    }
    return new Answer(Integer.parseInt(status.split(" ")[1]), headers, new String(body, StandardCharsets.UTF_8));
  }

  private static String line(InputStream in) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) != '\n') {
      if (c < 0) {
        throw new EOFException("connection closed after: " + b.toString(StandardCharsets.ISO_8859_1));
      }
      b.write(c);
    }
    return b.toString(StandardCharsets.ISO_8859_1).replace("\r", "");
  }
}
