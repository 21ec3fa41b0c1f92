package dev.zt.testkit.pdp;

import com.nimbusds.jose.util.JSONObjectUtils;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One request a fake PDP received.
 *
 * @param method the HTTP method
 * @param path the path
 * @param query the raw query, empty when there was none
 * @param headers the headers as received (names as the server saw them)
 * @param body the body as text
 * @since 0.3
 */
public record RecordedRequest(String method, String path, String query, Map<String, List<String>> headers,
    String body) {

  /** The first value of header {@code name} (case-insensitive), or empty. */
  public Optional<String> header(String name) {
    return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
        .map(e -> e.getValue().get(0)).findFirst();
  }

  /** The body parsed as a JSON object. */
  public Map<String, Object> json() {
    try {
      return JSONObjectUtils.parse(body);
    } catch (java.text.ParseException e) {
      throw new IllegalStateException("request body is not a JSON object: " + body, e);
    }
  }
}
