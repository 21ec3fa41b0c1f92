package dev.zt.core.internal;

import java.util.Locale;

/**
 * Whether a URL's host is a loopback literal, the one place plain {@code http} is accepted by default (JWKS and
 * introspection endpoints, PDP base URLs). Internal: not part of zt's API.
 */
public final class Loopback {

  private Loopback() {}

  /**
   * Whether {@code host} is a loopback literal: {@code localhost}, an IPv4 address in 127.0.0.0/8 written as four
   * decimal octets, or {@code ::1}. A name that merely starts with {@code 127.} ({@code 127.example.com}) is not:
   * it resolves wherever its owner says. {@code null} (a URL without a host) is not.
   */
  public static boolean isLoopback(String host) {
    if (host == null) {
      return false;
    }
    String h = host.toLowerCase(Locale.ROOT);
    if (h.equals("localhost") || h.equals("[::1]") || h.equals("::1")) {
      return true;
    }
    String[] octets = h.split("\\.", -1);
    if (octets.length != 4 || !octets[0].equals("127")) {
      return false;
    }
    for (String o : octets) {
      if (o.isEmpty() || o.length() > 3 || !o.chars().allMatch(c -> c >= '0' && c <= '9')
          || Integer.parseInt(o) > 255) {
        return false;
      }
    }
    return true;
  }
}
