package dev.zt.core;

import dev.zt.core.internal.pipeline.CoreAccess;
import dev.zt.core.internal.pipeline.RequestState;
import dev.zt.core.policy.Requirement;
import dev.zt.core.policy.Route;
import dev.zt.core.policy.RoutePolicy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The audit log line: whatever a request carries, every value stays inside its quotes and the line stays one line.
 * Checked by parsing the line back with a strict {@code name="value"} reader.
 */
class AuditLineTests {

  private static final Route ROUTE =
      RoutePolicy.builder().get("/orders/{*}", Requirement.allScopes("orders:read")).build().routes().get(0);

  /** Values an attacker controls: a decoded path, a workload ID, a detail. */
  @ParameterizedTest
  @ValueSource(strings = {
      "/orders/x\" reason=\"ALLOWED\" sub=\"admin",
      "/orders/x\" reason=ALLOWED sub=admin",
      "/orders/x\\\" sub=\"admin",
      "/orders/a\nzt decision=\"allow\" sub=\"admin\"",
      "/orders/a\r\nzt decision=allow",
      "/orders/a\u0085zt decision=allow",
      "/orders/a\u2028zt decision=allow",
      "/orders/a\u2029zt decision=allow",
      "/orders/a\u000bb\u000cc\u001b[31m\u007f",
      "/orders/\u202eevil\u200b",
      "/orders/\ud800lonely",
      "/orders/\udc00lonely",
      "/orders/\uE000private",
      "/orders/tab\there",
      "/orders/backslash\\",
      "/orders/\\",
      "/orders/é😀ok",
  })
  void decisionLineWhenValueCarriesQuotesOrLineBreaksThenParsesBackToTheSameFields(String hostile) {
    RequestState ex = exchange(hostile, CoreAccess.callers().workload("spiffe://td/" + hostile));
    ex.note("detail " + hostile);
    Decision deny = new Decision.Deny(DenyReason.INSUFFICIENT_SCOPE, "policy", ROUTE.id(), List.of());

    for (Decision d : List.of(deny, new Decision.Allow(ex.caller(), ROUTE.id()))) {
      String line = Audit.decisionLine(ex, d);

      assertThat(line).as(line).doesNotContain("\n", "\r", "\u0085", "\u2028", "\u2029", "\u202e", "\u000b");
      Map<String, String> fields = parse(line);
      List<String> names = d.allowed()
          ? List.of("decision", "rule", "method", "path", "sub", "client", "workload")
          : List.of("decision", "status", "gate", "reason", "rule", "method", "path", "sub", "client", "workload",
              "detail");
      assertThat(fields.keySet()).containsExactlyElementsOf(names);
      assertThat(fields).containsEntry("path", hostile).containsEntry("workload", "spiffe://td/" + hostile)
          .containsEntry("sub", "-").containsEntry("decision", d.allowed() ? "allow" : "deny");
      if (!d.allowed()) {
        assertThat(fields).containsEntry("reason", "INSUFFICIENT_SCOPE").containsEntry("detail", "detail " + hostile);
      }
    }
  }

  @Test
  void quotedWhenPrintableTextThenKeptAsIs() {
    assertThat(Audit.quoted("GET /orders/é 42 ü 😀 =;,")).isEqualTo("\"GET /orders/é 42 ü 😀 =;,\"");
  }

  @Test
  void quotedWhenControlsAndSeparatorsThenEscaped() {
    assertThat(Audit.quoted("a\"b\\c\nd\re\tf\u0085g\u2028h\u0000i\u202ej"))
        .isEqualTo("\"a\\\"b\\\\c\\nd\\re\\tf\\u0085g\\u2028h\\u0000i\\u202ej\"");
  }

  private static RequestState exchange(String path, Caller caller) {
    RequestContext request = RequestContext.builder("GET", "/orders/1").build();
    RequestState ex = new RequestState(request, path, ROUTE, Optional.empty(), 0L);
    ex.authenticate(caller);
    return ex;
  }

  /**
   * A strict reader of {@code zt name="value" name=123 …}: a prefix word, then fields separated by one space; a value
   * is digits or a quoted string whose only escapes are {@code \" \\ \n \r \t \\uXXXX}; nothing else may appear.
   */
  static Map<String, String> parse(String line) {
    if (!line.startsWith("zt ")) {
      throw new IllegalArgumentException("no prefix: " + line);
    }
    Map<String, String> fields = new LinkedHashMap<>();
    int i = 3;
    while (i < line.length()) {
      int eq = line.indexOf('=', i);
      if (eq < 0) {
        throw new IllegalArgumentException("field without '=' at " + i + ": " + line);
      }
      String name = line.substring(i, eq);
      if (!name.matches("[a-z_]+")) {
        throw new IllegalArgumentException("bad field name '" + name + "': " + line);
      }
      i = eq + 1;
      StringBuilder v = new StringBuilder();
      if (line.charAt(i) == '"') {
        i++;
        while (true) {
          char c = line.charAt(i++);
          if (c == '"') {
            break;
          }
          if (c < 0x20 || c == 0x7f) {
            throw new IllegalArgumentException("raw control character in a value: " + line);
          }
          if (c != '\\') {
            v.append(c);
            continue;
          }
          char e = line.charAt(i++);
          switch (e) {
            case '"', '\\' -> v.append(e);
            case 'n' -> v.append('\n');
            case 'r' -> v.append('\r');
            case 't' -> v.append('\t');
            case 'u' -> {
              v.append((char) Integer.parseInt(line.substring(i, i + 4), 16));
              i += 4;
            }
            default -> throw new IllegalArgumentException("bad escape \\" + e + ": " + line);
          }
        }
      } else {
        while (i < line.length() && Character.isDigit(line.charAt(i))) {
          v.append(line.charAt(i++));
        }
        if (v.length() == 0) {
          throw new IllegalArgumentException("unquoted value is not a number: " + line);
        }
      }
      if (fields.put(name, v.toString()) != null) {
        throw new IllegalArgumentException("field '" + name + "' twice: " + line);
      }
      if (i < line.length()) {
        if (line.charAt(i) != ' ') {
          throw new IllegalArgumentException("text after a value at " + i + ": " + line);
        }
        i++;
      }
    }
    return fields;
  }
}
