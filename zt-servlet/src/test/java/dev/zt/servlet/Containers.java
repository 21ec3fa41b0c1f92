package dev.zt.servlet;

import dev.zt.core.Enforcer;
import dev.zt.testkit.conformance.ServerHandle;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.stream.Stream;
import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.descriptor.web.FilterDef;
import org.apache.tomcat.util.descriptor.web.FilterMap;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The servlet tests' embedded containers: Jetty 12 (ee10) or Tomcat 10.1 on an ephemeral loopback port, with
 * {@link ZeroTrustFilter} on every request dispatch in front of the given servlets.
 */
final class Containers {

  private Containers() {}

  /** A servlet and the URL patterns it is mapped to. */
  record Mapped(String name, List<String> mappings, HttpServlet servlet) {}

  /** {@code contextPath} "" or "/" is the root context. */
  static ServerHandle jetty(Enforcer enforcer, String contextPath, List<Mapped> servlets) throws Exception {
    return jetty(new ZeroTrustFilter(enforcer), contextPath, servlets);
  }

  /** Jetty with {@code filter} (e.g. one over a swappable enforcer). */
  static ServerHandle jetty(ZeroTrustFilter filter, String contextPath, List<Mapped> servlets) throws Exception {
    QueuedThreadPool threads = new QueuedThreadPool(16, 2);
    threads.setName("jetty-test");
    Server server = new Server(threads);
    ServerConnector connector = new ServerConnector(server, 1, 1);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler();
    context.setContextPath(contextPath.isEmpty() ? "/" : contextPath);
    FilterHolder zt = new FilterHolder(filter);
    zt.setAsyncSupported(true); // as the gateway's: a servlet behind it may answer asynchronously
    context.addFilter(zt, "/*", EnumSet.of(DispatcherType.REQUEST));
    for (Mapped m : servlets) {
      ServletHolder holder = new ServletHolder(m.name(), m.servlet());
      holder.setAsyncSupported(true);
      for (String mapping : m.mappings()) {
        context.addServlet(holder, mapping);
      }
    }
    server.setHandler(context);
    server.start();
    return new ServerHandle(connector.getLocalPort(), server::stop);
  }

  /** {@code contextPath} "" or "/" is the root context. */
  static ServerHandle tomcat(Enforcer enforcer, String contextPath, List<Mapped> servlets) throws Exception {
    return tomcat(new ZeroTrustFilter(enforcer), contextPath, servlets);
  }

  /** Tomcat with {@code zt} (e.g. one over a swappable enforcer). */
  static ServerHandle tomcat(ZeroTrustFilter zt, String contextPath, List<Mapped> servlets) throws Exception {
    Path base = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "tomcat-");
    Tomcat tomcat = new Tomcat();
    tomcat.setBaseDir(base.toAbsolutePath().toString());
    Connector connector = new Connector();
    connector.setPort(0);
    connector.setProperty("address", "127.0.0.1");
    connector.setProperty("maxThreads", "16");
    // 100 Continue when the body is first read (zt reads a form only for a request it would allow), not at once
    connector.setProperty("continueResponseTiming", "onRead");
    tomcat.setConnector(connector);
    Context context = tomcat.addContext(contextPath.equals("/") ? "" : contextPath, null);
    FilterDef filter = new FilterDef();
    filter.setFilterName("zt");
    filter.setFilter(zt);
    filter.setAsyncSupported("true");
    context.addFilterDef(filter);
    FilterMap map = new FilterMap();
    map.setFilterName("zt");
    map.addURLPattern("/*");
    map.setDispatcher("REQUEST");
    context.addFilterMap(map);
    for (Mapped m : servlets) {
      Tomcat.addServlet(context, m.name(), m.servlet()).setAsyncSupported(true);
      for (String mapping : m.mappings()) {
        context.addServletMappingDecoded(mapping, m.name());
      }
    }
    tomcat.start();
    return new ServerHandle(connector.getLocalPort(), () -> {
      try {
        tomcat.stop();
        tomcat.destroy();
      } finally {
        deleteTree(base);
      }
    });
  }

  private static void deleteTree(Path root) throws IOException {
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
