package dev.zt.samples.orders;

import dev.zt.samples.checks.OrdersTarget;
import java.util.HashMap;
import java.util.Map;

/**
 * orders-service for the shared black-box checks ({@code dev.zt.samples.checks}): started in-process from the
 * environment map as {@code main} starts it ({@link OrdersService#startFromEnvironment}), on loopback, on the server
 * {@code ZT_SERVER} names; a refusal is what {@code main} makes of it (exit status 2 and the exception's message; any
 * other exception would end {@code main} with a stack trace and status 1).
 */
record OrdersServiceTarget(OrdersService.ServerKind server) implements OrdersTarget {

  private Map<String, String> withServer(Map<String, String> env) {
    Map<String, String> all = new HashMap<>(env);
    all.putIfAbsent("ZT_HOST", "127.0.0.1");
    all.put("ZT_SERVER", server == OrdersService.ServerKind.NETTY ? "netty" : "servlet");
    return all;
  }

  @Override
  public Running start(Map<String, String> env) throws Exception {
    OrdersService service = OrdersService.startFromEnvironment(withServer(env));
    return new Running() {
      @Override
      public int port() {
        return service.port();
      }

      @Override
      public void close() throws Exception {
        service.close();
      }
    };
  }

  @Override
  public Refusal refuse(Map<String, String> env) throws Exception {
    OrdersService started;
    try {
      started = OrdersService.startFromEnvironment(withServer(env));
    } catch (IllegalArgumentException | IllegalStateException e) { // main's mapping
      return new Refusal(2, e.getMessage());
    } catch (Exception e) {
      return new Refusal(1, e.toString());
    }
    started.close();
    throw new AssertionError("orders-service started with " + env);
  }
}
