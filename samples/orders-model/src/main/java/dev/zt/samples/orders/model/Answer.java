package dev.zt.samples.orders.model;

import java.util.Map;
import java.util.Objects;

/**
 * One answer of the orders API, whichever server sends it: status, content type, further header fields (e.g.
 * {@code Location}) and the JSON body. Each sample only translates it into its server's response.
 *
 * @param status the HTTP status
 * @param contentType {@code application/json}, or {@code application/problem+json} (RFC 9457) for a refusal
 * @param headers further header fields
 * @param json the body
 */
public record Answer(int status, String contentType, Map<String, String> headers, String json) {

  /** Checks and copies the fields. */
  public Answer {
    Objects.requireNonNull(contentType, "contentType");
    headers = Map.copyOf(headers);
    Objects.requireNonNull(json, "json");
  }

  /** An {@code application/json} answer without further header fields. */
  public Answer(int status, String json) {
    this(status, "application/json", Map.of(), json);
  }
}
