package dev.zt.spring.boot.testapp;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.context.SecurityContextHolderFilter;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * A Boot application as a user writes one, with Spring Security on the class path; in its own package, as a user's is
 * (a component scan of dev.zt.spring.boot would pick up the management-context configuration in the main context).
 */
@SpringBootApplication
public class StarterTestApplication {

  /** The header Spring Security's chain adds to every request it sees: absent on what zt answered first. */
  public static final String SECURITY_SAW = "X-Security-Saw";

  @Bean
  SecurityFilterChain security(HttpSecurity http) throws Exception {
    return http.csrf(AbstractHttpConfigurer::disable)
        .authorizeHttpRequests(a -> a.anyRequest().permitAll())
        .addFilterBefore(new SeenBySecurity(), SecurityContextHolderFilter.class)
        .build();
  }

  @RestController
  static class Orders {

    @GetMapping("/orders/{id}")
    String get(@PathVariable String id) {
      return "order " + id;
    }

    @RequestMapping(
        path = "/orders/{id}",
        method = {RequestMethod.PUT, RequestMethod.PATCH, RequestMethod.DELETE})
    String change(@PathVariable String id, @RequestParam String note) {
      return "changed " + id + ": " + note;
    }

    @GetMapping("/boom")
    String boom() {
      throw new IllegalStateException("boom");
    }
  }

  static final class SeenBySecurity extends OncePerRequestFilter {
    @Override
    protected void doFilterInternal(HttpServletRequest req, HttpServletResponse res, FilterChain chain)
        throws ServletException, IOException {
      res.setHeader(SECURITY_SAW, "yes");
      chain.doFilter(req, res);
    }
  }
}
