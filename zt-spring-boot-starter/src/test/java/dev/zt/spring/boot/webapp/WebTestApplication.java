package dev.zt.spring.boot.webapp;

import dev.zt.core.Caller;
import java.util.Optional;
import java.util.TreeSet;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.config.annotation.method.configuration.EnableMethodSecurity;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * An application that takes zt's caller as a controller argument and keeps Spring Security with a strict chain
 * ({@code authenticated()} but for the public paths) and method security; it catches every exception itself, as
 * many applications do. In its own package (see StarterTestApplication).
 */
@SpringBootApplication
@EnableMethodSecurity
public class WebTestApplication {

  @Bean
  SecurityFilterChain security(HttpSecurity http) throws Exception {
    return http.csrf(AbstractHttpConfigurer::disable)
        .authorizeHttpRequests(
            a ->
                a.requestMatchers(
                        "/maybe", "/public-but-needs-caller", "/context", "/actuator/health", "/actuator/health/**")
                    .permitAll()
                    .anyRequest()
                    .authenticated())
        .build();
  }

  @RestController
  static class Handlers {

    @GetMapping("/me")
    String me(Caller caller) {
      return "me " + caller.getName() + " " + new TreeSet<>(caller.scopes());
    }

    @GetMapping("/maybe")
    String maybe(Optional<Caller> caller) {
      return caller.map(c -> "caller " + c.getName()).orElse("nobody");
    }

    @GetMapping("/public-but-needs-caller")
    String needsCaller(Caller caller) {
      return "reached with " + caller;
    }

    @GetMapping("/scoped")
    @PreAuthorize("hasAuthority('SCOPE_orders:read')")
    String scoped() {
      return "scoped " + SecurityContextHolder.getContext().getAuthentication().getName();
    }

    @GetMapping("/admin")
    @PreAuthorize("hasRole('admin')")
    String admin() {
      return "admin";
    }

    @GetMapping("/context")
    String context() {
      Authentication a = SecurityContextHolder.getContext().getAuthentication();
      return a == null ? "none" : a.getClass().getSimpleName() + " " + a.getPrincipal().getClass().getSimpleName();
    }
  }

  @RestControllerAdvice
  static class CatchAll {
    @ExceptionHandler(RuntimeException.class)
    ResponseEntity<String> any(RuntimeException e) {
      if (e instanceof AccessDeniedException) {
        throw e; // Spring Security's to answer
      }
      return ResponseEntity.internalServerError().body("caught by the application");
    }
  }
}
