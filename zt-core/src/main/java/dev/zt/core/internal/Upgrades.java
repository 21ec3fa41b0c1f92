package dev.zt.core.internal;

import java.util.List;
import java.util.Locale;

/**
 * Protocol upgrades (RFC 9110 §7.8) as zt treats them, shared by the adapters and the enforcer. zt decides requests;
 * the messages of an upgraded connection (WebSocket frames, HTTP/2 streams after {@code h2c}) would pass undecided.
 * So an {@code h2c} upgrade is ignored — the adapter removes {@code Upgrade}, {@code HTTP2-Settings} and their
 * {@code Connection} options before anything sees the request, and it is answered over HTTP/1.1, as RFC 9110 §7.8
 * lets a server do — and any other upgrade is refused by the enforcer. Not API: for zt's own modules.
 */
public final class Upgrades {

  /** The field that asks for an upgrade. */
  public static final String UPGRADE = "Upgrade";

  /** The field an {@code h2c} upgrade carries (RFC 7540 §3.2.1). */
  public static final String HTTP2_SETTINGS = "HTTP2-Settings";

  private Upgrades() {}

  /**
   * Whether a request with these {@code Upgrade} values, and with ({@code settings}) or without an
   * {@code HTTP2-Settings} field, asks only for {@code h2c}: the upgrade the adapter ignores.
   */
  public static boolean onlyH2c(List<String> upgrade, boolean settings) {
    if (upgrade.isEmpty()) {
      return settings;
    }
    for (String value : upgrade) {
      for (String token : value.split(",")) {
        String t = token.trim();
        if (!t.isEmpty() && !t.equalsIgnoreCase("h2c")) {
          return false;
        }
      }
    }
    return true;
  }

  /**
   * A {@code Connection} value without the {@code upgrade} and {@code http2-settings} options, or the empty string
   * when nothing else remains.
   */
  public static String connectionWithoutUpgrade(String value) {
    StringBuilder out = new StringBuilder(value.length());
    for (String token : value.split(",")) {
      String t = token.trim();
      String lower = t.toLowerCase(Locale.ROOT);
      if (t.isEmpty() || lower.equals("upgrade") || lower.equals("http2-settings")) {
        continue;
      }
      if (out.length() > 0) {
        out.append(", ");
      }
      out.append(t);
    }
    return out.toString();
  }
}
