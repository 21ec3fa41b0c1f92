package dev.zt.samples.springorders;

import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.web.context.WebServerInitializedEvent;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.web.context.support.StandardServletEnvironment;

/**
 * spring-orders: orders-service's API on Spring Boot (Spring MVC on Tomcat, Actuator), protected by zt through
 * zt-spring-boot-starter with the rules of a policy file inside the jar ({@code spring-orders.policy-file}, see
 * {@link OrdersSecurityConfiguration}). {@code java -jar spring-orders.jar} takes orders-service's standalone
 * variables ({@link OrdersEnvironment}): they are checked before Spring starts, and a missing or bad one ends the
 * process with exit status 2 and one line naming it, as orders-service does (not Boot's exit 1 and stack trace).
 * {@code MANAGEMENT_SERVER_PORT} (Boot's own binding of {@code management.server.port}) moves the actuator to its own
 * port, where zt's filter and the same rules apply.
 */
@SpringBootApplication
public class SpringOrders {

  private static final Logger LOG = LoggerFactory.getLogger(SpringOrders.class);

  /** Spring creates it. */
  SpringOrders() {}

  public static void main(String[] args) {
    OrdersEnvironment settings;
    try {
      settings = OrdersEnvironment.read(System.getenv());
    } catch (IllegalArgumentException | IllegalStateException e) {
      System.err.println("spring-orders: " + e.getMessage());
      System.exit(2);
      return;
    }
    application(settings, System.getenv()).run(args);
  }

  /**
   * The application for {@code settings}, with {@code env} as its whole process environment (Boot binds
   * {@code MANAGEMENT_SERVER_PORT} and the like from it) and {@code PORT} as {@code server.port}, above every other
   * source ({@code SERVER_PORT} does not override it).
   */
  static SpringApplication application(OrdersEnvironment settings, Map<String, String> env) {
    StandardServletEnvironment environment = new StandardServletEnvironment();
    Map<String, Object> variables = new HashMap<>(env);
    environment.getPropertySources().replace(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
        new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, variables));
    environment.getPropertySources().addFirst(new MapPropertySource("spring-orders",
        Map.of("server.port", settings.port())));
    SpringApplication app = new SpringApplication(SpringOrders.class);
    app.setEnvironment(environment);
    app.addInitializers(context -> context.getBeanFactory().registerSingleton("ordersEnvironment", settings));
    return app;
  }

  /** Starts the application in this JVM with {@code env} as its environment: what {@code main} does, for tests. */
  static ConfigurableApplicationContext start(Map<String, String> env) {
    return application(OrdersEnvironment.read(env), env).run();
  }

  /** One line per listener (the API's, and the actuator's on {@code MANAGEMENT_SERVER_PORT}), as orders-service logs. */
  @EventListener
  void listening(WebServerInitializedEvent event) {
    String namespace = event.getApplicationContext().getServerNamespace();
    LOG.info("spring-orders listening on port {} ({})", event.getWebServer().getPort(),
        namespace == null ? "API" : namespace);
  }
}
