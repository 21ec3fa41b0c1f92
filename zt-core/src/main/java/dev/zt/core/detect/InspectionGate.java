package dev.zt.core.detect;

import dev.zt.core.internal.pipeline.FormInspector;
import dev.zt.core.DenyReason;
import dev.zt.core.FormBody;
import dev.zt.core.RequestContext;
import dev.zt.core.internal.SourceKey;
import dev.zt.core.internal.pipeline.CountermeasureHooks;
import dev.zt.core.internal.pipeline.Gate;
import dev.zt.core.internal.pipeline.RequestState;
import dev.zt.core.internal.pipeline.Step;

import java.util.List;
import java.util.Optional;

/**
 * Inspects the request for attacks (SQL injection in query parameters, raw path segments, selected headers and the
 * fields of a URL-encoded form body) after the caller is known, so a verdict can be held against the credential. A
 * verdict refuses the request (403) and goes to the response engine. The form body is inspected last, by the enforcer,
 * after every other gate allowed the request ({@link #inspectForm}): a body is never read for a request that would be
 * refused anyway. A form body that cannot be inspected whole — over the byte or field limit (413), or in a charset or
 * content coding the detector does not read as the application will (415) — is refused: an uninspected remainder
 * would be a way around the inspection.
 */
final class InspectionGate implements Gate, FormInspector {

  static final String NAME = "inspection";
  private final SqlInjectionDetector sqli = SqlInjectionDetector.create();
  /** Long values are inspected in windows of the detector's length that overlap by this much. */
  static final int OVERLAP = 512;

  private final List<String> headers;
  private final CountermeasureHooks countermeasures;
  private final int maxFormBytes;
  private final int maxFormFields;
  private final Detection detection;

  InspectionGate(Detection detection, CountermeasureHooks countermeasures) {
    this.headers = detection.inspectedHeaders();
    this.countermeasures = countermeasures;
    this.maxFormBytes = detection.maxFormBytes();
    this.maxFormFields = detection.maxFormFields();
    this.detection = detection;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Step evaluate(RequestState exchange) {
    Optional<Verdict> verdict = inspect(exchange, exchange.request());
    return verdict.isEmpty() ? Step.proceed() : refuse(exchange, verdict.get());
  }

  /**
   * What can be refused about a form from the request's header fields alone, before a byte of the body is read: a
   * charset or content coding the detector does not read as the application will (415), or a declared
   * {@code Content-Length} over the limit (413).
   */
  @Override
  public Step inspectHeaders(RequestState exchange) {
    Optional<String> why = FormBody.uninspectable(exchange.request().headers());
    if (why.isPresent()) {
      exchange.note("form body not inspectable: " + why.get());
      return Step.deny(DenyReason.FORM_UNSUPPORTED);
    }
    for (String length : exchange.request().headers().values("Content-Length")) {
      if (declaredOver(length.trim(), maxFormBytes)) {
        exchange.note("form body declared over " + maxFormBytes + " bytes: not read, refused");
        return Step.deny(DenyReason.FORM_TOO_LARGE);
      }
    }
    return Step.proceed();
  }

  /**
   * Inspects the form body of a request that every other gate allowed: over the byte or field limit (413) or not
   * inspectable (415) it is refused whole; else each field's value and name, in order. The work is linear in the
   * body's length and bounded by the limits: fields are counted before any is parsed, and each value is read in
   * bounded windows.
   */
  @Override
  public Step inspect(RequestState exchange) {
    Optional<FormBody> present = exchange.request().formBody();
    if (present.isEmpty()) {
      return Step.proceed();
    }
    FormBody form = present.get();
    if (form.length() > maxFormBytes) {
      exchange.note("form body over " + maxFormBytes + " bytes: not inspected, refused");
      return Step.deny(DenyReason.FORM_TOO_LARGE);
    }
    if (form.fieldCount() > maxFormFields) {
      exchange.note("form body with " + form.fieldCount() + " fields, over " + maxFormFields
          + ": not inspected, refused");
      return Step.deny(DenyReason.FORM_TOO_LARGE);
    }
    Optional<String> why = FormBody.uninspectable(exchange.request().headers());
    if (why.isPresent()) {
      exchange.note("form body not inspectable: " + why.get());
      return Step.deny(DenyReason.FORM_UNSUPPORTED);
    }
    for (FormBody.Field f : form.fields()) {
      exchange.countInspected();
      Optional<Verdict> v = field("form:", f.rawName(), f.rawValue());
      if (v.isPresent()) {
        return refuse(exchange, v.get());
      }
    }
    return Step.proceed();
  }

  private Step refuse(RequestState exchange, Verdict verdict) {
    exchange.note(verdict.rule() + ": " + verdict.evidence());
    // about content, not identity: the request is refused and at most this one token suspended (see Countermeasures)
    countermeasures.onContentVerdict(verdict, exchange.identity(), exchange.caller().token(),
        exchange.blockableSource());
    return Step.deny(DenyReason.ATTACK_DETECTED);
  }

  /** Whether a {@code Content-Length} value is a number above {@code limit} (a malformed one is the server's). */
  private static boolean declaredOver(String value, int limit) {
    if (value.isEmpty() || value.length() > 18) {
      return value.length() > 18 && value.chars().allMatch(c -> c >= '0' && c <= '9');
    }
    long n = 0;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
      n = n * 10 + (c - '0');
    }
    return n > limit;
  }

  private Optional<Verdict> inspect(RequestState exchange, RequestContext request) {
    String query = request.rawQuery();
    if (!query.isEmpty()) {
      int start = 0;
      while (start <= query.length()) {
        int end = query.indexOf('&', start);
        if (end < 0) {
          end = query.length();
        }
        if (end > start) {
          int eq = start;
          while (eq < end && query.charAt(eq) != '=') {
            eq++;
          }
          boolean hasValue = eq < end;
          String name = query.substring(start, hasValue ? eq : end);
          String value = hasValue ? query.substring(eq + 1, end) : "";
          exchange.countInspected();
          Optional<Verdict> v = field("query:", name, value);
          if (v.isPresent()) {
            return v;
          }
        }
        start = end + 1;
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
          return detection.isSensitive(header) ? v.map(InspectionGate::redacted) : v;
        }
      }
    }
    return Optional.empty();
  }

  /** A query parameter or form field: its value, then its name, each decoded once by the detector. */
  private Optional<Verdict> field(String kind, String rawName, String rawValue) {
    String location = kind + printable(rawName);
    Optional<Verdict> v = whole(location, rawValue);
    if (v.isEmpty() && !rawName.isEmpty()) {
      v = whole(location, rawName);
    }
    return v.isPresent() && detection.isSensitive(decodedName(rawName)) ? v.map(InspectionGate::redacted) : v;
  }

  /** A field's name decoded once for the sensitivity check ({@code pass%77ord} is {@code password}). */
  private static String decodedName(String rawName) {
    if (rawName.indexOf('%') < 0 && rawName.indexOf('+') < 0) {
      return rawName;
    }
    try {
      return java.net.URLDecoder.decode(rawName, java.nio.charset.StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return rawName; // a malformed escape: the name as sent
    }
  }

  /**
   * The verdict without the excerpt of the value: a sensitive field's value (a password that happens to hold a
   * quote and {@code OR}) must not reach a log. The location, shape and fingerprint remain.
   */
  static Verdict redacted(Verdict v) {
    String e = v.evidence();
    int at = e.indexOf(" excerpt="); // the first: the location holds no spaces, the value may hold anything
    return new Verdict(v.rule(), v.severity(), (at < 0 ? e : e.substring(0, at)) + " excerpt=(redacted: sensitive"
        + " field)");
  }

  /**
   * Inspects all of a value: the detector reads the first {@link SqlInjectionDetector#MAX_INSPECTED} characters, so
   * a longer value (a form field can be 64 KiB) is read in windows of that length overlapping by {@value #OVERLAP},
   * and an injection padded past the first window is still seen.
   */
  private Optional<Verdict> whole(String location, String raw) {
    Optional<Verdict> v = sqli.inspectQueryValue(location, raw);
    int window = SqlInjectionDetector.MAX_INSPECTED;
    for (int start = window - OVERLAP; v.isEmpty() && start + OVERLAP < raw.length(); start += window - OVERLAP) {
      v = sqli.inspectQueryValue(location + "@" + start, raw.substring(start, Math.min(raw.length(), start + window)));
    }
    return v;
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
    int n = Math.min(s.length(), 32);
    char[] out = new char[n];
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      boolean keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'
          || c == '.' || c == '%' || c == '-';
      out[i] = keep ? c : '?';
    }
    return new String(out);
  }
}
