package dev.zt.testkit.spring.testapp;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A Boot application as a user writes one, protected by zt-spring-boot-starter from {@code application.properties}
 * (its policy file and audience); in its own package, as a user's is.
 */
@SpringBootApplication
public class OrdersApplication {}
