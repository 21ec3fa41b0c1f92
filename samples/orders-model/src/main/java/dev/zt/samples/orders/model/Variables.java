package dev.zt.samples.orders.model;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Map;

/**
 * Reading the orders samples' standalone variables, with one set of rules and messages for both: a value is stripped
 * and blank means unset; a value that is present and not understood is an {@link IllegalArgumentException} naming its
 * variable (each sample's {@code main} turns it into exit status 2), so a misspelt setting never silently weakens, or
 * drops, a check. Values are quoted in messages through {@link #printable}: never more than 64 printable characters.
 */
public final class Variables {

  /** The listener's port when {@code PORT} is not set. */
  public static final int DEFAULT_PORT = 8080;

  private Variables() {}

  /** The variable's value, stripped; {@code null} when unset or blank. */
  public static String value(Map<String, String> env, String name) {
    String v = env.get(name);
    return v == null || v.isBlank() ? null : v.strip();
  }

  /** The variable's value, stripped; unset or blank is an error naming it. */
  public static String required(Map<String, String> env, String name) {
    String v = value(env, name);
    if (v == null) {
      throw new IllegalArgumentException(name + " is required (see the README)");
    }
    return v;
  }

  /** A {@code true}/{@code false} variable (any case), unset or blank meaning false; anything else is an error. */
  public static boolean flag(Map<String, String> env, String name) {
    String v = value(env, name);
    if (v == null || v.equalsIgnoreCase("false")) {
      return false;
    }
    if (v.equalsIgnoreCase("true")) {
      return true;
    }
    throw new IllegalArgumentException(name + " must be true or false, not '" + printable(v) + "'");
  }

  /**
   * {@code PORT}: the listener's port, 0 to 65535 (0: any free port), {@value #DEFAULT_PORT} when unset or blank;
   * anything else is an error naming the variable.
   */
  public static int port(Map<String, String> env) {
    String v = value(env, "PORT");
    if (v == null) {
      return DEFAULT_PORT;
    }
    int port;
    try {
      port = Integer.parseInt(v);
    } catch (NumberFormatException e) {
      port = -1;
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("PORT must be a port number from 0 to 65535, not '" + printable(v) + "'");
    }
    return port;
  }

  /** {@code value} (of variable {@code name}) as a URI; not one is an error naming the variable. */
  public static URI uri(String value, String name) {
    try {
      return new URI(value);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(name + " is not a URI: '" + printable(value) + "'");
    }
  }

  /**
   * Refuses {@code uri} (the value of variable {@code name}, where keys are fetched from) when it is plain http to a
   * host that is not loopback, unless {@code allowed} ({@code ZT_ALLOW_PLAIN_HTTP=true}).
   */
  public static void refuseRemotePlainHttp(String name, URI uri, boolean allowed) {
    if (isRemotePlainHttp(uri) && !allowed) {
      // Keys fetched without TLS can be swapped in transit: a forged token would then verify.
      throw new IllegalArgumentException(name + " uses plain http to a host that is not loopback (" + uri
          + "): keys fetched that way can be replaced in transit. Use https, or set ZT_ALLOW_PLAIN_HTTP=true inside"
          + " a network you control");
    }
  }

  /**
   * Plain {@code http} to anything but loopback: {@code localhost}, an IPv4 literal in {@code 127.0.0.0/8}, or
   * {@code [::1]}. Only literals count: a host name such as {@code 127.example.com} may resolve anywhere.
   */
  public static boolean isRemotePlainHttp(URI uri) {
    if (!"http".equalsIgnoreCase(uri.getScheme())) {
      return false;
    }
    String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
    if (host.equals("localhost")) {
      return false;
    }
    boolean literal = host.matches("(\\d{1,3}\\.){3}\\d{1,3}") || (host.startsWith("[") && host.endsWith("]"));
    if (!literal) {
      return true;
    }
    try {
      return !InetAddress.getByName(host).isLoopbackAddress(); // a literal: parsed, never looked up
    } catch (UnknownHostException e) {
      return true;
    }
  }

  /** A configuration value for an error message: printable ASCII, at most 64 characters. */
  public static String printable(String s) {
    String cut = s.length() > 64 ? s.substring(0, 64) + "..." : s;
    return cut.replaceAll("[^\\x20-\\x7e]", "?");
  }
}
