package dev.zt.servlet;

import dev.zt.core.internal.Upgrades;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpUpgradeHandler;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;

/**
 * A request whose {@code h2c} upgrade zt ignores (RFC 9110 §7.8): {@code Upgrade}, {@code HTTP2-Settings} and their
 * {@code Connection} options are hidden from the enforcer and the application, {@link #upgrade} is refused, and the
 * request is answered over HTTP/1.1.
 */
final class H2cIgnored extends HttpServletRequestWrapper {

  private H2cIgnored(HttpServletRequest request) {
    super(request);
  }

  /** {@code request} itself, or a view without its h2c upgrade when it asks for one (only for one). */
  static HttpServletRequest wrapIfH2c(HttpServletRequest request) {
    boolean settings = request.getHeader(Upgrades.HTTP2_SETTINGS) != null;
    if (!settings && request.getHeader(Upgrades.UPGRADE) == null) {
      return request; // the usual request: nothing looked at beyond two absent fields, nothing allocated
    }
    Enumeration<String> upgrade = request.getHeaders(Upgrades.UPGRADE);
    List<String> values = upgrade == null ? List.of() : Collections.list(upgrade);
    if ((values.isEmpty() && !settings) || !Upgrades.onlyH2c(values, settings)) {
      return request; // nothing to ignore, or an upgrade the enforcer refuses
    }
    return new H2cIgnored(request);
  }

  private static boolean hidden(String name) {
    return name.equalsIgnoreCase(Upgrades.UPGRADE) || name.equalsIgnoreCase(Upgrades.HTTP2_SETTINGS);
  }

  @Override
  public String getHeader(String name) {
    if (hidden(name)) {
      return null;
    }
    if (name.equalsIgnoreCase("Connection")) {
      List<String> c = connection();
      return c.isEmpty() ? null : c.get(0);
    }
    return super.getHeader(name);
  }

  @Override
  public Enumeration<String> getHeaders(String name) {
    if (hidden(name)) {
      return Collections.emptyEnumeration();
    }
    if (name.equalsIgnoreCase("Connection")) {
      return Collections.enumeration(connection());
    }
    return super.getHeaders(name);
  }

  @Override
  public Enumeration<String> getHeaderNames() {
    List<String> names = new ArrayList<>();
    for (String n : Collections.list(super.getHeaderNames())) {
      if (!hidden(n) && !(n.equalsIgnoreCase("Connection") && connection().isEmpty())) {
        names.add(n);
      }
    }
    return Collections.enumeration(names);
  }

  @Override
  public <T extends HttpUpgradeHandler> T upgrade(Class<T> handlerClass) {
    throw new IllegalStateException("zt ignored this request's h2c upgrade: it is answered over HTTP/1.1");
  }

  private List<String> connection() {
    List<String> out = new ArrayList<>();
    Enumeration<String> values = super.getHeaders("Connection");
    if (values != null) {
      for (String v : Collections.list(values)) {
        String rest = Upgrades.connectionWithoutUpgrade(v);
        if (!rest.isEmpty()) {
          out.add(rest);
        }
      }
    }
    return out;
  }
}
