package dev.zt.testkit.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Points the zt of a Spring test's application at an in-process issuer: one {@link dev.zt.testkit.TestIssuer} per
 * JVM ({@link ZtTokens#issuer()}) whose address becomes {@code zt.issuer} (and {@code zt.jwks-uri}, when the
 * application sets that property), over {@code application.properties}, environment variables and inline test
 * properties (a {@code @DynamicPropertySource} for {@code zt.issuer} still wins, and {@link ZtTokens#zt()} then
 * fails naming it). Tokens from {@link ZtTokens#zt()} then carry
 * the application's own audience ({@code zt.audience}, else the policy file's audience for that issuer) and go
 * through the real filter, as a real client's do.
 *
 * <p>Put it beside {@code @SpringBootTest} (mock or real port) or {@code @WebMvcTest}:
 *
 * <pre>{@code
 * @WebMvcTest(OrdersController.class)
 * @ZtTest
 * class OrdersControllerTests {
 *   @Autowired MockMvc mvc;
 *
 *   @Test
 *   void getOrderWhenScopeMissingThenForbidden() throws Exception {
 *     mvc.perform(get("/orders/1").with(zt().scopes("profile"))).andExpect(status().isForbidden());
 *   }
 * }
 * }</pre>
 *
 * <p>Every test class with this annotation shares one application context per configuration (the issuer is the same
 * for all of them). The policy file must read the issuer from {@code ${ZT_ISSUER}}: the starter refuses to start
 * otherwise, rather than ignore the property.
 *
 * @since 0.4
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
public @interface ZtTest {}
