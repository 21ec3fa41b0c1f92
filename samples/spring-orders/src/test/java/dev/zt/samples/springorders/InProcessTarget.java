package dev.zt.samples.springorders;

import dev.zt.samples.checks.OrdersTarget;
import java.util.Map;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * spring-orders in this JVM for the shared black-box checks: {@link SpringOrders#start} with the environment map as
 * the application's whole process environment (Boot's relaxed binding reads it, {@code MANAGEMENT_SERVER_PORT}
 * included). A refusal is what {@code main} makes of it: exit status 2 and the message; {@link SpringOrdersJarTests}
 * checks {@code main} itself.
 */
final class InProcessTarget implements OrdersTarget {

  @Override
  public Running start(Map<String, String> env) {
    ConfigurableApplicationContext context = SpringOrders.start(env);
    int port = context.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
    int management = context.getEnvironment().getProperty("local.management.port", Integer.class, port);
    return new Running() {
      @Override
      public int port() {
        return port;
      }

      @Override
      public int managementPort() {
        return management;
      }

      @Override
      public void close() {
        context.close();
      }
    };
  }

  @Override
  public Refusal refuse(Map<String, String> env) {
    OrdersEnvironment settings;
    try {
      settings = OrdersEnvironment.read(env);
    } catch (IllegalArgumentException | IllegalStateException e) { // main's mapping: exit 2, the message
      return new Refusal(2, e.getMessage());
    }
    ConfigurableApplicationContext started;
    try {
      started = SpringOrders.application(settings, env).run();
    } catch (RuntimeException e) { // Boot's own failure: main ends with its stack trace, exit 1
      return new Refusal(1, e.toString());
    }
    started.close();
    throw new AssertionError("spring-orders started with " + env);
  }
}
