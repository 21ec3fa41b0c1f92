package dev.zt.core.authz;

import dev.zt.core.internal.BoundedBody;
import dev.zt.core.internal.Encodings;
import dev.zt.core.internal.Loopback;
import dev.zt.core.internal.Redaction;
import dev.zt.core.internal.StrictJson;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * What the OPA and AuthZEN clients share: the checks on a base URL and on extra headers, the one asynchronous POST
 * with a deadline and a bounded answer, and the strict reading of a JSON object answer. A failure of any kind is an
 * {@link Failure} whose message is for operators; the clients turn it into {@link PdpDecision.Unavailable}.
 */
final class PdpHttp {

  /** The largest answer read; a larger one is refused (a PDP answer is a few hundred bytes). */
  static final int MAX_ANSWER_BYTES = 64 * 1024;
  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(2);
  static final Duration MAX_TIMEOUT = Duration.ofMinutes(1);
  static final Duration DEFAULT_RETRY_AFTER = Duration.ofSeconds(5);
  static final Duration MAX_RETRY_AFTER = Duration.ofHours(1);
  static final String JSON = "application/json";

  /** Headers a caller may not set: the client sets them, or java.net.http refuses them. */
  private static final Set<String> RESERVED_HEADERS = Set.of("content-type", "content-length", "host", "connection",
      "expect", "upgrade", "transfer-encoding", "te", "trailer", "keep-alive", "proxy-connection", "date", "from",
      "origin", "referer", "via", "warning", "x-request-id", "accept");

  private PdpHttp() {}

  /** A call that gave no usable answer. */
  static final class Failure extends Exception {
    private static final long serialVersionUID = 1L;

    Failure(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * The set-once options both clients' builders share (deadline, Retry-After, HTTP client, extra headers, plain
   * http); each builder delegates its setters here and reads the values, defaults applied, when it builds.
   */
  static final class Settings {
    private boolean plainHttp;
    private Duration timeout;
    private Duration retryAfter;
    private HttpClient client;
    private final Map<String, String> headers = new LinkedHashMap<>();

    void timeout(Duration timeout) {
      if (this.timeout != null) {
        throw new IllegalStateException("timeout already set to " + this.timeout);
      }
      this.timeout = checkTimeout(timeout);
    }

    void retryAfter(Duration retryAfter) {
      if (this.retryAfter != null) {
        throw new IllegalStateException("retryAfter already set to " + this.retryAfter);
      }
      this.retryAfter = checkRetryAfter(retryAfter);
    }

    void httpClient(HttpClient client) {
      java.util.Objects.requireNonNull(client, "client");
      if (this.client != null) {
        throw new IllegalStateException("httpClient already set");
      }
      this.client = client;
    }

    void header(String name, String value) {
      checkHeader(name, value);
      if (headers.keySet().stream().anyMatch(n -> n.equalsIgnoreCase(name))) {
        throw new IllegalStateException("header " + name + " already set");
      }
      headers.put(name, value);
    }

    void allowPlainHttp() {
      if (plainHttp) {
        throw new IllegalStateException("allowPlainHttp already set");
      }
      plainHttp = true;
    }

    boolean plainHttp() {
      return plainHttp;
    }

    /** The deadline, {@link #DEFAULT_TIMEOUT} when not set. */
    Duration timeout() {
      return timeout == null ? DEFAULT_TIMEOUT : timeout;
    }

    /** The Retry-After, {@link #DEFAULT_RETRY_AFTER} when not set. */
    Duration retryAfter() {
      return retryAfter == null ? DEFAULT_RETRY_AFTER : retryAfter;
    }

    /** The client set, or a {@link #defaultClient(Duration)} with the deadline as connect timeout. */
    HttpClient client() {
      return client == null ? defaultClient(timeout()) : client;
    }

    /** An unmodifiable copy of the headers, in the order set. */
    Map<String, String> headers() {
      return copyHeaders(headers);
    }
  }

  /** A successful (200, JSON object) answer: its members and its headers. */
  record Answer(Map<String, Object> members, java.net.http.HttpHeaders headers) {}

  /**
   * The base URL checked and without trailing slashes: http or https, a host, no user info, query or fragment; plain
   * http only to a loopback host unless {@code allowPlainHttp}.
   */
  static String base(String what, URI base, boolean allowPlainHttp) {
    java.util.Objects.requireNonNull(base, what + " base URL");
    String scheme = base.getScheme() == null ? "" : base.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new IllegalArgumentException(what + " base URL must be http or https: " + base);
    }
    if (base.getHost() == null || base.isOpaque()) {
      throw new IllegalArgumentException(what + " base URL must be absolute with a host: " + base);
    }
    if (base.getRawUserInfo() != null) {
      throw new IllegalArgumentException(what + " base URL must not carry user info (use header(...) for "
          + "credentials): " + base.getScheme() + "://" + base.getHost());
    }
    if (base.getRawQuery() != null || base.getRawFragment() != null) {
      throw new IllegalArgumentException(what + " base URL must have no query or fragment: " + base);
    }
    if (scheme.equals("http") && !allowPlainHttp && !Loopback.isLoopback(base.getHost())) {
      throw new IllegalStateException(what + " base URL must use https (plain http only to a loopback host, or "
          + "with allowPlainHttp()): " + base);
    }
    String s = base.toString();
    int end = s.length();
    while (end > 0 && s.charAt(end - 1) == '/') {
      end--;
    }
    return s.substring(0, end);
  }

  /** A header name (an RFC 9110 token, not one the client sets) and a value without control characters. */
  static void checkHeader(String name, String value) {
    java.util.Objects.requireNonNull(name, "header name");
    java.util.Objects.requireNonNull(value, "header value");
    if (name.isEmpty() || !name.chars().allMatch(PdpHttp::tokenChar)) {
      throw new IllegalArgumentException("not a header name: " + Encodings.printableAscii(name, 60, ""));
    }
    if (RESERVED_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
      throw new IllegalArgumentException("header " + name + " is set by the client, not by configuration");
    }
    if (!value.chars().allMatch(c -> c == '\t' || (c >= 0x20 && c != 0x7f && c <= 0xff))) {
      throw new IllegalArgumentException("header " + name + ": value has control or non-Latin-1 characters");
    }
  }

  private static boolean tokenChar(int c) {
    return c > 0x20 && c < 0x7f && "()<>@,;:\\\"/[]?={}".indexOf(c) < 0;
  }

  static Duration checkTimeout(Duration timeout) {
    java.util.Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero() || timeout.compareTo(MAX_TIMEOUT) > 0) {
      throw new IllegalArgumentException("timeout must be > 0 and ≤ " + MAX_TIMEOUT + ": " + timeout);
    }
    return timeout;
  }

  static Duration checkRetryAfter(Duration retryAfter) {
    java.util.Objects.requireNonNull(retryAfter, "retryAfter");
    if (retryAfter.compareTo(Duration.ofSeconds(1)) < 0 || retryAfter.compareTo(MAX_RETRY_AFTER) > 0) {
      throw new IllegalArgumentException("retryAfter must be between 1 s and " + MAX_RETRY_AFTER + ": "
          + retryAfter);
    }
    return retryAfter;
  }

  /** The client used when none is given: HTTP/1.1, no redirects, the connect timeout = the call's deadline. */
  static HttpClient defaultClient(Duration timeout) {
    return HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .followRedirects(HttpClient.Redirect.NEVER)
        .connectTimeout(timeout)
        .build();
  }

  /** Header values for toString: names kept, values redacted. */
  static String redacted(Map<String, String> headers) {
    List<String> out = new ArrayList<>();
    headers.keySet().forEach(n -> out.add(n + ": " + Redaction.REDACTED));
    return out.toString();
  }

  static Map<String, String> copyHeaders(Map<String, String> headers) {
    return Collections.unmodifiableMap(new LinkedHashMap<>(headers));
  }

  /**
   * POSTs {@code json} to {@code uri} and reads a 200 JSON object answer of at most {@link #MAX_ANSWER_BYTES},
   * all within {@code timeout}. Never throws: a failure of any kind completes the stage exceptionally with a
   * {@link Failure} (unwrapped by {@link #failure(Throwable, String, Duration)}).
   */
  static CompletableFuture<Answer> post(HttpClient client, URI uri, Map<String, String> headers, String json,
      Duration timeout) {
    CompletableFuture<Answer> call;
    try {
      HttpRequest.Builder b = HttpRequest.newBuilder(uri)
          .timeout(timeout)
          .header("Content-Type", JSON)
          .header("Accept", JSON);
      headers.forEach(b::header);
      call = client.sendAsync(b.POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8)).build(),
              ignored -> new BoundedBody(MAX_ANSWER_BYTES,
                  () -> new Failure("answer larger than " + MAX_ANSWER_BYTES + " bytes")))
          .thenApply(PdpHttp::read);
    } catch (RuntimeException e) {
      call = CompletableFuture.failedFuture(e);
    }
    // the deadline covers connect, headers and body: HttpRequest.timeout alone ends at the headers
    return call.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  private static Answer read(HttpResponse<byte[]> response) {
    int status = response.statusCode();
    if (status != 200) {
      throw new CompletionException(new Failure("answered " + status));
    }
    // no Content-Type is tolerated (the body must still be JSON); a declared other type is not an answer
    String type = response.headers().firstValue("Content-Type").orElse(JSON);
    int semi = type.indexOf(';');
    String media = (semi < 0 ? type : type.substring(0, semi)).strip().toLowerCase(Locale.ROOT);
    if (!media.equals(JSON)) {
      throw new CompletionException(new Failure("answer is " + Encodings.printableAscii(media, 60, "")
          + ", not application/json"));
    }
    Map<String, Object> members = StrictJson.object(response.body());
    if (members == null) {
      throw new CompletionException(new Failure("answer is not a JSON object (malformed, duplicate members, "
          + "too deep, or not UTF-8)"));
    }
    return new Answer(members, response.headers());
  }

  /** What went wrong, for operators: the call's {@link Failure}, a timeout, or the I/O error's class and message. */
  static String failure(Throwable error, String where, Duration timeout) {
    Throwable cause = error;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
      cause = cause.getCause();
    }
    if (cause instanceof Failure f) {
      return where + ": " + f.getMessage();
    }
    if (cause instanceof TimeoutException || cause instanceof java.net.http.HttpTimeoutException) {
      return where + ": no answer within " + timeout.toMillis() + " ms";
    }
    String message = cause.getMessage();
    return where + ": " + cause.getClass().getSimpleName()
        + (message == null ? "" : ": " + Encodings.printableAscii(message, 200, ""));
  }

  /**
   * A policy revision as the cache compares it: the text itself when it is short printable ASCII, else
   * {@code sha256:} and the hex digest of its UTF-8 bytes. Never truncated or replaced character by character: two
   * revisions that differ anywhere stay different.
   */
  static String revision(String r) {
    if (r.length() <= 200 && r.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
      return r;
    }
    try {
      byte[] d = java.security.MessageDigest.getInstance("SHA-256").digest(r.getBytes(StandardCharsets.UTF_8));
      return "sha256:" + java.util.HexFormat.of().formatHex(d);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A short printable excerpt of a PDP-supplied string for the audit log. */
  static String printable(String s) {
    return Encodings.printableAscii(s, 200, "");
  }
}
