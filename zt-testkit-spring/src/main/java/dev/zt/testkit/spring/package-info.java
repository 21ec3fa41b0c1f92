/**
 * Deny tests of a Spring application that {@code zt-spring-boot-starter} protects, in five lines: {@link
 * dev.zt.testkit.spring.ZtTest} on the test class starts one in-process issuer per JVM and points the application at
 * it; {@link dev.zt.testkit.spring.ZtTokens#zt()} mints a real token with the application's audience for a MockMvc,
 * WebTestClient or RestClient request, which goes through the application's real filter.
 *
 * <p>Spring Framework APIs only ({@code spring-test}, {@code spring-web}): the same on Boot 3.5 and Boot 4.0.
 *
 * @since 0.4
 */
package dev.zt.testkit.spring;
