package dev.zt.testkit.spring.testapp;

import dev.zt.core.Caller;
import dev.zt.servlet.ZeroTrustFilter;
import java.util.TreeSet;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RestController;

/** The routes zt-policy.yaml protects; {@code /me} shows what zt established of the caller. */
@RestController
public class OrdersController {

  @GetMapping("/orders/{id}")
  public String order(@PathVariable String id) {
    return "order " + id;
  }

  @GetMapping("/admin")
  public String admin() {
    return "admin";
  }

  @GetMapping("/me")
  public String me(@RequestAttribute(ZeroTrustFilter.CALLER_ATTRIBUTE) Caller caller) {
    return caller.subject().orElse("-") + " " + caller.clientId().orElse("-") + " " + new TreeSet<>(caller.scopes())
        + " " + new TreeSet<>(caller.roles()) + " "
        + caller.token().flatMap(t -> t.claim("tenant")).map(Object::toString).orElse("-");
  }
}
