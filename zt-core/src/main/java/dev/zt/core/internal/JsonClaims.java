package dev.zt.core.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * Typed reads of JWT claim values as Nimbus' JSON parser produces them (RFC 7519 §2, §4.1), shared by zt's access
 * token and JWT-SVID verifiers so both judge types the same way.
 */
public final class JsonClaims {

  /** The largest NumericDate accepted: 9999-12-31T23:59:59Z. */
  public static final long MAX_NUMERIC_DATE = 253402300799L;

  private JsonClaims() {}

  /**
   * A NumericDate in milliseconds since the epoch, or {@code Long.MIN_VALUE} when {@code v} is not a JSON number in
   * [0, {@link #MAX_NUMERIC_DATE}] (strings, booleans, null and non-finite values are not NumericDates).
   */
  public static long numericDateMillis(Object v) {
    if (v instanceof Long l) {
      return l >= 0 && l <= MAX_NUMERIC_DATE ? l * 1000 : Long.MIN_VALUE;
    }
    if (v instanceof Integer i) {
      return i >= 0 ? i * 1000L : Long.MIN_VALUE;
    }
    if (v instanceof Number n && !(v instanceof Float)) {
      double d = n.doubleValue();
      return Double.isFinite(d) && d >= 0 && d <= MAX_NUMERIC_DATE ? (long) Math.floor(d * 1000) : Long.MIN_VALUE;
    }
    return Long.MIN_VALUE;
  }

  /** A string as a one-element list, an array of strings as a list, anything else {@code null}. */
  public static List<String> stringOrStrings(Object v) {
    if (v instanceof String s) {
      return List.of(s);
    }
    if (v instanceof List<?> list) {
      List<String> out = new ArrayList<>(list.size());
      for (Object o : list) {
        if (!(o instanceof String s)) {
          return null;
        }
        out.add(s);
      }
      return out;
    }
    return null;
  }
}
