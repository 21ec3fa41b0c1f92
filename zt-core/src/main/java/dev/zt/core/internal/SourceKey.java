package dev.zt.core.internal;

import java.net.InetAddress;

/** What an automated block acts on: one address, or the /24 (IPv4) or /64 (IPv6) network around it. */
public record SourceKey(InetAddress address, boolean network) {
  public static SourceKey of(InetAddress address) {
    return new SourceKey(address, false);
  }

  public String key() {
    return network ? networkKey(address) : address.getHostAddress();
  }

  /** {@code net:198.51.100.0/24}, or {@code net:2001:db8:1:2::/64}. */
  public static String networkKey(InetAddress a) {
    byte[] b = a.getAddress();
    if (b.length == 4) {
      return "net:" + (b[0] & 0xFF) + '.' + (b[1] & 0xFF) + '.' + (b[2] & 0xFF) + ".0/24";
    }
    StringBuilder s = new StringBuilder("net:");
    for (int i = 0; i < 8; i += 2) {
      s.append(Integer.toHexString((b[i] & 0xFF) << 8 | (b[i + 1] & 0xFF))).append(':');
    }
    return s.append(":/64").toString();
  }
}
