package dev.zt.policy;

import dev.zt.core.Decision;
import dev.zt.core.RequestContext;
import dev.zt.core.RequestHeaders;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/** Requests and decisions for zt-policy's tests, on {@link RequestContext#builder} alone. */
final class Requests {

  private Requests() {}

  /** {@code GET path} arriving at the clock's instant, from {@code headers} (name, value, name, value …). */
  static RequestContext.Builder get(String path, Clock clock, String... headers) {
    Map<String, List<String>> h = new LinkedHashMap<>();
    for (int i = 0; i < headers.length; i += 2) {
      h.put(headers[i], List.of(headers[i + 1]));
    }
    return RequestContext.builder("GET", path).headers(RequestHeaders.of(h)).arrival(clock.instant());
  }

  /** An IP literal (never looked up). */
  static InetAddress ip(String literal) {
    try {
      return InetAddress.getByName(literal);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(literal, e);
    }
  }

  /** The decision, waited for (bounded). */
  static Decision decided(CompletionStage<Decision> stage) {
    try {
      return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("no decision: " + e, e);
    }
  }
}
