package dev.zt.testkit.spring;

import dev.zt.testkit.TestIssuer;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.MergedContextConfiguration;

/**
 * Points the starter at the JVM's {@link SharedIssuer}: {@code zt.issuer} (and {@code zt.jwks-uri} when the
 * application sets it: its file then reads keys from there) as the first property source when the context is
 * prepared, above {@code application.properties}, environment variables and inline test properties (a
 * {@code @DynamicPropertySource} is applied later and wins: {@link ZtTestContext} then refuses to mint); and the
 * {@link ZtTestContext} bean the token helpers read the application's audience through. Without fields: every
 * {@code @ZtTest} class shares the cached context of the same configuration.
 */
record ZtContextCustomizer() implements ContextCustomizer {

  static final String PROPERTY_SOURCE = "zt-testkit-spring";

  @Override
  public void customizeContext(ConfigurableApplicationContext context, MergedContextConfiguration config) {
    TestIssuer issuer = SharedIssuer.get();
    ConfigurableEnvironment environment = context.getEnvironment();
    Map<String, Object> properties = new LinkedHashMap<>();
    properties.put(ZtTestContext.ISSUER, issuer.issuer());
    if (environment.containsProperty(ZtTestContext.JWKS_URI)) {
      properties.put(ZtTestContext.JWKS_URI, issuer.jwksUri().toString());
    }
    environment.getPropertySources().addFirst(new MapPropertySource(PROPERTY_SOURCE, properties));
    context.getBeanFactory().registerSingleton(ZtTestContext.BEAN_NAME, new ZtTestContext(context, issuer));
  }
}
