package dev.zt.testkit.conformance;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A deliberately tiny HTTP/1.1 client over a plain {@link Socket} to {@code 127.0.0.1}, for conformance tests that
 * must put bytes on the wire exactly as written: the request-target is sent as given (no normalization, no
 * re-encoding, so {@code /docs/..;/admin} and {@code /orders%2F..} reach the server intact), header fields are sent in
 * order and may repeat, and {@code Connection: close} ends every exchange. The JDK's {@code HttpClient} and
 * {@code URI} normalize or refuse such requests, which is why this exists.
 *
 * <p>Every read and the connect are bounded by {@link #TIMEOUT}. Responses are parsed per RFC 9112: status line,
 * header fields (kept as a case-insensitive multi-map), and a body delimited by {@code Transfer-Encoding: chunked},
 * {@code Content-Length}, or the end of the connection.
 *
 * <pre>{@code
 * RawHttp http = new RawHttp(port);
 * RawHttp.Response r = http.get("/docs/%2e%2e/admin").header("Authorization", "Bearer " + token).send();
 * }</pre>
 *
 * @since 0.1
 */
public final class RawHttp {

  /** The connect and read timeout of every exchange. */
  public static final Duration TIMEOUT = Duration.ofSeconds(5);

  /** The largest response head or body read; a larger one fails the exchange rather than filling the heap. */
  private static final int MAX_RESPONSE_BYTES = 1 << 20;

  private final int port;

  /** A client for the server listening on {@code 127.0.0.1:port}. */
  public RawHttp(int port) {
    if (port <= 0 || port > 65535) {
      throw new IllegalArgumentException("not a TCP port: " + port);
    }
    this.port = port;
  }

  /** The port requests go to. */
  public int port() {
    return port;
  }

  /** Starts a {@code GET} of {@code target}, sent byte for byte as given. */
  public Request get(String target) {
    return request("GET", target);
  }

  /** Starts a {@code POST} of {@code target} (with {@code Content-Length: 0} unless a body is set). */
  public Request post(String target) {
    return request("POST", target);
  }

  /** Starts a request with any method; method and target are sent exactly as given. */
  public Request request(String method, String target) {
    return new Request(method, target);
  }

  /** A request being assembled; {@link #send()} performs it. Not thread-safe, not reusable across threads. */
  public final class Request {
    private final String method;
    private final String target;
    private final List<String[]> headers = new ArrayList<>();
    private boolean hostSet;
    private byte[] body;
    private long declaredLength = -1;

    private Request(String method, String target) {
      this.method = requireLine("method", method);
      this.target = requireLine("target", target);
    }

    /**
     * Adds a header field as written; call again with the same name for a second field. {@code Host} defaults to
     * {@code 127.0.0.1:port}; set it to replace that.
     */
    public Request header(String name, String value) {
      requireLine("header name", name);
      Objects.requireNonNull(value, "value");
      if (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
        throw new IllegalArgumentException("header values must not contain CR or LF");
      }
      if (name.equalsIgnoreCase("Host")) {
        hostSet = true;
      }
      headers.add(new String[] {name, value});
      return this;
    }

    /** Sets a body, sent with its {@code Content-Length}. */
    public Request body(String text) {
      this.body = text.getBytes(StandardCharsets.UTF_8);
      return this;
    }

    /**
     * Declares {@code length} as the {@code Content-Length} whatever the body set: with {@link #open()}, the rest of
     * the body can be sent later, slowly, or never.
     */
    public Request contentLength(long length) {
      if (length < 0) {
        throw new IllegalArgumentException("length must not be negative");
      }
      this.declaredLength = length;
      return this;
    }

    /** Sends the request and reads the whole response. */
    public Response send() {
      return exchange(head(), content(), method.equals("HEAD"));
    }

    /**
     * Sends the request's head and the body set so far, and keeps the connection open: the test sends the rest of
     * the body (or not) and reads the responses itself, e.g. a {@code 100 Continue} and then the final one.
     */
    public Connection open() {
      return new Connection(head(), content());
    }

    private byte[] content() {
      byte[] content = body;
      if (content == null && (method.equals("POST") || method.equals("PUT") || method.equals("PATCH"))) {
        content = new byte[0];
      }
      return content == null ? new byte[0] : content;
    }

    private byte[] head() {
      StringBuilder head = new StringBuilder(256);
      head.append(method).append(' ').append(target).append(" HTTP/1.1\r\n");
      if (!hostSet) {
        head.append("Host: 127.0.0.1:").append(port).append("\r\n");
      }
      for (String[] h : headers) {
        head.append(h[0]).append(": ").append(h[1]).append("\r\n");
      }
      byte[] content = body;
      if (content == null && (method.equals("POST") || method.equals("PUT") || method.equals("PATCH"))) {
        content = new byte[0];
      }
      if (declaredLength >= 0) {
        head.append("Content-Length: ").append(declaredLength).append("\r\n");
      } else if (content != null) {
        head.append("Content-Length: ").append(content.length).append("\r\n");
      }
      head.append("Connection: close\r\n\r\n");
      // ISO-8859-1 maps each char to the one byte it names: the head goes out exactly as written.
      return head.toString().getBytes(StandardCharsets.ISO_8859_1);
    }
  }

  /**
   * A connection kept open after a request's head (see {@link Request#open()}): the test writes more of the body and
   * reads each response as it comes, every read bounded by {@link #TIMEOUT}.
   */
  public final class Connection implements AutoCloseable {
    private final Socket socket;
    private final Input in;

    private Connection(byte[] head, byte[] body) {
      int timeout = (int) TIMEOUT.toMillis();
      socket = new Socket();
      try {
        socket.setSoTimeout(timeout);
        socket.setTcpNoDelay(true);
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), timeout);
        in = new Input(socket.getInputStream());
        OutputStream out = socket.getOutputStream();
        out.write(head);
        out.write(body);
        out.flush();
      } catch (IOException e) {
        close();
        throw new UncheckedIOException("HTTP exchange with 127.0.0.1:" + port + " failed", e);
      }
    }

    /** Sends more bytes of the body, as written (ISO-8859-1). */
    public Connection write(String text) {
      try {
        OutputStream out = socket.getOutputStream();
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        return this;
      } catch (IOException e) {
        throw new UncheckedIOException("writing to 127.0.0.1:" + port + " failed", e);
      }
    }

    /** Reads the next response (a {@code 1xx} too); fails when none arrives within {@link #TIMEOUT}. */
    public Response response() {
      try {
        return read(in, false);
      } catch (IOException e) {
        throw new UncheckedIOException("reading from 127.0.0.1:" + port + " failed", e);
      }
    }

    /** Whether the server closed the connection: the next read sees its end (within {@link #TIMEOUT}). */
    public boolean closedByServer() {
      try {
        return in.next() < 0;
      } catch (IOException e) {
        return e instanceof SocketException; // a reset is a close too; a timeout is not
      }
    }

    @Override
    public void close() {
      try {
        socket.close();
      } catch (IOException ignored) {
        // closing a test socket
      }
    }
  }

  private Response exchange(byte[] head, byte[] body, boolean headRequest) {
    int timeout = (int) TIMEOUT.toMillis();
    try (Socket socket = new Socket()) {
      socket.setSoTimeout(timeout);
      socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), timeout);
      OutputStream out = socket.getOutputStream();
      try {
        out.write(head);
        out.write(body);
        out.flush();
      } catch (SocketException e) {
        // The server may answer (e.g. 431) and close before reading everything sent: read what it said.
      }
      return read(new Input(socket.getInputStream()), headRequest);
    } catch (IOException e) {
      throw new UncheckedIOException("HTTP exchange with 127.0.0.1:" + port + " failed", e);
    }
  }

  /** Reads one response; the answer to a {@code HEAD} request has no content whatever its fields say. */
  private static Response read(Input in, boolean headRequest) throws IOException {
    String statusLine = in.line();
    while (statusLine.isEmpty()) {
      statusLine = in.line(); // tolerate a stray CRLF before the status line (RFC 9112 §2.2)
    }
    String[] parts = statusLine.split(" ", 3);
    if (parts.length < 2 || !parts[0].startsWith("HTTP/1.") || parts[1].length() != 3) {
      throw new IOException("not an HTTP/1.x status line: " + statusLine);
    }
    int status;
    try {
      status = Integer.parseInt(parts[1]);
    } catch (NumberFormatException e) {
      throw new IOException("bad status code: " + statusLine, e);
    }
    String reason = parts.length == 3 ? parts[2] : "";
    TreeMap<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    for (String line = in.line(); !line.isEmpty(); line = in.line()) {
      int colon = line.indexOf(':');
      if (colon <= 0) {
        throw new IOException("malformed header field: " + line);
      }
      headers.computeIfAbsent(line.substring(0, colon).trim(), k -> new ArrayList<>())
          .add(line.substring(colon + 1).trim());
    }
    byte[] body;
    List<String> te = headers.getOrDefault("Transfer-Encoding", List.of());
    List<String> cl = headers.getOrDefault("Content-Length", List.of());
    if (headRequest || status / 100 == 1 || status == 204 || status == 304) {
      body = new byte[0];
    } else if (te.stream().anyMatch(v -> v.toLowerCase(java.util.Locale.ROOT).contains("chunked"))) {
      body = in.chunked();
    } else if (!cl.isEmpty()) {
      long length;
      try {
        length = Long.parseLong(cl.get(0));
      } catch (NumberFormatException e) {
        throw new IOException("bad Content-Length: " + cl, e);
      }
      if (length < 0 || length > MAX_RESPONSE_BYTES) {
        throw new IOException("unacceptable Content-Length: " + length);
      }
      body = in.exactly((int) length);
    } else {
      body = in.toEnd();
    }
    Map<String, List<String>> frozen = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    headers.forEach((k, v) -> frozen.put(k, List.copyOf(v)));
    return new Response(status, reason, Collections.unmodifiableMap(frozen), new String(body, StandardCharsets.UTF_8));
  }

  private static String requireLine(String what, String s) {
    Objects.requireNonNull(s, what);
    if (s.isEmpty() || s.indexOf('\r') >= 0 || s.indexOf('\n') >= 0 || s.indexOf(' ') >= 0) {
      throw new IllegalArgumentException(what + " must be non-empty, without spaces, CR or LF");
    }
    return s;
  }

  /**
   * A response as received.
   *
   * @param status the status code
   * @param reason the reason phrase (may be empty)
   * @param headers the header fields by case-insensitive name, each with its values in order
   * @param body the body, decoded as UTF-8 (chunked framing removed)
   */
  public record Response(int status, String reason, Map<String, List<String>> headers, String body) {

    /** The first value of header {@code name}, if present. */
    public Optional<String> header(String name) {
      List<String> values = headers.get(name);
      return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }

    /** Every value received for header {@code name}, in order; empty when absent. */
    public List<String> headers(String name) {
      return headers.getOrDefault(name, List.of());
    }

    @Override
    public String toString() {
      // bodies here are test fixtures' answers, never secrets; headers are listed by name only
      return "Response[" + status + " " + reason + ", headers=" + headers.keySet() + ", body=" + body + "]";
    }
  }

  /** Byte-level reading with a bound on everything read. */
  private static final class Input {
    private final InputStream in;
    private int total;

    Input(InputStream in) {
      this.in = new java.io.BufferedInputStream(in);
    }

    private int next() throws IOException {
      int b = in.read();
      if (b >= 0 && ++total > MAX_RESPONSE_BYTES) {
        throw new IOException("response larger than " + MAX_RESPONSE_BYTES + " bytes");
      }
      return b;
    }

    /** A line without its CRLF (a bare LF is tolerated), as ISO-8859-1. */
    String line() throws IOException {
      ByteArrayOutputStream buf = new ByteArrayOutputStream(64);
      for (int b = next(); b != '\n'; b = next()) {
        if (b < 0) {
          throw new EOFException("connection closed mid-line");
        }
        buf.write(b);
      }
      byte[] bytes = buf.toByteArray();
      int n = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
      return new String(bytes, 0, n, StandardCharsets.ISO_8859_1);
    }

    byte[] exactly(int n) throws IOException {
      byte[] out = new byte[n];
      for (int i = 0; i < n; i++) {
        int b = next();
        if (b < 0) {
          throw new EOFException("connection closed after " + i + " of " + n + " body bytes");
        }
        out[i] = (byte) b;
      }
      return out;
    }

    byte[] toEnd() throws IOException {
      ByteArrayOutputStream buf = new ByteArrayOutputStream();
      try {
        for (int b = next(); b >= 0; b = next()) {
          buf.write(b);
        }
      } catch (SocketException e) {
        // a reset after the response was sent ends the body as surely as a close does
      }
      return buf.toByteArray();
    }

    byte[] chunked() throws IOException {
      ByteArrayOutputStream buf = new ByteArrayOutputStream();
      while (true) {
        String sizeLine = line();
        int semi = sizeLine.indexOf(';');
        String hex = (semi >= 0 ? sizeLine.substring(0, semi) : sizeLine).trim();
        int size;
        try {
          size = Integer.parseInt(hex, 16);
        } catch (NumberFormatException e) {
          throw new IOException("bad chunk size: " + sizeLine, e);
        }
        if (size < 0 || size > MAX_RESPONSE_BYTES) {
          throw new IOException("unacceptable chunk size: " + size);
        }
        if (size == 0) {
          while (!line().isEmpty()) {
            // trailer fields are read and dropped
          }
          return buf.toByteArray();
        }
        buf.write(exactly(size));
        if (!line().isEmpty()) {
          throw new IOException("chunk not followed by CRLF");
        }
      }
    }
  }
}
