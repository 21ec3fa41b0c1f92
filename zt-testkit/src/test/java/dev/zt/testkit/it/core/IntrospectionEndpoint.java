package dev.zt.testkit.it.core;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * An RFC 7662 introspection endpoint on loopback for zt's tests: answers each request with what the test's function
 * says, records every request (headers, form), and can hold its answers until the test releases them (single flight).
 * It also serves discovery metadata naming itself as issuer with its {@code introspection_endpoint}, and the same
 * recorded, scripted answers at {@code /token} ({@link #tokenUri()}), the fake STS of the token-exchange tests.
 */
final class IntrospectionEndpoint implements AutoCloseable {

  /** One answer: status, content type, body. */
  record Answer(int status, String contentType, String body) {
    static Answer json(String body) {
      return new Answer(200, "application/json", body);
    }
  }

  /** One request as received. */
  record Received(Map<String, List<String>> headers, Map<String, String> form) {
    String header(String name) {
      for (Map.Entry<String, List<String>> e : headers.entrySet()) {
        if (e.getKey().equalsIgnoreCase(name)) {
          return e.getValue().get(0);
        }
      }
      return null;
    }
  }

  private final HttpServer server;
  private final ExecutorService executor;
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private volatile Function<Received, Answer> answers = r -> Answer.json("{\"active\":false}");
  private volatile CountDownLatch hold = new CountDownLatch(0);
  private final CountDownLatch firstArrived = new CountDownLatch(1);

  IntrospectionEndpoint() {
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    executor = Executors.newFixedThreadPool(8, r -> {
      Thread t = new Thread(r, "zt-test-introspection");
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(executor);
    server.createContext("/introspect", this::introspect);
    server.createContext("/token", this::introspect);
    server.createContext("/.well-known/openid-configuration", ex -> respond(ex, new Answer(200, "application/json",
        "{\"issuer\":\"" + issuer() + "\",\"jwks_uri\":\"" + issuer() + "/jwks\",\"introspection_endpoint\":\""
            + uri() + "\"}")));
    server.start();
  }

  String issuer() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  URI uri() {
    return URI.create(issuer() + "/introspect");
  }

  /** The same endpoint at {@code /token}: an RFC 8693 token endpoint for the exchange tests. */
  URI tokenUri() {
    return URI.create(issuer() + "/token");
  }

  void answer(Function<Received, Answer> answers) {
    this.answers = answers;
  }

  void answerJson(String body) {
    answer(r -> Answer.json(body));
  }

  /** Answers wait until {@link #release()}. */
  void hold() {
    hold = new CountDownLatch(1);
  }

  void release() {
    hold.countDown();
  }

  boolean awaitFirstRequest() throws InterruptedException {
    return firstArrived.await(10, TimeUnit.SECONDS);
  }

  int calls() {
    return received.size();
  }

  List<Received> received() {
    return received;
  }

  Received last() {
    return received.get(received.size() - 1);
  }

  private void introspect(HttpExchange ex) throws IOException {
    String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.US_ASCII);
    Map<String, String> form = new LinkedHashMap<>();
    for (String pair : body.split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        form.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
    Received r = new Received(Map.copyOf(ex.getRequestHeaders()), form);
    received.add(r);
    firstArrived.countDown();
    try {
      hold.await(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    respond(ex, answers.apply(r));
  }

  private static void respond(HttpExchange ex, Answer a) throws IOException {
    byte[] bytes = a.body().getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", a.contentType());
    ex.getResponseHeaders().set("Cache-Control", "no-cache, no-store");
    ex.sendResponseHeaders(a.status(), bytes.length == 0 ? -1 : bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    hold.countDown();
    server.stop(0);
    executor.shutdownNow();
  }
}
