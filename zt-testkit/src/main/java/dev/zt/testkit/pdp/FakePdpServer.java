package dev.zt.testkit.pdp;

import dev.zt.core.authz.PdpInput;

import com.nimbusds.jose.util.JSONObjectUtils;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * What {@link FakeOpa} and {@link FakeAuthZen} share: a JDK {@code HttpServer} on a loopback port chosen by the system,
 * a programmable policy, recorded requests and the failure modes a client must survive.
 *
 * @param <S> the concrete fake, for chaining
 */
abstract sealed class FakePdpServer<S extends FakePdpServer<S>> implements AutoCloseable
    permits FakeOpa, FakeAuthZen {

  /** What the next answers are. */
  private sealed interface Mode {}

  private record Policy() implements Mode {}

  private record Fixed(int status, String contentType, byte[] body) implements Mode {}

  private record Hang() implements Mode {}

  private record Result(Object value) implements Mode {}

  private final HttpServer server;
  private final ExecutorService executor;
  private final CountDownLatch closed = new CountDownLatch(1);
  private final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();
  private volatile Mode mode = new Policy();
  private volatile Function<PdpInput, Object> policy;

  FakePdpServer(Function<PdpInput, Object> initial) {
    this.policy = initial;
    this.executor = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, getClass().getSimpleName());
      t.setDaemon(true);
      return t;
    });
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    } catch (IOException e) {
      throw new IllegalStateException("cannot bind a loopback port", e);
    }
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  @SuppressWarnings("unchecked")
  private S self() {
    return (S) this;
  }

  /** The base URL, e.g. {@code http://127.0.0.1:40123}. */
  public URI baseUri() {
    return URI.create("http://" + server.getAddress().getAddress().getHostAddress() + ":"
        + server.getAddress().getPort());
  }

  /**
   * Decides with {@code policy} from now on (the answer is what the function returns: for OPA the {@code result},
   * for AuthZEN the {@code decision}).
   */
  public S policy(Function<PdpInput, Object> policy) {
    this.policy = Objects.requireNonNull(policy, "policy");
    this.mode = new Policy();
    return self();
  }

  /** Allows when {@code allow} holds, denies otherwise. */
  public S allowWhen(Predicate<PdpInput> allow) {
    Objects.requireNonNull(allow, "allow");
    return policy(allow::test);
  }

  /** Answers every request with {@code status} and {@code body} (as {@code application/json}). */
  public S respondWith(int status, String body) {
    return respondWith(status, "application/json", body);
  }

  /** Answers every request with {@code status}, {@code contentType} and {@code body}. */
  public S respondWith(int status, String contentType, String body) {
    this.mode = new Fixed(status, contentType, body.getBytes(StandardCharsets.UTF_8));
    return self();
  }

  /** Never answers (until {@link #close()}): a client's deadline must end the call. */
  public S hang() {
    this.mode = new Hang();
    return self();
  }

  /** Answers {@code 200} with a body that is not JSON. */
  public S malformed() {
    return respondWith(200, "{\"result\": tru");
  }

  /** Answers the decision member as {@code value} for every request (non-boolean values test the client). */
  public S result(Object value) {
    this.mode = new Result(value);
    return self();
  }

  /** Every request received so far, oldest first. */
  public List<RecordedRequest> requests() {
    return List.copyOf(requests);
  }

  /** How many requests were received. */
  public int requestCount() {
    return requests.size();
  }

  /** The last request received. */
  public RecordedRequest lastRequest() {
    if (requests.isEmpty()) {
      throw new IllegalStateException("no request received");
    }
    return requests.get(requests.size() - 1);
  }

  /** Stops the server and releases hung requests. */
  @Override
  public void close() {
    closed.countDown();
    server.stop(0);
    executor.shutdownNow();
  }

  /** The endpoint's answer to a request for {@code path}: status and JSON body, or {@code null} for 404. */
  abstract Answer answer(String path, Map<String, Object> body, Function<PdpInput, Object> policy, Object fixed,
      boolean fixedResult, Map<String, List<String>> responseHeaders, RecordedRequest request);

  /** A status and JSON object body. */
  record Answer(int status, Map<String, Object> body) {}

  static PdpInput input(Object json) {
    if (!(json instanceof Map<?, ?> m)) {
      return PdpInput.of(Map.of());
    }
    @SuppressWarnings("unchecked")
    Map<String, ?> map = (Map<String, ?>) m;
    return PdpInput.of(withoutNulls(map));
  }

  private static Map<String, Object> withoutNulls(Map<String, ?> m) {
    Map<String, Object> out = new LinkedHashMap<>();
    m.forEach((k, v) -> {
      if (v instanceof Map<?, ?> inner) {
        @SuppressWarnings("unchecked")
        Map<String, ?> cast = (Map<String, ?>) inner;
        out.put(k, withoutNulls(cast));
      } else if (v instanceof List<?> l) {
        List<Object> copy = new ArrayList<>();
        l.stream().filter(Objects::nonNull).forEach(copy::add);
        out.put(k, copy);
      } else if (v != null) {
        out.put(k, v);
      }
    });
    return out;
  }

  private void handle(HttpExchange exchange) throws IOException {
    try {
      byte[] in = exchange.getRequestBody().readNBytes(1 << 20);
      String body = new String(in, StandardCharsets.UTF_8);
      Map<String, List<String>> headers = new LinkedHashMap<>();
      exchange.getRequestHeaders().forEach((k, v) -> headers.put(k, List.copyOf(v)));
      RecordedRequest request = new RecordedRequest(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
          Objects.requireNonNullElse(exchange.getRequestURI().getRawQuery(), ""), Collections.unmodifiableMap(headers), body);
      requests.add(request);
      Mode m = mode;
      if (m instanceof Hang) {
        closed.await(5, TimeUnit.MINUTES);
        return;
      }
      if (m instanceof Fixed f) {
        send(exchange, f.status(), f.contentType(), f.body());
        return;
      }
      if (!exchange.getRequestMethod().equals("POST")) {
        send(exchange, 405, "application/json", "\"POST only\"".getBytes(StandardCharsets.UTF_8));
        return;
      }
      Map<String, Object> json;
      try {
        json = JSONObjectUtils.parse(body);
      } catch (java.text.ParseException e) {
        send(exchange, 400, "application/json", "\"request body is not a JSON object\""
            .getBytes(StandardCharsets.UTF_8));
        return;
      }
      Map<String, List<String>> responseHeaders = new LinkedHashMap<>();
      Answer a = answer(request.path(), json, policy, m instanceof Result r ? r.value() : null, m instanceof Result,
          responseHeaders, request);
      if (a == null) {
        send(exchange, 404, "application/json", "\"not found\"".getBytes(StandardCharsets.UTF_8));
        return;
      }
      responseHeaders.forEach((k, v) -> exchange.getResponseHeaders().put(k, v));
      send(exchange, a.status(), "application/json",
          JSONObjectUtils.toJSONString(a.body()).getBytes(StandardCharsets.UTF_8));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      send(exchange, 500, "application/json", "\"fake PDP failed\"".getBytes(StandardCharsets.UTF_8));
    } finally {
      exchange.close();
    }
  }

  private static void send(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", contentType);
    exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }
}
