package dev.zt.core;

import dev.zt.core.detect.SqlInjectionDetector;
import dev.zt.core.detect.Verdict;
import java.util.List;
import java.util.Optional;

/**
 * Inspects the request for attacks (SQL injection in query parameters, raw path segments and selected headers) after
 * the caller is known, so a verdict can be held against the credential. A verdict refuses the request (403) and
 * goes to the response engine.
 */
final class InspectionGate implements Gate {

  static final String NAME = "inspection";
  private final SqlInjectionDetector sqli = SqlInjectionDetector.create();
  private final List<String> headers;
  private final Responses responses;

  InspectionGate(Detection detection, Responses responses) {
    this.headers = detection.inspectedHeaders();
    this.responses = responses;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Step evaluate(Exchange exchange) {
    Optional<Verdict> verdict = inspect(exchange.request());
    if (verdict.isEmpty()) {
      return Step.proceed();
    }
    exchange.note(verdict.get().rule() + ": " + verdict.get().evidence());
    responses.onVerdict(verdict.get(), exchange.identity(), exchange.caller().token(), exchange.clientAddress());
    return Step.deny(DenyReason.ATTACK_DETECTED);
  }

  private Optional<Verdict> inspect(RequestContext request) {
    String query = request.rawQuery();
    if (!query.isEmpty()) {
      for (String pair : query.split("&")) {
        int eq = pair.indexOf('=');
        String name = eq < 0 ? pair : pair.substring(0, eq);
        String value = eq < 0 ? "" : pair.substring(eq + 1);
        Optional<Verdict> v = sqli.inspectQueryValue("query:" + printable(name), value);
        if (v.isEmpty() && !name.isEmpty()) {
          v = sqli.inspectQueryValue("query:" + printable(name), name);
        }
        if (v.isPresent()) {
          return v;
        }
      }
    }
    String raw = request.rawPath();
    int start = plain(raw) ? raw.length() : 1; // a path of only unreserved characters carries nothing to inspect
    while (start < raw.length()) {
      int end = raw.indexOf('/', start);
      if (end < 0) {
        end = raw.length();
      }
      if (end > start) {
        Optional<Verdict> v = sqli.inspect("path:" + (start - 1), raw.substring(start, end));
        if (v.isPresent()) {
          return v;
        }
      }
      start = end + 1;
    }
    for (String header : headers) {
      for (String value : request.headers().values(header)) {
        Optional<Verdict> v = sqli.inspect("header:" + header, value);
        if (v.isPresent()) {
          return v;
        }
      }
    }
    return Optional.empty();
  }

  private static boolean plain(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '/' || c == '-'
          || c == '_' || c == '.' || c == '~')) {
        return false;
      }
    }
    return true;
  }

  private static String printable(String s) {
    String cut = s.length() > 32 ? s.substring(0, 32) : s;
    return cut.replaceAll("[^A-Za-z0-9_.%-]", "?");
  }
}
