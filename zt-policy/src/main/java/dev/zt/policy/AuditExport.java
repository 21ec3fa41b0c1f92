package dev.zt.policy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.zt.core.AuditListener;
import dev.zt.core.Caller;
import dev.zt.core.Decision;
import dev.zt.core.RequestContext;
import dev.zt.core.credential.VerifiedJwt;
import dev.zt.core.internal.pipeline.CallerAudit;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit export: every decision as one JSON object per line (JSON Lines), flushed line by line, for a SIEM and for
 * {@code zt diff --replay} ({@link AuditReplay}). The format is documented in docs/audit-export.md. Only an
 * allow-list of request header fields is written ({@link #DEFAULT_HEADERS}, or {@link Builder#headers}); a
 * credential ({@code Authorization}, {@code Proxy-Authorization}, {@code DPoP}) or {@code Cookie} never is. The
 * verified token's claims are written without {@code jti}: they are personal data, so is the file.
 *
 * <p>Give {@link #listener()} to {@code Enforcer.Builder.auditListener(…)} (with a {@link LivePolicy}, in its
 * customizer): the export then also records the verified claims of a request denied after its token was verified.
 *
 * <p>The export never throws into the enforcer: a line that cannot be written (I/O error, a line over
 * {@link #MAX_LINE_CHARS}) is counted in {@link #dropped()} and reported once in the log; an over-long line first
 * loses its headers and claims (marked {@code "truncated": true}) before it is dropped.
 *
 * @since 0.3
 */
public final class AuditExport implements AutoCloseable {

  /** The format version written in every line as {@code "v"}. */
  public static final int VERSION = 1;

  /** The longest line written, in characters; a longer one is truncated, then dropped. */
  public static final int MAX_LINE_CHARS = 16 * 1024;

  /**
   * The request header fields written by default: those a policy can read (trust signals, forwarding, preflight,
   * form detection).
   */
  public static final Set<String> DEFAULT_HEADERS = Set.of("content-type", "user-agent", "origin",
      "access-control-request-method", "x-forwarded-for", "forwarded", "x-device-posture", "x-geo-country");

  /** Never written, whatever the allow-list says: credentials and cookies. */
  static final Set<String> NEVER = Set.of("authorization", "proxy-authorization", "cookie", "set-cookie", "dpop",
      "client-cert", "client-cert-chain");

  private static final Logger LOG = LoggerFactory.getLogger(AuditExport.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Writer out;
  private final Set<String> headers;
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong written = new AtomicLong();
  private volatile boolean warned;

  private AuditExport(Writer out, Set<String> headers) {
    this.out = out;
    this.headers = headers;
  }

  /** A builder: the header allow-list, then the destination. */
  public static Builder builder() {
    return new Builder();
  }

  /** The listener to give {@link dev.zt.core.Enforcer.Builder#auditListener}. */
  public AuditListener listener() {
    return (CallerAudit) this::record;
  }

  /** Lines written. */
  public long written() {
    return written.get();
  }

  /** Decisions that could not be written (I/O errors, lines too long even without headers and claims). */
  public long dropped() {
    return dropped.get();
  }

  /** Flushes and closes the destination. */
  @Override
  public void close() throws IOException {
    synchronized (out) {
      out.close();
    }
  }

  private void record(RequestContext request, Decision decision, String detail, Caller caller) {
    try {
      ObjectNode line = line(request, decision, caller, true);
      String text = JSON.writeValueAsString(line);
      if (text.length() > MAX_LINE_CHARS) {
        line = line(request, decision, caller, false);
        line.put("truncated", true);
        text = JSON.writeValueAsString(line);
      }
      if (text.length() > MAX_LINE_CHARS) {
        drop("a line longer than " + MAX_LINE_CHARS + " characters", null);
        return;
      }
      synchronized (out) {
        out.write(text);
        out.write('\n');
        out.flush();
      }
      written.incrementAndGet();
    } catch (IOException | RuntimeException e) { // never into the enforcer
      drop("the line could not be written", e);
    }
  }

  private void drop(String why, Exception e) {
    dropped.incrementAndGet();
    if (!warned) {
      warned = true;
      LOG.warn("zt audit export: {} (counted in dropped(); reported once)", why, e);
    }
  }

  private ObjectNode line(RequestContext request, Decision decision, Caller caller, boolean full) {
    ObjectNode o = JSON.createObjectNode();
    o.put("v", VERSION);
    o.put("ts", request.arrival().toString());
    o.put("method", request.method());
    o.put("path", request.normalizedPath().orElse(request.rawPath()));
    String query = request.rawQuery();
    if (query != null && !query.isEmpty()) {
      o.put("query", query);
    }
    o.put("credential", request.headers().contains("Authorization"));
    if (full) {
      ObjectNode h = o.putObject("headers");
      for (String name : new TreeSet<>(headers)) {
        List<String> values = request.headers().values(name);
        if (!values.isEmpty()) {
          ArrayNode a = h.putArray(name);
          values.forEach(a::add);
        }
      }
      caller.token().map(VerifiedJwt::claims).ifPresent(claims -> {
        ObjectNode c = o.putObject("claims");
        claims.forEach((name, value) -> {
          if (!name.equals("jti")) {
            c.set(name, JSON.valueToTree(plain(value)));
          }
        });
      });
    }
    caller.workload().ifPresent(w -> o.put("workload", w));
    request.clientAddress().ifPresent(a -> o.put("client", a.getHostAddress()));
    if (decision instanceof Decision.Deny d) {
      o.put("decision", "deny");
      o.put("status", d.status());
      o.put("rule", d.rule());
      o.put("reason", d.reason().name());
      o.put("gate", d.gate());
    } else if (decision instanceof Decision.Answer a) {
      o.put("decision", "answer");
      o.put("status", a.response().status());
      o.put("rule", a.rule());
      o.put("reason", "ANSWERED");
      o.put("gate", "enforcer");
    } else {
      o.put("decision", "allow");
      o.put("status", 200);
      o.put("rule", decision.rule());
      o.put("reason", "ALLOWED");
      o.put("gate", "policy");
    }
    return o;
  }

  /** A claim value as JSON can hold it: dates as NumericDate seconds (RFC 7519 §2). */
  private static Object plain(Object value) {
    if (value instanceof Date d) {
      return d.getTime() / 1000;
    }
    if (value instanceof Instant i) {
      return i.getEpochSecond();
    }
    if (value instanceof Map<?, ?> m) {
      Map<String, Object> copy = new LinkedHashMap<>();
      m.forEach((k, v) -> copy.put(String.valueOf(k), plain(v)));
      return copy;
    }
    if (value instanceof List<?> l) {
      return l.stream().map(AuditExport::plain).toList();
    }
    return value;
  }

  // ------------------------------------------------------------------------------------------------ reading

  /** Reads an export file; a line that is not a record of this format is an error naming its line. */
  public static List<AuditRecord> read(Path file) throws IOException {
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      return read(r, file.toString());
    }
  }

  /** Reads export lines from {@code reader} ({@code name} for errors); blank lines are skipped. */
  public static List<AuditRecord> read(Reader reader, String name) throws IOException {
    BufferedReader in = reader instanceof BufferedReader b ? b : new BufferedReader(reader);
    List<AuditRecord> out = new ArrayList<>();
    String text;
    int n = 0;
    while ((text = in.readLine()) != null) {
      n++;
      if (text.isBlank()) {
        continue;
      }
      if (text.length() > MAX_LINE_CHARS) {
        throw new IOException(name + ":" + n + ": longer than " + MAX_LINE_CHARS + " characters");
      }
      try {
        out.add(parse(JSON.readTree(text)));
      } catch (JsonProcessingException | IllegalArgumentException | NullPointerException e) {
        throw new IOException(name + ":" + n + ": not an audit record: " + e.getMessage()
            .lines().findFirst().orElse(""));
      }
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  private static AuditRecord parse(JsonNode o) {
    if (!o.isObject()) {
      throw new IllegalArgumentException("not a JSON object");
    }
    int v = o.path("v").asInt(-1);
    if (v != VERSION) {
      throw new IllegalArgumentException("format version " + o.path("v") + ", expected " + VERSION);
    }
    Map<String, List<String>> headers = new LinkedHashMap<>();
    Iterator<Map.Entry<String, JsonNode>> fields = o.path("headers").fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> f = fields.next();
      String name = f.getKey().toLowerCase(Locale.ROOT);
      if (NEVER.contains(name)) {
        continue; // never replayed, even from a hand-edited file
      }
      List<String> values = new ArrayList<>();
      f.getValue().forEach(x -> values.add(x.asText()));
      headers.put(name, values);
    }
    Optional<Map<String, Object>> claims = o.has("claims")
        ? Optional.of(JSON.convertValue(o.get("claims"), Map.class)) : Optional.empty();
    return new AuditRecord(Instant.parse(required(o, "ts")), required(o, "method"), required(o, "path"),
        text(o, "query"), headers, o.path("credential").asBoolean(false), claims, text(o, "workload"),
        text(o, "client"), required(o, "decision"), o.path("status").asInt(0), required(o, "rule"),
        required(o, "reason"), text(o, "gate").orElse(""));
  }

  private static String required(JsonNode o, String field) {
    JsonNode n = o.get(field);
    if (n == null || !n.isTextual()) {
      throw new IllegalArgumentException("'" + field + "' missing");
    }
    return n.asText();
  }

  private static Optional<String> text(JsonNode o, String field) {
    JsonNode n = o.get(field);
    return n == null || !n.isTextual() ? Optional.empty() : Optional.of(n.asText());
  }

  /** Set-once builder of an {@link AuditExport}. */
  public static final class Builder {
    private Set<String> headers;

    private Builder() {}

    /**
     * The request header fields to write instead of {@link #DEFAULT_HEADERS}, matched without regard to case.
     *
     * @throws IllegalArgumentException for a credential or cookie field ({@code Authorization}, {@code Cookie},
     *     {@code DPoP}, {@code Proxy-Authorization}, …), which is never written
     */
    public Builder headers(Set<String> names) {
      if (headers != null) {
        throw new IllegalStateException("headers was already set");
      }
      Set<String> lower = new TreeSet<>();
      for (String n : names) {
        String l = n.toLowerCase(Locale.ROOT);
        if (NEVER.contains(l)) {
          throw new IllegalArgumentException(n + " carries a credential or a cookie: it is never exported");
        }
        lower.add(l);
      }
      headers = Set.copyOf(lower);
      return this;
    }

    /** An export to {@code writer} (closed with the export). */
    public AuditExport build(Writer writer) {
      return new AuditExport(Objects.requireNonNull(writer, "writer"), headers == null ? DEFAULT_HEADERS : headers);
    }

    /** An export appended to {@code file} (created when absent), UTF-8. */
    public AuditExport build(Path file) throws IOException {
      return build(Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
          StandardOpenOption.APPEND, StandardOpenOption.WRITE));
    }
  }

}
